//! `tenantform emulate`.

use crate::cli::{EmulateArgs, OutputArgs};
use crate::commands::ExitStatus;

#[allow(clippy::unused_async)]
pub async fn run(_args: EmulateArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("emulate")
}
