//! Logins through the emulator's OIDC pages with post-login Actions bound, over HTTP: claims,
//! denials, metadata, logins_count, binding order, errors, no Node, the password ticket page.

use std::collections::HashMap;

use serde_json::{Value, json};

use auth0_emulator::{EmulatorOptions, RuntimeOptions};

use crate::login::{CALLBACK, Tenant, instant_builds, payload, query_of};
const PASSWORD: &str = "Correct-Horse-9";

/// Stamps claims, counts, writes metadata and denies the uninvited.
const GATE: &str = r#"
exports.onExecutePostLogin = async (event, api) => {
  const invited = event.user.app_metadata?.invited === true;
  api.idToken.setCustomClaim("https://acme/roles", event.user.app_metadata?.roles || []);
  api.idToken.setCustomClaim("https://acme/count", event.stats.logins_count);
  api.accessToken.setCustomClaim("https://acme/tier", "gold");
  api.user.setAppMetadata("last_client", event.client.name);
  console.log("login of", event.user.email, "via", event.connection.strategy);
  if (!invited) api.access.deny("Not invited.");
};
"#;

impl Tenant {
    async fn user(&self, email: &str, app_metadata: Value) -> String {
        let user = self
            .call(
                "POST",
                "users",
                json!({"connection": "users", "email": email,
                "password": PASSWORD, "email_verified": true, "app_metadata": app_metadata}),
            )
            .await;
        user["user_id"].as_str().unwrap().to_owned()
    }

    /// Signs in through the login form; the callback's query.
    async fn login(&self, email: &str) -> HashMap<String, String> {
        self.login_with(email, PASSWORD).await
    }

    async fn login_with(&self, email: &str, password: &str) -> HashMap<String, String> {
        let response = self
            .browser
            .post(self.url("/u/login"))
            .form(&[
                ("client_id", self.client_id.as_str()),
                ("redirect_uri", CALLBACK),
                ("response_type", "code"),
                ("scope", "openid email profile"),
                ("state", "st4te"),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "login of {email}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(CALLBACK), "{location}");
        query_of(&location)
    }
}

#[tokio::test]
async fn an_invited_user_gets_the_claims_and_metadata_the_action_sets() {
    let tenant = Tenant::start(instant_builds()).await;
    let admin = tenant
        .user(
            "admin@acme.test",
            json!({"roles": ["admin"], "invited": true}),
        )
        .await;
    tenant.bind(&[("Gate", GATE)]).await;

    let callback = tenant.login("admin@acme.test").await;
    assert_eq!(callback["state"], "st4te");
    let tokens = tenant.tokens(&callback["code"]).await;
    let id_token = payload(tokens["id_token"].as_str().unwrap());
    assert_eq!(id_token["https://acme/roles"], json!(["admin"]));
    assert_eq!(
        id_token["https://acme/count"], 1,
        "the first login counts 1"
    );
    assert_eq!(id_token["email"], "admin@acme.test");
    let access_token = tokens["access_token"].as_str().unwrap();
    assert_eq!(payload(access_token)["https://acme/tier"], "gold");

    let userinfo: Value = tenant
        .browser
        .get(format!("{}/userinfo", tenant.emulator.domain()))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["https://acme/roles"], json!(["admin"]));

    let stored = tenant
        .call("GET", &format!("users/{admin}"), json!({}))
        .await;
    assert_eq!(stored["app_metadata"]["last_client"], "Dashboard");
    assert_eq!(stored["app_metadata"]["roles"], json!(["admin"]));
    assert_eq!(stored["logins_count"], 1);

    let said: Vec<(String, String)> = tenant
        .emulator
        .messages()
        .into_iter()
        .map(|m| (m.source, m.text))
        .collect();
    assert!(
        said.contains(&("Gate".into(), "login of admin@acme.test via auth0".into())),
        "{said:?}"
    );
}

#[tokio::test]
async fn an_uninvited_user_is_denied_every_time_and_each_denied_login_counts() {
    let tenant = Tenant::start(instant_builds()).await;
    let stranger = tenant.user("stranger@acme.test", json!({})).await;
    tenant.bind(&[("Gate", GATE)]).await;

    for attempt in 1..=2 {
        let callback = tenant.login("stranger@acme.test").await;
        assert_eq!(callback.get("code"), None, "attempt {attempt} got a code");
        assert_eq!(callback["error"], "access_denied");
        assert_eq!(callback["error_description"], "Not invited.");
        assert_eq!(callback["state"], "st4te");
        let stored = tenant
            .call("GET", &format!("users/{stranger}"), json!({}))
            .await;
        assert_eq!(
            stored["logins_count"], attempt,
            "Auth0 counts denied logins"
        );
        // Metadata written before a deny is kept, as on Auth0.
        assert_eq!(stored["app_metadata"]["last_client"], "Dashboard");
    }
}

#[tokio::test]
async fn actions_run_in_binding_order_and_a_throw_denies_with_its_message_logged() {
    let tenant = Tenant::start(instant_builds()).await;
    tenant
        .user("admin@acme.test", json!({"invited": true}))
        .await;
    let first = r#"exports.onExecutePostLogin = async (event, api) => { console.log("first"); };"#;
    let broken =
        r#"exports.onExecutePostLogin = async () => { throw new Error("lookup service down"); };"#;
    tenant.bind(&[("First", first), ("Broken", broken)]).await;

    let callback = tenant.login("admin@acme.test").await;
    assert_eq!(callback["error"], "access_denied");
    assert!(!callback.contains_key("code"));
    let said: Vec<(String, String, String)> = tenant
        .emulator
        .messages()
        .into_iter()
        .map(|m| (m.source, m.level, m.text))
        .collect();
    let first_at = said.iter().position(|m| m.0 == "First" && m.2 == "first");
    let error_at = said
        .iter()
        .position(|m| m.0 == "Broken" && m.1 == "error" && m.2.contains("lookup service down"));
    assert!(
        first_at.is_some() && error_at.is_some() && first_at < error_at,
        "{said:?}"
    );
}

#[tokio::test]
async fn without_node_logins_go_through_and_the_emulator_says_so_once() {
    let tenant = Tenant::start(EmulatorOptions {
        actions: RuntimeOptions {
            node: "/nonexistent/node".into(),
            ..RuntimeOptions::default()
        },
        ..instant_builds()
    })
    .await;
    tenant.user("stranger@acme.test", json!({})).await;
    tenant.bind(&[("Gate", GATE)]).await;
    for _ in 0..2 {
        assert!(
            tenant
                .login("stranger@acme.test")
                .await
                .contains_key("code")
        );
    }
    let warnings: Vec<String> = tenant
        .emulator
        .messages()
        .into_iter()
        .filter(|m| m.text.contains("SKIPPED"))
        .map(|m| m.text)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("/nonexistent/node"));
}

#[tokio::test]
async fn an_action_that_is_not_deployed_or_not_bound_does_not_run() {
    let tenant = Tenant::start(instant_builds()).await;
    tenant.user("stranger@acme.test", json!({})).await;
    // Created (a draft) but never deployed nor bound.
    tenant
        .call(
            "POST",
            "actions/actions",
            json!({"name": "Gate", "code": GATE,
            "supported_triggers": [{"id": "post-login", "version": "v3"}]}),
        )
        .await;
    assert!(
        tenant
            .login("stranger@acme.test")
            .await
            .contains_key("code")
    );
}

#[tokio::test]
async fn a_password_ticket_page_sets_the_password_once() {
    let tenant = Tenant::start(instant_builds()).await;
    let user = tenant
        .user("invitee@acme.test", json!({"invited": true}))
        .await;
    let ticket = tenant
        .call(
            "POST",
            "tickets/password-change",
            json!({"user_id": user, "mark_email_as_verified": true}),
        )
        .await;
    let url = url::Url::parse(ticket["ticket"].as_str().unwrap()).unwrap();
    let page = tenant.browser.get(url.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"name="password""#) && html.contains(r#"name="confirm_password""#));
    let id = url
        .query_pairs()
        .find(|(k, _)| k == "ticket")
        .unwrap()
        .1
        .into_owned();
    let submit = |password: &'static str, confirm: &'static str| {
        let (http, domain, id) = (tenant.browser.clone(), tenant.emulator.domain(), id.clone());
        async move {
            http.post(format!("{domain}/u/reset-password"))
                .form(&[
                    ("ticket", id.as_str()),
                    ("password", password),
                    ("confirm_password", confirm),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        submit("New-Pass-123", "other").await.status(),
        400,
        "mismatch"
    );
    // Long enough, but one kind of character: the connection's `good` policy refuses it.
    let weak = submit("onlylowercase", "onlylowercase").await;
    assert_eq!(weak.status(), 400);
    assert!(weak.text().await.unwrap().contains("Password is too weak"));
    let done = submit("New-Pass-123", "New-Pass-123").await;
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Password changed"));
    assert_eq!(
        submit("New-Pass-456", "New-Pass-456").await.status(),
        400,
        "a ticket works once"
    );
    let callback = tenant.login_with("invitee@acme.test", "New-Pass-123").await;
    assert!(callback.contains_key("code"), "the new password logs in");
}
