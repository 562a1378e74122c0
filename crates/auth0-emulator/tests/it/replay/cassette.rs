//! go-vcr v3 cassettes (`version: 2` files) as recorded by Auth0's own Go test suites.
//!
//! Only the fields the replay needs are read; bodies stay raw strings because the
//! recordings store them as JSON text (request bodies end in Go's trailing newline,
//! older GETs send `null\n`, form bodies are `a=b&c=d`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
pub struct Cassette {
    pub version: u32,
    pub interactions: Vec<Interaction>,
}

#[derive(Debug, Deserialize)]
pub struct Interaction {
    pub id: usize,
    pub request: RecordedRequest,
    pub response: RecordedResponse,
}

#[derive(Debug, Deserialize)]
pub struct RecordedRequest {
    pub body: String,
    #[serde(default)]
    pub form: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub headers: BTreeMap<String, Vec<String>>,
    pub url: String,
    pub method: String,
}

#[derive(Debug, Deserialize)]
pub struct RecordedResponse {
    pub body: String,
    pub code: u16,
    /// How long the real tenant took to answer, e.g. `133.235875ms` (go-vcr's format).
    #[serde(default)]
    pub duration: Option<String>,
}

/// Where the vendored recordings live: the workspace's one copy, which tenantform-core's
/// normalizer tests read too.
pub fn recordings_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/auth0-recordings")
}

/// Reads one cassette given its path relative to [`recordings_root`].
pub fn load(relative: &str) -> Cassette {
    let path = recordings_root().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("parsing {relative}: {error}"))
}

impl RecordedRequest {
    /// The request body as JSON; `None` for an empty body, a `null` body (old go-auth0 GETs)
    /// or a form body.
    pub fn json_body(&self) -> Option<Value> {
        parse_json_body(&self.body).filter(|value| !value.is_null())
    }

    /// `(path, query)` of the recorded URL, the query still percent-encoded as Go wrote it.
    pub fn path_and_query(&self) -> (String, Option<String>) {
        let url = url::Url::parse(&self.url)
            .unwrap_or_else(|error| panic!("recorded url {:?}: {error}", self.url));
        (url.path().to_owned(), url.query().map(str::to_owned))
    }

    pub fn is_form(&self) -> bool {
        self.headers.get("Content-Type").is_some_and(|values| {
            values
                .iter()
                .any(|v| v.starts_with("application/x-www-form-urlencoded"))
        })
    }
}

impl RecordedResponse {
    /// The recorded answer time: the replay moves the emulator's clock on by it, so time-driven
    /// behaviour (an Action's build) is where it was on the real tenant.
    pub fn elapsed(&self) -> Option<std::time::Duration> {
        let text = self.duration.as_deref()?;
        let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
            (ms, 1e-3)
        } else if let Some(us) = text.strip_suffix("µs") {
            (us, 1e-6)
        } else {
            (text.strip_suffix('s')?, 1.0)
        };
        number
            .parse::<f64>()
            .ok()
            .map(|n| std::time::Duration::from_secs_f64(n * scale))
    }

    /// The response body as JSON; `None` when the response had no body (204).
    pub fn json_body(&self) -> Option<Value> {
        parse_json_body(&self.body)
    }
}

fn parse_json_body(body: &str) -> Option<Value> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return None;
    }
    serde_json::from_str(trimmed).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINDINGS: &str = "go-auth0/test/data/recordings/TestActionManager_Bindings.yaml";

    #[test]
    fn parses_a_go_auth0_cassette_with_block_scalar_bodies() {
        let cassette = load(BINDINGS);
        assert_eq!(cassette.version, 2);
        assert_eq!(cassette.interactions.len(), 10);
        let create = &cassette.interactions[0];
        assert_eq!(create.id, 0);
        assert_eq!(create.request.method, "POST");
        assert_eq!(create.response.code, 201);
        let body = create.request.json_body().expect("create body is JSON");
        // Go escapes `>` as \u003e; parsed JSON has the real character.
        assert!(body["code"].as_str().unwrap().contains("=>"));
        assert_eq!(body["supported_triggers"][0]["id"], "post-login");
        let response = create.response.json_body().unwrap();
        assert_eq!(response["status"], "pending");
        assert!(response["secrets"][0].get("value").is_none());
    }

    #[test]
    fn old_go_auth0_get_bodies_of_null_count_as_no_body() {
        let cassette = load(BINDINGS);
        let poll = &cassette.interactions[1];
        assert_eq!(poll.request.method, "GET");
        assert_eq!(poll.request.body.trim(), "null");
        assert!(poll.request.json_body().is_none());
    }

    #[test]
    fn empty_response_bodies_are_none_and_queries_stay_encoded() {
        let cassette = load("go-auth0/test/data/recordings/TestResourceServer_List.yaml");
        let (path, query) = cassette.interactions[1].request.path_and_query();
        assert_eq!(path, "/api/v2/resource-servers");
        assert!(
            query
                .unwrap()
                .contains("identifiers=https%3A%2F%2Fapi.example.com%2F")
        );
        assert!(cassette.interactions[2].response.json_body().is_none());
        assert_eq!(cassette.interactions[2].response.code, 204);
    }

    #[test]
    fn parses_the_two_space_indented_tenant_cassette() {
        let cassette = load("go-auth0/test/data/recordings/TestTenantManager.yaml");
        assert_eq!(cassette.interactions.len(), 6);
        let settings = cassette.interactions[0].response.json_body().unwrap();
        assert!(settings["flags"].is_object());
    }

    #[test]
    fn token_requests_are_form_encoded() {
        let cassette = load(
            "go-auth0/test/data/recordings/authentication/TestLoginWithClientCredentials/Should_return_tokens.yaml",
        );
        let request = &cassette.interactions[0].request;
        assert!(request.is_form());
        assert_eq!(request.form["grant_type"], vec!["client_credentials"]);
        assert!(request.json_body().is_none());
    }
}
