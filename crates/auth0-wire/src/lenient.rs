//! Reading live resources leniently: a field of an unexpected type, or an enum value this
//! crate does not know (Auth0 adds app types and methods over time), reads as absent instead of
//! making the whole tenant unreadable. Absent fields then take Auth0's meaning of absence.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// For `#[serde(default, deserialize_with = "lenient::option")]` on an `Option` field.
pub fn option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Known,
    }

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::option")]
        kind: Option<Kind>,
        #[serde(default, deserialize_with = "super::option")]
        count: Option<u32>,
    }

    #[test]
    fn odd_values_read_as_absent() {
        let body: Body =
            serde_json::from_value(serde_json::json!({"kind": "brand_new", "count": "x"})).unwrap();
        assert_eq!(body.kind, None);
        assert_eq!(body.count, None);
        let body: Body = serde_json::from_value(serde_json::json!({"kind": "known"})).unwrap();
        assert_eq!(body.kind, Some(Kind::Known));
    }
}
