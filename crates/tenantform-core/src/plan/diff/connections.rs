//! Connections (database and social), their enabled applications, and renames.

use serde_json::json;

use super::fields::{all_declared, diff_declared, same};
use super::{Planner, write_only};
use crate::live::LiveConnection;
use crate::plan::desired::{ClientEnablement, Desired};
use crate::plan::model::{Address, Change, ChangeAction, FieldChange, Kind};

/// Fields that are not connection options, or not compared (the write-only secret).
const NOT_OPTIONS: &[&str] = &[
    "name",
    "renamed_from",
    "enabled_applications",
    "strategy",
    "client_secret",
];

impl<'a> Planner<'a> {
    pub(super) fn connections(&mut self) {
        for (key, declared) in &self.file.connections {
            let name = declared.auth0_name(key).to_owned();
            let address = Address::new(Kind::Connection, &name);
            let mut connection = declared.clone();
            connection.name = Some(name.clone());
            connection.enabled_applications = None;
            let live = self.live.connection_named(&name);
            let desired_enabled = declared.enabled_applications.as_ref().map(|enabled| {
                let mut names: Vec<String> = enabled
                    .iter()
                    .map(|app| self.application_name(app))
                    .collect();
                names.sort();
                names.dedup();
                names
            });
            // Only the enablements that change (a new connection starts enabled for nobody):
            // a saved plan grows with its changes, not with applications x connections.
            let enabled_clients = declared.enabled_applications.as_ref().map(|enabled| {
                let now = live
                    .map(|live| self.declared_enabled_on(live))
                    .unwrap_or_default();
                let mut keys: Vec<(usize, &str)> = enabled
                    .iter()
                    .map(String::as_str)
                    .chain(now.iter().copied())
                    .filter_map(|key| Some((self.file.applications.get_index_of(key)?, key)))
                    .collect();
                // In the file's order, as the plan lists them.
                keys.sort_unstable();
                keys.dedup();
                keys.into_iter()
                    .filter_map(|(_, app)| {
                        let wanted = enabled.iter().any(|key| key == app);
                        (wanted != now.contains(&app)).then(|| ClientEnablement {
                            application: self.application_name(app),
                            enabled: wanted,
                        })
                    })
                    .collect::<Vec<_>>()
            });
            let desired = Desired::Connection {
                connection: connection.clone(),
                enabled_clients,
            };
            let old = declared
                .renamed_from
                .as_deref()
                .and_then(|old| self.live.connection_named(old));
            match (live, old) {
                (None, Some(old)) => {
                    let mut fields = vec![FieldChange {
                        path: "name".into(),
                        before: json!(old.name),
                        after: json!(name),
                        write_only: false,
                    }];
                    fields.extend(all_declared("options", &connection, NOT_OPTIONS));
                    fields.extend(secret_fields(&connection));
                    fields.extend(enablement_field(None, desired_enabled.as_ref()));
                    self.changes.push(Change {
                        address,
                        action: ChangeAction::Replace,
                        live_id: Some(old.id.clone()),
                        fields,
                        reason: format!(
                            "renamed from `{}`: connection names are immutable, so the old connection is deleted with ALL its users and a new one is created",
                            old.name
                        ),
                        destructive: true,
                        desired: Some(desired),
                    });
                }
                (None, None) => {
                    let mut fields = all_declared("options", &connection, NOT_OPTIONS);
                    fields.extend(secret_fields(&connection));
                    fields.extend(enablement_field(None, desired_enabled.as_ref()));
                    self.create(address, fields, desired);
                }
                (Some(live), old) => {
                    let strategy = connection.strategy();
                    if live.strategy != strategy.as_str() {
                        let declared = if strategy.is_social() {
                            format!("a `{strategy}` connection")
                        } else {
                            "a database connection".to_owned()
                        };
                        self.refuse(
                            &address,
                            format!(
                                "`{name}` is a `{}` connection, not {declared}; a connection's strategy cannot change",
                                live.strategy
                            ),
                        );
                        continue;
                    }
                    if let Some(old) = old {
                        self.note(&address, None, format!("`{}` (renamed_from) still exists and is left alone; list it under `removed.connections` to delete it", old.name));
                    }
                    let mut fields =
                        diff_declared("options", &connection, &live.model, NOT_OPTIONS);
                    // Any options update sends the complete options, so the secret goes too.
                    let secrets = secret_fields(&connection);
                    if self.context.force_secrets || !fields.is_empty() {
                        fields.extend(secrets);
                    } else {
                        for secret in &secrets {
                            self.note(&address, Some(&secret.path), "cannot be compared (write-only): Auth0's answer is not compared with it; --force-secrets re-sends it");
                        }
                    }
                    let before = self.live_enabled_names(live);
                    fields.extend(enablement_field(Some(&before), desired_enabled.as_ref()));
                    self.update_or_noop(address, Some(live.id.clone()), fields, desired);
                }
            }
        }
    }

    /// Display names of the declared applications this live connection is enabled for.
    fn live_enabled_names(&self, live: &LiveConnection) -> Vec<String> {
        let mut names: Vec<String> = self
            .declared_enabled_on(live)
            .into_iter()
            .map(|key| self.application_name(key))
            .collect();
        names.sort();
        names
    }

    /// The keys of the declared applications this live connection is enabled for.
    fn declared_enabled_on(&self, live: &LiveConnection) -> Vec<&'a str> {
        live.enabled_client_ids
            .iter()
            .filter_map(|client_id| self.matched.key_of(client_id))
            .collect()
    }
}

/// A social connection's client secret, as a write-only change of `options.client_secret`.
fn secret_fields(connection: &crate::model::DatabaseConnection) -> Vec<FieldChange> {
    write_only(connection.secret_fields())
}

/// The `enabled_applications` difference, when the file manages it.
fn enablement_field(
    before: Option<&Vec<String>>,
    after: Option<&Vec<String>>,
) -> Option<FieldChange> {
    let after = json!(after?);
    let before = before.map_or(serde_json::Value::Null, |names| json!(names));
    if !before.is_null() && same("enabled_applications", &after, &before) {
        return None;
    }
    // Creating a connection enabled for nobody is no change to report.
    if before.is_null() && after.as_array().is_some_and(Vec::is_empty) {
        return None;
    }
    Some(FieldChange {
        path: "enabled_applications".into(),
        before,
        after,
        write_only: false,
    })
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;

    use crate::live::{LiveTenant, ReadSet};
    use crate::model::{Application, DatabaseConnection, TenantFile};
    use crate::plan::{PlanContext, diff, view};

    /// `applications` applications and `connections` connections, each enabled for one.
    fn file(applications: usize, connections: usize) -> TenantFile {
        let mut file = TenantFile::default();
        for index in 0..applications {
            file.applications.insert(
                format!("app-{index}"),
                Application {
                    name: Some(format!("App {index}")),
                    ..Application::default()
                },
            );
        }
        let mut declared = IndexMap::new();
        for index in 0..connections {
            declared.insert(
                format!("users-{index}"),
                DatabaseConnection {
                    enabled_applications: Some(vec![format!("app-{index}")]),
                    ..DatabaseConnection::default()
                },
            );
        }
        file.connections = declared;
        file
    }

    /// Bytes of the saved plan per change, planned against an empty tenant.
    fn bytes_per_change(applications: usize, connections: usize) -> usize {
        let file = file(applications, connections);
        let context = PlanContext {
            origin: "https://acme.auth0.com".to_owned(),
            own_client_id: None,
            allow_delete: false,
            force_secrets: false,
            show_unmanaged: false,
        };
        let plan = diff(
            &file,
            &LiveTenant::default(),
            ReadSet::for_tenant(&file),
            &context,
        );
        assert_eq!(plan.summary().create, applications + connections);
        view::json(&plan).len() / (applications + connections)
    }

    #[test]
    fn a_plan_grows_with_its_changes_not_applications_times_connections() {
        let small = bytes_per_change(20, 20);
        let large = bytes_per_change(400, 20);
        // Twenty times the applications: each change (application or connection) costs about
        // the same; listing every application in each connection change would not.
        assert!(
            large < small * 3 / 2,
            "{small} bytes per change with 20 applications, {large} with 400"
        );
    }
}
