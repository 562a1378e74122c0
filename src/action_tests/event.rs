//! A case's inputs → the post-login event, through the same builder the emulator uses at
//! login, with the case's overrides merged over it.

use auth0_emulator::login_actions::{LoginContext, post_login_event};
use serde_json::{Map, Value, json};

use super::file::{Inputs, merge};

/// 2026-01-01T00:00:00Z: cases are reproducible unless they set `now_ms`.
pub const DEFAULT_NOW_MS: i64 = 1_767_225_600_000;

fn merged(default: Value, given: Option<&Map<String, Value>>) -> Map<String, Value> {
    let mut value = default;
    if let Some(given) = given {
        merge(&mut value, &Value::Object(given.clone()));
    }
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `now_ms` as Auth0 writes timestamps (`2026-01-01T00:00:00.000Z`).
fn timestamp(now_ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// The event of one case, and the time it runs at.
pub fn build(inputs: &Inputs) -> (Value, i64) {
    let now_ms = inputs.now_ms.unwrap_or(DEFAULT_NOW_MS);
    let now = timestamp(now_ms);
    let connection = merged(
        json!({"id": "con_test", "name": "Username-Password-Authentication", "strategy": "auth0", "metadata": {}}),
        inputs.connection.as_ref(),
    );
    let strategy = connection["strategy"]
        .as_str()
        .unwrap_or("auth0")
        .to_owned();
    // The file says `client.metadata` as the event does; the Management API (what the
    // event builder reads) calls it `client_metadata`.
    let client = merged(
        json!({"client_id": "test-client-id", "name": "Test App", "client_metadata": {}}),
        inputs
            .client
            .as_ref()
            .map(|c| rename_key(c, "metadata", "client_metadata"))
            .as_ref(),
    );
    let mut user = merged(
        json!({"user_id": "auth0|test-user", "email": "test-user@example.com", "email_verified": true,
               "picture": "https://cdn.auth0.com/avatars/default.png", "created_at": now,
               "updated_at": now, "app_metadata": {}, "user_metadata": {}}),
        inputs.user.as_ref(),
    );
    let email = user["email"].as_str().unwrap_or_default().to_owned();
    let user_id = user["user_id"].as_str().unwrap_or_default().to_owned();
    user.entry("name").or_insert_with(|| json!(email));
    user.entry("nickname")
        .or_insert_with(|| json!(email.split('@').next().unwrap_or_default()));
    user.entry("identities").or_insert_with(|| {
        json!([{"connection": connection["name"], "provider": strategy,
                "user_id": user_id.split_once('|').map_or(user_id.as_str(), |(_, id)| id),
                "isSocial": strategy != "auth0"}])
    });
    let logins_count = inputs
        .logins_count
        .or_else(|| user.get("logins_count").and_then(Value::as_u64))
        .unwrap_or(1);
    let request = inputs.request.clone().unwrap_or_default();
    let query = merged(
        json!({"client_id": client["client_id"], "redirect_uri": "http://localhost:3000/callback",
               "response_type": "code", "scope": "openid profile email", "state": "test-state"}),
        request.get("query").and_then(Value::as_object),
    );
    let tenant = merged(json!({"id": "emulated"}), inputs.tenant.as_ref());
    let mut event = post_login_event(&LoginContext {
        tenant: tenant["id"].as_str().unwrap_or("emulated"),
        hostname: request
            .get("hostname")
            .and_then(Value::as_str)
            .unwrap_or("localhost"),
        user: &user,
        logins_count,
        client: &client,
        connection: &connection,
        query: &query,
        ip: request
            .get("ip")
            .and_then(Value::as_str)
            .unwrap_or("127.0.0.1"),
        user_agent: request
            .get("user_agent")
            .and_then(Value::as_str)
            .unwrap_or("tenantform-actions-test"),
        transaction_id: "test-transaction",
        now: &now,
    });
    let mut overrides = Map::new();
    for (key, value) in [
        ("request", inputs.request.as_ref()),
        ("transaction", inputs.transaction.as_ref()),
        ("tenant", inputs.tenant.as_ref()),
        ("authorization", inputs.authorization.as_ref()),
        ("organization", inputs.organization.as_ref()),
        ("resource_server", inputs.resource_server.as_ref()),
        ("session", inputs.session.as_ref()),
    ] {
        if let Some(value) = value {
            overrides.insert(key.to_owned(), Value::Object(value.clone()));
        }
    }
    merge(&mut event, &Value::Object(overrides));
    if let Some(authentication) = &inputs.authentication {
        event["authentication"] = Value::Object(authentication.clone());
    }
    (event, now_ms)
}

fn rename_key(map: &Map<String, Value>, from: &str, to: &str) -> Map<String, Value> {
    let mut map = map.clone();
    if let Some(moved) = map.remove(from) {
        map.insert(to.to_owned(), moved);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: &Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn defaults_fill_what_a_case_leaves_out_and_the_case_wins() {
        let inputs = Inputs {
            user: Some(object(
                &json!({"email": "ada@example.com", "app_metadata": {"roles": ["admin"]}}),
            )),
            logins_count: Some(2),
            request: Some(object(
                &json!({"query": {"redirect_uri": "http://localhost:8501/oauth2callback"}}),
            )),
            ..Inputs::default()
        };
        let (event, now_ms) = build(&inputs);
        assert_eq!(now_ms, DEFAULT_NOW_MS);
        assert_eq!(event["user"]["email"], "ada@example.com");
        assert_eq!(event["user"]["nickname"], "ada");
        assert_eq!(event["user"]["app_metadata"]["roles"][0], "admin");
        assert_eq!(event["stats"]["logins_count"], 2);
        assert_eq!(
            event["request"]["query"]["redirect_uri"],
            "http://localhost:8501/oauth2callback"
        );
        assert_eq!(event["request"]["query"]["client_id"], "test-client-id");
        assert_eq!(
            event["connection"]["name"],
            "Username-Password-Authentication"
        );
        assert_eq!(event["client"]["name"], "Test App");
        assert_eq!(event["user"]["created_at"], "2026-01-01T00:00:00.000Z");
    }

    /// What `actions-runtime/README.md` ("Test cases") says the event holds.
    #[test]
    fn the_event_has_auth0s_shape_and_the_inputs_merge_as_documented() {
        let inputs = Inputs {
            user: Some(object(&json!({"user_id": "auth0|42", "logins_count": 7,
                "last_login": "x", "given_name": "Ada"}))),
            client: Some(object(&json!({"metadata": {"tier": "gold"}}))),
            connection: Some(object(&json!({"name": "users", "extra": 1}))),
            request: Some(object(&json!({"ip": "10.0.0.1", "method": "POST",
                "query": {"scope": "openid  email", "response_type": "code id_token"}}))),
            session: Some(object(&json!({"device": "d"}))),
            authentication: Some(object(&json!({"methods": []}))),
            now_ms: Some(0),
            ..Inputs::default()
        };
        let (event, now_ms) = build(&inputs);
        assert_eq!(now_ms, 0);
        let user = &event["user"];
        assert_eq!(event["stats"]["logins_count"], 7, "from user.logins_count");
        assert!(
            user.get("logins_count").is_none(),
            "not in event.user: {user}"
        );
        assert!(
            user.get("last_login").is_none(),
            "not in event.user: {user}"
        );
        assert_eq!(user["given_name"], "Ada");
        assert_eq!(user["created_at"], "1970-01-01T00:00:00.000Z");
        assert_eq!(
            user["identities"],
            json!([{"connection": "users", "provider": "auth0", "user_id": "42", "isSocial": false}])
        );
        assert_eq!(event["client"]["metadata"], json!({"tier": "gold"}));
        assert_eq!(
            event["connection"],
            json!({"id": "con_test", "name": "users", "strategy": "auth0", "metadata": {}})
        );
        assert_eq!(event["request"]["ip"], "10.0.0.1");
        assert_eq!(event["request"]["method"], "POST");
        assert_eq!(event["request"]["query"]["state"], "test-state");
        assert_eq!(
            event["transaction"]["requested_scopes"],
            json!(["openid", "email"])
        );
        assert_eq!(
            event["transaction"]["response_type"],
            json!(["code", "id_token"])
        );
        assert_eq!(
            event["session"],
            json!({"id": "test-transaction", "device": "d"})
        );
        assert_eq!(event["authentication"], json!({"methods": []}));
        assert_eq!(event["security_context"], json!({}));
        assert!(event.get("organization").is_none());
    }
}
