//! `/api/v2/resource-servers`, addressed by id or by (URL-encoded) identifier.

use serde_json::{Value, json};

use super::{Call, Outcome, Reply, field_in, overlay, str_field};
use crate::errors::ApiError;
use crate::paging::{FieldFilter, Paging};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};

use crate::store::{HEX, Obj, Store, into_obj, random_string};

fn not_found() -> ApiError {
    ApiError::not_found(
        "The resource server does not exist",
        Some("inexistent_resource_server"),
    )
}

fn find_id(store: &Store, id_or_identifier: &str) -> Option<String> {
    if store.resource_servers.contains_key(id_or_identifier) {
        return Some(id_or_identifier.to_owned());
    }
    store
        .resource_server_by_identifier(id_or_identifier)
        .and_then(|rs| str_field(rs, "id"))
        .map(str::to_owned)
}

pub fn list(store: &Store, call: &Call) -> Outcome {
    let paging = Paging::from_params(call.params)?;
    let fields = FieldFilter::from_params(call.params)?;
    let identifiers = call.params.list("identifiers");
    let items = store
        .resource_servers
        .values()
        .filter(|rs| field_in(rs, "identifier", identifiers.as_deref()))
        .map(|rs| fields.apply(Value::Object(rs.clone())))
        .collect();
    Ok(Reply::ok(paging.apply(items, "resource_servers")))
}

pub fn get(store: &Store, call: &Call, id: &str) -> Outcome {
    let id = find_id(store, id).ok_or_else(not_found)?;
    let fields = FieldFilter::from_params(call.params)?;
    Ok(Reply::ok(
        fields.apply(Value::Object(store.resource_servers[&id].clone())),
    ))
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let identifier = str_field(body, "identifier").unwrap_or_default().to_owned();
    if store.resource_server_by_identifier(&identifier).is_some() {
        return Err(ApiError::conflict(
            "A resource server with the same identifier already exists",
            Some("resource_server_conflict"),
        ));
    }
    let id = random_string(24, HEX);
    // Auth0 invents no `name` when none is sent (recorded: identifier-only create).
    let mut rs = into_obj(json!({
        "id": id,
        "identifier": identifier,
        "allow_offline_access": false,
        "skip_consent_for_verifiable_first_party_clients": false,
        "subject_type_authorization": {
            "client": {"policy": "require_client_grant"},
            "user": {"policy": "allow_all"}
        },
        "token_lifetime": 86400,
        "token_lifetime_for_web": 7200,
        "signing_alg": "RS256",
    }));
    if let Some(name) = body.get("name") {
        rs.shift_insert(1, "name".into(), name.clone());
    }
    overlay(&mut rs, body, &["id", "is_system", "name"]);
    store_token_encryption_key(&mut rs);
    store.resource_servers.insert(id, rs.clone());
    Ok(Reply::created(Value::Object(rs)))
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    let id = find_id(store, id).ok_or_else(not_found)?;
    let rs = store.resource_servers.get_mut(&id).ok_or_else(not_found)?;
    if rs.get("is_system") == Some(&Value::Bool(true)) {
        return Err(ApiError::new(
            403,
            "You cannot update a system resource server",
            None,
        ));
    }
    overlay(rs, body, &["id", "identifier", "is_system"]);
    store_token_encryption_key(rs);
    Ok(Reply::ok(Value::Object(rs.clone())))
}

/// Auth0 keeps the encryption key's PEM to itself and shows its SHA-256 thumbprint instead.
fn store_token_encryption_key(rs: &mut Obj) {
    let Some(Value::Object(key)) = rs
        .get_mut("token_encryption")
        .and_then(|encryption| encryption.get_mut("encryption_key"))
    else {
        return;
    };
    if let Some(Value::String(pem)) = key.shift_remove("pem") {
        let thumbprint = URL_SAFE_NO_PAD.encode(Sha256::digest(pem.trim().as_bytes()));
        key.insert("thumbprint_sha256".into(), Value::String(thumbprint));
    }
}

pub fn delete(store: &mut Store, id: &str) -> Outcome {
    let Some(id) = find_id(store, id) else {
        return Ok(Reply::no_content());
    };
    if store.resource_servers[&id].get("is_system") == Some(&Value::Bool(true)) {
        return Err(ApiError::bad_request(
            "You cannot delete a system resource server",
        ));
    }
    store.resource_servers.shift_remove(&id);
    Ok(Reply::no_content())
}
