//! Users (`/users`, `/users-by-email`) and password-change tickets.

use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;

impl ManagementClient {
    /// Every user with this email (one per connection at most). The match is case-sensitive:
    /// ask for a database user as Auth0 stores it (`auth0_wire::user::stored_email`).
    pub async fn users_by_email(&self, email: &str) -> Result<Vec<Value>, ApiError> {
        match self
            .get(&["users-by-email"], &[("email", email.to_owned())])
            .await?
        {
            Value::Array(users) => Ok(users),
            Value::Null => Ok(Vec::new()),
            other => Err(ApiError::Unexpected {
                request: super::RequestLine {
                    method: reqwest::Method::GET,
                    path: "/api/v2/users-by-email".into(),
                },
                detail: format!("expected an array of users, got {}", kind(&other)),
            }),
        }
    }

    /// `{connection, email, password, email_verified, verify_email, app_metadata}`.
    pub async fn create_user(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["users"], body).await
    }

    /// `app_metadata` merges key by key (`null` deletes a key).
    pub async fn update_user(&self, user_id: &str, body: &Value) -> Result<Value, ApiError> {
        self.patch(&["users", user_id], body).await
    }

    /// `{user_id, result_url?, ttl_sec?, mark_email_as_verified?}` → `{"ticket": url}`.
    pub async fn create_password_change_ticket(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["tickets", "password-change"], body).await
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
