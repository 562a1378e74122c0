//! `${VAR}` and `${VAR:-default}` values, resolved from the process environment and an
//! optional `.env` file beside the tenant file (the process environment wins).

use std::collections::HashMap;
use std::path::Path;

/// The variables a tenant file can use.
#[derive(Debug, Clone, Default)]
pub struct Variables {
    values: HashMap<String, String>,
}

impl Variables {
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
        Ok(Self { values })
    }

    pub fn from_map(values: HashMap<String, String>) -> Self {
        Self { values }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
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
        Variables::from_map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
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
    fn finds_every_reference_with_its_offset() {
        let refs = references("a ${ONE} b ${TWO:-2} ${not valid}");
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].name, "ONE");
        assert_eq!(refs[0].offset, 2);
        assert_eq!(refs[1].default, Some("2"));
    }
}
