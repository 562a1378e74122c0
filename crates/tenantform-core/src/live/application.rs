//! Clients (`GET /clients`) into [`Application`].

use serde_json::Value;

use super::error::NormalizeError;
use super::json::{bool_or, opt_u32, parse_enum, required_str, str_or, strings};
use super::snapshot::LiveApplication;
use crate::model::{AppType, Application, JwtAlg, JwtConfiguration, TokenEndpointAuthMethod};

/// Auth0's ID token lifetime when a client does not set one.
const DEFAULT_ID_TOKEN_LIFETIME: u32 = 36_000;

/// Normalizes one client. Server-managed fields (`client_id` aside, kept as metadata;
/// `client_secret`, `signing_keys`, `tenant`, `global`, ...) are dropped; absent values take
/// Auth0's defaults (Auth0 omits empty lists and empty strings).
pub fn normalize_application(body: &Value) -> Result<LiveApplication, NormalizeError> {
    let client_id = required_str(body, "client_id", "client")?;
    let name = required_str(body, "name", "client")?;
    let app_type: Option<AppType> = parse_enum(body, "app_type");
    let default_auth_method = match app_type {
        Some(AppType::Spa | AppType::Native) => TokenEndpointAuthMethod::None,
        _ => TokenEndpointAuthMethod::ClientSecretPost,
    };
    let jwt = body.get("jwt_configuration").unwrap_or(&Value::Null);
    let model = Application {
        name: Some(name),
        app_type,
        description: Some(str_or(body, "description", "")),
        callbacks: Some(strings(body, "callbacks")),
        allowed_logout_urls: Some(strings(body, "allowed_logout_urls")),
        web_origins: Some(strings(body, "web_origins")),
        allowed_origins: Some(strings(body, "allowed_origins")),
        // Auth0 drops `initiate_login_uri` when it is set to "".
        initiate_login_uri: Some(str_or(body, "initiate_login_uri", "")),
        grant_types: Some(strings(body, "grant_types")),
        token_endpoint_auth_method: Some(
            parse_enum(body, "token_endpoint_auth_method").unwrap_or(default_auth_method),
        ),
        oidc_conformant: Some(bool_or(body, "oidc_conformant", false)),
        is_first_party: Some(bool_or(body, "is_first_party", true)),
        jwt_configuration: Some(JwtConfiguration {
            alg: Some(parse_enum(jwt, "alg").unwrap_or(JwtAlg::HS256)),
            lifetime_in_seconds: Some(
                opt_u32(jwt, "lifetime_in_seconds").unwrap_or(DEFAULT_ID_TOKEN_LIFETIME),
            ),
        }),
    };
    Ok(LiveApplication {
        client_id,
        is_global: bool_or(body, "global", false),
        model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;

    #[test]
    fn a_fresh_client_gets_auth0_defaults() {
        let body = response("TestAccClientConfig.yaml", 1);
        let live = normalize_application(&body).unwrap();
        assert_eq!(live.client_id, "ruNZ5B03Y2gAitE0pF7ljxh49zTaCb3i");
        assert!(!live.is_global);
        let app = live.model;
        assert_eq!(app.oidc_conformant, Some(false));
        assert_eq!(app.callbacks, Some(vec![]));
        assert_eq!(app.initiate_login_uri.as_deref(), Some(""));
        assert_eq!(
            app.jwt_configuration.unwrap().alg,
            Some(JwtAlg::HS256),
            "no alg means HS256"
        );
        assert_eq!(
            app.grant_types.unwrap(),
            [
                "authorization_code",
                "implicit",
                "refresh_token",
                "client_credentials"
            ]
        );
    }

    #[test]
    fn configured_client_keeps_its_values_and_drops_server_fields() {
        let body = response("TestAccClientConfig.yaml", 5);
        let live = normalize_application(&body).unwrap();
        let app = &live.model;
        assert_eq!(app.app_type, Some(AppType::NonInteractive));
        assert_eq!(
            app.callbacks.as_deref(),
            Some(&["https://example.com/callback".to_owned()][..])
        );
        assert_eq!(
            app.initiate_login_uri.as_deref(),
            Some("https://example.com/login")
        );
        let json = serde_json::to_string(&live.model).unwrap();
        for dropped in ["\"client_secret\"", "signing_keys", "REDACTED", "client_id"] {
            assert!(!json.contains(dropped), "{dropped} leaked into the model");
        }
    }

    #[test]
    fn cleared_initiate_login_uri_is_the_empty_string() {
        // The second PATCH sets `initiate_login_uri: ""`, which Auth0 then omits.
        let body = response("TestAccClientConfig.yaml", 9);
        assert!(body.get("initiate_login_uri").is_none());
        let live = normalize_application(&body).unwrap();
        assert_eq!(live.model.initiate_login_uri.as_deref(), Some(""));
        assert_eq!(live.model.description.as_deref(), Some(""));
    }

    #[test]
    fn global_client_is_flagged() {
        let body =
            serde_json::json!({"name": "All Applications", "client_id": "g1", "global": true});
        assert!(normalize_application(&body).unwrap().is_global);
    }
}
