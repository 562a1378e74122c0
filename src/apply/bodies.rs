//! Request bodies, built from a change's `desired` value and its changed fields. Pure.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::secrets::expose;
use tenantform_core::live::merge_options;
use tenantform_core::model::{
    Action, DatabaseConnection, EmailProvider, EmailTemplate, TemplateName, Trigger,
};
use tenantform_core::plan::FieldChange;

/// A model value as a JSON object (undeclared `Option`s are absent).
fn object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value).expect("model values serialize") {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The top-level keys the changed fields touch (`jwt_configuration.alg` -> `jwt_configuration`).
fn top_level_keys(fields: &[FieldChange]) -> Vec<&str> {
    let mut keys: Vec<&str> = fields
        .iter()
        .map(|f| f.path.split('.').next().unwrap_or(&f.path))
        .collect();
    keys.dedup();
    keys
}

/// `POST /clients`: every declared field.
pub(crate) fn application_create(app: &tenantform_core::model::Application) -> Value {
    Value::Object(object(app))
}

/// `PATCH /clients/{id}`: only the top-level fields that changed, with their whole desired
/// value (PATCH replaces arrays, so a list is always sent complete).
pub(crate) fn application_patch(
    app: &tenantform_core::model::Application,
    fields: &[FieldChange],
) -> Value {
    let all = object(app);
    let mut body = Map::new();
    for key in top_level_keys(fields) {
        if let Some(value) = all.get(key) {
            body.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(body)
}

/// A nested object holding only the changed leaves (`flags.x` -> `{"flags":{"x":..}}`):
/// for `PATCH /tenants/settings`, which merges `flags`.
pub(crate) fn nested_patch(fields: &[FieldChange]) -> Value {
    let mut body = Map::new();
    for field in fields {
        let mut parts: Vec<&str> = field.path.split('.').collect();
        let leaf = parts.pop().unwrap_or_default();
        let mut node = &mut body;
        for part in parts {
            node = node
                .entry(part.to_owned())
                .or_insert_with(|| json!({}))
                .as_object_mut()
                .expect("paths do not cross leaves");
        }
        node.insert(leaf.to_owned(), field.after.clone());
    }
    Value::Object(body)
}

/// `POST /connections` for a database connection.
pub(crate) fn connection_create(connection: &DatabaseConnection, name: &str) -> Value {
    json!({
        "name": name,
        "strategy": "auth0",
        "options": merge_options(&json!({}), connection),
    })
}

/// The provider with its complete credentials, secrets included (Auth0 replaces them).
pub(crate) fn email_provider(provider: &EmailProvider) -> Value {
    let mut body = object(provider);
    let c = &provider.credentials;
    let mut credentials = Map::new();
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            credentials.insert(key.to_owned(), value);
        }
    };
    put("api_key", c.api_key.as_ref().map(|s| json!(expose(s))));
    put("domain", c.domain.as_ref().map(|v| json!(v)));
    put("region", c.region.as_ref().map(|v| json!(v)));
    put("smtp_host", c.smtp_host.as_ref().map(|v| json!(v)));
    put("smtp_port", c.smtp_port.map(|v| json!(v)));
    put("smtp_user", c.smtp_user.as_ref().map(|v| json!(v)));
    put("smtp_pass", c.smtp_pass.as_ref().map(|s| json!(expose(s))));
    put("accessKeyId", c.access_key_id.as_ref().map(|v| json!(v)));
    put(
        "secretAccessKey",
        c.secret_access_key.as_ref().map(|s| json!(expose(s))),
    );
    body.insert("credentials".into(), Value::Object(credentials));
    Value::Object(body)
}

/// Auth0's camelCase name of a template field.
fn template_key(key: &str) -> Option<&str> {
    Some(match key {
        "body_file" => return None,
        "result_url" => "resultUrl",
        "url_lifetime_in_seconds" => "urlLifetimeInSeconds",
        "include_email_in_redirect" => "includeEmailInRedirect",
        other => other,
    })
}

fn template_fields(template: &EmailTemplate) -> Map<String, Value> {
    object(template)
        .into_iter()
        .filter_map(|(k, v)| template_key(&k).map(|k| (k.to_owned(), v)))
        .collect()
}

/// `POST /email-templates`: the declared fields plus the ones Auth0 requires
/// (`template, body, from, subject, syntax, enabled`), defaulted when the file leaves them out.
/// An empty `from` means the provider's default address, so it stays unmanaged.
pub(crate) fn template_create(name: TemplateName, template: &EmailTemplate) -> Value {
    let mut body = Map::new();
    body.insert("template".into(), json!(name.as_str()));
    body.insert("body".into(), json!(""));
    body.insert("from".into(), json!(""));
    body.insert("subject".into(), json!(""));
    body.insert("syntax".into(), json!("liquid"));
    body.insert("enabled".into(), json!(true));
    body.extend(template_fields(template));
    Value::Object(body)
}

/// `PATCH /email-templates/{name}`: the changed fields, or every declared one when
/// `fields` is empty (a template found to exist when the plan expected to create it).
pub(crate) fn template_patch(template: &EmailTemplate, fields: &[FieldChange]) -> Value {
    let all = template_fields(template);
    if fields.is_empty() {
        return Value::Object(all);
    }
    let mut body = Map::new();
    for key in top_level_keys(fields) {
        if let Some(key) = template_key(key)
            && let Some(value) = all.get(key)
        {
            body.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(body)
}

fn action_secrets(action: &Action) -> Value {
    Value::Array(
        action
            .secrets
            .iter()
            .map(|(name, secret)| json!({"name": name, "value": expose(secret)}))
            .collect(),
    )
}

fn supported_triggers(trigger: Trigger) -> Value {
    json!([{"id": trigger.as_str(), "version": trigger.version()}])
}

/// `POST /actions/actions`.
pub(crate) fn action_create(
    name: &str,
    action: &Action,
    code: &str,
    trigger: Trigger,
    runtime: &str,
) -> Value {
    let mut body = json!({
        "name": name,
        "supported_triggers": supported_triggers(trigger),
        "code": code,
        "runtime": runtime,
        "dependencies": action.dependencies,
    });
    if !action.secrets.is_empty() {
        body["secrets"] = action_secrets(action);
    }
    body
}

/// `PATCH /actions/actions/{id}` with the changed parts; `None` when nothing but deployment
/// is pending.
pub(crate) fn action_patch(
    action: &Action,
    code: &str,
    trigger: Trigger,
    runtime: &str,
    send_secrets: bool,
    fields: &[FieldChange],
) -> Option<Value> {
    let mut body = Map::new();
    for key in top_level_keys(fields) {
        match key {
            "code" => {
                body.insert("code".into(), json!(code));
            }
            "runtime" => {
                body.insert("runtime".into(), json!(runtime));
            }
            "trigger" => {
                body.insert("supported_triggers".into(), supported_triggers(trigger));
            }
            "dependencies" => {
                body.insert("dependencies".into(), json!(action.dependencies));
            }
            _ => {}
        }
    }
    if send_secrets && !action.secrets.is_empty() {
        body.insert("secrets".into(), action_secrets(action));
    }
    (!body.is_empty()).then_some(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantform_core::model::{Application, JwtAlg, JwtConfiguration, SecretRef};

    fn field(path: &str, after: Value) -> FieldChange {
        FieldChange {
            path: path.into(),
            before: Value::Null,
            after,
            write_only: false,
        }
    }

    #[test]
    fn application_patch_sends_only_changed_top_level_fields() {
        let app = Application {
            name: Some("Dash".into()),
            callbacks: Some(vec!["https://a/cb".into(), "https://b/cb".into()]),
            description: Some("unchanged".into()),
            jwt_configuration: Some(JwtConfiguration {
                alg: Some(JwtAlg::RS256),
                lifetime_in_seconds: None,
            }),
            ..Application::default()
        };
        let body = application_patch(
            &app,
            &[
                field("callbacks", json!([])),
                field("jwt_configuration.alg", json!("RS256")),
            ],
        );
        assert_eq!(
            body,
            json!({"callbacks": ["https://a/cb", "https://b/cb"], "jwt_configuration": {"alg": "RS256"}})
        );
    }

    #[test]
    fn settings_patch_nests_changed_leaves() {
        let body = nested_patch(&[
            field("flags.enable_client_connections", json!(false)),
            field("friendly_name", json!("Acme")),
        ]);
        assert_eq!(
            body,
            json!({"flags": {"enable_client_connections": false}, "friendly_name": "Acme"})
        );
    }

    #[test]
    fn template_create_fills_required_fields_and_uses_camel_case() {
        let template = EmailTemplate {
            enabled: Some(false),
            result_url: Some("https://x".into()),
            body_file: Some("emails/x.html".into()),
            ..EmailTemplate::default()
        };
        let body = template_create(TemplateName::VerifyEmail, &template);
        assert_eq!(body["template"], "verify_email");
        assert_eq!(body["enabled"], false);
        assert_eq!(
            body["from"], "",
            "an undeclared sender stays the provider's default"
        );
        assert_eq!(body["resultUrl"], "https://x");
        for key in ["body", "subject", "syntax"] {
            assert!(body.get(key).is_some(), "{key}");
        }
        assert!(body.get("body_file").is_none());
        let patch = template_patch(&template, &[field("result_url", json!("https://x"))]);
        assert_eq!(patch, json!({"resultUrl": "https://x"}));
    }

    #[test]
    fn action_patch_is_none_when_only_deployment_is_pending() {
        let action = Action::default();
        let fields = [field("deployed", json!(true))];
        assert_eq!(
            action_patch(&action, "c", Trigger::PostLogin, "node22", false, &fields),
            None
        );
        let fields = [field("code", json!("new"))];
        assert_eq!(
            action_patch(&action, "new", Trigger::PostLogin, "node22", false, &fields),
            Some(json!({"code": "new"}))
        );
    }

    #[test]
    fn provider_body_carries_the_secret_from_the_environment_only_in_the_request() {
        let mut provider = EmailProvider::default();
        provider.credentials.api_key = Some(SecretRef::reference("TENANTFORM_TEST_UNSET_VAR_1"));
        provider.credentials.domain = Some("mg.x".into());
        let body = email_provider(&provider);
        assert_eq!(body["credentials"]["domain"], "mg.x");
        assert_eq!(body["credentials"]["api_key"], "");
    }
}
