//! The Management API access token: client-credentials grant, cached in memory for the run,
//! refreshed (once per stale token, however many requests saw it fail) after a 401. The token
//! request is reported to the observers like any other (path and status: never its form, which
//! holds the client secret, nor its answer, which holds the token).

use reqwest::header::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;
use url::Url;

use super::error::{ApiError, RequestLine};
use super::http::{Observers, Phase, report, watched};
use super::settings::ConnectionSettings;
use super::stats::StatsCounters;

/// A token and the generation it belongs to (to refresh a stale one only once).
#[derive(Clone)]
pub(crate) struct Bearer {
    pub token: SecretString,
    pub generation: u64,
}

pub(crate) struct TokenSource {
    url: Url,
    client_id: String,
    client_secret: SecretString,
    audience: String,
    timeout: std::time::Duration,
    cached: Mutex<Option<Bearer>>,
}

impl TokenSource {
    pub(crate) fn new(settings: &ConnectionSettings) -> Self {
        Self {
            url: settings.token_url(),
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            audience: settings.audience(),
            timeout: settings.timeout,
            cached: Mutex::new(None),
        }
    }

    /// The cached token, fetched on first use.
    pub(crate) async fn current(
        &self,
        http: &reqwest::Client,
        stats: &StatsCounters,
        observers: &Observers,
    ) -> Result<Bearer, ApiError> {
        let mut cached = self.cached.lock().await;
        if let Some(bearer) = cached.as_ref() {
            return Ok(bearer.clone());
        }
        let bearer = Bearer {
            token: self.fetch(http, stats, observers).await?,
            generation: 1,
        };
        *cached = Some(bearer.clone());
        Ok(bearer)
    }

    /// A new token in place of `stale`, unless another request already replaced it.
    pub(crate) async fn refresh(
        &self,
        stale: &Bearer,
        http: &reqwest::Client,
        stats: &StatsCounters,
        observers: &Observers,
    ) -> Result<Bearer, ApiError> {
        let mut cached = self.cached.lock().await;
        if let Some(bearer) = cached.as_ref().filter(|b| b.generation != stale.generation) {
            return Ok(bearer.clone());
        }
        let bearer = Bearer {
            token: self.fetch(http, stats, observers).await?,
            generation: stale.generation + 1,
        };
        *cached = Some(bearer.clone());
        Ok(bearer)
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
        stats: &StatsCounters,
        observers: &Observers,
    ) -> Result<SecretString, ApiError> {
        let line = RequestLine {
            method: reqwest::Method::POST,
            path: self.url.path().to_owned(),
        };
        stats.token_requested();
        let started = std::time::Instant::now();
        let answer = watched(observers, &line, &Phase::server(), self.post(http, &line)).await;
        report(
            observers,
            &line,
            answer
                .as_ref()
                .ok()
                .map(|(code, headers, _)| (*code, headers)),
            0,
            (started, started),
        );
        let (code, _, bytes) = answer?;
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !(200..300).contains(&code) {
            return Err(ApiError::from_token_response(code, &body));
        }
        match body.get("access_token").and_then(Value::as_str) {
            Some(token) if !token.is_empty() => Ok(SecretString::from(token.to_owned())),
            _ => Err(ApiError::Unexpected {
                request: line,
                detail: "the token response has no access_token".to_owned(),
            }),
        }
    }

    /// The client-credentials request: its status, headers and body.
    async fn post(
        &self,
        http: &reqwest::Client,
        line: &RequestLine,
    ) -> Result<(u16, HeaderMap, Vec<u8>), ApiError> {
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("audience", self.audience.as_str()),
        ];
        let response = http
            .post(self.url.clone())
            .form(&form)
            .send()
            .await
            .map_err(|source| {
                if source.is_timeout() {
                    ApiError::Timeout {
                        request: line.clone(),
                        after: self.timeout,
                    }
                } else {
                    ApiError::Transport {
                        request: line.clone(),
                        source: source.without_url(),
                    }
                }
            })?;
        let code = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .bytes()
            .await
            .map_err(|source| ApiError::Transport {
                request: line.clone(),
                source: source.without_url(),
            })?;
        Ok((code, headers, bytes.to_vec()))
    }
}
