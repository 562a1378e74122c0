//! What a render did, safe to print: paths, key names and warnings, never values.

use std::path::PathBuf;

use super::cookie_secret::CookieSecretSource;
use super::target::TargetFile;
use super::templates::TemplateOrigin;

/// Something the user should know; the command decides how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderWarning {
    /// The written file is inside a git repository and not ignored: one `git add .` away
    /// from committing secrets.
    NotGitIgnored { path: PathBuf },
    /// `STREAMLIT_AUTH_COOKIE_SECRET` is set but differs from the existing file's, which was
    /// kept (changing it would log everyone out).
    CookieSecretFromEnvironmentIgnored,
    /// An environment variable overrode a different value from the tenant file.
    EnvironmentOverridesFile {
        variable: &'static str,
        field: &'static str,
    },
}

impl std::fmt::Display for RenderWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotGitIgnored { path } => write!(
                f,
                "{} is not ignored by git: add it to .gitignore so it is never committed",
                path.display()
            ),
            Self::CookieSecretFromEnvironmentIgnored => f.write_str(
                "STREAMLIT_AUTH_COOKIE_SECRET differs from the cookie secret in the existing secrets.toml; kept the file's (use --rotate-cookie-secret to replace it)",
            ),
            Self::EnvironmentOverridesFile { variable, field } => write!(
                f,
                "{variable} overrides the tenant file's {field} for this environment"
            ),
        }
    }
}

/// One file written, and the keys it holds (dotted paths for TOML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFile {
    pub target: TargetFile,
    pub path: PathBuf,
    pub keys: Vec<String>,
    pub template: TemplateOrigin,
}

#[derive(Debug, Clone)]
pub struct RenderReport {
    pub environment: String,
    pub files: Vec<WrittenFile>,
    pub cookie_secret: CookieSecretSource,
    pub warnings: Vec<RenderWarning>,
}

impl RenderReport {
    /// One line per file: `wrote PATH (KEY, KEY, ...)`.
    pub fn summary_lines(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|file| format!("wrote {} ({})", file.path.display(), file.keys.join(", ")))
            .collect()
    }
}
