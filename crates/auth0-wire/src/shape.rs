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

/// `from` as a `To`, field by field through their serde representations: each top-level field
/// of `from` goes to the field of `To` with the same name, up to case and underscores (so a
/// wire `resultUrl` is a model `result_url`); fields `To` does not name are dropped, and
/// whatever `To` names that `from` lacks takes `To`'s serde default. This is what lets a wire
/// resource and a model share field names instead of copying each field by hand.
pub fn project<From: Serialize, To: DeserializeOwned>(
    from: &From,
) -> Result<To, serde_json::Error> {
    let value = serde_json::to_value(from)?;
    let Value::Object(object) = value else {
        return serde_json::from_value(value);
    };
    let names = field_names::<To>();
    let projected: Map<String, Value> = object
        .into_iter()
        .filter_map(|(key, value)| {
            let exact = names.iter().find(|name| **name == key);
            let same = || names.iter().find(|name| same_name(name, &key));
            exact.or_else(same).map(|name| ((*name).to_owned(), value))
        })
        .collect();
    serde_json::from_value(Value::Object(projected))
}

/// `resultUrl` and `result_url` name the same field.
fn same_name(a: &str, b: &str) -> bool {
    // Compared letter by letter, without allocating: projection asks this for every field of
    // every resource it reads.
    fn letters(name: &str) -> impl Iterator<Item = char> + '_ {
        name.chars()
            .filter(|c| *c != '_')
            .flat_map(char::to_lowercase)
    }
    letters(a).eq(letters(b))
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

/// The key [`example`] gives every map whose keys are strings.
pub const ANY_KEY: &str = "*";

/// A value of `T` with every field present, for walking every position a type can hold a
/// value in: each `Option` is `Some`, each list has one item, each map one entry (keyed
/// [`ANY_KEY`], or by an enum's first variant), each string is `text`, numbers are 0,
/// booleans false and enums their first variant. Untyped values (`serde_json::Value`) are
/// null. Fails only for a type whose own `Deserialize` rejects such values.
pub fn example<T: DeserializeOwned>(text: &str) -> Result<T, de::value::Error> {
    T::deserialize(Example {
        text,
        key: false,
        depth: 0,
    })
}

/// Deep enough for any resource; stops a recursive type.
const MAX_EXAMPLE_DEPTH: usize = 24;

#[derive(Clone, Copy)]
struct Example<'a> {
    text: &'a str,
    /// A map key: strings are [`ANY_KEY`].
    key: bool,
    depth: usize,
}

impl Example<'_> {
    fn nested(self) -> Self {
        Self {
            key: false,
            depth: self.depth + 1,
            ..self
        }
    }

    fn deep(self) -> bool {
        self.depth >= MAX_EXAMPLE_DEPTH
    }
}

/// `deserialize_i8` and the other narrower numbers read as the widest of their kind.
macro_rules! narrower_reads_as {
    ($($narrow:ident => $wide:ident),* $(,)?) => {
        $(
            fn $narrow<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.$wide(visitor)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Example<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.key {
            visitor.visit_str(ANY_KEY)
        } else {
            visitor.visit_unit()
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bool(false)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_i64(0)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_u64(0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_f64(0.0)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_char('x')
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str(if self.key { ANY_KEY } else { self.text })
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bytes(&[])
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bytes(&[])
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.deep() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self.nested())
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let items = usize::from(!self.deep());
        visitor.visit_seq(ExampleItems {
            example: self.nested(),
            left: items,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(ExampleItems {
            example: self.nested(),
            left: len,
        })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let entries = usize::from(!self.deep());
        visitor.visit_map(ExampleEntries {
            example: self.nested(),
            fields: None,
            left: entries,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(ExampleEntries {
            example: self.nested(),
            fields: Some(fields),
            left: fields.len(),
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let variant = variants
            .first()
            .ok_or_else(|| de::Error::custom("an enum without variants"))?;
        visitor.visit_enum(ExampleVariant {
            example: self.nested(),
            variant,
        })
    }

    serde::forward_to_deserialize_any! { identifier ignored_any }

    serde::forward_to_deserialize_any! { i128 u128 }

    narrower_reads_as! {
        deserialize_i8 => deserialize_i64,
        deserialize_i16 => deserialize_i64,
        deserialize_i32 => deserialize_i64,
        deserialize_u8 => deserialize_u64,
        deserialize_u16 => deserialize_u64,
        deserialize_u32 => deserialize_u64,
        deserialize_f32 => deserialize_f64,
    }
}

struct ExampleItems<'a> {
    example: Example<'a>,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for ExampleItems<'_> {
    type Error = de::value::Error;

    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(self.example).map(Some)
    }
}

/// The fields of a struct, or the one entry of a map.
struct ExampleEntries<'a> {
    example: Example<'a>,
    fields: Option<&'static [&'static str]>,
    left: usize,
}

impl<'de> de::MapAccess<'de> for ExampleEntries<'_> {
    type Error = de::value::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        match self.fields {
            Some(fields) => {
                let field = fields[fields.len() - 1 - self.left];
                seed.deserialize(de::value::StrDeserializer::<Self::Error>::new(field))
                    .map(Some)
            }
            None => seed
                .deserialize(Example {
                    key: true,
                    ..self.example
                })
                .map(Some),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        seed.deserialize(self.example)
    }
}

struct ExampleVariant<'a> {
    example: Example<'a>,
    variant: &'static str,
}

impl<'de, 'a> de::EnumAccess<'de> for ExampleVariant<'a> {
    type Error = de::value::Error;
    type Variant = Example<'a>;

    fn variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), Self::Error> {
        let variant =
            seed.deserialize(de::value::StrDeserializer::<Self::Error>::new(self.variant))?;
        Ok((variant, self.example))
    }
}

impl<'de> de::VariantAccess<'de> for Example<'_> {
    type Error = de::value::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        Ok(())
    }

    fn newtype_variant_seed<S: de::DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        Deserializer::deserialize_struct(self, "", fields, visitor)
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
        camel_name: Option<u32>,
        #[serde(default)]
        extra: Option<String>,
    }

    #[test]
    fn an_example_sets_every_field_and_keys_maps_with_any_key() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Deep {
            wire: Option<Wire>,
            map: std::collections::BTreeMap<String, Vec<Nested>>,
            value: serde_json::Value,
            tuple: (u16, f64, String),
        }
        let deep: Deep = example("t").unwrap();
        let wire = deep.wire.unwrap();
        assert_eq!(wire.id.as_deref(), Some("t"));
        assert_eq!(wire.camel, Some(0));
        assert_eq!(
            wire.nested,
            Some(Nested {
                a: Some(false),
                b: Some(false)
            })
        );
        assert_eq!(deep.map[ANY_KEY].len(), 1);
        assert_eq!(deep.value, serde_json::Value::Null);
        assert_eq!(deep.tuple, (0, 0.0, "t".to_owned()));
    }

    #[test]
    fn field_names_are_the_serialized_names_in_order() {
        assert_eq!(field_names::<Wire>(), ["id", "camelName", "nested"]);
        assert_eq!(field_names::<Nested>(), ["a", "b"]);
    }

    #[test]
    fn projection_keeps_the_fields_both_name_camel_or_snake_case() {
        let wire = Wire {
            id: Some("x".into()),
            camel: Some(3),
            nested: None,
        };
        let model: Model = project(&wire).unwrap();
        assert_eq!(
            model,
            Model {
                camel_name: Some(3),
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
