//! One file per subcommand. Each turns its clap arguments into settings, calls the library and
//! returns an [`ExitStatus`]; `main.rs` maps errors to exit code 1. Commands do not call each
//! other, and print only through the [`Printer`].

pub mod actions;
pub mod apply;
pub mod completions;
pub mod demo;
pub mod emulate;
pub mod export;
pub mod man;
pub mod plan;
pub mod render;
pub mod schema;
pub mod show;
pub mod validate;

use crate::cli::Command;
use crate::printer::Printer;

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
pub async fn run(command: Command, printer: &Printer) -> anyhow::Result<ExitStatus> {
    match command {
        Command::Validate(args) => validate::run(&args, printer),
        Command::Schema => schema::run(printer),
        // Boxed: these futures hold whole reads of the tenant and are large.
        Command::Plan(args) => Box::pin(plan::run(args, printer)).await,
        Command::Apply(args) => Box::pin(apply::run(args, printer)).await,
        Command::Render(args) => render::run(args, printer).await,
        Command::Export(args) => export::run(args, printer).await,
        Command::Emulate(args) => emulate::run(args, printer).await,
        Command::Demo(args) => Box::pin(demo::run(args, printer)).await,
        Command::Actions(args) => actions::run(args, printer).await,
        Command::Show(args) => show::run(&args, printer),
        Command::Completions(args) => completions::run(&args, printer),
        Command::Man => man::run(printer),
    }
}
