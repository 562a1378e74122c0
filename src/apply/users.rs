//! Bootstrap users (`/users`): created with a random password nobody sees and handed over
//! through a password-change ticket, or their `app_metadata` keys merged; found by email.

use rand::Rng as _;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value, json};

use super::create::{create_once, outcome_unknown};
use super::report::Ticket;
use super::run::{Run, adopted, existing_id, id_of};
use crate::api::{ApiError, ManagementClient};
use tenantform_core::plan::{Change, ChangeAction};

/// What the plan says about one user.
pub(super) struct User<'a> {
    pub email: &'a str,
    /// The Auth0 connection name.
    pub connection: &'a str,
    pub name: Option<&'a str>,
    pub email_verified: Option<bool>,
    pub app_metadata: &'a Map<String, Value>,
}

pub(super) async fn apply(
    run: &mut Run<'_>,
    change: &Change,
    user: User<'_>,
) -> anyhow::Result<Option<String>> {
    if matches!(change.action, ChangeAction::Create | ChangeAction::Replace) {
        return create(run, &user).await;
    }
    let client = run.client;
    let id = existing_id(
        change.live_id.as_ref(),
        async || find(client, user.email).await,
        "user_id",
        "user",
    )
    .await?;
    client
        .update_user(&id, &json!({ "app_metadata": user.app_metadata }))
        .await?;
    Ok(None)
}

async fn create(run: &mut Run<'_>, user: &User<'_>) -> anyhow::Result<Option<String>> {
    let client = run.client;
    // Auth0 requires a password for database users. Nobody ever sees this one: the admin
    // sets their own through the password-change ticket below.
    let password = random_password();
    let body = create_body(user, &password);
    let created = create_once(
        async || client.create_user(&body).await,
        async || find(client, user.email).await,
    )
    .await?;
    drop(body);
    let user_id = id_of(&created.body, "user_id")?;
    let ticket_body =
        json!({"user_id": user_id, "mark_email_as_verified": user.email_verified.unwrap_or(false)});
    let mut attempt = 0;
    let ticket = loop {
        attempt += 1;
        match client.create_password_change_ticket(&ticket_body).await {
            Ok(answer) => break answer,
            // Another ticket is harmless; a lost answer is retried.
            Err(error) if outcome_unknown(&error) && attempt < 4 => {}
            Err(error) => {
                return Err(anyhow::Error::new(error)
                    .context("created the user, but could not create a password-change ticket"));
            }
        }
    };
    run.tickets.push(Ticket {
        email: user.email.to_owned(),
        url: id_of(&ticket, "ticket")?,
    });
    Ok(adopted(&created))
}

/// `POST /users` (no verification email: the ticket replaces it).
fn create_body(user: &User<'_>, password: &SecretString) -> Value {
    let mut body = json!({
        "connection": user.connection,
        "email": user.email,
        "password": password.expose_secret(),
        "verify_email": false,
        "app_metadata": user.app_metadata,
    });
    if let Some(verified) = user.email_verified {
        body["email_verified"] = json!(verified);
    }
    if let Some(name) = user.name {
        body["name"] = json!(name);
    }
    body
}

/// The user with this email, asked for as Auth0 stores it (the lookup matches that case only).
async fn find(client: &ManagementClient, email: &str) -> Result<Option<Value>, ApiError> {
    Ok(client
        .users_by_email(&auth0_wire::user::stored_email(email))
        .await?
        .into_iter()
        .next())
}

/// 48 random characters from every class Auth0's password policies ask for.
fn random_password() -> SecretString {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%^&*-_=+";
    let mut rng = rand::rng();
    let mut password: String = (0..44)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect();
    password.push_str("aZ7!");
    SecretString::from(password)
}
