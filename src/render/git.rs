//! Asking git whether a path is tracked or ignored. No git, or a directory outside any
//! repository, means neither check applies.

use std::path::Path;
use std::process::{Command, Stdio};

/// What git says about one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitStatus {
    /// Not in a repository (or git is not installed).
    Outside,
    Tracked,
    Ignored,
    /// In a repository, untracked, and not ignored.
    Exposed,
}

/// The git status of `relative` (a path below `dir`), asked from `dir`.
pub fn git_status(dir: &Path, relative: &Path) -> GitStatus {
    // `--error-unmatch` exits 0 only for a tracked path (1 untracked; 128 outside a repo).
    match git_exit_code(dir, &["ls-files", "--error-unmatch", "--"], relative) {
        None | Some(128) => return GitStatus::Outside,
        Some(0) => return GitStatus::Tracked,
        Some(_) => {}
    }
    // `check-ignore -q` exits 0 when ignored, 1 when not.
    match git_exit_code(dir, &["check-ignore", "-q", "--"], relative) {
        Some(0) => GitStatus::Ignored,
        Some(1) => GitStatus::Exposed,
        _ => GitStatus::Outside,
    }
}

fn git_exit_code(dir: &Path, args: &[&str], relative: &Path) -> Option<i32> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .arg(relative)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?
        .code()
}
