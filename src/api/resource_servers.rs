//! APIs (`/resource-servers`): the custom APIs a tenant file declares, Auth0's system API, and
//! the apply lock (`apply/lock.rs`), which the normalizer leaves out.

use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;
use super::pagination::Totals;

impl ManagementClient {
    /// Every API, in one paged list (the endpoint takes no `fields=`).
    pub async fn list_resource_servers(&self) -> Result<Vec<Value>, ApiError> {
        self.list_offset(
            &["resource-servers"],
            "resource_servers",
            &[],
            Totals::Requested,
        )
        .await
    }

    /// The API with this identifier (Auth0 addresses an API by id or identifier), if any.
    pub async fn find_resource_server(&self, identifier: &str) -> Result<Option<Value>, ApiError> {
        self.get_optional(&["resource-servers", identifier], &[])
            .await
    }

    pub async fn create_resource_server(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["resource-servers"], body).await
    }

    /// `PATCH` by id; `identifier` cannot be sent.
    pub async fn update_resource_server(&self, id: &str, body: &Value) -> Result<Value, ApiError> {
        self.patch(&["resource-servers", id], body).await
    }

    /// Deletes the API and, in Auth0, every grant to it (204; 204 too when already gone).
    pub async fn delete_resource_server(&self, id: &str) -> Result<(), ApiError> {
        self.delete(&["resource-servers", id]).await.map(drop)
    }
}
