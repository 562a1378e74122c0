//! The tenant file as YAML, the way people write it: the schema comment on top, block style,
//! a blank line between sections, multi-line strings as literal blocks.

use std::path::{Component, Path};

use tenantform_core::model::TenantFile;

/// The `$schema` path for a file written at `out`: `tenants/schema.json` relative to the
/// file's directory (`./schema.json` directly under `tenants/`, `../schema.json` one deeper).
pub fn schema_path(out: &Path) -> String {
    let dir = out.parent().unwrap_or(Path::new(""));
    let components: Vec<Component<'_>> = dir.components().collect();
    match components.iter().rposition(|c| c.as_os_str() == "tenants") {
        Some(index) => {
            let depth = components.len() - index - 1;
            if depth == 0 {
                "./schema.json".to_owned()
            } else {
                format!("{}schema.json", "../".repeat(depth))
            }
        }
        // Outside `tenants/` the project root is the file's directory.
        None => "./tenants/schema.json".to_owned(),
    }
}

/// `file` as the YAML text of a tenant file written to `out`.
pub fn to_yaml(file: &TenantFile, out: &Path) -> Result<String, serde_saphyr::SerializeError> {
    let body = serde_saphyr::to_string(file)?;
    let mut text = format!(
        "# yaml-language-server: $schema={}\n#\n# Written by `tenantform export`: only values that differ from Auth0's defaults.\n",
        schema_path(out)
    );
    for line in body.lines() {
        // A top-level key starts a section; separate sections like a hand-written file.
        let top_level = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '-' && c != '#');
        if top_level {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_path_is_relative_to_the_file() {
        assert_eq!(schema_path(Path::new("tenants/dev.yaml")), "./schema.json");
        assert_eq!(
            schema_path(Path::new("/p/tenants/shared/a.yaml")),
            "../schema.json"
        );
        assert_eq!(schema_path(Path::new("dev.yaml")), "./tenants/schema.json");
    }
}
