//! Database connections (`/connections`) and the applications enabled on them
//! (`/connections/{id}/clients`): created (a replace deletes the old one first), or their
//! options merged into the live ones; found by name the way planning finds them.

use serde_json::{Value, json};

use super::bodies;
use super::create::create_once;
use super::run::{Run, adopted, existing_id, id_of};
use crate::api::read_tenant::read_tenant;
use crate::api::{ApiError, ManagementClient};
use tenantform_core::live::{ReadSet, merge_options};
use tenantform_core::model::DatabaseConnection;
use tenantform_core::plan::{Change, ChangeAction, ClientEnablement};

pub(super) async fn apply(
    run: &mut Run<'_>,
    change: &Change,
    connection: &DatabaseConnection,
    enabled: Option<&[ClientEnablement]>,
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let name = connection
        .name
        .clone()
        .unwrap_or_else(|| change.address.name.clone());
    let mut detail = None;
    let id = match change.action {
        ChangeAction::Create | ChangeAction::Replace => {
            if change.action == ChangeAction::Replace
                && let Some(old) = &change.live_id
            {
                client.delete_connection(old).await?;
            }
            let body = bodies::connection_create(connection, &name);
            let created = create_once(
                async || client.create_connection(&body).await,
                async || find(client, &name).await,
            )
            .await?;
            detail = adopted(&created);
            id_of(&created.body, "id")?
        }
        _ => {
            let id = existing_id(
                change.live_id.as_ref(),
                async || find(client, &name).await,
                "id",
                "connection",
            )
            .await?;
            if change.fields.iter().any(|f| f.path.starts_with("options.")) {
                // PATCH replaces `options` whole: merge into what is live right now.
                let live = client.get_connection(&id).await?;
                let body = options_patch(live.get("options").unwrap_or(&Value::Null), connection);
                client.update_connection(&id, &body).await?;
            }
            id
        }
    };
    let enablement_changed = change.action != ChangeAction::Update
        || change
            .fields
            .iter()
            .any(|f| f.path == "enabled_applications");
    if let Some(enabled) = enabled
        && enablement_changed
    {
        set_enabled_clients(run, change, &id, enabled).await?;
    }
    Ok(detail)
}

/// `PATCH /connections/{id}/clients` for the applications whose enablement is declared.
async fn set_enabled_clients(
    run: &mut Run<'_>,
    change: &Change,
    id: &str,
    enabled: &[ClientEnablement],
) -> anyhow::Result<()> {
    let mut changes = Vec::new();
    for entry in enabled {
        // A new connection starts enabled for nobody: only enabling is a change.
        if entry.enabled || change.action == ChangeAction::Update {
            changes.push((
                run.client_id(None, &entry.application).await?,
                entry.enabled,
            ));
        }
    }
    if !changes.is_empty() {
        run.client.set_enabled_clients(id, &changes).await?;
    }
    Ok(())
}

/// `PATCH /connections/{id}`: the declared options merged into the live ones.
fn options_patch(live_options: &Value, connection: &DatabaseConnection) -> Value {
    json!({ "options": merge_options(live_options, connection) })
}

/// The connection named `name`: the reader's lookup, as planning makes it.
async fn find(client: &ManagementClient, name: &str) -> Result<Option<Value>, ApiError> {
    let reads = ReadSet {
        connections: vec![name.to_owned()],
        ..ReadSet::default()
    };
    let found = read_tenant(client, &reads).await?;
    Ok(found
        .connections
        .into_iter()
        .next()
        .map(|raw| raw.connection))
}
