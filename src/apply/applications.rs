//! Applications (`/clients`): created with every declared field, or PATCHed with the changed
//! top-level fields; found by display name.

use serde_json::Value;

use super::bodies;
use super::create::create_once;
use super::lock;
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
        let created_id = id_of(&created.body, "client_id")?;
        let (id, detail) = if created.adopted {
            (created_id.clone(), adopted(&created))
        } else if lock::held() {
            // Runs that take the lock do not create at the same time: no same-named copy to
            // settle, and no list of every client read after each create.
            (created_id.clone(), None)
        } else {
            match keep_one(client, name, &created_id).await? {
                Some(settled) => (settled.kept, Some(settled.detail)),
                None => (created_id.clone(), None),
            }
        };
        // Found rather than created, or another run's kept: make it match the file.
        if created.adopted || id != created_id {
            let mut patch = body.clone();
            if let Some(fields) = patch.as_object_mut() {
                fields.remove("name");
            }
            client.update_client(&id, &patch).await?;
        }
        run.created_client(name, id);
        Ok(detail)
    } else {
        let id = run.client_id(change.live_id.as_deref(), name).await?;
        let body = bodies::application_patch(application, &change.fields);
        client.update_client(&id, &body).await?;
        Ok(None)
    }
}

/// What [`keep_one`] decided.
struct Settled {
    /// The client_id every run keeps.
    kept: String,
    detail: String,
}

/// The deterministic rule after a create, for a same-named application another run created at
/// the same time (a run without the apply lock, `--lock=false`, or one whose lock lapsed):
/// every run keeps the lowest client_id, and deletes only the application it created itself
/// (`ours`, created moments ago: nothing refers to it yet). So at least one always survives,
/// and when the runs' checks see each other's create, exactly one does. A run that checked
/// before the other created cannot see it: then both stay, the verifying plan refuses them,
/// and `apply --resolve-duplicates` keeps the same lowest client_id. `None` when `ours` is
/// alone.
async fn keep_one(
    client: &ManagementClient,
    name: &str,
    ours: &str,
) -> Result<Option<Settled>, ApiError> {
    let mut same: Vec<String> = client
        .list_clients(&FieldSelection::include(["client_id", "name"]))
        .await?
        .into_iter()
        .filter(|c| c.get("name").and_then(Value::as_str) == Some(name))
        .filter_map(|c| {
            c.get("client_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .filter(|id| id != ours)
        .collect();
    if same.is_empty() {
        return Ok(None);
    }
    same.sort();
    let lowest = same[0].clone();
    if *ours < *lowest {
        return Ok(Some(Settled {
            kept: ours.to_owned(),
            detail: format!(
                "another application named `{name}` appeared meanwhile ({}): every run keeps the lowest client_id, this run's {ours}",
                same.join(", ")
            ),
        }));
    }
    match client.delete_client(ours).await {
        Err(error) if !error.is_not_found() => return Err(error),
        _ => {}
    }
    Ok(Some(Settled {
        detail: format!(
            "another run created `{name}` at the same time: kept {lowest} (the lowest client_id) and deleted the one this run created ({ours})"
        ),
        kept: lowest,
    }))
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
