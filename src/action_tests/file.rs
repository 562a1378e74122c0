//! A file of Action test cases (`actions/tests/*.yaml`): the Action it tests, shared inputs and
//! the cases with what each expects. The format is documented in
//! `crates/auth0-emulator/actions-runtime/README.md` ("Test cases").

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use auth0_emulator::login_actions::Dependency;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value};
use serde_saphyr::MessageFormatter as _;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    action: PathBuf,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    secrets: IndexMap<String, String>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default)]
    defaults: Inputs,
    cases: Vec<RawCase>,
}

/// A value a case can give over its default: mappings merge key by key at every depth,
/// anything else replaces.
trait Overlay: Clone {
    fn overlay(self, over: Self) -> Self;
}

impl Overlay for Map<String, Value> {
    fn overlay(self, over: Self) -> Self {
        let mut merged = Value::Object(self);
        merge(&mut merged, &Value::Object(over));
        match merged {
            Value::Object(map) => map,
            _ => unreachable!("an object merged with an object is an object"),
        }
    }
}

impl Overlay for IndexMap<String, String> {
    fn overlay(mut self, over: Self) -> Self {
        self.extend(over);
        self
    }
}

impl Overlay for u64 {
    fn overlay(self, over: Self) -> Self {
        over
    }
}

impl Overlay for i64 {
    fn overlay(self, over: Self) -> Self {
        over
    }
}

/// `over` over `base`, each optional.
fn overlay<T: Overlay>(base: Option<&T>, over: Option<T>) -> Option<T> {
    match (base, over) {
        (Some(base), Some(over)) => Some(base.clone().overlay(over)),
        (base, over) => over.or_else(|| base.cloned()),
    }
}

/// Declares the case inputs once: [`Inputs`] (what `defaults:` holds and a case ends up
/// with) and `RawCase` (a case as written: a name, the inputs, `expect:`), both rejecting
/// unknown keys with the parser's line and column.
macro_rules! case_inputs {
    ($($(#[$doc:meta])* $field:ident: $ty:ty,)*) => {
        /// What a case builds its event from; every key is optional and merges over
        /// `defaults`.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Inputs {
            $($(#[$doc])* pub $field: Option<$ty>,)*
        }

        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawCase {
            name: String,
            #[serde(default)]
            expect: Expect,
            $($field: Option<$ty>,)*
        }

        impl RawCase {
            /// The case's name, its inputs merged over `defaults`, what it expects.
            fn resolve(self, defaults: &Inputs) -> (String, Inputs, Expect) {
                let inputs = Inputs {
                    $($field: overlay(defaults.$field.as_ref(), self.$field),)*
                };
                (self.name, inputs, self.expect)
            }
        }
    };
}

case_inputs! {
    /// Merged over the default user (`event.user`).
    user: Map<String, Value>,
    /// `event.stats.logins_count` (1 = the first login).
    logins_count: u64,
    connection: Map<String, Value>,
    /// `metadata` is the client's metadata, as in the event.
    client: Map<String, Value>,
    /// `ip`, `hostname`, `user_agent`, `query` (merged over the default query), ...
    request: Map<String, Value>,
    transaction: Map<String, Value>,
    tenant: Map<String, Value>,
    authorization: Map<String, Value>,
    /// Replaces the default `event.authentication`.
    authentication: Map<String, Value>,
    organization: Map<String, Value>,
    resource_server: Map<String, Value>,
    session: Map<String, Value>,
    /// Merged over the file's `secrets`.
    secrets: IndexMap<String, String>,
    /// The runtime's clock for `api.cache` and the event's timestamps.
    now_ms: i64,
}

/// What a case expects; only the keys given are checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub outcome: Option<ExpectedOutcome>,
    pub deny_reason: Option<String>,
    pub error: Option<String>,
    pub error_kind: Option<String>,
    pub id_token_claims: Option<Map<String, Value>>,
    pub access_token_claims: Option<Map<String, Value>>,
    pub app_metadata: Option<Map<String, Value>>,
    pub user_metadata: Option<Map<String, Value>>,
    pub logs: Option<OneOrMany>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpectedOutcome {
    Allow,
    Deny,
    Error,
}

impl ExpectedOutcome {
    pub fn name(self) -> &'static str {
        match self {
            ExpectedOutcome::Allow => "allow",
            ExpectedOutcome::Deny => "deny",
            ExpectedOutcome::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(one) => vec![one.as_str()],
            OneOrMany::Many(many) => many.iter().map(String::as_str).collect(),
        }
    }
}

/// A loaded test file.
#[derive(Debug)]
pub struct TestFile {
    /// The Action's name in the run (and in its logs).
    pub name: String,
    pub code: String,
    pub secrets: IndexMap<String, String>,
    pub dependencies: Vec<Dependency>,
    pub cases: Vec<Case>,
}

#[derive(Debug)]
pub struct Case {
    pub name: String,
    /// `defaults` with the case's own inputs merged over them.
    pub inputs: Inputs,
    pub expect: Expect,
}

/// Why a test file cannot be run. The message starts with the file (and the line and column
/// when the YAML parser knows them).
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", location(path, *position))]
pub struct LoadError {
    pub path: PathBuf,
    /// Line and column (1-based).
    pub position: Option<(u64, u64)>,
    pub message: String,
}

fn location(path: &Path, position: Option<(u64, u64)>) -> String {
    match position {
        Some((line, column)) => format!("{}:{line}:{column}", path.display()),
        None => path.display().to_string(),
    }
}

/// Reads `path` and the Action file it names (relative to `path`'s directory).
pub fn load(path: &Path) -> Result<TestFile, LoadError> {
    let invalid = |message: String| LoadError {
        path: path.to_owned(),
        position: None,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|error| invalid(format!("cannot read the test file: {error}")))?;
    let raw: RawFile =
        serde_saphyr::from_str_with_options(&text, tenantform_core::model::load::yaml_options())
            .map_err(|error| {
                let mut message = serde_saphyr::DefaultMessageFormatter
                    .format_message(&error)
                    .into_owned();
                // The parser's advice is for its API users, not for people editing a test file.
                if let Some(cut) = message.find(", set DuplicateKeyPolicy") {
                    message.truncate(cut);
                }
                if message == "expected mapping start" {
                    "expected a mapping (`{key: value}` or indented `key: value` lines)"
                        .clone_into(&mut message);
                } else if message == "expected sequence start" {
                    "expected a list (`[a, b]` or `- a` lines)".clone_into(&mut message);
                } else if message.starts_with("invalid u") || message.starts_with("invalid i") {
                    "expected a whole number".clone_into(&mut message);
                }
                LoadError {
                    path: path.to_owned(),
                    position: error
                        .location()
                        .filter(|l| l.line() > 0)
                        .map(|l| (l.line(), l.column())),
                    message,
                }
            })?;
    if raw.cases.is_empty() {
        return Err(invalid(
            "`cases` is empty: a test file needs at least one case".into(),
        ));
    }
    let action_path = path.parent().unwrap_or(Path::new(".")).join(&raw.action);
    let code = std::fs::read_to_string(&action_path).map_err(|error| {
        invalid(format!(
            "cannot read the Action `action: {}` ({}): {error}",
            raw.action.display(),
            action_path.display()
        ))
    })?;
    let mut seen = HashSet::new();
    let mut cases = Vec::new();
    for raw_case in raw.cases {
        let (name, inputs, expect) = raw_case.resolve(&raw.defaults);
        if name.trim().is_empty() {
            return Err(invalid(format!(
                "case {} has an empty `name`",
                cases.len() + 1
            )));
        }
        if !seen.insert(name.clone()) {
            return Err(invalid(format!("two cases are named {name:?}")));
        }
        cases.push(Case {
            name,
            inputs,
            expect,
        });
    }
    let name = raw
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| {
            action_path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    Ok(TestFile {
        name,
        code,
        secrets: raw.secrets,
        dependencies: raw.dependencies,
        cases,
    })
}

/// Mappings merge key by key at every depth; anything else replaces.
pub fn merge(target: &mut Value, overlay: &Value) {
    match (target, overlay) {
        (Value::Object(target), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (target, overlay) => *target = overlay.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_case_merges_over_defaults_at_every_depth() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.js",
            "exports.onExecutePostLogin = async () => {};",
        );
        let path = write(
            dir.path(),
            "t.yaml",
            "action: a.js\nsecrets: {A: '1'}\ndefaults:\n  user: {app_metadata: {team: a}}\n  logins_count: 5\n  request: {query: {redirect_uri: 'https://app/cb'}}\ncases:\n  - name: c\n    user: {app_metadata: {roles: [r]}}\n    secrets: {B: '2'}\n    logins_count: 3\n    expect: {deny_reason: x}\n  - name: d\n",
        );
        let file = load(&path).unwrap();
        assert_eq!(file.name, "a");
        let c = &file.cases[0];
        assert_eq!(
            Value::Object(c.inputs.user.clone().unwrap()),
            serde_json::json!({"app_metadata": {"team": "a", "roles": ["r"]}})
        );
        assert_eq!(c.inputs.logins_count, Some(3));
        assert_eq!(file.cases[1].inputs.logins_count, Some(5));
        assert_eq!(
            c.inputs.request.as_ref().unwrap()["query"]["redirect_uri"],
            "https://app/cb"
        );
        assert_eq!(c.inputs.secrets.as_ref().unwrap()["B"], "2");
        assert_eq!(c.expect.deny_reason.as_deref(), Some("x"));
    }

    #[test]
    fn an_unknown_key_in_a_case_names_the_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.js", "");
        let path = write(
            dir.path(),
            "t.yaml",
            "action: a.js\ncases:\n  - name: typo\n    usr: {email: a@b.c}\n",
        );
        let error = load(&path).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("{}:4:", path.display())),
            "{error}"
        );
        assert!(error.contains("usr"), "{error}");
    }

    #[test]
    fn an_unknown_key_in_expect_and_a_missing_action_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.js", "");
        let typo = write(
            dir.path(),
            "typo.yaml",
            "action: a.js\ncases:\n  - name: c\n    expect: {outcom: allow}\n",
        );
        let error = load(&typo).unwrap_err().to_string();
        assert!(error.contains("typo.yaml:4:"), "{error}");
        assert!(error.contains("outcom"), "{error}");

        let wrong = write(
            dir.path(),
            "wrong.yaml",
            "action: a.js\ncases:\n  - name: c\n    logins_count: two\n    user: [a]\n",
        );
        let error = load(&wrong).unwrap_err().to_string();
        assert!(
            error.ends_with("wrong.yaml:4:19: expected a whole number"),
            "{error}"
        );

        let missing = write(
            dir.path(),
            "missing.yaml",
            "action: gone.js\ncases:\n  - name: c\n",
        );
        let error = load(&missing).unwrap_err().to_string();
        assert!(error.starts_with(&missing.display().to_string()), "{error}");
        assert!(error.contains("gone.js"), "{error}");
    }

    #[test]
    fn duplicate_and_empty_case_lists_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.js", "");
        let twice = write(
            dir.path(),
            "twice.yaml",
            "action: a.js\ncases:\n  - name: c\n  - name: c\n",
        );
        assert!(
            load(&twice)
                .unwrap_err()
                .to_string()
                .contains("two cases are named \"c\"")
        );
        let empty = write(dir.path(), "empty.yaml", "action: a.js\ncases: []\n");
        assert!(
            load(&empty)
                .unwrap_err()
                .to_string()
                .contains("`cases` is empty")
        );
    }
}
