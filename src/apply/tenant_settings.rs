//! Tenant settings (`PATCH /tenants/settings`): only the changed leaves (Auth0 merges `flags`).

use super::bodies;
use super::run::Run;
use tenantform_core::plan::Change;

pub(super) async fn apply(run: &Run<'_>, change: &Change) -> anyhow::Result<Option<String>> {
    let body = bodies::nested_patch(&change.fields);
    run.client.update_tenant_settings(&body).await?;
    Ok(None)
}
