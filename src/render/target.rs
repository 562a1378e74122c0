//! The two files a render writes.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetFile {
    /// `.streamlit/secrets.toml`, read by `st.login`.
    SecretsToml,
    /// `.env`, read by the app (python-dotenv) and by developers' tools.
    Dotenv,
}

impl TargetFile {
    pub const ALL: [Self; 2] = [Self::SecretsToml, Self::Dotenv];

    /// The template name, both built in and under the project's `templates/`.
    pub fn template_name(self) -> &'static str {
        match self {
            Self::SecretsToml => "secrets.toml.j2",
            Self::Dotenv => "env.j2",
        }
    }

    /// Where the file goes, relative to the output directory.
    pub fn relative_path(self) -> &'static Path {
        Path::new(match self {
            Self::SecretsToml => ".streamlit/secrets.toml",
            Self::Dotenv => ".env",
        })
    }

    pub fn path_in(self, out_dir: &Path) -> PathBuf {
        out_dir.join(self.relative_path())
    }

    /// The name used in messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::SecretsToml => "secrets.toml",
            Self::Dotenv => ".env",
        }
    }
}
