//! `/api/v2/client-grants`: one grant per client and audience (409 otherwise), PATCH of
//! scope-like fields only, DELETE idempotent (204 even when missing).

use serde_json::{Value, json};

use super::{Call, Outcome, Reply, field_is, overlay, str_field};
use crate::errors::ApiError;
use crate::paging::{FieldFilter, Paging};
use crate::store::{ALNUM, Obj, Store, into_obj, random_string};

fn not_found() -> ApiError {
    ApiError::not_found("The grant does not exist.", Some("inexistent_client_grant"))
}

pub fn list(store: &Store, call: &Call) -> Outcome {
    let paging = Paging::from_params(call.params)?;
    let fields = FieldFilter::from_params(call.params)?;
    let client_id = call.params.get("client_id");
    let audience = call.params.get("audience");
    let subject_type = call.params.get("subject_type");
    let items = store
        .client_grants
        .values()
        .filter(|g| field_is(g, "client_id", client_id) && field_is(g, "audience", audience))
        .filter(|g| {
            subject_type.is_none_or(|want| str_field(g, "subject_type").unwrap_or("client") == want)
        })
        .collect();
    Ok(Reply::ok(paging.apply_rendering(
        items,
        "client_grants",
        |g| fields.apply(Value::Object(g.clone())),
    )))
}

pub fn get(store: &Store, id: &str) -> Outcome {
    let grant = store.client_grants.get(id).ok_or_else(not_found)?;
    Ok(Reply::ok(Value::Object(grant.clone())))
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let client_id = str_field(body, "client_id").unwrap_or_default();
    let audience = str_field(body, "audience").unwrap_or_default();
    if !store.clients.contains_key(client_id) {
        return Err(ApiError::not_found(
            format!("No client with id {client_id} found"),
            Some("inexistent_client"),
        ));
    }
    if store.resource_server_by_identifier(audience).is_none() {
        return Err(ApiError::not_found(
            format!("No resource server with identifier {audience}"),
            Some("inexistent_resource_server"),
        ));
    }
    let duplicate = store.client_grants.values().any(|g| {
        str_field(g, "client_id") == Some(client_id) && str_field(g, "audience") == Some(audience)
    });
    if duplicate {
        return Err(ApiError::conflict(
            "A client grant for this client and audience already exists",
            Some("client_grant_conflict"),
        ));
    }
    let id = format!("cgr_{}", random_string(16, ALNUM));
    let mut grant =
        into_obj(json!({"id": id, "client_id": client_id, "audience": audience, "scope": []}));
    overlay(&mut grant, body, &["id", "client_id", "audience"]);
    normalise(&mut grant);
    store.client_grants.insert(id, grant.clone());
    Ok(Reply::created(Value::Object(grant)))
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    let grant = store.client_grants.get_mut(id).ok_or_else(not_found)?;
    overlay(grant, body, &["id", "client_id", "audience"]);
    normalise(grant);
    Ok(Reply::ok(Value::Object(grant.clone())))
}

/// Every grant has a `subject_type` (`client` unless sent), and one that allows all scopes
/// lists none: Auth0 drops `scope` then (recorded in TestAccClientGrant).
pub fn normalise(grant: &mut Obj) {
    if grant.get("allow_all_scopes") == Some(&Value::Bool(true)) {
        grant.shift_remove("scope");
    } else {
        grant.entry("scope").or_insert(json!([]));
    }
    grant.entry("subject_type").or_insert(json!("client"));
}

pub fn delete(store: &mut Store, id: &str) -> Outcome {
    store.client_grants.shift_remove(id);
    Ok(Reply::no_content())
}
