//! A small builder that runs the real `tenantform` binary, in the style of casey/just's tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root: fixtures and examples are found from here.
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One invocation of the binary.
pub struct Tenantform {
    args: Vec<String>,
    env: HashMap<String, String>,
    dir: PathBuf,
}

/// What the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Tenantform {
    pub fn new() -> Self {
        Self {
            args: Vec::new(),
            env: HashMap::new(),
            dir: project_dir(),
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

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.dir = dir.to_path_buf();
        self
    }

    pub fn run(self) -> Run {
        let output: Output = Command::new(env!("CARGO_BIN_EXE_tenantform"))
            .args(&self.args)
            .current_dir(&self.dir)
            // Tests must not pick up a developer's tenant credentials.
            .env_remove("AUTH0_DOMAIN")
            .env_remove("AUTH0_M2M_CLIENT_ID")
            .env_remove("AUTH0_M2M_CLIENT_SECRET")
            .env("NO_COLOR", "1")
            .envs(&self.env)
            .output()
            .expect("the tenantform binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}
