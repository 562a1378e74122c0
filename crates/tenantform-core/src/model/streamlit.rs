//! The Streamlit app the tenant serves, and its environments (used by `render` and the checks).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How the Streamlit app uses this tenant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StreamlitApp {
    /// The application `st.login` uses (key under `applications`). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,

    /// The M2M application the admin page uses (key under `applications`); rendered as
    /// `AUTH0_M2M_CLIENT_ID`/`AUTH0_M2M_CLIENT_SECRET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_application: Option<String>,

    /// The database connection users live in (key under `connections`); rendered as
    /// `AUTH0_DATABASE_CONNECTION_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<String>,

    /// Provider name for `st.login("auth0")` (`[auth.auth0]`, the default); may not contain `_`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,

    /// Where the app runs, e.g. `local` and `production`.
    #[serde(default)]
    pub environments: IndexMap<String, Environment>,
}

impl StreamlitApp {
    pub fn provider(&self) -> &str {
        self.provider.as_deref().unwrap_or("auth0")
    }
}

/// One place the app runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The app's base URL, e.g. `http://localhost:8501` or `https://app.up.railway.app`. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,

    /// The OAuth redirect URI; defaults to `<url>/oauth2callback`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
}

impl Environment {
    /// The explicit redirect_uri, else `<url>/oauth2callback`.
    pub fn redirect_uri(&self) -> Option<String> {
        self.redirect_uri
            .clone()
            .or_else(|| self.url.as_ref().and_then(|url| callback_under(url)))
    }
}

/// `<base>/oauth2callback`, built with the URL parser: the path of `base` keeps its segments
/// (`https://host/app` gives `https://host/app/oauth2callback`), a query or fragment is not
/// carried into the callback. `None` when `base` is not an absolute URL (validation says so).
fn callback_under(base: &str) -> Option<String> {
    let mut url = url::Url::parse(base.trim()).ok()?;
    if url.cannot_be_a_base() {
        return None;
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    url.join("oauth2callback").ok().map(String::from)
}

#[cfg(test)]
mod redirect_tests {
    use super::callback_under;

    #[test]
    fn the_callback_is_joined_to_the_base_url_not_appended_to_its_text() {
        for (base, callback) in [
            (
                "http://localhost:8501",
                "http://localhost:8501/oauth2callback",
            ),
            (
                "http://localhost:8501/",
                "http://localhost:8501/oauth2callback",
            ),
            (
                "https://app.example/reports",
                "https://app.example/reports/oauth2callback",
            ),
            (
                "https://app.example/reports/",
                "https://app.example/reports/oauth2callback",
            ),
            (
                "https://app.example/reports?tab=1",
                "https://app.example/reports/oauth2callback",
            ),
            (
                "https://app.example#top",
                "https://app.example/oauth2callback",
            ),
        ] {
            assert_eq!(callback_under(base).as_deref(), Some(callback), "{base}");
        }
        assert_eq!(callback_under("not a url"), None);
    }
}
