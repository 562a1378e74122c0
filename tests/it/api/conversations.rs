//! Retries, token refresh, errors and pacing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tenantform::api::{ApiError, ConnectionSettings, ManagementClient};

use super::scripted::{self, bearer, epoch_now};
use crate::support::sentinel;

fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

fn too_many() -> Response {
    let mut headers = HeaderMap::new();
    headers.insert("x-ratelimit-limit", "2".parse().unwrap());
    headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
    headers.insert(
        "x-ratelimit-reset",
        epoch_now().to_string().parse().unwrap(),
    );
    let body = json!({"statusCode":429,"error":"Too Many Requests","message":"Global limit has been reached","errorCode":"too_many_requests"});
    (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
}

#[tokio::test]
async fn a_429_is_waited_out_and_retried() {
    let hits = counter();
    let h = hits.clone();
    let api = Router::new().route(
        "/api/v2/tenants/settings",
        get(move || {
            let h = h.clone();
            async move {
                if h.fetch_add(1, Ordering::SeqCst) == 0 {
                    too_many()
                } else {
                    axum::Json(json!({"friendly_name": "Acme"})).into_response()
                }
            }
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let settings = client.get_tenant_settings().await.unwrap();
    assert_eq!(settings["friendly_name"], "Acme");
    let stats = client.stats();
    assert_eq!(
        (stats.requests, stats.rate_limited, stats.retries),
        (2, 1, 1)
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_post_is_retried_after_a_429_only() {
    let hits = counter();
    let h = hits.clone();
    let api = Router::new().route(
        "/api/v2/clients",
        post(move || {
            let h = h.clone();
            async move {
                if h.fetch_add(1, Ordering::SeqCst) == 0 {
                    too_many()
                } else {
                    (StatusCode::CREATED, axum::Json(json!({"client_id": "new"}))).into_response()
                }
            }
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let created = client.create_client(&json!({"name": "app"})).await.unwrap();
    assert_eq!(created["client_id"], "new");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_get_is_retried_after_a_503() {
    let hits = counter();
    let h = hits.clone();
    let api = Router::new().route(
        "/api/v2/clients/{id}",
        get(move || {
            let h = h.clone();
            async move {
                if h.fetch_add(1, Ordering::SeqCst) == 0 {
                    (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response()
                } else {
                    axum::Json(json!({"client_id": "abc", "name": "dashboard"})).into_response()
                }
            }
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let got = client
        .get_client("abc", &tenantform::api::FieldSelection::All)
        .await
        .unwrap();
    assert_eq!(got["name"], "dashboard");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    assert_eq!(client.stats().retries, 1);
}

#[tokio::test]
async fn a_post_that_meets_a_500_is_not_retried() {
    let hits = counter();
    let h = hits.clone();
    let api = Router::new().route(
        "/api/v2/clients",
        post(move || {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    axum::Json(
                        json!({"statusCode":500,"error":"Internal Server Error","message":"boom"}),
                    ),
                )
            }
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let err = client
        .create_client(&json!({"name": "app"}))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "a POST with an unknown effect must not be repeated"
    );
    assert_eq!(client.stats().retries, 0);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once() {
    // Only the second token is accepted.
    let api = Router::new().route(
        "/api/v2/tenants/settings",
        get(|headers: HeaderMap| async move {
            if bearer(&headers) == "tok-2" {
                axum::Json(json!({"flags": {}})).into_response()
            } else {
                (StatusCode::UNAUTHORIZED, axum::Json(json!({"statusCode":401,"error":"Unauthorized","message":"Expired token received for JSON Web Token validation","attributes":{"error":"Expired token"}}))).into_response()
            }
        }),
    );
    let (origin, tokens) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    assert_eq!(tokens.count(), 1);
    client.get_tenant_settings().await.unwrap();
    assert_eq!(tokens.count(), 2);
    // The refreshed token is cached for the rest of the run.
    client.get_tenant_settings().await.unwrap();
    assert_eq!(tokens.count(), 2);
}

#[tokio::test]
async fn a_second_401_is_an_error_without_the_token() {
    let api = Router::new().route(
        "/api/v2/tenants/settings",
        get(|| async {
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(
                    json!({"statusCode":401,"error":"Unauthorized","message":"Invalid token"}),
                ),
            )
        }),
    );
    let (origin, tokens) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let err = client.get_tenant_settings().await.unwrap_err();
    assert_eq!(tokens.count(), 2, "one refresh, not a loop");
    assert_eq!(client.stats().requests, 2);
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("GET /api/v2/tenants/settings") && text.contains("Invalid token"),
        "{text}"
    );
    assert!(!text.contains("tok-"), "{text}");
    sentinel::assert_absent("the error", &text);
}

#[tokio::test]
async fn errors_carry_auth0s_message_and_error_code() {
    let api = Router::new().route(
        "/api/v2/clients/{id}",
        get(|| async {
            (StatusCode::NOT_FOUND, axum::Json(json!({"statusCode":404,"error":"Not Found","message":"The client does not exist","errorCode":"inexistent_client"})))
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let err = client
        .get_client("auth0|weird id", &tenantform::api::FieldSelection::All)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.error_code(), Some("inexistent_client"));
    assert_eq!(
        err.to_string(),
        "GET /api/v2/clients/auth0%7Cweird%20id failed with 404: The client does not exist (inexistent_client)"
    );
}

#[tokio::test]
async fn missing_templates_and_providers_are_none() {
    let api = Router::new()
        .route(
            "/api/v2/email-templates/{name}",
            get(|| async {
                (StatusCode::NOT_FOUND, axum::Json(json!({"statusCode":404,"error":"Not Found","message":"Template not found"})))
            }),
        )
        .route(
            "/api/v2/emails/provider",
            get(|query: axum::extract::RawQuery| async move {
                assert_eq!(query.0.as_deref(), Some("fields=name%2Cenabled%2Cdefault_from_address%2Ccredentials%2Csettings&include_fields=true"));
                (StatusCode::NOT_FOUND, axum::Json(json!({"statusCode":404,"error":"Not Found","message":"There is not an email provider configured.","errorCode":"inexistent_email_provider"})))
            }),
        );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    assert_eq!(
        client.get_email_template("reset_email").await.unwrap(),
        None
    );
    assert_eq!(client.get_email_provider().await.unwrap(), None);
}

#[tokio::test]
async fn bad_credentials_are_an_oauth_error() {
    let app = Router::new().route(
        "/oauth/token",
        post(|| async {
            (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error":"access_denied","error_description":"Unauthorized"})),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let err = ManagementClient::connect(scripted::settings(&origin))
        .await
        .unwrap_err();
    assert!(matches!(err, ApiError::Token { status: 401, .. }));
    let text = format!("{err} {err:?}");
    assert!(
        text.contains("access_denied") && text.contains("Unauthorized"),
        "{text}"
    );
    sentinel::assert_absent("the error", &text);
}

#[test]
fn plain_http_is_refused_for_remote_hosts() {
    let err = ConnectionSettings::new(
        "http://acme.eu.auth0.com",
        "id",
        sentinel::M2M_CLIENT_SECRET.into(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("loopback"), "{err}");
}

/// A token-bucket server like Auth0's: burst 2, `RATE` per second, reset rounded up.
#[tokio::test]
async fn the_limiter_paces_concurrent_requests_without_429s() {
    const RATE: f64 = 10.0;
    const BURST: f64 = 2.0;
    const REQUESTS: usize = 40;
    struct Bucket {
        tokens: f64,
        at: Instant,
    }
    let bucket = Arc::new(std::sync::Mutex::new(Bucket {
        tokens: BURST,
        at: Instant::now(),
    }));
    let refused = counter();
    let (b, r) = (bucket.clone(), refused.clone());
    let api = Router::new().route(
        "/api/v2/clients/{id}",
        get(
            move |axum::extract::Path(id): axum::extract::Path<String>| {
                let (b, r) = (b.clone(), r.clone());
                async move {
                    let (accepted, remaining, full_in) = {
                        let mut bucket = b.lock().unwrap();
                        let now = Instant::now();
                        bucket.tokens = (bucket.tokens
                            + now.duration_since(bucket.at).as_secs_f64() * RATE)
                            .min(BURST);
                        bucket.at = now;
                        let accepted = bucket.tokens >= 1.0;
                        if accepted {
                            bucket.tokens -= 1.0;
                        }
                        (
                            accepted,
                            bucket.tokens.floor(),
                            (BURST - bucket.tokens) / RATE,
                        )
                    };
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_secs_f64();
                    let mut headers = HeaderMap::new();
                    headers.insert("x-ratelimit-limit", "2".parse().unwrap());
                    headers.insert(
                        "x-ratelimit-remaining",
                        format!("{remaining}").parse().unwrap(),
                    );
                    headers.insert(
                        "x-ratelimit-reset",
                        format!("{}", (now + full_in).ceil()).parse().unwrap(),
                    );
                    if accepted {
                        (headers, axum::Json(json!({"client_id": id}))).into_response()
                    } else {
                        r.fetch_add(1, Ordering::SeqCst);
                        (
                            StatusCode::TOO_MANY_REQUESTS,
                            headers,
                            axum::Json(json!({"statusCode":429})),
                        )
                            .into_response()
                    }
                }
            },
        ),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let client = client.clone();
        set.spawn(async move {
            client
                .get_client(&format!("c{i}"), &tenantform::api::FieldSelection::All)
                .await
        });
    }
    let mut ok = 0;
    while let Some(result) = set.join_next().await {
        let body: Value = result.unwrap().unwrap();
        assert!(body["client_id"].as_str().unwrap().starts_with('c'));
        ok += 1;
    }
    assert_eq!(ok, REQUESTS);
    assert_eq!(
        refused.load(Ordering::SeqCst),
        0,
        "the limiter waits instead of collecting 429s"
    );
    let stats = client.stats();
    assert_eq!((stats.requests, stats.rate_limited), (REQUESTS as u64, 0));
    // Generous: the floor is (40 - 2) / 10 = 3.8s.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}
