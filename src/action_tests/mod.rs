//! `tenantform actions test`: an Action run against test cases without a tenant, through the
//! same Node runtime the emulator runs it with at login.

mod event;
mod expect;
mod file;

use auth0_emulator::login_actions::{ActionSource, ActionsRuntime, RuntimeError};

pub use file::{TestFile, load};

/// Where test files are looked for when none is given.
pub const DEFAULT_DIR: &str = "actions/tests";

/// How one case went.
#[derive(Debug)]
pub struct CaseReport {
    pub name: String,
    /// Empty when the case passed.
    pub failures: Vec<String>,
    /// What the Action printed (`[level] message`), for the failure report.
    pub logs: Vec<String>,
}

impl CaseReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every case of `file`, each in its own Node process with an empty cache. A case whose
/// run fails (a timeout, a runtime that crashed) fails; only a missing `node` ends the whole
/// run, since no case can pass without it.
pub async fn run(
    file: &TestFile,
    runtime: &ActionsRuntime,
) -> Result<Vec<CaseReport>, RuntimeError> {
    let mut reports = Vec::new();
    for case in &file.cases {
        let (event, now_ms) = event::build(&case.inputs);
        let mut secrets = file.secrets.clone();
        secrets.extend(case.inputs.secrets.clone().unwrap_or_default());
        let action = ActionSource {
            name: file.name.clone(),
            code: file.code.clone(),
            secrets,
            dependencies: file.dependencies.clone(),
        };
        let report = match runtime
            .run(&[action], &event, &serde_json::Map::new(), now_ms)
            .await
        {
            Ok(result) => CaseReport {
                name: case.name.clone(),
                failures: expect::check(&case.expect, &result, &event["user"]),
                logs: result
                    .logs
                    .iter()
                    .map(|l| format!("[{}] {}", l.level, l.message))
                    .collect(),
            },
            Err(error @ RuntimeError::NodeMissing { .. }) => return Err(error),
            Err(error) => CaseReport {
                name: case.name.clone(),
                failures: vec![format!("run: {error}")],
                logs: Vec::new(),
            },
        };
        reports.push(report);
    }
    Ok(reports)
}
