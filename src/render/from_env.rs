//! `--from env`: the render inputs from the runbook's environment variables, with no network.
//! This is the Railway start command (`tenantform render ... --from env && streamlit run app.py`).
//!
//! Precedence, value by value (an empty variable counts as unset):
//! - `redirect_uri`, the domain and the connection name describe the deployment: the variable
//!   wins, the tenant file's value for the environment is the default, and a variable that
//!   differs from the file's value yields a warning.
//! - The provider name is part of the app's code (`st.login("auth0")`): the tenant file (or
//!   `--provider-name`) wins; `STREAMLIT_AUTH_PROVIDER` is used only when neither says, and
//!   `auth0` when nothing does. `default` means the default layout (bare `st.login()`).
//! - The domain comes from `AUTH0_DOMAIN`, else from `STREAMLIT_AUTH_SERVER_METADATA_URL`
//!   (its origin); when both are set they must agree.
//! - Client id and secret have no default: a missing one is an error naming the variable.
//!   The M2M id and secret are optional but go together.
//! - `STREAMLIT_AUTH_COOKIE_SECRET` is handed on; the existing `secrets.toml` still wins
//!   over it (see `cookie_secret`).

use std::collections::HashMap;

use secrecy::SecretString;

use super::error::RenderError;
use super::inputs::{OIDC_DISCOVERY_PATH, ProviderLayout, RenderInputs, origin_of_domain};
use super::report::RenderWarning;
use super::variables as var;

/// The provider name used when neither the tenant file nor the environment names one.
pub const FALLBACK_PROVIDER_NAME: &str = "auth0";

/// What the tenant file says about the environment being rendered.
#[derive(Debug, Clone, Default)]
pub struct FileDefaults {
    pub redirect_uri: Option<String>,
    pub domain: Option<String>,
    pub connection_name: Option<String>,
    /// The file's `streamlit.provider`, or `--provider-name` / `--default-provider`.
    pub provider: Option<ProviderLayout>,
}

#[derive(Debug)]
pub struct EnvInputs {
    pub inputs: RenderInputs,
    /// `STREAMLIT_AUTH_COOKIE_SECRET`, for `RenderOptions::env_cookie_secret`.
    pub cookie_secret: Option<SecretString>,
    pub warnings: Vec<RenderWarning>,
}

/// The process environment as a map (variables that are not UTF-8 are left out).
pub fn process_environment() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// Gathers the inputs of `environment` from `vars`, falling back to the tenant file.
pub fn inputs_from_env<S: std::hash::BuildHasher>(
    environment: &str,
    vars: &HashMap<String, String, S>,
    file: &FileDefaults,
) -> Result<EnvInputs, RenderError> {
    let get = |name: &str| vars.get(name).filter(|v| !v.is_empty()).cloned();
    // Every missing variable is named in one error, not one per run.
    let mut missing: Vec<String> = Vec::new();
    let mut require = |name: &str, value: Option<String>| {
        if value.is_none() {
            missing.push(name.to_owned());
        }
        value
    };
    let mut warnings = Vec::new();

    let redirect_uri = prefer_variable(
        get(var::STREAMLIT_AUTH_REDIRECT_URI),
        file.redirect_uri.as_ref(),
        var::STREAMLIT_AUTH_REDIRECT_URI,
        "redirect_uri",
        &mut warnings,
    );
    let redirect_uri = require(var::STREAMLIT_AUTH_REDIRECT_URI, redirect_uri);

    let domain_from_env = domain_from_variables(
        get(var::AUTH0_DOMAIN),
        get(var::STREAMLIT_AUTH_SERVER_METADATA_URL),
    )?;
    let domain = prefer_variable(
        domain_from_env,
        file.domain.as_ref(),
        var::AUTH0_DOMAIN,
        "domain",
        &mut warnings,
    );
    let domain = require(
        &format!(
            "{} (or {})",
            var::AUTH0_DOMAIN,
            var::STREAMLIT_AUTH_SERVER_METADATA_URL
        ),
        domain,
    );

    let connection_name = prefer_variable(
        get(var::AUTH0_DATABASE_CONNECTION_NAME),
        file.connection_name.as_ref(),
        var::AUTH0_DATABASE_CONNECTION_NAME,
        "connection name",
        &mut warnings,
    );

    let provider = match (&file.provider, get(var::STREAMLIT_AUTH_PROVIDER)) {
        (Some(layout), _) => layout.clone(),
        (None, Some(name)) => {
            ProviderLayout::from_name(&name).map_err(|reason| RenderError::InvalidVariable {
                name: var::STREAMLIT_AUTH_PROVIDER.to_owned(),
                reason,
            })?
        }
        (None, None) => ProviderLayout::Named(FALLBACK_PROVIDER_NAME.to_owned()),
    };

    let client_id = require(
        var::STREAMLIT_AUTH_CLIENT_ID,
        get(var::STREAMLIT_AUTH_CLIENT_ID),
    );
    let client_secret = require(
        var::STREAMLIT_AUTH_CLIENT_SECRET,
        get(var::STREAMLIT_AUTH_CLIENT_SECRET),
    );

    let (m2m_client_id, m2m_client_secret) = match (
        get(var::AUTH0_M2M_CLIENT_ID),
        get(var::AUTH0_M2M_CLIENT_SECRET),
    ) {
        (Some(id), Some(secret)) => (Some(id), Some(SecretString::from(secret))),
        (None, None) => (None, None),
        (Some(_), None) => {
            missing.push(format!(
                "{} (set because {} is)",
                var::AUTH0_M2M_CLIENT_SECRET,
                var::AUTH0_M2M_CLIENT_ID
            ));
            (None, None)
        }
        (None, Some(_)) => {
            missing.push(format!(
                "{} (set because {} is)",
                var::AUTH0_M2M_CLIENT_ID,
                var::AUTH0_M2M_CLIENT_SECRET
            ));
            (None, None)
        }
    };

    let (Some(redirect_uri), Some(domain), Some(client_id), Some(client_secret), true) = (
        redirect_uri,
        domain,
        client_id,
        client_secret,
        missing.is_empty(),
    ) else {
        return Err(if missing.len() == 1 {
            RenderError::MissingVariable {
                name: missing.remove(0),
            }
        } else {
            RenderError::MissingVariables {
                names: missing.join(", "),
            }
        });
    };
    let client_secret = SecretString::from(client_secret);

    Ok(EnvInputs {
        inputs: RenderInputs {
            environment: environment.to_owned(),
            domain,
            redirect_uri,
            client_id,
            client_secret,
            m2m_client_id,
            m2m_client_secret,
            connection_name,
            provider,
        },
        cookie_secret: get(var::STREAMLIT_AUTH_COOKIE_SECRET).map(SecretString::from),
        warnings,
    })
}

/// The variable's value when set (warning when it differs from the file's), else the file's.
fn prefer_variable(
    from_variable: Option<String>,
    from_file: Option<&String>,
    variable: &'static str,
    field: &'static str,
    warnings: &mut Vec<RenderWarning>,
) -> Option<String> {
    match (from_variable, from_file) {
        (Some(value), Some(file_value)) => {
            if value != *file_value {
                warnings.push(RenderWarning::EnvironmentOverridesFile { variable, field });
            }
            Some(value)
        }
        (Some(value), None) => Some(value),
        (None, file_value) => file_value.cloned(),
    }
}

/// The domain from `AUTH0_DOMAIN` and/or the metadata URL, which must agree.
fn domain_from_variables(
    domain: Option<String>,
    metadata_url: Option<String>,
) -> Result<Option<String>, RenderError> {
    let Some(url) = metadata_url else {
        return Ok(domain);
    };
    let invalid = |reason: String| RenderError::InvalidVariable {
        name: var::STREAMLIT_AUTH_SERVER_METADATA_URL.to_owned(),
        reason,
    };
    let origin = url
        .strip_suffix(OIDC_DISCOVERY_PATH)
        .filter(|origin| origin.contains("://"))
        .ok_or_else(|| {
            invalid(format!(
                "it must be an origin followed by {OIDC_DISCOVERY_PATH}"
            ))
        })?;
    match domain {
        Some(domain) => {
            if origin_of_domain(&domain) != origin {
                return Err(invalid(format!(
                    "it does not belong to {} ({domain})",
                    var::AUTH0_DOMAIN
                )));
            }
            Ok(Some(domain))
        }
        // Auth0 domains are written bare; keep the scheme only when it is not https.
        None => Ok(Some(
            origin.strip_prefix("https://").unwrap_or(origin).to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn minimal() -> Vec<(&'static str, &'static str)> {
        vec![
            (
                var::STREAMLIT_AUTH_REDIRECT_URI,
                "https://app.example/oauth2callback",
            ),
            (var::STREAMLIT_AUTH_CLIENT_ID, "cid"),
            (var::STREAMLIT_AUTH_CLIENT_SECRET, "csecret"),
            (var::AUTH0_DOMAIN, "acme.eu.auth0.com"),
        ]
    }

    #[test]
    fn the_runbooks_variables_make_inputs() {
        let mut pairs = minimal();
        pairs.extend([
            (var::STREAMLIT_AUTH_PROVIDER, "auth0"),
            (var::STREAMLIT_AUTH_COOKIE_SECRET, "cookie"),
            (var::AUTH0_M2M_CLIENT_ID, "mid"),
            (var::AUTH0_M2M_CLIENT_SECRET, "msecret"),
            (var::AUTH0_DATABASE_CONNECTION_NAME, "acme-users"),
        ]);
        let got = inputs_from_env("production", &vars(&pairs), &FileDefaults::default()).unwrap();
        let inputs = got.inputs;
        assert_eq!(inputs.environment, "production");
        assert_eq!(inputs.redirect_uri, "https://app.example/oauth2callback");
        assert_eq!(inputs.client_secret.expose_secret(), "csecret");
        assert_eq!(inputs.m2m_client_id.as_deref(), Some("mid"));
        assert_eq!(inputs.connection_name.as_deref(), Some("acme-users"));
        assert_eq!(inputs.provider, ProviderLayout::Named("auth0".into()));
        assert_eq!(
            inputs.server_metadata_url(),
            "https://acme.eu.auth0.com/.well-known/openid-configuration"
        );
        assert_eq!(got.cookie_secret.unwrap().expose_secret(), "cookie");
        assert!(got.warnings.is_empty());
    }

    #[test]
    fn a_missing_variable_is_named() {
        for missing in [
            var::STREAMLIT_AUTH_CLIENT_ID,
            var::STREAMLIT_AUTH_CLIENT_SECRET,
            var::STREAMLIT_AUTH_REDIRECT_URI,
            var::AUTH0_DOMAIN,
        ] {
            let pairs: Vec<_> = minimal()
                .into_iter()
                .filter(|(k, _)| *k != missing)
                .collect();
            let err = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap_err();
            assert!(err.to_string().contains(missing), "{missing}: {err}");
        }
    }

    #[test]
    fn every_missing_variable_is_named_at_once() {
        let mut pairs = vec![(var::AUTH0_M2M_CLIENT_ID, "mid")];
        pairs.push((var::STREAMLIT_AUTH_CLIENT_SECRET, ""));
        let err = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "environment variables are not set (or are empty): {}, {} (or {}), {}, {}, {} \
                 (set because {} is)",
                var::STREAMLIT_AUTH_REDIRECT_URI,
                var::AUTH0_DOMAIN,
                var::STREAMLIT_AUTH_SERVER_METADATA_URL,
                var::STREAMLIT_AUTH_CLIENT_ID,
                var::STREAMLIT_AUTH_CLIENT_SECRET,
                var::AUTH0_M2M_CLIENT_SECRET,
                var::AUTH0_M2M_CLIENT_ID,
            )
        );
    }

    #[test]
    fn an_empty_variable_counts_as_missing() {
        let mut pairs = minimal();
        pairs.push((var::STREAMLIT_AUTH_CLIENT_SECRET, ""));
        let map: HashMap<_, _> = vars(&pairs);
        let err = inputs_from_env("e", &map, &FileDefaults::default()).unwrap_err();
        assert!(err.to_string().contains(var::STREAMLIT_AUTH_CLIENT_SECRET));
    }

    #[test]
    fn the_files_redirect_uri_is_the_default_and_a_variable_overrides_it() {
        let file = FileDefaults {
            redirect_uri: Some("http://localhost:8501/oauth2callback".into()),
            ..FileDefaults::default()
        };
        let pairs: Vec<_> = minimal()
            .into_iter()
            .filter(|(k, _)| *k != var::STREAMLIT_AUTH_REDIRECT_URI)
            .collect();
        let got = inputs_from_env("local", &vars(&pairs), &file).unwrap();
        assert_eq!(
            got.inputs.redirect_uri,
            "http://localhost:8501/oauth2callback"
        );
        assert!(got.warnings.is_empty());

        let got = inputs_from_env("local", &vars(&minimal()), &file).unwrap();
        assert_eq!(
            got.inputs.redirect_uri,
            "https://app.example/oauth2callback"
        );
        assert_eq!(
            got.warnings,
            [RenderWarning::EnvironmentOverridesFile {
                variable: var::STREAMLIT_AUTH_REDIRECT_URI,
                field: "redirect_uri"
            }]
        );
    }

    #[test]
    fn the_files_provider_wins_and_default_means_bare_login() {
        let mut pairs = minimal();
        pairs.push((var::STREAMLIT_AUTH_PROVIDER, "default"));
        let got = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap();
        assert_eq!(got.inputs.provider, ProviderLayout::Default);
        let file = FileDefaults {
            provider: Some(ProviderLayout::Named("corp".into())),
            ..FileDefaults::default()
        };
        let got = inputs_from_env("e", &vars(&pairs), &file).unwrap();
        assert_eq!(got.inputs.provider, ProviderLayout::Named("corp".into()));
    }

    #[test]
    fn provider_with_underscore_is_refused() {
        let mut pairs = minimal();
        pairs.push((var::STREAMLIT_AUTH_PROVIDER, "my_idp"));
        let err = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap_err();
        assert!(
            err.to_string().contains(var::STREAMLIT_AUTH_PROVIDER),
            "{err}"
        );
    }

    #[test]
    fn the_domain_can_come_from_the_metadata_url() {
        let mut pairs: Vec<_> = minimal()
            .into_iter()
            .filter(|(k, _)| *k != var::AUTH0_DOMAIN)
            .collect();
        pairs.push((
            var::STREAMLIT_AUTH_SERVER_METADATA_URL,
            "https://acme.us.auth0.com/.well-known/openid-configuration",
        ));
        let got = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap();
        assert_eq!(got.inputs.domain, "acme.us.auth0.com");

        pairs.pop();
        pairs.push((
            var::STREAMLIT_AUTH_SERVER_METADATA_URL,
            "http://127.0.0.1:8787/.well-known/openid-configuration",
        ));
        let got = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap();
        assert_eq!(got.inputs.domain, "http://127.0.0.1:8787");
    }

    #[test]
    fn a_metadata_url_of_another_domain_is_refused() {
        let mut pairs = minimal();
        pairs.push((
            var::STREAMLIT_AUTH_SERVER_METADATA_URL,
            "https://other.auth0.com/.well-known/openid-configuration",
        ));
        let err = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap_err();
        assert!(
            err.to_string()
                .contains(var::STREAMLIT_AUTH_SERVER_METADATA_URL),
            "{err}"
        );
    }

    #[test]
    fn m2m_credentials_go_together() {
        let mut pairs = minimal();
        pairs.push((var::AUTH0_M2M_CLIENT_ID, "mid"));
        let err = inputs_from_env("e", &vars(&pairs), &FileDefaults::default()).unwrap_err();
        assert!(
            err.to_string().contains(var::AUTH0_M2M_CLIENT_SECRET),
            "{err}"
        );
    }
}
