//! The tenant file: everything one Auth0 tenant should look like.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::action::{Action, Trigger};
use super::api::Api;
use super::application::Application;
use super::auth0_target::Auth0Target;
use super::connection::DatabaseConnection;
use super::email::{EmailProvider, EmailTemplate, TemplateName};
use super::grant::ClientGrant;
use super::removed::Removed;
use super::streamlit::StreamlitApp;
use super::tenant_settings::TenantSettings;
use super::user::BootstrapUser;

/// A tenantform tenant file (`tenants/*.yaml`). Every section is optional; what is left out
/// is not managed. `${VAR}` and `${VAR:-default}` in string values come from the environment
/// or a `.env` file beside the tenant file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tenantform tenant file")]
pub struct TenantFile {
    /// Tenant files this one builds on, relative to this file. Maps merge key by key (this
    /// file wins); lists and values are replaced. Share an app's definition between a dev and
    /// a prod tenant this way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<String>,

    /// The tenant this file is for and the variables holding tenantform's credentials
    /// (see docs/ci.md). Without it, the `AUTH0_*` variables say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth0: Option<Auth0Target>,

    /// Declares the tenant invite-only: the posture checks then insist on sign-ups disabled,
    /// "Enable Application Connections" off and a post-login Action bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_only: Option<bool>,

    /// Tenant settings and flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantSettings>,

    /// Applications, keyed by a stable name used for references in this file.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub applications: IndexMap<String, Application>,

    /// Custom APIs (resource servers), keyed by a stable name that grants may use as their
    /// audience.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub apis: IndexMap<String, Api>,

    /// Client grants: which APIs (e.g. the Management API) an application may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<ClientGrant>,

    /// Connections (database and social), keyed by a stable name (also the default Auth0 name).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub connections: IndexMap<String, DatabaseConnection>,

    /// The email provider (Mailgun, SMTP, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_provider: Option<EmailProvider>,

    /// Email templates by Auth0 name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub email_templates: IndexMap<TemplateName, EmailTemplate>,

    /// Actions, keyed by a stable name (also the default Auth0 name).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub actions: IndexMap<String, Action>,

    /// Ordered Action bindings per trigger, e.g. `post-login: [post-login-verification]`.
    /// The list is the whole flow: bindings not listed are removed from a listed trigger.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub bindings: IndexMap<Trigger, Vec<String>>,

    /// Users created when missing (the first admin). Never deleted by tenantform.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<BootstrapUser>,

    /// The Streamlit app and its environments (for `render` and the redirect checks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streamlit: Option<StreamlitApp>,

    /// Resources to delete (with `--allow-delete`), by Auth0 name.
    #[serde(default, skip_serializing_if = "Removed::is_empty")]
    pub removed: Removed,
}

impl TenantFile {
    /// The Auth0 identifier a grant's `audience` means for the tenant at `origin`:
    /// `management-api` is the tenant's Management API, the key of a declared API its
    /// identifier, anything else an identifier as written.
    pub fn audience_identifier(&self, audience: &str, origin: &str) -> String {
        match self
            .apis
            .get(audience)
            .and_then(|api| api.identifier.clone())
        {
            Some(identifier) => identifier,
            None => super::grant::resolve_audience(audience, origin),
        }
    }
}
