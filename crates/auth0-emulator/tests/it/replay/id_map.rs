//! Maps the ids a recorded tenant handed out to the ids the emulator handed out, so later
//! recorded requests (paths, queries, bodies) can be replayed against the emulator.

use std::collections::HashMap;

use serde_json::Value;

/// Keys whose string values are server-generated identifiers (or checkpoint cursors).
const ID_KEYS: &[&str] = &[
    "id",
    "client_id",
    "user_id",
    "next",
    "action_id",
    "connection_id",
];

#[derive(Debug, Default)]
pub struct IdMap {
    recorded_to_emulator: HashMap<String, String>,
    /// Recorded tenant host (e.g. `go-auth0-dev.eu.auth0.com`) and the emulator's origin.
    domain: Option<(String, String)>,
}

impl IdMap {
    pub fn new(recorded_host: &str, emulator_origin: &str) -> Self {
        Self {
            recorded_to_emulator: HashMap::new(),
            domain: Some((
                format!("https://{recorded_host}"),
                emulator_origin.trim_end_matches('/').to_owned(),
            )),
        }
    }

    pub fn insert(&mut self, recorded: &str, emulator: &str) {
        if recorded.is_empty() || recorded == emulator {
            return;
        }
        self.recorded_to_emulator
            .entry(recorded.to_owned())
            .or_insert_with(|| emulator.to_owned());
    }

    pub fn len(&self) -> usize {
        self.recorded_to_emulator.len()
    }

    /// Learns every id the two responses hold at the same place. Arrays are walked pairwise
    /// only when their lengths agree, so a list of a tenant's other data teaches nothing.
    pub fn learn(&mut self, recorded: &Value, actual: &Value) {
        match (recorded, actual) {
            (Value::Object(recorded), Value::Object(actual)) => {
                for (key, recorded_value) in recorded {
                    let Some(actual_value) = actual.get(key) else {
                        continue;
                    };
                    match (recorded_value, actual_value) {
                        (Value::String(recorded_id), Value::String(actual_id))
                            if ID_KEYS.contains(&key.as_str()) =>
                        {
                            self.insert(recorded_id, actual_id);
                        }
                        _ => self.learn(recorded_value, actual_value),
                    }
                }
            }
            (Value::Array(recorded), Value::Array(actual)) if recorded.len() == actual.len() => {
                for (recorded, actual) in recorded.iter().zip(actual) {
                    self.learn(recorded, actual);
                }
            }
            _ => {}
        }
    }

    /// A single value: a known id becomes the emulator's; a URL on the recorded tenant
    /// becomes the same URL on the emulator.
    pub fn map_str(&self, value: &str) -> String {
        if let Some(mapped) = self.recorded_to_emulator.get(value) {
            return mapped.clone();
        }
        if let Some((recorded_origin, emulator_origin)) = &self.domain
            && let Some(rest) = value.strip_prefix(recorded_origin.as_str())
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return format!("{emulator_origin}{rest}");
        }
        value.to_owned()
    }

    /// Maps each path segment (percent-decoded first: user ids appear as `auth0%7C...`).
    pub fn map_path(&self, path: &str) -> String {
        path.split('/')
            .map(|segment| {
                let decoded = percent_decode(segment);
                let mapped = self.map_str(&decoded);
                if mapped == decoded {
                    segment.to_owned()
                } else {
                    percent_encode_segment(&mapped)
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Maps each query value (whole values and comma-separated parts), keeping key order.
    pub fn map_query(&self, query: &str) -> String {
        url::form_urlencoded::parse(query.as_bytes())
            .fold(
                url::form_urlencoded::Serializer::new(String::new()),
                |mut out, (key, value)| {
                    let mapped = if value.contains(',') {
                        value
                            .split(',')
                            .map(|part| self.map_str(part))
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        self.map_str(&value)
                    };
                    out.append_pair(&key, &mapped);
                    out
                },
            )
            .finish()
    }

    /// Maps every string in a JSON request body.
    pub fn map_body(&self, body: &Value) -> Value {
        match body {
            Value::String(text) => Value::String(self.map_str(text)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|item| self.map_body(item)).collect())
            }
            Value::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| (key.clone(), self.map_body(value)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

fn percent_encode_segment(segment: &str) -> String {
    segment
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map() -> IdMap {
        IdMap::new("go-auth0-dev.eu.auth0.com", "http://127.0.0.1:4000")
    }

    #[test]
    fn learns_ids_at_matching_places_and_maps_paths() {
        let mut ids = map();
        ids.learn(
            &json!({"id": "cgr_rec", "client_id": "rec_client", "scope": ["a"]}),
            &json!({"id": "cgr_emu", "client_id": "emu_client", "scope": ["a"]}),
        );
        assert_eq!(ids.len(), 2);
        assert_eq!(
            ids.map_path("/api/v2/client-grants/cgr_rec"),
            "/api/v2/client-grants/cgr_emu"
        );
        assert_eq!(
            ids.map_path("/api/v2/clients/unknown"),
            "/api/v2/clients/unknown"
        );
    }

    #[test]
    fn user_ids_are_decoded_mapped_and_encoded_again() {
        let mut ids = map();
        ids.learn(
            &json!({"user_id": "auth0|rec"}),
            &json!({"user_id": "auth0|emu"}),
        );
        assert_eq!(
            ids.map_path("/api/v2/users/auth0%7Crec"),
            "/api/v2/users/auth0%7Cemu"
        );
    }

    #[test]
    fn nested_ids_and_equal_length_arrays_are_learned_but_other_lists_are_not() {
        let mut ids = map();
        ids.learn(
            &json!({"bindings": [{"id": "b1", "action": {"id": "a1"}}], "others": [{"id": "x"}, {"id": "y"}]}),
            &json!({"bindings": [{"id": "B1", "action": {"id": "A1"}}], "others": [{"id": "z"}]}),
        );
        assert_eq!(ids.map_str("b1"), "B1");
        assert_eq!(ids.map_str("a1"), "A1");
        assert_eq!(ids.map_str("x"), "x");
    }

    #[test]
    fn the_first_learned_mapping_wins() {
        let mut ids = map();
        ids.insert("rec", "first");
        ids.insert("rec", "second");
        assert_eq!(ids.map_str("rec"), "first");
    }

    #[test]
    fn queries_bodies_and_recorded_domain_urls_are_mapped() {
        let mut ids = map();
        ids.insert("rec_client", "emu_client");
        assert_eq!(
            ids.map_query("audience=https%3A%2F%2Fgo-auth0-dev.eu.auth0.com%2Fapi%2Fv2%2F&client_id=rec_client&fields=a%2Cb"),
            "audience=http%3A%2F%2F127.0.0.1%3A4000%2Fapi%2Fv2%2F&client_id=emu_client&fields=a%2Cb"
        );
        let body = ids.map_body(&json!([{"client_id": "rec_client", "status": true}, {"x": "https://go-auth0-dev.eu.auth0.com.us.auth0.com/"}]));
        assert_eq!(body[0]["client_id"], "emu_client");
        // A look-alike host is not the recorded tenant.
        assert_eq!(
            body[1]["x"],
            "https://go-auth0-dev.eu.auth0.com.us.auth0.com/"
        );
    }

    #[test]
    fn learns_the_ids_of_a_recorded_create_against_itself_as_identity() {
        let recorded = super::super::cassette::load(
            "go-auth0/test/data/recordings/TestClientGrantManager_Update.yaml",
        );
        let mut ids = map();
        for interaction in &recorded.interactions {
            if let Some(body) = interaction.response.json_body() {
                ids.learn(&body, &body);
            }
        }
        assert_eq!(ids.len(), 0, "identical responses teach no mapping");
    }
}
