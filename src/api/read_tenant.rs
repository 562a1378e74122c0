//! Reads the parts of a live tenant a [`ReadSet`] names, with the fewest requests, independent
//! reads running concurrently within the shared rate limiter.

use auth0_wire::Client;
use auth0_wire::connection::{ConnectionClients, EnabledClient};
use futures::future::try_join_all;
use serde_json::Value;

use super::actions::ActionFilter;
use super::client::ManagementClient;
use super::client_grants::GrantFilter;
use super::clients::FieldSelection;
use super::connections::ConnectionFilter;
use super::error::ApiError;
use tenantform_core::live::{RawConnection, RawTenant, ReadSet};
use tenantform_core::model::Strategy;

/// Fetches what `reads` names.
pub async fn read_tenant(
    client: &ManagementClient,
    reads: &ReadSet,
) -> Result<RawTenant, ApiError> {
    // Boxed once here: the joined reads make a large future, and every caller (planning, the
    // apply steps' lookups) would otherwise carry it inside its own.
    Box::pin(read_all(client, reads)).await
}

async fn read_all(client: &ManagementClient, reads: &ReadSet) -> Result<RawTenant, ApiError> {
    let clients = async {
        if reads.clients {
            read_clients(client).await
        } else {
            Ok(Vec::new())
        }
    };
    let resource_servers = async {
        if reads.resource_servers {
            client.list_resource_servers().await
        } else {
            Ok(Vec::new())
        }
    };
    let grants = async {
        if reads.client_grants {
            client.list_client_grants(&GrantFilter::default()).await
        } else {
            Ok(Vec::new())
        }
    };
    let connections = async {
        if reads.all_connections {
            let all = client.list_connections(&managed_connections()).await?;
            try_join_all(all.into_iter().map(|connection| {
                with_enabled_clients(client, connection, reads.connection_clients)
            }))
            .await
        } else {
            read_connections(client, &reads.connections, reads.connection_clients).await
        }
    };
    let settings = async {
        if reads.tenant_settings {
            client.get_tenant_settings().await.map(Some)
        } else {
            Ok(None)
        }
    };
    let provider = async {
        if reads.email_provider {
            client.get_email_provider().await
        } else {
            Ok(None)
        }
    };
    let templates = try_join_all(
        reads
            .email_templates
            .iter()
            .map(|name| client.get_email_template(name.as_str())),
    );
    let actions = async {
        if reads.all_actions {
            return client.list_actions(&ActionFilter::default()).await;
        }
        let found = try_join_all(reads.actions.iter().map(|name| async move {
            let filter = ActionFilter {
                action_name: Some(name.clone()),
                trigger_id: None,
            };
            client.list_actions(&filter).await
        }))
        .await?;
        // `actionName` filters by exact name; keep only exact matches to be safe.
        Ok(found
            .into_iter()
            .zip(&reads.actions)
            .flat_map(|(found, name)| {
                found
                    .into_iter()
                    .filter(move |action| action["name"] == **name)
            })
            .collect())
    };
    let bindings = try_join_all(reads.triggers.iter().map(|trigger| async move {
        client
            .bindings(trigger.as_str())
            .await
            .map(|found| (*trigger, found))
    }));
    let users = try_join_all(
        reads
            .user_emails
            .iter()
            .map(|email| client.users_by_email(email)),
    );

    let (
        clients,
        resource_servers,
        client_grants,
        connections,
        tenant_settings,
        email_provider,
        templates,
        actions,
        bindings,
        users,
    ) = tokio::try_join!(
        clients,
        resource_servers,
        grants,
        connections,
        settings,
        provider,
        templates,
        actions,
        bindings,
        users
    )?;
    Ok(RawTenant {
        clients,
        resource_servers,
        client_grants,
        connections,
        tenant_settings,
        email_provider,
        email_templates: templates.into_iter().flatten().collect(),
        actions,
        bindings,
        users: users.into_iter().flatten().collect(),
    })
}

/// Every client (all pages), with the fields the wire client names: what a plan compares
/// plus what identifies and classifies a client, never `client_secret` or the signing keys.
pub async fn read_clients(client: &ManagementClient) -> Result<Vec<Value>, ApiError> {
    client
        .list_clients(&FieldSelection::include(Client::fields().iter().copied()))
        .await
}

/// The filter for the connections a tenant file can declare (database and social).
fn managed_connections() -> ConnectionFilter {
    ConnectionFilter {
        strategy: Some(Strategy::auth0_names().join(",")),
        name: None,
    }
}

/// Above this many names, one paged list of the managed connections is cheaper than a lookup
/// per name.
const CONNECTION_LOOKUPS_BEFORE_LISTING: usize = 2;

/// The named connections that exist and, when asked, the applications enabled on each.
async fn read_connections(
    client: &ManagementClient,
    names: &[String],
    with_clients: bool,
) -> Result<Vec<RawConnection>, ApiError> {
    let found: Vec<Value> = if names.len() > CONNECTION_LOOKUPS_BEFORE_LISTING {
        let all = client.list_connections(&managed_connections()).await?;
        all.into_iter()
            .filter(|connection| names.iter().any(|name| connection["name"] == **name))
            .collect()
    } else {
        let lookups = try_join_all(names.iter().map(|name| async move {
            let filter = ConnectionFilter {
                strategy: None,
                name: Some(name.clone()),
            };
            let found = client.list_connections(&filter).await?;
            Ok::<_, ApiError>(
                found
                    .into_iter()
                    .find(|connection| connection["name"] == **name),
            )
        }))
        .await?;
        lookups.into_iter().flatten().collect()
    };
    try_join_all(
        found
            .into_iter()
            .map(|connection| with_enabled_clients(client, connection, with_clients)),
    )
    .await
}

/// Adds the body of `GET /connections/{id}/clients` when asked.
pub(crate) async fn with_enabled_clients(
    client: &ManagementClient,
    connection: Value,
    with_clients: bool,
) -> Result<RawConnection, ApiError> {
    let clients = if with_clients {
        let id = connection["id"].as_str().unwrap_or_default().to_owned();
        let clients = ConnectionClients {
            clients: client
                .enabled_clients(&id)
                .await?
                .into_iter()
                .map(|client_id| EnabledClient { client_id })
                .collect(),
        };
        Some(serde_json::to_value(clients).expect("wire values serialize"))
    } else {
        None
    };
    Ok(RawConnection {
        connection,
        clients,
    })
}
