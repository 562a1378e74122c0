//! `tenantform render`.

use crate::cli::{OutputArgs, RenderArgs};
use crate::commands::ExitStatus;

#[allow(clippy::unused_async)]
pub async fn run(_args: RenderArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("render")
}
