//! One JSON line per request, with secret fields replaced by `"[SECRET]"`.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const SECRET_MARKER: &str = "[SECRET]";

/// Keys whose values are secrets wherever they appear in a request body.
const SECRET_KEYS: &[&str] = &[
    "client_secret",
    "password",
    "api_key",
    "smtp_pass",
    "secretAccessKey",
    "clientSecret",
    "connectionString",
    "access_token",
    "refresh_token",
    "id_token",
    "code",
    "code_verifier",
    "client_assertion",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestLogEntry {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// 0 when no response was sent (dropped connection).
    pub status: u16,
    pub body: Option<Value>,
    pub fault: Option<String>,
}

/// Replaces every secret in a request body. Action secrets are `{name, value}` pairs under
/// `secrets`: their `value` is masked too. (Action `code` is not a secret and is kept when
/// it is a string of source code under an action payload.)
pub fn mask_secrets(value: &mut Value) {
    mask(value, false);
}

fn mask(value: &mut Value, inside_secrets: bool) {
    match value {
        Value::Object(object) => {
            let is_source_code =
                object.contains_key("supported_triggers") || object.contains_key("runtime");
            for (key, inner) in object.iter_mut() {
                let secret = (SECRET_KEYS.contains(&key.as_str())
                    && !(key == "code" && is_source_code))
                    || (inside_secrets && key == "value");
                if secret && !inner.is_null() {
                    *inner = Value::String(SECRET_MARKER.to_owned());
                } else {
                    mask(inner, key == "secrets");
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                mask(item, inside_secrets);
            }
        }
        _ => {}
    }
}

/// The in-memory log and its optional file.
pub struct RequestLog {
    entries: Mutex<Vec<RequestLogEntry>>,
    file: Option<Mutex<BufWriter<File>>>,
}

impl RequestLog {
    pub fn open(path: Option<&Path>) -> std::io::Result<Self> {
        let file = match path {
            Some(path) => Some(Mutex::new(BufWriter::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            ))),
            None => None,
        };
        Ok(Self {
            entries: Mutex::new(Vec::new()),
            file,
        })
    }

    pub fn record(&self, entry: RequestLogEntry) {
        if let Some(file) = &self.file
            && let Ok(line) = serde_json::to_string(&entry)
        {
            let mut file = file.lock().expect("request log file lock");
            // The log is a diagnostic aid: a full disk must not fail the request.
            let _ = writeln!(file, "{line}").and_then(|()| file.flush());
        }
        self.entries.lock().expect("request log lock").push(entry);
    }

    pub fn entries(&self) -> Vec<RequestLogEntry> {
        self.entries.lock().expect("request log lock").clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_nested_secrets_and_action_secret_values() {
        let mut body = json!({
            "name": "x",
            "client_secret": "s1",
            "credentials": {"smtp_pass": "p", "smtp_user": "bob", "api_key": "k"},
            "secrets": [{"name": "API", "value": "v"}],
            "code": "exports.onExecutePostLogin = 1",
            "supported_triggers": [],
        });
        mask_secrets(&mut body);
        assert_eq!(body["client_secret"], SECRET_MARKER);
        assert_eq!(body["credentials"]["smtp_pass"], SECRET_MARKER);
        assert_eq!(body["credentials"]["api_key"], SECRET_MARKER);
        assert_eq!(body["credentials"]["smtp_user"], "bob");
        assert_eq!(body["secrets"][0]["value"], SECRET_MARKER);
        assert_eq!(body["secrets"][0]["name"], "API");
        assert_eq!(body["code"], "exports.onExecutePostLogin = 1");
        let text = body.to_string();
        assert!(!text.contains("\"s1\"") && !text.contains("\"p\"") && !text.contains("\"v\""));
    }

    #[test]
    fn authorization_codes_are_masked_outside_actions() {
        let mut body =
            json!({"grant_type": "authorization_code", "code": "abc", "client_secret": "s"});
        mask_secrets(&mut body);
        assert_eq!(body["code"], SECRET_MARKER);
    }
}
