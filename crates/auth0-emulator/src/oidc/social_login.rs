//! Social logins through Universal Login: a "Continue with Google" button for each
//! `google-oauth2` connection enabled for the client, and a local page standing in for Google
//! (no network) where the tester types the Google account's email and name. Its answer goes on
//! as Auth0 goes on after the provider's callback: the user is created in the connection on the
//! first login (a social connection cannot disable sign-ups), found again on later ones with
//! its profile refreshed from the provider, and the post-login Actions run as for database
//! users.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::{
    AuthorizeRequest, CARRIED, PendingLogin, Shared, begin_login, carried_inputs, check_client,
    enabled_for, escape, redirect_with, text,
};
use crate::routes::str_field;
use crate::routes::users::default_picture;
use crate::store::{Obj, Store, StoredUser, into_obj};

/// The emulator's page standing in for the provider's sign-in (not an Auth0 path).
pub(super) const PATH: &str = "/emulator/social-login";

/// The social providers the emulator stands in for: the strategy and the name its button shows.
const PROVIDERS: &[(&str, &str)] = &[("google-oauth2", "Google")];

/// Auth0's answer to `/authorize?connection=` naming a connection the client may not use.
const NOT_ENABLED: &str = "the connection is not enabled";

/// A login page button: the connection's name and the provider's.
pub(super) struct Button {
    pub connection: String,
    pub provider: &'static str,
}

fn provider_of(connection: &Obj) -> Option<&'static str> {
    let strategy = str_field(connection, "strategy")?;
    PROVIDERS
        .iter()
        .find(|(s, _)| *s == strategy)
        .map(|(_, provider)| *provider)
}

/// The social connections enabled for a client, in the tenant's order.
pub(super) fn buttons(store: &Store, client_id: &str) -> Vec<Button> {
    store
        .connections
        .values()
        .filter(|c| enabled_for(c, client_id))
        .filter_map(|c| {
            Some(Button {
                connection: str_field(c, "name")?.to_owned(),
                provider: provider_of(c)?,
            })
        })
        .collect()
}

/// The answer to `/authorize` naming a connection: the redirect to the provider for a social
/// one, the callback with Auth0's error when the client may not use it, or `None` for a
/// database one (its login page follows).
pub(super) fn authorize_with(
    store: &Store,
    request: &AuthorizeRequest,
    name: &str,
) -> Option<Response> {
    let Some(connection) = store
        .connection_by_name(name)
        .filter(|c| enabled_for(c, &request.client_id))
    else {
        return Some(not_enabled(request));
    };
    provider_of(connection)?;
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    for field in CARRIED {
        if let Some(value) = request.field(field) {
            pairs.append_pair(field, value);
        }
    }
    pairs.append_pair("connection", name);
    Some(super::redirect_to(&format!(
        "{}{PATH}?{}",
        store.domain,
        pairs.finish()
    )))
}

fn not_enabled(request: &AuthorizeRequest) -> Response {
    redirect_with(
        &request.redirect_uri,
        &[
            ("error", "invalid_request"),
            ("error_description", NOT_ENABLED),
        ],
        request.state.as_deref(),
    )
}

/// The social connection a stand-in request names, enabled for the client; otherwise the answer.
fn connection<'a>(
    store: &'a Store,
    request: &AuthorizeRequest,
    fields: &HashMap<String, String>,
) -> Result<(&'a Obj, &'static str), Box<Response>> {
    check_client(store, request)?;
    let name = fields.get("connection").map_or("", String::as_str);
    store
        .connection_by_name(name)
        .filter(|c| enabled_for(c, &request.client_id))
        .and_then(|c| Some((c, provider_of(c)?)))
        .ok_or_else(|| Box::new(not_enabled(request)))
}

/// `GET PATH`: the stand-in for the provider's sign-in page.
pub(super) fn page(shared: &Shared, fields: &HashMap<String, String>) -> Response {
    let request = AuthorizeRequest::from_fields(fields);
    let store = shared.store.lock().expect("store lock");
    match connection(&store, &request, fields) {
        Ok((connection, provider)) => stand_in_page(
            &request,
            str_field(connection, "name").unwrap_or_default(),
            provider,
            None,
        ),
        Err(answer) => *answer,
    }
}

/// `POST PATH`: the provider says who signed in. Creates the user on their first login or
/// refreshes them, then counts the login and gathers the Actions.
pub(super) fn sign_in(
    shared: &Shared,
    fields: &HashMap<String, String>,
    user_agent: &str,
) -> Result<PendingLogin, Box<Response>> {
    let request = AuthorizeRequest::from_fields(fields);
    let mut store = shared.store.lock().expect("store lock");
    let (connection, provider) = connection(&store, &request, fields)?;
    let connection = connection.clone();
    let connection_name = str_field(&connection, "name").unwrap_or_default();
    let email = fields.get("email").map_or("", |e| e.trim());
    if !is_email(email) {
        return Err(Box::new(stand_in_page(
            &request,
            connection_name,
            provider,
            Some("Enter the email address of the account."),
        )));
    }
    let account = Account {
        email,
        name: fields
            .get("name")
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .unwrap_or(email),
        email_verified: fields.get("email_verified").is_some_and(|v| v == "true"),
    };
    let Some(user_id) = signed_in(&mut store, &connection, &account) else {
        return Err(Box::new(redirect_with(
            &request.redirect_uri,
            &[
                ("error", "unauthorized"),
                ("error_description", "user is blocked"),
            ],
            request.state.as_deref(),
        )));
    };
    Ok(begin_login(
        shared, &mut store, request, user_id, user_agent,
    ))
}

/// What the provider says about the account that signed in.
struct Account<'a> {
    email: &'a str,
    name: &'a str,
    email_verified: bool,
}

fn is_email(text: &str) -> bool {
    text.split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// The provider's stable id of an account (Google's `sub` is 21 digits). The stand-in knows an
/// account by its email, so the id is derived from it: the same email is the same account.
fn provider_user_id(strategy: &str, email: &str) -> String {
    let digest = Sha256::digest(format!("{strategy}:{}", email.to_lowercase()).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    format!("1{:020}", u128::from_be_bytes(bytes) % 10u128.pow(20))
}

/// The user the account is in this tenant: created on the first login, refreshed from the
/// provider on later ones. `None` when an administrator blocked them.
fn signed_in(store: &mut Store, connection: &Obj, account: &Account<'_>) -> Option<String> {
    let strategy = str_field(connection, "strategy").unwrap_or_default();
    let local_id = provider_user_id(strategy, account.email);
    let user_id = format!("{strategy}|{local_id}");
    let stamp = crate::store::now();
    if let Some(user) = store.users.get_mut(&user_id) {
        if user.profile.get("blocked") == Some(&Value::Bool(true)) {
            return None;
        }
        refresh(&mut user.profile, connection, account, &stamp);
        return Some(user_id);
    }
    let nickname = account.email.split('@').next().unwrap_or_default();
    let profile = into_obj(json!({
        "created_at": stamp,
        "email": account.email,
        "email_verified": account.email_verified,
        "identities": [{
            "provider": strategy,
            "user_id": local_id,
            "connection": str_field(connection, "name"),
            "isSocial": true,
        }],
        "name": account.name,
        "nickname": nickname,
        "picture": default_picture(account.email, nickname),
        "updated_at": stamp,
        "user_id": user_id,
    }));
    store.users.insert(
        user_id.clone(),
        StoredUser {
            profile,
            password_hash: None,
        },
    );
    Some(user_id)
}

/// A later login brings the provider's profile again: the verification state always, the name
/// unless the connection's `set_user_root_attributes` keeps it from the first login.
fn refresh(profile: &mut Obj, connection: &Obj, account: &Account<'_>, stamp: &str) {
    profile.insert("email_verified".into(), json!(account.email_verified));
    let root_attributes = connection
        .get("options")
        .and_then(|o| o.get("set_user_root_attributes"))
        .and_then(Value::as_str)
        .unwrap_or("on_each_login");
    if root_attributes == "on_each_login" {
        profile.insert("name".into(), json!(account.name));
    }
    profile.insert("updated_at".into(), json!(stamp));
}

fn stand_in_page(
    request: &AuthorizeRequest,
    connection: &str,
    provider: &str,
    error: Option<&str>,
) -> Response {
    let mut hidden = carried_inputs(request);
    let _ = write!(
        hidden,
        r#"<input type="hidden" name="connection" value="{}">"#,
        escape(connection)
    );
    let message = error.map_or_else(String::new, |m| {
        format!(r#"<p class="error" role="alert">{}</p>"#, escape(m))
    });
    let page = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in with {provider}</title></head><body><h1>Sign in with {provider}</h1><p>The emulator stands in for {provider}: type the account that signs in.</p>{message}<form method="post" action="{PATH}" id="provider">{hidden}<label>Email <input type="email" name="email" required></label><label>Name <input type="text" name="name"></label><label><input type="checkbox" name="email_verified" value="true" checked> Email verified</label><button type="submit">Continue</button></form></body></html>"#
    );
    text(
        if error.is_some() { 400 } else { 200 },
        "text/html; charset=utf-8",
        &page,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_id_is_stable_per_email_and_shaped_like_google_s() {
        let id = provider_user_id("google-oauth2", "Ada@Example.com");
        assert_eq!(id, provider_user_id("google-oauth2", "ada@example.com"));
        assert_ne!(id, provider_user_id("google-oauth2", "bob@example.com"));
        assert_eq!(id.len(), 21);
        assert!(id.bytes().all(|b| b.is_ascii_digit()), "{id}");
    }

    #[test]
    fn an_email_needs_a_local_part_and_a_domain() {
        assert!(is_email("ada@example.com"));
        for bad in ["", "ada", "@example.com", "ada@localhost"] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
