//! Connections (`/connections`, database and social) and the applications enabled on them
//! (`/connections/{id}/clients`): created (a replace deletes the old one first), or their
//! options merged into the live ones; found by name the way planning finds them.

use serde_json::{Value, json};

use super::bodies;
use super::create::create_once;
use super::run::{Run, adopted, existing_id, id_of};
use super::secrets::require;
use crate::api::read_tenant::read_tenant;
use crate::api::{ApiError, ManagementClient};
use auth0_wire::Secret;
use tenantform_core::live::ReadSet;
use tenantform_core::model::DatabaseConnection;
use tenantform_core::model::wire;
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
            let body = bodies::connection_create(connection, &name, client_secret(connection)?);
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
                let live_options = live
                    .get("options")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                let options =
                    wire::connection_options(connection, &live_options, client_secret(connection)?);
                let body = json!({ "options": options });
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

/// A social connection's client secret with its value, for the options a request sends.
fn client_secret(connection: &DatabaseConnection) -> anyhow::Result<Option<Secret>> {
    let Some(secret) = &connection.client_secret else {
        return Ok(None);
    };
    require([secret])?;
    Ok(secret.expose().map(Secret::new))
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
