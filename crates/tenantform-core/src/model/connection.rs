//! Connections: database connections, and social ones (`strategy`, see `social.rs`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use auth0_wire::connection::PasswordPolicy;

use super::secret::SecretRef;
use super::social::Strategy;

/// A connection: a database connection (strategy `auth0`, the default) or a social one
/// (`google-oauth2`, `windowslive`, `github`). Its `name` can never change in Auth0: a rename
/// is a delete and a create that loses every user, which tenantform only does when told to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConnection {
    /// The connection name in Auth0 (immutable). Defaults to the key. Use `<app>-users`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// The name this connection had before, when you really mean to rename it. Planned as a
    /// destructive replace (all users of the old connection are lost); apply needs `--allow-replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,

    /// `auth0` (a database connection, the default), or a social identity provider:
    /// `google-oauth2`, `windowslive` (Microsoft) or `github`. Immutable, like the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,

    /// "Disable Sign Ups": true for an invite-only app. Database connections only: Auth0
    /// cannot disable sign-ups on a social connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_signup: Option<bool>,

    /// Brute-force protection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brute_force_protection: Option<bool>,

    /// Password strength policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_policy: Option<PasswordPolicy>,

    /// Minimum password length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_min_length: Option<u32>,

    /// Require a username as well as an email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_username: Option<bool>,

    /// Social connections: the identity provider's OAuth client id. Left out, Auth0's
    /// development keys are used, which are for testing only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,

    /// Social connections: the OAuth client's secret, as a `${VAR}` reference (never the
    /// value). Required with `client_id`. Write-only: a plan cannot compare it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<SecretRef>,

    /// Social connections: the scopes asked of the identity provider, e.g. `[email, profile]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,

    /// Applications (keys under `applications`) this connection is enabled for. Applications
    /// declared in the file but not listed are disabled; applications the file does not
    /// declare are left alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_applications: Option<Vec<String>>,
}

impl DatabaseConnection {
    /// The Auth0 name: `name`, else the key.
    pub fn auth0_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(key)
    }

    /// The strategy: `auth0` unless declared.
    pub fn strategy(&self) -> Strategy {
        self.strategy.unwrap_or_default()
    }

    pub fn is_social(&self) -> bool {
        self.strategy().is_social()
    }
}
