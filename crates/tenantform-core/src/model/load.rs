//! Reading tenant files: YAML with strict types, `extends` layers, `${VAR}` resolution, and the
//! files an Action or a template points at.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use serde_saphyr::{DuplicateKeyPolicy, MessageFormatter, Options};

use super::auth0_target::is_target_path;
use super::diagnostic::Diagnostic;
use super::secrets::is_secret_path;
use super::source_map::{RootKind, SourceMap};
use super::tenant_file::TenantFile;
use super::variables::Variables;

/// One file of a tenant definition (the tenant file itself, or one it extends).
#[derive(Debug, Clone)]
pub struct Layer {
    pub path: PathBuf,
    pub source_map: SourceMap,
    /// 1-based lines of entries left out because of an error in them, and every line they
    /// are nested under: a semantic check of a partly read file says nothing about these.
    pub left_out: HashSet<usize>,
}

impl LoadedTenant {
    /// Whether `diagnostic` is about an entry (or a parent of an entry) that was left out of
    /// a partly read file, so it may only be a consequence of the error already reported.
    pub fn about_left_out(&self, diagnostic: &Diagnostic) -> bool {
        let Some((line, _)) = diagnostic.position else {
            return false;
        };
        self.layers
            .iter()
            .any(|layer| layer.path == diagnostic.file && layer.left_out.contains(&line))
    }
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
    /// Secret variables must be set (render, demo). `validate` checks the file's shape without
    /// them, so CI can lint a tenant file without holding its secrets; plan and apply load
    /// without them too (apply needs the value of each secret its plan sends).
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
    load(path, variables, options, false)
}

/// Like [`load_tenant`], but when the only errors are in entries of the YAML (a wrong type,
/// an unknown field, a duplicate key), also the tenant read without those entries, so the
/// semantic checks can report their problems in the same run. Such a tenant is for checking
/// only ([`LoadedTenant::about_left_out`] tells which findings to ignore), never to plan.
pub fn load_tenant_partially(
    path: &Path,
    options: LoadOptions,
) -> (Option<LoadedTenant>, Vec<Diagnostic>) {
    match Variables::for_tenant_file(path) {
        Ok(variables) => load(path, &variables, options, true),
        Err(_) => load_tenant(path, options),
    }
}

fn load(
    path: &Path,
    variables: &Variables,
    options: LoadOptions,
    partial: bool,
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
        entry_errors: 0,
    };
    reader.read(path);
    let entry_errors = reader.entry_errors;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let partly_read = partial && errors == entry_errors;
    if (errors > 0 && !partly_read) || values.is_empty() {
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
    /// Errors in entries that were left out of a file read without them.
    entry_errors: usize,
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
            let parts = split_path(&reference.path);
            let secret = is_secret_path(&parts);
            // The `auth0:` block's variables are needed to connect, unless an option replaces
            // them: the command checks them then (`session::connection_settings`).
            if is_target_path(&parts) || (secret && !self.options.require_secrets) {
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
        if let Some(found) = not_a_mapping(source_map.root) {
            self.diagnostics.push(
                Diagnostic::error(
                    "not-a-mapping",
                    path,
                    format!(
                        "a tenant file is a mapping of sections such as `applications:`, \
                         `connections:`, `grants:`, `actions:` (this file is {found})"
                    ),
                )
                .at(Some((1, 1))),
            );
            return;
        }
        let before = self.diagnostics.len();
        let Some((file, left_out)) = deserialize_all(path, &text, self.diagnostics) else {
            return;
        };
        self.entry_errors += self.diagnostics.len() - before;
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
            left_out,
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

/// What a document that is not a mapping is, in words; `None` for a mapping or an empty file.
fn not_a_mapping(root: Option<RootKind>) -> Option<&'static str> {
    match root? {
        RootKind::Mapping => None,
        RootKind::Sequence => Some("a list"),
        RootKind::Scalar { null: true } => Some("`~` (null)"),
        RootKind::Scalar { null: false } => Some("a single value"),
    }
}

/// At most this many problems are collected from one file.
const MAX_YAML_ERRORS: usize = 50;

/// Deserializes `text`, reporting every problem the deserializer finds rather than the first:
/// after each error the entry it is on (its line and the lines indented under it) is blanked
/// out and the text read again, until it reads or an error is only a consequence of a blanked
/// entry (a syntax error, a field now missing), which is not reported. Returns the file read
/// without the blanked entries, and their lines with every line they are nested under
/// (empty when the file read as it is).
fn deserialize_all(
    path: &Path,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(TenantFile, HashSet<usize>)> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut blanked = false;
    let mut reported: Vec<(usize, usize)> = Vec::new();
    loop {
        let current = if blanked {
            lines.join("\n")
        } else {
            text.to_owned()
        };
        let error =
            match serde_saphyr::from_str_with_options::<TenantFile>(&current, yaml_options()) {
                Ok(file) => return Some((file, left_out_lines(text, &lines))),
                Err(error) => error,
            };
        let diagnostic = yaml_error(path, &error);
        if let Some((line, _)) = diagnostic.position
            && blanked
            && emptied_by_blanking(text, &lines, line)
        {
            // Every entry under it was blanked: its error is one already reported.
            blank_entry(&mut lines, line);
            continue;
        }
        if blanked
            && (matches!(diagnostic.code, "yaml" | "missing-field")
                || diagnostic.position.is_none_or(|at| reported.contains(&at)))
        {
            return None;
        }
        let position = diagnostic.position;
        diagnostics.push(diagnostic);
        let (line, _) = position?;
        if reported.len() + 1 >= MAX_YAML_ERRORS || !blank_entry(&mut lines, line) {
            return None;
        }
        reported.extend(position);
        blanked = true;
    }
}

/// The 1-based lines blanking emptied, and every line they are nested under.
fn left_out_lines(text: &str, lines: &[String]) -> HashSet<usize> {
    let original: Vec<&str> = text.lines().collect();
    let indent = |text: &str| text.len() - text.trim_start().len();
    let mut found = HashSet::new();
    for (index, now) in lines.iter().enumerate() {
        let was = original.get(index).copied().unwrap_or_default();
        if !now.is_empty() || was.trim().is_empty() || was.trim_start().starts_with('#') {
            continue;
        }
        found.insert(index + 1);
        // Its parents: each earlier entry less indented than the last one found.
        let mut level = indent(was);
        for (above, text) in original[..index].iter().enumerate().rev() {
            if text.trim().is_empty() || text.trim_start().starts_with('#') {
                continue;
            }
            let own = indent(text);
            if own < level {
                found.insert(above + 1);
                level = own;
            }
            if level == 0 {
                break;
            }
        }
    }
    found
}

/// Whether the 1-based `line` had lines indented under it that blanking removed, all of them.
fn emptied_by_blanking(text: &str, lines: &[String], line: usize) -> bool {
    let original: Vec<&str> = text.lines().collect();
    let children = |all: &[&str]| -> usize {
        let Some(own) = line.checked_sub(1).and_then(|index| all.get(index)) else {
            return 0;
        };
        let indent = |text: &str| text.len() - text.trim_start().len();
        all[line..]
            .iter()
            .filter(|next| !next.trim().is_empty() && !next.trim_start().starts_with('#'))
            .take_while(|next| indent(next) > indent(own))
            .count()
    };
    let current: Vec<&str> = lines.iter().map(String::as_str).collect();
    children(&original) > 0 && children(&current) == 0
}

/// Blanks the 1-based `line` and the lines indented under it; false when there is none.
fn blank_entry(lines: &mut [String], line: usize) -> bool {
    let Some(start) = line.checked_sub(1).filter(|&index| index < lines.len()) else {
        return false;
    };
    let indent = |text: &str| text.len() - text.trim_start().len();
    let own = indent(&lines[start]);
    let mut end = start + 1;
    while end < lines.len() {
        let next = &lines[end];
        let blank = next.trim().is_empty() || next.trim_start().starts_with('#');
        if !blank && indent(next) <= own {
            break;
        }
        end += 1;
    }
    for text in &mut lines[start..end] {
        text.clear();
    }
    true
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
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        message = too_large(breach);
    } else if message == "expected sequence start" {
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

/// The parser's budget breach (`Nodes { nodes: 250001 }`) in words, with the limit.
fn too_large(breach: &str) -> String {
    let defaults = serde_saphyr::budget::Budget::default();
    let limit = if breach.starts_with("Nodes") {
        format!(
            "at most {} YAML nodes (values, lists and mappings)",
            defaults.max_nodes
        )
    } else if breach.starts_with("Depth") {
        format!("at most {} levels of nesting", defaults.max_depth)
    } else if breach.starts_with("Events") {
        format!("at most {} YAML events", defaults.max_events)
    } else if breach.starts_with("ScalarBytes") {
        format!("at most {} bytes of text", defaults.max_total_scalar_bytes)
    } else {
        "less than this".to_owned()
    };
    format!(
        "the file is too large for a tenant file: it may hold {limit} ({breach}); split it or remove what it does not need"
    )
}

fn yaml_error_code(message: &str) -> &'static str {
    if message.starts_with("the file is too large") {
        "too-large"
    } else if message.contains("a secret must be") {
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

    fn problems(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        let file = deserialize_all(Path::new("t.yaml"), text, &mut found);
        if let Some((_, left_out)) = file {
            assert_eq!(
                found.is_empty(),
                left_out.is_empty(),
                "a file comes back whole when it has no problems, else with the lines left out"
            );
        }
        found.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn an_oversized_file_is_said_to_be_too_large_with_the_limit() {
        let mut text = String::from("applications:\n  a:\n    callbacks: [");
        text.push_str(&"x,".repeat(250_001));
        text.push_str("]\n");
        let found = problems(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("error[too-large]")
                && found[0].contains("the file is too large for a tenant file")
                && found[0].contains("at most 250000 YAML nodes"),
            "{found:?}"
        );
    }

    #[test]
    fn every_problem_of_a_file_is_found_in_one_read() {
        let found = problems(
            "applications:\n  a:\n    name: A\n    app_type: web\n    callback: []\n  a:\n    name: B\n",
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].contains("t.yaml:4:15: error[wrong-type]"),
            "{found:?}"
        );
        assert!(
            found[1].contains("t.yaml:5:5: error[unknown-field]"),
            "{found:?}"
        );
        assert!(
            found[2].contains("t.yaml:6:3: error[duplicate-key]"),
            "{found:?}"
        );
    }

    #[test]
    fn a_file_whose_only_entry_is_wrong_reports_that_alone() {
        // Blanking the wrong entry empties its parents: they are not reported again.
        let found = problems("connections:\n  users:\n    password_min_length: eight\n");
        assert_eq!(found.len(), 1, "{found:?}");
    }

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
