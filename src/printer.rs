//! Owns what the user sees: results on stdout, progress, diagnostics, warnings and errors on
//! stderr, shaped by `--quiet`, `--verbose`, `--color` (and `NO_COLOR`) and `--no-progress`.
//! Nothing else in the tool prints.

use std::fmt::Display;
use std::io::{BufRead as _, IsTerminal as _, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anstream::AutoStream;
use anstream::stream::RawStream;
use anstyle::{AnsiColor, Style};

use crate::cli::{ColorChoice, OutputArgs, PlanFormat};
use auth0_emulator::Message;
use tenantform_core::model::Diagnostic;
use tenantform_core::plan::Plan;
use tenantform_core::plan::view::{self, HumanOptions};

#[derive(Debug, Clone)]
pub struct Printer {
    quiet: bool,
    verbose: bool,
    /// ANSI colors on stdout (results, the plan).
    stdout_color: bool,
    /// ANSI colors on stderr (diagnostics, warnings, errors).
    stderr_color: bool,
    progress: bool,
    /// When set, lines are kept here instead of printed ([`Printer::capturing`]).
    captured: Option<Captured>,
}

/// The lines a capturing printer kept, in order, for [`Printer::replay`].
#[derive(Debug, Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<(Stream, String)>>>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

impl Printer {
    pub fn new(args: &OutputArgs) -> Self {
        let progress = !args.no_progress
            && !args.quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none();
        Self {
            quiet: args.quiet,
            verbose: args.verbose,
            stdout_color: colored(args.color, &std::io::stdout()),
            stderr_color: colored(args.color, &std::io::stderr()),
            progress,
            captured: None,
        }
    }

    /// A printer for tests and library callers: plain, no progress.
    pub fn plain() -> Self {
        Self {
            quiet: false,
            verbose: false,
            stdout_color: false,
            stderr_color: false,
            progress: false,
            captured: None,
        }
    }

    /// A printer with the same settings that keeps its lines instead of printing them, so
    /// that work done at the same time as other work (one tenant among several) prints as one
    /// group afterwards. It draws no progress bar and cannot ask anything.
    pub fn capturing(&self) -> (Printer, Captured) {
        let captured = Captured::default();
        let printer = Printer {
            progress: false,
            captured: Some(captured.clone()),
            ..self.clone()
        };
        (printer, captured)
    }

    /// Prints what a capturing printer kept, in order; with `stdout_to_stderr`, its stdout
    /// lines go to stderr (when stdout is reserved for one machine-readable document).
    pub fn replay(&self, captured: &Captured, stdout_to_stderr: bool) {
        let lines = std::mem::take(&mut *captured.0.lock().expect("not poisoned"));
        for (stream, line) in lines {
            if stream == Stream::Stdout && !stdout_to_stderr {
                self.stdout(line);
            } else {
                self.stderr(line);
            }
        }
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether `--verbose` detail is printed.
    pub fn is_verbose(&self) -> bool {
        self.verbose && !self.quiet
    }

    /// The command's result: always printed, on stdout.
    pub fn result(&self, text: &str) {
        self.stdout(text);
    }

    /// The plan in `format`, on stdout (the human view colored when stdout is).
    pub fn plan(&self, plan: &Plan, format: PlanFormat) {
        let text = match format {
            PlanFormat::Human => view::human(
                plan,
                HumanOptions {
                    color: self.stdout_color,
                },
            ),
            PlanFormat::Json => view::json(plan),
            PlanFormat::Markdown => view::markdown(plan),
        };
        self.stdout(text.trim_end());
    }

    /// Progress and status lines, on stderr, unless `--quiet`.
    pub fn status(&self, text: &str) {
        if !self.quiet {
            self.stderr(text);
        }
    }

    /// What the run is waiting for, on stderr as it happens (even from a capturing printer:
    /// it is about now, not part of a tenant's grouped output), unless `--quiet`.
    pub fn waiting(&self, text: &str) {
        if !self.quiet {
            write_line(
                &mut stream(std::io::stderr().lock(), self.stderr_color),
                text,
            );
        }
    }

    /// Detail shown with `--verbose`, on stderr.
    pub fn detail(&self, text: &str) {
        if self.verbose && !self.quiet {
            self.stderr(text);
        }
    }

    /// A warning about the run, on stderr, even with `--quiet`.
    pub fn warning(&self, text: &str) {
        self.labelled(AnsiColor::Yellow, "warning", text);
    }

    /// The error that ends the command, on stderr.
    pub fn error(&self, text: &str) {
        self.labelled(AnsiColor::Red, "error", text);
    }

    /// One test case's verdict on stdout: `  PASS  name` (green) or `  FAIL  name` (red).
    pub fn test_case(&self, passed: bool, name: &str) {
        let (color, label) = if passed {
            (AnsiColor::Green, "PASS")
        } else {
            (AnsiColor::Red, "FAIL")
        };
        let style = if self.stdout_color {
            color.on_default().bold()
        } else {
            Style::new()
        };
        self.stdout(format_args!("  {style}{label}{style:#}  {name}"));
    }

    /// What a running emulator says, on stderr, as it happens: an Action's console output as
    /// `[action NAME] LEVEL: text` (its warnings and errors even with `--quiet`), the
    /// emulator's own warnings and errors labelled like the tool's.
    pub fn emulator_message(&self, message: &Message) {
        let important = matches!(message.level.as_str(), "warn" | "error");
        if message.source == "emulator" {
            match message.level.as_str() {
                "warn" => self.warning(&message.text),
                "error" => self.labelled(AnsiColor::Red, "error", &message.text),
                _ => self.status(&message.text),
            }
        } else if important || !self.quiet {
            self.stderr(format_args!(
                "[action {}] {}: {}",
                message.source, message.level, message.text
            ));
        }
    }

    /// Problems found in tenant files, on stderr: errors always, warnings unless `--quiet`.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        for diagnostic in diagnostics {
            if diagnostic.is_error() || !self.quiet {
                self.stderr(diagnostic.styled(self.stderr_color));
            }
        }
    }

    /// Asks `question` on stderr and reads one line from stdin; `None` when stdin is not a
    /// terminal (there is nobody to ask).
    pub fn ask(&self, question: &str) -> std::io::Result<Option<String>> {
        if self.captured.is_some() || !std::io::stdin().is_terminal() {
            return Ok(None);
        }
        let mut stderr = stream(std::io::stderr().lock(), self.stderr_color);
        write!(stderr, "{question}")?;
        stderr.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(Some(answer))
    }

    /// A progress bar of `total` steps on stderr when progress is drawn (a terminal, not CI,
    /// not `--quiet`, not `--no-progress`); otherwise its lines are plain status lines.
    pub fn progress_bar(&self, total: u64) -> Progress<'_> {
        let bar = self.progress.then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} [{pos}/{len}] {wide_msg} {elapsed}",
                )
                .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { printer: self, bar }
    }

    fn labelled(&self, color: AnsiColor, label: &str, text: &str) {
        let style = if self.stderr_color {
            color.on_default().bold()
        } else {
            Style::new()
        };
        self.stderr(format_args!("{style}{label}{style:#}: {text}"));
    }

    fn stdout(&self, line: impl Display) {
        if let Some(captured) = &self.captured {
            captured.push(Stream::Stdout, line);
            return;
        }
        write_line(
            &mut stream(std::io::stdout().lock(), self.stdout_color),
            line,
        );
    }

    fn stderr(&self, line: impl Display) {
        if let Some(captured) = &self.captured {
            captured.push(Stream::Stderr, line);
            return;
        }
        write_line(
            &mut stream(std::io::stderr().lock(), self.stderr_color),
            line,
        );
    }
}

impl Captured {
    fn push(&self, stream: Stream, line: impl Display) {
        self.0
            .lock()
            .expect("not poisoned")
            .push((stream, line.to_string()));
    }
}

/// Progress through a known number of steps: a bar on a terminal, status lines elsewhere.
pub struct Progress<'a> {
    printer: &'a Printer,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress<'_> {
    /// What is being done now (shown beside the bar).
    pub fn working_on(&self, message: String) {
        if let Some(bar) = &self.bar {
            bar.set_message(message);
        }
    }

    /// One step done.
    pub fn step(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// A status line, printed above the bar.
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => self.printer.status(text),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `--color always|never`, or for `auto` what the stream and the environment allow
/// (a terminal; `NO_COLOR`, `CLICOLOR` and `CLICOLOR_FORCE` honoured).
fn colored(choice: ColorChoice, stream: &impl RawStream) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => AutoStream::choice(stream) != anstream::ColorChoice::Never,
    }
}

/// `raw` with ANSI sequences passed through when `color`, stripped otherwise.
fn stream<S: RawStream>(raw: S, color: bool) -> AutoStream<S> {
    let choice = if color {
        anstream::ColorChoice::Always
    } else {
        anstream::ColorChoice::Never
    };
    AutoStream::new(raw, choice)
}

/// Writes one line; a closed pipe is not an error (`tenantform plan | head`).
fn write_line(stream: &mut impl Write, line: impl Display) {
    match writeln!(stream, "{line}") {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            panic!("failed printing: {error}");
        }
        Err(_) | Ok(()) => {}
    }
}
