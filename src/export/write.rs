//! Writing an export: the tenant file and its side files, never over an existing file unless
//! forced, each file atomically; and the JSON Schema its `$schema` comment names, when that
//! file does not exist yet.

use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use super::build::Exported;
use tenantform_core::model::load::project_root;
use tenantform_core::model::schema::tenant_file_schema_json;

/// Every path an export writes, the tenant file first, side files under the project root.
pub fn planned_paths(exported: &Exported, out: &Path) -> Vec<PathBuf> {
    let root = project_root(out);
    std::iter::once(out.to_path_buf())
        .chain(exported.side_files.iter().map(|f| root.join(&f.path)))
        .collect()
}

/// Refuses (before writing anything) when a file exists and `force` is off; then writes.
pub fn write_export(
    exported: &Exported,
    yaml: &str,
    out: &Path,
    force: bool,
) -> anyhow::Result<Vec<PathBuf>> {
    let paths = planned_paths(exported, out);
    if !force {
        let existing: Vec<String> = paths
            .iter()
            .filter(|path| path.exists())
            .map(|path| path.display().to_string())
            .collect();
        if !existing.is_empty() {
            anyhow::bail!(
                "refusing to overwrite {} (use --force)",
                existing.join(", ")
            );
        }
    }
    let root = project_root(out);
    for side in &exported.side_files {
        let path = root.join(&side.path);
        create_parent(&path)?;
        write_atomically(&path, &side.contents)?;
    }
    create_parent(out)?;
    write_atomically(out, yaml)?;
    let mut paths = paths;
    // The file's `$schema` comment must point at a schema that exists.
    let schema = schema_file(out);
    if !schema.exists() {
        create_parent(&schema)?;
        std::fs::write(&schema, tenant_file_schema_json())
            .with_context(|| format!("cannot write {}", schema.display()))?;
        paths.push(schema);
    }
    Ok(paths)
}

/// The schema file the `$schema` comment of a file written at `out` names, as the user would
/// write it (`tenants/schema.json`, not `tenants/teams/../schema.json`).
pub fn schema_file(out: &Path) -> PathBuf {
    let mut path = out.parent().unwrap_or(Path::new("")).to_path_buf();
    for part in Path::new(&super::yaml::schema_path(out)).components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(path.components().next_back(), Some(Component::Normal(_))) =>
            {
                path.pop();
            }
            other => path.push(other),
        }
    }
    path
}

/// Writes `contents` to `path` atomically, readable by the owner only (see [`private_file`]).
fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    private_file::write_private(path, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn create_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(())
}
