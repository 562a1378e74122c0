//! What Auth0 gives a resource created without a field: the one place export decides
//! "is this the default?".
//!
//! Each default model is the live normalizer (`tenantform_core::live`) applied to the body Auth0
//! returns for a freshly created resource, so export and plan agree on what a value means. A
//! field equal to its default is left out of the file: it is then unmanaged, a plan ignores it,
//! and applying the file to an empty tenant recreates it with the same default, so a second
//! export is identical.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use tenantform_core::live::{
    normalize_application, normalize_connection, normalize_email_provider,
    normalize_email_template, normalize_tenant_settings,
};
use tenantform_core::model::action::DEFAULT_RUNTIME;
use tenantform_core::model::{
    AppType, Application, DatabaseConnection, EmailProvider, EmailProviderName, EmailTemplate,
    TemplateName, TenantSettings, Trigger,
};

/// An application as `POST /clients` creates it with only `name` and `app_type` (recorded:
/// every grant type but `client_credentials` for a SPA, all four otherwise; only SPAs are OIDC
/// conformant by default).
pub fn application(app_type: Option<AppType>) -> Application {
    let spa = app_type == Some(AppType::Spa);
    let grant_types: &[&str] = if spa {
        &["authorization_code", "implicit", "refresh_token"]
    } else {
        &[
            "authorization_code",
            "implicit",
            "refresh_token",
            "client_credentials",
        ]
    };
    let body = json!({
        "client_id": "",
        "name": "",
        "app_type": app_type,
        "grant_types": grant_types,
        "oidc_conformant": spa,
        "jwt_configuration": {"lifetime_in_seconds": 36_000},
    });
    normalize_application(&body)
        .expect("the default client body has an id and a name")
        .model
}

/// A database connection as `POST /connections` creates it (recorded: `passwordPolicy: good`
/// and brute-force protection on).
pub fn connection() -> DatabaseConnection {
    let body = json!({
        "id": "", "name": "", "strategy": "auth0",
        "options": {"passwordPolicy": "good", "brute_force_protection": true},
    });
    normalize_connection(&body, None)
        .expect("the default connection body is complete")
        .model
}

/// Tenant settings of a new tenant.
pub fn tenant_settings() -> TenantSettings {
    normalize_tenant_settings(&json!({}))
}

pub fn email_provider(name: EmailProviderName) -> EmailProvider {
    normalize_email_provider(&json!({ "name": name }))
        .expect("a provider name the model knows is supported")
}

pub fn email_template(name: TemplateName) -> EmailTemplate {
    normalize_email_template(&json!({ "template": name }))
}

/// The trigger an Action runs on when the file does not say.
pub const ACTION_TRIGGER: Trigger = Trigger::PostLogin;
/// The runtime an Action gets when the file does not say.
pub const ACTION_RUNTIME: &str = DEFAULT_RUNTIME;

/// `value` with every field equal to the same field of `default` left out (nested objects
/// field by field; an object left empty is left out too). `keep` names top-level fields that
/// identify the resource and stay even when they equal the default.
pub fn without_defaults<T: Serialize + DeserializeOwned>(
    value: &T,
    default: &T,
    keep: &[&str],
) -> T {
    let value = serde_json::to_value(value).expect("model values serialize");
    let default = serde_json::to_value(default).expect("model values serialize");
    let stripped = match (value, &default) {
        (Value::Object(value), Value::Object(default)) => {
            Value::Object(strip_object(value, default, keep))
        }
        (value, _) => value,
    };
    serde_json::from_value(stripped).expect("a model without some optional fields deserializes")
}

fn strip_object(
    value: Map<String, Value>,
    default: &Map<String, Value>,
    keep: &[&str],
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, field) in value {
        if keep.contains(&key.as_str()) {
            out.insert(key, field);
            continue;
        }
        match (field, default.get(&key)) {
            (field, Some(default_field)) if field == *default_field => {}
            (Value::Object(nested), Some(Value::Object(default_nested))) => {
                let nested = strip_object(nested, default_nested, &[]);
                if !nested.is_empty() {
                    out.insert(key, Value::Object(nested));
                }
            }
            (field, _) => {
                out.insert(key, field);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantform_core::model::{JwtAlg, JwtConfiguration, TokenEndpointAuthMethod};

    #[test]
    fn a_default_application_keeps_only_its_identity() {
        let mut app = application(Some(AppType::RegularWeb));
        app.name = Some("Dashboard".into());
        let stripped = without_defaults(
            &app,
            &application(Some(AppType::RegularWeb)),
            &["name", "app_type"],
        );
        assert_eq!(
            stripped,
            Application {
                name: Some("Dashboard".into()),
                app_type: Some(AppType::RegularWeb),
                ..Application::default()
            }
        );
    }

    #[test]
    fn changed_fields_stay_nested_ones_alone() {
        let default = application(Some(AppType::NonInteractive));
        let app = Application {
            token_endpoint_auth_method: Some(TokenEndpointAuthMethod::ClientSecretBasic),
            jwt_configuration: Some(JwtConfiguration {
                alg: Some(JwtAlg::RS256),
                lifetime_in_seconds: Some(36_000),
            }),
            ..default.clone()
        };
        let stripped = without_defaults(&app, &default, &[]);
        assert_eq!(
            stripped.token_endpoint_auth_method,
            Some(TokenEndpointAuthMethod::ClientSecretBasic)
        );
        assert_eq!(
            stripped.jwt_configuration,
            Some(JwtConfiguration {
                alg: Some(JwtAlg::RS256),
                lifetime_in_seconds: None
            })
        );
        assert_eq!(stripped.grant_types, None);
        assert_eq!(stripped.description, None);
    }

    #[test]
    fn spa_defaults_differ() {
        let spa = application(Some(AppType::Spa));
        assert_eq!(spa.oidc_conformant, Some(true));
        assert_eq!(
            spa.token_endpoint_auth_method,
            Some(TokenEndpointAuthMethod::None)
        );
        assert_eq!(spa.grant_types.unwrap().len(), 3);
        let settings = tenant_settings();
        assert_eq!(
            without_defaults(&settings, &tenant_settings(), &[]),
            TenantSettings::default()
        );
    }
}
