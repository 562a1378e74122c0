//! Planning against a live tenant: read what the file manages, normalize it, diff it. The one
//! place that composes the API reader with the pure [`tenantform_core::plan::diff`], shared by
//! `plan`, the apply workflow (before and after executing, and to check a saved plan), `demo`
//! and the benchmarks.

use crate::api::read_tenant::{read_clients, read_tenant};
use crate::api::{ApiError, ManagementClient};
use tenantform_core::live::{self, LiveTenant, NormalizeError, ReadSet, normalize_application};
use tenantform_core::model::TenantFile;
use tenantform_core::plan::{self, Plan, PlanContext};

/// The flags that shape a plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanOptions {
    pub allow_delete: bool,
    pub force_secrets: bool,
    pub show_unmanaged: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanningError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("the live tenant returned something unexpected: {0}")]
    Normalize(#[from] NormalizeError),
}

/// Reads the live tenant parts `tenant` manages and plans the changes that make it match.
pub async fn plan_tenant(
    client: &ManagementClient,
    tenant: &TenantFile,
    options: PlanOptions,
) -> Result<(Plan, LiveTenant), PlanningError> {
    let read_set = ReadSet::for_tenant(tenant);
    // Unmanaged resources can only be listed if the whole collections are read; the plan
    // still records (and fingerprints) only what the file manages.
    let reads = ReadSet {
        clients: read_set.clients || options.show_unmanaged,
        ..read_set.clone()
    };
    let live = read_live(client, &reads).await?;
    let context = PlanContext {
        origin: client.settings().origin(),
        own_client_id: Some(client.own_client_id().to_owned()),
        allow_delete: options.allow_delete,
        force_secrets: options.force_secrets,
        show_unmanaged: options.show_unmanaged,
    };
    let plan = plan::diff(tenant, &live, read_set, &context);
    // A plan is often a process's last read (`plan`, apply's verification): tell the next run
    // when its first request will not be refused.
    client.remember_rate_limits();
    Ok((plan, live))
}

/// Reads and normalizes exactly `reads`. The clients, the largest part to normalize and the
/// first list to arrive, are normalized while the other reads still wait on the rate limit
/// rather than after the last of them.
pub async fn read_live(
    client: &ManagementClient,
    reads: &ReadSet,
) -> Result<LiveTenant, PlanningError> {
    let applications = async {
        if !reads.clients {
            return Ok(Vec::new());
        }
        let clients = read_clients(client).await?;
        let normalized: Result<Vec<_>, _> = clients.iter().map(normalize_application).collect();
        Ok::<_, PlanningError>(normalized?)
    };
    let rest = async {
        let others = ReadSet {
            clients: false,
            ..reads.clone()
        };
        let raw = read_tenant(client, &others).await?;
        Ok::<_, PlanningError>(live::normalize(&raw)?)
    };
    let (applications, mut live) = tokio::try_join!(applications, rest)?;
    live.applications = applications;
    Ok(live)
}

/// The fingerprint of the tenant as it is now, over what `plan` read (equal to
/// `plan.live_fingerprint` exactly when nothing the plan depends on changed since), and the
/// tenant as read.
pub async fn current_fingerprint(
    client: &ManagementClient,
    plan: &Plan,
) -> Result<(String, LiveTenant), PlanningError> {
    let live = read_live(client, &plan.read_set).await?;
    let fingerprint = plan::live_fingerprint(&live, &plan.read_set, &plan.origin);
    Ok((fingerprint, live))
}
