//! Deletes of resources listed under `removed:` (the plan carries their live ids).

use anyhow::{anyhow, bail};

use super::run::Run;
use tenantform_core::plan::{Change, Kind};

pub(super) async fn delete(run: &Run<'_>, change: &Change) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let id = change
        .live_id
        .as_deref()
        .ok_or_else(|| anyhow!("the plan has no id to delete"))?;
    let result = match change.address.kind {
        Kind::Application => client.delete_client(id).await,
        Kind::Grant => client.delete_client_grant(id).await,
        Kind::Api => client.delete_resource_server(id).await,
        Kind::Connection => client.delete_connection(id).await,
        Kind::Action => client.delete_action(id).await,
        other => bail!("tenantform does not delete {}", other.as_str()),
    };
    match result {
        // Already gone (a retried delete whose first answer was lost).
        Err(error) if error.is_not_found() => Ok(Some("was already gone".into())),
        other => other.map(|()| None).map_err(Into::into),
    }
}
