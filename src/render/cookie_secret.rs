//! The cookie secret Streamlit signs its identity cookie with. Changing it logs everyone out,
//! so it is kept across renders: read back from the existing `secrets.toml`, else taken from
//! `STREAMLIT_AUTH_COOKIE_SECRET`, else generated (32 random bytes, hex).

use std::path::Path;

use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

use super::error::RenderError;
use super::report::RenderWarning;

/// Where the cookie secret of this render came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieSecretSource {
    /// Kept from the `secrets.toml` already in the output directory.
    ExistingFile,
    /// Taken from `STREAMLIT_AUTH_COOKIE_SECRET` (no file yet, e.g. a fresh Railway container).
    Environment,
    /// Generated because there was none.
    Generated,
    /// Replaced on request: every signed-in user is logged out.
    Rotated,
}

impl CookieSecretSource {
    /// True when the new secret invalidates every existing login cookie.
    pub fn logs_everyone_out(self) -> bool {
        self == Self::Rotated
    }

    /// A sentence for the command to print.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ExistingFile => "cookie secret kept from the existing secrets.toml",
            Self::Environment => "cookie secret taken from STREAMLIT_AUTH_COOKIE_SECRET",
            Self::Generated => "cookie secret generated (none existed)",
            Self::Rotated => {
                "cookie secret rotated: everyone signed in to the app will be logged out"
            }
        }
    }
}

#[derive(Debug)]
pub struct ResolvedCookieSecret {
    pub value: SecretString,
    pub source: CookieSecretSource,
    pub warning: Option<RenderWarning>,
}

/// Decides the cookie secret for a render into the directory holding `existing_secrets_toml`.
pub fn resolve_cookie_secret(
    existing_secrets_toml: &Path,
    rotate: bool,
    from_environment: Option<&SecretString>,
) -> Result<ResolvedCookieSecret, RenderError> {
    if rotate {
        return Ok(ResolvedCookieSecret {
            value: generate_cookie_secret(),
            source: CookieSecretSource::Rotated,
            warning: None,
        });
    }
    let existing = match std::fs::read_to_string(existing_secrets_toml) {
        Ok(text) => {
            cookie_secret_in(&text).map_err(|reason| RenderError::ExistingSecretsUnreadable {
                path: existing_secrets_toml.to_owned(),
                reason,
            })?
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
        Err(err) => {
            return Err(RenderError::io("reading", existing_secrets_toml, err));
        }
    };
    let from_environment = from_environment.filter(|s| !s.expose_secret().is_empty());
    Ok(match (existing, from_environment) {
        (Some(value), env) => {
            let differs = env.is_some_and(|env| env.expose_secret() != value.expose_secret());
            ResolvedCookieSecret {
                value,
                source: CookieSecretSource::ExistingFile,
                warning: differs.then_some(RenderWarning::CookieSecretFromEnvironmentIgnored),
            }
        }
        (None, Some(env)) => ResolvedCookieSecret {
            value: env.clone(),
            source: CookieSecretSource::Environment,
            warning: None,
        },
        (None, None) => ResolvedCookieSecret {
            value: generate_cookie_secret(),
            source: CookieSecretSource::Generated,
            warning: None,
        },
    })
}

/// 32 random bytes from the OS-seeded generator, hex encoded (as `secrets.token_hex(32)`).
pub fn generate_cookie_secret() -> SecretString {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    SecretString::from(hex::encode(bytes))
}

/// `[auth].cookie_secret` of a `secrets.toml`, if it has a non-empty one.
fn cookie_secret_in(text: &str) -> Result<Option<SecretString>, String> {
    let table: toml::Table =
        toml::from_str(text).map_err(|err| format!("it is not valid TOML ({})", err.message()))?;
    let Some(auth) = table.get("auth") else {
        return Ok(None);
    };
    let Some(auth) = auth.as_table() else {
        return Err("[auth] is not a table".to_owned());
    };
    match auth.get("cookie_secret") {
        None => Ok(None),
        Some(toml::Value::String(s)) if s.is_empty() => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(SecretString::from(s.clone()))),
        Some(_) => Err("[auth].cookie_secret is not a string".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_are_64_hex_digits_and_differ() {
        let a = generate_cookie_secret();
        let b = generate_cookie_secret();
        assert_eq!(a.expose_secret().len(), 64);
        assert!(a.expose_secret().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.expose_secret(), b.expose_secret());
    }

    #[test]
    fn existing_file_wins_over_the_environment_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "[auth]\ncookie_secret = \"from-file\"\n").unwrap();
        let env = SecretString::from("from-env");
        let resolved = resolve_cookie_secret(&path, false, Some(&env)).unwrap();
        assert_eq!(resolved.value.expose_secret(), "from-file");
        assert_eq!(resolved.source, CookieSecretSource::ExistingFile);
        assert!(resolved.warning.is_some());
    }

    #[test]
    fn environment_is_used_when_there_is_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = SecretString::from("from-env");
        let resolved =
            resolve_cookie_secret(&dir.path().join("secrets.toml"), false, Some(&env)).unwrap();
        assert_eq!(resolved.value.expose_secret(), "from-env");
        assert_eq!(resolved.source, CookieSecretSource::Environment);
    }

    #[test]
    fn rotation_ignores_both() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "[auth]\ncookie_secret = \"from-file\"\n").unwrap();
        let resolved = resolve_cookie_secret(&path, true, None).unwrap();
        assert_ne!(resolved.value.expose_secret(), "from-file");
        assert!(resolved.source.logs_everyone_out());
    }

    #[test]
    fn unreadable_existing_file_is_an_error_not_a_silent_logout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "[auth\n").unwrap();
        let err = resolve_cookie_secret(&path, false, None).unwrap_err();
        assert!(err.to_string().contains("--rotate-cookie-secret"), "{err}");
    }
}
