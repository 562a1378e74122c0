//! Rate limiting as Auth0 does it (token bucket, `x-ratelimit-*` headers, Auth0's 429 body)
//! and deterministic fault injection.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auth0_emulator::{EmulatorOptions, RateLimit, RequestLogEntry};
use serde_json::json;

use super::support::{self, Answer, Api, auth0_429_body, rate_limit_headers};

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

#[tokio::test]
async fn free_plan_limits_twenty_quick_requests_with_auth0_headers_and_body() {
    let emulator = support::start_with(EmulatorOptions {
        rate_limit: RateLimit::Free,
        ..EmulatorOptions::default()
    })
    .await;
    let api = Api::new(&emulator).await;
    let mut answers = Vec::new();
    for _ in 0..20 {
        answers.push(
            api.get("clients?fields=client_id&include_fields=true")
                .await,
        );
    }
    let limited: Vec<&Answer> = answers.iter().filter(|a| a.status == 429).collect();
    let passed = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(limited.len() + passed, 20, "only 200 or 429");
    // Burst 2 at 2/s: twenty local requests take far less than a second.
    assert!((1..=4).contains(&passed), "{passed} passed");
    assert!(limited.len() >= 16, "{} limited", limited.len());
    let before = now_epoch();
    for answer in &answers {
        let (limit, remaining, reset) = rate_limit_headers(answer);
        assert_eq!(limit, 2, "free plan burst");
        assert!(remaining <= limit);
        assert!(
            reset + 1 >= before && reset <= before + 5,
            "reset {reset} is epoch seconds near now {before}"
        );
    }
    for answer in &limited {
        assert_eq!(
            rate_limit_headers(answer).1,
            0,
            "a 429 has nothing remaining"
        );
        assert_eq!(answer.json(), &auth0_429_body());
    }
    // The bucket refills at 2/s.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        api.get("clients?fields=client_id&include_fields=true")
            .await
            .status,
        200
    );
    emulator.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn rate_limit_off_by_default_still_sends_the_headers_it_can() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    for _ in 0..30 {
        assert_eq!(
            api.get("clients?fields=client_id&include_fields=true")
                .await
                .status,
            200
        );
    }
    emulator.shutdown().await.expect("shutdown");
}

/// The same request sequence against a fresh emulator with faults 0.3 and seed 1; returns the
/// emulator's log of Management API requests.
async fn faulted_run() -> Vec<RequestLogEntry> {
    let emulator = support::start_with(EmulatorOptions {
        faults: 0.3,
        seed: 1,
        slow_response: Duration::from_millis(400),
        ..EmulatorOptions::default()
    })
    .await;
    let api = Api::new(&emulator).await;
    // No pooled connections: a dropped connection must not affect the next request.
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(150))
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");
    for index in 0..60 {
        let request = if index % 3 == 0 {
            http.post(api.url("clients"))
                .json(&json!({"name": format!("fault-{index}"), "app_type": "spa"}))
        } else {
            http.get(api.url("clients?fields=client_id&include_fields=true"))
        };
        let request = request.bearer_auth(api.bearer());
        // Errors are the point here: dropped connections and timeouts.
        let _ = request.send().await.map(|response| response.status());
    }
    // Slow responses finish (and are logged) after the client gave up on them.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let log = emulator.request_log();
    emulator.shutdown().await.expect("shutdown");
    log.into_iter()
        .filter(|entry| entry.path.starts_with("/api/v2/"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_with_the_same_seed_repeat_exactly() {
    let first = faulted_run().await;
    let second = faulted_run().await;
    let sequence = |log: &[RequestLogEntry]| -> Vec<(String, Option<String>, u16)> {
        log.iter()
            .map(|e| (e.method.clone(), e.fault.clone(), e.status))
            .collect()
    };
    assert_eq!(sequence(&first), sequence(&second));
    let faulted = first.iter().filter(|e| e.fault.is_some()).count();
    assert!(
        (8..=30).contains(&faulted),
        "about 30% of 60 faulted, got {faulted}"
    );
    let kinds: std::collections::BTreeSet<_> =
        first.iter().filter_map(|e| e.fault.clone()).collect();
    assert!(kinds.len() >= 3, "several kinds of fault: {kinds:?}");
    // Every request is logged, including those whose client gave up (slow responses).
    assert_eq!(
        first.len(),
        60,
        "every request is logged once: {:?}",
        sequence(&first)
    );
    // Secrets never reach the log.
    for entry in &first {
        if let Some(body) = &entry.body {
            assert!(body.get("client_secret").is_none_or(|s| s == "[SECRET]"));
        }
    }
}
