//! Users (`/users`, `/users-by-email`) and password-change tickets.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient::wire_struct;
use crate::secrets::Secret;

wire_struct! {
    /// A user as the Management API returns it, reduced to what bootstrap users manage.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct User {
        pub user_id: Option<String>,
        pub email: Option<String>,
        pub email_verified: Option<bool>,
        pub identities: Option<Vec<Identity>>,
        /// Auth0 removes it entirely when it becomes empty.
        pub app_metadata: Option<Map<String, Value>>,
    }
}

impl User {
    /// The connection of the first identity.
    pub fn connection(&self) -> Option<&str> {
        self.identities.as_ref()?.first()?.connection.as_deref()
    }
}

/// The email as Auth0 stores it for a user of a database connection (Auth0 the identity
/// provider): in lower case, whatever case it was given in. `GET /users-by-email` matches the
/// stored case exactly, so a lookup asks with this spelling (Management API reference,
/// "Search Users by Email").
pub fn stored_email(email: &str) -> String {
    email.to_lowercase()
}

wire_struct! {
    /// `identities[]`, reduced to the connection.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Identity {
        pub connection: Option<String>,
    }
}

/// The body of `POST /users` for a database user. `app_metadata` then merges key by key on
/// `PATCH` (`null` deletes a key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewUser {
    pub connection: String,
    pub email: String,
    /// Required for database users.
    pub password: Secret,
    pub verify_email: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub app_metadata: Map<String, Value>,
}

/// The body of `POST /tickets/password-change`; the answer is `{"ticket": url}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChangeTicket {
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_sec: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark_email_as_verified: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_email_is_lower_case_beyond_ascii_too() {
        assert_eq!(stored_email("Admin@Acme.example"), "admin@acme.example");
        assert_eq!(stored_email("ÅSA@Example.SE"), "åsa@example.se");
        assert_eq!(stored_email("admin@acme.example"), "admin@acme.example");
    }
}
