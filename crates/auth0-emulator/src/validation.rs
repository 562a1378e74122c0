//! The vendored Management API `OpenAPI` spec, embedded: which scopes an operation needs
//! (`security`) and the request-body schema Auth0 validates payloads against.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::{Value, json};

use super::errors::ApiError;

const SPEC_TEXT: &str = include_str!("../assets/auth0-oas/management-api-oas.pruned.json");

/// One operation of the spec.
#[derive(Debug)]
pub struct SpecOperation {
    pub method: String,
    pub template: String,
    segments: Vec<Option<String>>,
    /// Any one of these is enough.
    pub scopes: Vec<String>,
    body_schema: Option<Value>,
}

pub struct Spec {
    operations: Vec<SpecOperation>,
    components: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

static SPEC: LazyLock<Spec> = LazyLock::new(|| Spec::parse(SPEC_TEXT));

pub fn spec() -> &'static Spec {
    &SPEC
}

impl Spec {
    fn parse(text: &str) -> Spec {
        let document: Value = serde_json::from_str(text).expect("embedded OpenAPI spec is JSON");
        let mut operations = Vec::new();
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            for (template, item) in paths {
                let Some(item) = item.as_object() else {
                    continue;
                };
                for (method, operation) in item {
                    if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                        continue;
                    }
                    let scopes = operation
                        .get("security")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|requirement| requirement.get("oAuth2ClientCredentials"))
                        .filter_map(Value::as_array)
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    let body_schema = operation
                        .pointer("/requestBody/content/application~1json/schema")
                        .cloned();
                    operations.push(SpecOperation {
                        method: method.to_ascii_uppercase(),
                        template: template.clone(),
                        segments: template
                            .trim_start_matches('/')
                            .split('/')
                            .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                            .collect(),
                        scopes,
                        body_schema,
                    });
                }
            }
        }
        // Literal segments win over parameters (`/actions/triggers` before `/actions/{id}`).
        operations.sort_by_key(|op| {
            std::cmp::Reverse(op.segments.iter().filter(|s| s.is_some()).count())
        });
        Spec {
            operations,
            components: document.get("components").cloned().unwrap_or(Value::Null),
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// The operation for `method` on `path` (relative to `/api/v2`, decoded segments).
    pub fn operation(&self, method: &str, segments: &[String]) -> Option<&SpecOperation> {
        self.operations.iter().find(|op| {
            op.method == method
                && op.segments.len() == segments.len()
                && op
                    .segments
                    .iter()
                    .zip(segments)
                    .all(|(want, got)| want.as_deref().is_none_or(|w| w == got))
        })
    }

    /// Auth0's 400 `invalid_body` when `body` does not match the operation's schema.
    pub fn validate_body(&self, operation: &SpecOperation, body: &Value) -> Result<(), ApiError> {
        let Some(schema) = &operation.body_schema else {
            return Ok(());
        };
        let stripped = strip_tolerated(&operation.template, body);
        if only_tolerated(stripped.as_ref()) {
            return Ok(());
        }
        let body = stripped.as_ref().unwrap_or(body);
        let key = format!("{} {}", operation.method, operation.template);
        let validator = {
            let mut cache = self.validators.lock().expect("validator cache lock");
            if let Some(validator) = cache.get(&key) {
                validator.clone()
            } else {
                let mut document = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": self.components,
                });
                if let (Value::Object(document), Value::Object(schema)) = (&mut document, schema) {
                    for (k, v) in schema {
                        document.insert(k.clone(), v.clone());
                    }
                }
                match jsonschema::validator_for(&document) {
                    Ok(validator) => {
                        let validator = Arc::new(validator);
                        cache.insert(key, validator.clone());
                        validator
                    }
                    // A schema we cannot compile must not block requests.
                    Err(_) => return Ok(()),
                }
            }
        };
        let Some(error) = validator.iter_errors(body).next() else {
            return self.check_email_formats(schema, body);
        };
        let path = error.instance_path().to_string();
        let message = if path.is_empty() || path == "/" {
            format!("Payload validation error: '{}'.", error.masked())
        } else {
            let property = path.trim_start_matches('/').replace('/', ".");
            format!(
                "Payload validation error: '{}' on property {property}.",
                error.masked()
            )
        };
        Err(ApiError::bad_request(message))
    }
}

impl Spec {
    /// The spec's `format: email` on a top-level property, which the schema validator treats as
    /// an annotation only. Auth0 checks it: `POST /users` with `"email": "not-an-email"` is a
    /// 400 naming the format, the property and its description, as for its other formats
    /// (`initiate_login_uri` in `routes/clients.rs`).
    fn check_email_formats(&self, schema: &Value, body: &Value) -> Result<(), ApiError> {
        let Some(properties) = self
            .resolve(schema)
            .get("properties")
            .and_then(Value::as_object)
        else {
            return Ok(());
        };
        for (name, property) in properties {
            if property.get("format").and_then(Value::as_str) != Some("email") {
                continue;
            }
            let Some(value) = body.get(name).and_then(Value::as_str) else {
                continue;
            };
            if !is_email(value) {
                let description = property
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim_end_matches('.');
                return Err(ApiError::bad_request(format!(
                    "Payload validation error: 'Object didn't pass validation for format email: {value}' on property {name} ({description})."
                )));
            }
        }
        Ok(())
    }

    /// `schema` with a `$ref` to `#/components/...` followed.
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix("#/components"))
            .and_then(|pointer| self.components.pointer(pointer))
            .unwrap_or(schema)
    }
}

/// `local@domain.tld`: one `@`, no spaces, a domain of non-empty dot-separated labels.
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !value.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// Fields real Auth0 accepted in the recordings although the pruned spec does not list them
/// (legacy or undocumented): `(path template, JSON pointer of the field)`.
const TOLERATED_FIELDS: &[(&str, &str)] = &[
    // The deprecated name of `cross_origin_authentication`: Auth0 returns it on every client
    // and still takes it on create and update (the routes mirror the two).
    ("/clients", "/cross_origin_auth"),
    ("/clients/{id}", "/cross_origin_auth"),
    ("/resource-servers", "/token_lifetime_for_web"),
    ("/resource-servers/{id}", "/token_lifetime_for_web"),
    (
        "/tenants/settings",
        "/idle_ephemeral_session_lifetime_in_minutes",
    ),
    // go-auth0 sends these two for lifetimes under an hour; the Deploy CLI sends all four.
    ("/tenants/settings", "/session_lifetime_in_minutes"),
    ("/tenants/settings", "/idle_session_lifetime_in_minutes"),
    (
        "/tenants/settings",
        "/ephemeral_session_lifetime_in_minutes",
    ),
    (
        "/tenants/settings",
        "/flags/use_scope_descriptions_for_consent",
    ),
];

/// A body of tolerated fields only (go-auth0 sends `{"session_lifetime_in_minutes": 30}` alone)
/// is empty once they are stripped, which the spec's `minProperties` would refuse.
fn only_tolerated(stripped: Option<&Value>) -> bool {
    stripped
        .and_then(Value::as_object)
        .is_some_and(serde_json::Map::is_empty)
}

fn strip_tolerated(template: &str, body: &Value) -> Option<Value> {
    let mut copy: Option<Value> = None;
    for (_, pointer) in TOLERATED_FIELDS.iter().filter(|(t, _)| *t == template) {
        if body.pointer(pointer).is_none() {
            continue;
        }
        let target = copy.get_or_insert_with(|| body.clone());
        let (parent, field) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        let parent = if parent.is_empty() {
            Some(&mut *target)
        } else {
            target.pointer_mut(parent)
        };
        if let Some(Value::Object(object)) = parent {
            object.remove(field);
        }
    }
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Vec<String> {
        path.trim_start_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn finds_operations_and_their_scopes() {
        let op = spec().operation("GET", &segments("/clients/abc")).unwrap();
        assert_eq!(op.template, "/clients/{id}");
        assert!(op.scopes.contains(&"read:clients".to_owned()));
        let triggers = spec()
            .operation("GET", &segments("/actions/triggers"))
            .unwrap();
        assert_eq!(triggers.template, "/actions/triggers");
        assert!(
            spec()
                .operation("GET", &segments("/users-by-email"))
                .is_none()
        );
    }

    #[test]
    fn unknown_and_mistyped_fields_are_invalid_body() {
        let op = spec().operation("POST", &segments("/clients")).unwrap();
        assert!(
            spec()
                .validate_body(op, &json!({"name": "ok", "callbacks": ["https://x"]}))
                .is_ok()
        );
        let unknown = spec()
            .validate_body(op, &json!({"name": "ok", "not_a_field": 1}))
            .unwrap_err();
        assert_eq!(unknown.status, 400);
        assert_eq!(unknown.error_code, Some("invalid_body"));
        assert!(
            unknown.message.starts_with("Payload validation error: "),
            "{}",
            unknown.message
        );
        let mistyped = spec().validate_body(op, &json!({"name": 42})).unwrap_err();
        let rs = spec()
            .operation("POST", &segments("/resource-servers"))
            .unwrap();
        let tolerated = spec().validate_body(
            rs,
            &json!({"identifier": "https://a/", "name": "a", "token_lifetime_for_web": 7200}),
        );
        assert!(tolerated.is_ok(), "{tolerated:?}");
        assert!(mistyped.message.contains("name"), "{}", mistyped.message);
    }

    #[test]
    fn a_malformed_email_is_invalid_body_naming_the_property_as_the_spec_describes_it() {
        let create = spec().operation("POST", &segments("/users")).unwrap();
        let user = |email: &str| json!({"connection": "db", "email": email, "password": "x"});
        assert!(
            spec()
                .validate_body(create, &user("ada@example.com"))
                .is_ok()
        );
        for malformed in [
            "not-an-email",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
        ] {
            let refused = spec().validate_body(create, &user(malformed)).unwrap_err();
            assert_eq!(
                (refused.status, refused.error_code),
                (400, Some("invalid_body"))
            );
            assert_eq!(
                refused.message,
                format!(
                    "Payload validation error: 'Object didn't pass validation for format email: {malformed}' on property email (The user's email)."
                )
            );
        }
        let update = spec()
            .operation("PATCH", &segments("/users/auth0|1"))
            .unwrap();
        let refused = spec()
            .validate_body(update, &json!({"email": "nope"}))
            .unwrap_err();
        assert!(
            refused
                .message
                .ends_with("on property email (Email address of this user)."),
            "{}",
            refused.message
        );
    }
}
