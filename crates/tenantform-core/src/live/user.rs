//! Users (`GET /users-by-email`).

use serde_json::Value;

use super::error::NormalizeError;
use super::json::required_str;
use super::snapshot::LiveUser;

pub fn normalize_user(body: &Value) -> Result<LiveUser, NormalizeError> {
    let connection = body
        .get("identities")
        .and_then(Value::as_array)
        .and_then(|ids| ids.first())
        .and_then(|identity| identity.get("connection"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(LiveUser {
        user_id: required_str(body, "user_id", "user")?,
        email: required_str(body, "email", "user")?,
        connection,
        // Auth0 removes `app_metadata` entirely when it becomes empty.
        app_metadata: body
            .get("app_metadata")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;

    #[test]
    fn user_with_app_metadata() {
        let user = normalize_user(&response("TestTicketManager_ChangePassword.yaml", 0)).unwrap();
        assert_eq!(user.user_id, "auth0|63d17c3f13efda064d3ac6d1");
        assert_eq!(user.email, "chuck407@example.com");
        assert_eq!(user.connection, "Username-Password-Authentication");
        assert!(user.app_metadata["facts"].is_array());
    }

    #[test]
    fn user_without_app_metadata() {
        let user = normalize_user(&response("TestAccUser.yaml", 1)).unwrap();
        assert!(user.app_metadata.is_empty());
    }
}
