//! Every error Auth0 answered in the vendored recordings, answered by the emulator with the same
//! status and the same body, message text included: clients match on Auth0's text, and the
//! replay (`replay/`) compares shapes only. Each recorded error says how a fresh emulator is
//! brought to answer it, or why it cannot. `crates/auth0-emulator/ERRORS.md` lists every error
//! the emulator answers and where its text comes from.

use std::path::{Path, PathBuf};

use auth0_emulator::{EmulatorOptions, RateLimit};
use serde::Deserialize;
use serde_json::Value;

use super::support::{self, Answer, Api};

/// How a fresh emulator is brought to answer a recorded error.
#[derive(Debug)]
enum Provoke {
    /// The recorded request as it was sent: the ids it names exist on no fresh tenant.
    AsRecorded,
    /// The recorded request twice: the first creates what the second collides with.
    Twice,
    /// The recorded request, on the free plan's rate limit, until it is limited.
    UntilLimited,
    /// A fresh emulator cannot answer it, and why.
    Cannot(&'static str),
}

/// Every error response of the vendored cassettes: (cassette file stem, interaction id, how).
const RECORDED_ERRORS: &[(&str, usize, Provoke)] = &[
    ("TestActionManager_Delete", 2, Provoke::AsRecorded),
    ("TestActionManager_Delete", 3, Provoke::AsRecorded),
    ("TestClientGrantManager_Delete", 4, Provoke::AsRecorded),
    ("TestConnectionManager_Delete", 2, Provoke::AsRecorded),
    ("TestEmailTemplateManager_Replace", 1, Provoke::Twice),
    ("TestRoleManager_Delete", 2, Provoke::AsRecorded),
    ("TestRoleManager_Delete", 3, Provoke::AsRecorded),
    (
        "TestAccConnectionOptionsAttrSetValidationNegative",
        0,
        Provoke::AsRecorded,
    ),
    (
        "TestAccDataSourceClientNonexistentID",
        0,
        Provoke::AsRecorded,
    ),
    ("TestAccEmail", 0, Provoke::AsRecorded),
    ("TestAccEmailTemplate", 0, Provoke::AsRecorded),
    (
        "TestAccUserCustomDomains",
        0,
        Provoke::Cannot(
            "409 custom_domain_conflict: the recording tenant had several verified custom domains; the emulator has none",
        ),
    ),
    ("TestAccRolePermissions", 6, Provoke::UntilLimited),
];

#[derive(Debug, Deserialize)]
struct Cassette {
    interactions: Vec<Interaction>,
}

#[derive(Debug, Deserialize)]
struct Interaction {
    id: usize,
    request: Request,
    response: Response,
}

#[derive(Debug, Deserialize)]
struct Request {
    body: String,
    url: String,
    method: String,
}

#[derive(Debug, Deserialize)]
struct Response {
    body: String,
    code: u16,
}

/// A recorded error response and the request that got it.
#[derive(Debug)]
struct RecordedError {
    cassette: String,
    interaction: Interaction,
}

impl RecordedError {
    /// The request path after `/api/v2/`, with its query.
    fn path_and_query(&self) -> String {
        let url = url::Url::parse(&self.interaction.request.url).expect("recorded url");
        let path = url.path().trim_start_matches("/api/v2/");
        url.query()
            .map_or_else(|| path.to_owned(), |query| format!("{path}?{query}"))
    }

    fn request_body(&self) -> Option<Value> {
        json_text(&self.interaction.request.body).filter(|body| !body.is_null())
    }

    fn response_body(&self) -> Option<Value> {
        json_text(&self.interaction.response.body)
    }

    async fn send(&self, api: &Api) -> Answer {
        let method = reqwest::Method::from_bytes(self.interaction.request.method.as_bytes())
            .expect("recorded method");
        api.send(method, &self.path_and_query(), self.request_body().as_ref())
            .await
    }
}

fn json_text(text: &str) -> Option<Value> {
    let text = text.trim();
    (!text.is_empty()).then(|| serde_json::from_str(text).expect("recorded bodies are JSON"))
}

fn recordings_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/auth0-recordings")
}

fn cassette_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("recordings directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            cassette_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "yaml") {
            files.push(path);
        }
    }
}

/// Every interaction of every vendored cassette that Auth0 answered with 4xx or 5xx.
fn recorded_errors() -> Vec<RecordedError> {
    let mut files = Vec::new();
    cassette_files(&recordings_root(), &mut files);
    files.sort();
    let mut errors = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("cassette reads");
        let cassette: Cassette = serde_saphyr::from_str(&text)
            .unwrap_or_else(|error| panic!("parsing {}: {error}", file.display()));
        let name = file
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("cassette name")
            .to_owned();
        errors.extend(
            cassette
                .interactions
                .into_iter()
                .filter(|interaction| interaction.response.code >= 400)
                .map(|interaction| RecordedError {
                    cassette: name.clone(),
                    interaction,
                }),
        );
    }
    errors
}

/// The emulator's answer to `recorded`, brought about as `how` says.
async fn provoke(recorded: &RecordedError, how: &Provoke) -> Answer {
    let options = match how {
        Provoke::UntilLimited => EmulatorOptions {
            rate_limit: RateLimit::Free,
            ..EmulatorOptions::default()
        },
        _ => EmulatorOptions::default(),
    };
    let emulator = support::start_with(options).await;
    let api = Api::new(&emulator).await;
    let answer = match how {
        Provoke::AsRecorded => recorded.send(&api).await,
        Provoke::Twice => {
            let first = recorded.send(&api).await;
            assert!(
                (200..300).contains(&first.status),
                "{} #{}: the first request should succeed: {} {:?}",
                recorded.cassette,
                recorded.interaction.id,
                first.status,
                first.body
            );
            recorded.send(&api).await
        }
        Provoke::UntilLimited => {
            let mut answer = recorded.send(&api).await;
            for _ in 0..20 {
                if answer.status == 429 {
                    break;
                }
                answer = recorded.send(&api).await;
            }
            answer
        }
        Provoke::Cannot(why) => unreachable!("not provoked: {why}"),
    };
    emulator.shutdown().await.expect("emulator shuts down");
    answer
}

#[tokio::test]
async fn every_recorded_error_is_answered_with_auth0s_status_and_text() {
    let recorded = recorded_errors();
    assert!(
        recorded.len() >= 10,
        "only {} recorded errors",
        recorded.len()
    );
    let mut failures = Vec::new();
    for error in &recorded {
        let id = error.interaction.id;
        let Some((_, _, how)) = RECORDED_ERRORS
            .iter()
            .find(|(cassette, at, _)| *cassette == error.cassette && *at == id)
        else {
            failures.push(format!(
                "{} #{id}: a recorded {} with no entry in RECORDED_ERRORS (say how to provoke it, or why it cannot be)",
                error.cassette, error.interaction.response.code
            ));
            continue;
        };
        if matches!(how, Provoke::Cannot(_)) {
            continue;
        }
        let answer = provoke(error, how).await;
        let expected = error.response_body();
        if answer.status != error.interaction.response.code || answer.body != expected {
            failures.push(format!(
                "{} #{id} {} {}: recorded {} {}, emulator {} {}",
                error.cassette,
                error.interaction.request.method,
                error.path_and_query(),
                error.interaction.response.code,
                expected.map(|body| body.to_string()).unwrap_or_default(),
                answer.status,
                answer.body.map(|body| body.to_string()).unwrap_or_default(),
            ));
        }
    }
    for (cassette, id, _) in RECORDED_ERRORS {
        let listed = recorded
            .iter()
            .any(|error| error.cassette == *cassette && error.interaction.id == *id);
        if !listed {
            failures.push(format!(
                "{cassette} #{id}: listed in RECORDED_ERRORS but no recorded error (stale entry)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
