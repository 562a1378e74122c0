//! Connections (`/connections`) and the applications enabled on them
//! (`/connections/{id}/clients`; the `enabled_clients` field is deprecated).

use serde_json::{Value, json};

use super::client::ManagementClient;
use super::error::ApiError;
use super::pagination::Totals;

/// Auth0 accepts at most this many changes per `PATCH /connections/{id}/clients`.
pub const ENABLED_CLIENTS_CHUNK: usize = 50;

/// Filters of the connection list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionFilter {
    /// e.g. `auth0` for database connections; several comma-separated (sent as repeated
    /// `strategy=` parameters, Auth0's array form).
    pub strategy: Option<String>,
    pub name: Option<String>,
}

impl ManagementClient {
    pub async fn list_connections(
        &self,
        filter: &ConnectionFilter,
    ) -> Result<Vec<Value>, ApiError> {
        let mut query = Vec::new();
        for strategy in filter.strategy.iter().flat_map(|list| list.split(',')) {
            query.push(("strategy", strategy.to_owned()));
        }
        if let Some(name) = &filter.name {
            query.push(("name", name.clone()));
        }
        self.list_offset(&["connections"], "connections", &query, Totals::Requested)
            .await
    }

    pub async fn get_connection(&self, connection_id: &str) -> Result<Value, ApiError> {
        self.get(&["connections", connection_id], &[]).await
    }

    pub async fn create_connection(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["connections"], body).await
    }

    /// PATCH replaces the whole `options` object: send it complete.
    pub async fn update_connection(
        &self,
        connection_id: &str,
        body: &Value,
    ) -> Result<Value, ApiError> {
        self.patch(&["connections", connection_id], body).await
    }

    /// Deletes the connection and every user in it (202 `{"deleted_at"}`; 204 when already gone).
    pub async fn delete_connection(&self, connection_id: &str) -> Result<(), ApiError> {
        self.delete(&["connections", connection_id]).await.map(drop)
    }

    /// The client ids enabled on the connection.
    pub async fn enabled_clients(&self, connection_id: &str) -> Result<Vec<String>, ApiError> {
        let clients = self
            .list_checkpoint(&["connections", connection_id, "clients"], "clients", &[])
            .await?;
        Ok(clients
            .iter()
            .filter_map(|c| {
                c.get("client_id")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect())
    }

    /// Enables (`true`) or disables (`false`) clients on the connection, 50 per request.
    pub async fn set_enabled_clients(
        &self,
        connection_id: &str,
        changes: &[(String, bool)],
    ) -> Result<(), ApiError> {
        for chunk in changes.chunks(ENABLED_CLIENTS_CHUNK) {
            let body: Vec<Value> = chunk
                .iter()
                .map(|(client_id, status)| json!({"client_id": client_id, "status": status}))
                .collect();
            self.patch(
                &["connections", connection_id, "clients"],
                &Value::Array(body),
            )
            .await?;
        }
        Ok(())
    }
}
