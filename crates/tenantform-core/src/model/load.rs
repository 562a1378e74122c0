//! Reading tenant files: YAML with strict types, `extends` layers, `${VAR}` resolution, and the
//! files an Action or a template points at.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use serde_saphyr::{DuplicateKeyPolicy, MessageFormatter, Options};

use super::diagnostic::Diagnostic;
use super::secrets::is_secret_path;
use super::source_map::SourceMap;
use super::tenant_file::TenantFile;
use super::variables::Variables;

/// One file of a tenant definition (the tenant file itself, or one it extends).
#[derive(Debug, Clone)]
pub struct Layer {
    pub path: PathBuf,
    pub source_map: SourceMap,
}

/// A tenant file with its `extends` merged, variables resolved and referenced files read.
#[derive(Debug, Clone)]
pub struct LoadedTenant {
    /// The file named on the command line.
    pub path: PathBuf,
    /// The project root: Action code and template bodies are relative to it.
    pub root: PathBuf,
    pub tenant: TenantFile,
    /// Base layers first, the file itself last.
    pub layers: Vec<Layer>,
}

impl LoadedTenant {
    /// The file and position that write `path` (the last layer that defines it).
    pub fn locate(&self, path: &str) -> (PathBuf, Option<(usize, usize)>) {
        let top = self.layers.last().expect("a tenant has at least one layer");
        for layer in self.layers.iter().rev() {
            if layer.source_map.defines(path) {
                return (layer.path.clone(), layer.source_map.position(path));
            }
        }
        for layer in self.layers.iter().rev() {
            if let Some(position) = layer.source_map.position(path) {
                return (layer.path.clone(), Some(position));
            }
        }
        (top.path.clone(), None)
    }

    /// An error about `path`, located in whichever layer writes it.
    pub fn error_at(
        &self,
        code: &'static str,
        path: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (file, position) = self.locate(path);
        Diagnostic::error(code, &file, message)
            .at(position)
            .with_path(path)
    }

    /// A warning about `path`, located in whichever layer writes it.
    pub fn warning_at(
        &self,
        code: &'static str,
        path: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: super::diagnostic::Severity::Warning,
            ..self.error_at(code, path, message)
        }
    }
}

/// What loading needs beyond the file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Secret variables must be set (plan, apply, render). `validate` checks the file's shape
    /// without them, so CI can lint a tenant file without holding its secrets.
    pub require_secrets: bool,
}

/// Loads `path` with variables from the process environment and `.env` beside the file.
/// Returns the tenant when it could be built, and every problem found on the way.
pub fn load_tenant(path: &Path, options: LoadOptions) -> (Option<LoadedTenant>, Vec<Diagnostic>) {
    match Variables::for_tenant_file(path) {
        Ok(variables) => load_tenant_with(path, &variables, options),
        Err(message) => {
            let dir = path.parent().unwrap_or(Path::new("."));
            (
                None,
                vec![Diagnostic::error("dotenv", &dir.join(".env"), message)],
            )
        }
    }
}

/// Loads `path` with the given variables.
pub fn load_tenant_with(
    path: &Path,
    variables: &Variables,
    options: LoadOptions,
) -> (Option<LoadedTenant>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut layers = Vec::new();
    let mut values = Vec::new();
    let mut visiting = HashSet::new();
    let mut reader = LayerReader {
        variables,
        options,
        visiting: &mut visiting,
        layers: &mut layers,
        values: &mut values,
        diagnostics: &mut diagnostics,
    };
    reader.read(path);
    if diagnostics.iter().any(Diagnostic::is_error) || values.is_empty() {
        return (None, diagnostics);
    }

    let mut merged = Value::Object(serde_json::Map::new());
    for value in values {
        deep_merge(&mut merged, value);
    }
    if let Value::Object(map) = &mut merged {
        map.remove("extends");
    }
    interpolate_values(&mut merged, variables, &mut Vec::new());
    let mut tenant: TenantFile = match serde_json::from_value(merged) {
        Ok(tenant) => tenant,
        Err(error) => {
            diagnostics.push(Diagnostic::error(
                "merge",
                path,
                format!("after merging `extends`: {error}"),
            ));
            return (None, diagnostics);
        }
    };

    let loaded_root = project_root(path);
    let mut loaded = LoadedTenant {
        path: path.to_path_buf(),
        root: loaded_root,
        tenant: TenantFile::default(),
        layers,
    };
    resolve_secrets(&mut tenant, variables);
    read_referenced_files(&mut tenant, &loaded, &mut diagnostics);
    loaded.tenant = tenant;
    (Some(loaded), diagnostics)
}

struct LayerReader<'a> {
    variables: &'a Variables,
    options: LoadOptions,
    visiting: &'a mut HashSet<PathBuf>,
    layers: &'a mut Vec<Layer>,
    values: &'a mut Vec<Value>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl LayerReader<'_> {
    /// Parses one file and, first, the files it extends.
    fn read(&mut self, path: &Path) {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if !self.visiting.insert(canonical.clone()) {
            self.diagnostics.push(Diagnostic::error(
                "extends-cycle",
                path,
                "`extends` leads back to this file (a cycle)",
            ));
            return;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                self.diagnostics.push(Diagnostic::error(
                    "read",
                    path,
                    format!("cannot read the file: {error}"),
                ));
                return;
            }
        };
        let source_map = SourceMap::build(&text);
        for reference in &source_map.variable_references {
            let secret = is_secret_path(&split_path(&reference.path));
            if secret && !self.options.require_secrets {
                continue;
            }
            let value = self.variables.get(&reference.name);
            // A secret is never empty: an empty one would be sent as the value.
            let empty_secret = secret && value.is_some_and(str::is_empty);
            if !reference.has_default && (value.is_none() || empty_secret) {
                // The variables come from the `.env` beside the file named on the command
                // line, whichever layer uses them.
                self.diagnostics.push(
                    Diagnostic::error(
                        "undefined-variable",
                        path,
                        format!(
                            "{} variable `{}`: set it in {}",
                            if empty_secret {
                                "empty secret"
                            } else {
                                "undefined"
                            },
                            reference.name,
                            self.variables.where_to_set()
                        ),
                    )
                    .at(Some(reference.position))
                    .with_path(&reference.path),
                );
            }
        }
        let file: TenantFile = match serde_saphyr::from_str_with_options(&text, yaml_options()) {
            Ok(file) => file,
            Err(error) => {
                self.diagnostics.push(yaml_error(path, &error));
                return;
            }
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        for (index, base) in file.extends.iter().enumerate() {
            let base_path = clean_path(&dir.join(base));
            let leads_back = base_path
                .canonicalize()
                .is_ok_and(|canonical| self.visiting.contains(&canonical));
            if leads_back {
                self.diagnostics.push(
                    Diagnostic::error(
                        "extends-cycle",
                        path,
                        format!("`{base}` extends this file again (a cycle)"),
                    )
                    .at(source_map.position(&format!("extends[{index}]")))
                    .with_path(format!("extends[{index}]")),
                );
            } else if base_path.is_file() {
                self.read(&base_path);
            } else {
                self.diagnostics.push(
                    Diagnostic::error(
                        "extends-missing",
                        path,
                        format!("extended file `{base}` does not exist"),
                    )
                    .at(source_map.position(&format!("extends[{index}]")))
                    .with_path(format!("extends[{index}]")),
                );
            }
        }
        match serde_json::to_value(&file) {
            Ok(value) => self.values.push(value),
            Err(error) => self
                .diagnostics
                .push(Diagnostic::error("read", path, error.to_string())),
        }
        self.layers.push(Layer {
            path: path.to_path_buf(),
            source_map,
        });
        self.visiting.remove(&canonical);
    }
}

/// `a.b[0].c` into `["a", "b", "[]", "c"]`, the shape [`is_secret_path`] reads.
fn split_path(path: &str) -> Vec<String> {
    path.replace('[', ".[")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('[') {
                "[]".to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect()
}

/// How every YAML file of a project is read (tenant files, Action test cases): strict booleans,
/// duplicate keys refused, no source snippets in messages (the caller points at the file).
pub fn yaml_options() -> Options {
    let mut options = Options::default();
    // `yes`, `on`, `NO` stay strings: only true/false are booleans.
    options.strict_booleans = true;
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.with_snippet = false;
    options
}

fn yaml_error(path: &Path, error: &serde_saphyr::Error) -> Diagnostic {
    let mut message = serde_saphyr::DefaultMessageFormatter
        .format_message(error)
        .into_owned();
    // The parser's advice is for its API users, not for people editing a tenant file.
    if let Some(cut) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(cut);
    }
    if message == "expected sequence start" {
        "expected a list (`[a, b]` or `- a` lines)".clone_into(&mut message);
    } else if let Some(kind) = message.strip_prefix("invalid u") {
        message = format!("expected a whole number from 0 (unsigned {kind}-bit)");
    }
    let position = error
        .location()
        .filter(|location| location.line() > 0)
        .map(|location| {
            (
                usize::try_from(location.line()).unwrap_or(usize::MAX),
                usize::try_from(location.column()).unwrap_or(usize::MAX),
            )
        });
    Diagnostic::error(yaml_error_code(&message), path, message).at(position)
}

fn yaml_error_code(message: &str) -> &'static str {
    if message.contains("a secret must be") {
        "secret-in-file"
    } else if message.contains("unknown field") {
        "unknown-field"
    } else if message.contains("duplicate") {
        "duplicate-key"
    } else if message.contains("invalid type")
        || message.starts_with("expected")
        || message.contains("invalid boolean")
        || message.contains("invalid number")
        || message.contains("invalid value")
        || message.contains("variant")
    {
        "wrong-type"
    } else if message.contains("missing field") {
        "missing-field"
    } else {
        "yaml"
    }
}

/// Maps merge key by key (the later value wins); anything else is replaced.
pub fn deep_merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => deep_merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

/// Replaces `${VAR}` in every string except secret fields, which keep their reference and are
/// resolved into a secret type instead.
fn interpolate_values(value: &mut Value, variables: &Variables, path: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            if !is_secret_path(path)
                && let Ok(resolved) = variables.interpolate(text)
            {
                *text = resolved;
            }
        }
        Value::Array(items) => {
            for item in items {
                path.push("[]".to_owned());
                interpolate_values(item, variables, path);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                path.push(key.clone());
                interpolate_values(item, variables, path);
                path.pop();
            }
        }
        _ => {}
    }
}

fn resolve_secrets(tenant: &mut TenantFile, variables: &Variables) {
    for (_, secret) in tenant.secret_fields_mut() {
        secret.resolve_from(variables);
    }
}

/// Reads Action code and template body files (relative to the project root, never outside it).
fn read_referenced_files(
    tenant: &mut TenantFile,
    loaded: &LoadedTenant,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (key, action) in &mut tenant.actions {
        let field = format!("actions.{key}.code");
        let Some(code) = &action.code else { continue };
        match read_project_file(&loaded.root, code) {
            Ok(source) => action.source = Some(source),
            Err(message) => diagnostics.push(loaded.error_at("missing-file", &field, message)),
        }
    }
    for (name, template) in &mut tenant.email_templates {
        let Some(body_file) = &template.body_file else {
            continue;
        };
        let field = format!("email_templates.{name}.body_file");
        if template.body.is_some() {
            diagnostics.push(loaded.error_at(
                "body-and-body-file",
                &field,
                "set either `body` or `body_file`, not both",
            ));
            continue;
        }
        match read_project_file(&loaded.root, body_file) {
            Ok(body) => template.body = Some(body),
            Err(message) => diagnostics.push(loaded.error_at("missing-file", &field, message)),
        }
    }
}

fn read_project_file(root: &Path, relative: &str) -> Result<String, String> {
    let relative_path = Path::new(relative);
    if relative_path.is_absolute()
        || relative_path
            .components()
            .any(|c| c == Component::ParentDir)
    {
        return Err(format!(
            "`{relative}` must be a path inside the project (relative, without `..`)"
        ));
    }
    let path = root.join(relative_path);
    std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))
}

/// `a/b/../c` as `a/c`, so messages name files the way a person would.
fn clean_path(path: &Path) -> PathBuf {
    let mut cleaned = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if cleaned
                    .components()
                    .next_back()
                    .is_some_and(|last| matches!(last, Component::Normal(_))) =>
            {
                cleaned.pop();
            }
            other => cleaned.push(other),
        }
    }
    cleaned
}

/// The project root: the parent of the `tenants/` directory holding the file, else the file's directory.
pub fn project_root(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for ancestor in dir.ancestors() {
        if ancestor.file_name().is_some_and(|name| name == "tenants") {
            let parent = ancestor
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            return parent.to_path_buf();
        }
    }
    dir.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_key_by_key_for_maps_and_replaces_lists() {
        let mut base =
            serde_json::json!({"applications": {"app": {"name": "A", "callbacks": ["x"]}}});
        deep_merge(
            &mut base,
            serde_json::json!({"applications": {"app": {"callbacks": ["y", "z"]}}}),
        );
        assert_eq!(
            base,
            serde_json::json!({"applications": {"app": {"name": "A", "callbacks": ["y", "z"]}}})
        );
    }

    #[test]
    fn project_root_is_the_parent_of_tenants() {
        assert_eq!(
            project_root(Path::new("proj/tenants/dev.yaml")),
            Path::new("proj")
        );
        assert_eq!(
            project_root(Path::new("proj/tenants/shared/base.yaml")),
            Path::new("proj")
        );
        assert_eq!(project_root(Path::new("tenants/dev.yaml")), Path::new("."));
        assert_eq!(
            project_root(Path::new("other/dev.yaml")),
            Path::new("other")
        );
    }
}
