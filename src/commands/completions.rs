//! `tenantform completions SHELL`: the shell completion script, generated from the CLI's
//! definition (so it never lags behind a new option).

use clap::CommandFactory as _;

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::ExitStatus;
use crate::printer::Printer;

pub fn run(args: &CompletionsArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tenantform", &mut script);
    printer.result(String::from_utf8_lossy(&script).trim_end());
    Ok(ExitStatus::Success)
}
