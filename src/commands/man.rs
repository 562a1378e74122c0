//! `tenantform man`: the man page (roff), generated from the CLI's definition.

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::commands::ExitStatus;
use crate::printer::Printer;

pub fn run(printer: &Printer) -> anyhow::Result<ExitStatus> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    printer.result(String::from_utf8_lossy(&page).trim_end());
    Ok(ExitStatus::Success)
}
