//! The store on disk: JSON, written atomically (temp file + rename) with mode 0600, since
//! it holds client secrets.

use std::path::Path;

use anyhow::Context as _;

use super::store::Store;

pub fn load(path: &Path) -> anyhow::Result<Option<Store>> {
    match std::fs::read(path) {
        // An empty file (`touch state.json`, `: > state.json`) is a fresh tenant.
        Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Ok(None),
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
    let json = serde_json::to_vec(store)?;
    private_file::write_private(path, &json)
        .with_context(|| format!("writing state file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_a_fresh_tenant() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        for empty in ["", " \n"] {
            std::fs::write(&path, empty).unwrap();
            assert!(load(&path).unwrap().is_none());
        }
        std::fs::write(&path, "{").unwrap();
        assert!(load(&path).is_err());
    }

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
