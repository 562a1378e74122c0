//! Management API routes: one file per resource kind. Each handler is a pure function of the
//! store and the decoded request, so the HTTP layer (auth, rate limits, faults, logging)
//! stays in `server.rs`.

// Every handler returns `Outcome` so `dispatch` stays one uniform table.
#![allow(clippy::unnecessary_wraps)]

pub mod actions;
pub mod client_grants;
pub mod clients;
pub mod connections;
pub mod email_provider;
pub mod email_templates;
pub mod resource_servers;
pub mod roles;
pub mod tenant_settings;
pub mod users;

use serde_json::Value;

use super::errors::ApiError;
use super::paging::Params;
use super::store::{Obj, Store};

/// A decoded Management API request.
pub struct Call<'a> {
    pub method: &'a str,
    /// Path segments after `/api/v2/`, percent-decoded.
    pub segments: &'a [String],
    pub params: &'a Params,
    /// `Value::Null` when there is no body.
    pub body: &'a Value,
    /// Scopes of the caller's token.
    pub scopes: &'a [String],
}

impl Call<'_> {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// The body as an object, or Auth0's payload error.
    pub fn object(&self) -> Result<&Obj, ApiError> {
        match self.body {
            Value::Object(object) => Ok(object),
            Value::Null => Err(ApiError::bad_request(
                "Payload validation error: 'Expected type object but found type null'.",
            )),
            _ => Err(ApiError::bad_request(
                "Payload validation error: 'Expected type object'.",
            )),
        }
    }
}

#[cfg(test)]
impl<'a> Call<'a> {
    /// A call for a handler's unit test: no path segments (handlers take their ids as
    /// arguments), no query, no scopes; `with_params` and `with_scopes` add them.
    pub(crate) fn test(method: &'a str, body: &'a Value) -> Self {
        static NO_PARAMS: Params = Params(Vec::new());
        Self {
            method,
            segments: &[],
            params: &NO_PARAMS,
            body,
            scopes: &[],
        }
    }

    pub(crate) fn with_params(self, params: &'a Params) -> Self {
        Self { params, ..self }
    }

    pub(crate) fn with_scopes(self, scopes: &'a [String]) -> Self {
        Self { scopes, ..self }
    }
}

/// What a handler answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self {
            status: 200,
            body: Some(body),
        }
    }
    pub fn created(body: Value) -> Self {
        Self {
            status: 201,
            body: Some(body),
        }
    }
    pub fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
        }
    }
}

pub type Outcome = Result<Reply, ApiError>;

/// Routes a call to its handler.
pub fn dispatch(store: &mut Store, call: &Call) -> Outcome {
    let segments: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    match (call.method, segments.as_slice()) {
        ("GET", ["clients"]) => clients::list(store, call),
        ("POST", ["clients"]) => clients::create(store, call),
        ("GET", ["clients", id]) => clients::get(store, call, id),
        ("PATCH", ["clients", id]) => clients::update(store, call, id),
        ("DELETE", ["clients", id]) => clients::delete(store, id),
        ("POST", ["clients", id, "rotate-secret"]) => clients::rotate_secret(store, id),
        ("GET", ["clients", id, "credentials"]) => clients::credentials(store, id),

        ("GET", ["client-grants"]) => client_grants::list(store, call),
        ("POST", ["client-grants"]) => client_grants::create(store, call),
        ("GET", ["client-grants", id]) => client_grants::get(store, id),
        ("PATCH", ["client-grants", id]) => client_grants::update(store, call, id),
        ("DELETE", ["client-grants", id]) => client_grants::delete(store, id),

        ("GET", ["connections"]) => connections::list(store, call),
        ("POST", ["connections"]) => connections::create(store, call),
        ("GET", ["connections", id]) => connections::get(store, call, id),
        ("PATCH", ["connections", id]) => connections::update(store, call, id),
        ("DELETE", ["connections", id]) => connections::delete(store, id),
        ("GET", ["connections", id, "clients"]) => connections::enabled_clients(store, call, id),
        ("PATCH", ["connections", id, "clients"]) => {
            connections::update_enabled_clients(store, call, id)
        }

        ("GET", ["resource-servers"]) => resource_servers::list(store, call),
        ("POST", ["resource-servers"]) => resource_servers::create(store, call),
        ("GET", ["resource-servers", id]) => resource_servers::get(store, call, id),
        ("PATCH", ["resource-servers", id]) => resource_servers::update(store, call, id),
        ("DELETE", ["resource-servers", id]) => resource_servers::delete(store, id),

        ("GET", ["tenants", "settings"]) => tenant_settings::get(store, call),
        ("PATCH", ["tenants", "settings"]) => tenant_settings::update(store, call),

        ("POST", ["email-templates"]) => email_templates::create(store, call),
        ("GET", ["email-templates", name]) => email_templates::get(store, name),
        ("PATCH", ["email-templates", name]) => email_templates::update(store, call, name),
        ("PUT", ["email-templates", name]) => email_templates::replace(store, call, name),

        ("GET", ["emails", "provider"]) => email_provider::get(store, call),
        ("POST", ["emails", "provider"]) => email_provider::create(store, call),
        ("PATCH", ["emails", "provider"]) => email_provider::update(store, call),
        ("DELETE", ["emails", "provider"]) => email_provider::delete(store),

        ("GET", ["actions", "triggers"]) => Ok(actions::triggers()),
        ("GET", ["actions", "triggers", trigger, "bindings"]) => {
            actions::bindings(store, call, trigger)
        }
        ("PATCH", ["actions", "triggers", trigger, "bindings"]) => {
            actions::update_bindings(store, call, trigger)
        }
        ("GET", ["actions", "actions"]) => actions::list(store, call),
        ("POST", ["actions", "actions"]) => actions::create(store, call),
        ("GET", ["actions", "actions", id]) => actions::get(store, id),
        ("PATCH", ["actions", "actions", id]) => actions::update(store, call, id),
        ("DELETE", ["actions", "actions", id]) => actions::delete(store, call, id),
        ("POST", ["actions", "actions", id, "deploy"]) => actions::deploy(store, id),
        ("GET", ["actions", "actions", id, "versions"]) => actions::versions(store, call, id),
        ("GET", ["actions", "actions", id, "versions", version]) => {
            actions::version(store, id, version)
        }

        ("GET", ["users"]) => users::list(store, call),
        ("POST", ["users"]) => users::create(store, call),
        ("GET", ["users", id]) => users::get(store, id),
        ("PATCH", ["users", id]) => users::update(store, call, id),
        ("DELETE", ["users", id]) => users::delete(store, id),
        ("GET", ["users-by-email"]) => users::by_email(store, call),
        ("POST", ["tickets", "password-change"]) => users::password_change_ticket(store, call),

        ("GET", ["roles"]) => roles::list(store, call),
        ("POST", ["roles"]) => roles::create(store, call),
        ("GET", ["roles", id]) => roles::get(store, id),
        ("PATCH", ["roles", id]) => roles::update(store, call, id),
        ("DELETE", ["roles", id]) => roles::delete(store, id),

        _ => Err(ApiError::new(404, "Not Found", None)),
    }
}

/// Whether `dispatch` serves a route the `OpenAPI` spec does not document (the server answers
/// 404 for any other undocumented method and path, before the scope check).
pub fn serves(method: &str, segments: &[String]) -> bool {
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    matches!((method, segments.as_slice()), ("GET", ["users-by-email"]))
}

/// Inserts every key of `patch` into `target` (replacing), skipping `skip`.
pub fn overlay(target: &mut Obj, patch: &Obj, skip: &[&str]) {
    for (key, value) in patch {
        if !skip.contains(&key.as_str()) {
            target.insert(key.clone(), value.clone());
        }
    }
}

pub fn str_field<'a>(object: &'a Obj, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A list's filter on a text field: whether `object`'s `key` is `wanted`, or nothing is wanted.
pub fn field_is(object: &Obj, key: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|want| str_field(object, key) == Some(want))
}

/// A list's filter on a text field by a comma list (`strategy=auth0,google-oauth2`): whether
/// `object`'s `key` is one of `wanted`, or nothing is wanted.
pub fn field_in(object: &Obj, key: &str, wanted: Option<&[String]>) -> bool {
    wanted.is_none_or(|wanted| {
        str_field(object, key).is_some_and(|have| wanted.iter().any(|w| w == have))
    })
}
