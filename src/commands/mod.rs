//! One file per subcommand. Each turns its clap arguments into settings, calls the library and
//! returns an [`ExitStatus`]; `main.rs` maps errors to exit code 1.

pub mod apply;
pub mod common;
pub mod demo;
pub mod emulate;
pub mod export;
pub mod plan;
pub mod render;
pub mod schema;
pub mod validate;

use crate::cli::{Cli, Command};

/// What a command tells the shell. `Changes` is only returned when asked for
/// (`plan --detailed-exitcode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Success,
    Failure,
    Changes,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Changes => 2,
        }
    }
}

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let output = cli.output;
    match cli.command {
        Command::Validate(args) => validate::run(&args, &output),
        Command::Schema => schema::run(),
        Command::Plan(args) => plan::run(args, &output).await,
        // Boxed: these futures hold a whole plan-read-apply cycle and are large.
        Command::Apply(args) => Box::pin(apply::run(args, &output)).await,
        Command::Render(args) => render::run(args, &output).await,
        Command::Export(args) => export::run(args, &output).await,
        Command::Emulate(args) => emulate::run(args, &output).await,
        Command::Demo(args) => Box::pin(demo::run(args, &output)).await,
    }
}
