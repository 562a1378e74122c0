//! The model onto the wire: each model value as the `auth0_wire` type Auth0 takes, for apply's
//! request bodies. Applications, tenant settings and email templates share their field names
//! with their wire types (up to Auth0's camelCase) and go over by projection
//! ([`auth0_wire::shape::project`]); connections, provider credentials and Actions, whose
//! shapes differ, are mapped in one function each. Secrets are exposed only here, through the
//! caller's `expose` (apply passes [`exposed`]: the value resolved when the file or the saved
//! plan was loaded). A secret without a value is a [`MissingSecret`] error, never a panic and
//! never an invented `""`.

use auth0_wire::action::{ActionSecret, TriggerRef};
use auth0_wire::shape::project;
use auth0_wire::{Secret, shape};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{
    Action, Application, DatabaseConnection, EmailProvider, EmailTemplate, SecretRef, TemplateName,
    TenantSettings, Trigger,
};
use crate::live::{merge_options, social_options};

/// A request body needs a secret whose variable has no value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no value for the secret variable {var}; nothing was sent")]
pub struct MissingSecret {
    pub var: String,
}

/// The value of `secret` as resolved at load time, or which variable is missing.
pub fn exposed(secret: &SecretRef) -> Result<String, MissingSecret> {
    secret
        .expose()
        .map(str::to_owned)
        .ok_or_else(|| MissingSecret {
            var: secret.var().to_owned(),
        })
}

/// `value` with only the named top-level fields kept (the fields a PATCH changes); the others
/// are left out as if the file did not declare them.
pub fn only_fields<T: Serialize + DeserializeOwned>(value: &T, names: &[&str]) -> T {
    let mut object = shape::to_object(value);
    object.retain(|key, _| names.contains(&key.as_str()));
    serde_json::from_value(Value::Object(object)).expect("a model value without some fields")
}

impl From<&Application> for auth0_wire::Client {
    /// Every declared field, under the same name (`POST /clients`; a `PATCH` sends
    /// [`only_fields`] of it).
    fn from(application: &Application) -> Self {
        project(application).expect("every application field is a client field")
    }
}

impl From<&TenantSettings> for auth0_wire::TenantSettings {
    /// Every declared setting and flag, under the same name (`PATCH` merges flags one by one).
    fn from(settings: &TenantSettings) -> Self {
        project(settings).expect("every tenant setting is a wire setting")
    }
}

/// `POST /connections`: its name, its strategy and the declared options (Auth0 fills in the
/// rest, [`auth0_wire::DatabaseOptions::created`]), with a social connection's `client_secret`
/// (the caller resolves its value).
pub fn connection_create(
    connection: &DatabaseConnection,
    name: &str,
    client_secret: Option<Secret>,
) -> auth0_wire::Connection {
    auth0_wire::Connection {
        name: Some(name.to_owned()),
        strategy: Some(connection.strategy().as_str().to_owned()),
        options: Some(connection_options(connection, &Map::new(), client_secret)),
        ..auth0_wire::Connection::default()
    }
}

/// The complete `options` of a connection: `live` with the declared options merged in
/// (`PATCH` replaces `options` whole), and a social connection's `client_secret` when given.
pub fn connection_options(
    connection: &DatabaseConnection,
    live: &Map<String, Value>,
    client_secret: Option<Secret>,
) -> Map<String, Value> {
    if client_secret.is_none() {
        return shape::to_object(&merge_options(&Value::Object(live.clone()), connection));
    }
    let options = auth0_wire::SocialOptions {
        client_secret,
        ..social_options(connection)
    };
    options.merged_into(live)
}

/// The provider with its complete credentials, secrets included (Auth0 replaces them whole),
/// for `POST` and `PATCH /emails/provider`.
pub fn email_provider(
    provider: &EmailProvider,
    expose: impl Fn(&SecretRef) -> Result<String, MissingSecret>,
) -> Result<auth0_wire::EmailProvider, MissingSecret> {
    let credentials = &provider.credentials;
    let secret = |secret: &Option<SecretRef>| {
        secret
            .as_ref()
            .map(|s| expose(s).map(Secret::new))
            .transpose()
    };
    Ok(auth0_wire::EmailProvider {
        name: provider.name,
        enabled: provider.enabled,
        default_from_address: provider.default_from_address.clone(),
        credentials: Some(auth0_wire::EmailCredentials {
            api_key: secret(&credentials.api_key)?,
            domain: credentials.domain.clone(),
            region: credentials.region.clone(),
            smtp_host: credentials.smtp_host.clone(),
            smtp_port: credentials.smtp_port,
            smtp_user: credentials.smtp_user.clone(),
            smtp_pass: secret(&credentials.smtp_pass)?,
            access_key_id: credentials.access_key_id.clone(),
            secret_access_key: secret(&credentials.secret_access_key)?,
        }),
        settings: None,
    })
}

/// A template's declared fields under Auth0's (camelCase) names, for `PATCH
/// /email-templates/{name}` (pass [`only_fields`] of the template to send the changed ones).
/// `body_file` is where the body came from, not an Auth0 field.
pub fn email_template(template: &EmailTemplate) -> auth0_wire::EmailTemplate {
    project(template).expect("every template field Auth0 takes is a wire field")
}

/// `POST /email-templates`: the declared fields plus the ones Auth0 requires, filled as
/// [`auth0_wire::EmailTemplate::required_on_create`] says when the file leaves them out.
pub fn email_template_create(
    name: TemplateName,
    template: &EmailTemplate,
) -> auth0_wire::EmailTemplate {
    shape::or_defaults(
        &email_template(template),
        &auth0_wire::EmailTemplate::required_on_create(name),
    )
}

/// An Action's secrets with their values, for `POST`/`PATCH /actions/actions`.
pub fn action_secrets(
    action: &Action,
    expose: impl Fn(&SecretRef) -> Result<String, MissingSecret>,
) -> Result<Vec<ActionSecret>, MissingSecret> {
    action
        .secrets
        .iter()
        .map(|(name, secret)| {
            Ok(ActionSecret {
                name: name.clone(),
                value: Some(Secret::new(expose(secret)?)),
            })
        })
        .collect()
}

/// `POST /actions/actions`: name, trigger (with its version), code, runtime, dependencies,
/// and the secrets when there are any.
pub fn action_create(
    name: &str,
    action: &Action,
    code: &str,
    trigger: Trigger,
    runtime: &str,
    expose: impl Fn(&SecretRef) -> Result<String, MissingSecret>,
) -> Result<auth0_wire::Action, MissingSecret> {
    let secrets = if action.secrets.is_empty() {
        None
    } else {
        Some(action_secrets(action, expose)?)
    };
    Ok(auth0_wire::Action {
        name: Some(name.to_owned()),
        supported_triggers: Some(supported_triggers(trigger)),
        code: Some(code.to_owned()),
        runtime: Some(runtime.to_owned()),
        dependencies: Some(dependencies(action)),
        secrets,
        ..auth0_wire::Action::default()
    })
}

/// An Action's dependencies as the wire names them.
pub fn dependencies(action: &Action) -> Vec<auth0_wire::action::Dependency> {
    action
        .dependencies
        .iter()
        .map(|dependency| auth0_wire::action::Dependency {
            name: dependency.name.clone(),
            version: dependency.version.clone(),
        })
        .collect()
}

/// `supported_triggers` for a trigger.
pub fn supported_triggers(trigger: Trigger) -> Vec<TriggerRef> {
    vec![TriggerRef::from(trigger)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{JwtAlg, JwtConfiguration, TenantFlags};
    use serde_json::json;

    #[test]
    fn an_application_is_its_client_body_field_for_field() {
        let app = Application {
            name: Some("Dash".into()),
            callbacks: Some(vec!["https://a/cb".into()]),
            jwt_configuration: Some(JwtConfiguration {
                alg: Some(JwtAlg::RS256),
                lifetime_in_seconds: None,
            }),
            ..Application::default()
        };
        let body = serde_json::to_value(auth0_wire::Client::from(&app)).unwrap();
        assert_eq!(body, serde_json::to_value(&app).unwrap());
        let patch = auth0_wire::Client::from(&only_fields(&app, &["jwt_configuration"]));
        assert_eq!(
            serde_json::to_value(patch).unwrap(),
            json!({"jwt_configuration": {"alg": "RS256"}})
        );
    }

    #[test]
    fn tenant_settings_go_over_by_name() {
        let settings = TenantSettings {
            friendly_name: Some("Acme".into()),
            flags: Some(TenantFlags {
                enable_client_connections: Some(false),
                ..TenantFlags::default()
            }),
            ..TenantSettings::default()
        };
        assert_eq!(
            serde_json::to_value(auth0_wire::TenantSettings::from(&settings)).unwrap(),
            json!({"friendly_name": "Acme", "flags": {"enable_client_connections": false}})
        );
    }

    #[test]
    fn template_bodies_are_camel_case_and_create_fills_what_auth0_requires() {
        let template = EmailTemplate {
            enabled: Some(false),
            result_url: Some("https://x".into()),
            body_file: Some("emails/x.html".into()),
            ..EmailTemplate::default()
        };
        let body =
            serde_json::to_value(email_template_create(TemplateName::VerifyEmail, &template))
                .unwrap();
        assert_eq!(
            body,
            json!({"template": "verify_email", "body": "", "from": "", "subject": "",
                   "syntax": "liquid", "enabled": false, "resultUrl": "https://x"})
        );
        let patch = email_template(&only_fields(&template, &["result_url"]));
        assert_eq!(
            serde_json::to_value(patch).unwrap(),
            json!({"resultUrl": "https://x"})
        );
    }

    #[test]
    fn provider_body_carries_exposed_secrets_under_wire_names() {
        let mut provider = EmailProvider::default();
        provider.credentials.secret_access_key = Some(SecretRef::reference("SES_SECRET"));
        provider.credentials.access_key_id = Some("AKIA".into());
        let body =
            email_provider(&provider, |secret| Ok(format!("value-of-{}", secret.var()))).unwrap();
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            json!({"credentials": {"accessKeyId": "AKIA", "secretAccessKey": "value-of-SES_SECRET"}})
        );
    }

    #[test]
    fn connection_create_sends_the_declared_options() {
        let connection = DatabaseConnection {
            disable_signup: Some(true),
            password_min_length: Some(12),
            ..DatabaseConnection::default()
        };
        assert_eq!(
            serde_json::to_value(connection_create(&connection, "app-users", None)).unwrap(),
            json!({"name": "app-users", "strategy": "auth0",
                   "options": {"disable_signup": true, "password_complexity_options": {"min_length": 12}}})
        );
    }

    #[test]
    fn a_social_connection_is_created_with_its_strategy_scopes_and_secret() {
        let connection = DatabaseConnection {
            strategy: Some(crate::model::Strategy::Google),
            client_id: Some("cid".into()),
            client_secret: Some(SecretRef::reference("GOOGLE_SECRET")),
            scopes: Some(vec!["email".into(), "profile".into()]),
            ..DatabaseConnection::default()
        };
        let body = connection_create(
            &connection,
            "google",
            Some(Secret::new("value-of-GOOGLE_SECRET")),
        );
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            json!({"name": "google", "strategy": "google-oauth2",
                   "options": {"client_id": "cid", "client_secret": "value-of-GOOGLE_SECRET",
                               "scope": ["email", "profile"], "email": true, "profile": true}})
        );
    }

    #[test]
    fn action_create_names_trigger_version_and_secrets() {
        let mut action = Action::default();
        action
            .secrets
            .insert("API_TOKEN".into(), SecretRef::reference("TOKEN"));
        let body = action_create(
            "gate",
            &action,
            "code",
            Trigger::PostLogin,
            "node22",
            |_| Ok("v".to_owned()),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            json!({"name": "gate", "supported_triggers": [{"id": "post-login", "version": "v3"}],
                   "code": "code", "runtime": "node22", "dependencies": [],
                   "secrets": [{"name": "API_TOKEN", "value": "v"}]})
        );
    }

    #[test]
    fn a_secret_without_a_value_is_a_typed_error_not_a_panic_or_an_empty_string() {
        let mut provider = EmailProvider::default();
        provider.credentials.api_key = Some(SecretRef::reference("MAILGUN_API_KEY"));
        assert_eq!(
            email_provider(&provider, exposed).unwrap_err(),
            MissingSecret {
                var: "MAILGUN_API_KEY".into()
            }
        );
        let mut action = Action::default();
        action
            .secrets
            .insert("TOKEN".into(), SecretRef::reference("ACTION_TOKEN"));
        let error =
            action_create("gate", &action, "c", Trigger::PostLogin, "node22", exposed).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no value for the secret variable ACTION_TOKEN; nothing was sent"
        );
        assert!(action_secrets(&action, exposed).is_err());
    }
}
