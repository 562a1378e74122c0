//! The apply workflow around [`execute`]: get the plan (plan the tenant file now, or take a
//! saved plan once the tenant is shown not to have changed since), show it, ask, execute it with
//! progress and a report, and prove the result by planning again.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, bail};

use super::executor::execute_knowing;
use super::options::ApplyOptions;
use super::report::{ApplyError, ApplyEvent, ApplyReport};
use super::safety::{ClientsAndGrants, PlanRead};
use super::secrets::{missing_secrets, resolve_saved_plan};
use crate::api::ManagementClient;
use crate::cli::PlanFormat;
use crate::planning::{PlanOptions, PlanningError, current_fingerprint, plan_tenant};
use crate::printer::Printer;
use tenantform_core::live::LiveTenant;
use tenantform_core::model::TenantFile;
use tenantform_core::model::variables::Variables;
use tenantform_core::plan::{FORMAT_VERSION, Plan};

/// What to apply and how.
pub struct ApplyRequest<'a> {
    /// The tenant file: planned now when there is no saved plan, and planned again after
    /// applying to verify the result.
    pub tenant: Option<&'a TenantFile>,
    /// A saved plan ([`read_saved_plan`]) to execute exactly, its secrets filled in by
    /// [`prepare_saved_plan`].
    pub saved: Option<Plan>,
    /// Where the secret values come from, named in the error when one is missing.
    pub variables: Variables,
    pub plan_options: PlanOptions,
    pub options: ApplyOptions,
    /// Apply without asking.
    pub auto_approve: bool,
}

/// How an apply ended (errors aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The tenant already matched.
    NoChanges,
    /// The user did not confirm; nothing was changed.
    Cancelled,
    /// A change failed; the report says what was applied and what is pending.
    Stopped,
    /// Applied, and planning again finds no changes.
    Verified,
    /// Applied, but planning again still finds changes.
    NotConverged,
    /// Applied from a saved plan without the tenant file, so not verified here.
    Applied,
}

impl Outcome {
    pub fn is_success(self) -> bool {
        matches!(
            self,
            Outcome::NoChanges | Outcome::Verified | Outcome::Applied
        )
    }
}

/// What an apply got to, for a report to machines (`apply --format json`): the plan it was
/// to execute and the execution's report, when it got that far.
#[derive(Debug, Default)]
pub struct Record {
    pub plan: Option<Plan>,
    pub report: Option<ApplyReport>,
}

/// Plans (or checks the saved plan), shows the plan, asks unless `auto_approve`, executes and
/// verifies.
pub async fn apply(
    client: &ManagementClient,
    request: ApplyRequest<'_>,
    printer: &Printer,
) -> anyhow::Result<Outcome> {
    Box::pin(apply_recording(
        client,
        request,
        printer,
        &mut Record::default(),
    ))
    .await
}

/// [`apply`], keeping the plan and the report in `record` as it goes (also when it fails).
pub async fn apply_recording(
    client: &ManagementClient,
    request: ApplyRequest<'_>,
    printer: &Printer,
    record: &mut Record,
) -> anyhow::Result<Outcome> {
    let outcome = Box::pin(apply_plan(client, request, printer, record)).await;
    // The next run (apply, plan, export: a new process) starts without knowing what this one
    // spent; tell it when its first request will not be refused.
    client.remember_rate_limits();
    outcome
}

async fn apply_plan(
    client: &ManagementClient,
    request: ApplyRequest<'_>,
    printer: &Printer,
    record: &mut Record,
) -> anyhow::Result<Outcome> {
    let (plan, live) = match (request.saved, request.tenant) {
        (Some(plan), _) => {
            let live = check_saved_plan(client, &plan).await?;
            (plan, live)
        }
        (None, Some(tenant)) => plan_tenant(client, tenant, request.plan_options).await?,
        (None, None) => bail!("give a tenant file or --plan PLAN.json"),
    };
    printer.plan(&plan, PlanFormat::Human);
    record.plan = Some(plan.clone());
    // The file loads without its secrets: only those this plan sends need a value.
    refuse_unset_secrets(&plan, &request.variables, request.tenant.is_some())?;
    if plan.is_refused() {
        bail!("the plan has errors (above); nothing was changed");
    }
    if !plan.has_changes() {
        return Ok(Outcome::NoChanges);
    }
    if !request.auto_approve && !confirm(printer, &plan.origin)? {
        printer.status("Apply cancelled; nothing was changed.");
        return Ok(Outcome::Cancelled);
    }
    let known = ClientsAndGrants::from_plan_read(&plan, &live);
    let report =
        execute_with_progress_knowing(client, &plan, known, request.options, printer).await?;
    record.report = Some(report.clone());
    if !report.is_complete() {
        return Ok(Outcome::Stopped);
    }
    let Some(tenant) = request.tenant else {
        printer.status(
            "Run `tenantform plan FILE` to confirm the tenant now matches (or pass FILE with --plan to check it here).",
        );
        return Ok(Outcome::Applied);
    };
    Ok(
        if verify(client, tenant, request.plan_options, printer).await? {
            Outcome::Verified
        } else {
            Outcome::NotConverged
        },
    )
}

/// Fills in a saved plan's secrets from `variables` (the variables the tenant file loads with,
/// `Variables::for_tenant_file`: the environment and the `.env` beside the file; or the
/// environment alone without a tenant file) and refuses it when one it sends has no value.
/// Needs no tenant: run before connecting, a refusal sends nothing, not even the apply lock.
pub fn prepare_saved_plan(
    plan: &mut Plan,
    variables: &Variables,
    with_tenant_file: bool,
) -> anyhow::Result<()> {
    resolve_saved_plan(plan, variables);
    refuse_unset_secrets(plan, variables, with_tenant_file)
}

/// Refuses a plan that would send a secret whose variable has no value, naming each.
fn refuse_unset_secrets(
    plan: &Plan,
    variables: &Variables,
    with_tenant_file: bool,
) -> anyhow::Result<()> {
    let missing = missing_secrets(plan);
    if missing.is_empty() {
        return Ok(());
    }
    bail!(
        "the plan sends secrets without a value, nothing was changed:\n{}\nset {} in {}{}",
        missing
            .iter()
            .map(|m| format!("  - {m}"))
            .collect::<Vec<_>>()
            .join("\n"),
        if missing.len() == 1 { "it" } else { "them" },
        variables.where_to_set(),
        if with_tenant_file {
            ""
        } else {
            " (or pass the tenant file too, and its .env is read)"
        }
    )
}

/// Reads a saved plan and checks its format version.
pub fn read_saved_plan(path: &Path) -> anyhow::Result<Plan> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let version: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a plan (invalid JSON)", path.display()))?;
    let found = version
        .get("format_version")
        .and_then(serde_json::Value::as_u64);
    if found != Some(u64::from(FORMAT_VERSION)) {
        bail!(
            "{} has plan format version {}, this tenantform reads version {FORMAT_VERSION}; plan again",
            path.display(),
            found.map_or_else(|| "(none)".to_owned(), |v| v.to_string())
        );
    }
    serde_json::from_str(&text).with_context(|| format!("{} is not a valid plan", path.display()))
}

/// Refuses a saved plan made for another tenant or before a change to what it read; returns
/// the tenant as read now.
pub async fn check_saved_plan(
    client: &ManagementClient,
    plan: &Plan,
) -> anyhow::Result<LiveTenant> {
    let origin = client.settings().origin();
    if plan.origin != origin {
        bail!(
            "the plan was made for {}, but AUTH0_DOMAIN is {origin}; nothing was changed",
            plan.origin
        );
    }
    let (now, live) = current_fingerprint(client, plan).await?;
    if now != plan.live_fingerprint {
        bail!(
            "the tenant changed since the plan was made (its fingerprint is now {now}, the plan was made from {}); nothing was changed: run `tenantform plan` again",
            plan.live_fingerprint
        );
    }
    Ok(live)
}

/// Asks on the terminal; refuses when stdin is not one.
fn confirm(printer: &Printer, origin: &str) -> anyhow::Result<bool> {
    let Some(answer) = printer.ask(&format!(
        "\nApply these changes to {origin}? Only `yes` is accepted: "
    ))?
    else {
        bail!(
            "stdin is not a terminal, so apply cannot ask for confirmation: pass --auto-approve to apply this plan; nothing was changed"
        );
    };
    Ok(answer.trim() == "yes")
}

/// Executes `plan` with one progress line per change, then the totals (or what failed).
pub async fn execute_with_progress(
    client: &ManagementClient,
    plan: &Plan,
    options: ApplyOptions,
    printer: &Printer,
) -> Result<ApplyReport, ApplyError> {
    Box::pin(execute_with_progress_knowing(
        client,
        plan,
        PlanRead::default(),
        options,
        printer,
    ))
    .await
}

/// [`execute_with_progress`], starting from the clients and grants the plan read in this run.
async fn execute_with_progress_knowing(
    client: &ManagementClient,
    plan: &Plan,
    known: PlanRead,
    options: ApplyOptions,
    printer: &Printer,
) -> Result<ApplyReport, ApplyError> {
    let started = Instant::now();
    let requests_before = client.stats().requests;
    let progress = printer.progress_bar(plan.pending().count() as u64);
    let on_event: &(dyn Fn(&ApplyEvent<'_>) + Sync) = &|event| match event {
        ApplyEvent::Started(change) => {
            progress.working_on(format!("{} {}", change.action.as_str(), change.address));
        }
        ApplyEvent::Applied(change, detail) => {
            progress.step();
            let detail = detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            progress.line(&format!(
                "{} {}: {}d{detail}",
                change.action.symbol(),
                change.address,
                change.action.as_str()
            ));
        }
        ApplyEvent::Failed(change, message) => {
            progress.line(&format!(
                "x {}: {} failed: {message}",
                change.address,
                change.action.as_str()
            ));
        }
        ApplyEvent::Skipped(change, reason) => {
            progress.line(&format!(
                "- {}: {} skipped: {reason}",
                change.address,
                change.action.as_str()
            ));
        }
        ApplyEvent::Ticket(ticket) => {
            progress.line(&format!(
                "  {} was created without a known password; send them this password-change link: {}",
                ticket.email, ticket.url
            ));
        }
    };
    let result = execute_knowing(client, plan, known, options, on_event).await;
    progress.finish();
    let report = result?;
    let requests = client.stats().requests - requests_before;
    let seconds = started.elapsed().as_secs_f64();
    if report.is_complete() {
        printer.result(&format!(
            "Apply complete: {} changed in {seconds:.1}s, {requests} requests.",
            report.applied.len()
        ));
    } else {
        let failed: Vec<String> = report
            .failed
            .iter()
            .map(|f| f.address.to_string())
            .collect();
        printer.warning(&format!(
            "apply did not complete: {} failed, {} skipped{}",
            report.failed.len(),
            report.skipped.len(),
            if failed.is_empty() {
                String::new()
            } else {
                format!(" ({} failed)", failed.join(", "))
            }
        ));
        printer.result(&format!(
            "Apply incomplete after {seconds:.1}s, {requests} requests.\n{}\nRun apply again to finish: it plans from the tenant as it is now.",
            report.incomplete_summary()
        ));
    }
    Ok(report)
}

/// Plans again; `true` when that finds no changes, else the changes left are a warning.
/// Write-only values are not compared: the plan cannot see them (Auth0 never returns them),
/// so a value just re-sent with `--force-secrets` is not a change left over.
pub async fn verify(
    client: &ManagementClient,
    tenant: &TenantFile,
    options: PlanOptions,
    printer: &Printer,
) -> Result<bool, PlanningError> {
    let before = client.stats().requests;
    let options = PlanOptions {
        force_secrets: false,
        ..options
    };
    let (after, _) = plan_tenant(client, tenant, options).await?;
    if !after.has_changes() {
        printer.status(&format!(
            "Verified: planning again finds no changes ({} requests).",
            client.stats().requests - before
        ));
        return Ok(true);
    }
    let mut lines = vec!["apply did not converge: planning again still finds changes:".to_owned()];
    for change in after.pending() {
        let paths: Vec<&str> = change.fields.iter().map(|f| f.path.as_str()).collect();
        lines.push(format!(
            "  {} {}: {}",
            change.action.as_str(),
            change.address,
            if paths.is_empty() {
                change.reason.clone()
            } else {
                paths.join(", ")
            }
        ));
    }
    printer.warning(&lines.join("\n"));
    Ok(false)
}
