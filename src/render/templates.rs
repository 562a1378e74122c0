//! The minijinja templates for both files: built-in defaults, overridable per project.
//!
//! Every `{{ value }}` is escaped for its file's format by a custom auto-escape mode
//! (`toml` for `secrets.toml.j2`, `dotenv` for `env.j2`), so a template that forgets a filter
//! still cannot produce invalid output from a secret containing a quote. The `toml` and
//! `dotenv` filters do the same explicitly and mark their output safe; `toml_key` writes a
//! table-name segment. Undefined variables are errors.

use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior};

use super::error::RenderError;
use super::escape::{dotenv_value, toml_basic_string};
use super::target::TargetFile;

const BUILT_IN_SECRETS_TOML: &str = include_str!("templates/secrets.toml.j2");
const BUILT_IN_ENV: &str = include_str!("templates/env.j2");

/// The project subdirectory whose files replace the built-in templates.
pub const PROJECT_TEMPLATES_DIR: &str = "templates";

const TOML_ESCAPE: AutoEscape = AutoEscape::Custom("toml");
const DOTENV_ESCAPE: AutoEscape = AutoEscape::Custom("dotenv");

/// Where a template came from, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateOrigin {
    BuiltIn,
    Project(PathBuf),
}

/// Both templates, compiled.
pub struct Templates {
    env: Environment<'static>,
    secrets_toml: TemplateOrigin,
    dotenv: TemplateOrigin,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("secrets_toml", &self.secrets_toml)
            .field("dotenv", &self.dotenv)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// The built-in templates, each replaced by `PROJECT_DIR/templates/<name>` when that file
    /// exists.
    pub fn load(project_dir: Option<&Path>) -> Result<Self, RenderError> {
        let mut env = strict_environment();
        let mut origins = Vec::with_capacity(2);
        for target in TargetFile::ALL {
            let (source, origin) = template_source(target, project_dir)?;
            env.add_template_owned(target.template_name(), source)
                .map_err(|err| template_error(target, &origin, &err))?;
            origins.push(origin);
        }
        let dotenv = origins.pop().unwrap_or(TemplateOrigin::BuiltIn);
        let secrets_toml = origins.pop().unwrap_or(TemplateOrigin::BuiltIn);
        Ok(Self {
            env,
            secrets_toml,
            dotenv,
        })
    }

    pub fn origin(&self, target: TargetFile) -> &TemplateOrigin {
        match target {
            TargetFile::SecretsToml => &self.secrets_toml,
            TargetFile::Dotenv => &self.dotenv,
        }
    }

    /// Renders one file. A value its format cannot hold is refused naming the key on the
    /// template line that wrote it; the value itself never appears in the error.
    pub fn render(&self, target: TargetFile, context: &Value) -> Result<String, RenderError> {
        let template = self
            .env
            .get_template(target.template_name())
            .map_err(|err| template_error(target, self.origin(target), &err))?;
        template.render(context).map_err(|err| {
            if err.kind() == ErrorKind::BadEscape {
                let key = err
                    .line()
                    .and_then(|line| template.source().lines().nth(line.saturating_sub(1)))
                    .and_then(assigned_key)
                    .map_or_else(
                        || format!("a value on line {}", err.line().unwrap_or(0)),
                        str::to_owned,
                    );
                RenderError::Unrepresentable {
                    file: target.display_name(),
                    key,
                    reason: err.detail().unwrap_or("it cannot be escaped").to_owned(),
                }
            } else {
                template_error(target, self.origin(target), &err)
            }
        })
    }
}

fn template_source(
    target: TargetFile,
    project_dir: Option<&Path>,
) -> Result<(String, TemplateOrigin), RenderError> {
    if let Some(dir) = project_dir {
        let path = dir.join(PROJECT_TEMPLATES_DIR).join(target.template_name());
        match std::fs::read_to_string(&path) {
            Ok(source) => return Ok((source, TemplateOrigin::Project(path))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(RenderError::io("reading template", path, err)),
        }
    }
    let built_in = match target {
        TargetFile::SecretsToml => BUILT_IN_SECRETS_TOML,
        TargetFile::Dotenv => BUILT_IN_ENV,
    };
    Ok((built_in.to_owned(), TemplateOrigin::BuiltIn))
}

fn template_error(target: TargetFile, origin: &TemplateOrigin, err: &Error) -> RenderError {
    let template = match origin {
        TemplateOrigin::BuiltIn => format!("{} (built in)", target.template_name()),
        TemplateOrigin::Project(path) => path.display().to_string(),
    };
    // Display without `{:#}`: the debug rendering would list the variables, secrets included.
    RenderError::Template {
        template,
        message: err.to_string(),
    }
}

/// `KEY` from a template line `KEY = ...` or `export KEY=...`.
fn assigned_key(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
    let (key, _) = line.split_once('=')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then_some(key)
}

fn strict_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_debug(false);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_auto_escape_callback(|name| {
        if name == TargetFile::SecretsToml.template_name() {
            TOML_ESCAPE
        } else if name == TargetFile::Dotenv.template_name() {
            DOTENV_ESCAPE
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(format_value);
    env.add_filter("toml", |value: Value| escaped(TOML_ESCAPE, &value));
    env.add_filter("dotenv", |value: Value| escaped(DOTENV_ESCAPE, &value));
    env.add_filter("toml_key", toml_key);
    env
}

/// The formatter: values already escaped (`| toml`, `| dotenv`, `| safe`) pass through.
fn format_value(out: &mut Output, state: &State, value: &Value) -> Result<(), Error> {
    let mode = state.auto_escape();
    if value.is_safe() || !(mode == TOML_ESCAPE || mode == DOTENV_ESCAPE) {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = escaped(mode, value)?;
    out.write_str(text.as_str().unwrap_or_default())
        .map_err(|_| Error::new(ErrorKind::WriteFailure, "formatting failed"))
}

/// A value escaped for `mode`, marked safe.
fn escaped(mode: AutoEscape, value: &Value) -> Result<Value, Error> {
    if value.is_safe() {
        return Ok(value.clone());
    }
    let text = scalar_text(value)?;
    let rendered = if mode == TOML_ESCAPE {
        if value.as_str().is_none() {
            // Numbers and booleans are TOML literals as they print.
            Ok(text)
        } else {
            toml_basic_string(&text)
        }
    } else {
        dotenv_value(&text)
    };
    rendered
        .map(Value::from_safe_string)
        .map_err(|reason| Error::new(ErrorKind::BadEscape, reason))
}

fn scalar_text(value: &Value) -> Result<String, Error> {
    if let Some(text) = value.as_str() {
        return Ok(text.to_owned());
    }
    match value.kind() {
        minijinja::value::ValueKind::Bool | minijinja::value::ValueKind::Number => {
            Ok(value.to_string())
        }
        kind => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot write a {kind} value; test it with `is none` first"),
        )),
    }
}

/// A table-name segment: bare when letters, digits, `-` and `_`, else a quoted key.
fn toml_key(value: &str) -> Result<Value, Error> {
    let bare = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare {
        return Ok(Value::from_safe_string(value.to_owned()));
    }
    toml_basic_string(value)
        .map(Value::from_safe_string)
        .map_err(|reason| Error::new(ErrorKind::BadEscape, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn render_source(target: TargetFile, source: &str, ctx: &Value) -> Result<String, RenderError> {
        let mut env = strict_environment();
        env.add_template_owned(target.template_name(), source.to_owned())
            .unwrap();
        let templates = Templates {
            env,
            secrets_toml: TemplateOrigin::BuiltIn,
            dotenv: TemplateOrigin::BuiltIn,
        };
        templates.render(target, ctx)
    }

    #[test]
    fn toml_auto_escapes_a_value_without_a_filter() {
        let out = render_source(
            TargetFile::SecretsToml,
            "k = {{ v }}\n",
            &context! { v => "a\"b" },
        )
        .unwrap();
        assert_eq!(out, "k = \"a\\\"b\"\n");
    }

    #[test]
    fn explicit_filter_is_not_escaped_twice() {
        let out = render_source(
            TargetFile::SecretsToml,
            "k = {{ v | toml }}\n",
            &context! { v => "x\"" },
        )
        .unwrap();
        assert_eq!(out, "k = \"x\\\"\"\n");
    }

    #[test]
    fn undefined_variable_is_an_error() {
        let err = render_source(TargetFile::Dotenv, "K={{ missing }}\n", &context! {}).unwrap_err();
        assert!(matches!(err, RenderError::Template { .. }), "{err}");
    }

    #[test]
    fn unrepresentable_dotenv_value_names_the_key_not_the_value() {
        let err = render_source(
            TargetFile::Dotenv,
            "# c\nA={{ a }}\nMY_KEY={{ v }}\n",
            &context! { a => "ok", v => "top-${SECRET}" },
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("MY_KEY"), "{message}");
        assert!(!message.contains("top-"), "{message}");
    }

    #[test]
    fn none_cannot_be_written() {
        let err = render_source(
            TargetFile::Dotenv,
            "K={{ v }}\n",
            &context! { v => Option::<String>::None },
        )
        .unwrap_err();
        assert!(err.to_string().contains("is none"), "{err}");
    }

    #[test]
    fn project_template_overrides_the_built_in() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(PROJECT_TEMPLATES_DIR)).unwrap();
        std::fs::write(
            dir.path().join(PROJECT_TEMPLATES_DIR).join("env.j2"),
            "X={{ environment }}\n",
        )
        .unwrap();
        let templates = Templates::load(Some(dir.path())).unwrap();
        assert_eq!(
            templates.origin(TargetFile::Dotenv),
            &TemplateOrigin::Project(dir.path().join("templates/env.j2"))
        );
        assert_eq!(
            templates.origin(TargetFile::SecretsToml),
            &TemplateOrigin::BuiltIn
        );
        let out = templates
            .render(TargetFile::Dotenv, &context! { environment => "local" })
            .unwrap();
        assert_eq!(out, "X='local'\n");
    }
}
