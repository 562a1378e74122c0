//! Client grants (`/client-grants`): which application may call which API with which scopes.

use serde_json::{Value, json};

use super::client::ManagementClient;
use super::error::ApiError;
use super::pagination::Totals;

/// Filters of the grant list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantFilter {
    pub client_id: Option<String>,
    pub audience: Option<String>,
}

impl ManagementClient {
    /// Every grant matching the filter (system grants included; they carry `is_system: true`).
    pub async fn list_client_grants(&self, filter: &GrantFilter) -> Result<Vec<Value>, ApiError> {
        let mut query = Vec::new();
        if let Some(audience) = &filter.audience {
            query.push(("audience", audience.clone()));
        }
        if let Some(client_id) = &filter.client_id {
            query.push(("client_id", client_id.clone()));
        }
        self.list_offset(
            &["client-grants"],
            "client_grants",
            &query,
            Totals::Requested,
        )
        .await
    }

    /// `{client_id, audience, scope: [...]}`.
    pub async fn create_client_grant(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["client-grants"], body).await
    }

    /// Replaces the grant's scopes (the only field a PATCH may change).
    pub async fn update_client_grant_scope(
        &self,
        grant_id: &str,
        scope: &[String],
    ) -> Result<Value, ApiError> {
        self.patch(&["client-grants", grant_id], &json!({ "scope": scope }))
            .await
    }

    /// Deleting a grant that is already gone succeeds (Auth0 answers 204).
    pub async fn delete_client_grant(&self, grant_id: &str) -> Result<(), ApiError> {
        self.delete(&["client-grants", grant_id]).await.map(drop)
    }
}
