//! Resources the file used to manage and that should now be deleted.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Deletes are explicit: only what is listed here (by its Auth0 name) is ever proposed for
/// deletion, and only with `--allow-delete`. Anything merely absent from the file is left alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Removed {
    /// Application display names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<String>,
    /// Connection names (deleting one deletes its users).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<String>,
    /// Action names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Custom API identifiers (deleting an API deletes its grants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<String>,
    /// Client grants, as `application-name -> audience` pairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<RemovedGrant>,
}

/// A grant to delete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovedGrant {
    /// The application's display name.
    pub application: String,
    /// The audience (`management-api` for this tenant's Management API).
    pub audience: String,
}

impl Removed {
    pub fn is_empty(&self) -> bool {
        self.applications.is_empty()
            && self.connections.is_empty()
            && self.actions.is_empty()
            && self.grants.is_empty()
            && self.apis.is_empty()
    }
}
