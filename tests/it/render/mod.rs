//! `tenantform render` library: the rendered files read back identically through the parsers
//! the apps use (Python toml 0.10, tomllib, python-dotenv, dotenvy), Streamlit's own validator
//! accepts them, and the files are written safely.

mod files;
mod python;
mod roundtrip;
mod streamlit;

use std::path::Path;

use secrecy::SecretString;
use tenantform::render::{ProviderLayout, RenderInputs, RenderOptions};

use crate::support::sentinel;

pub fn inputs(provider: ProviderLayout) -> RenderInputs {
    RenderInputs {
        environment: "local".to_owned(),
        domain: "acme.eu.auth0.com".to_owned(),
        redirect_uri: "http://localhost:8501/oauth2callback".to_owned(),
        client_id: "dashboard-client-id".to_owned(),
        client_secret: SecretString::from(sentinel::DASHBOARD_CLIENT_SECRET),
        m2m_client_id: Some("m2m-client-id".to_owned()),
        m2m_client_secret: Some(SecretString::from(sentinel::RENDER_M2M_CLIENT_SECRET)),
        connection_name: Some("acme-users".to_owned()),
        provider,
    }
}

pub fn auth0() -> ProviderLayout {
    ProviderLayout::Named("auth0".to_owned())
}

pub fn options(out_dir: &Path) -> RenderOptions {
    RenderOptions {
        out_dir: out_dir.to_owned(),
        project_dir: None,
        rotate_cookie_secret: false,
        env_cookie_secret: None,
    }
}

/// Reads `[auth].cookie_secret` of a rendered directory.
pub fn cookie_secret_in(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join(".streamlit/secrets.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    table["auth"]["cookie_secret"].as_str().unwrap().to_owned()
}
