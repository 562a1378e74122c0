//! The template variables of a render and the values each file must read back.

use minijinja::value::Value;
use secrecy::{ExposeSecret, SecretString};

use super::inputs::{ProviderLayout, RenderInputs};
use super::variables as var;
use super::verify::Expected;

/// Variables every template can use:
/// `environment`, `domain`, `issuer_origin`, `redirect_uri`, `cookie_secret`, `client_id`,
/// `client_secret`, `server_metadata_url`, `m2m_client_id`, `m2m_client_secret`,
/// `connection_name` (the last three may be none), `provider` (the `st.login` name, `default`
/// for the default layout) and `provider_layout` (`named` or `default`).
pub fn template_context(inputs: &RenderInputs, cookie_secret: &SecretString) -> Value {
    minijinja::context! {
        environment => inputs.environment,
        domain => inputs.domain,
        issuer_origin => inputs.issuer_origin(),
        redirect_uri => inputs.redirect_uri,
        cookie_secret => cookie_secret.expose_secret(),
        client_id => inputs.client_id,
        client_secret => inputs.client_secret.expose_secret(),
        server_metadata_url => inputs.server_metadata_url(),
        m2m_client_id => inputs.m2m_client_id,
        m2m_client_secret => inputs.m2m_client_secret.as_ref().map(|s| s.expose_secret().to_owned()),
        connection_name => inputs.connection_name,
        provider => inputs.provider.login_name(),
        provider_layout => match inputs.provider {
            ProviderLayout::Named(_) => "named",
            ProviderLayout::Default => "default",
        },
    }
}

/// What `secrets.toml` must hold for Streamlit, whatever the template.
pub fn expected_secrets_toml(inputs: &RenderInputs, cookie_secret: &SecretString) -> Vec<Expected> {
    let provider_table = match &inputs.provider {
        ProviderLayout::Named(name) => format!("auth.{name}"),
        ProviderLayout::Default => "auth".to_owned(),
    };
    let required = |key: String, value: &str| Expected {
        key,
        value: value.to_owned(),
        required: true,
    };
    vec![
        required("auth.redirect_uri".to_owned(), &inputs.redirect_uri),
        required(
            "auth.cookie_secret".to_owned(),
            cookie_secret.expose_secret(),
        ),
        required(format!("{provider_table}.client_id"), &inputs.client_id),
        required(
            format!("{provider_table}.client_secret"),
            inputs.client_secret.expose_secret(),
        ),
        required(
            format!("{provider_table}.server_metadata_url"),
            &inputs.server_metadata_url(),
        ),
    ]
}

/// What `.env` holds: the runbook's variables. `all_required` for the built-in template; a
/// project template may leave keys out but may not change them.
pub fn expected_dotenv(
    inputs: &RenderInputs,
    cookie_secret: &SecretString,
    all_required: bool,
) -> Vec<Expected> {
    let mut pairs: Vec<(&str, String)> = vec![
        (
            var::STREAMLIT_AUTH_PROVIDER,
            inputs.provider.login_name().to_owned(),
        ),
        (
            var::STREAMLIT_AUTH_REDIRECT_URI,
            inputs.redirect_uri.clone(),
        ),
        (
            var::STREAMLIT_AUTH_COOKIE_SECRET,
            cookie_secret.expose_secret().to_owned(),
        ),
        (var::STREAMLIT_AUTH_CLIENT_ID, inputs.client_id.clone()),
        (
            var::STREAMLIT_AUTH_CLIENT_SECRET,
            inputs.client_secret.expose_secret().to_owned(),
        ),
        (
            var::STREAMLIT_AUTH_SERVER_METADATA_URL,
            inputs.server_metadata_url(),
        ),
        (var::AUTH0_DOMAIN, inputs.domain.clone()),
    ];
    if let Some(id) = &inputs.m2m_client_id {
        pairs.push((var::AUTH0_M2M_CLIENT_ID, id.clone()));
    }
    if let Some(secret) = &inputs.m2m_client_secret {
        pairs.push((
            var::AUTH0_M2M_CLIENT_SECRET,
            secret.expose_secret().to_owned(),
        ));
    }
    if let Some(name) = &inputs.connection_name {
        pairs.push((var::AUTH0_DATABASE_CONNECTION_NAME, name.clone()));
    }
    pairs
        .into_iter()
        .map(|(key, value)| Expected {
            key: key.to_owned(),
            value,
            required: all_required,
        })
        .collect()
}
