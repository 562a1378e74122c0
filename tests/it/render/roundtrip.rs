//! Adversarial values through every parser the apps use: Python `toml` 0.10.2 (Streamlit
//! before 1.5x), `tomllib` (Streamlit now), python-dotenv (apps' `.env`) and dotenvy. Each
//! value reads back identical everywhere, or the render is refused with an error naming the
//! key — and then nothing is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde_json::{Value, json};
use tenantform::render::{RenderError, RenderInputs, render_environment};

use super::{auth0, inputs, options, python};
use crate::support::sentinel;

const METADATA_URL: &str = "https://acme.eu.auth0.com/.well-known/openid-configuration";

/// Values that must survive: quotes, backslashes, `#`, `$`, newlines, tabs, unicode, `"""`,
/// and a `"` followed by `#` on a later line (what makes toml 0.10 drop a table).
const MUST_ROUND_TRIP: &[&str] = &[
    "plain-Secret_123",
    "a\"b",
    "a'b",
    "a\\b",
    "a\\\\b",
    "ends with backslash\\",
    "#starts-with-hash",
    "a #not a comment",
    "a\"#b",
    "$HOME",
    "$",
    "cost $5",
    "a\\$b",
    "line1\nline2",
    "\"\n#\"",
    "q\"\nx = 1\n# \"",
    "tab\there",
    "é ✓ 𝄞 中文 \u{2028}",
    "x\"\"\"y",
    "x'''y",
    "'''",
    "\"x",
    "ends with quote\"",
    "=",
    "KEY=value",
    " leading and trailing ",
    "\\n is not a newline",
    "\\u0041",
    "[auth]",
];

/// Values no quoting reads back the same everywhere; each must be refused.
const MUST_REFUSE: &[&str] = &[
    "${HOME}",
    "a${X}b",
    "cr\rlf",
    "nul\u{0}",
    "bell\u{7}",
    "it's $5",
    "\"\"\"",
    "\"\"x",
    "\"",
];

fn adversarial(value: &str) -> RenderInputs {
    let mut inputs = inputs(auth0());
    value.clone_into(&mut inputs.redirect_uri);
    value.clone_into(&mut inputs.client_id);
    inputs.client_secret = SecretString::from(value);
    inputs.m2m_client_secret = Some(SecretString::from(value));
    inputs.connection_name = Some(value.to_owned());
    inputs
}

/// What `.env` must hold, written out independently of the library.
fn expected_dotenv(value: &str, cookie: &str) -> BTreeMap<String, String> {
    [
        ("STREAMLIT_AUTH_PROVIDER", "auth0"),
        ("STREAMLIT_AUTH_REDIRECT_URI", value),
        ("STREAMLIT_AUTH_COOKIE_SECRET", cookie),
        ("STREAMLIT_AUTH_CLIENT_ID", value),
        ("STREAMLIT_AUTH_CLIENT_SECRET", value),
        ("STREAMLIT_AUTH_SERVER_METADATA_URL", METADATA_URL),
        ("AUTH0_DOMAIN", "acme.eu.auth0.com"),
        ("AUTH0_M2M_CLIENT_ID", "m2m-client-id"),
        ("AUTH0_M2M_CLIENT_SECRET", value),
        ("AUTH0_DATABASE_CONNECTION_NAME", value),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn expected_toml(value: &str, cookie: &str) -> Value {
    json!({
        "auth": {
            "redirect_uri": value,
            "cookie_secret": cookie,
            "auth0": {
                "client_id": value,
                "client_secret": value,
                "server_metadata_url": METADATA_URL,
            }
        }
    })
}

enum Outcome {
    Written(PathBuf),
    Refused(RenderError),
}

fn render_case(root: &Path, index: usize, value: &str) -> Outcome {
    let dir = root.join(format!("case-{index}"));
    std::fs::create_dir(&dir).unwrap();
    match render_environment(&adversarial(value), &options(&dir)) {
        Ok(_) => Outcome::Written(dir),
        Err(err) => {
            assert!(
                !dir.join(".env").exists() && !dir.join(".streamlit/secrets.toml").exists(),
                "a refused render wrote files for {value:?}"
            );
            Outcome::Refused(err)
        }
    }
}

/// Checks every written case through all four parsers; returns how many were checked.
fn check_written(cases: &[(String, PathBuf)]) -> usize {
    let mut args = vec!["readback".to_owned()];
    for (_, dir) in cases {
        args.push(dir.join(".streamlit/secrets.toml").display().to_string());
        args.push(dir.join(".env").display().to_string());
    }
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let results = python::run(&arg_refs, None);
    let results = results.as_array().expect("a list of results");
    assert_eq!(results.len(), cases.len());
    for ((value, dir), result) in cases.iter().zip(results) {
        let cookie = super::cookie_secret_in(dir);
        let want_toml = expected_toml(value, &cookie);
        let want_env = expected_dotenv(value, &cookie);
        assert_eq!(
            result["toml"]["ok"], want_toml,
            "toml 0.10 for {value:?}: {result}"
        );
        assert_eq!(
            result["tomllib"]["ok"], want_toml,
            "tomllib for {value:?}: {result}"
        );
        assert_eq!(
            result["dotenv"]["ok"],
            serde_json::to_value(&want_env).unwrap(),
            "python-dotenv for {value:?}: {result}"
        );
        let from_dotenvy: BTreeMap<String, String> = dotenvy::from_path_iter(dir.join(".env"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|err| panic!("dotenvy for {value:?}: {err}"));
        assert_eq!(from_dotenvy, want_env, "dotenvy for {value:?}");
    }
    cases.len()
}

fn assert_refused_clearly(value: &str, err: &RenderError) {
    let RenderError::Unrepresentable { key, reason, .. } = err else {
        panic!("{value:?} was refused without naming a key: {err}");
    };
    assert!(!key.is_empty() && !reason.is_empty(), "{err}");
    let message = err.to_string();
    assert!(message.contains(key.as_str()), "{message}");
}

#[test]
fn adversarial_values_read_back_identically_everywhere() {
    let root = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    for (i, value) in MUST_ROUND_TRIP.iter().enumerate() {
        match render_case(root.path(), i, value) {
            Outcome::Written(dir) => written.push(((*value).to_owned(), dir)),
            Outcome::Refused(err) => panic!("{value:?} was refused: {err}"),
        }
    }
    assert_eq!(check_written(&written), MUST_ROUND_TRIP.len());
}

#[test]
fn values_no_parser_pair_agrees_on_are_refused_naming_the_key() {
    let root = tempfile::tempdir().unwrap();
    for (i, value) in MUST_REFUSE.iter().enumerate() {
        match render_case(root.path(), i, value) {
            Outcome::Written(_) => panic!("{value:?} was written; it cannot read back the same"),
            Outcome::Refused(err) => assert_refused_clearly(value, &err),
        }
    }
}

#[test]
fn a_refusal_names_the_key_but_never_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = inputs(auth0());
    inputs.m2m_client_secret = Some(SecretString::from(sentinel::SECRET_WITH_PLACEHOLDER));
    let err = render_environment(&inputs, &options(dir.path())).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("AUTH0_M2M_CLIENT_SECRET"), "{message}");
    sentinel::assert_absent("the error message", &message);
    sentinel::assert_absent("the error", &format!("{err:?}"));
}

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn random_adversarial_values_read_back_identically_or_are_refused() {
    const PIECES: &[&str] = &[
        "\"", "'", "\\", "#", "$", "{", "}", "${", "\n", "\t", " ", "=", "a", "Z", "é", "𝄞",
        "\"\"\"", "'''", "[", "]", "\\n", "export ",
    ];
    let root = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0x7e4a_4f0e);
    let mut written = Vec::new();
    let mut refused = 0;
    for i in 0..300 {
        let len = 1 + usize::try_from(rng.next() % 8).unwrap();
        let value: String = (0..len)
            .map(|_| PIECES[usize::try_from(rng.next()).unwrap() % PIECES.len()])
            .collect();
        match render_case(root.path(), i, &value) {
            Outcome::Written(dir) => written.push((value, dir)),
            Outcome::Refused(err) => {
                assert_refused_clearly(&value, &err);
                refused += 1;
            }
        }
    }
    let checked = check_written(&written);
    assert_eq!(checked + refused, 300);
    // The escaping must not get its safety by refusing nearly everything.
    assert!(checked > 150, "only {checked} of 300 values were written");
}
