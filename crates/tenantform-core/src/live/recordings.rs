//! Test helper: response bodies from the recorded Auth0 cassettes in `tests/fixtures/live/`
//! (copied unmodified from go-auth0 and terraform-provider-auth0, LICENSE beside them).

use std::path::PathBuf;

use serde_json::Value;

/// The parsed JSON response body of interaction `id` in cassette `file`.
pub(crate) fn response(file: &str, id: u64) -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/live");
    let path = ["go-auth0", "terraform-provider-auth0"]
        .iter()
        .map(|source| root.join(source).join(file))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("no recording {file} under {}", root.display()));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cassette: Value = serde_saphyr::from_str(&text).expect("cassette is YAML");
    let interaction = cassette["interactions"]
        .as_array()
        .expect("interactions")
        .iter()
        .find(|i| i["id"].as_u64() == Some(id))
        .unwrap_or_else(|| panic!("{file} has no interaction {id}"));
    let body = interaction["response"]["body"].as_str().expect("a body");
    serde_json::from_str(body).expect("a JSON body")
}
