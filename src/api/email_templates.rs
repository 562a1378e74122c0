//! Email templates (`/email-templates/{name}`). They cannot be deleted, only disabled.

use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;

impl ManagementClient {
    /// The template, or `None` when it was never configured (404).
    pub async fn get_email_template(&self, template_name: &str) -> Result<Option<Value>, ApiError> {
        self.get_optional(&["email-templates", template_name], &[])
            .await
    }

    /// Creates a template (409 when it exists: patch it instead).
    pub async fn create_email_template(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["email-templates"], body).await
    }

    pub async fn update_email_template(
        &self,
        template_name: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        self.patch(&["email-templates", template_name], body).await
    }
}
