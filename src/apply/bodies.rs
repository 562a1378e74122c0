//! Request bodies, built from a change's `desired` value and its changed fields: the model
//! put onto the wire types (`tenantform_core::model::wire`), with only what a PATCH changes.
//! Pure.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::secrets::expose;
use tenantform_core::model::wire::{self, MissingSecret, only_fields};
use tenantform_core::model::{
    Action, Application, DatabaseConnection, EmailProvider, EmailTemplate, TemplateName, Trigger,
};
use tenantform_core::plan::FieldChange;

fn body<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("wire values serialize")
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
pub(crate) fn application_create(app: &Application) -> Value {
    body(&auth0_wire::Client::from(app))
}

/// `PATCH /clients/{id}`: only the top-level fields that changed, with their whole desired
/// value (PATCH replaces arrays, so a list is always sent complete).
pub(crate) fn application_patch(app: &Application, fields: &[FieldChange]) -> Value {
    body(&auth0_wire::Client::from(&only_fields(
        app,
        &top_level_keys(fields),
    )))
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

/// `POST /connections`, with a social connection's secret (resolved by the caller).
pub(crate) fn connection_create(
    connection: &DatabaseConnection,
    name: &str,
    client_secret: Option<auth0_wire::Secret>,
) -> Value {
    body(&wire::connection_create(connection, name, client_secret))
}

/// The provider with its complete credentials, secrets included (Auth0 replaces them).
pub(crate) fn email_provider(provider: &EmailProvider) -> Result<Value, MissingSecret> {
    Ok(body(&wire::email_provider(provider, expose)?))
}

/// `POST /email-templates`: the declared fields plus the ones Auth0 requires, defaulted when
/// the file leaves them out. An empty `from` means the provider's default address.
pub(crate) fn template_create(name: TemplateName, template: &EmailTemplate) -> Value {
    body(&wire::email_template_create(name, template))
}

/// `PATCH /email-templates/{name}`: the changed fields, or every declared one when
/// `fields` is empty (a template found to exist when the plan expected to create it).
pub(crate) fn template_patch(template: &EmailTemplate, fields: &[FieldChange]) -> Value {
    if fields.is_empty() {
        return body(&wire::email_template(template));
    }
    body(&wire::email_template(&only_fields(
        template,
        &top_level_keys(fields),
    )))
}

/// `POST /actions/actions`.
pub(crate) fn action_create(
    name: &str,
    action: &Action,
    code: &str,
    trigger: Trigger,
    runtime: &str,
) -> Result<Value, MissingSecret> {
    Ok(body(&wire::action_create(
        name, action, code, trigger, runtime, expose,
    )?))
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
) -> Result<Option<Value>, MissingSecret> {
    let mut patch = auth0_wire::Action::default();
    for key in top_level_keys(fields) {
        match key {
            "code" => patch.code = Some(code.to_owned()),
            "runtime" => patch.runtime = Some(runtime.to_owned()),
            "trigger" => patch.supported_triggers = Some(wire::supported_triggers(trigger)),
            "dependencies" => patch.dependencies = Some(wire::dependencies(action)),
            _ => {}
        }
    }
    if send_secrets && !action.secrets.is_empty() {
        patch.secrets = Some(wire::action_secrets(action, expose)?);
    }
    Ok((patch != auth0_wire::Action::default()).then(|| body(&patch)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantform_core::model::{Application, JwtAlg, JwtConfiguration};

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
            Ok(None)
        );
        let fields = [field("code", json!("new"))];
        assert_eq!(
            action_patch(&action, "new", Trigger::PostLogin, "node22", false, &fields),
            Ok(Some(json!({"code": "new"})))
        );
    }
}
