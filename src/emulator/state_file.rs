//! The store on disk: JSON, written atomically (temp file + rename) with mode 0600, since
//! it holds client secrets.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;

use super::store::Store;

pub fn load(path: &Path) -> anyhow::Result<Option<Store>> {
    match std::fs::read(path) {
        Ok(bytes) => {
            Ok(Some(serde_json::from_slice(&bytes).with_context(|| {
                format!("reading state file {}", path.display())
            })?))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("opening state file {}", path.display())),
    }
}

pub fn save(path: &Path, store: &Store) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    serde_json::to_writer(&mut file, store)?;
    file.flush()?;
    file.persist(path)
        .with_context(|| format!("writing state file {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_private_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(load(&path).unwrap().is_none());
        let store = Store::fresh("http://127.0.0.1:5", "id", "secret");
        save(&path, &store).unwrap();
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.clients.len(), store.clients.len());
        assert_eq!(loaded.token_key, store.token_key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
