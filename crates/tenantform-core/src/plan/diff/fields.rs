//! Field-by-field comparison of a desired model value with its live counterpart.

use serde::Serialize;
use serde_json::Value;

use crate::plan::model::FieldChange;

/// Lists whose order Auth0 does not keep or that mean a set.
const SET_LIKE: &[&str] = &["grant_types", "scopes", "enabled_applications"];

/// Compares every field `desired` declares (absent `Option`s serialize to nothing, so they
/// are not managed) with the same path in `live`. Objects recurse; lists and scalars are
/// leaves. `prefix` names the parent path (`options`), `skip` leaves out top-level fields that
/// are compared elsewhere or are not Auth0 fields.
pub(crate) fn diff_declared<T: Serialize>(
    prefix: &str,
    desired: &T,
    live: &T,
    skip: &[&str],
) -> Vec<FieldChange> {
    let desired = serde_json::to_value(desired).expect("model values serialize");
    let live = serde_json::to_value(live).expect("model values serialize");
    let mut changes = Vec::new();
    if let Value::Object(fields) = &desired {
        for (key, value) in fields {
            if skip.contains(&key.as_str()) {
                continue;
            }
            walk(
                &join(prefix, key),
                value,
                live.get(key).unwrap_or(&Value::Null),
                &mut changes,
            );
        }
    }
    changes
}

/// Every declared field as a creation (`before: null`).
pub(crate) fn all_declared<T: Serialize>(
    prefix: &str,
    desired: &T,
    skip: &[&str],
) -> Vec<FieldChange> {
    let desired = serde_json::to_value(desired).expect("model values serialize");
    let mut changes = Vec::new();
    if let Value::Object(fields) = &desired {
        for (key, value) in fields {
            if !skip.contains(&key.as_str()) {
                changes.push(FieldChange {
                    path: join(prefix, key),
                    before: Value::Null,
                    after: value.clone(),
                    write_only: false,
                });
            }
        }
    }
    changes
}

fn walk(path: &str, desired: &Value, live: &Value, changes: &mut Vec<FieldChange>) {
    if let Value::Object(fields) = desired {
        for (key, value) in fields {
            let live_value = live.get(key).unwrap_or(&Value::Null);
            walk(&format!("{path}.{key}"), value, live_value, changes);
        }
        return;
    }
    if !same(path, desired, live) {
        changes.push(FieldChange {
            path: path.to_owned(),
            before: live.clone(),
            after: desired.clone(),
            write_only: false,
        });
    }
}

/// Equality, ignoring order for set-like lists and integer/float representation.
pub(crate) fn same(path: &str, desired: &Value, live: &Value) -> bool {
    let leaf = path.rsplit('.').next().unwrap_or(path);
    match (desired, live) {
        (Value::Array(a), Value::Array(b)) if SET_LIKE.contains(&leaf) => {
            let mut a: Vec<String> = a.iter().map(Value::to_string).collect();
            let mut b: Vec<String> = b.iter().map(Value::to_string).collect();
            a.sort();
            a.dedup();
            b.sort();
            b.dedup();
            a == b
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => desired == live,
    }
}

pub(crate) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Application, TenantFlags, TenantSettings};

    #[test]
    fn only_declared_fields_are_compared() {
        let desired = Application {
            callbacks: Some(vec!["https://a/cb".into()]),
            ..Application::default()
        };
        let live = Application {
            callbacks: Some(vec!["https://a/cb".into()]),
            description: Some("changed in the dashboard".into()),
            ..Application::default()
        };
        assert!(diff_declared("", &desired, &live, &[]).is_empty());
    }

    #[test]
    fn grant_types_are_a_set_but_callbacks_are_ordered() {
        let desired = Application {
            grant_types: Some(vec!["refresh_token".into(), "authorization_code".into()]),
            callbacks: Some(vec!["https://a".into(), "https://b".into()]),
            ..Application::default()
        };
        let live = Application {
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            callbacks: Some(vec!["https://b".into(), "https://a".into()]),
            ..Application::default()
        };
        let changes = diff_declared("", &desired, &live, &[]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "callbacks");
    }

    #[test]
    fn nested_paths_are_dotted() {
        let desired = TenantSettings {
            flags: Some(TenantFlags {
                enable_client_connections: Some(false),
                ..TenantFlags::default()
            }),
            ..TenantSettings::default()
        };
        let live = TenantSettings {
            flags: Some(TenantFlags {
                enable_client_connections: Some(true),
                revoke_refresh_token_grant: Some(true),
                ..TenantFlags::default()
            }),
            ..TenantSettings::default()
        };
        let changes = diff_declared("", &desired, &live, &[]);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "flags.enable_client_connections");
        assert_eq!(changes[0].before, Value::Bool(true));
        assert_eq!(changes[0].after, Value::Bool(false));
    }
}
