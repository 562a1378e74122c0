//! `tenantform validate`.

use crate::cli::{OutputArgs, ValidateArgs};
use crate::commands::ExitStatus;

pub fn run(_args: &ValidateArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("validate")
}
