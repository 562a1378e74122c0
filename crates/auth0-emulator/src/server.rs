//! The HTTP layer: decodes a request, then applies, in order, faults, the rate limit, the
//! bearer token and its scope, body validation, and the route; logs one entry per request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::auth::{self, TokenClaims};
use super::errors::ApiError;
use super::faults::{Fault, fault_for};
use super::paging::Params;
use super::rate_limit::{RateLimitHeaders, RateLimiter};
use super::request_log::{RequestLog, RequestLogEntry, mask_secrets};
use super::routes::{self, Call, Reply};
use super::store::{Obj, Store};
use super::validation::spec;

/// State shared by every request.
pub struct Shared {
    pub domain: String,
    pub store: Mutex<Store>,
    pub log: RequestLog,
    pub limiter: Mutex<RateLimiter>,
    /// Fault probability as `f64` bits (changed at run time by tests).
    pub fault_probability: AtomicU64,
    pub seed: u64,
    pub request_index: AtomicU64,
    /// Random pauses before Management API requests (off by default).
    pub jitter: super::jitter::Jitter,
    pub slow_response: Duration,
    /// A pause before every Management API and token answer, in microseconds (0: off; tests
    /// of a slow tenant).
    pub response_delay: AtomicU64,
    pub oidc: super::oidc::OidcState,
    /// Runs post-login Actions; `None` when the runtime could not be set up.
    pub actions: Option<super::login_actions::ActionsRuntime>,
    pub messages: super::messages::Messages,
}

/// Marks a response that must not be sent: the connection is closed instead.
#[derive(Clone, Copy, Debug)]
pub struct DropConnection;

const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

pub fn epoch_seconds() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

fn json_response(status: u16, body: Option<&Value>) -> Response {
    let mut response = match body {
        Some(body) => {
            let mut response = Response::new(Body::from(body.to_string()));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            response
        }
        None => Response::new(Body::empty()),
    };
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
}

fn dropped() -> Response {
    let mut response = Response::new(Body::empty());
    response.extensions_mut().insert(DropConnection);
    response
}

fn add_rate_headers(response: &mut Response, headers: RateLimitHeaders) {
    let map = response.headers_mut();
    map.insert("x-ratelimit-limit", HeaderValue::from(headers.limit));
    map.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(headers.remaining),
    );
    map.insert("x-ratelimit-reset", HeaderValue::from(headers.reset));
}

/// A request body as JSON: JSON as sent, a form turned into an object, `null`/empty as none.
fn decode_body(headers: &HeaderMap, bytes: &[u8]) -> Result<Value, ApiError> {
    let text = std::str::from_utf8(bytes).unwrap_or_default().trim();
    if text.is_empty() || text == "null" {
        return Ok(Value::Null);
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let object: Obj = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return Ok(Value::Object(object));
    }
    serde_json::from_str(text)
        .map_err(|_| ApiError::new(400, "Invalid request payload JSON format", None))
}

/// Auth0's answer to a body over its limit (hapi's payload error, status 413).
fn payload_too_large() -> ApiError {
    ApiError::new(
        413,
        format!("Payload content length greater than maximum allowed: {MAX_BODY_BYTES}"),
        None,
    )
}

/// The Management API's JSON endpoints take `application/json` only: a body sent as anything
/// else is refused with 415 before it is read (hapi's `Unsupported Media Type`). A request
/// without a `Content-Type`, or without a body, is left alone.
fn require_json(headers: &HeaderMap, bytes: &[u8]) -> Result<(), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = content_type
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::new(415, "Unsupported Media Type", None))
    }
}

/// A request's log entry, written exactly once: by `finish` when the response is decided, or
/// on drop when the client gave up earlier (hyper drops the handler future then).
struct PendingEntry<'a> {
    log: &'a RequestLog,
    entry: Option<RequestLogEntry>,
}

impl PendingEntry<'_> {
    fn finish(&mut self, status: u16, fault: Option<Fault>) {
        if let Some(mut entry) = self.entry.take() {
            entry.status = status;
            entry.fault = fault.map(|f| f.name().to_owned());
            self.log.record(entry);
        }
    }
}

impl Drop for PendingEntry<'_> {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.log.record(entry);
        }
    }
}

/// The one handler behind every path.
pub async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let mut pending = PendingEntry {
        log: &shared.log,
        entry: Some(RequestLogEntry {
            method: method.to_string(),
            path: path.clone(),
            query: query.clone(),
            status: 0,
            body: None,
            fault: None,
        }),
    };
    let is_management_api = path.starts_with("/api/v2/");
    let (bytes, decoded) = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            let decoded = if is_management_api {
                require_json(&parts.headers, &bytes)
                    .and_then(|()| decode_body(&parts.headers, &bytes))
            } else {
                decode_body(&parts.headers, &bytes)
            };
            (bytes, decoded)
        }
        Err(_) => (axum::body::Bytes::new(), Err(payload_too_large())),
    };
    let mut logged_body = decoded.as_ref().ok().filter(|v| !v.is_null()).cloned();
    if let Some(body) = logged_body.as_mut() {
        mask_secrets(body);
    }
    if let Some(entry) = pending.entry.as_mut() {
        entry.body = logged_body;
    }

    let response_delay = shared.response_delay.load(Ordering::SeqCst);
    if response_delay > 0 && (path.starts_with("/api/v2/") || path == "/oauth/token") {
        tokio::time::sleep(Duration::from_micros(response_delay)).await;
    }
    let Decided {
        response,
        fault,
        delay,
    } = if let Some(api_path) = path.strip_prefix("/api/v2/") {
        let api_path = api_path.to_owned();
        shared.jitter.pause(shared.seed).await;
        management_api(
            &shared,
            &method,
            &api_path,
            query.as_deref(),
            &parts.headers,
            decoded,
        )
    } else if path == "/oauth/token" && method == Method::POST {
        Decided::now(token_endpoint(&shared, &parts.headers, decoded))
    } else if let Some(reply) = super::oidc::handle(
        &shared,
        &method,
        &path,
        query.as_deref(),
        &parts.headers,
        &bytes,
    ) {
        Decided::now(match reply {
            super::oidc::OidcReply::Done(response) => response,
            super::oidc::OidcReply::RunActions(login) => {
                super::oidc::complete_login(&shared, *login).await
            }
        })
    } else {
        Decided::now(json_response(
            404,
            Some(&ApiError::new(404, "Not Found", None).body()),
        ))
    };

    let status = if response.extensions().get::<DropConnection>().is_some() {
        0
    } else {
        response.status().as_u16()
    };
    // Logged before a slow response's delay, so the log is complete and in request order
    // even when the client stops waiting.
    pending.finish(status, fault);
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    response
}

/// A response, the fault that shaped it, and how long to hold it back.
struct Decided {
    response: Response,
    fault: Option<Fault>,
    delay: Option<Duration>,
}

impl Decided {
    fn now(response: Response) -> Self {
        Self {
            response,
            fault: None,
            delay: None,
        }
    }
}

fn token_endpoint(shared: &Shared, headers: &HeaderMap, body: Result<Value, ApiError>) -> Response {
    let form = match body {
        Ok(Value::Object(form)) => form,
        Ok(_) => Obj::new(),
        Err(_) => {
            let error =
                json!({"error": "invalid_request", "error_description": "Invalid request body"});
            return json_response(400, Some(&error));
        }
    };
    if form.get("grant_type").and_then(Value::as_str) == Some("authorization_code") {
        return super::oidc::authorization_code(shared, headers, &form);
    }
    let issuer = format!("{}/", shared.domain);
    let store = shared.store.lock().expect("store lock");
    #[allow(clippy::cast_possible_truncation)]
    let now = epoch_seconds() as i64;
    match auth::client_credentials(&store, &issuer, &form, now) {
        Ok(token) => json_response(200, Some(&token)),
        Err(error) => json_response(error.status, Some(&error.body())),
    }
}

fn management_api(
    shared: &Shared,
    method: &Method,
    api_path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Result<Value, ApiError>,
) -> Decided {
    let is_write = *method != Method::GET;
    let index = shared.request_index.fetch_add(1, Ordering::SeqCst);
    let probability = f64::from_bits(shared.fault_probability.load(Ordering::SeqCst));
    let fault = fault_for(shared.seed, index, probability, is_write);

    let (admitted, rate_headers) = {
        let mut limiter = shared.limiter.lock().expect("limiter lock");
        let is_email_write = is_write
            && (api_path.starts_with("email-templates") || api_path.starts_with("emails/provider"));
        limiter.admit(is_email_write, epoch_seconds())
    };

    let decided = |response, delay| Decided {
        response,
        fault,
        delay,
    };
    let mut response = match fault {
        Some(Fault::DropConnection) => return decided(dropped(), None),
        Some(Fault::ServerError) => json_response(
            500,
            Some(&ApiError::new(500, "Internal Server Error", None).body()),
        ),
        Some(Fault::Unavailable) => json_response(
            503,
            Some(&ApiError::new(503, "Service Unavailable", None).body()),
        ),
        Some(Fault::TooManyRequests) => {
            json_response(429, Some(&ApiError::too_many_requests().body()))
        }
        Some(Fault::SlowResponse | Fault::CommitThenDrop) | None => {
            serve(shared, method, api_path, query, headers, body, admitted)
        }
    };
    if fault == Some(Fault::CommitThenDrop) {
        return decided(dropped(), None);
    }
    add_rate_headers(&mut response, rate_headers);
    let delay = (fault == Some(Fault::SlowResponse)).then_some(shared.slow_response);
    decided(response, delay)
}

fn serve(
    shared: &Shared,
    method: &Method,
    api_path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Result<Value, ApiError>,
    admitted: bool,
) -> Response {
    let outcome = (|| {
        if !admitted {
            return Err(ApiError::too_many_requests());
        }
        let segments: Vec<String> = api_path
            .trim_end_matches('/')
            .split('/')
            .map(percent_decode)
            .collect();
        let mut store = shared.store.lock().expect("store lock");
        let claims = authenticate(&store, headers)?;
        let operation = spec().operation(method.as_str(), &segments);
        // A route Auth0 does not have, or a method its path does not document, is 404 for
        // any token (as Auth0's router answers), not a scope error.
        if operation.is_none() && !routes::serves(method.as_str(), &segments) {
            return Err(ApiError::new(404, "Not Found", None));
        }
        let scopes = operation.map_or_else(
            || auth::fallback_scopes(method.as_str(), &format!("/{api_path}")),
            |op| op.scopes.clone(),
        );
        if let Err(denied) = auth::require_scope(&claims, &scopes) {
            // An operation whose scopes the tenant's catalogue does not define (the recorded
            // catalogue predates `read:client_credentials`) cannot be granted: it is checked
            // against its resource's scope instead (`read:clients`).
            let catalogue = store.management_scopes();
            if scopes.iter().any(|scope| catalogue.contains(scope)) {
                return Err(denied);
            }
            auth::require_scope(
                &claims,
                &auth::fallback_scopes(method.as_str(), &format!("/{api_path}")),
            )?;
        }
        let body = body?;
        if let Some(operation) = operation
            && matches!(*method, Method::POST | Method::PATCH | Method::PUT)
        {
            spec().validate_body(operation, &body)?;
        }
        let params = Params::parse(query);
        let call = Call {
            method: method.as_str(),
            segments: &segments,
            params: &params,
            body: &body,
            scopes: &claims.scopes,
        };
        routes::dispatch(&mut store, &call)
    })();
    match outcome {
        Ok(Reply { status, body }) => json_response(status, body.as_ref()),
        Err(error) => json_response(error.status, Some(&error.body())),
    }
}

fn authenticate(store: &Store, headers: &HeaderMap) -> Result<TokenClaims, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::new(401, "Missing authentication", None))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| ApiError::new(401, "Bad HTTP authentication header format", None))?;
    #[allow(clippy::cast_possible_truncation)]
    let now = epoch_seconds() as i64;
    auth::verify_token(
        &store.token_key,
        token.trim(),
        &store.management_audience(),
        now,
    )
}

fn percent_decode(segment: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map_or_else(|| segment.to_owned(), |(_, v)| v.into_owned())
}
