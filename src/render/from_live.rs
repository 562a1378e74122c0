//! Render inputs from the live tenant: the application's and the admin M2M application's
//! credentials (reading `client_secret` needs the `read:client_keys` scope).

use anyhow::Context;
use secrecy::SecretString;
use serde_json::Value;

use super::inputs::{ProviderLayout, RenderInputs};
use crate::api::{FieldSelection, ManagementClient};
use tenantform_core::model::TenantFile;

/// What the tenant file says about the environment being rendered.
#[derive(Debug, Clone)]
pub struct EnvironmentPlan {
    pub environment: String,
    pub redirect_uri: String,
    /// Display names of the login application and, when declared, the admin M2M application.
    pub application_name: String,
    pub admin_application_name: Option<String>,
    pub connection_name: Option<String>,
    pub provider: ProviderLayout,
}

impl EnvironmentPlan {
    /// Reads `environment` of the file's `streamlit` section.
    pub fn from_tenant(
        tenant: &TenantFile,
        environment: &str,
        provider: ProviderLayout,
    ) -> anyhow::Result<Self> {
        let streamlit = tenant
            .streamlit
            .as_ref()
            .context("the tenant file has no `streamlit` section: nothing to render")?;
        let declared: Vec<&str> = streamlit.environments.keys().map(String::as_str).collect();
        let chosen = streamlit.environments.get(environment).with_context(|| {
            format!(
                "no environment `{environment}` under `streamlit.environments` (declared: {})",
                declared.join(", ")
            )
        })?;
        let redirect_uri = chosen
            .redirect_uri()
            .context("the environment has no `url`")?;
        let display_name = |key: &str| {
            tenant
                .applications
                .get(key)
                .map(|app| app.name.clone().unwrap_or_else(|| key.to_owned()))
                .with_context(|| format!("application `{key}` is not declared"))
        };
        let application_key = streamlit
            .application
            .as_deref()
            .context("`streamlit.application` is missing")?;
        Ok(Self {
            environment: environment.to_owned(),
            redirect_uri,
            application_name: display_name(application_key)?,
            admin_application_name: streamlit
                .admin_application
                .as_deref()
                .map(display_name)
                .transpose()?,
            connection_name: streamlit.connection.as_ref().map(|key| {
                tenant
                    .connections
                    .get(key)
                    .map_or(key.as_str(), |c| c.auth0_name(key))
                    .to_owned()
            }),
            provider,
        })
    }
}

/// Looks the applications up by display name and takes their credentials.
pub async fn inputs_from_live(
    client: &ManagementClient,
    plan: &EnvironmentPlan,
) -> anyhow::Result<RenderInputs> {
    let clients = client
        .list_clients(&FieldSelection::include(["client_id", "name", "client_secret"]))
        .await
        .context("cannot read the applications' credentials (the M2M application needs the read:client_keys scope)")?;
    let credentials = |name: &str| -> anyhow::Result<(String, SecretString)> {
        let mut found = clients.iter().filter(|c| c["name"] == name);
        let app = found.next().with_context(|| {
            format!("application `{name}` is not in the tenant: run `tenantform apply` first")
        })?;
        anyhow::ensure!(
            found.next().is_none(),
            "several applications are named `{name}`"
        );
        let id = string(app, "client_id").context("an application without client_id")?;
        let secret = string(app, "client_secret").with_context(|| {
            format!("no client_secret returned for `{name}` (needs read:client_keys)")
        })?;
        Ok((id, SecretString::from(secret)))
    };
    let (client_id, client_secret) = credentials(&plan.application_name)?;
    let admin = plan
        .admin_application_name
        .as_deref()
        .map(credentials)
        .transpose()?;
    let origin = client.settings().origin();
    // The runbook's AUTH0_DOMAIN is a bare host for Auth0; the emulator keeps its http origin.
    let domain = origin
        .strip_prefix("https://")
        .unwrap_or(&origin)
        .to_owned();
    let (m2m_client_id, m2m_client_secret) = match admin {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (None, None),
    };
    Ok(RenderInputs {
        environment: plan.environment.clone(),
        domain,
        redirect_uri: plan.redirect_uri.clone(),
        client_id,
        client_secret,
        m2m_client_id,
        m2m_client_secret,
        connection_name: plan.connection_name.clone(),
        provider: plan.provider.clone(),
    })
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}
