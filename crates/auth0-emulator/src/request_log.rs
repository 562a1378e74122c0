//! One JSON line per request, with secret fields replaced by `"[SECRET]"`.

use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const SECRET_MARKER: &str = "[SECRET]";

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

/// Replaces every secret in a request body (the secret-bearing wire fields `auth0_wire`
/// knows: client secrets, passwords, provider credentials, Action secret values, tokens and
/// authorization codes; an Action's `code` is its source and is kept).
pub fn mask_secrets(value: &mut Value) {
    auth0_wire::secrets::redact(value, SECRET_MARKER);
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
