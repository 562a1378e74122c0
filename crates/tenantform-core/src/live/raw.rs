//! The raw bodies the reader fetched, and their normalization into a [`LiveTenant`].

use serde_json::Value;

use super::action::{binding_action_names, normalize_action};
use super::api::normalize_api;
use super::application::normalize_application;
use super::connection::normalize_connection;
use super::email::{normalize_email_provider, normalize_email_template};
use super::error::NormalizeError;
use super::grant::normalize_grant;
use super::snapshot::LiveTenant;
use super::tenant_settings::normalize_tenant_settings;
use super::user::normalize_user;
use crate::model::Trigger;

/// Everything the reader fetched, as Auth0 returned it (list items, pages concatenated).
#[derive(Debug, Clone, Default)]
pub struct RawTenant {
    /// Items of `GET /clients`.
    pub clients: Vec<Value>,
    /// Items of `GET /resource-servers`.
    pub resource_servers: Vec<Value>,
    /// Items of `GET /client-grants`.
    pub client_grants: Vec<Value>,
    pub connections: Vec<RawConnection>,
    /// `GET /tenants/settings`, when read.
    pub tenant_settings: Option<Value>,
    /// `GET /emails/provider`; `None` when not read or 404 (not configured).
    pub email_provider: Option<Value>,
    /// Bodies of configured templates (a 404 is left out).
    pub email_templates: Vec<Value>,
    /// Action objects.
    pub actions: Vec<Value>,
    /// Binding objects per trigger read, every page concatenated in order.
    pub bindings: Vec<(Trigger, Vec<Value>)>,
    /// User objects.
    pub users: Vec<Value>,
}

/// A connection and, when read, its `GET /connections/{id}/clients` body.
#[derive(Debug, Clone)]
pub struct RawConnection {
    pub connection: Value,
    pub clients: Option<Value>,
}

pub fn normalize(raw: &RawTenant) -> Result<LiveTenant, NormalizeError> {
    let mut live = LiveTenant {
        applications: raw
            .clients
            .iter()
            .map(normalize_application)
            .collect::<Result<_, _>>()?,
        apis: raw
            .resource_servers
            .iter()
            .map(normalize_api)
            .filter_map(Result::transpose)
            .collect::<Result<_, _>>()?,
        grants: raw
            .client_grants
            .iter()
            .map(normalize_grant)
            .collect::<Result<_, _>>()?,
        connections: raw
            .connections
            .iter()
            .map(|c| normalize_connection(&c.connection, c.clients.as_ref()))
            .collect::<Result<_, _>>()?,
        tenant_settings: raw.tenant_settings.as_ref().map(normalize_tenant_settings),
        email_provider: raw
            .email_provider
            .as_ref()
            .map(normalize_email_provider)
            .transpose()?,
        actions: raw
            .actions
            .iter()
            .map(normalize_action)
            .collect::<Result<_, _>>()?,
        users: raw
            .users
            .iter()
            .map(normalize_user)
            .collect::<Result<_, _>>()?,
        ..LiveTenant::default()
    };
    for body in &raw.email_templates {
        let template: auth0_wire::EmailTemplate = serde_json::from_value(body.clone())
            .map_err(|error| NormalizeError::new("email template", error.to_string()))?;
        let name = template.template.ok_or_else(|| {
            NormalizeError::new("email template", "missing or unknown `template`")
        })?;
        live.email_templates
            .insert(name, normalize_email_template(body));
    }
    for (trigger, bindings) in &raw.bindings {
        live.bindings
            .insert(*trigger, binding_action_names(bindings));
    }
    Ok(live)
}
