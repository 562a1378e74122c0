//! Client grants (`/client-grants`).

use serde::{Deserialize, Serialize};

use crate::lenient::wire_struct;

wire_struct! {
    /// A client grant as the Management API sends it (and, without `id` and `is_system`, as
    /// `POST /client-grants` takes it). `PATCH` may change `scope` only.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ClientGrant {
        pub id: Option<String>,
        pub client_id: Option<String>,
        pub audience: Option<String>,
        /// Absent when the grant allows every scope; empty otherwise.
        pub scope: Option<Vec<String>>,
        /// Auth0's own grants: never changed or deleted.
        pub is_system: Option<bool>,
    }
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
