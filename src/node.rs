//! Which Node runs post-login Actions (`actions test`, the emulator at login): the runtime
//! needs Node.js 20 or later.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use auth0_emulator::login_actions::{RuntimeError, RuntimeOptions};

/// The oldest Node major version the Actions runtime supports.
pub const MINIMUM_MAJOR: u32 = 20;

/// What `node --version` said, judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeCheck {
    /// A supported Node, e.g. `v22.11.0`.
    Supported(String),
    /// A Node too old (or a version this tool cannot read).
    Unsupported(String),
    /// No Node could be started; the reason.
    Missing(String),
}

impl NodeCheck {
    /// Judges the answer of `ActionsRuntime::node_version` (or `Emulator::actions_node`).
    pub fn from_version(version: Result<String, RuntimeError>) -> Self {
        match version {
            Ok(version) if major(&version).is_some_and(|m| m >= MINIMUM_MAJOR) => {
                NodeCheck::Supported(version)
            }
            Ok(version) => NodeCheck::Unsupported(version),
            Err(error) => NodeCheck::Missing(error.to_string()),
        }
    }
}

/// How Actions run: `node` (a path, or a name looked up on `PATH`), the directory of their
/// npm packages (made absolute: the runtime runs elsewhere), the time limit of one run.
pub fn runtime_options(
    node: &Path,
    node_modules: Option<&Path>,
    timeout: Duration,
) -> anyhow::Result<RuntimeOptions> {
    let node_modules = node_modules
        .map(|dir| {
            std::path::absolute(dir)
                .with_context(|| format!("--actions-node-modules {}", dir.display()))
        })
        .transpose()?;
    Ok(RuntimeOptions {
        node: node.to_path_buf(),
        timeout,
        node_modules,
    })
}

/// `v20.11.1` → 20.
fn major(version: &str) -> Option<u32> {
    version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_20_and_later_are_supported() {
        assert_eq!(
            NodeCheck::from_version(Ok("v20.0.0".into())),
            NodeCheck::Supported("v20.0.0".into())
        );
        assert_eq!(
            NodeCheck::from_version(Ok("v18.19.1".into())),
            NodeCheck::Unsupported("v18.19.1".into())
        );
        assert_eq!(
            NodeCheck::from_version(Ok(String::new())),
            NodeCheck::Unsupported(String::new())
        );
        assert!(matches!(
            NodeCheck::from_version(Err(RuntimeError::Failed("x".into()))),
            NodeCheck::Missing(_)
        ));
    }
}
