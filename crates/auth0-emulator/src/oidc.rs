//! The OpenID Connect side a web app (Streamlit's `st.login`) signs in with: discovery, JWKS,
//! `/authorize` with a minimal login form, the authorization-code grant (with PKCE), userinfo
//! and logout. Database users log in with the password they were created with, through a
//! database connection enabled for the client; social users through a stand-in for their
//! provider (`social_login`). There is no SSO session: every `/authorize` shows the form.

mod social_login;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::login_actions::{
    ActionCache, ActionSource, LoginContext, Outcome, RESTRICTED_CLAIMS, RuntimeError,
    bound_post_login_actions, persist_metadata, post_login_event,
};
use super::messages::Message;
use super::oidc_keys::OidcKey;
use super::paging::Params;
use super::routes::{self, Call, str_field};
use super::server::{Shared, epoch_seconds};
use super::store::{ALNUM, Obj, Store, random_string};

/// Auth0 authorization codes live briefly and are single-use.
const CODE_LIFETIME_SECONDS: i64 = 600;
const ACCESS_TOKEN_LIFETIME_SECONDS: i64 = 86_400;
/// Bounds the codes kept in memory (abandoned logins never redeem theirs).
const MAX_PENDING_CODES: usize = 10_000;

/// What `/authorize` was asked, carried through the login form.
#[derive(Debug, Clone, Default)]
struct AuthorizeRequest {
    client_id: String,
    redirect_uri: String,
    response_type: String,
    scope: String,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

const CARRIED: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
];

impl AuthorizeRequest {
    fn from_fields(fields: &HashMap<String, String>) -> Self {
        let get = |k: &str| fields.get(k).filter(|v| !v.is_empty()).cloned();
        Self {
            client_id: get("client_id").unwrap_or_default(),
            redirect_uri: get("redirect_uri").unwrap_or_default(),
            response_type: get("response_type").unwrap_or_default(),
            scope: get("scope").unwrap_or_else(|| "openid".to_owned()),
            state: get("state"),
            nonce: get("nonce"),
            code_challenge: get("code_challenge"),
            code_challenge_method: get("code_challenge_method"),
        }
    }

    fn field(&self, name: &str) -> Option<&str> {
        match name {
            "client_id" => Some(&self.client_id),
            "redirect_uri" => Some(&self.redirect_uri),
            "response_type" => Some(&self.response_type),
            "scope" => Some(&self.scope),
            "state" => self.state.as_deref(),
            "nonce" => self.nonce.as_deref(),
            "code_challenge" => self.code_challenge.as_deref(),
            "code_challenge_method" => self.code_challenge_method.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct PendingCode {
    request: AuthorizeRequest,
    user_id: String,
    expires_at: i64,
    /// Custom claims the post-login Actions set.
    claims: CustomClaims,
}

#[derive(Debug, Clone, Default)]
struct CustomClaims {
    id_token: Obj,
    access_token: Obj,
}

/// A login whose user authenticated and whose post-login Actions still have to run.
pub struct PendingLogin {
    request: AuthorizeRequest,
    user_id: String,
    actions: Vec<ActionSource>,
    event: Value,
}

/// What an OIDC request needs next.
pub enum OidcReply {
    Done(Response),
    /// Run the Actions ([`complete_login`]), then answer.
    RunActions(Box<PendingLogin>),
}

/// Codes issued, the custom claims of issued access tokens (for `/userinfo`), the Actions'
/// `api.cache`, and the signing key (generated on first use: a fresh tenant that never serves
/// a login does not pay for RSA key generation).
#[derive(Default)]
pub struct OidcState {
    key: OnceLock<OidcKey>,
    codes: Mutex<HashMap<String, PendingCode>>,
    userinfo_claims: Mutex<HashMap<String, (i64, Obj)>>,
    action_cache: Mutex<ActionCache>,
}

fn key(shared: &Shared) -> &OidcKey {
    shared.oidc.key.get_or_init(|| {
        let mut store = shared.store.lock().expect("store lock");
        if let Some(key) = store
            .oidc_signing_key
            .as_deref()
            .and_then(|pem| OidcKey::from_pem(pem).ok())
        {
            return key;
        }
        let (key, pem) = OidcKey::generate().expect("RSA key generation");
        store.oidc_signing_key = Some(pem);
        key
    })
}

#[allow(clippy::cast_possible_truncation)]
fn now() -> i64 {
    epoch_seconds() as i64
}

/// Answers the OIDC paths; `None` for any other path.
pub fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<OidcReply> {
    let query_fields = form_fields(query.unwrap_or_default().as_bytes());
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if method == Method::POST && matches!(path, "/authorize" | "/u/login" | "/u/signup") {
        let signing_up = path == "/u/signup";
        return Some(login(
            shared,
            authenticate(shared, &form_fields(body), signing_up, user_agent),
        ));
    }
    if method == Method::POST && path == social_login::PATH {
        return Some(login(
            shared,
            social_login::sign_in(shared, &form_fields(body), user_agent),
        ));
    }
    let response = match (method.as_str(), path) {
        ("GET", "/.well-known/openid-configuration") => discovery(&shared.domain),
        ("GET", "/.well-known/jwks.json") => json(200, &json!({"keys": [key(shared).jwk()]})),
        ("GET", "/authorize") => authorize_form(shared, &query_fields),
        ("GET", social_login::PATH) => social_login::page(shared, &query_fields),
        ("GET" | "POST", "/userinfo") => userinfo(shared, headers),
        ("GET", "/oidc/logout") => logout(
            shared,
            &query_fields,
            "post_logout_redirect_uri",
            "post_logout_redirect_uri",
        ),
        ("GET", "/v2/logout") => logout(shared, &query_fields, "returnTo", "returnTo"),
        ("GET", "/u/reset-password") => super::password_ticket::form(shared, &query_fields),
        ("POST", "/u/reset-password") => super::password_ticket::submit(shared, &form_fields(body)),
        _ => return None,
    };
    Some(OidcReply::Done(response))
}

fn form_fields(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

fn discovery(domain: &str) -> Response {
    json(
        200,
        &json!({
            "issuer": format!("{domain}/"),
            "authorization_endpoint": format!("{domain}/authorize"),
            "token_endpoint": format!("{domain}/oauth/token"),
            "userinfo_endpoint": format!("{domain}/userinfo"),
            "jwks_uri": format!("{domain}/.well-known/jwks.json"),
            "end_session_endpoint": format!("{domain}/oidc/logout"),
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "nickname", "picture", "sub", "updated_at"],
        }),
    )
}

/// Checks the client and its callback as Auth0 does; the error is an HTML page (Auth0 does not
/// redirect to an unverified URL).
fn check_client(store: &Store, request: &AuthorizeRequest) -> Result<(), Box<Response>> {
    let Some(client) = store.clients.get(&request.client_id) else {
        return Err(Box::new(error_page(
            400,
            "invalid_request",
            &format!("Unknown client: {}", request.client_id),
        )));
    };
    let callbacks = client
        .get("callbacks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !callbacks
        .iter()
        .any(|c| c.as_str() == Some(&request.redirect_uri))
    {
        return Err(Box::new(error_page(
            400,
            "invalid_request",
            &format!(
                "Callback URL mismatch. {} is not in the list of allowed callback URLs",
                request.redirect_uri
            ),
        )));
    }
    Ok(())
}

/// Whether the client may log in through the connection.
fn enabled_for(connection: &Obj, client_id: &str) -> bool {
    connection
        .get("enabled_clients")
        .and_then(Value::as_array)
        .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(client_id)))
}

/// The database connections enabled for a client.
fn database_connections<'a>(store: &'a Store, client_id: &str) -> Vec<&'a Obj> {
    store
        .connections
        .values()
        .filter(|c| str_field(c, "strategy") == Some("auth0"))
        .filter(|c| enabled_for(c, client_id))
        .collect()
}

fn signup_allowed(connections: &[&Obj]) -> bool {
    connections.first().is_some_and(|c| {
        c.get("options")
            .and_then(|o| o.get("disable_signup"))
            .and_then(Value::as_bool)
            != Some(true)
    })
}

fn authorize_form(shared: &Shared, fields: &HashMap<String, String>) -> Response {
    let request = AuthorizeRequest::from_fields(fields);
    let store = shared.store.lock().expect("store lock");
    if let Err(page) = check_client(&store, &request) {
        return *page;
    }
    if request.response_type != "code" {
        return redirect_with(
            &request.redirect_uri,
            &[
                ("error", "unsupported_response_type"),
                (
                    "error_description",
                    &format!("Unsupported response type: {}", request.response_type),
                ),
            ],
            request.state.as_deref(),
        );
    }
    if let Some(name) = fields.get("connection").filter(|n| !n.is_empty()) {
        if let Some(answer) = social_login::authorize_with(&store, &request, name) {
            return answer;
        }
    }
    let connections = database_connections(&store, &request.client_id);
    login_page(&store, &request, signup_allowed(&connections), None)
}

/// What a login form's answer needs next: the Actions to run, a code, or a page.
fn login(shared: &Shared, authenticated: Result<PendingLogin, Box<Response>>) -> OidcReply {
    match authenticated {
        Ok(pending) if pending.actions.is_empty() => {
            OidcReply::Done(issue_code(shared, pending, CustomClaims::default()))
        }
        Ok(pending) => OidcReply::RunActions(Box::new(pending)),
        Err(page) => OidcReply::Done(*page),
    }
}

/// Checks the form's credentials (signing the user up first when asked and allowed), counts
/// the login, and gathers the post-login Actions it runs.
fn authenticate(
    shared: &Shared,
    fields: &HashMap<String, String>,
    signing_up: bool,
    user_agent: &str,
) -> Result<PendingLogin, Box<Response>> {
    let request = AuthorizeRequest::from_fields(fields);
    let email = fields.get("email").or_else(|| fields.get("username"));
    let email = email.map(|e| e.trim().to_owned()).unwrap_or_default();
    let password = fields.get("password").cloned().unwrap_or_default();
    let mut store = shared.store.lock().expect("store lock");
    check_client(&store, &request)?;
    if request.response_type != "code" {
        return Err(Box::new(error_page(
            400,
            "unsupported_response_type",
            "Unsupported response type",
        )));
    }
    let connections = database_connections(&store, &request.client_id);
    let allow_signup = signup_allowed(&connections);
    let connection_names: Vec<String> = connections
        .iter()
        .filter_map(|c| str_field(c, "name").map(str::to_owned))
        .collect();
    if signing_up {
        if !allow_signup {
            return Err(Box::new(login_page(
                &store,
                &request,
                false,
                Some((403, "Sign ups are not allowed.")),
            )));
        }
        let body = json!({"connection": connection_names[0], "email": email, "password": password});
        let call = Call {
            method: "POST",
            segments: &["users".to_owned()],
            params: &Params::default(),
            body: &body,
            scopes: &[],
        };
        if let Err(error) = routes::dispatch(&mut store, &call) {
            return Err(Box::new(login_page(
                &store,
                &request,
                true,
                Some((400, &error.message)),
            )));
        }
    }
    let user = store.users.iter().find(|(_, user)| {
        let connection = user
            .profile
            .get("identities")
            .and_then(|i| i.pointer("/0/connection"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        connection_names.iter().any(|c| c == connection)
            && str_field(&user.profile, "email").is_some_and(|e| e.eq_ignore_ascii_case(&email))
            && user
                .password_hash
                .as_deref()
                .is_some_and(|hash| routes::users::password_matches(hash, &password))
            && user.profile.get("blocked") != Some(&Value::Bool(true))
    });
    let Some((user_id, _)) = user else {
        return Err(Box::new(login_page(
            &store,
            &request,
            allow_signup,
            Some((401, "Wrong email or password.")),
        )));
    };
    let user_id = user_id.clone();
    Ok(begin_login(
        shared, &mut store, request, user_id, user_agent,
    ))
}

/// Counts the login of an authenticated user and gathers the post-login Actions it runs, with
/// their event: the same for database and social logins.
fn begin_login(
    shared: &Shared,
    store: &mut Store,
    request: AuthorizeRequest,
    user_id: String,
    user_agent: &str,
) -> PendingLogin {
    let stamp = crate::store::now();
    let tenant = store.tenant_name.clone();
    let client = store
        .clients
        .get(&request.client_id)
        .cloned()
        .unwrap_or_default();
    let actions = bound_post_login_actions(store);
    let user = store
        .users
        .get_mut(&user_id)
        .expect("the user was just found");
    // Auth0 counts the login before the Actions run, and counts it when they deny it.
    let logins_count = user
        .profile
        .get("logins_count")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        + 1;
    user.profile
        .insert("logins_count".into(), json!(logins_count));
    user.profile.insert("last_login".into(), json!(stamp));
    user.profile.insert("last_ip".into(), json!("127.0.0.1"));
    let profile = user.profile.clone();
    let connection_name = profile
        .get("identities")
        .and_then(|i| i.pointer("/0/connection"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let connection = store
        .connection_by_name(connection_name)
        .cloned()
        .unwrap_or_default();
    let query: Obj = CARRIED
        .iter()
        .filter_map(|name| request.field(name).map(|v| ((*name).to_owned(), json!(v))))
        .collect();
    let hostname = shared
        .domain
        .split_once("://")
        .map_or(shared.domain.as_str(), |(_, host)| host);
    let event = post_login_event(&LoginContext {
        tenant: &tenant,
        hostname,
        user: &profile,
        logins_count,
        client: &client,
        connection: &connection,
        query: &query,
        ip: "127.0.0.1",
        user_agent,
        transaction_id: &random_string(24, ALNUM),
        now: &stamp,
    });
    PendingLogin {
        request,
        user_id,
        actions,
        event,
    }
}

/// Runs the login's Actions and answers as Auth0 does: a code carrying their claims, or the
/// callback with `error=access_denied` when one denied the login or failed.
pub async fn complete_login(shared: &Shared, pending: PendingLogin) -> Response {
    let Some(runtime) = &shared.actions else {
        return issue_code(shared, pending, CustomClaims::default());
    };
    let cache = shared.oidc.action_cache.lock().expect("cache lock").clone();
    let now_ms = shared.store.lock().expect("store lock").now_ms();
    let result = runtime
        .run(&pending.actions, &pending.event, &cache, now_ms)
        .await;
    let result = match result {
        Ok(result) => result,
        Err(RuntimeError::NodeMissing { node, .. }) => {
            shared.messages.once(
                "node-missing",
                "warn",
                format!(
                    "post-login Actions were SKIPPED: `{node}` is not installed, so every login is let in without running them (install Node.js 20+ to test invite-only logins)"
                ),
            );
            return issue_code(shared, pending, CustomClaims::default());
        }
        Err(error) => {
            shared.messages.emulator("error", error.to_string());
            return deny(&pending.request, "The post-login Actions failed to run.");
        }
    };
    for line in &result.logs {
        shared.messages.push(Message {
            source: line.action.clone(),
            level: line.level.clone(),
            text: line.message.clone(),
        });
    }
    shared
        .oidc
        .action_cache
        .lock()
        .expect("cache lock")
        .clone_from(&result.cache);
    if let Some(user) = shared
        .store
        .lock()
        .expect("store lock")
        .users
        .get_mut(&pending.user_id)
    {
        persist_metadata(&mut user.profile, &result);
    }
    match result.outcome {
        Outcome::Allow => {
            let claims = CustomClaims {
                id_token: allowed_claims(shared, result.id_token_claims),
                access_token: allowed_claims(shared, result.access_token_claims),
            };
            issue_code(shared, pending, claims)
        }
        Outcome::Deny => {
            let reason = result.deny.map(|d| d.reason).unwrap_or_default();
            deny(&pending.request, &reason)
        }
        Outcome::Error => {
            let (action, message) = result
                .error
                .map(|e| (e.action, e.message))
                .unwrap_or_default();
            shared.messages.push(Message {
                source: action,
                level: "error".into(),
                text: message.clone(),
            });
            deny(&pending.request, &message)
        }
    }
}

/// Drops the claims Auth0 does not let an Action set, saying so.
fn allowed_claims(shared: &Shared, claims: Obj) -> Obj {
    claims
        .into_iter()
        .filter(|(name, _)| {
            let restricted = RESTRICTED_CLAIMS.contains(&name.as_str());
            if restricted {
                shared.messages.emulator(
                    "warn",
                    format!("the custom claim `{name}` is restricted by Auth0 and was not set"),
                );
            }
            !restricted
        })
        .collect()
}

fn deny(request: &AuthorizeRequest, description: &str) -> Response {
    redirect_with(
        &request.redirect_uri,
        &[
            ("error", "access_denied"),
            ("error_description", description),
        ],
        request.state.as_deref(),
    )
}

fn issue_code(shared: &Shared, pending: PendingLogin, claims: CustomClaims) -> Response {
    let PendingLogin {
        request, user_id, ..
    } = pending;
    let code = random_string(32, ALNUM);
    {
        let mut codes = shared.oidc.codes.lock().expect("codes lock");
        let now = now();
        codes.retain(|_, pending| pending.expires_at > now);
        if codes.len() >= MAX_PENDING_CODES {
            return error_page(503, "temporarily_unavailable", "Too many pending logins");
        }
        codes.insert(
            code.clone(),
            PendingCode {
                request: request.clone(),
                user_id,
                expires_at: now + CODE_LIFETIME_SECONDS,
                claims,
            },
        );
    }
    redirect_with(
        &request.redirect_uri,
        &[("code", &code)],
        request.state.as_deref(),
    )
}

/// An OAuth error of the token endpoint.
fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

/// `grant_type=authorization_code`: client authentication by HTTP Basic
/// (`client_secret_basic`) or form fields (`client_secret_post`), the code single-use and
/// bound to its client and redirect URI, PKCE when a challenge was sent.
pub fn authorization_code(shared: &Shared, headers: &HeaderMap, form: &Obj) -> Response {
    let field = |name: &str| form.get(name).and_then(Value::as_str).unwrap_or_default();
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
            };
            Some((decode(id)?, decode(secret)?))
        });
    let (client_id, secret) = basic.unwrap_or_else(|| {
        (
            field("client_id").to_owned(),
            field("client_secret").to_owned(),
        )
    });
    let client = {
        let store = shared.store.lock().expect("store lock");
        store.clients.get(&client_id).cloned()
    };
    let Some(client) = client else {
        return oauth_error(401, "access_denied", "Unauthorized");
    };
    let expected = str_field(&client, "client_secret").unwrap_or_default();
    if expected.is_empty() || expected != secret {
        return oauth_error(401, "access_denied", "Unauthorized");
    }
    let allows_grant = client
        .get("grant_types")
        .and_then(Value::as_array)
        .is_none_or(|types| types.iter().any(|t| t == "authorization_code"));
    if !allows_grant {
        return oauth_error(
            403,
            "unauthorized_client",
            "Grant type 'authorization_code' not allowed for the client.",
        );
    }
    let pending = shared
        .oidc
        .codes
        .lock()
        .expect("codes lock")
        .remove(field("code"));
    let invalid = || oauth_error(403, "invalid_grant", "Invalid authorization code");
    let Some(pending) = pending else {
        return invalid();
    };
    if pending.expires_at <= now() || pending.request.client_id != client_id {
        return invalid();
    }
    if pending.request.redirect_uri != field("redirect_uri") {
        return oauth_error(
            403,
            "invalid_grant",
            "Invalid redirect_uri (it must match the one of the authorization request)",
        );
    }
    if let Some(challenge) = &pending.request.code_challenge {
        let verifier = field("code_verifier");
        let computed = match pending.request.code_challenge_method.as_deref() {
            Some("plain") => verifier.to_owned(),
            _ => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        };
        if verifier.is_empty() || &computed != challenge {
            return oauth_error(403, "invalid_grant", "Failed PKCE verification");
        }
    }
    let profile = {
        let store = shared.store.lock().expect("store lock");
        store.users.get(&pending.user_id).map(|u| u.profile.clone())
    };
    let Some(profile) = profile else {
        return invalid();
    };
    issue_tokens(shared, &client, &pending, &profile)
}

fn issue_tokens(shared: &Shared, client: &Obj, pending: &PendingCode, profile: &Obj) -> Response {
    let issuer = format!("{}/", shared.domain);
    let now = now();
    let scopes: Vec<&str> = pending.request.scope.split_whitespace().collect();
    let lifetime = client
        .get("jwt_configuration")
        .and_then(|j| j.get("lifetime_in_seconds"))
        .and_then(Value::as_i64)
        .unwrap_or(36_000);
    let mut id_claims = json!({
        "iss": issuer,
        "aud": pending.request.client_id,
        "sub": pending.user_id,
        "iat": now,
        "exp": now + lifetime,
    });
    let claims = profile_claims(profile, &scopes);
    if let (Value::Object(target), Value::Object(extra)) = (&mut id_claims, claims) {
        target.extend(extra);
        target.extend(pending.claims.id_token.clone());
        if let Some(nonce) = &pending.request.nonce {
            target.insert("nonce".into(), json!(nonce));
        }
    }
    let key = key(shared);
    let jti = random_string(24, ALNUM);
    let mut access_claims = json!({
        "iss": issuer,
        "sub": pending.user_id,
        "aud": [format!("{}/userinfo", shared.domain)],
        "iat": now,
        "exp": now + ACCESS_TOKEN_LIFETIME_SECONDS,
        "scope": pending.request.scope,
        "azp": pending.request.client_id,
        "jti": jti,
    });
    if let Value::Object(target) = &mut access_claims {
        target.extend(pending.claims.access_token.clone());
    }
    if !pending.claims.id_token.is_empty() {
        // `/userinfo` answers the ID token's custom claims too.
        let mut kept = shared.oidc.userinfo_claims.lock().expect("claims lock");
        kept.retain(|_, (expires, _)| *expires > now);
        if kept.len() < MAX_PENDING_CODES {
            kept.insert(
                jti,
                (
                    now + ACCESS_TOKEN_LIFETIME_SECONDS,
                    pending.claims.id_token.clone(),
                ),
            );
        }
    }
    let mut response = json!({
        "access_token": key.sign(&access_claims),
        "id_token": key.sign(&id_claims),
        "scope": pending.request.scope,
        "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
        "token_type": "Bearer",
    });
    if !scopes.contains(&"openid")
        && let Value::Object(object) = &mut response
    {
        object.shift_remove("id_token");
    }
    json(200, &response)
}

/// The standard claims the scopes ask for.
fn profile_claims(profile: &Obj, scopes: &[&str]) -> Value {
    let mut claims = Obj::new();
    let mut copy = |names: &[&str]| {
        for name in names {
            if let Some(value) = profile.get(*name) {
                claims.insert((*name).to_owned(), value.clone());
            }
        }
    };
    if scopes.contains(&"profile") {
        copy(&["nickname", "name", "picture", "updated_at"]);
    }
    if scopes.contains(&"email") {
        copy(&["email", "email_verified"]);
    }
    Value::Object(claims)
}

fn userinfo(shared: &Shared, headers: &HeaderMap) -> Response {
    let unauthorized = || {
        let mut response = text(401, "text/plain; charset=utf-8", "Unauthorized");
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        response
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(claims) = token.and_then(|t| key(shared).verify(t.trim())) else {
        return unauthorized();
    };
    let userinfo_audience = format!("{}/userinfo", shared.domain);
    let for_userinfo = claims
        .get("aud")
        .and_then(Value::as_array)
        .is_some_and(|aud| aud.iter().any(|a| a.as_str() == Some(&userinfo_audience)));
    let live = claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|exp| exp > now());
    if !for_userinfo || !live {
        return unauthorized();
    }
    let user_id = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let profile = {
        let store = shared.store.lock().expect("store lock");
        store.users.get(user_id).map(|u| u.profile.clone())
    };
    let Some(profile) = profile else {
        return unauthorized();
    };
    let scope = claims
        .get("scope")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    let mut body = json!({"sub": user_id});
    if let (Value::Object(target), Value::Object(extra)) =
        (&mut body, profile_claims(&profile, &scopes))
    {
        target.extend(extra);
        let custom = claims.get("jti").and_then(Value::as_str).and_then(|jti| {
            let kept = shared.oidc.userinfo_claims.lock().expect("claims lock");
            kept.get(jti).map(|(_, claims)| claims.clone())
        });
        target.extend(custom.unwrap_or_default());
    }
    json(200, &body)
}

/// `/oidc/logout` (`post_logout_redirect_uri`) and `/v2/logout` (`returnTo`): the target must
/// be one of the client's `allowed_logout_urls` (or the tenant's, when no client is named).
fn logout(
    shared: &Shared,
    fields: &HashMap<String, String>,
    target_field: &str,
    label: &str,
) -> Response {
    let Some(target) = fields.get(target_field).filter(|t| !t.is_empty()) else {
        return text(
            200,
            "text/html; charset=utf-8",
            "<!doctype html><title>Logged out</title><p>You are logged out.</p>",
        );
    };
    let store = shared.store.lock().expect("store lock");
    let client_id = fields.get("client_id").cloned().or_else(|| {
        // The ID token names its client in `aud`.
        let hint = fields.get("id_token_hint")?;
        key(shared)
            .verify(hint)?
            .get("aud")?
            .as_str()
            .map(str::to_owned)
    });
    let allowed = match client_id.as_deref().map(|id| store.clients.get(id)) {
        Some(None) => {
            return error_page(400, "invalid_request", "Unknown client");
        }
        Some(Some(client)) => client.get("allowed_logout_urls"),
        None => store.tenant_settings.get("allowed_logout_urls"),
    };
    let allowed = allowed
        .and_then(Value::as_array)
        .is_some_and(|urls| urls.iter().any(|u| u.as_str() == Some(target)));
    if !allowed {
        return error_page(
            400,
            "invalid_request",
            &format!(
                "The \"{label}\" querystring parameter \"{target}\" is not defined as a valid URL in \"Allowed Logout URLs\"."
            ),
        );
    }
    redirect_with(target, &[], fields.get("state").map(String::as_str))
}

/// A plain 302 to `target`.
pub(crate) fn redirect_to(target: &str) -> Response {
    redirect_with(target, &[], None)
}

fn redirect_with(target: &str, params: &[(&str, &str)], state: Option<&str>) -> Response {
    let location = match url::Url::parse(target) {
        Ok(mut url) => {
            {
                let mut pairs = url.query_pairs_mut();
                for (k, v) in params {
                    pairs.append_pair(k, v);
                }
                if let Some(state) = state {
                    pairs.append_pair("state", state);
                }
            }
            // An empty query added by `query_pairs_mut` is noise.
            if url.query() == Some("") {
                url.set_query(None);
            }
            url.to_string()
        }
        Err(_) => return error_page(400, "invalid_request", "Invalid redirect URL"),
    };
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::FOUND;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The authorize request's parameters as hidden form inputs, so a page's form carries them to
/// the next step of the login.
fn carried_inputs(request: &AuthorizeRequest) -> String {
    let mut hidden = String::new();
    for name in CARRIED {
        if let Some(value) = request.field(name) {
            let _ = write!(
                hidden,
                r#"<input type="hidden" name="{name}" value="{}">"#,
                escape(value)
            );
        }
    }
    hidden
}

/// The login form, a "Continue with <provider>" button per social connection enabled for the
/// client (a GET of `/authorize` naming the connection, as Auth0's buttons lead there), and the
/// sign-up form when allowed.
fn login_page(
    store: &Store,
    request: &AuthorizeRequest,
    allow_signup: bool,
    error: Option<(u16, &str)>,
) -> Response {
    let hidden = carried_inputs(request);
    let message = error.map_or_else(String::new, |(_, m)| {
        format!(r#"<p class="error" role="alert">{}</p>"#, escape(m))
    });
    let mut social = String::new();
    for button in social_login::buttons(store, &request.client_id) {
        let _ = write!(
            social,
            r#"<form method="get" action="/authorize" id="connection-{name}">{hidden}<input type="hidden" name="connection" value="{name}"><button type="submit">Continue with {provider}</button></form>"#,
            name = escape(&button.connection),
            provider = button.provider,
        );
    }
    let signup = if allow_signup {
        format!(
            r#"<h2>Sign up</h2><form method="post" action="/u/signup" id="signup">{hidden}<label>Email <input type="email" name="email" required></label><label>Password <input type="password" name="password" required></label><button type="submit">Sign up</button></form>"#
        )
    } else {
        String::new()
    };
    let page = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in</title></head><body><h1>Log in</h1>{message}<form method="post" action="/u/login" id="login">{hidden}<label>Email <input type="email" name="email" required></label><label>Password <input type="password" name="password" required></label><button type="submit">Continue</button></form>{social}{signup}</body></html>"#
    );
    text(
        error.map_or(200, |(status, _)| status),
        "text/html; charset=utf-8",
        &page,
    )
}

pub(crate) fn error_page(status: u16, error: &str, description: &str) -> Response {
    let page = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head><body><h1>Oops!, something went wrong</h1><p>{}</p><p>{}</p></body></html>"#,
        escape(error),
        escape(description)
    );
    text(status, "text/html; charset=utf-8", &page)
}

pub(crate) fn escape(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub(crate) fn text(status: u16, content_type: &'static str, body: &str) -> Response {
    let mut response = Response::new(Body::from(body.to_owned()));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn json(status: u16, body: &Value) -> Response {
    text(status, "application/json; charset=utf-8", &body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_and_keeps_state_in_redirects() {
        assert_eq!(
            escape(r#"<a href="x">'&"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
        let response = redirect_with("https://app.example/cb?x=1", &[("code", "c d")], Some("s"));
        assert_eq!(response.status(), 302);
        assert_eq!(
            response.headers()[header::LOCATION],
            "https://app.example/cb?x=1&code=c+d&state=s"
        );
    }
}
