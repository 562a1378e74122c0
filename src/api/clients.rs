//! Applications (`/clients`).

use serde_json::Value;

use super::client::ManagementClient;
use super::error::ApiError;
use super::pagination::Totals;

/// Which fields a client list or read returns (`fields` + `include_fields`), so a plan can skip
/// heavy ones such as `signing_keys`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FieldSelection {
    #[default]
    All,
    Include(Vec<String>),
}

impl FieldSelection {
    pub fn include<I: IntoIterator<Item = S>, S: Into<String>>(fields: I) -> Self {
        Self::Include(fields.into_iter().map(Into::into).collect())
    }

    pub(crate) fn query(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::All => Vec::new(),
            Self::Include(fields) => vec![
                ("fields", fields.join(",")),
                ("include_fields", "true".to_owned()),
            ],
        }
    }
}

impl ManagementClient {
    /// Every client of the tenant (the global client and tenantform's own M2M client included:
    /// telling managed from unmanaged is the caller's job).
    pub async fn list_clients(&self, fields: &FieldSelection) -> Result<Vec<Value>, ApiError> {
        self.list_offset(&["clients"], "clients", &fields.query(), Totals::Requested)
            .await
    }

    pub async fn get_client(
        &self,
        client_id: &str,
        fields: &FieldSelection,
    ) -> Result<Value, ApiError> {
        self.get(&["clients", client_id], &fields.query()).await
    }

    /// Creates a client; the answer holds its `client_id` and `client_secret`.
    pub async fn create_client(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["clients"], body).await
    }

    /// PATCH replaces every array it names (`callbacks`, `grant_types`, …).
    pub async fn update_client(&self, client_id: &str, body: &Value) -> Result<Value, ApiError> {
        self.patch(&["clients", client_id], body).await
    }

    pub async fn delete_client(&self, client_id: &str) -> Result<(), ApiError> {
        self.delete(&["clients", client_id]).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_selection_becomes_query_pairs() {
        assert!(FieldSelection::All.query().is_empty());
        assert_eq!(
            FieldSelection::include(["client_id", "name"]).query(),
            vec![
                ("fields", "client_id,name".to_owned()),
                ("include_fields", "true".to_owned())
            ]
        );
    }
}
