//! Connections (`/connections`): database connections (strategy `auth0`), social ones, and
//! the options tenantform manages, as the Management API sends them, and what Auth0 gives a new one.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::wire_struct;

/// The strategy of a database connection.
pub const DATABASE_STRATEGY: &str = "auth0";

wire_struct! {
    /// A connection as `GET /connections` returns it. `options` stays raw: `PATCH` replaces it
    /// whole, so an update must carry every option, managed or not ([`DatabaseOptions::merged_into`]).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Connection {
        pub id: Option<String>,
        /// Immutable: a rename is a delete and a create.
        pub name: Option<String>,
        pub strategy: Option<String>,
        pub options: Option<Map<String, Value>>,
        /// Deprecated (end of life 2026-07-13): `GET /connections/{id}/clients` replaces it.
        pub enabled_clients: Option<Vec<String>>,
    }
}

wire_struct! {
    /// The options of a database connection that tenantform manages.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct DatabaseOptions {
        /// "Disable Sign Ups".
        pub disable_signup: Option<bool>,
        pub brute_force_protection: Option<bool>,
        /// `null` is no policy, as `none` is.
        #[serde(rename = "passwordPolicy")]
        pub password_policy: Option<PasswordPolicy>,
        pub password_complexity_options: Option<PasswordComplexity>,
        pub requires_username: Option<bool>,
    }
}

wire_struct! {
    /// `options.password_complexity_options`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct PasswordComplexity {
        pub min_length: Option<u32>,
    }
}

impl DatabaseOptions {
    /// The managed options as `POST /connections` gives a database connection that does not
    /// send them (recorded: `passwordPolicy: good`, brute-force protection on).
    pub fn created() -> DatabaseOptions {
        DatabaseOptions {
            brute_force_protection: Some(true),
            password_policy: Some(PasswordPolicy::Good),
            ..DatabaseOptions::default()
        }
    }

    /// What each managed option means when the options leave it out: off, and no password
    /// policy. An absent minimum length stays absent (no minimum of its own).
    pub fn when_absent() -> DatabaseOptions {
        DatabaseOptions {
            disable_signup: Some(false),
            brute_force_protection: Some(false),
            password_policy: Some(PasswordPolicy::None),
            password_complexity_options: None,
            requires_username: Some(false),
        }
    }

    /// The managed options read from a connection's raw `options`, every absent one as Auth0
    /// means it.
    pub fn read(options: &Map<String, Value>) -> DatabaseOptions {
        let read: DatabaseOptions =
            serde_json::from_value(Value::Object(options.clone())).unwrap_or_default();
        crate::shape::or_defaults(&read, &DatabaseOptions::when_absent())
    }

    /// The complete `options` object to send: `options` with the managed fields set here
    /// replaced (nested objects field by field), everything else kept.
    pub fn merged_into(&self, options: &Map<String, Value>) -> Map<String, Value> {
        let mut merged = options.clone();
        crate::shape::overlay_object(&mut merged, crate::shape::to_object(self));
        merged
    }
}

wire_struct! {
    /// The options of a social connection (`google-oauth2`, `windowslive`, `github`, ...) that
    /// tenantform manages: the identity provider's OAuth client, or none for Auth0's
    /// development keys, and the scopes asked for. Auth0 keeps each scope
    /// twice: in `scope` and as a boolean option of its own name (`"email": true`).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct SocialOptions {
        /// The identity provider's OAuth client; absent: Auth0's development keys.
        pub client_id: Option<String>,
        #[strict]
        pub client_secret: Option<crate::Secret>,
        pub scope: Option<Vec<String>>,
    }
}

impl SocialOptions {
    /// The managed options read from a connection's raw `options`, without the secret (it is
    /// write-only to tenantform). A `scope` sent as one space-separated string reads as a list.
    pub fn read(options: &Map<String, Value>) -> SocialOptions {
        let scope = match options.get("scope") {
            Some(Value::String(text)) => Some(text.split_whitespace().map(str::to_owned).collect()),
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            ),
            _ => Some(Vec::new()),
        };
        SocialOptions {
            client_id: options
                .get("client_id")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            client_secret: None,
            scope,
        }
    }

    /// The complete `options` object to send: `options` with the managed fields set here
    /// replaced, each scope's boolean option set (true for the declared scopes, false for the
    /// ones `options` had and this drops), everything else kept.
    pub fn merged_into(&self, options: &Map<String, Value>) -> Map<String, Value> {
        let mut merged = options.clone();
        if let Some(scope) = &self.scope {
            let before = SocialOptions::read(options).scope.unwrap_or_default();
            for dropped in before.iter().filter(|old| !scope.contains(old)) {
                merged.insert(dropped.clone(), Value::Bool(false));
            }
            for kept in scope {
                merged.insert(kept.clone(), Value::Bool(true));
            }
        }
        crate::shape::overlay_object(&mut merged, crate::shape::to_object(self));
        merged
    }
}

// `options.passwordPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum PasswordPolicy {
    None,
    Low,
    Fair,
    Good,
    Excellent,
}

/// The body of `GET /connections/{id}/clients`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionClients {
    pub clients: Vec<EnabledClient>,
}

/// One item of [`ConnectionClients`] (`PATCH` takes `{client_id, status}` items instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnabledClient {
    pub client_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn absent_and_null_options_read_as_auth0_means_them() {
        let options = DatabaseOptions::read(&object(json!({"passwordPolicy": null, "mfa": {}})));
        assert_eq!(options.password_policy, Some(PasswordPolicy::None));
        assert_eq!(options.disable_signup, Some(false));
        assert_eq!(options.password_complexity_options, None);
    }

    #[test]
    fn social_scopes_are_kept_as_a_list_and_as_booleans() {
        let live = object(
            json!({"scope": "email profile", "profile": true, "email": true, "client_id": "old", "client_secret": "s"}),
        );
        let read = SocialOptions::read(&live);
        assert_eq!(
            read.scope,
            Some(vec!["email".to_owned(), "profile".to_owned()])
        );
        assert_eq!(read.client_id.as_deref(), Some("old"));
        assert_eq!(read.client_secret, None);
        let desired = SocialOptions {
            client_id: Some("new".into()),
            client_secret: Some(crate::Secret::new("t")),
            scope: Some(vec!["email".into()]),
        };
        assert_eq!(
            Value::Object(desired.merged_into(&live)),
            json!({"scope": ["email"], "profile": false, "email": true, "client_id": "new", "client_secret": "t"})
        );
    }

    #[test]
    fn merging_keeps_unmanaged_options_and_nested_fields() {
        let live = object(json!({
            "mfa": {"active": true},
            "password_complexity_options": {"min_length": 6, "character_types": ["lower"]},
            "disable_signup": false,
        }));
        let desired = DatabaseOptions {
            disable_signup: Some(true),
            password_complexity_options: Some(PasswordComplexity {
                min_length: Some(12),
            }),
            ..DatabaseOptions::default()
        };
        let merged = desired.merged_into(&live);
        assert_eq!(
            Value::Object(merged),
            json!({
                "mfa": {"active": true},
                "password_complexity_options": {"min_length": 12, "character_types": ["lower"]},
                "disable_signup": true,
            })
        );
    }
}
