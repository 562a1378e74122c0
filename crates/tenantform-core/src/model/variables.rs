//! `${VAR}` and `${VAR:-default}` values, resolved from the process environment and an
//! optional `.env` file beside the tenant file (the process environment wins).

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

/// The variables a tenant file can use. Its `Debug` names the variables, never their values
/// (secrets are among them).
#[derive(Clone, Default)]
pub struct Variables {
    values: HashMap<String, String>,
    /// The `.env` file these were read with (whether or not it exists), for hints.
    dotenv: Option<PathBuf>,
}

impl Variables {
    /// The variables a tenant file at `path` is loaded with: the process environment,
    /// overlaid on the `.env` beside it. Every command that reads a tenant's variables (the
    /// load, and a saved plan's secrets at apply time) reads them through here, so they read
    /// the same `.env`.
    pub fn for_tenant_file(path: &Path) -> Result<Self, String> {
        Self::from_environment(path.parent().unwrap_or(Path::new(".")))
    }

    /// The process environment, overlaid on the `.env` file in `dir` when there is one.
    pub fn from_environment(dir: &Path) -> Result<Self, String> {
        let mut values = HashMap::new();
        let dotenv = dir.join(".env");
        if dotenv.is_file() {
            let iter = dotenvy::from_path_iter(&dotenv)
                .map_err(|error| format!("{}: {error}", dotenv.display()))?;
            for item in iter {
                let (key, value) =
                    item.map_err(|error| format!("{}: {error}", dotenv.display()))?;
                values.insert(key, value);
            }
        }
        values.extend(std::env::vars());
        Ok(Self {
            values,
            dotenv: Some(dotenv),
        })
    }

    /// The process environment alone (no tenant file, so no `.env`).
    pub fn from_process_environment() -> Self {
        Self {
            values: std::env::vars().collect(),
            dotenv: None,
        }
    }

    pub fn from_map(values: HashMap<String, String>) -> Self {
        Self {
            values,
            dotenv: None,
        }
    }

    /// Variables from `(name, value)` pairs, for tests.
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self::from_map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The `.env` file consulted besides the environment, if any.
    pub fn dotenv(&self) -> Option<&Path> {
        self.dotenv.as_deref()
    }

    /// Where a variable can be set, for a message: "the environment or in tenants/.env".
    pub fn where_to_set(&self) -> String {
        match &self.dotenv {
            Some(path) => format!("the environment or in {}", path.display()),
            None => "the environment".to_owned(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// `name`'s value as a secret; an empty value is no secret (`None`), never `""`.
    pub fn secret(&self, name: &str) -> Option<SecretString> {
        self.get(name)
            .filter(|value| !value.is_empty())
            .map(|value| SecretString::from(value.to_owned()))
    }

    /// Replaces every reference in `text`; the first undefined variable is the error.
    pub fn interpolate(&self, text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let Some(reference) = parse_reference(after) else {
                out.push_str("${");
                rest = &after[2..];
                continue;
            };
            match (self.get(reference.name), reference.default) {
                (Some(value), _) if !value.is_empty() || reference.default.is_none() => {
                    out.push_str(value);
                }
                (_, Some(default)) => out.push_str(default),
                (None, None) => return Err(reference.name.to_owned()),
                (Some(_), None) => unreachable!("handled by the first arm"),
            }
            rest = &after[reference.len..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Whether `reference` can be resolved (set, or has a default).
    pub fn resolves(&self, reference: &Reference<'_>) -> bool {
        reference.default.is_some() || self.values.contains_key(reference.name)
    }
}

impl fmt::Debug for Variables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&String> = self.values.keys().collect();
        names.sort();
        f.debug_struct("Variables")
            .field("names", &names)
            .field("dotenv", &self.dotenv)
            .finish()
    }
}

/// One `${NAME}` or `${NAME:-default}` occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    pub name: &'a str,
    pub default: Option<&'a str>,
    /// Byte offset of `$` in the text it was found in.
    pub offset: usize,
    /// Length in bytes of the whole reference.
    pub len: usize,
}

/// Every reference in `text`, in order.
pub fn references(text: &str) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${") {
        let offset = from + start;
        match parse_reference(&text[offset..]) {
            Some(mut reference) => {
                reference.offset = offset;
                from = offset + reference.len;
                found.push(reference);
            }
            None => from = offset + 2,
        }
    }
    found
}

fn parse_reference(text: &str) -> Option<Reference<'_>> {
    let body_end = text.find('}')?;
    let body = &text[2..body_end];
    let (name, default) = match body.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (body, None),
    };
    is_variable_name(name).then_some(Reference {
        name,
        default,
        offset: 0,
        len: body_end + 1,
    })
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        Variables::from_pairs(pairs)
    }

    #[test]
    fn interpolates_values_and_defaults() {
        let v = vars(&[("HOST", "app.example.com"), ("EMPTY", "")]);
        assert_eq!(
            v.interpolate("https://${HOST}/cb").unwrap(),
            "https://app.example.com/cb"
        );
        assert_eq!(v.interpolate("${MISSING:-fallback}").unwrap(), "fallback");
        assert_eq!(v.interpolate("${EMPTY:-fallback}").unwrap(), "fallback");
        assert_eq!(v.interpolate("${EMPTY}").unwrap(), "");
        assert_eq!(v.interpolate("${MISSING}").unwrap_err(), "MISSING");
        assert_eq!(v.interpolate("cost: $5 {x}").unwrap(), "cost: $5 {x}");
    }

    #[test]
    fn an_empty_value_is_no_secret_and_debug_shows_no_value() {
        let v = vars(&[("KEY", "sentinel-value-77"), ("EMPTY", "")]);
        assert!(v.secret("EMPTY").is_none());
        assert!(v.secret("MISSING").is_none());
        assert!(v.secret("KEY").is_some());
        let shown = format!("{v:?}");
        assert!(
            shown.contains("KEY") && !shown.contains("sentinel-value-77"),
            "{shown}"
        );
    }

    #[test]
    fn the_env_file_read_is_the_one_beside_the_tenant_file() {
        let v = Variables::for_tenant_file(Path::new("tenants/dev.yaml")).unwrap();
        assert_eq!(v.dotenv(), Some(Path::new("tenants/.env")));
        assert_eq!(v.where_to_set(), "the environment or in tenants/.env");
        assert_eq!(vars(&[]).where_to_set(), "the environment");
    }

    #[test]
    fn finds_every_reference_with_its_offset() {
        let refs = references("a ${ONE} b ${TWO:-2} ${not valid}");
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].name, "ONE");
        assert_eq!(refs[0].offset, 2);
        assert_eq!(refs[1].default, Some("2"));
    }
}
