//! Tenant settings (`GET /tenants/settings`).

use serde_json::Value;

use super::json::{bool_or, str_or};
use crate::model::{TenantFlags, TenantSettings};

/// Auth0's session lifetimes when the tenant never set them, in hours.
const DEFAULT_SESSION_LIFETIME: f64 = 168.0;
const DEFAULT_IDLE_SESSION_LIFETIME: f64 = 72.0;

pub fn normalize_tenant_settings(body: &Value) -> TenantSettings {
    let flags = body.get("flags").unwrap_or(&Value::Null);
    let hours = |key: &str, default: f64| body.get(key).and_then(Value::as_f64).unwrap_or(default);
    TenantSettings {
        friendly_name: Some(str_or(body, "friendly_name", "")),
        support_email: Some(str_or(body, "support_email", "")),
        support_url: Some(str_or(body, "support_url", "")),
        default_redirection_uri: Some(str_or(body, "default_redirection_uri", "")),
        session_lifetime: Some(hours("session_lifetime", DEFAULT_SESSION_LIFETIME)),
        idle_session_lifetime: Some(hours(
            "idle_session_lifetime",
            DEFAULT_IDLE_SESSION_LIFETIME,
        )),
        flags: Some(TenantFlags {
            // "Enable Application Connections" is on in a new tenant, and GET omits it then.
            enable_client_connections: Some(bool_or(flags, "enable_client_connections", true)),
            enable_public_signup_user_exists_error: Some(bool_or(
                flags,
                "enable_public_signup_user_exists_error",
                false,
            )),
            revoke_refresh_token_grant: Some(bool_or(flags, "revoke_refresh_token_grant", false)),
            disable_clickjack_protection_headers: Some(bool_or(
                flags,
                "disable_clickjack_protection_headers",
                false,
            )),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;

    #[test]
    fn recorded_settings_normalize_with_defaults_for_absent_flags() {
        let settings = normalize_tenant_settings(&response("TestTenantManager.yaml", 0));
        assert_eq!(settings.friendly_name.as_deref(), Some("My Example Tenant"));
        assert_eq!(
            settings.default_redirection_uri.as_deref(),
            Some("https://example.com/login")
        );
        let flags = settings.flags.unwrap();
        assert_eq!(flags.enable_client_connections, Some(true));
        assert_eq!(flags.revoke_refresh_token_grant, Some(false));
        assert_eq!(
            settings.support_url.as_deref(),
            Some("https://support.example.com")
        );
        assert_eq!(
            settings.support_email.as_deref(),
            Some("support@example.com")
        );
        let empty = normalize_tenant_settings(&serde_json::json!({}));
        assert_eq!(empty.support_url.as_deref(), Some(""), "absent means empty");
        assert_eq!(empty.session_lifetime, Some(168.0));
    }
}
