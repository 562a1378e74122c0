//! The live tenant as the plan sees it: model values plus the server metadata apply needs.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{
    Api, Application, DatabaseConnection, Dependency, EmailProvider, EmailTemplate, TemplateName,
    TenantSettings, Trigger,
};

/// What was read from the live tenant (only what the tenant file manages; see `ReadSet`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveTenant {
    pub applications: Vec<LiveApplication>,
    /// Custom APIs and Auth0's system API (the apply lock's API left out).
    #[serde(default)]
    pub apis: Vec<LiveApi>,
    pub grants: Vec<LiveGrant>,
    pub connections: Vec<LiveConnection>,
    /// `None` when not read.
    pub tenant_settings: Option<TenantSettings>,
    /// `None` when not read or not configured (Auth0 answers 404).
    pub email_provider: Option<EmailProvider>,
    /// Configured templates only (an unconfigured one is a 404 and absent here).
    pub email_templates: IndexMap<TemplateName, EmailTemplate>,
    pub actions: Vec<LiveAction>,
    /// Bound action names, in execution order, per trigger that was read.
    pub bindings: IndexMap<Trigger, Vec<String>>,
    pub users: Vec<LiveUser>,
}

/// An Auth0 client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveApplication {
    pub client_id: String,
    /// The tenant's global client: never managed.
    pub is_global: bool,
    pub model: Application,
}

impl LiveApplication {
    pub fn name(&self) -> &str {
        self.model.name.as_deref().unwrap_or_default()
    }
}

/// An API (resource server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveApi {
    pub id: String,
    pub identifier: String,
    /// Auth0's own Management API: never managed, never exported.
    pub is_system: bool,
    pub model: Api,
}

/// A client grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveGrant {
    pub id: String,
    pub client_id: String,
    pub audience: String,
    pub scopes: Vec<String>,
    /// Auth0's own grants: never changed or deleted.
    pub is_system: bool,
}

/// A connection, with the raw options apply merges into (PATCH replaces `options` whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveConnection {
    pub id: String,
    pub name: String,
    pub strategy: String,
    pub raw_options: Value,
    pub enabled_client_ids: Vec<String>,
    pub model: DatabaseConnection,
}

/// An Action (its current draft).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveAction {
    pub id: String,
    pub name: String,
    /// The first supported trigger id, e.g. `post-login`.
    pub trigger: String,
    pub code: String,
    pub runtime: String,
    pub dependencies: Vec<Dependency>,
    /// Secret names only: Auth0 never returns the values.
    pub secret_names: Vec<String>,
    pub status: String,
    pub all_changes_deployed: bool,
}

/// A user, reduced to what bootstrap users manage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveUser {
    pub user_id: String,
    pub email: String,
    /// The connection of the first identity.
    pub connection: String,
    pub app_metadata: serde_json::Map<String, Value>,
}

impl LiveTenant {
    pub fn application_by_id(&self, client_id: &str) -> Option<&LiveApplication> {
        self.applications
            .iter()
            .find(|app| app.client_id == client_id)
    }

    pub fn connection_named(&self, name: &str) -> Option<&LiveConnection> {
        self.connections.iter().find(|c| c.name == name)
    }

    pub fn api(&self, identifier: &str) -> Option<&LiveApi> {
        self.apis.iter().find(|api| api.identifier == identifier)
    }

    pub fn action_named(&self, name: &str) -> Option<&LiveAction> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// The user whose email is `stored_email` (spelled as Auth0 stores it, which is how it
    /// was read).
    pub fn user_by_email(&self, stored_email: &str) -> Option<&LiveUser> {
        self.users.iter().find(|u| u.email == stored_email)
    }
}
