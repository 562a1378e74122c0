//! Tenant settings (`GET /tenants/settings`): the wire settings with Auth0's meaning of absent
//! fields filled in, projected onto the model by field name.

use auth0_wire::TenantSettings as WireSettings;
use auth0_wire::shape::project;
use serde_json::Value;

use crate::model::TenantSettings;

pub fn normalize_tenant_settings(body: &Value) -> TenantSettings {
    let settings: WireSettings = serde_json::from_value(body.clone()).unwrap_or_default();
    project(&settings.completed()).expect("every tenant setting of the model is a wire setting")
}

/// The settings of a new tenant: what export leaves out of a file as Auth0's default.
pub fn created_tenant_settings() -> TenantSettings {
    project(&WireSettings::created().completed())
        .expect("every tenant setting of the model is a wire setting")
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
