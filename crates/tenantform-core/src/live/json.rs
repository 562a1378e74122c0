//! Small readers over raw JSON bodies, with Auth0's defaults passed in by the caller.

use serde_json::Value;

use super::error::NormalizeError;

pub(crate) fn required_str(
    body: &Value,
    key: &str,
    kind: &'static str,
) -> Result<String, NormalizeError> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| NormalizeError::new(kind, format!("missing string field `{key}`")))
}

/// A string, or `default` when absent or null.
pub(crate) fn str_or(body: &Value, key: &str, default: &str) -> String {
    body.get(key)
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_owned()
}

pub(crate) fn opt_str(body: &Value, key: &str) -> Option<String> {
    body.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub(crate) fn bool_or(body: &Value, key: &str, default: bool) -> bool {
    body.get(key).and_then(Value::as_bool).unwrap_or(default)
}

/// A list of strings; absent or null is the empty list (Auth0 omits empty arrays).
pub(crate) fn strings(body: &Value, key: &str) -> Vec<String> {
    body.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn opt_u32(body: &Value, key: &str) -> Option<u32> {
    body.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
}

/// A string-valued enum of the model, parsed through serde; unknown values are `None`.
pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(body: &Value, key: &str) -> Option<T> {
    body.get(key)
        .filter(|value| value.is_string())
        .and_then(|value| serde_json::from_value(value.clone()).ok())
}
