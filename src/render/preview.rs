//! A view of a written file that is safe to show (the demo): values of secret keys become
//! `****`. Built from the parsed file, so a value spanning lines cannot leak past the mask
//! (TOML keys come out sorted, comments are dropped).

use std::fmt::Write as _;

use super::error::RenderError;
use super::escape::{dotenv_value, toml_basic_string};
use super::report::WrittenFile;
use super::target::TargetFile;

pub const MASK: &str = "****";

/// Key names whose values are never shown (`client_secret`, `cookie_secret`, `*_PASSWORD`, ...).
pub fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "secret", "password", "token", "private", "api_key", "apikey",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// Reads a written file back and masks it.
pub fn masked_preview(file: &WrittenFile) -> Result<String, RenderError> {
    let text = std::fs::read_to_string(&file.path)
        .map_err(|err| RenderError::io("reading", file.path.clone(), err))?;
    masked_text(file.target, &text)
}

/// Masks the text of a `secrets.toml` or `.env`.
pub fn masked_text(target: TargetFile, text: &str) -> Result<String, RenderError> {
    let invalid = |reason: &str| RenderError::RenderedInvalid {
        file: target.display_name(),
        reason: reason.to_owned(),
    };
    match target {
        TargetFile::SecretsToml => {
            let table: toml::Table = toml::from_str(text).map_err(|_| invalid("not valid TOML"))?;
            let mut out = String::new();
            write_toml_table(&table, "", &mut out);
            Ok(out)
        }
        TargetFile::Dotenv => {
            let mut out = String::new();
            for item in dotenvy::from_read_iter(text.as_bytes()) {
                let (key, value) = item.map_err(|_| invalid("dotenvy cannot parse it"))?;
                let shown = if is_secret_key(&key) {
                    MASK.to_owned()
                } else {
                    dotenv_value(&value).unwrap_or_else(|_| "<not shown>".to_owned())
                };
                let _ = writeln!(out, "{key}={shown}");
            }
            Ok(out)
        }
    }
}

/// Writes a table's plain values under `[prefix]`, then its subtables.
fn write_toml_table(table: &toml::Table, prefix: &str, out: &mut String) {
    let plain: Vec<_> = table.iter().filter(|(_, v)| !v.is_table()).collect();
    if !plain.is_empty() && !prefix.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "[{prefix}]");
    }
    for (key, value) in plain {
        let shown = match value {
            _ if is_secret_key(key) => format!("\"{MASK}\""),
            toml::Value::String(s) => {
                toml_basic_string(s).unwrap_or_else(|_| "\"<not shown>\"".to_owned())
            }
            other => other.to_string(),
        };
        let _ = writeln!(out, "{key} = {shown}");
    }
    for (key, value) in table {
        if let toml::Value::Table(inner) = value {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            write_toml_table(inner, &path, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_secrets_are_masked() {
        let text = "[auth]\nredirect_uri = \"http://x/cb\"\ncookie_secret = \"c0ffee\"\n\n[auth.auth0]\nclient_id = \"id\"\nclient_secret = \"s3cret\"\n";
        let shown = masked_text(TargetFile::SecretsToml, text).unwrap();
        assert_eq!(
            shown,
            "[auth]\ncookie_secret = \"****\"\nredirect_uri = \"http://x/cb\"\n\n[auth.auth0]\nclient_id = \"id\"\nclient_secret = \"****\"\n"
        );
    }

    #[test]
    fn a_multi_line_dotenv_secret_is_masked_whole() {
        let text = "A_ID='x'\nA_SECRET='line1\nline2'\n";
        let shown = masked_text(TargetFile::Dotenv, text).unwrap();
        assert_eq!(shown, "A_ID='x'\nA_SECRET=****\n");
    }
}
