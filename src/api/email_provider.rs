//! The email provider singleton (`/emails/provider`). Its secrets are never returned.

use auth0_wire::EmailProvider;
use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;

impl ManagementClient {
    /// The provider, or `None` when none is configured (404).
    pub async fn get_email_provider(&self) -> Result<Option<Value>, ApiError> {
        let query = [
            // The wire provider's fields: Auth0 returns credentials and settings only when
            // they are named.
            ("fields", EmailProvider::fields().join(",")),
            ("include_fields", "true".to_owned()),
        ];
        self.get_optional(&["emails", "provider"], &query).await
    }

    pub async fn create_email_provider(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["emails", "provider"], body).await
    }

    pub async fn update_email_provider(&self, body: &Value) -> Result<Value, ApiError> {
        self.patch(&["emails", "provider"], body).await
    }
}
