//! Replacing a file atomically and owner-only: a temporary file in the same directory, mode
//! 0600, fsync, rename, directory sync. Readers see the old file or the new one, never half of
//! one. Used for secrets files, the emulator's state, plans and exported tenant files.

use std::io::Write;
use std::path::Path;

/// Replaces `path` with `contents` (creating its directory), readable by the owner only.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(".tenantform-")
        .tempfile_in(dir)?;
    // tempfile creates the file 0600 on Unix; set it anyway so the intent is explicit.
    set_owner_only(file.path())?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|err| err.error)?;
    sync_directory(dir);
    Ok(())
}

#[cfg(unix)]
fn set_owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_owner_only(_path: &Path) -> std::io::Result<()> {
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
