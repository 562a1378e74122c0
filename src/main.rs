//! Thin entry point: parse arguments, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use tenantform::cli::Cli;
use tenantform::printer::Printer;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let printer = Printer::new(&cli.output);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            printer.error(&format!("cannot start the async runtime: {error}"));
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(tenantform::commands::run(cli.command, &printer)) {
        Ok(status) => ExitCode::from(status.code()),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            printer.error(&tenantform::error_text::one_line(&error));
            ExitCode::from(1)
        }
    }
}

/// `tenantform plan | head` must not fail: a closed stdout is success.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
