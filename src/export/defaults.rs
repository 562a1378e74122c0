//! What Auth0 gives a resource created without a field: the one place export decides
//! "is this the default?".
//!
//! Each default is Auth0's create defaults (`auth0_wire`) read through the live normalizer
//! (`tenantform_core::live::created_*`), so export and plan agree on what a value means. A
//! field equal to its default is left out of the file: it is then unmanaged, a plan ignores it,
//! and applying the file to an empty tenant recreates it with the same default, so a second
//! export is identical.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use tenantform_core::live::{
    created_application as application, created_connection as connection,
    created_email_provider as email_provider, created_email_template as email_template,
    created_tenant_settings as tenant_settings,
};
use tenantform_core::model::Trigger;
use tenantform_core::model::action::DEFAULT_RUNTIME;

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
    use tenantform_core::model::{
        AppType, Application, JwtAlg, JwtConfiguration, TenantSettings, TokenEndpointAuthMethod,
    };

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
    fn cross_origin_authentication_is_written_only_when_not_the_default() {
        let default = application(Some(AppType::RegularWeb));
        let off = without_defaults(&default, &default, &[]);
        assert_eq!(
            off.cross_origin_authentication, None,
            "false is Auth0's default"
        );
        let on = Application {
            cross_origin_authentication: Some(true),
            ..default.clone()
        };
        assert_eq!(
            without_defaults(&on, &default, &[]).cross_origin_authentication,
            Some(true)
        );
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
