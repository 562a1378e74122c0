//! Secret-bearing wire fields: the type they have in the wire resources, and the keys that
//! hold a secret wherever they appear in a Management or Authentication API body, for anything
//! that logs bodies (the emulator's request log).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A secret value on the wire (a provider's API key, an Action secret, a user's password).
/// Its `Debug` never shows it; its JSON is the plain string a request body carries.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Keys whose values are secrets wherever they appear in a body: the [`Secret`] fields of
/// the wire resources, the secrets of providers tenantform does not configure, and the
/// Authentication API's credentials and tokens. `code` is an authorization code except in an
/// Action, where it is source (see [`redact`]).
pub const SECRET_KEYS: &[&str] = &[
    // POST /clients answers, POST /oauth/token requests.
    "client_secret",
    // POST /users.
    "password",
    // Email provider credentials.
    "api_key",
    "smtp_pass",
    "secretAccessKey",
    "clientSecret",
    "connectionString",
    // Authentication API.
    "access_token",
    "refresh_token",
    "id_token",
    "code",
    "code_verifier",
    "client_assertion",
];

/// Replaces every secret in `body` by `marker`: the values of [`SECRET_KEYS`] at any depth
/// (except an Action's `code`, which is its source), and the `value` of each Action secret
/// (`secrets: [{name, value}]`). Null values are left alone, and so is an object or a list
/// under such a key: a secret is a scalar, while e.g. a connection's
/// `authentication_methods.password` is settings (`{"enabled": true}`), searched further.
pub fn redact(body: &mut Value, marker: &str) {
    redact_inside(body, marker, false);
}

fn redact_inside(value: &mut Value, marker: &str, inside_secrets: bool) {
    match value {
        Value::Object(object) => {
            let is_action =
                object.contains_key("supported_triggers") || object.contains_key("runtime");
            for (key, inner) in object.iter_mut() {
                let secret = (SECRET_KEYS.contains(&key.as_str()) && !(key == "code" && is_action))
                    || (inside_secrets && key == "value");
                if secret && !inner.is_null() && !inner.is_object() && !inner.is_array() {
                    *inner = Value::String(marker.to_owned());
                } else {
                    redact_inside(inner, marker, key == "secrets");
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                redact_inside(item, marker, inside_secrets);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, ActionSecret};
    use crate::email::{EmailCredentials, EmailProvider, EmailProviderName};
    use crate::user::NewUser;

    const SENTINEL: &str = "sentinel-secret-5ca1ab1e";

    fn secret() -> Secret {
        Secret::new(SENTINEL)
    }

    /// Every wire body that carries a [`Secret`], with every secret set. The credentials and
    /// the user are written field by field (no `..Default`), so a new field added to them
    /// stops this test from compiling until it is listed here.
    fn bodies_with_every_secret() -> Vec<Value> {
        let credentials = EmailCredentials {
            api_key: Some(secret()),
            domain: Some("mg.example.com".into()),
            region: None,
            smtp_host: Some("smtp.example.com".into()),
            smtp_port: Some(587),
            smtp_user: Some("bob".into()),
            smtp_pass: Some(secret()),
            access_key_id: Some("AKIA".into()),
            secret_access_key: Some(secret()),
        };
        let provider = EmailProvider {
            name: Some(EmailProviderName::Smtp),
            credentials: Some(credentials),
            ..EmailProvider::default()
        };
        let action = Action {
            name: Some("gate".into()),
            code: Some("exports.onExecutePostLogin = async () => {}".into()),
            runtime: Some("node22".into()),
            secrets: Some(vec![ActionSecret {
                name: "API_TOKEN".into(),
                value: Some(secret()),
            }]),
            ..Action::default()
        };
        let user = NewUser {
            connection: "app-users".into(),
            email: "admin@example.com".into(),
            password: secret(),
            verify_email: false,
            email_verified: Some(true),
            name: None,
            app_metadata: serde_json::Map::new(),
        };
        [
            serde_json::to_value(provider),
            serde_json::to_value(action),
            serde_json::to_value(user),
        ]
        .into_iter()
        .map(|body| body.expect("wire bodies serialize"))
        .collect()
    }

    #[test]
    fn every_secret_of_a_wire_body_is_redacted_and_nothing_else() {
        for mut body in bodies_with_every_secret() {
            assert!(body.to_string().contains(SENTINEL));
            let before = body.clone();
            redact(&mut body, "[SECRET]");
            let text = body.to_string();
            assert!(!text.contains(SENTINEL), "a secret survived: {text}");
            let sentinels = before.to_string().matches(SENTINEL).count();
            assert_eq!(text.matches("[SECRET]").count(), sentinels, "{text}");
        }
    }

    #[test]
    fn settings_under_a_secret_key_stay_readable() {
        // a0deploy sends a connection's `authentication_methods.password` as settings.
        let mut connection = serde_json::json!({"options": {"authentication_methods": {
            "password": {"enabled": true}, "passkey": {"enabled": false}}}, "password": "hunter2"});
        redact(&mut connection, "*");
        assert_eq!(
            connection,
            serde_json::json!({"options": {"authentication_methods": {
                "password": {"enabled": true}, "passkey": {"enabled": false}}}, "password": "*"})
        );
    }

    #[test]
    fn action_source_stays_authorization_codes_go() {
        let mut action = serde_json::json!({"code": "exports.x = 1", "runtime": "node22"});
        redact(&mut action, "*");
        assert_eq!(action["code"], "exports.x = 1");
        let mut token = serde_json::json!({"grant_type": "authorization_code", "code": "abc"});
        redact(&mut token, "*");
        assert_eq!(token["code"], "*");
    }
}
