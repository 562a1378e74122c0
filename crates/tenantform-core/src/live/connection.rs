//! Connections (`GET /connections`, `GET /connections/{id}/clients`).

use serde_json::{Map, Value, json};

use super::error::NormalizeError;
use super::json::{bool_or, opt_u32, parse_enum, required_str};
use super::snapshot::LiveConnection;
use crate::model::{DatabaseConnection, PasswordPolicy};

/// Normalizes a connection. `clients` is the body of `GET /connections/{id}/clients`
/// (`{"clients":[{"client_id":..}]}`); without it the deprecated `enabled_clients` array of
/// the connection object is used.
pub fn normalize_connection(
    body: &Value,
    clients: Option<&Value>,
) -> Result<LiveConnection, NormalizeError> {
    let id = required_str(body, "id", "connection")?;
    let name = required_str(body, "name", "connection")?;
    let strategy = required_str(body, "strategy", "connection")?;
    let options = body
        .get("options")
        .cloned()
        .unwrap_or_else(|| Value::Object(Map::new()));
    let enabled_client_ids = match clients {
        Some(clients) => clients
            .get("clients")
            .and_then(Value::as_array)
            .ok_or_else(|| NormalizeError::new("connection clients", "missing `clients` array"))?
            .iter()
            .filter_map(|c| c.get("client_id").and_then(Value::as_str))
            .map(str::to_owned)
            .collect(),
        None => super::json::strings(body, "enabled_clients"),
    };
    let model = DatabaseConnection {
        name: Some(name.clone()),
        renamed_from: None,
        disable_signup: Some(bool_or(&options, "disable_signup", false)),
        brute_force_protection: Some(bool_or(&options, "brute_force_protection", false)),
        // No policy (absent or null) is Auth0's "none".
        password_policy: Some(
            parse_enum(&options, "passwordPolicy").unwrap_or(PasswordPolicy::None),
        ),
        password_min_length: options
            .get("password_complexity_options")
            .and_then(|o| opt_u32(o, "min_length")),
        requires_username: Some(bool_or(&options, "requires_username", false)),
        enabled_applications: None,
    };
    Ok(LiveConnection {
        id,
        name,
        strategy,
        raw_options: options,
        enabled_client_ids,
        model,
    })
}

/// The complete `options` object to PATCH: the live options with the fields the file
/// declares replaced. Auth0 replaces `options` whole, so sending only our fields would drop
/// `mfa`, `passkey_options`, `authentication_methods` and everything else set elsewhere.
pub fn merge_options(raw_options: &Value, desired: &DatabaseConnection) -> Value {
    let mut options = raw_options.as_object().cloned().unwrap_or_default();
    if let Some(value) = desired.disable_signup {
        options.insert("disable_signup".into(), json!(value));
    }
    if let Some(value) = desired.brute_force_protection {
        options.insert("brute_force_protection".into(), json!(value));
    }
    if let Some(policy) = desired.password_policy {
        options.insert("passwordPolicy".into(), json!(policy));
    }
    if let Some(length) = desired.password_min_length {
        let complexity = options
            .entry("password_complexity_options")
            .or_insert_with(|| json!({}));
        if let Some(complexity) = complexity.as_object_mut() {
            complexity.insert("min_length".into(), json!(length));
        }
    }
    if let Some(value) = desired.requires_username {
        options.insert("requires_username".into(), json!(value));
    }
    Value::Object(options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;

    #[test]
    fn database_connection_options_become_model_fields() {
        let body = response("TestAccConnection.yaml", 1);
        let live = normalize_connection(&body, None).unwrap();
        assert_eq!(live.id, "con_fTLLrSb9nEmOVHRV");
        assert_eq!(live.strategy, "auth0");
        assert!(live.enabled_client_ids.is_empty());
        let model = &live.model;
        assert_eq!(model.disable_signup, Some(false));
        assert_eq!(model.brute_force_protection, Some(true));
        assert_eq!(model.password_policy, Some(PasswordPolicy::Fair));
        assert_eq!(model.password_min_length, Some(6));
        assert_eq!(model.requires_username, Some(true));
    }

    #[test]
    fn enabled_clients_come_from_the_clients_endpoint() {
        let body = response("TestAccConnection.yaml", 1);
        let clients = json!({"clients": [{"client_id": "abc"}, {"client_id": "def"}]});
        let live = normalize_connection(&body, Some(&clients)).unwrap();
        assert_eq!(live.enabled_client_ids, ["abc", "def"]);
    }

    #[test]
    fn minimal_connection_defaults() {
        let page = response(
            "It_can_successfully_find_a_Auth0_Connection_by_its_name.yaml",
            1,
        );
        let live = normalize_connection(&page["connections"][0], None).unwrap();
        assert_eq!(live.model.disable_signup, Some(false));
        assert_eq!(live.model.requires_username, Some(false));
        assert_eq!(live.model.password_policy, Some(PasswordPolicy::Good));
        assert_eq!(live.model.password_min_length, None);
    }

    #[test]
    fn merge_keeps_options_the_file_does_not_manage() {
        let body = response("TestAccConnection.yaml", 1);
        let live = normalize_connection(&body, None).unwrap();
        let desired = DatabaseConnection {
            disable_signup: Some(true),
            password_policy: Some(PasswordPolicy::Good),
            password_min_length: Some(12),
            ..DatabaseConnection::default()
        };
        let merged = merge_options(&live.raw_options, &desired);
        assert_eq!(merged["disable_signup"], json!(true));
        assert_eq!(merged["passwordPolicy"], json!("good"));
        assert_eq!(
            merged["password_complexity_options"]["min_length"],
            json!(12)
        );
        assert_eq!(merged["mfa"], live.raw_options["mfa"]);
        assert_eq!(merged["customScripts"], live.raw_options["customScripts"]);
        assert_eq!(merged["brute_force_protection"], json!(true));
    }
}
