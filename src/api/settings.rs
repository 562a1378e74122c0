//! How to reach a tenant's Management API, validated from the command line and environment.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use url::{Host, Url};

use crate::cli::ConnectionArgs;

/// Everything the Management API client needs, already validated.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    /// The tenant's origin, e.g. `https://acme.eu.auth0.com` (no path).
    pub domain: Url,
    /// Client id of the M2M application tenantform authenticates as.
    pub client_id: String,
    pub client_secret: SecretString,
    /// Time limit of one HTTP request (connect + response).
    pub timeout: Duration,
    /// Retries of one request after a 429, a 5xx or a transport error (idempotent requests only).
    pub max_retries: u32,
    /// Requests in flight at once, on top of the rate limiter.
    pub concurrency: usize,
    /// Where the rate limiter's state is kept between runs (`api::rate_limit_cache`); `None`:
    /// not kept (the CLI sets it, tests use a temporary directory).
    pub rate_limit_cache: Option<PathBuf>,
}

/// Why the connection settings are unusable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("missing {0}: set the environment variable or pass the matching option")]
    Missing(&'static str),
    #[error("invalid AUTH0_DOMAIN {domain:?}: {reason}")]
    InvalidDomain { domain: String, reason: String },
}

impl ConnectionSettings {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_MAX_RETRIES: u32 = 5;
    pub const DEFAULT_CONCURRENCY: usize = 8;

    /// Settings with the default timeout, retries and concurrency.
    pub fn new(
        domain: &str,
        client_id: impl Into<String>,
        client_secret: SecretString,
    ) -> Result<Self, SettingsError> {
        Ok(Self {
            domain: parse_domain(domain)?,
            client_id: client_id.into(),
            client_secret,
            timeout: Self::DEFAULT_TIMEOUT,
            max_retries: Self::DEFAULT_MAX_RETRIES,
            concurrency: Self::DEFAULT_CONCURRENCY,
            rate_limit_cache: None,
        })
    }

    /// From `--domain`/`AUTH0_DOMAIN`, `AUTH0_M2M_CLIENT_ID` and `AUTH0_M2M_CLIENT_SECRET`.
    pub fn from_args(args: &ConnectionArgs) -> Result<Self, SettingsError> {
        let domain = non_empty(args.domain.as_deref())
            .ok_or(SettingsError::Missing("AUTH0_DOMAIN (--domain)"))?;
        let client_id = non_empty(args.client_id.as_deref())
            .ok_or(SettingsError::Missing("AUTH0_M2M_CLIENT_ID"))?;
        let client_secret = non_empty(args.client_secret.as_deref())
            .ok_or(SettingsError::Missing("AUTH0_M2M_CLIENT_SECRET"))?;
        Self::new(
            domain,
            client_id,
            SecretString::from(client_secret.to_owned()),
        )
    }

    /// `{origin}/api/v2/`: the base of every Management API path.
    pub fn api_base(&self) -> Url {
        self.domain
            .join("api/v2/")
            .expect("an origin joins a relative path")
    }

    /// The Management API identifier, which is the token's audience.
    pub fn audience(&self) -> String {
        self.api_base().to_string()
    }

    /// `{origin}/oauth/token`.
    pub fn token_url(&self) -> Url {
        self.domain
            .join("oauth/token")
            .expect("an origin joins a relative path")
    }

    /// The origin without a trailing slash, as users write it (`https://acme.eu.auth0.com`).
    pub fn origin(&self) -> String {
        self.domain.as_str().trim_end_matches('/').to_owned()
    }
}

impl TryFrom<&ConnectionArgs> for ConnectionSettings {
    type Error = SettingsError;

    fn try_from(args: &ConnectionArgs) -> Result<Self, Self::Error> {
        Self::from_args(args)
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Accepts `acme.eu.auth0.com`, `https://acme.eu.auth0.com`, and `http://` only for loopback
/// hosts (the local emulator): credentials must never cross a network in clear text.
pub fn parse_domain(raw: &str) -> Result<Url, SettingsError> {
    let invalid = |reason: &str| SettingsError::InvalidDomain {
        domain: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| invalid(&e.to_string()))?;
    let host = url.host().ok_or_else(|| invalid("it has no host"))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(invalid(
                "http:// is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https://",
            ));
        }
        other => {
            return Err(invalid(&format!(
                "unsupported scheme {other}://; use https://"
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain credentials"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(
            "give the tenant's domain only, without a path (e.g. acme.eu.auth0.com)",
        ));
    }
    let origin = url.origin().ascii_serialization();
    Url::parse(&format!("{origin}/")).map_err(|e| invalid(&e.to_string()))
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn origin(raw: &str) -> Result<String, SettingsError> {
        parse_domain(raw).map(|u| u.as_str().trim_end_matches('/').to_owned())
    }

    #[test]
    fn a_bare_domain_means_https() {
        assert_eq!(
            origin("acme.eu.auth0.com").unwrap(),
            "https://acme.eu.auth0.com"
        );
        assert_eq!(
            origin("https://acme.eu.auth0.com/").unwrap(),
            "https://acme.eu.auth0.com"
        );
        assert_eq!(
            origin("  ACME.eu.auth0.com ").unwrap(),
            "https://acme.eu.auth0.com"
        );
    }

    #[test]
    fn http_is_accepted_only_for_loopback_hosts() {
        assert_eq!(
            origin("http://127.0.0.1:8787").unwrap(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(origin("http://127.1.2.3:9").unwrap(), "http://127.1.2.3:9");
        assert_eq!(origin("http://[::1]:8787").unwrap(), "http://[::1]:8787");
        assert_eq!(
            origin("http://localhost:8787").unwrap(),
            "http://localhost:8787"
        );
        for remote in [
            "http://acme.eu.auth0.com",
            "http://10.0.0.1",
            "http://[::2]",
            "http://localhost.evil.com",
        ] {
            let err = origin(remote).unwrap_err();
            assert!(err.to_string().contains("loopback"), "{remote}: {err}");
        }
    }

    #[test]
    fn other_shapes_are_clear_errors() {
        assert!(
            origin("ftp://acme.eu.auth0.com")
                .unwrap_err()
                .to_string()
                .contains("scheme")
        );
        assert!(
            origin("acme.eu.auth0.com/api/v2")
                .unwrap_err()
                .to_string()
                .contains("without a path")
        );
        assert!(origin("https://user:pw@acme.eu.auth0.com").is_err());
        assert!(origin("").is_err());
    }

    #[test]
    fn urls_derive_from_the_origin() {
        let s =
            ConnectionSettings::new("acme.eu.auth0.com", "id", SecretString::from("s")).unwrap();
        assert_eq!(s.api_base().as_str(), "https://acme.eu.auth0.com/api/v2/");
        assert_eq!(s.audience(), "https://acme.eu.auth0.com/api/v2/");
        assert_eq!(
            s.token_url().as_str(),
            "https://acme.eu.auth0.com/oauth/token"
        );
        assert_eq!(s.origin(), "https://acme.eu.auth0.com");
    }

    #[test]
    fn missing_values_name_their_variable() {
        let mut args = ConnectionArgs {
            domain: Some("acme.auth0.com".into()),
            client_id: None,
            client_secret: Some("x".into()),
        };
        assert_eq!(
            ConnectionSettings::from_args(&args).unwrap_err(),
            SettingsError::Missing("AUTH0_M2M_CLIENT_ID")
        );
        args.client_id = Some("id".into());
        args.client_secret = Some("  ".into());
        assert!(
            ConnectionSettings::try_from(&args)
                .unwrap_err()
                .to_string()
                .contains("AUTH0_M2M_CLIENT_SECRET")
        );
        args.client_secret = Some("sentinel-secret".into());
        args.domain = None;
        assert!(
            ConnectionSettings::from_args(&args)
                .unwrap_err()
                .to_string()
                .contains("AUTH0_DOMAIN")
        );
        args.domain = Some("acme.auth0.com".into());
        let settings = ConnectionSettings::from_args(&args).unwrap();
        assert_eq!(settings.client_secret.expose_secret(), "sentinel-secret");
        assert!(!format!("{settings:?}").contains("sentinel-secret"));
    }
}
