//! Escaping a value for the two target formats. Each function either returns text that every
//! parser the apps use reads back as exactly the input, or refuses with the reason.
//!
//! The rules come from testing the real parsers (see tests/it/render):
//! - TOML: a single-line basic string. Python `toml` 0.10.2 (Streamlit before it moved to
//!   `tomllib`) reads a string whose value starts with `""`, or is exactly `"`, as empty or
//!   garbage whatever the escaping (`\"` and `\u0022` alike), so those values are refused.
//! - `.env`: python-dotenv expands `${NAME}` even inside single quotes and has no escape for
//!   it; it decodes `\\` and `\'` inside single quotes while dotenvy keeps them literally;
//!   inside double quotes dotenvy expands `$NAME` (and rejects a bare `$`) while python-dotenv
//!   keeps `\$` as two characters; dotenvy rejects `\t` and `\r` escapes; Python reads files
//!   with universal newlines, turning a carriage return into a newline.

use std::fmt::Write as _;

/// Renders `value` as a TOML single-line basic string, quotes included.
pub fn toml_basic_string(value: &str) -> Result<String, String> {
    if value == "\"" || value.starts_with("\"\"") {
        return Err(
            "the value starts with a double quote that Python's toml 0.10 (used by Streamlit) misreads"
                .to_owned(),
        );
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// Renders `value` as a `.env` value that python-dotenv and dotenvy both read back unchanged:
/// single-quoted when possible (literal in both), else double-quoted with `\\`, `\"` and `\n`
/// escapes, else refused. A newline stays literal only inside single quotes next to a `$`.
pub fn dotenv_value(value: &str) -> Result<String, String> {
    if value.contains("${") {
        return Err("it contains `${`, which python-dotenv always expands".to_owned());
    }
    if value.contains('\r') {
        return Err(
            "it contains a carriage return, which Python reads back as a newline".to_owned(),
        );
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\t')
    {
        return Err(format!(
            "it contains the control character U+{:04X}",
            u32::from(c)
        ));
    }
    // A newline is kept out of the file (`\n` in double quotes) unless `$` forbids them.
    let prefer_double = value.contains('\n') && !value.contains('$');
    if fits_single_quotes(value) && !prefer_double {
        return Ok(format!("'{value}'"));
    }
    if !value.contains('$') {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('"');
        for ch in value.chars() {
            match ch {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out.push('"');
        return Ok(out);
    }
    Err(
        "it contains `$` together with a single quote, a double backslash or a final backslash, which no quoting reads back the same in both python-dotenv and dotenvy"
            .to_owned(),
    )
}

/// Inside single quotes dotenvy is fully literal, python-dotenv decodes only `\\` and `\'`.
fn fits_single_quotes(value: &str) -> bool {
    !value.contains('\'') && !value.contains("\\\\") && !value.ends_with('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_escapes_quotes_backslashes_and_controls() {
        assert_eq!(
            toml_basic_string("a\"b\\c\nd\te\u{1}").unwrap(),
            r#""a\"b\\c\nd\te\u0001""#
        );
        assert_eq!(toml_basic_string("é ✓").unwrap(), "\"é ✓\"");
        assert_eq!(toml_basic_string("").unwrap(), "\"\"");
    }

    #[test]
    fn toml_refuses_what_toml_0_10_misreads() {
        assert!(toml_basic_string("\"").is_err());
        assert!(toml_basic_string("\"\"\"").is_err());
        assert!(toml_basic_string("\"\"x").is_err());
        assert!(toml_basic_string("x\"\"\"").is_ok());
        assert!(toml_basic_string("\"x").is_ok());
    }

    #[test]
    fn dotenv_prefers_single_quotes() {
        assert_eq!(dotenv_value("a$b #c \"d\"").unwrap(), "'a$b #c \"d\"'");
        assert_eq!(dotenv_value("a\\b").unwrap(), "'a\\b'");
        assert_eq!(dotenv_value("").unwrap(), "''");
    }

    #[test]
    fn dotenv_falls_back_to_double_quotes() {
        assert_eq!(dotenv_value("it's").unwrap(), "\"it's\"");
        assert_eq!(dotenv_value("a\\\\b").unwrap(), r#""a\\\\b""#);
        assert_eq!(dotenv_value("end\\").unwrap(), r#""end\\""#);
        assert_eq!(dotenv_value("q\"'\n").unwrap(), r#""q\"'\n""#);
        assert_eq!(dotenv_value("a\nb").unwrap(), r#""a\nb""#);
        assert_eq!(dotenv_value("$a\nb").unwrap(), "'$a\nb'");
    }

    #[test]
    fn dotenv_refuses_what_one_parser_would_change() {
        assert!(dotenv_value("${HOME}").unwrap_err().contains("${"));
        assert!(dotenv_value("it's $5").is_err());
        assert!(dotenv_value("a\rb").is_err());
        assert!(dotenv_value("a\u{0}b").is_err());
    }
}
