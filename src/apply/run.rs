//! The state of one apply run, shared by the per-kind steps: the client, the client ids learned
//! on the way, and the password-change tickets to hand over.

use std::collections::HashMap;

use anyhow::{Context as _, anyhow};
use serde_json::Value;

use super::applications;
use super::create::Created;
use super::report::Ticket;
use crate::api::{ApiError, ManagementClient};

pub(super) struct Run<'a> {
    pub client: &'a ManagementClient,
    /// Display name -> client_id, from the live list and from creates in this run.
    client_ids: HashMap<String, String>,
    /// Tickets of users created by the current change, drained after it.
    pub tickets: Vec<Ticket>,
}

impl<'a> Run<'a> {
    /// A run that knows the client ids of `clients` (`GET /clients` bodies).
    pub fn new(client: &'a ManagementClient, clients: &[Value]) -> Self {
        let mut client_ids = HashMap::new();
        for live in clients {
            if let (Some(id), Some(name)) = (
                live.get("client_id").and_then(Value::as_str),
                live.get("name").and_then(Value::as_str),
            ) {
                client_ids
                    .entry(name.to_owned())
                    .or_insert_with(|| id.to_owned());
            }
        }
        Self {
            client,
            client_ids,
            tickets: Vec::new(),
        }
    }

    /// Remembers the client_id of an application created in this run.
    pub fn created_client(&mut self, name: &str, id: String) {
        self.client_ids.insert(name.to_owned(), id);
    }

    /// The client_id of the application with this display name: `live_id` when the plan has
    /// it, else what this run knows, else looked up.
    pub async fn client_id(&mut self, live_id: Option<&str>, name: &str) -> anyhow::Result<String> {
        if let Some(id) = live_id {
            return Ok(id.to_owned());
        }
        if let Some(id) = self.client_ids.get(name) {
            return Ok(id.clone());
        }
        let found = applications::find(self.client, name)
            .await?
            .with_context(|| format!("no application named `{name}` exists in the tenant"))?;
        let id = id_of(&found, "client_id")?;
        self.client_ids.insert(name.to_owned(), id.clone());
        Ok(id)
    }
}

/// The id under `key` in an Auth0 answer.
/// A string field of a response body, empty when absent.
pub(super) fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

pub(super) fn id_of(body: &Value, key: &str) -> anyhow::Result<String> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("the answer has no `{key}`"))
}

/// The detail of a create that found its resource already there.
pub(super) fn adopted(created: &Created) -> Option<String> {
    created
        .adopted
        .then(|| "found it already created (an earlier answer was lost); adopted it".to_owned())
}

/// The live id of an existing resource: the plan's, else looked up (`what` names it in the
/// error when it is gone).
pub(super) async fn existing_id(
    live_id: Option<&String>,
    lookup: impl AsyncFnOnce() -> Result<Option<Value>, ApiError>,
    key: &str,
    what: &str,
) -> anyhow::Result<String> {
    match live_id {
        Some(id) => Ok(id.clone()),
        None => id_of(
            &lookup()
                .await?
                .with_context(|| format!("the {what} no longer exists"))?,
            key,
        ),
    }
}
