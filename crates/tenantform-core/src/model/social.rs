//! Social connections: a connection whose `strategy` is an identity provider (Google,
//! Microsoft, GitHub) rather than Auth0's user database. They live under `connections:` with
//! the database connections and share their name, renames, enabled applications and removal;
//! this file holds what differs.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a connection's users sign in. One list for the file format, the reader and export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
pub enum Strategy {
    /// A database connection (Auth0 stores the users and their passwords).
    #[default]
    #[serde(rename = "auth0")]
    Database,
    /// "Continue with Google".
    #[serde(rename = "google-oauth2")]
    Google,
    /// "Continue with Microsoft" (Microsoft accounts).
    #[serde(rename = "windowslive")]
    Microsoft,
    /// "Continue with GitHub".
    #[serde(rename = "github")]
    GitHub,
}

impl Strategy {
    pub const ALL: [Strategy; 4] = [
        Strategy::Database,
        Strategy::Google,
        Strategy::Microsoft,
        Strategy::GitHub,
    ];

    /// Auth0's name of the strategy.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Database => auth0_wire::connection::DATABASE_STRATEGY,
            Strategy::Google => "google-oauth2",
            Strategy::Microsoft => "windowslive",
            Strategy::GitHub => "github",
        }
    }

    /// The strategy Auth0 calls `name`, if tenantform manages it.
    pub fn from_auth0(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn is_social(self) -> bool {
        self != Strategy::Database
    }

    /// Every strategy tenantform manages, as Auth0 names them (the reader's filter).
    pub fn auth0_names() -> Vec<&'static str> {
        Strategy::ALL.iter().map(|s| s.as_str()).collect()
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The database-only fields of a connection: Auth0 has no such options on a social one (in
/// particular, sign-ups cannot be disabled there).
pub const DATABASE_ONLY: &[&str] = &[
    "disable_signup",
    "brute_force_protection",
    "password_policy",
    "password_min_length",
    "requires_username",
];

/// The social-only fields of a connection.
pub const SOCIAL_ONLY: &[&str] = &["client_id", "client_secret", "scopes"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_read_and_write_as_auth0_names_them() {
        for strategy in Strategy::ALL {
            assert_eq!(Strategy::from_auth0(strategy.as_str()), Some(strategy));
            assert_eq!(
                serde_json::to_value(strategy).unwrap(),
                serde_json::json!(strategy.as_str())
            );
        }
    }
}
