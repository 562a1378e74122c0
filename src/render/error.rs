//! Why a render was refused. No variant ever carries a secret value: only names, keys, paths
//! and reasons.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("environment variable {name} is not set (or is empty)")]
    MissingVariable { name: String },

    #[error("environment variables are not set (or are empty): {names}")]
    MissingVariables { names: String },

    #[error("environment variable {name}: {reason}")]
    InvalidVariable { name: String, reason: String },

    #[error("{what}: {reason}")]
    InvalidInput { what: String, reason: String },

    #[error("template {template}: {message}")]
    Template { template: String, message: String },

    #[error("cannot write {key} into {file}: {reason}; change the value (nothing was written)")]
    Unrepresentable {
        file: &'static str,
        key: String,
        reason: String,
    },

    #[error("the rendered {file} does not parse ({reason}); nothing was written")]
    RenderedInvalid { file: &'static str, reason: String },

    #[error("the rendered {file} {problem} {key}; nothing was written")]
    Mismatch {
        file: &'static str,
        key: String,
        problem: MismatchProblem,
    },

    #[error(
        "cannot read the cookie secret from {path}: {reason}; fix or delete the file, or pass --rotate-cookie-secret (which logs everyone out)"
    )]
    ExistingSecretsUnreadable { path: PathBuf, reason: String },

    #[error(
        "refusing to write {path}: git tracks it, so the secrets would be committed; `git rm --cached` it and add it to .gitignore"
    )]
    GitTracked { path: PathBuf },

    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How a parsed-back value failed to match what was rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MismatchProblem {
    Lacks,
    Differs,
    NotAString,
    Duplicates,
}

impl std::fmt::Display for MismatchProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Lacks => "lacks",
            Self::Differs => "reads back a different value for",
            Self::NotAString => "holds a non-string value for",
            Self::Duplicates => "sets more than once",
        })
    }
}

impl RenderError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
