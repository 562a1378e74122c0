//! Reads everything a tenant file can manage, for export: every client and grant, every
//! database connection with its enabled clients, the settings, the email provider, every
//! configured template, every Action, the bindings of every trigger, and the users worth
//! keeping as bootstrap users.

use futures::future::try_join_all;
use serde_json::Value;

use super::kind::{ExportKind, KindSelection};
use crate::api::read_tenant::read_tenant;
use crate::api::{ApiError, ManagementClient};
use tenantform_core::live::{RawTenant, ReadSet};
use tenantform_core::model::{TemplateName, Trigger};

/// Users read per database connection: bootstrap users are the first admins, not a user
/// directory. Only users with `app_metadata` (roles, invitations) are worth declaring.
pub const USERS_PER_CONNECTION: usize = 100;

/// Every Action trigger the model knows.
pub const TRIGGERS: [Trigger; 7] = [
    Trigger::PostLogin,
    Trigger::CredentialsExchange,
    Trigger::PreUserRegistration,
    Trigger::PostUserRegistration,
    Trigger::PostChangePassword,
    Trigger::SendPhoneMessage,
    Trigger::PasswordResetPostChallenge,
];

/// What export read, plus how many users a connection has beyond the cap.
#[derive(Debug, Default)]
pub struct ExportRead {
    pub raw: RawTenant,
    /// (connection name, users with app_metadata in it) where more exist than were read.
    pub truncated_users: Vec<(String, usize)>,
}

/// Reads what `kinds` needs through the same reader a plan uses (independent reads run
/// concurrently, paced by the client's rate limiter), then the users worth exporting.
/// Applications are read whenever anything refers to them by key.
pub async fn read_everything(
    client: &ManagementClient,
    kinds: &KindSelection,
) -> Result<ExportRead, ApiError> {
    let needs_clients = kinds.has(ExportKind::Applications);
    let needs_connections = kinds.has(ExportKind::Connections) || kinds.has(ExportKind::Users);
    let reads = ReadSet {
        clients: needs_clients,
        client_grants: kinds.has(ExportKind::Grants) && needs_clients,
        // The APIs, and the ones grants name.
        resource_servers: kinds.has(ExportKind::Apis) || kinds.has(ExportKind::Grants),
        all_connections: needs_connections,
        connection_clients: needs_connections,
        tenant_settings: kinds.has(ExportKind::Tenant),
        email_provider: kinds.has(ExportKind::EmailProvider),
        email_templates: if kinds.has(ExportKind::EmailTemplates) {
            TemplateName::ALL.to_vec()
        } else {
            Vec::new()
        },
        all_actions: kinds.has(ExportKind::Actions) || kinds.has(ExportKind::Triggers),
        triggers: if kinds.has(ExportKind::Triggers) {
            TRIGGERS.to_vec()
        } else {
            Vec::new()
        },
        ..ReadSet::default()
    };
    let mut raw = read_tenant(client, &reads).await?;
    raw.bindings.retain(|(_, found)| !found.is_empty());
    let connections = &raw.connections;

    let mut truncated_users = Vec::new();
    let users = if kinds.has(ExportKind::Users) {
        let pages = try_join_all(connections.iter().map(|c| {
            let name = c.connection["name"].as_str().unwrap_or_default().to_owned();
            async move {
                users_with_metadata(client, &name)
                    .await
                    .map(|page| (name, page))
            }
        }))
        .await?;
        let mut users = Vec::new();
        for (name, (page, more)) in pages {
            if let Some(total) = more {
                truncated_users.push((name, total));
            }
            users.extend(page);
        }
        users
    } else {
        Vec::new()
    };

    raw.users = users;
    Ok(ExportRead {
        raw,
        truncated_users,
    })
}

/// The first [`USERS_PER_CONNECTION`] users of `connection` that have `app_metadata`, and
/// the total when the page was full and more matched. One request: the search narrows the list on Auth0, and the
/// filter repeats it here for servers that do not search.
async fn users_with_metadata(
    client: &ManagementClient,
    connection: &str,
) -> Result<(Vec<Value>, Option<usize>), ApiError> {
    let query = vec![
        (
            "q",
            format!("identities.connection:\"{connection}\" AND _exists_:app_metadata"),
        ),
        ("search_engine", "v3".to_owned()),
        ("sort", "email:1".to_owned()),
        ("per_page", USERS_PER_CONNECTION.to_string()),
        ("page", "0".to_owned()),
        ("include_totals", "true".to_owned()),
    ];
    let body = client.get(&["users"], &query).await?;
    let (items, total) = match body {
        Value::Array(items) => (items, None),
        Value::Object(mut envelope) => {
            let total = envelope
                .get("total")
                .and_then(Value::as_u64)
                .and_then(|t| usize::try_from(t).ok());
            match envelope.remove("users") {
                Some(Value::Array(items)) => (items, total),
                _ => (Vec::new(), total),
            }
        }
        _ => (Vec::new(), None),
    };
    let page_len = items.len();
    let kept: Vec<Value> = items
        .into_iter()
        .filter(|user| {
            user_connection(user) == Some(connection)
                && user
                    .get("app_metadata")
                    .and_then(Value::as_object)
                    .is_some_and(|m| !m.is_empty())
        })
        .collect();
    let more = total.filter(|&total| page_len >= USERS_PER_CONNECTION && total > page_len);
    Ok((kept, more))
}

fn user_connection(user: &Value) -> Option<&str> {
    user.get("identities")?
        .as_array()?
        .first()?
        .get("connection")?
        .as_str()
}
