//! Writing a secrets file: atomically (temporary file in the same directory, fsync, rename)
//! and readable by the owner only.

use std::io::Write;
use std::path::Path;

use super::error::RenderError;

/// Replaces `path` with `contents`, mode 0600 on Unix. Readers see the old file or the new
/// one, never half of one.
pub fn write_private_atomically(path: &Path, contents: &str) -> Result<(), RenderError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|err| RenderError::io("creating", dir, err))?;
    // tempfile creates the file 0600 on Unix; set it anyway so the intent is explicit.
    let mut file = tempfile::Builder::new()
        .prefix(".tenantform-")
        .tempfile_in(dir)
        .map_err(|err| RenderError::io("creating a temporary file in", dir, err))?;
    set_owner_only(file.path())?;
    file.write_all(contents.as_bytes())
        .map_err(|err| RenderError::io("writing", file.path().to_owned(), err))?;
    file.as_file()
        .sync_all()
        .map_err(|err| RenderError::io("syncing", file.path().to_owned(), err))?;
    file.persist(path)
        .map_err(|err| RenderError::io("renaming into", path, err.error))?;
    sync_directory(dir);
    Ok(())
}

#[cfg(unix)]
fn set_owner_only(path: &Path) -> Result<(), RenderError> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|err| RenderError::io("setting permissions of", path, err))
}

#[cfg(not(unix))]
fn set_owner_only(_path: &Path) -> Result<(), RenderError> {
    Ok(())
}

/// Makes the rename durable. Best effort: some filesystems refuse to sync a directory.
fn sync_directory(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("f");
        write_private_atomically(&path, "one").unwrap();
        write_private_atomically(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["f"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_world_readable_file_becomes_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private_atomically(&path, "new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
