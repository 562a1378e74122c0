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

/// Declares a wire struct whose fields are all lenient optional fields: each reads as absent
/// when it is missing or does not parse ([`option`]), and is left out of the JSON while it is
/// absent. It puts `#[serde(default, deserialize_with = "lenient::option", skip_serializing_if
/// = "Option::is_none")]` on every field, so no field has to say it.
///
/// The struct's attributes and each field's (doc comments, `#[serde(rename = "…")]`) are kept.
/// A field marked `#[strict]` reads as its type says instead: still optional and left out
/// while absent, but a malformed value is an error rather than absent. The
/// [`Secret`](crate::Secret) fields are strict (a secret is never dropped silently), and so is
/// an untyped `Value` field (strict, `null` reads as `None`; leniently it would be
/// `Some(Null)`).
///
/// ```text
/// wire_struct! {
///     /// A resource.
///     #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
///     pub struct Resource {
///         pub id: Option<String>,
///         #[serde(rename = "camelCase")]
///         pub camel_case: Option<bool>,
///         #[strict]
///         pub api_key: Option<Secret>,
///     }
/// }
/// ```
macro_rules! wire_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident { $($fields:tt)* }
    ) => {
        $crate::lenient::wire_struct!(@next [$(#[$meta])* $vis struct $name] [] $($fields)*);
    };
    // The next field: lenient, and no attributes of its own yet.
    (@next $head:tt $done:tt $($rest:tt)*) => {
        $crate::lenient::wire_struct!(
            @field $head $done [] [deserialize_with = "crate::lenient::option",] $($rest)*
        );
    };
    // `@field head [declared fields] [this field's attributes] [its serde reader] rest`.
    (@field [$($head:tt)*] [$($done:tt)*] [] $reader:tt) => {
        $($head)* { $($done)* }
    };
    (@field $head:tt $done:tt $attrs:tt $reader:tt #[strict] $($rest:tt)*) => {
        $crate::lenient::wire_struct!(@field $head $done $attrs [] $($rest)*);
    };
    (@field $head:tt $done:tt [$($attrs:tt)*] $reader:tt #[$($attr:tt)*] $($rest:tt)*) => {
        $crate::lenient::wire_struct!(
            @field $head $done [$($attrs)* #[$($attr)*]] $reader $($rest)*
        );
    };
    (@field $head:tt [$($done:tt)*] [$($attrs:tt)*] [$($reader:tt)*]
        $field_vis:vis $field:ident : $ty:ty $(, $($rest:tt)*)?
    ) => {
        $crate::lenient::wire_struct!(
            @next $head
            [
                $($done)*
                $($attrs)*
                #[serde(default, $($reader)* skip_serializing_if = "Option::is_none")]
                $field_vis $field: $ty,
            ]
            $($($rest)*)?
        );
    };
}
pub(crate) use wire_struct;

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use crate::Secret;

    #[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Known,
    }

    wire_struct! {
        #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
        struct Body {
            kind: Option<Kind>,
            /// A count.
            count: Option<u32>,
            #[serde(rename = "camelName")]
            camel_name: Option<bool>,
            #[strict]
            #[serde(rename = "apiKey")]
            api_key: Option<Secret>,
        }
    }

    #[test]
    fn odd_values_read_as_absent() {
        let body: Body =
            serde_json::from_value(json!({"kind": "brand_new", "count": "x", "camelName": 1}))
                .unwrap();
        assert_eq!(body, Body::default());
        let body: Body = serde_json::from_value(json!({"kind": "known"})).unwrap();
        assert_eq!(body.kind, Some(Kind::Known));
    }

    #[test]
    fn strict_fields_reject_odd_values_and_every_field_is_optional() {
        assert!(serde_json::from_value::<Body>(json!({"apiKey": 5})).is_err());
        let body: Body = serde_json::from_value(json!({"apiKey": "k", "count": 2})).unwrap();
        assert_eq!(body.api_key, Some(Secret::new("k")));
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({"count": 2, "apiKey": "k"})
        );
        assert_eq!(
            crate::shape::field_names::<Body>(),
            ["kind", "count", "camelName", "apiKey"]
        );
    }
}
