//! Which reads a plan needs: only what the tenant file manages.

use serde::{Deserialize, Serialize};

use crate::model::{BootstrapUser, TemplateName, TenantFile, Trigger};

/// The parts of the live tenant a plan for one tenant file depends on. The reader fetches
/// exactly this; the plan stores it so `apply --plan` can re-read the same parts and compare
/// the live fingerprint without the tenant file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadSet {
    /// `GET /clients` (all pages): applications are matched by display name.
    pub clients: bool,
    /// `GET /resource-servers` (all pages): APIs are matched by identifier, and grants to
    /// other APIs than the Management API are checked against the APIs that exist.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub resource_servers: bool,
    /// `GET /client-grants` (all pages).
    pub client_grants: bool,
    /// Connections to look up by name (`GET /connections?name=`), including `renamed_from`
    /// and `removed:` names.
    pub connections: Vec<String>,
    /// `GET /connections/{id}/clients` for each connection found (enabled applications).
    pub connection_clients: bool,
    pub tenant_settings: bool,
    pub email_provider: bool,
    /// `GET /email-templates/{name}` (404 = not configured).
    pub email_templates: Vec<TemplateName>,
    /// Actions to look up by name (`GET /actions/actions?actionName=`).
    pub actions: Vec<String>,
    /// `GET /actions/triggers/{trigger}/bindings` (all pages).
    pub triggers: Vec<Trigger>,
    /// Users to look up by email (`GET /users-by-email?email=`), spelled as Auth0 stores them:
    /// the lookup matches the stored case only.
    pub user_emails: Vec<String>,
    /// Application display names the file manages or removes (scopes the fingerprint).
    pub application_names: Vec<String>,
    /// Every database connection instead of the named ones (export).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_connections: bool,
    /// Every Action instead of the named ones (export).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_actions: bool,
}

impl ReadSet {
    pub fn for_tenant(file: &TenantFile) -> Self {
        let mut connections: Vec<String> = Vec::new();
        for (key, connection) in &file.connections {
            connections.push(connection.auth0_name(key).to_owned());
            connections.extend(connection.renamed_from.clone());
        }
        connections.extend(file.removed.connections.iter().cloned());
        dedup(&mut connections);

        let mut actions: Vec<String> = file
            .actions
            .iter()
            .map(|(key, action)| action.auth0_name(key).to_owned())
            .collect();
        actions.extend(file.removed.actions.iter().cloned());
        dedup(&mut actions);

        let mut application_names: Vec<String> = file
            .applications
            .iter()
            .flat_map(|(key, app)| {
                std::iter::once(app.name.clone().unwrap_or_else(|| key.clone()))
                    .chain(app.renamed_from.clone())
            })
            .collect();
        application_names.extend(file.removed.applications.iter().cloned());
        application_names.extend(file.removed.grants.iter().map(|g| g.application.clone()));
        dedup(&mut application_names);

        let declares_enablement = file
            .connections
            .values()
            .any(|c| c.enabled_applications.is_some());
        let client_grants = !file.grants.is_empty() || !file.removed.grants.is_empty();
        Self {
            // The Management API always exists: only other audiences need the list.
            resource_servers: !file.apis.is_empty()
                || !file.removed.apis.is_empty()
                || file
                    .grants
                    .iter()
                    .any(|grant| grant.audience != crate::model::MANAGEMENT_API),
            clients: !application_names.is_empty() || client_grants || declares_enablement,
            client_grants,
            connection_clients: declares_enablement,
            connections,
            tenant_settings: file.tenant.is_some(),
            email_provider: file.email_provider.is_some(),
            email_templates: file.email_templates.keys().copied().collect(),
            actions,
            triggers: file.bindings.keys().copied().collect(),
            user_emails: file.users.iter().map(BootstrapUser::stored_email).collect(),
            application_names,
            all_connections: false,
            all_actions: false,
        }
    }
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(name.clone()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_what_the_file_manages() {
        let file: TenantFile = serde_json::from_value(serde_json::json!({
            "tenant": {"flags": {"enable_client_connections": false}},
            "connections": {"app-users": {"renamed_from": "old-users"}},
            "bindings": {"post-login": []},
        }))
        .unwrap();
        let reads = ReadSet::for_tenant(&file);
        assert!(reads.tenant_settings);
        assert!(!reads.clients && !reads.client_grants && !reads.email_provider);
        assert_eq!(reads.connections, ["app-users", "old-users"]);
        assert!(!reads.connection_clients);
        assert_eq!(reads.triggers, [Trigger::PostLogin]);
        assert!(reads.actions.is_empty() && reads.user_emails.is_empty());
    }

    #[test]
    fn empty_file_reads_nothing() {
        assert_eq!(
            ReadSet::for_tenant(&TenantFile::default()),
            ReadSet::default()
        );
    }
}
