//! Reads everything a tenant file can manage, for export: every client and grant, every
//! database connection with its enabled clients, the settings, the email provider, every
//! configured template, every Action, the bindings of every trigger, and the users worth
//! keeping as bootstrap users.

use futures::future::try_join_all;
use serde_json::Value;

use super::kind::{ExportKind, KindSelection};
use crate::api::read_tenant::read_tenant;
use crate::api::{ApiError, ManagementClient, PAGE_SIZE};
use tenantform_core::live::{RawTenant, ReadSet};
use tenantform_core::model::{TemplateName, Trigger};

/// The most users one search answers: Auth0's user search serves the first 1,000 results
/// only (`page * per_page` beyond it is refused). Bootstrap users are the first admins, not a
/// user directory; only users with `app_metadata` (roles, invitations) are worth declaring.
pub const USERS_LIMIT: usize = 1_000;

/// Connections named in one search: keeps `q` (a URL query parameter) a few kilobytes long.
const CONNECTIONS_PER_SEARCH: usize = 100;

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

/// What export read, plus how many users matched when more than [`USERS_LIMIT`] did.
#[derive(Debug, Default)]
pub struct ExportRead {
    pub raw: RawTenant,
    /// The users with app_metadata the search matched, when more than were read.
    pub truncated_users: Option<usize>,
}

/// Reads what `kinds` needs through the same reader a plan uses (independent reads run
/// concurrently, paced by the client's rate limiter), then the users worth exporting.
/// Applications are read whenever anything refers to them by key. Reads a list already
/// answered are skipped: templates only when the tenant has an email provider (Auth0 uses
/// custom templates only with one: "You must configure your own email provider ... to be able
/// to customize your emails", auth0.com/docs/customize/email/email-templates), and bindings
/// only of the triggers some Action supports (a binding names an Action of its trigger).
pub async fn read_everything(
    client: &ManagementClient,
    kinds: &KindSelection,
) -> Result<ExportRead, ApiError> {
    // Boxed: the concurrent reads make a large future.
    Box::pin(read_all(client, kinds)).await
}

async fn read_all(
    client: &ManagementClient,
    kinds: &KindSelection,
) -> Result<ExportRead, ApiError> {
    let needs_clients = kinds.has(ExportKind::Applications);
    let needs_connections = kinds.has(ExportKind::Connections) || kinds.has(ExportKind::Users);
    let lists = ReadSet {
        clients: needs_clients,
        client_grants: kinds.has(ExportKind::Grants) && needs_clients,
        // The APIs, and the ones grants name.
        resource_servers: kinds.has(ExportKind::Apis) || kinds.has(ExportKind::Grants),
        all_connections: needs_connections,
        connection_clients: needs_connections,
        tenant_settings: kinds.has(ExportKind::Tenant),
        ..ReadSet::default()
    };
    let email = async {
        let templates = kinds.has(ExportKind::EmailTemplates);
        if !templates && !kinds.has(ExportKind::EmailProvider) {
            return Ok(RawTenant::default());
        }
        let provider = ReadSet {
            email_provider: true,
            ..ReadSet::default()
        };
        let mut raw = read_tenant(client, &provider).await?;
        if templates && raw.email_provider.is_some() {
            let reads = ReadSet {
                email_templates: TemplateName::ALL.to_vec(),
                ..ReadSet::default()
            };
            raw.email_templates = read_tenant(client, &reads).await?.email_templates;
        }
        if !kinds.has(ExportKind::EmailProvider) {
            raw.email_provider = None;
        }
        Ok::<_, ApiError>(raw)
    };
    let actions = async {
        if !kinds.has(ExportKind::Actions) && !kinds.has(ExportKind::Triggers) {
            return Ok(RawTenant::default());
        }
        let all = ReadSet {
            all_actions: true,
            ..ReadSet::default()
        };
        let mut raw = read_tenant(client, &all).await?;
        if kinds.has(ExportKind::Triggers) {
            let reads = ReadSet {
                triggers: TRIGGERS
                    .into_iter()
                    .filter(|trigger| raw.actions.iter().any(|a| supports(a, *trigger)))
                    .collect(),
                ..ReadSet::default()
            };
            raw.bindings = read_tenant(client, &reads).await?.bindings;
        }
        Ok(raw)
    };
    let (mut raw, email, actions) = tokio::try_join!(read_tenant(client, &lists), email, actions)?;
    raw.email_provider = email.email_provider;
    raw.email_templates = email.email_templates;
    raw.actions = actions.actions;
    raw.bindings = actions.bindings;
    raw.bindings.retain(|(_, found)| !found.is_empty());
    let names: Vec<String> = raw
        .connections
        .iter()
        .filter_map(|c| c.connection["name"].as_str().map(str::to_owned))
        .collect();

    let mut truncated_users = None;
    if kinds.has(ExportKind::Users) {
        // One paged search per hundred connections, not one request per connection.
        let searches = try_join_all(
            names
                .chunks(CONNECTIONS_PER_SEARCH)
                .map(|chunk| users_with_metadata(client, chunk)),
        )
        .await?;
        for (users, matched) in searches {
            raw.users.extend(users);
            if let Some(matched) = matched {
                truncated_users = Some(truncated_users.unwrap_or(0) + matched);
            }
        }
    }
    // Export is a process's last read: tell the next run when it may send.
    client.remember_rate_limits();
    Ok(ExportRead {
        raw,
        truncated_users,
    })
}

/// The search for users of `connections` that have `app_metadata` (Auth0's Lucene syntax).
pub fn users_query(connections: &[String]) -> String {
    let names: Vec<String> = connections
        .iter()
        .map(|name| format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!(
        "identities.connection:({}) AND _exists_:app_metadata",
        names.join(" OR ")
    )
}

/// The first [`USERS_LIMIT`] users of `connections` that have `app_metadata`, sorted by email,
/// and how many matched when that is more. The first page tells the total; the other pages
/// are read concurrently (the rate limiter paces them). The filter repeats the search here,
/// so a server that searches more loosely cannot add users of other connections.
async fn users_with_metadata(
    client: &ManagementClient,
    connections: &[String],
) -> Result<(Vec<Value>, Option<usize>), ApiError> {
    let q = users_query(connections);
    let page = |page: usize| {
        let query = vec![
            ("q", q.clone()),
            ("search_engine", "v3".to_owned()),
            ("sort", "email:1".to_owned()),
            ("per_page", PAGE_SIZE.to_string()),
            ("page", page.to_string()),
            ("include_totals", "true".to_owned()),
        ];
        async move { client.get(&["users"], &query).await.map(split_users) }
    };
    let (mut users, total) = page(0).await?;
    let total = total.unwrap_or(users.len());
    if users.len() == PAGE_SIZE && total > PAGE_SIZE {
        let pages = total.min(USERS_LIMIT).div_ceil(PAGE_SIZE);
        for (rest, _) in try_join_all((1..pages).map(page)).await? {
            users.extend(rest);
        }
    }
    let read = users.len();
    users.retain(|user| {
        user_connection(user).is_some_and(|c| connections.iter().any(|name| name == c))
            && user
                .get("app_metadata")
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
    });
    Ok((users, (total > read).then_some(total)))
}

/// A page's users and the total it reports (an envelope, or a bare array without one).
fn split_users(body: Value) -> (Vec<Value>, Option<usize>) {
    match body {
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
    }
}

/// Whether `action` lists `trigger` among its `supported_triggers`.
fn supports(action: &Value, trigger: Trigger) -> bool {
    action["supported_triggers"]
        .as_array()
        .is_some_and(|triggers| triggers.iter().any(|t| t["id"] == trigger.as_str()))
}

fn user_connection(user: &Value) -> Option<&str> {
    user.get("identities")?
        .as_array()?
        .first()?
        .get("connection")?
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_query_names_every_connection_quoted() {
        let names = ["acme-users".to_owned(), "odd\"name".to_owned()];
        assert_eq!(
            users_query(&names),
            r#"identities.connection:("acme-users" OR "odd\"name") AND _exists_:app_metadata"#
        );
    }
}
