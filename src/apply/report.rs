//! What an apply run tells its caller: events as they happen and a final report.

use std::fmt;

use crate::api::ApiError;
use tenantform_core::plan::{Address, Change};

/// Something that happened while executing, for progress display.
#[derive(Debug)]
pub enum ApplyEvent<'a> {
    /// A change is about to be sent.
    Started(&'a Change),
    /// The change is done; `detail` says what was done when it is not obvious.
    Applied(&'a Change, Option<String>),
    /// The change failed; execution stops.
    Failed(&'a Change, &'a str),
    /// A new bootstrap user's password-change ticket, to hand over to the admin.
    Ticket(&'a Ticket),
}

/// A password-change ticket URL for a user created without a known password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub email: String,
    pub url: String,
}

/// The change that stopped the run and Auth0's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub address: Address,
    pub message: String,
}

/// Applied, failed and pending changes of one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub applied: Vec<Address>,
    pub failed: Option<Failure>,
    pub pending: Vec<Address>,
    pub tickets: Vec<Ticket>,
}

impl ApplyReport {
    pub fn is_complete(&self) -> bool {
        self.failed.is_none() && self.pending.is_empty()
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The plan asks for something tenantform does not do (listed, one per line).
    #[error("refusing to apply, nothing was changed:\n{}", bullets(.0))]
    Refused(Vec<String>),
    #[error(
        "missing secret environment variable{} {}; nothing was changed",
        if .0.len() == 1 { "" } else { "s" },
        .0.join(", ")
    )]
    MissingSecrets(Vec<String>),
    /// The safety reads before the first write failed.
    #[error("cannot check the plan against the tenant: {0}")]
    Api(#[from] ApiError),
}

fn bullets(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| format!("  - {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.address, self.message)
    }
}
