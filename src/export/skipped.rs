//! What export leaves out of the tenant file, and why. Nothing is dropped silently: every
//! resource (or whole kind) export does not write is one [`NotExported`] with a [`Reason`],
//! and `export` prints the list. When a kind becomes exportable, its reason goes from here
//! and its entries from the builder (custom APIs and social connections went that way).

use std::fmt;

/// Why something is not in the exported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The client tenantform signs in with: managing it could lock tenantform out.
    OwnClient,
    /// Auth0's global client ("All Applications"): Auth0's, never managed.
    GlobalClient,
    /// A grant Auth0 made itself (`is_system`).
    SystemGrant,
    /// A grant of an application that is not exported (tenantform's own, or left out).
    GrantOfUnexportedApplication,
    /// The API tenantform's apply lock lives in (`urn:tenantform:apply-lock`), and grants to
    /// it: the tool's own, made and removed by `apply`.
    ApplyLock,
    /// Enterprise and passwordless connections: the file declares database and social ones.
    EnterpriseConnections,
    /// `Username-Password-Authentication` while unchanged and unused by what is exported.
    UnusedDefaultConnection,
    /// Users without `app_metadata`: bootstrap users are the admins a file declares, not a
    /// user directory.
    UsersWithoutAppMetadata,
    /// A user whose connection is not exported.
    UserInUnexportedConnection,
    /// A second user with the same email (case-insensitively): users are keyed by email.
    DuplicateUserEmail,
    /// An Action for a trigger tenantform does not manage.
    UnmanagedTrigger,
    /// A trigger's bindings that name an Action that is not exported.
    BindingOfUnexportedAction,
    /// Users when `connections` are not exported: a user names its connection.
    UsersWithoutConnections,
}

impl Reason {
    /// The reason, as the user reads it.
    pub fn text(self) -> &'static str {
        match self {
            Reason::OwnClient => "tenantform signs in with it",
            Reason::GlobalClient => "Auth0's global client, never managed",
            Reason::SystemGrant => "Auth0's own grant",
            Reason::GrantOfUnexportedApplication => "its application is not exported",
            Reason::ApplyLock => "tenantform's apply lock, made and removed by `apply`",
            Reason::EnterpriseConnections => {
                "the file declares database and social connections only"
            }
            Reason::UnusedDefaultConnection => {
                "Auth0's default connection, unchanged and used by no exported application or user"
            }
            Reason::UsersWithoutAppMetadata => {
                "bootstrap users are the admins a file declares (those with app_metadata), not a \
                 user directory"
            }
            Reason::UserInUnexportedConnection => "its connection is not exported",
            Reason::DuplicateUserEmail => {
                "another user has the same email; users are keyed by email"
            }
            Reason::UnmanagedTrigger => "its trigger is not one tenantform manages",
            Reason::BindingOfUnexportedAction => "they name an Action that is not exported",
            Reason::UsersWithoutConnections => {
                "users name their connection: export `connections` too"
            }
        }
    }
}

/// One thing export left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NotExported {
    /// What it is, e.g. ``application `Deploy Bot` `` or `users without app_metadata`.
    pub what: String,
    pub reason: Reason,
}

impl NotExported {
    pub fn new(what: impl Into<String>, reason: Reason) -> Self {
        Self {
            what: what.into(),
            reason,
        }
    }
}

impl fmt::Display for NotExported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.what, self.reason.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_as_what_then_why() {
        let entry = NotExported::new(
            "grant `Deploy Bot -> https://acme.example/api/v2/`",
            Reason::GrantOfUnexportedApplication,
        );
        assert_eq!(
            entry.to_string(),
            "grant `Deploy Bot -> https://acme.example/api/v2/`: its application is not exported"
        );
    }
}
