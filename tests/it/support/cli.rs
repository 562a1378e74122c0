//! [`Cli`] runs the real `tenantform` binary, in the spirit of casey/just's test builder:
//!
//! ```ignore
//! let output = Cli::new()
//!     .emulator(&emulator)
//!     .sentinels()
//!     .current_dir(project.path())
//!     .args(["plan", "tenants/dev.yaml", "--detailed-exitcode"])
//!     .run();
//! output.assert_code(2);
//! assert!(output.stdout.contains("Plan: 0 to create"), "{output}");
//! ```
//!
//! Every run starts from a clean environment for tenantform (no developer credentials, no
//! colour) and fails if a sentinel secret (or a secret added with [`Cli::secret`]) shows up
//! in stdout or stderr.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use auth0_emulator::Emulator;
use secrecy::ExposeSecret as _;

use super::{project_dir, sentinel};

/// Credentials a developer may have exported; a test must never pick them up.
const SCRUBBED: [&str; 3] = [
    "AUTH0_DOMAIN",
    "AUTH0_M2M_CLIENT_ID",
    "AUTH0_M2M_CLIENT_SECRET",
];

/// One invocation of the binary, run in the workspace root unless told otherwise.
#[must_use]
pub struct Cli {
    args: Vec<String>,
    env: BTreeMap<String, String>,
    dir: PathBuf,
    secrets: Vec<String>,
}

/// What the binary did.
#[derive(Debug)]
pub struct Output {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The command line and directory, for failure messages.
    command: String,
}

impl Cli {
    pub fn new() -> Self {
        Self {
            args: Vec::new(),
            env: BTreeMap::new(),
            dir: project_dir(),
            secrets: Vec::new(),
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.insert(key.to_owned(), value.to_owned());
        self
    }

    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        dir.as_ref().clone_into(&mut self.dir);
        self
    }

    /// Points the CLI at `emulator` (`AUTH0_DOMAIN` and the M2M credentials); its client
    /// secret joins the values no output may contain.
    pub fn emulator(self, emulator: &Emulator) -> Self {
        let secret = emulator.client_secret().expose_secret().to_owned();
        self.env("AUTH0_DOMAIN", &emulator.domain())
            .env("AUTH0_M2M_CLIENT_ID", emulator.client_id())
            .env("AUTH0_M2M_CLIENT_SECRET", &secret)
            .secret(secret)
    }

    /// Plants the sentinel secrets the example tenant reads from the environment
    /// (`MAILGUN_API_KEY`).
    pub fn sentinels(self) -> Self {
        self.env("MAILGUN_API_KEY", sentinel::MAILGUN_API_KEY)
    }

    /// A value, besides the sentinels, that no output may contain.
    pub fn secret(mut self, value: impl Into<String>) -> Self {
        self.secrets.push(value.into());
        self
    }

    /// The configured command, for a test that drives a long-running process itself
    /// (`tenantform emulate`). Nothing checks its output.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tenantform"));
        command.args(&self.args).current_dir(&self.dir);
        for key in SCRUBBED {
            command.env_remove(key);
        }
        // The rate-limit cache goes to the build's scratch space, never the real home.
        let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tenantform-cache");
        command
            .env("NO_COLOR", "1")
            .env("TENANTFORM_CACHE_DIR", cache)
            .envs(&self.env);
        command
    }

    /// Runs the binary to completion.
    #[track_caller]
    pub fn run(self) -> Output {
        let output = self
            .command()
            .output()
            .unwrap_or_else(|error| panic!("the tenantform binary does not run: {error}"));
        let output = Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            command: self.describe(),
        };
        for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            sentinel::assert_absent(&format!("the {stream} of {}", output.command), text);
            assert!(
                !self
                    .secrets
                    .iter()
                    .any(|secret| text.contains(secret.as_str())),
                "a secret (the emulator's client secret?) leaked into the {stream} of {}",
                output.command
            );
        }
        output
    }

    /// [`Cli::run`] off the async runtime, so that an in-process emulator keeps serving on it.
    pub async fn run_async(self) -> Output {
        tokio::task::spawn_blocking(move || self.run())
            .await
            .unwrap_or_else(|error| std::panic::resume_unwind(error.into_panic()))
    }

    fn describe(&self) -> String {
        let dir = self.dir.strip_prefix(project_dir()).map_or_else(
            |_| self.dir.display().to_string(),
            |relative| format!("<workspace>/{}", relative.display()),
        );
        format!("`tenantform {}` in {dir}", self.args.join(" "))
    }
}

impl Default for Cli {
    fn default() -> Self {
        Self::new()
    }
}

impl Output {
    /// Fails unless the exit code is `expected`, showing the command, stdout and stderr.
    #[track_caller]
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert!(
            self.code == expected,
            "expected exit code {expected}, got {}\n{self}",
            self.code
        );
        self
    }

    /// `assert_code(0)`.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        self.assert_code(0)
    }

    /// stdout followed by stderr.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// The command, its exit code and both streams: the context of a failure message.
impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} exited with {}", self.command, self.code)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        write!(f, "--- stderr ---\n{}", self.stderr.trim_end())
    }
}
