//! Runs Actions in Node: one `node` subprocess per run, fed one JSON request on stdin by the
//! runtime in `actions-runtime/runtime.js` (its README documents the protocol), killed when it
//! outlives the time limit.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::io::AsyncWriteExt as _;

/// The runtime, embedded so the emulator works from any directory.
const RUNTIME_JS: &str = include_str!("../../actions-runtime/runtime.js");

/// Auth0 stops an Action after 20 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Where Node is and how Actions run.
#[derive(Debug, Clone)]
pub struct RuntimeOptions {
    /// The `node` executable (looked up on `PATH` when it is a bare name).
    pub node: PathBuf,
    pub timeout: Duration,
    /// A `node_modules` directory holding the Actions' declared dependencies.
    pub node_modules: Option<PathBuf>,
}

impl Default for RuntimeOptions {
    fn default() -> Self {
        Self {
            node: PathBuf::from("node"),
            timeout: DEFAULT_TIMEOUT,
            node_modules: None,
        }
    }
}

/// One Action as the runtime needs it. Secret values are sent to Node only.
#[derive(Clone, Serialize)]
pub struct ActionSource {
    pub name: String,
    pub code: String,
    pub secrets: IndexMap<String, String>,
    pub dependencies: Vec<Dependency>,
}

impl std::fmt::Debug for ActionSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionSource")
            .field("name", &self.name)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
}

/// `api.cache` entries per Action name, carried from one run to the next.
pub type ActionCache = Map<String, Value>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Allow,
    Deny,
    Error,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Denial {
    pub action: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ActionFailure {
    pub action: String,
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct LogLine {
    pub action: String,
    pub level: String,
    pub message: String,
}

/// What the Actions decided.
#[derive(Debug, Clone, Deserialize)]
pub struct RunResult {
    pub outcome: Outcome,
    #[serde(default)]
    pub deny: Option<Denial>,
    #[serde(default)]
    pub error: Option<ActionFailure>,
    #[serde(default)]
    pub id_token_claims: Map<String, Value>,
    #[serde(default)]
    pub access_token_claims: Map<String, Value>,
    /// The user's whole `app_metadata` after the run; `None` when no Action changed it.
    #[serde(default)]
    pub app_metadata: Option<Value>,
    #[serde(default)]
    pub user_metadata: Option<Value>,
    #[serde(default)]
    pub logs: Vec<LogLine>,
    #[serde(default)]
    pub cache: ActionCache,
    #[serde(default)]
    pub executed: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("node was not found ({node}): {source}")]
    NodeMissing {
        node: String,
        source: std::io::Error,
    },
    #[error("the Actions did not finish within {0:?} and were stopped")]
    Timeout(Duration),
    #[error("the Actions runtime failed: {0}")]
    Failed(String),
}

/// Starts `node` with the embedded runtime.
pub struct ActionsRuntime {
    options: RuntimeOptions,
    script: tempfile::TempPath,
}

impl ActionsRuntime {
    pub fn new(options: RuntimeOptions) -> std::io::Result<Self> {
        let file = tempfile::Builder::new()
            .prefix("tenantform-actions-runtime-")
            .suffix(".js")
            .tempfile()?;
        std::fs::write(file.path(), RUNTIME_JS)?;
        Ok(Self {
            options,
            script: file.into_temp_path(),
        })
    }

    pub fn options(&self) -> &RuntimeOptions {
        &self.options
    }

    /// `node --version`, or why Node cannot run.
    pub async fn node_version(&self) -> Result<String, RuntimeError> {
        let output = tokio::process::Command::new(&self.options.node)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|source| self.missing(source))?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    fn missing(&self, source: std::io::Error) -> RuntimeError {
        RuntimeError::NodeMissing {
            node: self.options.node.display().to_string(),
            source,
        }
    }

    /// Runs `actions` in order on `event` (the post-login event without `secrets`: each
    /// Action gets its own).
    pub async fn run(
        &self,
        actions: &[ActionSource],
        event: &Value,
        cache: &ActionCache,
        now_ms: i64,
    ) -> Result<RunResult, RuntimeError> {
        let request = serde_json::json!({
            "trigger": "post-login",
            "actions": actions,
            "event": event,
            "cache": cache,
            "node_modules": self.options.node_modules.as_deref().map(Path::display).map(|p| p.to_string()),
            "now_ms": now_ms,
        });
        let mut child = tokio::process::Command::new(&self.options.node)
            .arg(&*self.script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| self.missing(source))?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let input = request.to_string();
        let run = async move {
            // A runtime that exits early closes stdin: its output says why.
            let _ = stdin.write_all(input.as_bytes()).await;
            drop(stdin);
            child.wait_with_output().await
        };
        let output = tokio::time::timeout(self.options.timeout, run)
            .await
            .map_err(|_| RuntimeError::Timeout(self.options.timeout))?
            .map_err(|error| RuntimeError::Failed(error.to_string()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(RuntimeError::Failed(format!(
                "node exited with {}: {}",
                output.status,
                stderr.trim()
            )));
        }
        serde_json::from_slice(&output.stdout).map_err(|error| {
            RuntimeError::Failed(format!("unreadable answer from the runtime: {error}"))
        })
    }
}
