//! The post-login `event` Auth0 hands an Action, built from the user, client and connection
//! a login involves. `tenantform actions test` builds the same event from a test case.

use serde_json::{Map, Value, json};

/// What a login is about. Objects are as the Management API returns them.
#[derive(Debug, Clone)]
pub struct LoginContext<'a> {
    pub tenant: &'a str,
    /// The host the login page was served from.
    pub hostname: &'a str,
    pub user: &'a Map<String, Value>,
    /// Counted before the Actions run: 1 on the first login (Auth0 counts a login the
    /// Actions deny too).
    pub logins_count: u64,
    pub client: &'a Map<String, Value>,
    pub connection: &'a Map<String, Value>,
    /// The `/authorize` query (`client_id`, `redirect_uri`, `scope`, `state`, ...).
    pub query: &'a Map<String, Value>,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub transaction_id: &'a str,
    /// RFC 3339.
    pub now: &'a str,
}

/// The user's fields an Action sees in `event.user` (Auth0's post-login event object).
const USER_FIELDS: &[&str] = &[
    "user_id",
    "email",
    "email_verified",
    "username",
    "name",
    "nickname",
    "given_name",
    "family_name",
    "picture",
    "phone_number",
    "phone_verified",
    "created_at",
    "updated_at",
    "last_password_reset",
    "identities",
    "multifactor",
];

fn pick(object: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    keys.iter()
        .filter_map(|key| {
            object
                .get(*key)
                .map(|value| ((*key).to_owned(), value.clone()))
        })
        .collect()
}

fn object_or_empty(value: Option<&Value>) -> Value {
    match value {
        Some(Value::Object(map)) => Value::Object(map.clone()),
        _ => json!({}),
    }
}

/// The event, without `secrets` (the runtime gives each Action its own).
pub fn post_login_event(context: &LoginContext<'_>) -> Value {
    let mut user = pick(context.user, USER_FIELDS);
    user.insert(
        "app_metadata".into(),
        object_or_empty(context.user.get("app_metadata")),
    );
    user.insert(
        "user_metadata".into(),
        object_or_empty(context.user.get("user_metadata")),
    );
    let text = |key: &str| context.query.get(key).and_then(Value::as_str).unwrap_or("");
    let scopes: Vec<&str> = text("scope").split_whitespace().collect();
    let strategy = context
        .connection
        .get("strategy")
        .and_then(Value::as_str)
        .unwrap_or("auth0");
    json!({
        "tenant": {"id": context.tenant},
        "user": user,
        "stats": {"logins_count": context.logins_count},
        "connection": {
            "id": context.connection.get("id").cloned().unwrap_or(Value::Null),
            "name": context.connection.get("name").cloned().unwrap_or(Value::Null),
            "strategy": strategy,
            "metadata": object_or_empty(context.connection.get("metadata")),
        },
        "client": {
            "client_id": context.client.get("client_id").cloned().unwrap_or(Value::Null),
            "name": context.client.get("name").cloned().unwrap_or(Value::Null),
            "metadata": object_or_empty(context.client.get("client_metadata")),
        },
        "request": {
            "ip": context.ip,
            "hostname": context.hostname,
            "method": "GET",
            "language": "en",
            "user_agent": context.user_agent,
            "query": Value::Object(context.query.clone()),
            "body": {},
            "geoip": {},
        },
        "transaction": {
            "id": context.transaction_id,
            "locale": "en",
            "protocol": "oidc-basic-profile",
            "redirect_uri": text("redirect_uri"),
            "requested_scopes": scopes,
            "response_type": text("response_type").split_whitespace().collect::<Vec<_>>(),
            "state": text("state"),
            "ui_locales": [],
        },
        "authentication": {
            "methods": [{"name": if strategy == "auth0" { "pwd" } else { "federated" }, "timestamp": context.now}],
        },
        "authorization": {"roles": []},
        "session": {"id": context.transaction_id},
        "security_context": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_carries_what_the_example_action_reads() {
        let user = json!({"user_id": "auth0|1", "email": "a@example.com", "email_verified": true,
            "app_metadata": {"roles": ["admin"]}, "identities": [{"connection": "db", "provider": "auth0"}]});
        let client = json!({"client_id": "c1", "name": "Dashboard", "client_secret": "never"});
        let connection = json!({"id": "con_1", "name": "db", "strategy": "auth0"});
        let query = json!({"redirect_uri": "http://localhost:8501/oauth2callback", "scope": "openid email", "state": "s", "response_type": "code id_token"});
        let event = post_login_event(&LoginContext {
            tenant: "emulated",
            hostname: "127.0.0.1:8787",
            user: user.as_object().unwrap(),
            logins_count: 1,
            client: client.as_object().unwrap(),
            connection: connection.as_object().unwrap(),
            query: query.as_object().unwrap(),
            ip: "127.0.0.1",
            user_agent: "test",
            transaction_id: "tx",
            now: "2026-11-29T00:00:00.000Z",
        });
        assert_eq!(
            event["request"]["query"]["redirect_uri"],
            "http://localhost:8501/oauth2callback"
        );
        assert_eq!(event["user"]["app_metadata"]["roles"][0], "admin");
        assert_eq!(event["user"]["user_metadata"], json!({}));
        assert_eq!(event["stats"]["logins_count"], 1);
        assert_eq!(event["connection"]["strategy"], "auth0");
        assert_eq!(
            event["transaction"]["requested_scopes"],
            json!(["openid", "email"])
        );
        assert!(
            !event.to_string().contains("never"),
            "the client secret is not in the event"
        );
    }
}
