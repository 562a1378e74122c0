//! Problems found in tenant files, each pointing at a file and, when known, a line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem. `Display` gives `file:line:col: error[code]: path: message`, the shape editors
/// and CI annotations understand; [`Diagnostic::styled`] the same with colors.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub position: Option<(usize, usize)>,
    /// The field path, e.g. `applications.dashboard.callbacks[1]`.
    pub path: Option<String>,
    pub message: String,
    /// Why it matters (posture checks explain the risk).
    pub explanation: Option<String>,
    /// A stable identifier of the check, e.g. `posture/signup-enabled`.
    pub code: &'static str,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_path_buf(),
            position: None,
            path: None,
            message: message.into(),
            explanation: None,
            code,
        }
    }

    pub fn warning(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, file, message)
        }
    }

    #[must_use]
    pub fn at(mut self, position: Option<(usize, usize)>) -> Self {
        self.position = position;
        self
    }

    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    #[must_use]
    pub fn explained(mut self, explanation: impl Into<String>) -> Self {
        self.explanation = Some(explanation.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Diagnostic {
    /// The diagnostic as [`Display`](fmt::Display) shows it, with `error[code]` in bold red or
    /// `warning[code]` in bold yellow when `color` is on.
    pub fn styled(&self, color: bool) -> Styled<'_> {
        Styled {
            diagnostic: self,
            color,
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, color: bool) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        let (severity, style) = match self.severity {
            Severity::Error => ("error", AnsiColor::Red.on_default().bold()),
            Severity::Warning => ("warning", AnsiColor::Yellow.on_default().bold()),
        };
        let style = if color { style } else { Style::new() };
        write!(f, ": {style}{severity}[{}]{style:#}: ", self.code)?;
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(explanation) = &self.explanation {
            write!(f, "\n  = why: {explanation}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

/// A [`Diagnostic`] shown with or without ANSI colors ([`Diagnostic::styled`]).
#[derive(Debug, Clone, Copy)]
pub struct Styled<'a> {
    diagnostic: &'a Diagnostic,
    color: bool,
}

impl fmt::Display for Styled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.write(f, self.color)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colors_only_the_severity_and_only_when_asked() {
        let diagnostic = Diagnostic::warning("posture/x", Path::new("t.yaml"), "risky")
            .at(Some((3, 5)))
            .explained("because");
        let plain = "t.yaml:3:5: warning[posture/x]: risky\n  = why: because";
        assert_eq!(diagnostic.to_string(), plain);
        assert_eq!(diagnostic.styled(false).to_string(), plain);
        let colored = diagnostic.styled(true).to_string();
        assert!(
            colored.contains("\u{1b}[1m\u{1b}[33mwarning[posture/x]\u{1b}[0m"),
            "{colored:?}"
        );
        let error = Diagnostic::error("yaml", Path::new("t.yaml"), "bad")
            .styled(true)
            .to_string();
        assert!(error.contains("\u{1b}[31merror[yaml]"), "{error:?}");
    }
}
