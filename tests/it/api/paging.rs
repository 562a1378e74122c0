//! Offset and checkpoint paging over several pages.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::{get, patch};
use serde_json::{Value, json};
use tenantform::api::{ConnectionFilter, FieldSelection};

use super::scripted;

#[tokio::test]
async fn offset_paging_reads_every_item_once() {
    const TOTAL: usize = 250;
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let api = Router::new().route(
        "/api/v2/clients",
        get(move |Query(q): Query<HashMap<String, String>>| {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                assert_eq!(q.get("per_page").map(String::as_str), Some("100"));
                assert_eq!(q.get("include_totals").map(String::as_str), Some("true"));
                assert_eq!(q.get("fields").map(String::as_str), Some("client_id,name"));
                let page: usize = q["page"].parse().unwrap();
                let start = page * 100;
                let clients: Vec<Value> = (start..(start + 100).min(TOTAL))
                    .map(|i| json!({"client_id": format!("c{i}"), "name": format!("app {i}")}))
                    .collect();
                axum::Json(
                    json!({"total": TOTAL, "start": start, "limit": 100, "clients": clients}),
                )
            }
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let clients = client
        .list_clients(&FieldSelection::include(["client_id", "name"]))
        .await
        .unwrap();
    let ids: Vec<&str> = clients
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..TOTAL).map(|i| format!("c{i}")).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(hits.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn offset_paging_without_totals_stops_at_a_short_page() {
    // Bindings: page 0 has a total-less envelope here, page 1 is empty (as recorded).
    let api = Router::new().route(
        "/api/v2/actions/triggers/{trigger}/bindings",
        get(
            |Path(trigger): Path<String>, Query(q): Query<HashMap<String, String>>| async move {
                assert_eq!(trigger, "post-login");
                assert!(
                    !q.contains_key("include_totals"),
                    "bindings reject include_totals"
                );
                let page: usize = q["page"].parse().unwrap();
                let count = if page == 0 {
                    100
                } else if page == 1 {
                    7
                } else {
                    0
                };
                let bindings: Vec<Value> = (0..count)
                    .map(|i| json!({"id": format!("b{page}-{i}")}))
                    .collect();
                axum::Json(json!({"bindings": bindings, "page": page, "per_page": 100}))
            },
        ),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let bindings = client.bindings("post-login").await.unwrap();
    assert_eq!(bindings.len(), 107);
    assert_eq!(client.stats().requests, 2);
}

#[tokio::test]
async fn checkpoint_paging_follows_next_to_the_last_page() {
    const TOTAL: usize = 230;
    let api = Router::new().route(
        "/api/v2/connections/{id}/clients",
        get(
            |Path(id): Path<String>, Query(q): Query<HashMap<String, String>>| async move {
                assert_eq!(id, "con_1");
                assert_eq!(q.get("take").map(String::as_str), Some("100"));
                let start: usize = q
                    .get("from")
                    .map_or(0, |f| f.trim_start_matches("cursor-").parse().unwrap());
                let end = (start + 100).min(TOTAL);
                let clients: Vec<Value> = (start..end)
                    .map(|i| json!({"client_id": format!("c{i}")}))
                    .collect();
                if end < TOTAL {
                    axum::Json(json!({"clients": clients, "next": format!("cursor-{end}")}))
                } else {
                    axum::Json(json!({"clients": clients}))
                }
            },
        ),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let ids = client.enabled_clients("con_1").await.unwrap();
    assert_eq!(ids, (0..TOTAL).map(|i| format!("c{i}")).collect::<Vec<_>>());
    assert_eq!(client.stats().requests, 3);
}

#[tokio::test]
async fn enabled_client_changes_go_in_chunks_of_fifty() {
    let sizes = Arc::new(std::sync::Mutex::new(Vec::new()));
    let s = sizes.clone();
    let api = Router::new().route(
        "/api/v2/connections/{id}/clients",
        patch(move |axum::Json(body): axum::Json<Value>| {
            let s = s.clone();
            async move {
                let changes = body.as_array().unwrap();
                assert!(
                    changes
                        .iter()
                        .all(|c| c["client_id"].is_string() && c["status"].is_boolean())
                );
                s.lock().unwrap().push(changes.len());
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let changes: Vec<(String, bool)> = (0..120).map(|i| (format!("c{i}"), i % 3 != 0)).collect();
    client.set_enabled_clients("con_1", &changes).await.unwrap();
    assert_eq!(*sizes.lock().unwrap(), vec![50, 50, 20]);
}

#[tokio::test]
async fn connection_filters_reach_the_query() {
    let api = Router::new().route(
        "/api/v2/connections",
        get(|Query(q): Query<HashMap<String, String>>| async move {
            assert_eq!(q.get("strategy").map(String::as_str), Some("auth0"));
            assert_eq!(q.get("name").map(String::as_str), Some("acme-users"));
            axum::Json(json!({"total": 1, "start": 0, "limit": 100, "connections": [{"id": "con_1", "name": "acme-users"}]}))
        }),
    );
    let (origin, _) = scripted::serve(api).await;
    let client = scripted::connect(&origin).await;
    let filter = ConnectionFilter {
        strategy: Some("auth0".into()),
        name: Some("acme-users".into()),
    };
    let connections = client.list_connections(&filter).await.unwrap();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0]["name"], "acme-users");
}
