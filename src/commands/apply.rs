//! `tenantform apply`.

use crate::cli::{ApplyArgs, OutputArgs};
use crate::commands::ExitStatus;

#[allow(clippy::unused_async)]
pub async fn run(_args: ApplyArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("apply")
}
