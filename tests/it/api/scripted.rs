//! A scripted Auth0: an axum app on 127.0.0.1:0 with a token endpoint that issues `tok-1`,
//! `tok-2`, … and counts its calls.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use secrecy::SecretString;
use tenantform::api::{ConnectionSettings, ManagementClient};

use crate::support::sentinel::M2M_CLIENT_SECRET;

#[derive(Clone, Default)]
pub struct TokenCounter(pub Arc<AtomicUsize>);

impl TokenCounter {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Serves `api` plus `/oauth/token`; returns the origin and the token counter.
pub async fn serve(api: Router) -> (String, TokenCounter) {
    let tokens = TokenCounter::default();
    let counter = tokens.clone();
    let app = api.route(
        "/oauth/token",
        post(move |body: String| {
            let counter = counter.clone();
            async move {
                assert!(body.contains("grant_type=client_credentials"), "{body}");
                assert!(body.contains(&format!("client_secret={M2M_CLIENT_SECRET}")), "{body}");
                assert!(body.contains("audience=http%3A%2F%2F127.0.0.1"), "{body}");
                let n = counter.0.fetch_add(1, Ordering::SeqCst) + 1;
                axum::Json(serde_json::json!({"access_token": format!("tok-{n}"), "expires_in": 86400, "token_type": "Bearer"}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (origin, tokens)
}

pub fn settings(origin: &str) -> ConnectionSettings {
    let mut settings =
        ConnectionSettings::new(origin, "m2m-client", SecretString::from(M2M_CLIENT_SECRET))
            .unwrap();
    settings.timeout = Duration::from_secs(5);
    settings.max_retries = 3;
    settings
}

pub async fn connect(origin: &str) -> ManagementClient {
    ManagementClient::connect(settings(origin)).await.unwrap()
}

/// The bearer token of a request.
pub fn bearer(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

pub fn epoch_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
