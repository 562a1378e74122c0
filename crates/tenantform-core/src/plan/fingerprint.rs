//! A stable hash of the live state a plan depends on.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::live::{LiveTenant, ReadSet};

/// `sha256:<hex>` of the canonical JSON (object keys sorted) of the live parts `reads`
/// covers: the managed applications and their grants, connections, settings, provider,
/// templates, actions, bindings and users. Unmanaged resources do not change it, so an
/// unrelated edit in the dashboard does not invalidate a saved plan.
pub fn live_fingerprint(live: &LiveTenant, reads: &ReadSet, origin: &str) -> String {
    let mut applications: Vec<_> = live
        .applications
        .iter()
        .filter(|app| reads.application_names.iter().any(|n| n == app.name()))
        .collect();
    applications.sort_by(|a, b| (a.name(), &a.client_id).cmp(&(b.name(), &b.client_id)));
    let mut grants: Vec<_> = live
        .grants
        .iter()
        .filter(|g| applications.iter().any(|app| app.client_id == g.client_id))
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
    let canonical = serde_json::to_string(&canonical(&view)).expect("JSON values serialize");
    format!(
        "sha256:{}",
        hex::encode(Sha256::digest(canonical.as_bytes()))
    )
}

/// The value with every object's keys sorted (serde_json keeps insertion order here).
fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":2,"x":3}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":3,"y":2},"b":1}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&canonical(&a)).unwrap(),
            serde_json::to_string(&canonical(&b)).unwrap()
        );
    }
}
