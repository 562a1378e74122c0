//! What the login tests share: a tenant with a regular web app signing in through an
//! invite-only database connection, a browser that does not follow redirects, the Management
//! API calls that set a login up (post-login Actions bound), the code redeemed for tokens, and
//! the reading of pages, callbacks and tokens.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use auth0_emulator::{Emulator, EmulatorOptions};

use crate::support::{Api, REQUEST_TIMEOUT};

/// The callback the app registers (Streamlit's).
pub(crate) const CALLBACK: &str = "http://localhost:8501/oauth2callback";

/// An HTTP client that does not follow redirects: each step's answer is read.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A regular web app ("Dashboard", `client_secret_post`) with an invite-only database
/// connection (`users`, sign-ups disabled) enabled for it.
pub(crate) struct Tenant {
    pub emulator: Emulator,
    pub api: Api,
    pub browser: reqwest::Client,
    pub client_id: String,
    pub client_secret: String,
}

impl Tenant {
    pub(crate) async fn start(options: EmulatorOptions) -> Tenant {
        let emulator = crate::support::start_with(options).await;
        let api = Api::new(&emulator).await;
        let mut tenant = Tenant {
            emulator,
            api,
            browser: browser(),
            client_id: String::new(),
            client_secret: String::new(),
        };
        let client = tenant
            .call(
                "POST",
                "clients",
                json!({"name": "Dashboard", "app_type": "regular_web", "callbacks": [CALLBACK],
                       "grant_types": ["authorization_code"],
                       "token_endpoint_auth_method": "client_secret_post"}),
            )
            .await;
        tenant.client_id = client["client_id"].as_str().unwrap().to_owned();
        tenant.client_secret = client["client_secret"].as_str().unwrap().to_owned();
        let database = tenant
            .call(
                "POST",
                "connections",
                json!({"name": "users", "strategy": "auth0", "options": {"disable_signup": true}}),
            )
            .await;
        tenant.enable(database["id"].as_str().unwrap()).await;
        tenant
    }

    /// A Management API call that must succeed; its answer.
    pub(crate) async fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let answer = self
            .api
            .send(method.parse().unwrap(), path, Some(&body))
            .await;
        assert!(
            (200..300).contains(&answer.status),
            "{method} {path}: {} {:?}",
            answer.status,
            answer.body
        );
        answer.body.unwrap_or(Value::Null)
    }

    /// Enables the connection for the app.
    pub(crate) async fn enable(&self, connection_id: &str) {
        self.call(
            "PATCH",
            &format!("connections/{connection_id}/clients"),
            json!([{"client_id": self.client_id, "status": true}]),
        )
        .await;
    }

    /// Creates, deploys and binds Actions to post-login, in this order.
    pub(crate) async fn bind(&self, actions: &[(&str, &str)]) {
        let mut bindings = Vec::new();
        for (name, code) in actions {
            let action = self
                .call(
                    "POST",
                    "actions/actions",
                    json!({"name": name, "code": code,
                           "supported_triggers": [{"id": "post-login", "version": "v3"}]}),
                )
                .await;
            let id = action["id"].as_str().unwrap();
            self.call("POST", &format!("actions/actions/{id}/deploy"), json!({}))
                .await;
            bindings
                .push(json!({"ref": {"type": "action_name", "value": name}, "display_name": name}));
        }
        self.call(
            "PATCH",
            "actions/triggers/post-login/bindings",
            json!({"bindings": bindings}),
        )
        .await;
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.domain())
    }

    /// Redeems a code (`client_secret_post`): the token response.
    pub(crate) async fn tokens(&self, code: &str) -> Value {
        self.browser
            .post(self.url("/oauth/token"))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("client_id", &self.client_id),
                ("client_secret", &self.client_secret),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Actions built at once: a login need not wait for a deploy.
pub(crate) fn instant_builds() -> EmulatorOptions {
    EmulatorOptions {
        action_build_time: Duration::ZERO,
        ..EmulatorOptions::default()
    }
}

/// A JWT's claims (its signature is not checked here: `oidc::verify_rs256` does that).
pub(crate) fn payload(jwt: &str) -> Value {
    let part = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// The hidden and named inputs of the form with this `action`.
pub(crate) fn form_inputs(html: &str, action: &str) -> Option<HashMap<String, String>> {
    let start = html.find(&format!(r#"action="{action}""#))?;
    let form = &html[start..start + html[start..].find("</form>")?];
    let mut inputs = HashMap::new();
    for input in form.split("<input").skip(1) {
        let attribute = |name: &str| {
            let from = input.find(&format!(r#"{name}=""#))? + name.len() + 2;
            let to = from + input[from..].find('"')?;
            Some(
                input[from..to]
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&"),
            )
        };
        if let Some(name) = attribute("name") {
            inputs.insert(name, attribute("value").unwrap_or_default());
        }
    }
    Some(inputs)
}

/// The query of a redirect's `Location` (a callback's `code`, `state`, `error`).
pub(crate) fn query_of(location: &str) -> HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}
