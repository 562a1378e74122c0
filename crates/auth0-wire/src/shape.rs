//! What serde knows about a wire type, read back, so no list of field names is kept by hand:
//! the `fields=` list of a read, and the projection of one type onto another that names its
//! fields the same way (a wire resource onto a model, a model onto a request body).

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::{Map, Value};

/// The serialized names of the fields of struct `T`, in declaration order (aliases included,
/// skipped fields left out). `T` must be a struct without `#[serde(flatten)]`.
///
/// Read from the list serde's derive hands to `deserialize_struct`, by a deserializer that
/// records it and stops.
pub fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut recorded = None;
    let _ = T::deserialize(FieldRecorder {
        fields: &mut recorded,
    });
    recorded.unwrap_or_else(|| {
        panic!(
            "{} does not deserialize as a plain struct",
            std::any::type_name::<T>()
        )
    })
}

struct FieldRecorder<'a> {
    fields: &'a mut Option<&'static [&'static str]>,
}

impl<'de> Deserializer<'de> for FieldRecorder<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.fields = Some(fields);
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// `from` as a `To`, field by field through their serde representations: the top-level fields
/// `To` names are carried over, the others dropped, and whatever `To` names that `from` lacks
/// takes `To`'s serde default. This is what lets a wire resource and a model share field names
/// instead of copying each field by hand.
pub fn project<From: Serialize, To: DeserializeOwned>(
    from: &From,
) -> Result<To, serde_json::Error> {
    let mut value = serde_json::to_value(from)?;
    if let Value::Object(map) = &mut value {
        let names = field_names::<To>();
        map.retain(|key, _| names.contains(&key.as_str()));
    }
    serde_json::from_value(value)
}

/// `value` with every field it leaves out taken from `defaults`, nested objects field by field
/// (lists and other values are taken whole). For wire types whose absent fields are skipped
/// when serializing.
pub fn or_defaults<T: Serialize + DeserializeOwned>(value: &T, defaults: &T) -> T {
    let mut merged = serde_json::to_value(defaults).expect("wire values serialize");
    overlay(
        &mut merged,
        serde_json::to_value(value).expect("wire values serialize"),
    );
    serde_json::from_value(merged).expect("a wire value with defaults filled in deserializes")
}

/// `top` over `base`: objects merge key by key (recursively), anything else replaces.
pub fn overlay(base: &mut Value, top: Value) {
    match (base, top) {
        (Value::Object(base), Value::Object(top)) => overlay_object(base, top),
        (base, top) => *base = top,
    }
}

/// [`overlay`] for two objects.
pub fn overlay_object(base: &mut Map<String, Value>, top: Map<String, Value>) {
    for (key, value) in top {
        match base.get_mut(&key) {
            Some(existing) => overlay(existing, value),
            None => {
                base.insert(key, value);
            }
        }
    }
}

/// A wire value as a JSON object (absent fields left out): a request body, or a resource an
/// emulator stores.
pub fn to_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value).expect("wire values serialize") {
        Value::Object(map) => map,
        other => panic!("expected a JSON object, got {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Wire {
        id: Option<String>,
        #[serde(rename = "camelName")]
        camel: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        nested: Option<Nested>,
    }

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Nested {
        #[serde(skip_serializing_if = "Option::is_none")]
        a: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<bool>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Model {
        #[serde(rename = "camelName")]
        camel: Option<u32>,
        #[serde(default)]
        extra: Option<String>,
    }

    #[test]
    fn field_names_are_the_serialized_names_in_order() {
        assert_eq!(field_names::<Wire>(), ["id", "camelName", "nested"]);
        assert_eq!(field_names::<Nested>(), ["a", "b"]);
    }

    #[test]
    fn projection_keeps_the_fields_both_name() {
        let wire = Wire {
            id: Some("x".into()),
            camel: Some(3),
            nested: None,
        };
        let model: Model = project(&wire).unwrap();
        assert_eq!(
            model,
            Model {
                camel: Some(3),
                extra: None
            }
        );
    }

    #[test]
    fn defaults_fill_what_is_left_out_nested_too() {
        let value = Wire {
            nested: Some(Nested {
                a: Some(true),
                b: None,
            }),
            ..Wire::default()
        };
        let defaults = Wire {
            id: Some("d".into()),
            camel: None,
            nested: Some(Nested {
                a: Some(false),
                b: Some(false),
            }),
        };
        let filled = or_defaults(&value, &defaults);
        assert_eq!(
            filled.nested,
            Some(Nested {
                a: Some(true),
                b: Some(false)
            })
        );
        // `id` serializes as null when absent (no skip), which is a value: it wins.
        assert_eq!(filled.id, None);
    }
}
