//! Owns what the user sees: results on stdout, progress and diagnostics on stderr, shaped by
//! `--quiet`, `--verbose`, `--color` and `--no-progress`.

use std::io::IsTerminal;

use crate::cli::{ColorChoice, OutputArgs};

#[derive(Debug, Clone)]
pub struct Printer {
    quiet: bool,
    verbose: bool,
    color: bool,
    progress: bool,
}

impl Printer {
    pub fn new(args: &OutputArgs) -> Self {
        let stdout_tty = std::io::stdout().is_terminal();
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none(),
        };
        let progress = !args.no_progress
            && !args.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        Self {
            quiet: args.quiet,
            verbose: args.verbose,
            color,
            progress,
        }
    }

    /// A printer for tests and library callers: plain, no progress.
    pub fn plain() -> Self {
        Self {
            quiet: false,
            verbose: false,
            color: false,
            progress: false,
        }
    }

    /// Whether stdout output may use ANSI colors.
    pub fn color(&self) -> bool {
        self.color
    }

    /// Whether to draw progress bars (a terminal, not CI, not quiet).
    pub fn progress(&self) -> bool {
        self.progress
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// The command's result: always printed, on stdout.
    pub fn result(&self, text: &str) {
        anstream::println!("{text}");
    }

    /// Progress and status lines, on stderr, unless `--quiet`.
    pub fn status(&self, text: &str) {
        if !self.quiet {
            anstream::eprintln!("{text}");
        }
    }

    /// Detail shown with `--verbose`, on stderr.
    pub fn detail(&self, text: &str) {
        if self.verbose && !self.quiet {
            anstream::eprintln!("{text}");
        }
    }

    /// A warning, on stderr, even with `--quiet`.
    pub fn warning(&self, text: &str) {
        let style = anstyle::AnsiColor::Yellow.on_default().bold();
        anstream::eprintln!("{style}warning{style:#}: {text}");
    }
}
