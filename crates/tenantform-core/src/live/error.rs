//! Why a live body could not be normalized.

/// A live body lacked a field every Auth0 response of its kind has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected {kind} body from Auth0: {problem}")]
pub struct NormalizeError {
    pub kind: &'static str,
    pub problem: String,
}

impl NormalizeError {
    pub(crate) fn new(kind: &'static str, problem: impl Into<String>) -> Self {
        Self {
            kind,
            problem: problem.into(),
        }
    }
}
