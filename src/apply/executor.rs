//! Runs a plan's changes in order against the Management API: the checks before the first
//! write, then each pending change handed to the step of its kind. A failed change does not
//! stop the run: the changes that depend on it ([`prerequisites`]) are skipped, the others go
//! ahead, as in Terraform.

use anyhow::anyhow;

use super::dependencies::{names, prerequisites};
use super::lock;
use super::options::ApplyOptions;
use super::report::{ApplyError, ApplyEvent, ApplyReport, Failure, Skipped};
use super::run::Run;
use super::safety::{ClientsAndGrants, PlanRead, Protected, refusals};
use super::secrets::missing_secrets;
use super::{
    actions, api, applications, bindings, connections, email_provider, email_templates, grants,
    removed, tenant_settings, users,
};
use crate::api::ManagementClient;
use tenantform_core::plan::{Address, Change, ChangeAction, Desired, Kind, Plan};

/// Executes `plan` (already confirmed by the user). Refuses before any write when the plan
/// is unsafe or a secret is missing; otherwise runs every pending change in order. A change
/// whose prerequisite failed (or was skipped) is skipped, and every remaining change is
/// skipped once the apply lock held around this run is lost. `on_event` sees each change start
/// and end.
pub async fn execute(
    client: &ManagementClient,
    plan: &Plan,
    options: ApplyOptions,
    on_event: &(dyn Fn(&ApplyEvent<'_>) + Sync),
) -> Result<ApplyReport, ApplyError> {
    execute_knowing(client, plan, PlanRead::default(), options, on_event).await
}

/// [`execute`], starting from the clients and grants the plan read in this run
/// ([`ClientsAndGrants::from_plan_read`]) instead of listing them again.
pub async fn execute_knowing(
    client: &ManagementClient,
    plan: &Plan,
    known: PlanRead,
    options: ApplyOptions,
    on_event: &(dyn Fn(&ApplyEvent<'_>) + Sync),
) -> Result<ApplyReport, ApplyError> {
    if !plan.has_changes() {
        // Nothing to send, so nothing to read: the plan's own refusals still count.
        let refused = refusals(plan, options, &Protected::default());
        return if refused.is_empty() {
            Ok(ApplyReport::default())
        } else {
            Err(ApplyError::Refused(refused))
        };
    }
    let missing = missing_secrets(plan);
    if !missing.is_empty() {
        return Err(ApplyError::MissingSecrets(
            missing.iter().map(ToString::to_string).collect(),
        ));
    }
    // The tenant as read in this run decides what is protected, not the (possibly old) plan.
    let ClientsAndGrants { clients, grants } =
        ClientsAndGrants::complete(client, plan, known).await?;
    let protected = Protected::from_live(client.own_client_id(), &clients, &grants);
    let refused = refusals(plan, options, &protected);
    if !refused.is_empty() {
        return Err(ApplyError::Refused(refused));
    }

    let mut run = Run::new(client, &clients);
    let mut report = ApplyReport::default();
    // Addresses of the changes that failed or were skipped: their dependants are skipped.
    let mut blocked: Vec<(Address, &'static str)> = Vec::new();
    for change in plan.pending() {
        if let Some(reason) = lock::lost() {
            skip(&mut report, on_event, change, None, reason);
            continue;
        }
        let waits_for = prerequisites(change).into_iter().find_map(|needed| {
            blocked
                .iter()
                .find(|(address, _)| names(&needed, address))
                .cloned()
        });
        if let Some((address, outcome)) = waits_for {
            let reason = format!("depends on {address}, which {outcome}");
            skip(&mut report, on_event, change, Some(address), reason);
            blocked.push((change.address.clone(), "was skipped"));
            continue;
        }
        on_event(&ApplyEvent::Started(change));
        match apply(&mut run, change).await {
            Ok(detail) => {
                report.applied.push(change.address.clone());
                on_event(&ApplyEvent::Applied(change, detail));
                for ticket in run.tickets.drain(..) {
                    on_event(&ApplyEvent::Ticket(&ticket));
                    report.tickets.push(ticket);
                }
            }
            Err(error) => {
                let message = crate::error_text::one_line(&error);
                on_event(&ApplyEvent::Failed(change, &message));
                report.failed.push(Failure {
                    address: change.address.clone(),
                    message,
                });
                blocked.push((change.address.clone(), "failed"));
            }
        }
    }
    Ok(report)
}

/// Records `change` as skipped for `reason`.
fn skip(
    report: &mut ApplyReport,
    on_event: &(dyn Fn(&ApplyEvent<'_>) + Sync),
    change: &Change,
    because_of: Option<Address>,
    reason: String,
) {
    on_event(&ApplyEvent::Skipped(change, &reason));
    report.skipped.push(Skipped {
        address: change.address.clone(),
        because_of,
        reason,
    });
}

/// One change, by the step of its kind; `Some(detail)` says what was done when it is not
/// obvious.
async fn apply(run: &mut Run<'_>, change: &Change) -> anyhow::Result<Option<String>> {
    if change.action == ChangeAction::Delete {
        return removed::delete(run, change).await;
    }
    if change.address.kind == Kind::TenantSettings {
        // The changed fields are the whole request.
        return tenant_settings::apply(run, change).await;
    }
    let desired = change
        .desired
        .as_ref()
        .ok_or_else(|| anyhow!("the plan has no desired value for this change"))?;
    match desired {
        Desired::Application { application } => applications::apply(run, change, application).await,
        Desired::Api { api } => Box::pin(api::apply(run, change, api)).await,
        Desired::Grant {
            application,
            audience,
            scopes,
        } => grants::apply(run, change, application, audience, scopes).await,
        Desired::Connection {
            connection,
            enabled_clients,
        } => connections::apply(run, change, connection, enabled_clients.as_deref()).await,
        Desired::EmailProvider { provider } => email_provider::apply(run, change, provider).await,
        Desired::EmailTemplate { template, value } => {
            email_templates::apply(run, change, *template, value).await
        }
        Desired::Action {
            action,
            code,
            trigger,
            runtime,
            send_secrets,
        } => {
            let source = actions::Source {
                action,
                code,
                trigger: *trigger,
                runtime,
                send_secrets: *send_secrets,
            };
            actions::apply(run, change, source).await
        }
        Desired::Bindings { trigger, actions } => bindings::apply(run, *trigger, actions).await,
        Desired::User {
            email,
            connection,
            name,
            email_verified,
            app_metadata,
        } => {
            let user = users::User {
                email,
                connection,
                name: name.as_deref(),
                email_verified: *email_verified,
                app_metadata,
            };
            users::apply(run, change, user).await
        }
    }
}
