//! Bad requests answered as Auth0 answers them: unknown routes and methods, oversized and
//! non-JSON bodies, the deprecated `cross_origin_auth`, a negative `page`, a client's
//! credentials, `signing_keys` under `fields=`, and an empty state file.

use serde_json::{Value, json};

use super::support::{self, Api};

fn error(answer: &support::Answer) -> (u16, Value, Value) {
    let body = answer.json();
    (
        answer.status,
        body["error"].clone(),
        body["message"].clone(),
    )
}

#[tokio::test]
async fn unknown_routes_and_undocumented_methods_are_404_not_403() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    for (method, path) in [
        (reqwest::Method::GET, "no-such-thing"),
        (reqwest::Method::GET, "clients/x/y/z"),
        (reqwest::Method::DELETE, "tenants/settings"),
        (reqwest::Method::PUT, "clients"),
    ] {
        let answer = api.send(method.clone(), path, None).await;
        assert_eq!(
            error(&answer),
            (404, json!("Not Found"), json!("Not Found")),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let big = "x".repeat(11 * 1024 * 1024);
    let answer = support::Answer::read(
        api.request(reqwest::Method::POST, "clients")
            .header("content-type", "application/json")
            .body(format!("{{\"name\":\"{big}\"}}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, 413, "{:?}", answer.body);
    assert_eq!(answer.json()["error"], "Request Entity Too Large");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    for content_type in ["text/plain", "application/x-www-form-urlencoded"] {
        let answer = support::Answer::read(
            api.request(reqwest::Method::POST, "clients")
                .header("content-type", content_type)
                .body(r#"{"name":"plain"}"#)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(
            error(&answer),
            (
                415,
                json!("Unsupported Media Type"),
                json!("Unsupported Media Type")
            ),
            "{content_type}"
        );
    }
    let clients = api.get("clients?fields=name").await;
    assert!(!clients.json().to_string().contains("plain"));
}

#[tokio::test]
async fn cross_origin_auth_is_accepted_on_create_and_update_and_mirrored() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let created = api
        .post(
            "clients",
            &json!({"name": "legacy", "cross_origin_auth": true}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    assert_eq!(created.json()["cross_origin_auth"], true);
    assert_eq!(created.json()["cross_origin_authentication"], true);
    let id = created.json()["client_id"].as_str().unwrap().to_owned();
    let updated = api
        .patch(
            &format!("clients/{id}"),
            &json!({"cross_origin_auth": false}),
        )
        .await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    assert_eq!(updated.json()["cross_origin_auth"], false);
    assert_eq!(updated.json()["cross_origin_authentication"], false);
}

#[tokio::test]
async fn a_negative_page_is_a_query_validation_error() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let answer = api.get("clients?page=-1").await;
    assert_eq!(answer.status, 400, "{:?}", answer.body);
    assert_eq!(answer.json()["errorCode"], "invalid_query_string");
    assert_eq!(
        answer.json()["message"],
        "Query validation error: 'Number must be greater or equal to 0' on property page."
    );
}

#[tokio::test]
async fn a_clients_credentials_are_a_list() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let created = api.post("clients", &json!({"name": "creds"})).await;
    let id = created.json()["client_id"].as_str().unwrap().to_owned();
    let answer = api.get(&format!("clients/{id}/credentials")).await;
    assert_eq!((answer.status, answer.json()), (200, &json!([])));
    let missing = api.get("clients/nope/credentials").await;
    assert_eq!(missing.status, 404, "{:?}", missing.body);
}

#[tokio::test]
async fn signing_keys_are_returned_when_fields_asks_for_them() {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let created = api.post("clients", &json!({"name": "keys"})).await;
    let id = created.json()["client_id"].as_str().unwrap().to_owned();
    let answer = api
        .get(&format!("clients/{id}?fields=client_id,signing_keys"))
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert!(
        answer.json()["signing_keys"].is_array(),
        "{:?}",
        answer.body
    );
    let listed = api.get("clients?fields=client_id,signing_keys").await;
    assert!(
        listed.json()[0]["signing_keys"].is_array(),
        "{:?}",
        listed.body
    );
}
