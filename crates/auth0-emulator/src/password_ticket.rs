//! The page behind a password-change ticket URL (`/u/reset-password?ticket=...`): what an
//! invited user opens from their email to set a password, as on Auth0's Universal Login.

use std::collections::HashMap;

use axum::response::Response;
use serde_json::{Value, json};

use super::oidc::{error_page, escape, redirect_to, text};
use super::password_policy;
use super::server::Shared;

/// Auth0 asks for at least this many characters under the `good` policy and above.
const MIN_PASSWORD_LENGTH: usize = 8;

pub fn form(shared: &Shared, fields: &HashMap<String, String>) -> Response {
    let ticket = fields.get("ticket").map(String::as_str).unwrap_or_default();
    if let Err(page) = valid_ticket(shared, ticket) {
        return *page;
    }
    page(ticket, None, 200)
}

pub fn submit(shared: &Shared, fields: &HashMap<String, String>) -> Response {
    let ticket_id = fields.get("ticket").map(String::as_str).unwrap_or_default();
    if let Err(page) = valid_ticket(shared, ticket_id) {
        return *page;
    }
    let password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    let confirm = fields
        .get("confirm_password")
        .map_or(password, String::as_str);
    if password.chars().count() < MIN_PASSWORD_LENGTH {
        return page(
            ticket_id,
            Some("Your password must be at least 8 characters long."),
            400,
        );
    }
    if password != confirm {
        return page(ticket_id, Some("The passwords do not match."), 400);
    }
    let mut store = shared.store.lock().expect("store lock");
    // The page holds the new password to the user's connection policy, as the API does.
    let connection = store
        .password_tickets
        .get(ticket_id)
        .and_then(|ticket| store.users.get(&ticket.user_id))
        .and_then(|user| user.profile.get("identities"))
        .and_then(|identities| identities.pointer("/0/connection"))
        .and_then(Value::as_str)
        .and_then(|name| store.connection_by_name(name));
    if password_policy::check(password_policy::options_of(connection), password).is_err() {
        drop(store);
        return page(
            ticket_id,
            Some("Password is too weak: it does not meet the connection's password policy."),
            400,
        );
    }
    let Some(ticket) = store.password_tickets.shift_remove(ticket_id) else {
        return expired();
    };
    let Some(user) = store.users.get_mut(&ticket.user_id) else {
        return expired();
    };
    user.password_hash = Some(super::routes::users::hash_password(password));
    if ticket.mark_email_as_verified {
        user.profile.insert("email_verified".into(), json!(true));
    }
    user.profile
        .insert("last_password_reset".into(), json!(super::store::now()));
    drop(store);
    match ticket.result_url.filter(|url| url.starts_with("http")) {
        Some(url) => redirect_to(&url),
        None => text(
            200,
            "text/html; charset=utf-8",
            r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Password changed</title></head><body><h1>Password changed</h1><p>You can now log in with your new password.</p></body></html>"#,
        ),
    }
}

fn valid_ticket(shared: &Shared, ticket: &str) -> Result<(), Box<Response>> {
    let store = shared.store.lock().expect("store lock");
    let now = store.now_ms() / 1000;
    match store.password_tickets.get(ticket) {
        Some(found) if found.expires_at > now => Ok(()),
        _ => Err(Box::new(expired())),
    }
}

fn expired() -> Response {
    error_page(
        400,
        "invalid_request",
        "This ticket was already used or it expired. Ask for a new password reset.",
    )
}

fn page(ticket: &str, error: Option<&str>, status: u16) -> Response {
    let message = error.map_or_else(String::new, |m| {
        format!(r#"<p class="error" role="alert">{}</p>"#, escape(m))
    });
    let body = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Change your password</title></head><body><h1>Change your password</h1>{message}<form method="post" action="/u/reset-password" id="reset-password"><input type="hidden" name="ticket" value="{}"><label>New password <input type="password" name="password" required minlength="{MIN_PASSWORD_LENGTH}"></label><label>Confirm new password <input type="password" name="confirm_password" required></label><button type="submit">Reset password</button></form></body></html>"#,
        escape(ticket)
    );
    text(status, "text/html; charset=utf-8", &body)
}
