//! The Python the round-trip tests run: `$TENANTFORM_TEST_PYTHON`, else `python3`. It must
//! have the packages of `.ci/requirements-test.txt`; without them the tests fail (never skip)
//! and say how to install them.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const SCRIPT: &str = include_str!("readback.py");
const TIMEOUT: Duration = Duration::from_secs(120);

pub fn interpreter() -> String {
    static INTERPRETER: OnceLock<String> = OnceLock::new();
    INTERPRETER
        .get_or_init(|| {
            std::env::var("TENANTFORM_TEST_PYTHON")
                .ok()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(provisioned_venv)
        })
        .clone()
}

/// Without `TENANTFORM_TEST_PYTHON`, `cargo test` makes its own virtualenv under the target
/// directory from `.ci/requirements-test.txt` (once; again when the requirements change), so
/// the README's test command works on a fresh machine that has Python 3.11 and pip.
fn provisioned_venv() -> String {
    let requirements = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/requirements-test.txt");
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-venv");
    let python = venv.join("bin/python");
    let stamp = venv.join("requirements.stamp");
    let wanted = std::fs::read_to_string(&requirements).unwrap_or_default();
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return python.display().to_string();
    }
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status();
    let installed = status.is_ok_and(|s| s.success())
        && Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(&requirements)
            .status()
            .is_ok_and(|s| s.success());
    if installed {
        let _ = std::fs::write(&stamp, wanted);
        python.display().to_string()
    } else {
        // require_packages() then fails with the manual instructions.
        "python3".to_owned()
    }
}

fn install_hint(python: &str, problem: &str) -> String {
    format!(
        "the render tests need Python with the packages of .ci/requirements-test.txt, but {python} {problem}.\n\
         Install them and point the tests at that Python:\n    \
         python3 -m venv .ci-venv && .ci-venv/bin/pip install -r .ci/requirements-test.txt\n    \
         export TENANTFORM_TEST_PYTHON=$PWD/.ci-venv/bin/python"
    )
}

/// Checks once that the interpreter has the pinned packages, panicking with the fix if not.
pub fn require_packages() {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let checked = CHECKED.get_or_init(|| {
        let python = interpreter();
        let out = run_raw(&python, &["check"], None)
            .map_err(|problem| install_hint(&python, &problem))?;
        let versions: serde_json::Value = serde_json::from_str(&out)
            .map_err(|err| install_hint(&python, &format!("printed no versions ({err})")))?;
        if !versions["toml"]
            .as_str()
            .is_some_and(|v| v.starts_with("0.10."))
        {
            return Err(install_hint(
                &python,
                &format!(
                    "has toml {} instead of 0.10.x (what Streamlit used)",
                    versions["toml"]
                ),
            ));
        }
        Ok(())
    });
    if let Err(message) = checked {
        panic!("{message}");
    }
}

/// Runs `readback.py ARGS` in `cwd` and parses its JSON output.
pub fn run(args: &[&str], cwd: Option<&Path>) -> serde_json::Value {
    require_packages();
    let python = interpreter();
    let out = run_raw(&python, args, cwd).unwrap_or_else(|problem| panic!("{python}: {problem}"));
    serde_json::from_str(&out).unwrap_or_else(|err| panic!("readback.py printed {out:?}: {err}"))
}

fn run_raw(python: &str, args: &[&str], cwd: Option<&Path>) -> Result<String, String> {
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let script = scratch.path().join("readback.py");
    std::fs::write(&script, SCRIPT).map_err(|e| e.to_string())?;
    let stdout_path = scratch.path().join("stdout");
    let stderr_path = scratch.path().join("stderr");
    // Files, not pipes: a full pipe would block the child while we wait for it.
    let stdout = std::fs::File::create(&stdout_path).map_err(|e| e.to_string())?;
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
    let mut command = Command::new(python);
    command
        .arg(&script)
        .args(args)
        // A ~/.streamlit/secrets.toml of the machine must not take part.
        .env("HOME", scratch.path())
        .env("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command
        .spawn()
        .map_err(|err| format!("cannot be started ({err})"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("did not finish within {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if !status.success() {
        let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
        return Err(format!("failed: {}", stderr.trim()));
    }
    std::fs::read_to_string(&stdout_path).map_err(|e| e.to_string())
}
