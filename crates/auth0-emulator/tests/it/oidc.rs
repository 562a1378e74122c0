//! The OpenID Connect side, driven like Streamlit's `st.login` (Authlib) would, without a
//! browser: discovery, the authorize form, login, code, token (the ID token's RS256 signature
//! checked against the JWKS with the `rsa` crate, not the emulator's code), userinfo, logout;
//! and the ways it must refuse.

use auth0_emulator::Emulator;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier as _;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::login::{CALLBACK, browser, form_inputs, query_of};
use super::support::{self, Api};
const LOGOUT_TO: &str = "http://localhost:8501/";
const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple 1!";

/// A tenant with a regular web app, the default database connection enabled for it and one
/// user with a password.
struct Tenant {
    emulator: Emulator,
    api: Api,
    client_id: String,
    client_secret: String,
    connection_id: String,
    browser: reqwest::Client,
}

async fn tenant() -> Tenant {
    let emulator = support::start().await;
    let api = Api::new(&emulator).await;
    let client = api
        .post(
            "clients",
            &json!({"name": "streamlit", "app_type": "regular_web", "callbacks": [CALLBACK],
                    "allowed_logout_urls": [LOGOUT_TO], "oidc_conformant": true}),
        )
        .await;
    assert_eq!(client.status, 201, "{:?}", client.body);
    let client_id = client.json()["client_id"].as_str().unwrap().to_owned();
    let client_secret = client.json()["client_secret"].as_str().unwrap().to_owned();
    let connections = api
        .get("connections?name=Username-Password-Authentication")
        .await;
    let connection_id = connections.json()[0]["id"].as_str().unwrap().to_owned();
    let enabled = api
        .patch(
            &format!("connections/{connection_id}/clients"),
            &json!([{"client_id": client_id, "status": true}]),
        )
        .await;
    assert_eq!(enabled.status, 204);
    let user = api
        .post(
            "users",
            &json!({"connection": "Username-Password-Authentication", "email": EMAIL,
                    "password": PASSWORD, "email_verified": true, "name": "Ada Lovelace"}),
        )
        .await;
    assert_eq!(user.status, 201, "{:?}", user.body);
    let browser = browser();
    Tenant {
        emulator,
        api,
        client_id,
        client_secret,
        connection_id,
        browser,
    }
}

impl Tenant {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emulator.domain())
    }

    async fn authorize(&self, redirect_uri: &str, challenge: Option<&str>) -> (u16, String) {
        let mut query = vec![
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", "openid profile email"),
            ("state", "st-123"),
            ("nonce", "n-456"),
        ];
        if let Some(challenge) = challenge {
            query.push(("code_challenge", challenge));
            query.push(("code_challenge_method", "S256"));
        }
        let response = self
            .browser
            .get(self.url("/authorize"))
            .query(&query)
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Submits the login form; returns the status and the `Location` it redirects to.
    async fn submit(
        &self,
        action: &str,
        page: &str,
        email: &str,
        password: &str,
    ) -> (u16, Option<String>, String) {
        let mut fields = form_inputs(page, action).expect("the page has the form");
        fields.insert("email".into(), email.into());
        fields.insert("password".into(), password.into());
        let response = self
            .browser
            .post(self.url(action))
            .form(&fields)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        (status, location, response.text().await.unwrap())
    }

    async fn login_code(&self, challenge: Option<&str>) -> String {
        let (status, page) = self.authorize(CALLBACK, challenge).await;
        assert_eq!(status, 200, "{page}");
        let (status, location, body) = self.submit("/u/login", &page, EMAIL, PASSWORD).await;
        assert_eq!(status, 302, "{body}");
        let location = location.unwrap();
        assert!(location.starts_with(CALLBACK), "{location}");
        let query = query_of(&location);
        assert_eq!(query["state"], "st-123");
        query["code"].clone()
    }
}

fn verify_rs256(token: &str, jwks: &Value) -> Value {
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (header, payload) = signed.split_once('.').unwrap();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == header["kid"])
        .expect("the JWKS has the token's kid");
    let number = |name: &str| {
        BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap())
    };
    let public = RsaPublicKey::new(number("n"), number("e")).unwrap();
    let signature =
        Signature::try_from(URL_SAFE_NO_PAD.decode(signature).unwrap().as_slice()).unwrap();
    VerifyingKey::<Sha256>::new(public)
        .verify(signed.as_bytes(), &signature)
        .expect("the ID token's signature verifies with the JWKS");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn the_code_flow_logs_a_database_user_in_and_out() {
    let t = tenant().await;
    let domain = t.emulator.domain();
    let discovery: Value = t
        .browser
        .get(t.url("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], format!("{domain}/"));
    assert_eq!(
        discovery["end_session_endpoint"],
        format!("{domain}/oidc/logout")
    );
    assert_eq!(discovery["response_types_supported"], json!(["code"]));
    assert_eq!(
        discovery["id_token_signing_alg_values_supported"],
        json!(["RS256"])
    );
    let jwks: Value = t
        .browser
        .get(discovery["jwks_uri"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kty"], "RSA");

    let verifier = "a-pkce-verifier-that-is-long-enough-0123456789abcdef";
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let code = t.login_code(Some(&challenge)).await;

    // client_secret_basic, PKCE S256.
    let token_request = |code: &str, verifier: &str| {
        t.browser
            .post(discovery["token_endpoint"].as_str().unwrap())
            .basic_auth(&t.client_id, Some(&t.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("code_verifier", verifier),
            ])
    };
    let wrong_verifier = token_request(&code, "not-the-verifier")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_verifier.status(), 403, "PKCE is checked");
    // A failed redemption burns the code, as a single-use code must.
    let code = t.login_code(Some(&challenge)).await;
    let tokens: Value = token_request(&code, verifier)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    let claims = verify_rs256(tokens["id_token"].as_str().unwrap(), &jwks);
    assert_eq!(claims["iss"], format!("{domain}/"));
    assert_eq!(claims["aud"], t.client_id.as_str());
    assert!(claims["sub"].as_str().unwrap().starts_with("auth0|"));
    assert_eq!(claims["email"], EMAIL);
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["nonce"], "n-456");
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap());
    let reused = token_request(&code, verifier).send().await.unwrap();
    assert_eq!(reused.status(), 403, "a code is single-use");

    let userinfo: Value = t
        .browser
        .get(discovery["userinfo_endpoint"].as_str().unwrap())
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["sub"], claims["sub"]);
    assert_eq!(userinfo["email"], EMAIL);
    assert_eq!(userinfo["name"], "Ada Lovelace");
    let forged = t
        .browser
        .get(t.url("/userinfo"))
        .bearer_auth(t.api.bearer())
        .send()
        .await
        .unwrap();
    assert_eq!(
        forged.status(),
        401,
        "a Management API token is not a user token"
    );

    // client_secret_post, no PKCE.
    let code = t.login_code(None).await;
    let posted = t
        .browser
        .post(t.url("/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
            ("client_id", t.client_id.as_str()),
            ("client_secret", t.client_secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);

    for (path, parameter) in [
        ("/oidc/logout", "post_logout_redirect_uri"),
        ("/v2/logout", "returnTo"),
    ] {
        let logout = t
            .browser
            .get(t.url(path))
            .query(&[(parameter, LOGOUT_TO), ("client_id", t.client_id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(logout.status(), 302, "{path}");
        assert!(
            logout.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with(LOGOUT_TO),
            "{path}"
        );
    }
    let by_hint = t
        .browser
        .get(t.url("/oidc/logout"))
        .query(&[
            ("post_logout_redirect_uri", LOGOUT_TO),
            ("id_token_hint", tokens["id_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(by_hint.status(), 302, "the ID token names the client");
    t.emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn logins_are_refused_as_auth0_refuses_them() {
    let t = tenant().await;

    let (status, page) = t.authorize("http://localhost:8501/elsewhere", None).await;
    assert_eq!(status, 400);
    assert!(page.contains("Callback URL mismatch"), "{page}");
    assert!(
        form_inputs(&page, "/u/login").is_none(),
        "no form for a bad callback"
    );

    let (status, page) = t.authorize(CALLBACK, None).await;
    assert_eq!(status, 200);
    let (status, location, body) = t.submit("/u/login", &page, EMAIL, "wrong password").await;
    assert_eq!((status, location), (401, None));
    assert!(body.contains("Wrong email or password"), "{body}");
    let (status, _, _) = t
        .submit("/u/login", &page, "nobody@example.com", PASSWORD)
        .await;
    assert_eq!(status, 401);

    // A user of a connection not enabled for the client cannot log in with it.
    let other = t
        .api
        .post(
            "connections",
            &json!({"name": "other-db", "strategy": "auth0"}),
        )
        .await;
    assert_eq!(other.status, 201);
    let stranger = t
        .api
        .post(
            "users",
            &json!({"connection": "other-db", "email": "eve@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(stranger.status, 201);
    let (status, _, _) = t
        .submit("/u/login", &page, "eve@example.com", PASSWORD)
        .await;
    assert_eq!(status, 401);

    // Sign-up is offered while allowed, and creates a user who can then log in.
    assert!(form_inputs(&page, "/u/signup").is_some());
    let (status, location, body) = t
        .submit("/u/signup", &page, "new@example.com", PASSWORD)
        .await;
    assert_eq!(status, 302, "{body}");
    assert!(query_of(&location.unwrap()).contains_key("code"));
    let found = t.api.get("users-by-email?email=new%40example.com").await;
    assert_eq!(found.json().as_array().unwrap().len(), 1);

    // disable_signup hides the form and refuses a forged sign-up.
    let patched = t
        .api
        .patch(
            &format!("connections/{}", t.connection_id),
            &json!({"options": {"disable_signup": true}}),
        )
        .await;
    assert_eq!(patched.status, 200);
    let (_, closed) = t.authorize(CALLBACK, None).await;
    assert!(form_inputs(&closed, "/u/login").is_some());
    assert!(form_inputs(&closed, "/u/signup").is_none(), "{closed}");
    let (status, location, _) = t
        .submit("/u/signup", &page, "late@example.com", PASSWORD)
        .await;
    assert_eq!((status, location), (403, None));
    assert!(
        t.api
            .get("users-by-email?email=late%40example.com")
            .await
            .json()
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Logout only to an allowed URL.
    for (path, parameter) in [
        ("/oidc/logout", "post_logout_redirect_uri"),
        ("/v2/logout", "returnTo"),
    ] {
        let refused = t
            .browser
            .get(t.url(path))
            .query(&[
                (parameter, "https://evil.example/"),
                ("client_id", t.client_id.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "{path}");
        assert!(refused.headers().get("location").is_none());
    }

    // A wrong client secret gets no tokens.
    let code = t.login_code(None).await;
    let denied = t
        .browser
        .post(t.url("/oauth/token"))
        .basic_auth(&t.client_id, Some("not-the-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 401);
    t.emulator.shutdown().await.unwrap();
}
