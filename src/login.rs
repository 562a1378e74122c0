//! A login through a tenant's hosted pages over plain HTTP, the way a browser goes through
//! them: the login form (`POST /u/login`), the callback's `code` (or `error`), the code
//! exchange at `/oauth/token`; and the password-change ticket page an invited user opens to
//! choose a password. The demo uses it to show the post-login Action at work against the
//! emulator.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::distr::{Alphanumeric, SampleString as _};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value};

/// A regular web application that users sign in to.
pub struct LoginClient {
    http: reqwest::Client,
    /// `https://DOMAIN` or `http://127.0.0.1:PORT`.
    domain: String,
    client_id: String,
    client_secret: SecretString,
    redirect_uri: String,
}

/// How a sign-in ended.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginOutcome {
    /// A code came back and was exchanged: the ID token's claims (decoded, not verified).
    SignedIn { id_token_claims: Map<String, Value> },
    /// The callback got an error, e.g. `access_denied` from a post-login Action.
    Denied { error: String, description: String },
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("{step}: {source}")]
    Http {
        step: &'static str,
        source: reqwest::Error,
    },
    #[error("{step}: {detail}")]
    Unexpected { step: &'static str, detail: String },
}

fn http_error(step: &'static str) -> impl FnOnce(reqwest::Error) -> LoginError {
    move |source| LoginError::Http {
        step,
        source: source.without_url(),
    }
}

fn unexpected(step: &'static str, detail: impl Into<String>) -> LoginError {
    LoginError::Unexpected {
        step,
        detail: detail.into(),
    }
}

/// What a hosted page says went wrong: its alert (`<p ... role="alert">text</p>`), else its
/// status alone. Never the page itself: its hidden fields may carry a ticket.
fn page_error(body: &str) -> String {
    body.split_once(r#"role="alert">"#)
        .and_then(|(_, rest)| rest.split_once('<'))
        .map(|(text, _)| format!(": {}", text.trim()))
        .unwrap_or_default()
}

fn http_client() -> Result<reqwest::Client, LoginError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .map_err(http_error("HTTP client"))
}

impl LoginClient {
    pub fn new(
        domain: &str,
        client_id: &str,
        client_secret: SecretString,
        redirect_uri: &str,
    ) -> Result<Self, LoginError> {
        Ok(Self {
            http: http_client()?,
            domain: domain.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret,
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// Signs `email` in through the login form; on a code, exchanges it for tokens.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &SecretString,
    ) -> Result<LoginOutcome, LoginError> {
        let state = Alphanumeric.sample_string(&mut rand::rng(), 24);
        let response = self
            .http
            .post(format!("{}/u/login", self.domain))
            .form(&[
                ("client_id", self.client_id.as_str()),
                ("redirect_uri", self.redirect_uri.as_str()),
                ("response_type", "code"),
                ("scope", "openid profile email"),
                ("state", state.as_str()),
                ("email", email),
                ("password", password.expose_secret()),
            ])
            .send()
            .await
            .map_err(http_error("login form"))?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let Some(location) = location.filter(|_| status.is_redirection()) else {
            let body = response.text().await.unwrap_or_default();
            return Err(unexpected(
                "login form",
                format!(
                    "answered {status} instead of a redirect to the callback{}",
                    page_error(&body)
                ),
            ));
        };
        let callback = url::Url::parse(&location)
            .map_err(|e| unexpected("login form", format!("redirected to {location:?}: {e}")))?;
        let query: Map<String, Value> = callback
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        let field = |name: &str| query.get(name).and_then(Value::as_str);
        if field("state") != Some(state.as_str()) {
            return Err(unexpected(
                "login form",
                "the callback did not carry the state sent",
            ));
        }
        if let Some(error) = field("error") {
            return Ok(LoginOutcome::Denied {
                error: error.to_owned(),
                description: field("error_description").unwrap_or_default().to_owned(),
            });
        }
        let code = field("code")
            .ok_or_else(|| unexpected("login form", "the callback has neither code nor error"))?;
        let id_token = self.exchange(code).await?;
        Ok(LoginOutcome::SignedIn {
            id_token_claims: claims_of(&id_token)?,
        })
    }

    /// The authorization code → the ID token (`client_secret_post`).
    async fn exchange(&self, code: &str) -> Result<String, LoginError> {
        let response = self
            .http
            .post(format!("{}/oauth/token", self.domain))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", self.redirect_uri.as_str()),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose_secret()),
            ])
            .send()
            .await
            .map_err(http_error("code exchange"))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(http_error("code exchange"))?;
        if !status.is_success() {
            return Err(unexpected(
                "code exchange",
                format!(
                    "answered {status}: {} {}",
                    body["error"].as_str().unwrap_or_default(),
                    body["error_description"].as_str().unwrap_or_default()
                ),
            ));
        }
        body["id_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| unexpected("code exchange", "the token response has no id_token"))
    }
}

/// The payload of a JWT, decoded (its signature is not checked: this is for showing claims).
pub fn claims_of(jwt: &str) -> Result<Map<String, Value>, LoginError> {
    let payload = jwt
        .split('.')
        .nth(1)
        .ok_or_else(|| unexpected("ID token", "not a JWT"))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| unexpected("ID token", format!("payload is not base64url: {e}")))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(claims)) => Ok(claims),
        _ => Err(unexpected("ID token", "payload is not a JSON object")),
    }
}

/// Opens a password-change ticket URL (`.../u/reset-password?ticket=...`) and submits its
/// form with `password`, as an invited user does from their email.
pub async fn set_password_with_ticket(
    ticket_url: &str,
    password: &SecretString,
) -> Result<(), LoginError> {
    let http = http_client()?;
    let url = url::Url::parse(ticket_url)
        .map_err(|e| unexpected("ticket page", format!("not a URL: {e}")))?;
    let ticket = url
        .query_pairs()
        .find(|(k, _)| k == "ticket")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| unexpected("ticket page", "the ticket URL has no ticket"))?;
    let page = http
        .get(url.as_str())
        .send()
        .await
        .map_err(http_error("ticket page"))?;
    if page.status() != reqwest::StatusCode::OK {
        return Err(unexpected(
            "ticket page",
            format!("answered {}", page.status()),
        ));
    }
    let mut form_url = url.clone();
    form_url.set_query(None);
    let response = http
        .post(form_url)
        .form(&[
            ("ticket", ticket.as_str()),
            ("password", password.expose_secret()),
            ("confirm_password", password.expose_secret()),
        ])
        .send()
        .await
        .map_err(http_error("ticket page"))?;
    let status = response.status();
    if status.is_success() || status.is_redirection() {
        Ok(())
    } else {
        let body = response.text().await.unwrap_or_default();
        Err(unexpected(
            "ticket page",
            format!("refused the password ({status}){}", page_error(&body)),
        ))
    }
}

/// A password that meets Auth0's `good` policy (lower and upper case, digits, a symbol).
pub fn generate_password() -> SecretString {
    let random = Alphanumeric.sample_string(&mut rand::rng(), 24);
    SecretString::from(format!("Tf-{random}-9a"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_error_is_its_alert_only() {
        let page = r#"<h1>Log in</h1><p class="error" role="alert">Wrong email or password.</p><input type="hidden" name="ticket" value="t0p">"#;
        assert_eq!(page_error(page), ": Wrong email or password.");
        assert_eq!(page_error("<input name=ticket value=t0p>"), "");
    }

    #[test]
    fn claims_are_read_from_the_jwt_payload() {
        let payload = URL_SAFE_NO_PAD.encode(r#"{"email":"a@b.c","https://x/roles":["admin"]}"#);
        let claims = claims_of(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims["https://x/roles"], serde_json::json!(["admin"]));
        assert!(claims_of("nope").is_err());
    }
}
