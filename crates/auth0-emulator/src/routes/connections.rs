//! `/api/v2/connections`: immutable names, PATCH replacing `options` whole, 409 on a taken
//! name, DELETE 202 `{"deleted_at"}` (204 when already gone), and `/connections/{id}/clients`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{Call, Outcome, Reply, field_in, field_is, str_field};
use crate::errors::ApiError;
use crate::paging::{FieldFilter, MAX_PER_PAGE, Paging};
use crate::store::{ALNUM, Obj, Store, fill_database_options, into_obj, now, random_string};

/// Returned whatever `fields` asks for (recorded in 2026: `fields=strategy,name` gives these too).
const ALWAYS_RETURNED: &[&str] = &[
    "id",
    "is_domain_connection",
    "authentication",
    "connected_accounts",
];

fn not_found() -> ApiError {
    ApiError::not_found(
        "The connection does not exist",
        Some("inexistent_connection"),
    )
}

/// `options.configuration` values come back encrypted, as in Auth0.
fn encrypt_configuration(options: &mut Obj) {
    if let Some(Value::Object(configuration)) = options.get_mut("configuration") {
        for value in configuration.values_mut() {
            if let Value::String(plain) = value {
                *value = Value::String(STANDARD.encode(format!(
                    "emulator-encrypted:{}:{plain}",
                    random_string(8, ALNUM)
                )));
            }
        }
    }
}

/// The Google attributes a `google-oauth2` connection's options switch on, and the scope each
/// asks Google for. Without a `scope` of its own, Auth0 answers the one these make (recorded:
/// terraform-provider-auth0 `TestAccConnectionGoogleOAuth2`, not vendored).
const GOOGLE_SCOPES: &[(&str, &str)] = &[
    ("email", "email"),
    ("profile", "profile"),
    ("gmail", "https://mail.google.com/mail/feed/atom"),
    ("youtube", "https://gdata.youtube.com"),
];

fn fill_google_scope(options: &mut Obj) {
    if options.contains_key("scope") {
        return;
    }
    let scope: Vec<&str> = GOOGLE_SCOPES
        .iter()
        .filter(|(flag, _)| options.get(*flag) == Some(&Value::Bool(true)))
        .map(|(_, scope)| *scope)
        .collect();
    options.insert("scope".into(), json!(scope));
}

fn prepare_options(
    strategy: &str,
    options: Option<&Value>,
    on_create: bool,
) -> Result<Obj, ApiError> {
    let mut options = options.cloned().map(into_obj).unwrap_or_default();
    if options.contains_key("attributes") && options.contains_key("validation") {
        return Err(ApiError::bad_request(
            "Cannot set both options.attributes and options.validation",
        ));
    }
    if strategy == "auth0" {
        fill_database_options(&mut options, on_create);
    }
    if strategy == "google-oauth2" {
        fill_google_scope(&mut options);
    }
    encrypt_configuration(&mut options);
    Ok(options)
}

pub fn list(store: &Store, call: &Call) -> Outcome {
    let paging = Paging::from_params(call.params)?;
    let fields = FieldFilter::from_params(call.params)?;
    let name = call.params.get("name");
    let strategies = call.params.list("strategy");
    let items = store
        .connections
        .values()
        .filter(|c| field_is(c, "name", name) && field_in(c, "strategy", strategies.as_deref()))
        .map(|c| fields.apply_keeping(Value::Object(c.clone()), ALWAYS_RETURNED))
        .collect();
    Ok(Reply::ok(paging.apply(items, "connections")))
}

pub fn get(store: &Store, call: &Call, id: &str) -> Outcome {
    let connection = store.connections.get(id).ok_or_else(not_found)?;
    Ok(Reply::ok(
        FieldFilter::from_params(call.params)?
            .apply_keeping(Value::Object(connection.clone()), ALWAYS_RETURNED),
    ))
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let name = str_field(body, "name").unwrap_or_default().to_owned();
    let strategy = str_field(body, "strategy").unwrap_or_default().to_owned();
    if store.connection_by_name(&name).is_some() {
        return Err(ApiError::conflict(
            "A connection with the same name already exists",
            Some("connection_conflict"),
        ));
    }
    let options = prepare_options(&strategy, body.get("options"), true)?;
    let id = format!("con_{}", random_string(16, ALNUM));
    let mut connection = into_obj(json!({
        "id": id,
        "options": options,
        "strategy": strategy,
        "name": name,
        "is_domain_connection": false,
        "authentication": {"active": true},
        "connected_accounts": {"active": false},
    }));
    for (key, value) in body {
        if !matches!(key.as_str(), "id" | "options" | "strategy" | "name") {
            connection.insert(key.clone(), value.clone());
        }
    }
    connection.entry("enabled_clients").or_insert(json!([]));
    // Every strategy gets its name as its realm (spec; recorded for auth0 and google-oauth2).
    connection.entry("realms").or_insert(json!([name]));
    store.connections.insert(id, connection.clone());
    Ok(Reply::created(Value::Object(connection)))
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    if body.contains_key("name") || body.contains_key("strategy") {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Additional properties not allowed: name,strategy'.",
        ));
    }
    let connection = store.connections.get_mut(id).ok_or_else(not_found)?;
    let strategy = str_field(connection, "strategy")
        .unwrap_or_default()
        .to_owned();
    for (key, value) in body {
        if key == "options" {
            // PATCH replaces options whole: omitted keys are gone, except the server-managed
            // sign-in methods, which stay as they were (recorded in TestAccConnection #5).
            let mut options = prepare_options(&strategy, Some(value), false)?;
            if let Some(Value::Object(old)) = connection.get("options") {
                for kept in ["authentication_methods", "passkey_options"] {
                    let sent = value.get(kept).is_some();
                    if let (false, Some(previous)) = (sent, old.get(kept)) {
                        options.insert(kept.into(), previous.clone());
                    }
                }
            }
            connection.insert(key.clone(), Value::Object(options));
        } else {
            connection.insert(key.clone(), value.clone());
        }
    }
    Ok(Reply::ok(Value::Object(connection.clone())))
}

pub fn delete(store: &mut Store, id: &str) -> Outcome {
    if store.connections.shift_remove(id).is_none() {
        return Ok(Reply::no_content());
    }
    Ok(Reply {
        status: 202,
        body: Some(json!({"deleted_at": now()})),
    })
}

pub fn enabled_clients(store: &Store, call: &Call, id: &str) -> Outcome {
    let connection = store.connections.get(id).ok_or_else(not_found)?;
    let items: Vec<Value> = connection
        .get("enabled_clients")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|client_id| json!({"client_id": client_id}))
        .collect();
    // This endpoint only pages by checkpoint.
    let paging = match Paging::from_params(call.params)? {
        Paging::Offset { .. } => Paging::Checkpoint {
            from: 0,
            take: MAX_PER_PAGE,
        },
        checkpoint @ Paging::Checkpoint { .. } => checkpoint,
    };
    Ok(Reply::ok(paging.apply(items, "clients")))
}

pub fn update_enabled_clients(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let Value::Array(changes) = call.body else {
        return Err(ApiError::bad_request(
            "Payload validation error: 'Expected type array'.",
        ));
    };
    if changes.len() > 50 {
        return Err(ApiError::bad_request(format!(
            "Payload validation error: 'Array is too long ({}), maximum 50'.",
            changes.len()
        )));
    }
    let connection = store.connections.get_mut(id).ok_or_else(not_found)?;
    let mut enabled: Vec<Value> = connection
        .get("enabled_clients")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for change in changes {
        let client_id = change.get("client_id").cloned().unwrap_or(Value::Null);
        let status = change
            .get("status")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        enabled.retain(|c| *c != client_id);
        if status {
            enabled.push(client_id);
        }
    }
    connection.insert("enabled_clients".into(), Value::Array(enabled));
    Ok(Reply::no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_replaces_options_and_delete_is_202_then_204() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "acme-users", "strategy": "auth0", "options": {"disable_signup": true, "validation": {"username": {"min": 3}}}});
        let call = Call::test("POST", &body);
        let created = create(&mut store, &call).unwrap().body.unwrap();
        assert_eq!(created["options"]["passwordPolicy"], "good");
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(
            create(&mut store, &call).unwrap_err().error_code,
            Some("connection_conflict")
        );

        let patch = json!({"options": {"disable_signup": false}});
        let updated = update(&mut store, &Call::test("PATCH", &patch), &id)
            .unwrap()
            .body
            .unwrap();
        assert!(updated["options"].get("validation").is_none());
        assert_eq!(updated["options"]["disable_signup"], false);

        assert_eq!(delete(&mut store, &id).unwrap().status, 202);
        assert_eq!(delete(&mut store, &id).unwrap().status, 204);
    }

    #[test]
    fn enabled_clients_toggle() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let id = store.connections.keys().next().unwrap().clone();
        let body = json!([{"client_id": "m2m", "status": true}]);
        let call = Call::test("PATCH", &body);
        assert_eq!(
            update_enabled_clients(&mut store, &call, &id)
                .unwrap()
                .status,
            204
        );
        let get = Call::test("GET", &Value::Null);
        assert_eq!(
            enabled_clients(&store, &get, &id).unwrap().body.unwrap(),
            json!({"clients": [{"client_id": "m2m"}]})
        );
    }
}
