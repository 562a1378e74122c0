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
    /// The change failed; changes that depend on it will be skipped, the others go ahead.
    Failed(&'a Change, &'a str),
    /// The change was not sent, for the reason given (a change it depends on failed or was
    /// skipped, or the apply lock was lost).
    Skipped(&'a Change, &'a str),
    /// A new bootstrap user's password-change ticket, to hand over to the admin.
    Ticket(&'a Ticket),
}

/// A password-change ticket URL for a user created without a known password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub email: String,
    pub url: String,
}

/// A change that failed and Auth0's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub address: Address,
    pub message: String,
}

/// A change that was not sent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub address: Address,
    /// The failed (or itself skipped) change it depends on; `None` when every remaining
    /// change was skipped for another reason (the apply lock was lost).
    pub because_of: Option<Address>,
    /// In words, e.g. `depends on application["dashboard"], which failed`.
    pub reason: String,
}

/// Applied, failed and skipped changes of one run. Every pending change of the plan is in
/// exactly one of the three lists, in plan order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    pub applied: Vec<Address>,
    pub failed: Vec<Failure>,
    pub skipped: Vec<Skipped>,
    pub tickets: Vec<Ticket>,
}

impl ApplyReport {
    pub fn is_complete(&self) -> bool {
        self.failed.is_empty() && self.skipped.is_empty()
    }

    /// The lines of a run that did not complete: what was applied, what failed and why,
    /// what was skipped and because of what.
    pub fn incomplete_summary(&self) -> String {
        let mut lines = vec![format!("  applied: {}", list(&self.applied))];
        if self.failed.is_empty() {
            lines.push("  failed:  none".to_owned());
        }
        for failure in &self.failed {
            lines.push(format!("  failed:  {failure}"));
        }
        if self.skipped.is_empty() {
            lines.push("  skipped: none".to_owned());
        }
        for skipped in &self.skipped {
            lines.push(format!(
                "  skipped: {} ({})",
                skipped.address, skipped.reason
            ));
        }
        lines.join("\n")
    }
}

fn list(addresses: &[Address]) -> String {
    if addresses.is_empty() {
        "none".to_owned()
    } else {
        addresses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The plan asks for something tenantform does not do (listed, one per line).
    #[error("refusing to apply, nothing was changed:\n{}", bullets(.0))]
    Refused(Vec<String>),
    /// Secrets the plan sends have no value (one per line: the change, the field, the variable).
    #[error("the plan sends secrets without a value, nothing was changed:\n{}", bullets(.0))]
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
