//! What a render needs, however it was gathered (live tenant or environment variables).

use secrecy::SecretString;

/// The values written into `secrets.toml` and `.env` for one environment of the app.
#[derive(Debug, Clone)]
pub struct RenderInputs {
    /// The app environment being rendered, e.g. `local`.
    pub environment: String,
    /// `acme.eu.auth0.com`, or an origin such as `http://127.0.0.1:8787` (the emulator).
    pub domain: String,
    /// The environment's callback, e.g. `http://localhost:8501/oauth2callback`.
    pub redirect_uri: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub m2m_client_id: Option<String>,
    pub m2m_client_secret: Option<SecretString>,
    pub connection_name: Option<String>,
    pub provider: ProviderLayout,
}

/// Where the provider keys go in `secrets.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderLayout {
    /// `[auth.NAME]`, for `st.login("NAME")`. Streamlit refuses names containing `_`.
    Named(String),
    /// Keys directly in `[auth]`, for a bare `st.login()`.
    Default,
}

/// The name `STREAMLIT_AUTH_PROVIDER` holds for the default layout.
pub const DEFAULT_PROVIDER_NAME: &str = "default";

impl ProviderLayout {
    /// The name the app passes to `st.login` (`default` for a bare `st.login()`).
    pub fn login_name(&self) -> &str {
        match self {
            Self::Named(name) => name,
            Self::Default => DEFAULT_PROVIDER_NAME,
        }
    }

    /// Parses a provider name as `STREAMLIT_AUTH_PROVIDER` or `--provider-name` gives it:
    /// `default` means the default layout.
    pub fn from_name(name: &str) -> Result<Self, String> {
        if name == DEFAULT_PROVIDER_NAME {
            return Ok(Self::Default);
        }
        let layout = Self::Named(name.to_owned());
        layout.validate()?;
        Ok(layout)
    }

    /// Streamlit rejects `_` in provider names; anything beyond letters, digits and `-`
    /// would need a quoted TOML key, which older parsers handle poorly.
    pub fn validate(&self) -> Result<(), String> {
        let Self::Named(name) = self else {
            return Ok(());
        };
        if name.is_empty() {
            return Err("the provider name is empty".to_owned());
        }
        if name.contains('_') {
            return Err(format!(
                "the provider name {name:?} contains '_', which Streamlit rejects"
            ));
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!(
                "the provider name {name:?} may contain only letters, digits and '-'"
            ));
        }
        Ok(())
    }
}

impl RenderInputs {
    /// The origin of the identity provider: `https://DOMAIN`, or the domain itself when it
    /// already carries a scheme (the emulator's `http://127.0.0.1:8787`).
    pub fn issuer_origin(&self) -> String {
        origin_of_domain(&self.domain)
    }

    /// `origin + "/.well-known/openid-configuration"`, as Streamlit's `server_metadata_url`.
    pub fn server_metadata_url(&self) -> String {
        format!("{}{OIDC_DISCOVERY_PATH}", self.issuer_origin())
    }
}

/// The `OpenID` discovery document's path.
pub const OIDC_DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// `acme.eu.auth0.com` -> `https://acme.eu.auth0.com`; a value with a scheme is kept (without a
/// trailing `/`).
pub fn origin_of_domain(domain: &str) -> String {
    let trimmed = domain.trim_end_matches('/');
    if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_url_of_a_bare_domain_is_https() {
        assert_eq!(
            origin_of_domain("acme.eu.auth0.com"),
            "https://acme.eu.auth0.com"
        );
    }

    #[test]
    fn metadata_url_keeps_the_emulators_scheme() {
        assert_eq!(
            origin_of_domain("http://127.0.0.1:8787/"),
            "http://127.0.0.1:8787"
        );
    }

    #[test]
    fn provider_names_follow_streamlits_rules() {
        assert_eq!(
            ProviderLayout::from_name("auth0"),
            Ok(ProviderLayout::Named("auth0".into()))
        );
        assert_eq!(
            ProviderLayout::from_name("default"),
            Ok(ProviderLayout::Default)
        );
        assert!(
            ProviderLayout::from_name("my_idp")
                .unwrap_err()
                .contains("'_'")
        );
        assert!(ProviderLayout::from_name("a.b").is_err());
        assert!(ProviderLayout::from_name("").is_err());
    }
}
