//! Connections (`GET /connections`, `GET /connections/{id}/clients`).

use auth0_wire::Connection;
use auth0_wire::connection::{
    ConnectionClients, DatabaseOptions, PasswordComplexity, SocialOptions,
};
use serde_json::{Map, Value};

use super::error::NormalizeError;
use super::json::{required, wire};
use super::snapshot::LiveConnection;
use crate::model::{DatabaseConnection, Strategy};

/// Normalizes a connection. `clients` is the body of `GET /connections/{id}/clients`
/// (`{"clients":[{"client_id":..}]}`); without it the deprecated `enabled_clients` array of
/// the connection object is used.
pub fn normalize_connection(
    body: &Value,
    clients: Option<&Value>,
) -> Result<LiveConnection, NormalizeError> {
    const KIND: &str = "connection";
    let connection: Connection = wire(body, KIND)?;
    let id = required(connection.id, "id", KIND)?;
    let name = required(connection.name, "name", KIND)?;
    let strategy = required(connection.strategy, "strategy", KIND)?;
    let mut options = connection.options.unwrap_or_default();
    let model = connection_model(&name, &strategy, &options);
    // Write-only to tenantform: never kept, so no plan or export can hold it.
    options.remove("client_secret");
    let enabled_client_ids = match clients {
        Some(clients) => {
            let clients: ConnectionClients =
                serde_json::from_value(clients.clone()).map_err(|_| {
                    NormalizeError::new("connection clients", "missing `clients` array")
                })?;
            clients.clients.into_iter().map(|c| c.client_id).collect()
        }
        None => connection.enabled_clients.unwrap_or_default(),
    };
    Ok(LiveConnection {
        id,
        model,
        name,
        strategy,
        raw_options: Value::Object(options),
        enabled_client_ids,
    })
}

/// A database connection as `POST /connections` creates it without options (the name left
/// out): what export leaves out of a file as Auth0's default.
pub fn created_connection() -> DatabaseConnection {
    let created = DatabaseOptions::created().merged_into(&Map::new());
    DatabaseConnection {
        name: None,
        ..database_connection("", &DatabaseOptions::read(&created))
    }
}

/// The model's view of a connection: a social one's client and scopes, or a database
/// connection's options (connections of other strategies read as database ones; planning
/// refuses to manage them).
fn connection_model(
    name: &str,
    strategy: &str,
    options: &Map<String, Value>,
) -> DatabaseConnection {
    match Strategy::from_auth0(strategy).filter(|s| s.is_social()) {
        Some(social) => {
            let read = SocialOptions::read(options);
            DatabaseConnection {
                name: Some(name.to_owned()),
                strategy: Some(social),
                client_id: read.client_id,
                scopes: read.scope,
                ..DatabaseConnection::default()
            }
        }
        None => database_connection(name, &DatabaseOptions::read(options)),
    }
}

/// The model's view of a database connection's managed options.
fn database_connection(name: &str, options: &DatabaseOptions) -> DatabaseConnection {
    DatabaseConnection {
        name: Some(name.to_owned()),
        renamed_from: None,
        disable_signup: options.disable_signup,
        brute_force_protection: options.brute_force_protection,
        password_policy: options.password_policy,
        password_min_length: options
            .password_complexity_options
            .as_ref()
            .and_then(|complexity| complexity.min_length),
        requires_username: options.requires_username,
        ..DatabaseConnection::default()
    }
}

/// The managed options a file declares, as Auth0 names them.
pub fn database_options(desired: &DatabaseConnection) -> DatabaseOptions {
    DatabaseOptions {
        disable_signup: desired.disable_signup,
        brute_force_protection: desired.brute_force_protection,
        password_policy: desired.password_policy,
        password_complexity_options: desired.password_min_length.map(|min_length| {
            PasswordComplexity {
                min_length: Some(min_length),
            }
        }),
        requires_username: desired.requires_username,
    }
}

/// The social options a file declares, as Auth0 names them, without the secret (the model's
/// wire mapping adds it).
pub fn social_options(desired: &DatabaseConnection) -> SocialOptions {
    SocialOptions {
        client_id: desired.client_id.clone(),
        client_secret: None,
        scope: desired.scopes.clone(),
    }
}

/// The complete `options` object to PATCH: the live options with the fields the file
/// declares replaced. Auth0 replaces `options` whole, so sending only our fields would drop
/// `mfa`, `passkey_options`, `authentication_methods` and everything else set elsewhere.
pub fn merge_options(raw_options: &Value, desired: &DatabaseConnection) -> Value {
    let live = raw_options.as_object().cloned().unwrap_or_default();
    Value::Object(if desired.is_social() {
        social_options(desired).merged_into(&live)
    } else {
        database_options(desired).merged_into(&live)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;
    use crate::model::PasswordPolicy;
    use serde_json::json;

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
    fn social_connections_read_their_client_and_scopes_never_the_secret() {
        let body = json!({"id": "con_1", "name": "google", "strategy": "google-oauth2",
            "options": {"client_id": "cid", "client_secret": "s3cret", "scope": ["email", "profile"], "email": true, "profile": true}});
        let live = normalize_connection(&body, None).unwrap();
        assert_eq!(live.model.strategy, Some(Strategy::Google));
        assert_eq!(live.model.client_id.as_deref(), Some("cid"));
        assert_eq!(
            live.model.scopes,
            Some(vec!["email".to_owned(), "profile".to_owned()])
        );
        assert_eq!(live.model.disable_signup, None);
        assert!(!serde_json::to_string(&live).unwrap().contains("s3cret"));
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
