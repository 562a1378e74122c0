//! Applications (`/clients`): created with every declared field, or PATCHed with the changed
//! top-level fields; found by display name.

use serde_json::Value;

use super::bodies;
use super::create::create_once;
use super::run::{Run, adopted, id_of};
use crate::api::{ApiError, FieldSelection, ManagementClient};
use tenantform_core::model::Application;
use tenantform_core::plan::{Change, ChangeAction};

pub(super) async fn apply(
    run: &mut Run<'_>,
    change: &Change,
    application: &Application,
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let name = &change.address.name;
    if matches!(change.action, ChangeAction::Create | ChangeAction::Replace) {
        let body = bodies::application_create(application);
        let created = create_once(
            async || client.create_client(&body).await,
            async || find(client, name).await,
        )
        .await?;
        let id = id_of(&created.body, "client_id")?;
        if created.adopted {
            let mut patch = body.clone();
            if let Some(fields) = patch.as_object_mut() {
                fields.remove("name");
            }
            client.update_client(&id, &patch).await?;
        }
        run.created_client(name, id);
        Ok(adopted(&created))
    } else {
        let id = run.client_id(change.live_id.as_deref(), name).await?;
        let body = bodies::application_patch(application, &change.fields);
        client.update_client(&id, &body).await?;
        Ok(None)
    }
}

/// The application with this display name (`client_id` and `name` only).
pub(super) async fn find(client: &ManagementClient, name: &str) -> Result<Option<Value>, ApiError> {
    let clients = client
        .list_clients(&FieldSelection::include(["client_id", "name"]))
        .await?;
    Ok(clients
        .into_iter()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name)))
}
