//! Writing a secrets file: atomically (temporary file in the same directory, fsync, rename)
//! and readable by the owner only.

use std::path::Path;

use super::error::RenderError;

/// Replaces `path` with `contents`, mode 0600 on Unix. Readers see the old file or the new
/// one, never half of one.
pub fn write_private_atomically(path: &Path, contents: &str) -> Result<(), RenderError> {
    private_file::write_private(path, contents.as_bytes())
        .map_err(|err| RenderError::io("writing", path, err))
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
