//! What the rate limiter knows at the end of a run, kept for the next process: per tenant
//! origin, the Unix time at which each bucket holds a whole token again. A new process learns
//! the limits only from its first response; without this, a run right after one that drained
//! the bucket has its first request refused. No secrets: origins and times only.
//!
//! The file is `$TENANTFORM_CACHE_DIR/rate-limits.json`, else `$XDG_CACHE_HOME/tenantform/`,
//! else `~/.cache/tenantform/`. It is a cache: an unreadable or corrupt file is ignored, and a
//! failed write costs at most one 429 (which is retried).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Overrides the cache directory (tests point it at a temporary one).
pub const CACHE_DIR_VAR: &str = "TENANTFORM_CACHE_DIR";
const FILE_NAME: &str = "rate-limits.json";
/// Waits longer than this are not believed (a clock jump, a hand-edited file).
const MAX_WAIT_SECS: f64 = 60.0;

/// The cache file in the directory the environment names, if any.
pub fn default_path() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var(CACHE_DIR_VAR)
        // The XDG spec ignores relative paths.
        .or_else(|| {
            var("XDG_CACHE_HOME")
                .filter(|p| p.is_absolute())
                .map(|p| p.join("tenantform"))
        })
        .or_else(|| var("HOME").map(|home| home.join(".cache").join("tenantform")))?;
    Some(dir.join(FILE_NAME))
}

/// When the buckets of one tenant hold a token again (Unix seconds; `None`: they already do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Ready {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_writes: Option<f64>,
}

impl Ready {
    fn is_past(&self, now: f64) -> bool {
        [self.global, self.email_writes]
            .into_iter()
            .flatten()
            .all(|at| at <= now)
    }

    /// Seconds from `now` until `at`, when it is ahead and believable.
    pub fn wait(at: Option<f64>, now: f64) -> Option<f64> {
        at.map(|at| at - now)
            .filter(|wait| *wait > 0.0 && *wait <= MAX_WAIT_SECS)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    /// Keyed by origin (`https://acme.eu.auth0.com`).
    origins: BTreeMap<String, Ready>,
}

fn read(path: &Path) -> CacheFile {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// What the file says about `origin` (nothing when it is missing, unreadable or corrupt).
pub fn load(path: &Path, origin: &str) -> Ready {
    read(path).origins.get(origin).copied().unwrap_or_default()
}

/// Records `ready` for `origin` (removing it when nothing is to be waited for), dropping the
/// other origins' entries that are past. Writes only when something changes.
pub fn store(path: &Path, origin: &str, ready: Ready, now: f64) -> std::io::Result<()> {
    let mut file = read(path);
    let before = file.origins.len();
    file.origins.retain(|_, entry| !entry.is_past(now));
    let pruned = file.origins.len() != before;
    let changed = if ready.is_past(now) {
        file.origins.remove(origin).is_some()
    } else {
        file.origins.insert(origin.to_owned(), ready) != Some(ready)
    };
    if !(changed || pruned) {
        return Ok(());
    }
    let json = serde_json::to_vec_pretty(&file).map_err(std::io::Error::other)?;
    private_file::write_private(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_kept_until_its_time_passes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE_NAME);
        let ready = Ready {
            global: Some(1_000.5),
            email_writes: None,
        };
        store(&path, "https://a.auth0.com", ready, 1_000.0).unwrap();
        store(
            &path,
            "https://b.auth0.com",
            Ready {
                global: Some(1_001.0),
                email_writes: Some(1_003.0),
            },
            1_000.0,
        )
        .unwrap();
        assert_eq!(load(&path, "https://a.auth0.com"), ready);
        assert_eq!(load(&path, "https://c.auth0.com"), Ready::default());
        // Later, a's entry is past and dropped; b's email bucket is still ahead.
        store(&path, "https://c.auth0.com", Ready::default(), 1_002.0).unwrap();
        assert_eq!(load(&path, "https://a.auth0.com"), Ready::default());
        assert_eq!(
            load(&path, "https://b.auth0.com").email_writes,
            Some(1_003.0)
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("a.auth0.com"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_corrupt_file_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(load(&path, "https://a.auth0.com"), Ready::default());
        let ready = Ready {
            global: Some(10.0),
            email_writes: None,
        };
        store(&path, "https://a.auth0.com", ready, 9.0).unwrap();
        assert_eq!(load(&path, "https://a.auth0.com"), ready);
    }

    #[test]
    fn only_waits_ahead_and_believable_count() {
        assert_eq!(Ready::wait(Some(10.5), 10.0), Some(0.5));
        assert_eq!(Ready::wait(Some(9.0), 10.0), None);
        assert_eq!(Ready::wait(Some(1_000.0), 10.0), None);
        assert_eq!(Ready::wait(None, 10.0), None);
    }
}
