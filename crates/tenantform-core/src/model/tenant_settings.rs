//! Tenant-wide settings.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Tenant settings (`/tenants/settings`). Fields left out are not managed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantSettings {
    /// The name shown on the login page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_name: Option<String>,

    /// Support email shown to users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_email: Option<String>,

    /// Support URL shown to users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_url: Option<String>,

    /// Where Auth0 sends users when it has no other redirect target (https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_redirection_uri: Option<String>,

    /// Login session lifetime, in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_lifetime: Option<f64>,

    /// Idle login session lifetime, in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_session_lifetime: Option<f64>,

    /// Tenant flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<TenantFlags>,
}

/// Tenant flags. Only flags written here are managed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantFlags {
    /// "Enable Application Connections": when true, every new application gets every
    /// connection, which can open an invite-only app to social sign-up. Keep it false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_client_connections: Option<bool>,

    /// Show "user exists" errors on public sign-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_public_signup_user_exists_error: Option<bool>,

    /// Revoke refresh tokens when a grant is deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke_refresh_token_grant: Option<bool>,

    /// Disable clickjacking protection headers on the login page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_clickjack_protection_headers: Option<bool>,
}
