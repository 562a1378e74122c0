//! The request core: bearer token, concurrency cap, rate limiter, timeouts and retries.
//!
//! Retry policy: a 429 is retried for every method (the server refused it before doing
//! anything), after the reset it announces. 5xx answers, timeouts and connection errors are
//! retried only for idempotent methods (GET, PUT, PATCH, DELETE): a POST that failed that way
//! may have taken effect, and only its caller can find out. A 401 refreshes the token once.
//!
//! [`Observers`] hear of each attempt (`--verbose`) and of a request still unanswered after
//! a while, with what it waits for (Auth0 or the rate limit), so a slow run is not silent.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rand::Rng;
use reqwest::Method;
use reqwest::header::HeaderMap;
use secrecy::ExposeSecret;
use serde_json::Value;
use tokio::sync::Semaphore;
use url::Url;

use super::error::{ApiError, RequestLine};
use super::rate_limit::{Endpoint, RateLimitHeaders, RateLimiter};
use super::settings::ConnectionSettings;
use super::stats::StatsCounters;
use super::token::{Bearer, TokenSource};

/// A successful answer: its status and JSON body (`Value::Null` when empty).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Value,
}

/// One attempt, reported to the observer (for `--verbose`). Never holds a body or a token.
#[derive(Debug, Clone)]
pub struct RequestEvent {
    pub method: Method,
    /// Path without the query string.
    pub path: String,
    /// The status, or `None` when no answer came.
    pub status: Option<u16>,
    /// 0 for the first attempt.
    pub attempt: u32,
    /// From sending the request to its answer.
    pub elapsed: Duration,
    /// How long it waited before it was sent: the rate limit, or the client's own limit on
    /// requests in flight.
    pub waited: Duration,
    /// The answer's `x-ratelimit-remaining`, when it had one.
    pub ratelimit_remaining: Option<String>,
}

pub type RequestObserver = Arc<dyn Fn(&RequestEvent) + Send + Sync>;

/// What a request that has not answered yet is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Auth0's answer (or its retry after a 5xx).
    Server,
    /// The rate limit: the client-side limiter, or the wait a 429 announced.
    RateLimit,
}

/// A request unanswered after [`Observers::slow_after`], reported once per request. Never
/// holds a body or a token.
#[derive(Debug, Clone)]
pub struct SlowRequest {
    pub method: Method,
    /// Path without the query string.
    pub path: String,
    pub waited: Duration,
    pub waiting: Waiting,
}

pub type SlowObserver = Arc<dyn Fn(&SlowRequest) + Send + Sync>;

/// Who hears about requests: each attempt ([`RequestEvent`]) and each slow request
/// ([`SlowRequest`]). The token request is reported like the others.
#[derive(Clone)]
pub struct Observers {
    pub request: Option<RequestObserver>,
    pub slow: Option<SlowObserver>,
    /// How long a request may go unanswered before `slow` hears of it.
    pub slow_after: Duration,
}

/// A slow answer is noticed after this long by default (the request timeout is 30 s).
pub const SLOW_AFTER: Duration = Duration::from_secs(5);

impl Default for Observers {
    fn default() -> Self {
        Self {
            request: None,
            slow: None,
            slow_after: SLOW_AFTER,
        }
    }
}

/// Where a request is now, read by its watcher ([`watched`]).
pub(crate) struct Phase<'a> {
    state: AtomicU8,
    /// The limiter it may wait on, to tell a wait for the limits' first answer (own work).
    limiter: Option<&'a RateLimiter>,
}

/// Waiting on this run's own work (a concurrency slot, the token request, a backoff decided
/// here): nothing to tell beyond what that work reports itself.
const OWN: u8 = 0;
const RATE_LIMIT: u8 = 1;
const SERVER: u8 = 2;

impl<'a> Phase<'a> {
    pub(crate) fn server() -> Self {
        Self {
            state: AtomicU8::new(SERVER),
            limiter: None,
        }
    }

    fn limited_by(limiter: &'a RateLimiter) -> Self {
        Self {
            state: AtomicU8::new(OWN),
            limiter: Some(limiter),
        }
    }

    fn set(&self, phase: u8) {
        self.state.store(phase, Ordering::Relaxed);
    }

    fn waiting(&self) -> Option<Waiting> {
        match self.state.load(Ordering::Relaxed) {
            RATE_LIMIT if self.limiter.is_some_and(RateLimiter::holds_for_own_work) => None,
            RATE_LIMIT => Some(Waiting::RateLimit),
            SERVER => Some(Waiting::Server),
            _ => None,
        }
    }
}

/// Runs `work`, telling `observers.slow` once if it is still running after
/// `observers.slow_after` while waiting on the server or the rate limit (a request queued
/// behind this run's own requests is not reported: those are).
pub(crate) async fn watched<T>(
    observers: &Observers,
    line: &RequestLine,
    phase: &Phase<'_>,
    work: impl Future<Output = T>,
) -> T {
    let Some(slow) = &observers.slow else {
        return work.await;
    };
    let started = Instant::now();
    let mut work = std::pin::pin!(work);
    loop {
        if let Ok(done) = tokio::time::timeout(observers.slow_after, work.as_mut()).await {
            return done;
        }
        if let Some(waiting) = phase.waiting() {
            slow(&SlowRequest {
                method: line.method.clone(),
                path: line.path.clone(),
                waited: started.elapsed(),
                waiting,
            });
            return work.await;
        }
    }
}

/// Tells `observers.request` of one attempt.
pub(crate) fn report(
    observers: &Observers,
    line: &RequestLine,
    answer: Option<(u16, &HeaderMap)>,
    attempt: u32,
    (queued, sent): (Instant, Instant),
) {
    if let Some(observer) = &observers.request {
        observer(&RequestEvent {
            method: line.method.clone(),
            path: line.path.clone(),
            status: answer.map(|(status, _)| status),
            attempt,
            elapsed: sent.elapsed(),
            waited: sent.saturating_duration_since(queued),
            ratelimit_remaining: answer
                .and_then(|(_, headers)| headers.get("x-ratelimit-remaining"))
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned),
        });
    }
}

const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
const MAX_RESET_WAIT: Duration = Duration::from_secs(60);

pub(crate) struct HttpCore {
    pub(crate) settings: ConnectionSettings,
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) token: TokenSource,
    pub(crate) limiter: RateLimiter,
    pub(crate) stats: StatsCounters,
    pub(crate) slots: Semaphore,
    pub(crate) observers: Observers,
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::PUT | Method::PATCH | Method::DELETE | Method::HEAD
    )
}

/// What to do after a failed attempt.
enum Next {
    Retry(Duration),
    Fail(ApiError),
}

impl HttpCore {
    pub(crate) fn new(settings: ConnectionSettings) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("tenantform/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| ApiError::Transport {
                request: RequestLine {
                    method: Method::GET,
                    path: String::new(),
                },
                source: source.without_url(),
            })?;
        Ok(Self {
            base: settings.api_base(),
            token: TokenSource::new(&settings),
            limiter: RateLimiter::new(),
            stats: StatsCounters::default(),
            slots: Semaphore::new(settings.concurrency.max(1)),
            observers: Observers::default(),
            http,
            settings,
        })
    }

    pub(crate) async fn bearer(&self) -> Result<Bearer, ApiError> {
        self.token
            .current(&self.http, &self.stats, &self.observers)
            .await
    }

    /// `{base}/seg1/seg2`, each segment percent-encoded (ids such as `auth0|123` or an API
    /// identifier URL are single segments; `|` is encoded as Auth0's own SDKs do).
    pub(crate) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        let mut path = url.path().trim_end_matches('/').to_owned();
        for segment in segments {
            path.push('/');
            path.push_str(&encode_segment(segment));
        }
        url.set_path(&path);
        url
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<ApiResponse, ApiError> {
        let url = self.url(segments);
        let line = RequestLine {
            method: method.clone(),
            path: url.path().to_owned(),
        };
        let phase = Phase::limited_by(&self.limiter);
        // Boxed: the watcher would otherwise hold the whole retry loop inline, and every
        // caller's future with it.
        let attempts = Box::pin(self.attempts(&method, &url, &line, query, body, &phase));
        watched(&self.observers, &line, &phase, attempts).await
    }

    async fn attempts(
        &self,
        method: &Method,
        url: &Url,
        line: &RequestLine,
        query: &[(&str, String)],
        body: Option<&Value>,
        phase: &Phase<'_>,
    ) -> Result<ApiResponse, ApiError> {
        let mut bearer = self.bearer().await?;
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            if attempt > 0 || refreshed {
                self.stats.retried();
            }
            phase.set(OWN);
            let queued = Instant::now();
            let sent;
            let outcome = {
                let _slot = self
                    .slots
                    .acquire()
                    .await
                    .expect("the semaphore is never closed");
                phase.set(RATE_LIMIT);
                let admitted = self.limiter.admit(Endpoint::of(method, url.path())).await;
                phase.set(SERVER);
                sent = Instant::now();
                self.stats.request_sent();
                let mut request = self
                    .http
                    .request(method.clone(), url.clone())
                    .bearer_auth(bearer.token.expose_secret());
                if !query.is_empty() {
                    request = request.query(query);
                }
                if let Some(body) = body {
                    request = request.json(body);
                }
                match request.send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        admitted.observe(response.headers(), status == 429);
                        let headers = response.headers().clone();
                        response.bytes().await.map(|bytes| (status, headers, bytes))
                    }
                    Err(error) => Err(error),
                }
            };
            let answered = outcome.as_ref().ok();
            report(
                &self.observers,
                line,
                answered.map(|(status, headers, _)| (*status, headers)),
                attempt,
                (queued, sent),
            );

            let next = match outcome {
                Err(error) => self.after_transport_error(line, error, attempt),
                Ok((status, headers, bytes)) => {
                    let body = parse_body(&bytes);
                    match status {
                        200..=299 => {
                            let body = body.map_err(|detail| ApiError::Unexpected {
                                request: line.clone(),
                                detail,
                            })?;
                            return Ok(ApiResponse { status, body });
                        }
                        401 if !refreshed => {
                            phase.set(OWN);
                            bearer = self
                                .token
                                .refresh(&bearer, &self.http, &self.stats, &self.observers)
                                .await?;
                            refreshed = true;
                            continue;
                        }
                        429 => {
                            self.stats.rate_limited();
                            if attempt < self.settings.max_retries {
                                phase.set(RATE_LIMIT);
                                Next::Retry(wait_after_429(&headers, attempt))
                            } else {
                                Next::Fail(ApiError::from_status(
                                    line.clone(),
                                    status,
                                    &body.unwrap_or(Value::Null),
                                ))
                            }
                        }
                        500..=599
                            if is_idempotent(method) && attempt < self.settings.max_retries =>
                        {
                            Next::Retry(backoff(attempt))
                        }
                        _ => Next::Fail(ApiError::from_status(
                            line.clone(),
                            status,
                            &body.unwrap_or(Value::Null),
                        )),
                    }
                }
            };
            match next {
                Next::Retry(wait) => {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Next::Fail(error) => return Err(error),
            }
        }
    }

    fn after_transport_error(
        &self,
        line: &RequestLine,
        error: reqwest::Error,
        attempt: u32,
    ) -> Next {
        if is_idempotent(&line.method) && attempt < self.settings.max_retries {
            return Next::Retry(backoff(attempt));
        }
        Next::Fail(if error.is_timeout() {
            ApiError::Timeout {
                request: line.clone(),
                after: self.settings.timeout,
            }
        } else {
            ApiError::Transport {
                request: line.clone(),
                source: error.without_url(),
            }
        })
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn encode_segment(segment: &str) -> String {
    use std::fmt::Write as _;
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    encoded
}

fn parse_body(bytes: &[u8]) -> Result<Value, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|e| format!("the body is not JSON ({e})"))
}

/// Exponential backoff with jitter: a random wait in [half, full] of `base * 2^attempt`.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let full = BACKOFF_BASE
        .saturating_mul(1 << attempt.min(16))
        .min(BACKOFF_MAX);
    let half = full / 2;
    half + full.mul_f64(rand::rng().random_range(0.0..=0.5))
}

/// After a 429: until one token is back in the bucket (plus a little jitter so concurrent
/// retries spread), or the backoff when the server announced no limits. The reset is when an
/// empty bucket is full again, so one token takes `reset / limit`: waiting for the full reset
/// would idle a burst-50 bucket for seconds.
fn wait_after_429(headers: &HeaderMap, attempt: u32) -> Duration {
    let jitter = Duration::from_millis(rand::rng().random_range(10..=100));
    if let Some(limits) = RateLimitHeaders::from_headers(headers) {
        let reset_in = limits
            .reset_in(SystemTime::now())
            .clamp(0.0, MAX_RESET_WAIT.as_secs_f64());
        let one_token = reset_in / f64::from(limits.limit.max(1));
        return Duration::from_secs_f64(one_token) + jitter;
    }
    if let Some(seconds) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Duration::from_secs(seconds).min(MAX_RESET_WAIT) + jitter;
    }
    backoff(attempt)
}

#[cfg(test)]
mod tests {

    #[test]
    fn after_a_429_the_wait_is_one_token_not_the_whole_bucket() {
        let mut headers = HeaderMap::new();
        let now = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        headers.insert("x-ratelimit-limit", "50".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        headers.insert("x-ratelimit-reset", (now + 3).to_string().parse().unwrap());
        let wait = wait_after_429(&headers, 1);
        assert!(wait < Duration::from_millis(200), "{wait:?}");
        headers.insert("x-ratelimit-limit", "2".parse().unwrap());
        headers.insert("x-ratelimit-reset", (now + 1).to_string().parse().unwrap());
        assert!(wait_after_429(&headers, 1) <= Duration::from_millis(600));
    }

    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for attempt in 0..20 {
            let full = BACKOFF_BASE
                .saturating_mul(1 << attempt.min(16))
                .min(BACKOFF_MAX);
            let wait = backoff(attempt);
            assert!(
                wait >= full / 2 && wait <= full,
                "attempt {attempt}: {wait:?}"
            );
        }
        assert!(backoff(30) <= BACKOFF_MAX);
    }

    #[test]
    fn only_idempotent_methods_are_retried_after_errors() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PATCH));
        assert!(is_idempotent(&Method::PUT));
        assert!(is_idempotent(&Method::DELETE));
        assert!(!is_idempotent(&Method::POST));
    }

    #[test]
    fn segments_are_percent_encoded() {
        assert_eq!(encode_segment("auth0|abc 1"), "auth0%7Cabc%201");
        assert_eq!(
            encode_segment("https://x.auth0.com/api/v2/"),
            "https%3A%2F%2Fx.auth0.com%2Fapi%2Fv2%2F"
        );
        assert_eq!(encode_segment("post-login"), "post-login");
    }

    #[test]
    fn empty_bodies_are_null() {
        assert_eq!(parse_body(b""), Ok(Value::Null));
        assert_eq!(parse_body(b"{\"a\":1}"), Ok(serde_json::json!({"a":1})));
        assert!(parse_body(b"<html>").is_err());
    }
}
