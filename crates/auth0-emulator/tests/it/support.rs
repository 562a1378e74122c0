//! The emulator's test client: start a fresh emulator, get a token, call the Management API,
//! read Auth0's rate-limit answers. tenantform's own integration tests include this file
//! (`tests/it/support/mod.rs` at the workspace root) rather than keep a copy.

use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorOptions};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};

/// Every request in these tests is local; a generous bound keeps a hung server from hanging CI.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn start() -> Emulator {
    start_with(EmulatorOptions::default()).await
}

pub async fn start_with(options: EmulatorOptions) -> Emulator {
    Emulator::start("127.0.0.1:0".parse().expect("socket address"), options)
        .await
        .expect("emulator starts")
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("http client")
}

/// A response read to the end: status, headers, and the body parsed as JSON when present.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Option<Value>,
}

impl Answer {
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        let body = if text.trim().is_empty() {
            None
        } else {
            Some(
                serde_json::from_str(&text)
                    .unwrap_or_else(|error| panic!("non-JSON body ({error}): {text}")),
            )
        };
        Self {
            status,
            headers,
            body,
        }
    }

    pub fn json(&self) -> &Value {
        self.body
            .as_ref()
            .unwrap_or_else(|| panic!("expected a body, got none (status {})", self.status))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A Management API client authenticated as the emulator's M2M client.
pub struct Api {
    pub http: reqwest::Client,
    pub domain: String,
    token: SecretString,
}

impl Api {
    pub async fn new(emulator: &Emulator) -> Self {
        let http = http();
        let token = token(
            &http,
            &emulator.domain(),
            emulator.client_id(),
            emulator.client_secret(),
        )
        .await;
        Self {
            http,
            domain: emulator.domain(),
            token,
        }
    }

    /// The bearer token, for tests that build their own requests.
    pub fn bearer(&self) -> &str {
        self.token.expose_secret()
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!(
            "{}/api/v2/{}",
            self.domain,
            path_and_query.trim_start_matches('/')
        )
    }

    pub fn request(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(path_and_query))
            .bearer_auth(self.token.expose_secret())
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<&Value>,
    ) -> Answer {
        let mut request = self.request(method, path_and_query);
        if let Some(body) = body {
            request = request.json(body);
        }
        Answer::read(request.send().await.expect("request reaches the emulator")).await
    }

    pub async fn get(&self, path_and_query: &str) -> Answer {
        self.send(reqwest::Method::GET, path_and_query, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Answer {
        self.send(reqwest::Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}

/// `POST /oauth/token` with client credentials for the Management API audience.
pub async fn token(
    http: &reqwest::Client,
    domain: &str,
    client_id: &str,
    client_secret: &SecretString,
) -> SecretString {
    let answer = Answer::read(
        http.post(format!("{domain}/oauth/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", client_secret.expose_secret()),
                ("audience", &format!("{domain}/api/v2/")),
            ])
            .send()
            .await
            .expect("token request reaches the emulator"),
    )
    .await;
    assert_eq!(answer.status, 200, "token endpoint: {:?}", answer.body);
    let token = answer.json()["access_token"]
        .as_str()
        .expect("access_token is a string");
    SecretString::from(token.to_owned())
}

/// Auth0's answer to a request over the rate limit.
pub fn auth0_429_body() -> Value {
    json!({"statusCode": 429, "error": "Too Many Requests", "message": "Global limit has been reached", "errorCode": "too_many_requests"})
}

/// The three headers on one response: (limit, remaining, reset epoch seconds).
pub fn rate_limit_headers(answer: &Answer) -> (u64, u64, u64) {
    let number = |name: &str| -> u64 {
        answer
            .header(name)
            .unwrap_or_else(|| panic!("{name} missing (status {})", answer.status))
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a whole number"))
    };
    (
        number("x-ratelimit-limit"),
        number("x-ratelimit-remaining"),
        number("x-ratelimit-reset"),
    )
}
