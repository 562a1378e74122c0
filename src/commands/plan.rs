//! `tenantform plan`.

use crate::cli::{OutputArgs, PlanArgs};
use crate::commands::ExitStatus;

#[allow(clippy::unused_async)]
pub async fn run(_args: PlanArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("plan")
}
