//! `tenantform export`.

use crate::cli::{ExportArgs, OutputArgs};
use crate::commands::ExitStatus;

#[allow(clippy::unused_async)]
pub async fn run(_args: ExportArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("export")
}
