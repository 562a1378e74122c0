//! Client grants (`/client-grants`): created for the application's client_id, or their scopes
//! PATCHed (a grant's client and audience never change); found by client and audience.

use serde_json::{Value, json};

use super::create::create_once;
use super::run::{Run, adopted, existing_id, id_of};
use crate::api::{ApiError, GrantFilter, ManagementClient};
use tenantform_core::plan::{Change, ChangeAction};

pub(super) async fn apply(
    run: &mut Run<'_>,
    change: &Change,
    application: &str,
    audience: &str,
    scopes: &[String],
) -> anyhow::Result<Option<String>> {
    let client = run.client;
    let client_id = run.client_id(None, application).await?;
    if matches!(change.action, ChangeAction::Create | ChangeAction::Replace) {
        let body = create_body(&client_id, audience, scopes);
        let created = create_once(
            async || client.create_client_grant(&body).await,
            async || find(client, &client_id, audience).await,
        )
        .await?;
        if created.adopted {
            let id = id_of(&created.body, "id")?;
            client.update_client_grant_scope(&id, scopes).await?;
        }
        Ok(adopted(&created))
    } else {
        let id = existing_id(
            change.live_id.as_ref(),
            async || find(client, &client_id, audience).await,
            "id",
            "grant",
        )
        .await?;
        client.update_client_grant_scope(&id, scopes).await?;
        Ok(None)
    }
}

/// `POST /client-grants`.
fn create_body(client_id: &str, audience: &str, scopes: &[String]) -> Value {
    json!({"client_id": client_id, "audience": audience, "scope": scopes})
}

/// The grant of `client_id` for `audience`.
async fn find(
    client: &ManagementClient,
    client_id: &str,
    audience: &str,
) -> Result<Option<Value>, ApiError> {
    let filter = GrantFilter {
        client_id: Some(client_id.to_owned()),
        audience: Some(audience.to_owned()),
    };
    Ok(client
        .list_client_grants(&filter)
        .await?
        .into_iter()
        .find(|g| {
            g.get("client_id").and_then(Value::as_str) == Some(client_id)
                && g.get("audience").and_then(Value::as_str) == Some(audience)
        }))
}
