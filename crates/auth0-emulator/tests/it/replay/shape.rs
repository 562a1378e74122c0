//! Structural comparison of a recorded response with the emulator's: same keys, same JSON
//! value types, recursively. Values are never compared (ids, timestamps and names differ by
//! nature); the point is that a client written against Auth0 decodes the emulator's answer
//! the same way.

use std::fmt;

use serde_json::{Map, Value};

/// How strictly object keys are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRule {
    /// The emulator must return exactly the recorded keys.
    Exact,
    /// The recording was decoded into a Go struct and encoded again, which drops the fields the
    /// SDK does not know: every recorded key must be present, extra keys are fine.
    RecordedSubset,
}

#[derive(Debug, Clone, Copy)]
pub struct ShapeRules {
    pub keys: KeyRule,
    /// Top-level keys the recording invented (Terraform's re-encoded client lists gain
    /// `"length":0,"next":""`); they are ignored on the recorded side.
    pub fake_top_level_keys: &'static [&'static str],
}

impl ShapeRules {
    pub const EXACT: Self = Self {
        keys: KeyRule::Exact,
        fake_top_level_keys: &[],
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeDifference {
    pub path: String,
    pub kind: DifferenceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DifferenceKind {
    MissingKey,
    ExtraKey,
    TypeDiffers {
        recorded: &'static str,
        actual: &'static str,
    },
}

impl fmt::Display for ShapeDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DifferenceKind::MissingKey => write!(f, "{}: missing (recorded has it)", self.path),
            DifferenceKind::ExtraKey => write!(f, "{}: extra (not in the recording)", self.path),
            DifferenceKind::TypeDiffers { recorded, actual } => {
                write!(f, "{}: recorded {recorded}, emulator {actual}", self.path)
            }
        }
    }
}

pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every way `actual` differs in shape from `recorded`; empty when the shapes agree.
pub fn compare(recorded: &Value, actual: &Value, rules: ShapeRules) -> Vec<ShapeDifference> {
    let mut differences = Vec::new();
    match (recorded, actual) {
        (Value::Object(recorded), Value::Object(actual)) => {
            let recorded: Map<String, Value> = recorded
                .iter()
                .filter(|(key, _)| !rules.fake_top_level_keys.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            compare_objects(&recorded, actual, "$", rules.keys, &mut differences);
        }
        _ => compare_values(recorded, actual, "$", rules.keys, &mut differences),
    }
    differences
}

fn compare_values(
    recorded: &Value,
    actual: &Value,
    path: &str,
    keys: KeyRule,
    differences: &mut Vec<ShapeDifference>,
) {
    match (recorded, actual) {
        (Value::Object(recorded), Value::Object(actual)) => {
            compare_objects(recorded, actual, path, keys, differences);
        }
        (Value::Array(recorded), Value::Array(actual)) => {
            compare_arrays(recorded, actual, path, keys, differences);
        }
        _ if type_name(recorded) == type_name(actual) => {}
        _ => differences.push(ShapeDifference {
            path: path.to_owned(),
            kind: DifferenceKind::TypeDiffers {
                recorded: type_name(recorded),
                actual: type_name(actual),
            },
        }),
    }
}

fn compare_objects(
    recorded: &Map<String, Value>,
    actual: &Map<String, Value>,
    path: &str,
    keys: KeyRule,
    differences: &mut Vec<ShapeDifference>,
) {
    for (key, recorded_value) in recorded {
        let child = format!("{path}.{key}");
        match actual.get(key) {
            Some(actual_value) => {
                compare_values(recorded_value, actual_value, &child, keys, differences);
            }
            None => differences.push(ShapeDifference {
                path: child,
                kind: DifferenceKind::MissingKey,
            }),
        }
    }
    if keys == KeyRule::Exact {
        for key in actual.keys().filter(|key| !recorded.contains_key(*key)) {
            differences.push(ShapeDifference {
                path: format!("{path}.{key}"),
                kind: DifferenceKind::ExtraKey,
            });
        }
    }
}

/// Arrays of equal length are compared element by element (order matters: bindings, scopes).
/// When the lengths differ the content differs (a tenant with other data), so each element
/// is held against the recorded element it resembles most; an empty side says nothing about
/// element shape.
fn compare_arrays(
    recorded: &[Value],
    actual: &[Value],
    path: &str,
    keys: KeyRule,
    differences: &mut Vec<ShapeDifference>,
) {
    if recorded.len() == actual.len() {
        for (index, (recorded, actual)) in recorded.iter().zip(actual).enumerate() {
            compare_values(
                recorded,
                actual,
                &format!("{path}[{index}]"),
                keys,
                differences,
            );
        }
        return;
    }
    if recorded.is_empty() {
        return;
    }
    for (index, actual) in actual.iter().enumerate() {
        let element_path = format!("{path}[{index}]");
        let best = recorded
            .iter()
            .map(|recorded| {
                let mut found = Vec::new();
                compare_values(recorded, actual, &element_path, keys, &mut found);
                found
            })
            .min_by_key(Vec::len)
            .unwrap_or_default();
        differences.extend(best);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::cassette;
    use super::*;

    const SUBSET: ShapeRules = ShapeRules {
        keys: KeyRule::RecordedSubset,
        fake_top_level_keys: &[],
    };

    #[test]
    fn identical_shapes_with_different_values_agree() {
        let recorded = json!({"id": "cgr_1", "scope": ["a", "b"], "n": 1, "ok": true, "x": null});
        let actual = json!({"id": "cgr_2", "scope": ["c", "d"], "n": 2.5, "ok": false, "x": null});
        assert!(compare(&recorded, &actual, ShapeRules::EXACT).is_empty());
    }

    #[test]
    fn missing_extra_and_retyped_keys_are_reported_with_paths() {
        let recorded = json!({"a": {"b": 1, "c": "s"}, "d": []});
        let actual = json!({"a": {"b": "1", "e": true}, "d": [], "f": 0});
        let found: Vec<String> = compare(&recorded, &actual, ShapeRules::EXACT)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            vec![
                "$.a.b: recorded number, emulator string",
                "$.a.c: missing (recorded has it)",
                "$.a.e: extra (not in the recording)",
                "$.f: extra (not in the recording)",
            ]
        );
    }

    #[test]
    fn subset_rule_allows_fields_the_go_sdk_dropped_but_not_missing_ones() {
        let recorded = json!({"client_id": "x", "signing_keys": [{"cert": "[REDACTED]"}]});
        let actual = json!({"client_id": "y", "signing_keys": [{"cert": "---", "pkcs7": "---"}], "callbacks": []});
        assert!(compare(&recorded, &actual, SUBSET).is_empty());
        let missing = compare(&recorded, &json!({"signing_keys": []}), SUBSET);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].kind, DifferenceKind::MissingKey);
    }

    #[test]
    fn fake_list_fields_are_ignored_on_the_recorded_side_only() {
        let rules = ShapeRules {
            keys: KeyRule::RecordedSubset,
            fake_top_level_keys: &["length", "next"],
        };
        let recorded =
            json!({"start": 0, "limit": 100, "length": 0, "next": "", "total": 1, "clients": []});
        let actual = json!({"start": 0, "limit": 100, "total": 1, "clients": []});
        assert!(compare(&recorded, &actual, rules).is_empty());
        // A wrong envelope is still caught.
        assert!(!compare(&recorded, &json!({"clients": []}), rules).is_empty());
    }

    #[test]
    fn arrays_of_different_length_match_elements_to_their_closest_recorded_shape() {
        let recorded = json!([{"id": "a", "is_system": true}, {"id": "b"}]);
        let actual = json!([{"id": "c"}, {"id": "d"}, {"id": "e", "is_system": true}]);
        assert!(compare(&recorded, &actual, ShapeRules::EXACT).is_empty());
        let wrong = json!([{"id": 1}]);
        assert_eq!(compare(&recorded, &wrong, ShapeRules::EXACT).len(), 1);
    }

    #[test]
    fn a_pagination_envelope_must_match() {
        let offset = json!({"total": 1, "start": 0, "limit": 50, "connections": [{"id": "con_1"}]});
        let bare = json!([{"id": "con_1"}]);
        let checkpoint = json!({"connections": [{"id": "con_1"}], "next": "abc"});
        assert_eq!(compare(&offset, &bare, ShapeRules::EXACT).len(), 1);
        assert_eq!(compare(&offset, &checkpoint, ShapeRules::EXACT).len(), 4);
    }

    #[test]
    fn every_recorded_response_agrees_with_itself() {
        // Guards the comparator against false positives on real data.
        let mut checked = 0;
        for relative in super::super::catalogue::all_cassette_paths() {
            for interaction in cassette::load(&relative).interactions {
                if let Some(body) = interaction.response.json_body() {
                    assert!(
                        compare(&body, &body, ShapeRules::EXACT).is_empty(),
                        "{relative} #{}",
                        interaction.id
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "only {checked} bodies checked");
    }

    #[test]
    fn recorded_shapes_differ_across_resources() {
        // A client and a connection from the recordings must not be judged the same shape.
        let client = cassette::load("go-auth0/test/data/recordings/TestClient_List.yaml")
            .interactions[0]
            .response
            .json_body()
            .unwrap();
        let connection =
            cassette::load("go-auth0/test/data/recordings/TestConnectionManager_Delete.yaml")
                .interactions[0]
                .response
                .json_body()
                .unwrap();
        assert!(!compare(&client, &connection, ShapeRules::EXACT).is_empty());
    }
}
