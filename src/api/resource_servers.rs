//! Resource servers (APIs), read to find audiences and their scopes.

use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;
use super::pagination::Totals;

impl ManagementClient {
    /// The API with this identifier (its audience URL, used as the path segment), or `None`.
    pub async fn get_resource_server(&self, identifier: &str) -> Result<Option<Value>, ApiError> {
        self.get_optional(&["resource-servers", identifier], &[])
            .await
    }

    /// Every API of the tenant, the system Management API included.
    pub async fn list_resource_servers(&self) -> Result<Vec<Value>, ApiError> {
        self.list_offset(
            &["resource-servers"],
            "resource_servers",
            &[],
            Totals::Requested,
        )
        .await
    }
}
