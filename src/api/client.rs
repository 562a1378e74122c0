//! `ManagementClient`: the one handle to a tenant's Management API. Cheap to clone; clones share
//! the token, the rate limiter, the concurrency cap and the counters, so independent reads can
//! run concurrently (`tokio::join!`, `JoinSet`) within one rate limit.

use std::sync::Arc;

use reqwest::Method;
use serde_json::Value;

use super::error::ApiError;
use super::http::{ApiResponse, HttpCore, Observers, RequestObserver};
use super::settings::ConnectionSettings;
use super::stats::RequestStats;

#[derive(Clone)]
pub struct ManagementClient {
    core: Arc<HttpCore>,
}

impl std::fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagementClient")
            .field("domain", &self.domain())
            .finish_non_exhaustive()
    }
}

/// A query string: pairs in order (values owned so they can be built on the fly).
pub type Query<'a> = [(&'a str, String)];

impl ManagementClient {
    /// Builds the client and gets its token (so bad credentials fail here, clearly).
    pub async fn connect(settings: ConnectionSettings) -> Result<Self, ApiError> {
        Self::connect_with_observers(settings, Observers::default()).await
    }

    /// Like [`ManagementClient::connect`], reporting every attempt (method, path, status, time)
    /// to `observer`.
    pub async fn connect_with_observer(
        settings: ConnectionSettings,
        observer: Option<RequestObserver>,
    ) -> Result<Self, ApiError> {
        let observers = Observers {
            request: observer,
            ..Observers::default()
        };
        Self::connect_with_observers(settings, observers).await
    }

    /// Like [`ManagementClient::connect`], reporting every attempt (method, path, status, time)
    /// and every slow request to `observers`, e.g. for `--verbose` and the "still waiting"
    /// notice.
    pub async fn connect_with_observers(
        settings: ConnectionSettings,
        observers: Observers,
    ) -> Result<Self, ApiError> {
        let mut core = HttpCore::new(settings)?;
        core.observers = observers;
        let cache = core.settings.rate_limit_cache.as_deref();
        core.limiter.recall(cache, &core.settings.origin());
        let client = Self {
            core: Arc::new(core),
        };
        client.core.bearer().await?;
        Ok(client)
    }

    /// The tenant's origin, e.g. `https://acme.eu.auth0.com` or `http://127.0.0.1:8787`.
    pub fn domain(&self) -> String {
        self.core.settings.origin()
    }

    /// The Management API identifier (`{origin}/api/v2/`), audience of its grants.
    pub fn audience(&self) -> String {
        self.core.settings.audience()
    }

    pub fn settings(&self) -> &ConnectionSettings {
        &self.core.settings
    }

    /// The client id tenantform authenticates as (its own M2M application).
    pub fn own_client_id(&self) -> &str {
        &self.core.settings.client_id
    }

    /// Counters so far: requests sent, 429s, retries, token requests.
    pub fn stats(&self) -> RequestStats {
        self.core.stats.snapshot()
    }

    /// Records in the rate-limit cache when the buckets this run drew from hold a whole token
    /// again, so the next run's first request is not refused (see
    /// [`super::RateLimiter::remember`]).
    pub fn remember_rate_limits(&self) {
        let settings = &self.core.settings;
        let cache = settings.rate_limit_cache.as_deref();
        self.core.limiter.remember(cache, &settings.origin());
    }

    /// The rate limiter's current estimate of the refill rate (requests per second), once the
    /// server has sent rate-limit headers.
    pub fn estimated_rate(&self) -> Option<f64> {
        self.core.limiter.estimated_rate()
    }

    /// Sends one request (retries, rate limit and token handled) under `/api/v2/` + `segments`
    /// (each percent-encoded).
    pub async fn request(
        &self,
        method: Method,
        segments: &[&str],
        query: &Query<'_>,
        body: Option<&Value>,
    ) -> Result<ApiResponse, ApiError> {
        self.core.send(method, segments, query, body).await
    }

    pub async fn get(&self, segments: &[&str], query: &Query<'_>) -> Result<Value, ApiError> {
        Ok(self.request(Method::GET, segments, query, None).await?.body)
    }

    /// GET that maps a 404 to `None`.
    pub async fn get_optional(
        &self,
        segments: &[&str],
        query: &Query<'_>,
    ) -> Result<Option<Value>, ApiError> {
        match self.get(segments, query).await {
            Ok(body) => Ok(Some(body)),
            Err(error) if error.is_not_found() => Ok(None),
            Err(error) => Err(error),
        }
    }

    pub async fn post(&self, segments: &[&str], body: &Value) -> Result<Value, ApiError> {
        Ok(self
            .request(Method::POST, segments, &[], Some(body))
            .await?
            .body)
    }

    pub async fn patch(&self, segments: &[&str], body: &Value) -> Result<Value, ApiError> {
        Ok(self
            .request(Method::PATCH, segments, &[], Some(body))
            .await?
            .body)
    }

    pub async fn delete(&self, segments: &[&str]) -> Result<Value, ApiError> {
        Ok(self
            .request(Method::DELETE, segments, &[], None)
            .await?
            .body)
    }
}
