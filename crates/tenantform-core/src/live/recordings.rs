//! Test helper: response bodies from the recorded Auth0 cassettes vendored in
//! `tests/fixtures/auth0-recordings/` (copied unmodified from go-auth0 and
//! terraform-provider-auth0, each source's LICENSE beside it; see INDEX.md there). The
//! emulator's replay tests read the same files.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The parsed JSON response body of interaction `id` in cassette `file` (a file name such as
/// `TestAccAction.yaml`, found wherever it sits in the vendored trees).
pub(crate) fn response(file: &str, id: u64) -> Value {
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/auth0-recordings");
    let mut found = Vec::new();
    find(&root, file, &mut found);
    let path = match found.as_slice() {
        [path] => path,
        [] => panic!("no recording {file} under {}", root.display()),
        several => panic!("{file} is ambiguous: {several:?}"),
    };
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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

/// Every file named `name` under `dir`.
fn find(dir: &Path, name: &str, found: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            find(&path, name, found);
        } else if path.file_name().is_some_and(|n| n == name) {
            found.push(path);
        }
    }
}
