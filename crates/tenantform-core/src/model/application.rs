//! Applications (Auth0 clients), keyed in the file by a stable name.
//!
//! The fields share their names with the wire type [`auth0_wire::Client`]: a live client
//! becomes an `Application` (and an `Application` a request body) by projection, so a new
//! field is added here and there, and nowhere else.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use auth0_wire::client::{AppType, JwtAlg, TokenEndpointAuthMethod};

/// An application (an Auth0 client). Fields left out are not managed: tenantform neither
/// compares nor changes them (Auth0's defaults apply on create).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Display name in Auth0; it identifies the application in the live tenant, so keep it unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// The display name this application had before, when `name` was changed: the plan then
    /// renames that live application (same client_id, credentials, grants and connections)
    /// instead of creating a new one. Not an Auth0 field; remove it once applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,

    /// `regular_web` for a Streamlit app, `non_interactive` for an M2M application. Optional, as in Auth0 (its "Default App" has none): left out, it is not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_type: Option<AppType>,

    /// Free text shown in the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// Allowed Callback URLs. A Streamlit app needs `<app url>/oauth2callback` for every environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<Vec<String>>,

    /// Allowed Logout URLs. Streamlit >= 1.53 sends the redirect_uri as the post-logout
    /// redirect, so it must be listed here too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_logout_urls: Option<Vec<String>>,

    /// Allowed Web Origins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_origins: Option<Vec<String>>,

    /// Allowed Origins (CORS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_origins: Option<Vec<String>>,

    /// Application Login URI. Must be https (Auth0 rejects http://localhost): leave it out locally.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiate_login_uri: Option<String>,

    /// Grant types, e.g. `[authorization_code, refresh_token]` for a web app,
    /// `[client_credentials]` for M2M. Auth0's create default also enables `implicit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_types: Option<Vec<String>>,

    /// How the application authenticates at the token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_method: Option<TokenEndpointAuthMethod>,

    /// OIDC Conformant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc_conformant: Option<bool>,

    /// First-party application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_first_party: Option<bool>,

    /// ID token signing settings. Streamlit needs RS256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt_configuration: Option<JwtConfiguration>,

    /// "Cross-Origin Authentication": lets a login form on another domain (embedded login
    /// with auth0.js or Lock) authenticate against Auth0. Off by default; Universal Login
    /// (what `st.login` uses) does not need it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_origin_authentication: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JwtConfiguration {
    /// Signing algorithm of ID tokens. Auth0 creates clients with HS256; Streamlit needs RS256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<JwtAlg>,

    /// Lifetime of ID tokens, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_in_seconds: Option<u32>,
}

/// Fields of the file that are not Auth0's: instructions to tenantform, never read or sent.
pub const NOT_AUTH0_FIELDS: &[&str] = &["renamed_from"];

/// Grant types Auth0 accepts on a client.
pub use auth0_wire::client::GRANT_TYPES as KNOWN_GRANT_TYPES;
