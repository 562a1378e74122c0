//! Tenant settings (`/tenants/settings`), including `flags.enable_client_connections`.

use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;

impl ManagementClient {
    pub async fn get_tenant_settings(&self) -> Result<Value, ApiError> {
        self.get(&["tenants", "settings"], &[]).await
    }

    /// Returns the full settings after the change; `null` resets a field.
    pub async fn update_tenant_settings(&self, body: &Value) -> Result<Value, ApiError> {
        self.patch(&["tenants", "settings"], body).await
    }
}
