//! A stable hash of the live state a plan depends on.

use std::collections::HashSet;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::live::{LiveTenant, ReadSet};

/// `sha256:<hex>` of the canonical JSON (object keys sorted) of the live parts `reads`
/// covers: the managed applications and their grants, connections, settings, provider,
/// templates, actions, bindings and users. Unmanaged resources do not change it, so an
/// unrelated edit in the dashboard does not invalidate a saved plan.
pub fn live_fingerprint(live: &LiveTenant, reads: &ReadSet, origin: &str) -> String {
    let managed_names: HashSet<&str> = reads.application_names.iter().map(String::as_str).collect();
    let mut applications: Vec<_> = live
        .applications
        .iter()
        .filter(|app| managed_names.contains(app.name()))
        .collect();
    applications.sort_by(|a, b| (a.name(), &a.client_id).cmp(&(b.name(), &b.client_id)));
    let managed_ids: HashSet<&str> = applications
        .iter()
        .map(|app| app.client_id.as_str())
        .collect();
    let mut grants: Vec<_> = live
        .grants
        .iter()
        .filter(|g| managed_ids.contains(g.client_id.as_str()))
        .collect();
    grants.sort_by(|a, b| a.id.cmp(&b.id));
    let mut connections: Vec<Value> = live
        .connections
        .iter()
        .filter(|c| reads.connections.contains(&c.name))
        .map(|c| {
            let mut enabled = c.enabled_client_ids.clone();
            enabled.sort();
            json!({"id": c.id, "name": c.name, "strategy": c.strategy, "enabled": enabled, "model": c.model})
        })
        .collect();
    connections.sort_by_key(|c| c["name"].to_string());
    let templates: Map<String, Value> = live
        .email_templates
        .iter()
        .filter(|(name, _)| reads.email_templates.contains(name))
        .map(|(name, t)| (name.as_str().to_owned(), json!(t)))
        .collect();
    let mut actions: Vec<_> = live
        .actions
        .iter()
        .filter(|a| reads.actions.contains(&a.name))
        .collect();
    actions.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let bindings: Map<String, Value> = live
        .bindings
        .iter()
        .filter(|(trigger, _)| reads.triggers.contains(trigger))
        .map(|(trigger, names)| (trigger.as_str().to_owned(), json!(names)))
        .collect();
    let mut users: Vec<_> = live
        .users
        .iter()
        .filter(|u| {
            reads
                .user_emails
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&u.email))
        })
        .collect();
    users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
    let mut view = json!({
        "origin": origin,
        "applications": applications,
        "grants": grants,
        "connections": connections,
        "tenant_settings": if reads.tenant_settings { json!(live.tenant_settings) } else { Value::Null },
        "email_provider": if reads.email_provider { json!(live.email_provider) } else { Value::Null },
        "email_templates": templates,
        "actions": actions,
        "bindings": bindings,
        "users": users,
    });
    if reads.resource_servers {
        // Only when read, so the fingerprints of plans that read no API stay as they were.
        let mut apis: Vec<_> = live.apis.iter().filter(|api| !api.is_system).collect();
        apis.sort_by(|a, b| (&a.identifier, &a.id).cmp(&(&b.identifier, &b.id)));
        view["apis"] = json!(apis);
    }
    // Canonical: every object's keys sorted (serde_json keeps insertion order here).
    view.sort_all_objects();
    // Hashed as it is serialized (the hasher is an `io::Write`), not collected into a string.
    let mut hasher = Sha256::new();
    serde_json::to_writer(&mut hasher, &view).expect("JSON values serialize");
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::{LiveApplication, LiveConnection, LiveGrant};
    use crate::model::{Application, DatabaseConnection, TenantSettings};

    const ORIGIN: &str = "https://acme.auth0.com";

    fn application(name: &str, client_id: &str) -> LiveApplication {
        LiveApplication {
            client_id: client_id.to_owned(),
            is_global: false,
            model: Application {
                name: Some(name.to_owned()),
                callbacks: Some(vec!["https://dash.example.com/oauth2callback".to_owned()]),
                ..Application::default()
            },
        }
    }

    /// Two managed applications (listed in the given order), one unmanaged, their grants
    /// and a connection enabled for both.
    fn tenant(managed: [(&str, &str); 2]) -> LiveTenant {
        let mut live = LiveTenant::default();
        for (name, id) in managed {
            live.applications.push(application(name, id));
            live.grants.push(LiveGrant {
                id: format!("cgr_{id}"),
                client_id: id.to_owned(),
                audience: format!("{ORIGIN}/api/v2/"),
                scopes: vec!["read:users".to_owned()],
                is_system: false,
            });
        }
        live.applications.push(application("Unmanaged", "c-other"));
        live.connections.push(LiveConnection {
            id: "con_1".to_owned(),
            name: "dashboard-users".to_owned(),
            strategy: "auth0".to_owned(),
            raw_options: serde_json::json!({}),
            enabled_client_ids: managed.iter().map(|(_, id)| (*id).to_owned()).collect(),
            model: DatabaseConnection {
                disable_signup: Some(true),
                ..DatabaseConnection::default()
            },
        });
        live.tenant_settings = Some(TenantSettings::default());
        live
    }

    fn reads() -> ReadSet {
        ReadSet {
            clients: true,
            client_grants: true,
            connections: vec!["dashboard-users".to_owned()],
            connection_clients: true,
            tenant_settings: true,
            application_names: vec!["Dashboard".to_owned(), "Admin".to_owned()],
            ..ReadSet::default()
        }
    }

    /// Saved plans carry this hash and compare it with a new one at apply: how it is
    /// computed may change, its value may not.
    #[test]
    fn the_hash_of_a_tenant_is_what_saved_plans_hold() {
        let live = tenant([("Dashboard", "c-dash"), ("Admin", "c-admin")]);
        assert_eq!(
            live_fingerprint(&live, &reads(), ORIGIN),
            "sha256:ccc98866b7a4ee74ab8ff802c4b062cc37845b25fe5d45435f1e3348f268b395"
        );
    }

    #[test]
    fn the_order_auth0_lists_things_in_does_not_change_the_hash() {
        let one = tenant([("Dashboard", "c-dash"), ("Admin", "c-admin")]);
        let other = tenant([("Admin", "c-admin"), ("Dashboard", "c-dash")]);
        assert_eq!(
            live_fingerprint(&one, &reads(), ORIGIN),
            live_fingerprint(&other, &reads(), ORIGIN)
        );
    }

    #[test]
    fn an_unmanaged_application_does_not_change_the_hash_and_a_managed_one_does() {
        let base = tenant([("Dashboard", "c-dash"), ("Admin", "c-admin")]);
        let hash = live_fingerprint(&base, &reads(), ORIGIN);
        let mut unmanaged = base.clone();
        unmanaged.applications[2].model.callbacks = Some(vec![]);
        assert_eq!(live_fingerprint(&unmanaged, &reads(), ORIGIN), hash);
        let mut managed = base;
        managed.applications[0].model.callbacks = Some(vec![]);
        assert_ne!(live_fingerprint(&managed, &reads(), ORIGIN), hash);
    }
}
