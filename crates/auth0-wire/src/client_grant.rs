//! Client grants (`/client-grants`).

use serde::{Deserialize, Serialize};

use crate::lenient;

/// A client grant as the Management API sends it (and, without `id` and `is_system`, as
/// `POST /client-grants` takes it). `PATCH` may change `scope` only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientGrant {
    #[serde(
        default,
        deserialize_with = "lenient::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub audience: Option<String>,
    /// Absent when the grant allows every scope; empty otherwise.
    #[serde(
        default,
        deserialize_with = "lenient::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub scope: Option<Vec<String>>,
    /// Auth0's own grants: never changed or deleted.
    #[serde(
        default,
        deserialize_with = "lenient::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_system: Option<bool>,
}

impl ClientGrant {
    /// The body of `POST /client-grants`.
    pub fn new(client_id: &str, audience: &str, scope: Vec<String>) -> ClientGrant {
        ClientGrant {
            client_id: Some(client_id.to_owned()),
            audience: Some(audience.to_owned()),
            scope: Some(scope),
            ..ClientGrant::default()
        }
    }
}
