//! Parse the rendered text back with the parsers the apps use (toml, dotenvy) and compare
//! every known value with what was meant to be written. A mismatch refuses the render.

use std::collections::HashSet;

use super::error::{MismatchProblem, RenderError};
use super::target::TargetFile;

/// A value the rendered file must (or may) hold.
#[derive(Debug)]
pub struct Expected {
    /// Dotted TOML path (`auth.auth0.client_id`) or `.env` key.
    pub key: String,
    pub value: String,
    /// Absent is an error only when required (custom `.env` templates may drop keys).
    pub required: bool,
}

/// Checks a rendered `secrets.toml`; returns the dotted paths of all its values, sorted.
pub fn verify_toml(text: &str, expected: &[Expected]) -> Result<Vec<String>, RenderError> {
    let file = TargetFile::SecretsToml.display_name();
    let table: toml::Table = toml::from_str(text).map_err(|err| {
        let line = err
            .span()
            .map_or(0, |span| text[..span.start].matches('\n').count() + 1);
        RenderError::RenderedInvalid {
            file,
            reason: format!("line {line}: {}", err.message().trim()),
        }
    })?;
    for want in expected {
        let mut node: Option<&toml::Value> = None;
        let mut current = &table;
        let segments: Vec<&str> = want.key.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            node = current.get(*segment);
            match node {
                Some(toml::Value::Table(t)) if i + 1 < segments.len() => current = t,
                _ if i + 1 < segments.len() => {
                    node = None;
                    break;
                }
                _ => {}
            }
        }
        let problem = match node {
            None if want.required => Some(MismatchProblem::Lacks),
            None => None,
            Some(toml::Value::String(got)) if *got == want.value => None,
            Some(toml::Value::String(_)) => Some(MismatchProblem::Differs),
            Some(_) => Some(MismatchProblem::NotAString),
        };
        if let Some(problem) = problem {
            return Err(RenderError::Mismatch {
                file,
                key: want.key.clone(),
                problem,
            });
        }
    }
    let mut keys = Vec::new();
    collect_paths(&table, "", &mut keys);
    Ok(keys)
}

fn collect_paths(table: &toml::Table, prefix: &str, keys: &mut Vec<String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => collect_paths(inner, &path, keys),
            _ => keys.push(path),
        }
    }
}

/// Checks a rendered `.env` with dotenvy; returns its keys in file order.
pub fn verify_dotenv(text: &str, expected: &[Expected]) -> Result<Vec<String>, RenderError> {
    let file = TargetFile::Dotenv.display_name();
    let mut pairs = Vec::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        let pair = item.map_err(|err| RenderError::RenderedInvalid {
            file,
            reason: describe_dotenvy_error(text, &err),
        })?;
        pairs.push(pair);
    }
    let mut seen = HashSet::new();
    for (key, _) in &pairs {
        if !seen.insert(key.as_str()) {
            return Err(RenderError::Mismatch {
                file,
                key: key.clone(),
                problem: MismatchProblem::Duplicates,
            });
        }
    }
    for want in expected {
        let got = pairs.iter().find(|(key, _)| *key == want.key);
        let problem = match got {
            None if want.required => Some(MismatchProblem::Lacks),
            Some((_, value)) if *value != want.value => Some(MismatchProblem::Differs),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(RenderError::Mismatch {
                file,
                key: want.key.clone(),
                problem,
            });
        }
    }
    Ok(pairs.into_iter().map(|(key, _)| key).collect())
}

/// dotenvy's parse error carries the offending line, which may hold a secret: report only its
/// line number.
fn describe_dotenvy_error(text: &str, err: &dotenvy::Error) -> String {
    match err {
        dotenvy::Error::LineParse(line, _) => {
            let line_no = text
                .find(line.as_str())
                .map(|at| text[..at].matches('\n').count() + 1);
            match line_no {
                Some(n) => format!("dotenvy cannot parse line {n}"),
                None => "dotenvy cannot parse a line".to_owned(),
            }
        }
        dotenvy::Error::EnvVar(_) => "dotenvy: invalid variable".to_owned(),
        dotenvy::Error::Io(err) => format!("dotenvy: {err}"),
        _ => "dotenvy cannot parse it".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(key: &str, value: &str) -> Expected {
        Expected {
            key: key.to_owned(),
            value: value.to_owned(),
            required: true,
        }
    }

    #[test]
    fn toml_values_are_compared() {
        let text = "[auth]\nredirect_uri = \"a\"\n[auth.p]\nclient_id = \"b\"\n";
        let keys = verify_toml(
            text,
            &[
                want("auth.redirect_uri", "a"),
                want("auth.p.client_id", "b"),
            ],
        )
        .unwrap();
        assert_eq!(keys, ["auth.p.client_id", "auth.redirect_uri"]);
        let err = verify_toml(text, &[want("auth.p.client_id", "c")]).unwrap_err();
        assert!(matches!(
            err,
            RenderError::Mismatch {
                problem: MismatchProblem::Differs,
                ..
            }
        ));
        let err = verify_toml(text, &[want("auth.q.client_id", "b")]).unwrap_err();
        assert!(matches!(
            err,
            RenderError::Mismatch {
                problem: MismatchProblem::Lacks,
                ..
            }
        ));
    }

    #[test]
    fn invalid_toml_error_does_not_quote_the_line() {
        let err = verify_toml("[auth]\nk = \"sekrit\" junk\n", &[]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("line 2"), "{message}");
        assert!(!message.contains("sekrit"), "{message}");
    }

    #[test]
    fn dotenv_values_are_compared_and_duplicates_refused() {
        let keys = verify_dotenv("A='x'\nB=\"y\"\n", &[want("A", "x")]).unwrap();
        assert_eq!(keys, ["A", "B"]);
        assert!(verify_dotenv("A='x'\n", &[want("A", "z")]).is_err());
        assert!(verify_dotenv("A='x'\nA='x'\n", &[]).is_err());
    }

    #[test]
    fn dotenv_parse_error_does_not_quote_the_line() {
        let err = verify_dotenv("A='x'\nB=\"sekrit$\"\n", &[]).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("line 2"), "{message}");
        assert!(!message.contains("sekrit"), "{message}");
    }
}
