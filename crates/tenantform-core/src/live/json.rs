//! Reading raw bodies into their wire types (`auth0_wire`), which know Auth0's field names
//! and what an absent field means.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::NormalizeError;

/// `body` as the wire type of a `kind` of resource. Wire fields are lenient (an odd value
/// reads as absent), so this fails only for a body that is not an object.
pub(crate) fn wire<T: DeserializeOwned>(
    body: &Value,
    kind: &'static str,
) -> Result<T, NormalizeError> {
    // Read from the borrowed value: no copy of each body read.
    T::deserialize(body).map_err(|error| NormalizeError::new(kind, error.to_string()))
}

/// A field every body of its kind has.
pub(crate) fn required(
    value: Option<String>,
    key: &str,
    kind: &'static str,
) -> Result<String, NormalizeError> {
    value.ok_or_else(|| NormalizeError::new(kind, format!("missing string field `{key}`")))
}
