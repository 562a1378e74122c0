//! Runs a plan's changes in order against the Management API: the checks before the first
//! write, then each pending change handed to the step of its kind, stopping at the first failure.

use anyhow::anyhow;

use super::options::ApplyOptions;
use super::report::{ApplyError, ApplyEvent, ApplyReport, Failure};
use super::run::Run;
use super::safety::{Protected, refusals};
use super::secrets::missing_secrets;
use super::{
    actions, applications, bindings, connections, email_provider, email_templates, grants, removed,
    tenant_settings, users,
};
use crate::api::{FieldSelection, GrantFilter, ManagementClient};
use tenantform_core::plan::{Change, ChangeAction, Desired, Kind, Plan};

/// Executes `plan` (already confirmed by the user). Refuses before any write when the plan
/// is unsafe or a secret is missing; otherwise runs every pending change in order and stops
/// at the first failure. `on_event` sees each change start and end.
pub async fn execute(
    client: &ManagementClient,
    plan: &Plan,
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
        return Err(ApplyError::MissingSecrets(missing));
    }
    // The tenant as it is now decides what is protected, not the (possibly old) plan.
    let clients = client
        .list_clients(&FieldSelection::include(["client_id", "name", "global"]))
        .await?;
    let grants = client.list_client_grants(&GrantFilter::default()).await?;
    let protected = Protected::from_live(client.own_client_id(), &clients, &grants);
    let refused = refusals(plan, options, &protected);
    if !refused.is_empty() {
        return Err(ApplyError::Refused(refused));
    }

    let mut run = Run::new(client, &clients);
    let mut report = ApplyReport::default();
    let pending: Vec<&Change> = plan.pending().collect();
    for (index, change) in pending.iter().enumerate() {
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
                let message = format!("{error:#}");
                on_event(&ApplyEvent::Failed(change, &message));
                report.failed = Some(Failure {
                    address: change.address.clone(),
                    message,
                });
                report.pending = pending[index + 1..]
                    .iter()
                    .map(|c| c.address.clone())
                    .collect();
                break;
            }
        }
    }
    Ok(report)
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
