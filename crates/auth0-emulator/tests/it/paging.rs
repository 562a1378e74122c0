//! Paging returns every item exactly once, in both styles, at the sizes where off-by-one
//! bugs live: 0, 1, 50, 51, 1000 and 1001 items (on top of what a fresh tenant already has).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::support::{self, Api};

const SIZES: [usize; 6] = [0, 1, 50, 51, 1000, 1001];

/// Ids seen through offset paging (`page`/`per_page`/`include_totals`), counted.
async fn offset_ids(
    api: &Api,
    collection: &str,
    id_key: &str,
    per_page: usize,
) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    let mut expected_total = None;
    for page in 0..=(2000 / per_page + 2) {
        let answer = api
            .get(&format!(
                "{collection}?include_totals=true&per_page={per_page}&page={page}"
            ))
            .await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let body = answer.json();
        assert_eq!(
            body["start"],
            page * per_page,
            "{collection} page {page}: start"
        );
        assert_eq!(body["limit"], per_page, "{collection} page {page}: limit");
        let total = usize::try_from(body["total"].as_u64().expect("total")).expect("total fits");
        assert_eq!(
            *expected_total.get_or_insert(total),
            total,
            "total is stable across pages"
        );
        let items = body[collection].as_array().expect("items");
        for item in items {
            *seen
                .entry(item[id_key].as_str().expect("id").to_owned())
                .or_insert(0) += 1;
        }
        if (page + 1) * per_page >= total {
            assert_eq!(
                seen.values().sum::<usize>(),
                total,
                "{collection}: every page read"
            );
            return seen;
        }
        assert_eq!(items.len(), per_page, "{collection} page {page} is full");
    }
    panic!("{collection}: offset paging did not end");
}

/// Ids seen through checkpoint paging (`take`/`from`, follow `next` until it is absent).
async fn checkpoint_ids(
    api: &Api,
    collection: &str,
    id_key: &str,
    take: usize,
) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    let mut from: Option<String> = None;
    for _ in 0..=(2000 / take + 2) {
        let query = match &from {
            Some(cursor) => format!("{collection}?take={take}&from={cursor}"),
            None => format!("{collection}?take={take}"),
        };
        let answer = api.get(&query).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let body = answer.json();
        assert!(
            body.get("total").is_none(),
            "checkpoint pages carry no totals: {body}"
        );
        let items = body[collection].as_array().expect("items");
        assert!(items.len() <= take);
        for item in items {
            *seen
                .entry(item[id_key].as_str().expect("id").to_owned())
                .or_insert(0) += 1;
        }
        match body.get("next").and_then(Value::as_str) {
            Some(next) => from = Some(next.to_owned()),
            None => return seen,
        }
    }
    panic!("{collection}: checkpoint paging did not end");
}

fn assert_each_once(
    seen: &BTreeMap<String, usize>,
    created: &[String],
    baseline: usize,
    label: &str,
) {
    assert!(
        seen.values().all(|count| *count == 1),
        "{label}: an item appeared twice"
    );
    assert_eq!(seen.len(), baseline + created.len(), "{label}: item count");
    for id in created {
        assert!(seen.contains_key(id), "{label}: {id} missing");
    }
}

async fn grow_and_check(collection: &str, id_key: &str, body_for: impl Fn(usize) -> Value) {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let baseline = offset_ids(&api, collection, id_key, 50).await.len();
    let mut created: Vec<String> = Vec::new();
    for size in SIZES {
        while created.len() < size {
            let answer = api.post(collection, &body_for(created.len())).await;
            assert_eq!(answer.status, 201, "{:?}", answer.body);
            created.push(answer.json()[id_key].as_str().expect("id").to_owned());
        }
        for per_page in [50, 100] {
            let seen = offset_ids(&api, collection, id_key, per_page).await;
            assert_each_once(
                &seen,
                &created,
                baseline,
                &format!("{collection} n={size} per_page={per_page}"),
            );
            let seen = checkpoint_ids(&api, collection, id_key, per_page).await;
            assert_each_once(
                &seen,
                &created,
                baseline,
                &format!("{collection} n={size} take={per_page}"),
            );
        }
    }
    emulator.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_page_every_item_exactly_once() {
    grow_and_check(
        "clients",
        "client_id",
        |n| json!({"name": format!("paged-client-{n}"), "app_type": "non_interactive"}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_page_every_item_exactly_once() {
    grow_and_check(
        "connections",
        "id",
        |n| json!({"name": format!("paged-connection-{n}"), "strategy": "auth0"}),
    )
    .await;
}
