//! Drives the emulator with plain `reqwest` calls written from the official Management API
//! `OpenAPI` spec (the crate's assets/auth0-oas) and Auth0's documented token endpoint, not from the
//! emulator's code: status codes and body fields are the spec's (or, where the spec and the
//! recorded traffic disagree, both are accepted and the difference is named).

use serde_json::{Value, json};

use super::support;

const DEPLOY_STATUS_SPEC: u16 = 202; // spec: POST /actions/actions/{id}/deploy -> 202
const DEPLOY_STATUS_RECORDED: u16 = 200; // TestActionManager_Bindings and TestAccAction record 200

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}/api/v2{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON body")
        };
        (status, body)
    }
    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }
    async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::PATCH, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::PUT, path, Some(body)).await
    }
    async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::DELETE, path, None).await
    }
}

async fn token_request(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    secret: &str,
) -> (u16, Value) {
    let response = http
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("audience", &format!("{base}/api/v2/")),
        ])
        .send()
        .await
        .expect("token request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("token body is JSON"))
}

fn assert_error(body: &Value, status: u16) {
    assert_eq!(body["statusCode"], status, "{body}");
    assert!(body["error"].is_string(), "{body}");
    assert!(body["message"].is_string(), "{body}");
}

async fn connect() -> (auth0_emulator::Emulator, Client) {
    use secrecy::ExposeSecret as _;
    let emulator = support::start().await;
    let http = support::http();
    let base = emulator.domain();
    let (status, body) = token_request(
        &http,
        &base,
        emulator.client_id(),
        emulator.client_secret().expose_secret(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 86400);
    let token = body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned();
    (emulator, Client { http, base, token })
}

#[tokio::test]
async fn token_endpoint_and_authentication_errors() {
    let (emulator, api) = connect().await;
    let (status, body) =
        token_request(&api.http, &api.base, emulator.client_id(), "wrong-secret").await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["error"].is_string() && body["error_description"].is_string(),
        "OAuth-shaped error: {body}"
    );
    assert!(
        body.get("statusCode").is_none(),
        "not a Management API error: {body}"
    );

    let response = api
        .http
        .get(format!("{}/api/v2/clients", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let response = api
        .http
        .get(format!("{}/api/v2/clients", api.base))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_error(&response.json().await.unwrap(), 401);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_token_without_the_scope_gets_403_insufficient_scope() {
    let (emulator, api) = connect().await;
    let (status, client) = api
        .post(
            "/clients",
            json!({"name": "narrow", "app_type": "non_interactive"}),
        )
        .await;
    assert_eq!(status, 201);
    let client_id = client["client_id"].as_str().unwrap().to_owned();
    let secret = client["client_secret"].as_str().unwrap().to_owned();
    let audience = format!("{}/api/v2/", api.base);
    let (status, _) = api
        .post(
            "/client-grants",
            json!({"client_id": client_id, "audience": audience, "scope": ["read:clients"]}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = token_request(&api.http, &api.base, &client_id, &secret).await;
    assert_eq!(status, 200, "{body}");
    let narrow = Client {
        http: api.http.clone(),
        base: api.base.clone(),
        token: body["access_token"].as_str().unwrap().to_owned(),
    };
    assert_eq!(narrow.get("/clients").await.0, 200);
    let (status, body) = narrow.get("/users").await;
    assert_eq!(status, 403, "{body}");
    assert_error(&body, 403);
    assert_eq!(body["errorCode"], "insufficient_scope");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn clients_lifecycle_and_listing() {
    let (emulator, api) = connect().await;
    let (status, created) = api
        .post(
            "/clients",
            json!({"name": "dashboard", "app_type": "regular_web", "callbacks": ["https://a.example/cb", "https://b.example/cb"],
                   "allowed_logout_urls": ["https://a.example"], "jwt_configuration": {"alg": "RS256"}}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["client_id"].as_str().expect("client_id").to_owned();
    assert!(created["client_secret"].is_string());
    assert_eq!(created["name"], "dashboard");
    assert_eq!(created["jwt_configuration"]["alg"], "RS256");
    assert_eq!(
        created["callbacks"],
        json!(["https://a.example/cb", "https://b.example/cb"])
    );
    assert!(created["grant_types"].is_array());

    let (status, fetched) = api.get(&format!("/clients/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["client_id"], id.as_str());

    let (status, page) = api
        .get("/clients?include_totals=true&per_page=50&page=0")
        .await;
    assert_eq!(status, 200);
    assert!(
        page["start"].is_number() && page["limit"].is_number() && page["total"].is_number(),
        "{page}"
    );
    assert!(
        page["clients"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["client_id"] == id.as_str())
    );
    let (status, bare) = api.get("/clients").await;
    assert_eq!(status, 200);
    assert!(
        bare.is_array(),
        "without include_totals a list is a bare array"
    );
    let (_, global) = api.get("/clients?is_global=true").await;
    assert!(
        global
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["global"] == true),
        "{global}"
    );
    assert!(
        !global.as_array().unwrap().is_empty(),
        "a tenant has its global client"
    );
    let (_, only_ids) = api
        .get("/clients?fields=client_id,name&include_fields=true")
        .await;
    for client in only_ids.as_array().unwrap() {
        let keys: Vec<&String> = client.as_object().unwrap().keys().collect();
        // Auth0 adds `tenant` whatever `fields` says (recorded in go-auth0's TestClient_List).
        assert!(
            keys.iter()
                .all(|k| *k == "client_id" || *k == "name" || *k == "tenant"),
            "fields honoured: {keys:?}"
        );
        assert!(keys.iter().any(|k| *k == "client_id"), "{keys:?}");
    }

    let (status, patched) = api
        .patch(
            &format!("/clients/{id}"),
            json!({"callbacks": ["https://c.example/cb"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        patched["callbacks"],
        json!(["https://c.example/cb"]),
        "PATCH replaces arrays"
    );
    assert_eq!(patched["allowed_logout_urls"], json!(["https://a.example"]));

    assert_eq!(api.delete(&format!("/clients/{id}")).await.0, 204);
    let (status, body) = api.get(&format!("/clients/{id}")).await;
    assert_eq!(status, 404);
    assert_error(&body, 404);
    assert_eq!(body["errorCode"], "inexistent_client");

    let (status, body) = api
        .post("/clients", json!({"name": "x", "not_a_field": 1}))
        .await;
    assert_eq!(status, 400, "unknown fields are rejected: {body}");
    assert_error(&body, 400);
    assert_eq!(body["errorCode"], "invalid_body");
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn client_grants_connections_and_enabled_clients() {
    let (emulator, api) = connect().await;
    let (_, client) = api
        .post(
            "/clients",
            json!({"name": "m2m", "app_type": "non_interactive"}),
        )
        .await;
    let client_id = client["client_id"].as_str().unwrap().to_owned();
    let audience = format!("{}/api/v2/", api.base);

    let (status, grant) = api
        .post(
            "/client-grants",
            json!({"client_id": client_id, "audience": audience, "scope": ["read:users"]}),
        )
        .await;
    assert_eq!(status, 201, "{grant}");
    let grant_id = grant["id"].as_str().unwrap().to_owned();
    assert_eq!(grant["scope"], json!(["read:users"]));
    let (status, body) = api
        .post(
            "/client-grants",
            json!({"client_id": client_id, "audience": audience, "scope": []}),
        )
        .await;
    assert_eq!(status, 409, "duplicate grant: {body}");
    assert_error(&body, 409);
    let (_, grants) = api
        .get(&format!("/client-grants?client_id={client_id}"))
        .await;
    assert_eq!(grants.as_array().unwrap().len(), 1);
    let (status, patched) = api
        .patch(
            &format!("/client-grants/{grant_id}"),
            json!({"scope": ["read:users", "update:users"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["scope"], json!(["read:users", "update:users"]));
    assert_eq!(
        api.delete(&format!("/client-grants/{grant_id}")).await.0,
        204
    );

    let (status, connection) = api
        .post(
            "/connections",
            json!({"name": "acme-users", "strategy": "auth0", "options": {"disable_signup": true}}),
        )
        .await;
    assert_eq!(status, 201, "{connection}");
    let connection_id = connection["id"].as_str().unwrap().to_owned();
    assert_eq!(connection["strategy"], "auth0");
    assert_eq!(connection["options"]["disable_signup"], true);
    let (status, body) = api
        .post(
            "/connections",
            json!({"name": "acme-users", "strategy": "auth0"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_error(&body, 409);
    let (_, by_name) = api.get("/connections?name=acme-users").await;
    assert_eq!(by_name.as_array().unwrap().len(), 1);

    let (status, body) = api
        .call(
            reqwest::Method::PATCH,
            &format!("/connections/{connection_id}/clients"),
            Some(json!([{"client_id": client_id, "status": true}])),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, enabled) = api
        .get(&format!("/connections/{connection_id}/clients"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(enabled["clients"], json!([{"client_id": client_id}]));
    assert!(enabled.get("next").is_none(), "one page only");

    let (status, body) = api.delete(&format!("/connections/{connection_id}")).await;
    assert_eq!(status, 202, "{body}");
    let (status, body) = api.get(&format!("/connections/{connection_id}")).await;
    assert_eq!(status, 404);
    assert_error(&body, 404);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn tenant_settings_templates_and_provider() {
    let (emulator, api) = connect().await;
    let (status, settings) = api.get("/tenants/settings").await;
    assert_eq!(status, 200);
    assert_eq!(settings["flags"]["enable_client_connections"], true);
    let (status, patched) = api
        .patch(
            "/tenants/settings",
            json!({"friendly_name": "Acme", "flags": {"enable_client_connections": false}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["friendly_name"], "Acme");
    assert_eq!(patched["flags"]["enable_client_connections"], false);
    assert_eq!(
        api.get("/tenants/settings").await.1["flags"]["enable_client_connections"],
        false
    );

    let (status, body) = api.get("/email-templates/verify_email").await;
    assert_eq!(status, 404, "unconfigured template: {body}");
    let template = json!({"template": "verify_email", "body": "<p>hi</p>", "from": "a@example.com", "subject": "Verify",
                          "syntax": "liquid", "enabled": true, "resultUrl": "https://example.com", "urlLifetimeInSeconds": 3600});
    let (status, created) = api.post("/email-templates", template.clone()).await;
    assert_eq!(status, 200, "spec: POST /email-templates -> 200: {created}");
    assert_eq!(created["urlLifetimeInSeconds"], 3600);
    let (status, body) = api.post("/email-templates", template.clone()).await;
    assert_eq!(status, 409, "{body}");
    let (status, patched) = api
        .patch("/email-templates/verify_email", json!({"enabled": false}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["enabled"], false);
    assert_eq!(patched["subject"], "Verify");
    let (status, replaced) = api.put("/email-templates/verify_email", template).await;
    assert_eq!(status, 200);
    assert_eq!(replaced["enabled"], true);

    let (status, body) = api.get("/emails/provider").await;
    assert_eq!(status, 404);
    assert_eq!(body["errorCode"], "inexistent_email_provider");
    let (status, provider) = api
        .post(
            "/emails/provider",
            json!({"name": "smtp", "enabled": true, "default_from_address": "no-reply@example.com",
                   "credentials": {"smtp_host": "smtp.example.com", "smtp_port": 587, "smtp_user": "u", "smtp_pass": "p"}}),
        )
        .await;
    assert_eq!(status, 201, "{provider}");
    assert_eq!(provider["credentials"]["smtp_host"], "smtp.example.com");
    assert!(
        provider["credentials"].get("smtp_pass").is_none(),
        "secrets never returned"
    );
    let (status, partial) = api
        .get("/emails/provider?fields=name,enabled&include_fields=true")
        .await;
    assert_eq!(status, 200);
    assert_eq!(partial, json!({"name": "smtp", "enabled": true}));
    assert_eq!(api.delete("/emails/provider").await.0, 204);
    assert_eq!(api.get("/emails/provider").await.0, 404);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn actions_deploy_and_bindings() {
    let (emulator, api) = connect().await;
    let (status, triggers) = api.get("/actions/triggers").await;
    assert_eq!(status, 200);
    assert!(
        triggers["triggers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "post-login"),
        "{triggers}"
    );

    let (status, action) = api
        .post(
            "/actions/actions",
            json!({"name": "add-roles", "supported_triggers": [{"id": "post-login", "version": "v3"}],
                   "code": "exports.onExecutePostLogin = async (event, api) => {};", "runtime": "node22",
                   "dependencies": [], "secrets": [{"name": "KEY", "value": "hidden"}]}),
        )
        .await;
    assert_eq!(status, 201, "{action}");
    let id = action["id"].as_str().unwrap().to_owned();
    assert!(action["status"].is_string());
    assert!(
        action["secrets"][0].get("value").is_none(),
        "secret values never returned"
    );

    // As Auth0's clients do: read again after a pause until the build is done.
    let mut status_seen = String::new();
    for _ in 0..20 {
        let (_, current) = api.get(&format!("/actions/actions/{id}")).await;
        status_seen = current["status"].as_str().unwrap().to_owned();
        if status_seen == "built" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status_seen, "built", "an action builds within 2 s");
    let (status, version) = api
        .post(&format!("/actions/actions/{id}/deploy"), json!({}))
        .await;
    assert!(
        [DEPLOY_STATUS_SPEC, DEPLOY_STATUS_RECORDED].contains(&status),
        "deploy: {status} {version}"
    );
    assert!(version["number"].is_number(), "{version}");
    let (_, deployed) = api.get(&format!("/actions/actions/{id}")).await;
    assert_eq!(deployed["all_changes_deployed"], true);

    let (status, listed) = api.get("/actions/actions?actionName=add-roles").await;
    assert_eq!(status, 200);
    assert_eq!(listed["actions"].as_array().unwrap().len(), 1);
    assert!(
        listed["total"].is_number() && listed["per_page"].is_number(),
        "{listed}"
    );

    let (status, bound) = api
        .patch(
            "/actions/triggers/post-login/bindings",
            json!({"bindings": [{"ref": {"type": "action_name", "value": "add-roles"}, "display_name": "Add roles"}]}),
        )
        .await;
    assert_eq!(status, 200, "{bound}");
    assert_eq!(bound["bindings"][0]["action"]["id"], id.as_str());
    assert_eq!(bound["bindings"][0]["display_name"], "Add roles");
    let (status, read) = api
        .get("/actions/triggers/post-login/bindings?page=0&per_page=50")
        .await;
    assert_eq!(status, 200);
    assert_eq!(read["bindings"].as_array().unwrap().len(), 1);
    let (_, cleared) = api
        .patch(
            "/actions/triggers/post-login/bindings",
            json!({"bindings": []}),
        )
        .await;
    assert_eq!(cleared["bindings"], json!([]));

    assert_eq!(api.delete(&format!("/actions/actions/{id}")).await.0, 204);
    let (status, body) = api.get(&format!("/actions/actions/{id}")).await;
    assert_eq!(status, 404);
    assert_error(&body, 404);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn users_metadata_merge_and_password_change_ticket() {
    let (emulator, api) = connect().await;
    let (status, user) = api
        .post(
            "/users",
            json!({"connection": "Username-Password-Authentication", "email": "ada@example.com", "password": "Correct-Horse-9",
                   "email_verified": true, "verify_email": false, "app_metadata": {"role": "admin", "team": "a"}}),
        )
        .await;
    assert_eq!(status, 201, "{user}");
    let user_id = user["user_id"].as_str().unwrap().to_owned();
    assert_eq!(user["email"], "ada@example.com");
    assert!(user.get("password").is_none());
    let encoded = user_id.replace('|', "%7C");

    let (status, patched) = api
        .patch(
            &format!("/users/{encoded}"),
            json!({"app_metadata": {"team": null, "plan": "pro"}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        patched["app_metadata"],
        json!({"role": "admin", "plan": "pro"}),
        "merge key by key, null deletes"
    );

    let (status, ticket) = api
        .post(
            "/tickets/password-change",
            json!({"user_id": user_id, "result_url": "https://example.com/done", "ttl_sec": 3600}),
        )
        .await;
    assert_eq!(status, 201, "{ticket}");
    assert!(
        ticket["ticket"].as_str().unwrap().starts_with("http"),
        "{ticket}"
    );

    assert_eq!(api.delete(&format!("/users/{encoded}")).await.0, 204);
    assert_eq!(api.get(&format!("/users/{encoded}")).await.0, 404);
    emulator.shutdown().await.unwrap();
}
