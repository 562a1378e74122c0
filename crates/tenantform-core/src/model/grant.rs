//! Client grants: which API an application may call, and with which scopes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The shorthand for the tenant's own Management API (`https://DOMAIN/api/v2/`).
pub const MANAGEMENT_API: &str = "management-api";

/// A client grant. Its identity is (application, audience): changing either is a replace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientGrant {
    /// The application (its key under `applications`).
    pub application: String,

    /// The API: the key of an API declared under `apis`, `management-api` for this tenant's
    /// Management API, or the identifier of an API the file does not declare.
    #[serde(default = "default_audience")]
    pub audience: String,

    /// Scopes granted, e.g. `read:users`. Order does not matter.
    pub scopes: Vec<String>,
}

fn default_audience() -> String {
    MANAGEMENT_API.to_owned()
}

/// Resolves the `management-api` shorthand to `{origin}/api/v2/` (keys of declared APIs:
/// `TenantFile::audience_identifier`).
pub fn resolve_audience(audience: &str, origin: &str) -> String {
    if audience == MANAGEMENT_API {
        format!("{}/api/v2/", origin.trim_end_matches('/'))
    } else {
        audience.to_owned()
    }
}
