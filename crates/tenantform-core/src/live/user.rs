//! Users (`GET /users-by-email`).

use auth0_wire::User;
use serde_json::Value;

use super::error::NormalizeError;
use super::json::{required, wire};
use super::snapshot::LiveUser;

pub fn normalize_user(body: &Value) -> Result<LiveUser, NormalizeError> {
    const KIND: &str = "user";
    let user: User = wire(body, KIND)?;
    Ok(LiveUser {
        connection: user.connection().unwrap_or_default().to_owned(),
        user_id: required(user.user_id, "user_id", KIND)?,
        email: required(user.email, "email", KIND)?,
        // Auth0 removes `app_metadata` entirely when it becomes empty.
        app_metadata: user.app_metadata.unwrap_or_default(),
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
