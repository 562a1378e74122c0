//! Reads everything a tenant file can manage, for export: every client and grant, every
//! database connection with its enabled clients, the settings, the email provider, every
//! configured template, every Action, the bindings of every trigger, and the users worth
//! keeping as bootstrap users.

use futures::future::try_join_all;
use serde_json::Value;

use super::kind::{ExportKind, KindSelection};
use crate::api::read_tenant::{CLIENT_FIELDS, with_enabled_clients};
use crate::api::{
    ActionFilter, ApiError, ConnectionFilter, FieldSelection, GrantFilter, ManagementClient,
};
use crate::live::RawTenant;
use crate::model::{TemplateName, Trigger};

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

/// Reads what `kinds` needs, independent reads concurrently (the client's rate limiter paces
/// them). Applications are read whenever anything refers to them by key.
pub async fn read_everything(
    client: &ManagementClient,
    kinds: &KindSelection,
) -> Result<ExportRead, ApiError> {
    let needs_clients = kinds.has(ExportKind::Applications);
    let needs_connections = kinds.has(ExportKind::Connections) || kinds.has(ExportKind::Users);
    let needs_actions = kinds.has(ExportKind::Actions) || kinds.has(ExportKind::Triggers);

    let clients = async {
        if needs_clients {
            client
                .list_clients(&FieldSelection::include(CLIENT_FIELDS.iter().copied()))
                .await
        } else {
            Ok(Vec::new())
        }
    };
    let grants = async {
        if kinds.has(ExportKind::Grants) && needs_clients {
            client.list_client_grants(&GrantFilter::default()).await
        } else {
            Ok(Vec::new())
        }
    };
    let connections = async {
        if !needs_connections {
            return Ok(Vec::new());
        }
        let found = client
            .list_connections(&ConnectionFilter {
                strategy: Some("auth0".into()),
                name: None,
            })
            .await?;
        try_join_all(
            found
                .into_iter()
                .map(|connection| with_enabled_clients(client, connection, true)),
        )
        .await
    };
    let settings = async {
        if kinds.has(ExportKind::Tenant) {
            client.get_tenant_settings().await.map(Some)
        } else {
            Ok(None)
        }
    };
    let provider = async {
        if kinds.has(ExportKind::EmailProvider) {
            client.get_email_provider().await
        } else {
            Ok(None)
        }
    };
    let templates = async {
        if kinds.has(ExportKind::EmailTemplates) {
            try_join_all(
                TemplateName::ALL
                    .iter()
                    .map(|name| client.get_email_template(name.as_str())),
            )
            .await
        } else {
            Ok(Vec::new())
        }
    };
    let actions = async {
        if needs_actions {
            client.list_actions(&ActionFilter::default()).await
        } else {
            Ok(Vec::new())
        }
    };
    let bindings = async {
        if kinds.has(ExportKind::Triggers) {
            try_join_all(TRIGGERS.iter().map(|trigger| async move {
                client
                    .bindings(trigger.as_str())
                    .await
                    .map(|found| (*trigger, found))
            }))
            .await
        } else {
            Ok(Vec::new())
        }
    };
    let (
        clients,
        client_grants,
        connections,
        tenant_settings,
        email_provider,
        templates,
        actions,
        bindings,
    ) = tokio::try_join!(
        clients,
        grants,
        connections,
        settings,
        provider,
        templates,
        actions,
        bindings
    )?;

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

    Ok(ExportRead {
        raw: RawTenant {
            clients,
            client_grants,
            connections,
            tenant_settings,
            email_provider,
            email_templates: templates.into_iter().flatten().collect(),
            actions,
            bindings: bindings
                .into_iter()
                .filter(|(_, found)| !found.is_empty())
                .collect(),
            users,
        },
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
