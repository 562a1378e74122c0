//! Tenant settings (`/tenants/settings`): the fields tenantform manages, as the Management API
//! sends them, and what a new tenant has.

use serde::{Deserialize, Serialize};

use crate::lenient::wire_struct;

wire_struct! {
    /// Tenant settings as `GET /tenants/settings` returns them, reduced to the fields tenantform
    /// manages. The names are the tenant model's, so a live value projects onto the model.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct TenantSettings {
        pub friendly_name: Option<String>,
        pub support_email: Option<String>,
        pub support_url: Option<String>,
        pub default_redirection_uri: Option<String>,
        /// Hours.
        pub session_lifetime: Option<f64>,
        /// Hours.
        pub idle_session_lifetime: Option<f64>,
        pub flags: Option<TenantFlags>,
    }
}

wire_struct! {
    /// `flags`, reduced to the ones tenantform manages. `PATCH` merges them one by one.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct TenantFlags {
        /// "Enable Application Connections".
        pub enable_client_connections: Option<bool>,
        pub enable_public_signup_user_exists_error: Option<bool>,
        pub revoke_refresh_token_grant: Option<bool>,
        pub disable_clickjack_protection_headers: Option<bool>,
    }
}

impl TenantSettings {
    /// The managed settings of a new tenant, as its `GET /tenants/settings` shows them.
    pub fn created() -> TenantSettings {
        TenantSettings {
            friendly_name: Some(String::new()),
            session_lifetime: Some(168.0),
            idle_session_lifetime: Some(72.0),
            flags: Some(TenantFlags {
                // On in a new tenant: every new application gets every connection.
                enable_client_connections: Some(true),
                revoke_refresh_token_grant: Some(false),
                disable_clickjack_protection_headers: Some(false),
                enable_public_signup_user_exists_error: None,
            }),
            ..TenantSettings::default()
        }
    }

    /// What each managed setting means when a response leaves it out: a new tenant's value
    /// (GET omits `enable_client_connections` while it is on), empty strings, flags off.
    pub fn when_absent() -> TenantSettings {
        let empty = TenantSettings {
            support_email: Some(String::new()),
            support_url: Some(String::new()),
            default_redirection_uri: Some(String::new()),
            flags: Some(TenantFlags {
                enable_public_signup_user_exists_error: Some(false),
                ..TenantFlags::default()
            }),
            ..TenantSettings::default()
        };
        crate::shape::or_defaults(&TenantSettings::created(), &empty)
    }

    /// These settings with every field they leave out as Auth0 means it.
    #[must_use]
    pub fn completed(&self) -> TenantSettings {
        crate::shape::or_defaults(self, &TenantSettings::when_absent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_settings_are_a_new_tenants() {
        let settings = TenantSettings::default().completed();
        assert_eq!(settings.session_lifetime, Some(168.0));
        assert_eq!(settings.support_url.as_deref(), Some(""));
        let flags = settings.flags.unwrap();
        assert_eq!(flags.enable_client_connections, Some(true));
        assert_eq!(flags.enable_public_signup_user_exists_error, Some(false));
    }

    #[test]
    fn a_set_flag_stays_and_the_others_are_filled() {
        let settings: TenantSettings = serde_json::from_value(
            serde_json::json!({"flags": {"enable_client_connections": false, "other": true}, "session_lifetime": 24}),
        )
        .unwrap();
        let completed = settings.completed();
        assert_eq!(completed.session_lifetime, Some(24.0));
        let flags = completed.flags.unwrap();
        assert_eq!(flags.enable_client_connections, Some(false));
        assert_eq!(flags.revoke_refresh_token_grant, Some(false));
    }
}
