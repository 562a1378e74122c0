//! "Continue with Google" over HTTP, as a browser goes: the login page's button (only for a
//! `google-oauth2` connection enabled for the client), `/authorize?connection=`, the page
//! standing in for Google, the callback; the user the first login creates, read back through
//! the Management API; later logins; and the post-login Actions, including the shipped one
//! that keeps uninvited users out.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::login::{CALLBACK, Tenant, form_inputs, instant_builds, payload, query_of};
const GOOGLE: &str = "google-oauth2";
const STAND_IN: &str = "/emulator/social-login";

/// The Action the repository ships (`actions/post-login-verification.js`): it denies every
/// login of a user without `app_metadata.invited` or roles.
const SHIPPED_ACTION: &str = include_str!("../../../../actions/post-login-verification.js");

/// Logs what a social login's event says, for the assertions.
const PROBE: &str = r"
exports.onExecutePostLogin = async (event) => {
  const identity = event.user.identities[0];
  console.log(JSON.stringify({
    strategy: event.connection.strategy,
    connection: event.connection.name,
    provider: identity.provider,
    isSocial: identity.isSocial,
    user_id: event.user.user_id,
    email: event.user.email,
    count: event.stats.logins_count,
    method: event.authentication.methods[0].name,
  }));
};
";

/// Where a sign-in through the stand-in ended: the callback's query.
type Callback = HashMap<String, String>;

impl Tenant {
    /// Creates the Google connection as a tenant file (or the Dashboard) does; its id.
    async fn google_connection(&self) -> String {
        let connection = self
            .call(
                "POST",
                "connections",
                json!({"name": GOOGLE, "strategy": GOOGLE,
                       "options": {"email": true, "profile": true, "scope": ["email", "profile"]}}),
            )
            .await;
        connection["id"].as_str().unwrap().to_owned()
    }

    async fn get(&self, url: &str, query: &[(&str, &str)]) -> (u16, Option<String>, String) {
        let response = self.browser.get(url).query(query).send().await.unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        (status, location, response.text().await.unwrap())
    }

    /// The login page `/authorize` shows.
    async fn login_page(&self) -> String {
        let (status, _, page) = self
            .get(
                &self.url("/authorize"),
                &[
                    ("client_id", &self.client_id),
                    ("redirect_uri", CALLBACK),
                    ("response_type", "code"),
                    ("scope", "openid profile email"),
                    ("state", "st-1"),
                ],
            )
            .await;
        assert_eq!(status, 200, "{page}");
        page
    }

    /// From the login page's "Continue with Google" to the stand-in's page: its form fields.
    async fn continue_with_google(&self) -> HashMap<String, String> {
        let page = self.login_page().await;
        assert!(page.contains("Continue with Google"), "{page}");
        let button = form_inputs(&page, "/authorize").expect("the Google button's form");
        let query: Vec<(&str, &str)> = button
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (status, location, body) = self.get(&self.url("/authorize"), &query).await;
        assert_eq!(
            status, 302,
            "/authorize?connection= goes to the provider: {body}"
        );
        let location = location.unwrap();
        assert!(location.starts_with(&self.url(STAND_IN)), "{location}");
        let (status, _, page) = self.get(&location, &[]).await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Sign in with Google"), "{page}");
        form_inputs(&page, STAND_IN).expect("the stand-in's form")
    }

    /// Signs in as this Google account; the callback's query.
    async fn sign_in_with_google(&self, email: &str, name: &str, verified: bool) -> Callback {
        let mut fields = self.continue_with_google().await;
        fields.insert("email".into(), email.into());
        fields.insert("name".into(), name.into());
        if verified {
            fields.insert("email_verified".into(), "true".into());
        } else {
            fields.remove("email_verified");
        }
        let response = self
            .browser
            .post(self.url(STAND_IN))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "sign-in of {email}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(CALLBACK), "{location}");
        let callback = query_of(&location);
        assert_eq!(callback["state"], "st-1");
        callback
    }

    async fn id_token(&self, code: &str) -> Value {
        let tokens = self.tokens(code).await;
        payload(tokens["id_token"].as_str().expect("an ID token"))
    }

    /// The users whose email this is, through the search a dashboard's admin page uses.
    async fn users_with_email(&self, email: &str) -> Vec<Value> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &format!("email:\"{email}\""))
            .append_pair("search_engine", "v3")
            .finish();
        let answer = self.api.get(&format!("users?{query}")).await;
        assert_eq!(answer.status, 200);
        answer.json().as_array().unwrap().clone()
    }

    /// What the probe Action logged, one object per login.
    fn probed(&self) -> Vec<Value> {
        self.emulator
            .messages()
            .into_iter()
            .filter(|m| m.source == "Probe")
            .map(|m| serde_json::from_str(&m.text).expect("the probe logs JSON"))
            .collect()
    }
}

#[tokio::test]
async fn the_google_button_shows_only_for_a_google_connection_enabled_for_the_client() {
    let tenant = Tenant::start(instant_builds()).await;
    let page = tenant.login_page().await;
    assert!(!page.contains("Continue with Google"), "{page}");

    let google = tenant.google_connection().await;
    let page = tenant.login_page().await;
    assert!(
        !page.contains("Continue with Google"),
        "not enabled for this client yet: {page}"
    );
    // Naming it anyway is refused as Auth0 refuses it: back to the callback.
    let (status, location, _) = tenant
        .get(
            &tenant.url("/authorize"),
            &[
                ("client_id", &tenant.client_id),
                ("redirect_uri", CALLBACK),
                ("response_type", "code"),
                ("state", "st-1"),
                ("connection", GOOGLE),
            ],
        )
        .await;
    assert_eq!(status, 302);
    let refused = query_of(&location.unwrap());
    assert_eq!(refused["error"], "invalid_request");
    assert_eq!(
        refused["error_description"],
        "the connection is not enabled"
    );
    assert_eq!(refused["state"], "st-1");

    tenant.enable(&google).await;
    let page = tenant.login_page().await;
    let button = form_inputs(&page, "/authorize").expect("a button form after enabling");
    assert_eq!(button["connection"], GOOGLE);
    assert_eq!(button["client_id"], tenant.client_id);
    assert_eq!(button["state"], "st-1");
    assert!(
        !page.contains(r#"action="/u/signup""#),
        "the database connection still disables sign-ups: {page}"
    );
}

#[tokio::test]
async fn a_first_google_login_creates_the_user_and_later_logins_reuse_it() {
    let tenant = Tenant::start(instant_builds()).await;
    let google = tenant.google_connection().await;
    tenant.enable(&google).await;
    let email = "grace@gmail.example";
    assert!(tenant.users_with_email(email).await.is_empty());

    // Sign-ups are disabled on the database connection; a social connection has no such switch.
    let callback = tenant
        .sign_in_with_google(email, "Grace Hopper", true)
        .await;
    let id_token = tenant.id_token(&callback["code"]).await;
    let user_id = id_token["sub"].as_str().unwrap().to_owned();
    let (prefix, google_id) = user_id.split_once('|').unwrap();
    assert_eq!(prefix, GOOGLE);
    assert_eq!(google_id.len(), 21, "{user_id}");
    assert!(google_id.bytes().all(|b| b.is_ascii_digit()), "{user_id}");
    assert_eq!(id_token["email"], email);
    assert_eq!(id_token["name"], "Grace Hopper");
    assert_eq!(id_token["email_verified"], true);

    let user = tenant.api.get(&format!("users/{user_id}")).await;
    assert_eq!(user.status, 200);
    let user = user.json();
    assert_eq!(
        user["identities"],
        json!([{"provider": GOOGLE, "user_id": google_id, "connection": GOOGLE, "isSocial": true}])
    );
    assert_eq!(user["user_id"], user_id.as_str());
    assert_eq!(user["email"], email);
    assert_eq!(user["name"], "Grace Hopper");
    assert_eq!(user["nickname"], "grace");
    assert_eq!(user["email_verified"], true);
    assert_eq!(user["logins_count"], 1);
    for field in ["created_at", "updated_at", "last_login", "picture"] {
        assert!(user[field].is_string(), "{field} in {user}");
    }
    let found = tenant.users_with_email(email).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["user_id"], user_id.as_str());

    // The same account again, its name changed at Google and its email now unverified.
    let callback = tenant
        .sign_in_with_google(email, "Grace B. Hopper", false)
        .await;
    assert_eq!(
        tenant.id_token(&callback["code"]).await["sub"],
        user_id.as_str()
    );
    let found = tenant.users_with_email(email).await;
    assert_eq!(found.len(), 1, "a later login creates no user: {found:?}");
    assert_eq!(found[0]["logins_count"], 2);
    assert_eq!(found[0]["name"], "Grace B. Hopper");
    assert_eq!(found[0]["email_verified"], false);
    assert_eq!(found[0]["created_at"], user["created_at"]);

    // Another Google account is another user.
    let callback = tenant
        .sign_in_with_google("alan@gmail.example", "Alan", true)
        .await;
    assert_ne!(
        tenant.id_token(&callback["code"]).await["sub"],
        user_id.as_str()
    );

    // Auth0 creates social users only through their login, and turns a blocked one away.
    let refused = tenant
        .api
        .post(
            "users",
            &json!({"connection": GOOGLE, "email": "ada@gmail.example", "password": "Pass-1234-x"}),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.json()["message"],
        "Connection does not support user creation through the API. It must either be a database or passwordless connection."
    );
    tenant
        .call(
            "PATCH",
            &format!("users/{user_id}"),
            json!({"blocked": true}),
        )
        .await;
    let blocked = tenant
        .sign_in_with_google(email, "Grace Hopper", true)
        .await;
    assert_eq!(blocked.get("code"), None);
    assert_eq!(blocked["error"], "unauthorized");
    assert_eq!(blocked["error_description"], "user is blocked");
}

#[tokio::test]
async fn the_shipped_action_denies_a_google_stranger_until_an_admin_invites_them() {
    let tenant = Tenant::start(instant_builds()).await;
    let google = tenant.google_connection().await;
    tenant.enable(&google).await;
    tenant
        .bind(&[
            ("Probe", PROBE),
            ("Post-Login Verification", SHIPPED_ACTION),
        ])
        .await;
    let email = "stranger@gmail.example";

    for attempt in 1..=2 {
        let callback = tenant.sign_in_with_google(email, "Stranger", true).await;
        assert_eq!(callback.get("code"), None, "attempt {attempt} got a code");
        assert_eq!(callback["error"], "access_denied");
        assert_eq!(
            callback["error_description"],
            "Access denied: Please contact an administrator for an invitation."
        );
    }
    // The first login created the user before the Action denied it, as on Auth0.
    let found = tenant.users_with_email(email).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["logins_count"], 2, "denied logins count");
    let user_id = found[0]["user_id"].as_str().unwrap().to_owned();

    let probed = tenant.probed();
    assert_eq!(probed.len(), 2, "{probed:?}");
    assert_eq!(
        probed[0],
        json!({"strategy": GOOGLE, "connection": GOOGLE, "provider": GOOGLE, "isSocial": true,
               "user_id": user_id, "email": email, "count": 1, "method": "federated"})
    );
    assert_eq!(probed[1]["count"], 2);

    // An admin invites them (the dashboard's admin page sets app_metadata): the next login
    // gets in, with the roles claim the Action stamps.
    tenant
        .call(
            "PATCH",
            &format!("users/{user_id}"),
            json!({"app_metadata": {"invited": true, "roles": ["viewer"]}}),
        )
        .await;
    let callback = tenant.sign_in_with_google(email, "Stranger", true).await;
    let id_token = tenant.id_token(&callback["code"]).await;
    assert_eq!(id_token["sub"], user_id.as_str());
    assert_eq!(
        id_token["http://localhost:8501/claims/roles"],
        json!(["viewer"])
    );
}

#[tokio::test]
async fn the_stand_in_asks_again_for_a_missing_email_and_refuses_a_disabled_connection() {
    let tenant = Tenant::start(instant_builds()).await;
    let google = tenant.google_connection().await;
    tenant.enable(&google).await;
    let mut fields = tenant.continue_with_google().await;
    fields.insert("email".into(), "not-an-email".into());
    let again = tenant
        .browser
        .post(tenant.url(STAND_IN))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    let page = again.text().await.unwrap();
    assert!(
        page.contains("Enter the email address of the account."),
        "{page}"
    );
    assert!(tenant.users_with_email("not-an-email").await.is_empty());

    // The connection is switched off for the client between the button and the sign-in.
    tenant
        .call(
            "PATCH",
            &format!("connections/{google}/clients"),
            json!([{"client_id": tenant.client_id, "status": false}]),
        )
        .await;
    fields.insert("email".into(), "late@gmail.example".into());
    let late = tenant
        .browser
        .post(tenant.url(STAND_IN))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), 302);
    let callback = query_of(late.headers()["location"].to_str().unwrap());
    assert_eq!(callback["error"], "invalid_request");
    assert!(
        tenant
            .users_with_email("late@gmail.example")
            .await
            .is_empty()
    );
}

/// The create of terraform-provider-auth0's `TestAccConnectionGoogleOAuth2` recording (public,
/// not vendored: recorded in 2025) and the values Auth0 answered: the scope made from the
/// attributes switched on, the name as realm, the options otherwise as sent (no
/// `disable_signup`: a social connection has none).
#[tokio::test]
async fn a_google_connection_is_created_as_auth0_answered_the_recorded_create() {
    let tenant = Tenant::start(instant_builds()).await;
    let options = json!({"client_id": "", "client_secret": "", "email": true, "profile": true,
        "gmail": true, "youtube": true, "set_user_root_attributes": "on_each_login",
        "upstream_params": {"screen_name": {"alias": "login_hint"}},
        "allowed_audiences": ["api.example.com", "example.com"]});
    let created = tenant
        .api
        .post(
            "connections",
            &json!({"name": "Acceptance-Test-Google-OAuth2", "strategy": GOOGLE,
                    "is_domain_connection": false, "options": options}),
        )
        .await;
    assert_eq!(created.status, 201, "{:?}", created.body);
    let read = tenant
        .api
        .get(&format!(
            "connections/{}",
            created.json()["id"].as_str().unwrap()
        ))
        .await;
    for answer in [created.json(), read.json()] {
        let mut expected = options.clone();
        expected["scope"] = json!([
            "email",
            "profile",
            "https://mail.google.com/mail/feed/atom",
            "https://gdata.youtube.com"
        ]);
        assert_eq!(answer["options"], expected);
        assert_eq!(answer["realms"], json!(["Acceptance-Test-Google-OAuth2"]));
        assert_eq!(answer["enabled_clients"], json!([]));
        assert_eq!(answer["strategy"], GOOGLE);
    }
}
