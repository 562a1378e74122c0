//! Bootstrap users: the first admin, created by apply, never deleted by it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A user created when missing (what `auth_admin_setup.py` did). There is never a password in
/// the file: apply prints a password-change ticket link to hand over instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BootstrapUser {
    /// Email address; identifies the user. Auth0 stores it in lower case, and the user is
    /// looked up and compared that way, so its case here makes no difference.
    pub email: String,

    /// The database connection (its key under `connections`).
    pub connection: String,

    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// Mark the email as verified (invited users need no verification email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,

    /// app_metadata keys to set, e.g. `{roles: [admin], invited: true}`. Keys not listed are
    /// left alone.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub app_metadata: serde_json::Map<String, serde_json::Value>,
}

impl BootstrapUser {
    /// The email as Auth0 keeps it (bootstrap users are database users): what the user is
    /// looked up and compared by.
    pub fn stored_email(&self) -> String {
        auth0_wire::user::stored_email(&self.email)
    }
}
