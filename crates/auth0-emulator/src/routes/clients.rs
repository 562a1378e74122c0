//! `/api/v2/clients`: Auth0's create defaults, array-replacing PATCH, secrets only with
//! `read:client_keys`.

use auth0_wire::shape::{overlay_object, to_object};
use serde_json::{Value, json};

use super::{Call, Outcome, Reply, field_in, overlay, str_field};
use crate::errors::ApiError;
use crate::paging::{FieldFilter, Paging};
use crate::store::{
    ALNUM, Obj, SECRET_CHARS, Store, into_obj, merge_top_level, now, random_string,
    refresh_token_defaults, signing_key,
};

/// Returned whatever `fields` asks for (recorded: `fields=client_id` gives `tenant` too).
const ALWAYS_RETURNED: &[&str] = &["tenant"];

fn not_found() -> ApiError {
    ApiError::not_found("The client does not exist", Some("inexistent_client"))
}

/// A client as the API returns it: the secret only for callers with `read:client_keys`.
pub fn render(client: &Obj, show_secret: bool) -> Value {
    let mut client = client.clone();
    if !show_secret {
        client.remove("client_secret");
    }
    Value::Object(client)
}

fn check_initiate_login_uri(body: &Obj) -> Result<(), ApiError> {
    match str_field(body, "initiate_login_uri") {
        Some(uri) if !uri.is_empty() && !uri.starts_with("https://") => {
            Err(ApiError::bad_request(format!(
                "Payload validation error: 'Object didn't pass validation for format absolute-https-uri-or-empty: {uri}' on property initiate_login_uri (Initiate login uri, must be https)."
            )))
        }
        _ => Ok(()),
    }
}

pub fn list(store: &Store, call: &Call) -> Outcome {
    let paging = Paging::from_params(call.params)?;
    let fields = FieldFilter::from_params(call.params)?;
    let is_global = call.params.flag("is_global")?;
    let is_first_party = call.params.flag("is_first_party")?;
    let app_types = call.params.list("app_type");
    let show_secret = call.has_scope("read:client_keys");
    let items = store
        .clients
        .values()
        .filter(|c| {
            is_global.is_none_or(|want| {
                c.get("global").and_then(Value::as_bool).unwrap_or(false) == want
            })
        })
        .filter(|c| {
            is_first_party.is_none_or(|want| {
                c.get("is_first_party")
                    .and_then(Value::as_bool)
                    .unwrap_or(true)
                    == want
            })
        })
        .filter(|c| field_in(c, "app_type", app_types.as_deref()))
        .collect();
    Ok(Reply::ok(paging.apply_rendering(items, "clients", |c| {
        fields.apply_keeping(render(c, show_secret), ALWAYS_RETURNED)
    })))
}

pub fn get(store: &Store, call: &Call, id: &str) -> Outcome {
    let client = store.clients.get(id).ok_or_else(not_found)?;
    let fields = FieldFilter::from_params(call.params)?;
    Ok(Reply::ok(fields.apply_keeping(
        render(client, call.has_scope("read:client_keys")),
        ALWAYS_RETURNED,
    )))
}

/// `GET /clients/{id}/credentials`: the client's credentials (public keys for
/// `private_key_jwt`, CA-signed certificates). The emulator stores none, so a client has an
/// empty list, as one made without credentials has in Auth0 (spec: 200, an array).
pub fn credentials(store: &Store, id: &str) -> Outcome {
    store.clients.get(id).ok_or_else(not_found)?;
    Ok(Reply::ok(json!([])))
}

/// A client as `POST /clients` stores it before the body is applied: Auth0's defaults for
/// the fields a client can set (`auth0_wire::Client::created`), then the server-only ones.
pub(crate) fn new_client(
    tenant_name: &str,
    app_type: Option<&str>,
    name: &Value,
    client_id: &str,
    client_secret: &str,
) -> Obj {
    let known_app_type = app_type
        .and_then(|app_type| serde_json::from_value(Value::String(app_type.to_owned())).ok());
    let mut client = to_object(&auth0_wire::Client::created(known_app_type));
    let server_only = into_obj(json!({
        "tenant": tenant_name,
        "global": false,
        "name": name,
        "client_id": client_id,
        "client_secret": client_secret,
        "is_token_endpoint_ip_header_trusted": false,
        "jwt_configuration": {"secret_encoded": false},
        "signing_keys": [signing_key()],
        "sso_disabled": false,
        "custom_login_page_on": true,
        "refresh_token": refresh_token_defaults(app_type),
    }));
    overlay_object(&mut client, server_only);
    // The deprecated name Auth0 still returns beside the current one.
    if let Some(value) = client.get("cross_origin_authentication").cloned() {
        client.insert("cross_origin_auth".into(), value);
    }
    client
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    check_initiate_login_uri(body)?;
    let app_type = str_field(body, "app_type");
    let is_first_party = body
        .get("is_first_party")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let client_id = random_string(32, ALNUM);
    let mut client = new_client(
        &store.tenant_name,
        app_type,
        body.get("name").unwrap_or(&Value::Null),
        &client_id,
        &random_string(64, SECRET_CHARS),
    );
    client.insert("is_first_party".into(), json!(is_first_party));
    if !is_first_party {
        client.insert("third_party_security_mode".into(), json!("permissive"));
    }
    apply_patch(&mut client, body);
    if str_field(&client, "initiate_login_uri") == Some("") {
        client.remove("initiate_login_uri");
    }
    let response = render(&client, true);
    store.clients.insert(client_id, client);
    Ok(Reply::created(response))
}

/// PATCH semantics: arrays and scalars replace, metadata merges key by key (null deletes),
/// nested settings objects merge.
fn apply_patch(client: &mut Obj, body: &Obj) {
    for (key, value) in body {
        match (key.as_str(), value) {
            ("client_id" | "client_secret" | "tenant" | "global" | "signing_keys", _) => {}
            ("client_metadata" | "jwt_configuration" | "refresh_token", Value::Object(patch)) => {
                let mut merged = client.get(key).cloned().map(into_obj).unwrap_or_default();
                merge_top_level(&mut merged, patch);
                client.insert(key.clone(), Value::Object(merged));
            }
            ("client_authentication_methods", Value::Object(methods)) => {
                client.insert(key.clone(), Value::Object(credentials_view(methods)));
            }
            ("initiate_login_uri", Value::String(uri)) if uri.is_empty() => {
                client.remove(key);
            }
            (_, Value::Null) => {
                client.remove(key);
            }
            _ => {
                client.insert(key.clone(), value.clone());
            }
        }
    }
    // `cross_origin_auth` is the deprecated name of `cross_origin_authentication`; Auth0
    // returns both, always equal.
    let mirrored = body
        .get("cross_origin_authentication")
        .or_else(|| body.get("cross_origin_auth"))
        .filter(|v| v.is_boolean());
    if let Some(value) = mirrored {
        client.insert("cross_origin_authentication".into(), value.clone());
        client.insert("cross_origin_auth".into(), value.clone());
    }
}

/// Credentials are stored as Auth0 shows them: with ids and dates, without the PEM.
fn credentials_view(methods: &Obj) -> Obj {
    let mut methods = methods.clone();
    for method in methods.values_mut() {
        let Some(credentials) = method.get_mut("credentials").and_then(Value::as_array_mut) else {
            continue;
        };
        for credential in credentials.iter_mut() {
            let Value::Object(object) = credential else {
                continue;
            };
            if object.contains_key("pem") {
                object.remove("pem");
                let stamp = now();
                let mut shaped = Obj::new();
                shaped.insert(
                    "id".into(),
                    json!(format!("cred_{}", random_string(22, ALNUM))),
                );
                overlay(&mut shaped, object, &[]);
                shaped.insert("kid".into(), json!(random_string(43, ALNUM)));
                shaped.entry("alg").or_insert(json!("RS256"));
                shaped.insert("created_at".into(), json!(stamp));
                shaped.insert("updated_at".into(), json!(stamp));
                *object = shaped;
            }
        }
    }
    methods
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    check_initiate_login_uri(body)?;
    let client = store.clients.get_mut(id).ok_or_else(not_found)?;
    apply_patch(client, body);
    Ok(Reply::ok(render(
        client,
        call.has_scope("read:client_keys"),
    )))
}

/// A missing client is 204, as for grants and connections (go-auth0's TestClient_Delete
/// deletes twice; the spec documents no 404 here).
pub fn delete(store: &mut Store, id: &str) -> Outcome {
    let Some(client) = store.clients.get(id) else {
        return Ok(Reply::no_content());
    };
    if client.get("global").and_then(Value::as_bool) == Some(true) {
        return Err(ApiError::bad_request("The global client cannot be deleted"));
    }
    store.clients.shift_remove(id);
    store
        .client_grants
        .retain(|_, g| str_field(g, "client_id") != Some(id));
    for connection in store.connections.values_mut() {
        if let Some(Value::Array(enabled)) = connection.get_mut("enabled_clients") {
            enabled.retain(|c| c.as_str() != Some(id));
        }
    }
    Ok(Reply::no_content())
}

pub fn rotate_secret(store: &mut Store, id: &str) -> Outcome {
    let client = store.clients.get_mut(id).ok_or_else(not_found)?;
    client.insert(
        "client_secret".into(),
        json!(random_string(64, SECRET_CHARS)),
    );
    Ok(Reply::ok(render(client, true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::Params;

    #[test]
    fn create_applies_defaults_and_patch_replaces_arrays() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let scopes = vec!["read:client_keys".to_owned()];
        let body =
            json!({"name": "spa", "app_type": "spa", "callbacks": ["https://a", "https://b"]});
        let created = create(&mut store, &Call::test("POST", &body).with_scopes(&scopes)).unwrap();
        assert_eq!(created.status, 201);
        let client = created.body.unwrap();
        assert_eq!(
            client["grant_types"],
            json!(["authorization_code", "implicit", "refresh_token"])
        );
        assert_eq!(client["refresh_token"]["rotation_type"], "rotating");
        assert!(client["client_secret"].as_str().unwrap().len() >= 32);
        let id = client["client_id"].as_str().unwrap().to_owned();

        let patch = json!({"callbacks": ["https://c"], "client_metadata": {"a": "1"}});
        let updated = update(&mut store, &Call::test("PATCH", &patch), &id)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(updated["callbacks"], json!(["https://c"]));
        assert!(
            updated.get("client_secret").is_none(),
            "no read:client_keys, no secret"
        );
        let patch = json!({"client_metadata": {"a": null}, "initiate_login_uri": ""});
        let updated = update(&mut store, &Call::test("PATCH", &patch), &id)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(updated["client_metadata"], json!({}));
        assert!(updated.get("initiate_login_uri").is_none());
    }

    #[test]
    fn cross_origin_authentication_is_stored_returned_and_mirrored() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "off"});
        let created = create(&mut store, &Call::test("POST", &body)).unwrap();
        let off = created.body.unwrap();
        assert_eq!(off["cross_origin_authentication"], json!(false));
        let body = json!({"name": "on", "cross_origin_authentication": true});
        let created = create(&mut store, &Call::test("POST", &body)).unwrap();
        let on = created.body.unwrap();
        let id = on["client_id"].as_str().unwrap();
        for client in [
            on.clone(),
            get(&store, &Call::test("GET", &Value::Null), id)
                .unwrap()
                .body
                .unwrap(),
        ] {
            assert_eq!(client["cross_origin_authentication"], json!(true));
            assert_eq!(
                client["cross_origin_auth"],
                json!(true),
                "the deprecated name follows"
            );
        }
        let patch = json!({"cross_origin_authentication": false});
        let updated = update(&mut store, &Call::test("PATCH", &patch), id)
            .unwrap()
            .body
            .unwrap();
        assert_eq!(updated["cross_origin_authentication"], json!(false));
    }

    #[test]
    fn http_initiate_login_uri_is_rejected() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "x", "initiate_login_uri": "http://localhost/login"});
        let error = create(&mut store, &Call::test("POST", &body)).unwrap_err();
        assert_eq!(error.error_code, Some("invalid_body"));
    }

    #[test]
    fn delete_removes_grants_and_missing_is_204_again() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        assert_eq!(delete(&mut store, "m2m").unwrap().status, 204);
        assert!(store.client_grants.is_empty());
        assert_eq!(delete(&mut store, "m2m").unwrap().status, 204);
    }

    #[test]
    fn list_filters_by_is_global() {
        let store = Store::fresh("http://h", "m2m", "s");
        let params = Params::parse(Some("is_global=true"));
        let body = list(
            &store,
            &Call::test("GET", &Value::Null).with_params(&params),
        )
        .unwrap()
        .body
        .unwrap();
        assert_eq!(body.as_array().unwrap().len(), 1);
        assert_eq!(body[0]["global"], json!(true));
    }
}
