//! Applications and client grants.

use serde_json::json;

use super::Planner;
use super::application_renames::NOT_COMPARED;
use super::fields::{all_declared, diff_declared, same};
use crate::plan::desired::Desired;
use crate::plan::model::{Address, FieldChange, Kind};

impl Planner<'_> {
    pub(super) fn applications(&mut self) {
        for (key, app) in &self.file.applications {
            let name = self.application_name(key);
            let address = Address::new(Kind::Application, &name);
            let mut application = app.clone();
            application.name = Some(name.clone());
            let desired = Desired::Application { application };
            let matches = self.index.applications_named(&name);
            match matches {
                [] => {
                    if let Some(old) = self.renamed_application(key) {
                        self.rename_application(address, app, old, desired);
                    } else {
                        self.warn_of_similar_application(&address, &name);
                        self.create(address, all_declared("", app, NOT_COMPARED), desired);
                    }
                }
                [live] => {
                    if let Some(why) = self.protected(live) {
                        self.refuse(
                            &address,
                            format!("`{name}` is {why}; tenantform never changes it"),
                        );
                        continue;
                    }
                    if let Some(old) = app.renamed_from.as_deref()
                        && !self.index.applications_named(old).is_empty()
                    {
                        self.note(&address, None, format!("`{old}` (renamed_from) still exists and is left alone; list it under `removed.applications` to delete it"));
                    }
                    let fields = diff_declared("", app, &live.model, NOT_COMPARED);
                    self.update_or_noop(address, Some(live.client_id.clone()), fields, desired);
                }
                many => {
                    let mut ids: Vec<&str> = many.iter().map(|a| a.client_id.as_str()).collect();
                    ids.sort_unstable();
                    self.refuse(
                        &address,
                        format!(
                            "{} live applications are named `{name}` (client_ids {}); names identify applications. \
                             If concurrent applies created them, run `tenantform apply FILE --resolve-duplicates`: \
                             it keeps the lowest client_id, moves the others' grants and connections to it and deletes them \
                             when they are configured identically (it changes nothing otherwise). Else rename or delete all but one in the dashboard",
                            many.len(),
                            ids.join(", ")
                        ),
                    );
                }
            }
        }
    }

    pub(super) fn grants(&mut self) {
        for grant in &self.file.grants {
            let application = self.application_name(&grant.application);
            let audience = self
                .file
                .audience_identifier(&grant.audience, &self.context.origin);
            let address = Address::new(Kind::Grant, format!("{application} -> {audience}"));
            if !self.audience_exists(&audience) {
                self.refuse(
                    &address,
                    format!(
                        "no API `{audience}` is declared under `apis` or exists in the tenant: declare it under `apis` (Auth0 refuses a grant to an unknown API with 404 inexistent_resource_server)"
                    ),
                );
                continue;
            }
            let desired = Desired::Grant {
                application: application.clone(),
                audience: audience.clone(),
                scopes: grant.scopes.clone(),
            };
            let live = self
                .live_application(&grant.application)
                .and_then(|app| self.index.grant(&app.client_id, &audience));
            let Some(live) = live else {
                let fields = vec![FieldChange {
                    path: "scopes".into(),
                    before: serde_json::Value::Null,
                    after: json!(grant.scopes),
                    write_only: false,
                }];
                self.create(address, fields, desired);
                continue;
            };
            let mut fields = Vec::new();
            if !same("scopes", &json!(grant.scopes), &json!(live.scopes)) {
                fields.push(FieldChange {
                    path: "scopes".into(),
                    before: json!(live.scopes),
                    after: json!(grant.scopes),
                    write_only: false,
                });
            }
            if live.is_system && !fields.is_empty() {
                self.refuse(
                    &address,
                    "this is an Auth0 system grant (`is_system`); tenantform never changes it",
                );
                continue;
            }
            self.update_or_noop(address, Some(live.id.clone()), fields, desired);
        }
    }
}
