//! `tenantform demo`.

use crate::cli::{DemoArgs, OutputArgs};
use crate::commands::ExitStatus;

#[allow(clippy::unused_async)]
pub async fn run(_args: DemoArgs, _output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    crate::commands::not_implemented("demo")
}
