//! `tenantform apply`: plan (or read a saved plan), confirm, execute, and prove the result by
//! planning again.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, bail};

use crate::api::ManagementClient;
use crate::apply::{ApplyEvent, ApplyOptions, ApplyReport, execute};
use crate::cli::{ApplyArgs, OutputArgs};
use crate::commands::ExitStatus;
use crate::commands::common::{connect, load_for_tenant};
use crate::planning::{PlanOptions, current_fingerprint, plan_tenant};
use crate::printer::Printer;
use tenantform_core::model::TenantFile;
use tenantform_core::plan::{FORMAT_VERSION, HumanOptions, Plan, render_human};

pub async fn run(args: ApplyArgs, output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    let printer = Printer::new(output);
    let plan_options = PlanOptions {
        allow_delete: args.allow_delete,
        force_secrets: args.force_secrets,
        show_unmanaged: false,
    };
    let options = ApplyOptions {
        allow_delete: args.allow_delete,
        allow_replace: args.allow_replace,
    };
    let loaded = match &args.file {
        Some(file) => Some(load_for_tenant(file, args.strict)?),
        None => None,
    };
    let saved = args.plan.as_deref().map(read_plan).transpose()?;
    let client = connect(&args.connection).await?;
    let plan = match (saved, &loaded) {
        (Some(plan), _) => {
            check_saved_plan(&client, &plan).await?;
            plan
        }
        (None, Some(loaded)) => plan_tenant(&client, &loaded.tenant, plan_options).await?.0,
        (None, None) => bail!("give a tenant file or --plan PLAN.json"),
    };
    printer.result(
        render_human(
            &plan,
            HumanOptions {
                color: printer.color(),
            },
        )
        .trim_end(),
    );
    if plan.is_refused() {
        bail!("the plan has errors (above); nothing was changed");
    }
    if !plan.has_changes() {
        return Ok(ExitStatus::Success);
    }
    if !args.auto_approve && !confirm(&plan.origin)? {
        printer.status("Apply cancelled; nothing was changed.");
        return Ok(ExitStatus::Failure);
    }
    let report = apply_plan(&client, &plan, options, &printer).await?;
    if !report.is_complete() {
        return Ok(ExitStatus::Failure);
    }
    if let Some(loaded) = &loaded {
        return verify(&client, &loaded.tenant, plan_options, &printer).await;
    }
    printer.status(
        "Run `tenantform plan FILE` to confirm the tenant now matches (or pass FILE with --plan to check it here).",
    );
    Ok(ExitStatus::Success)
}

/// Reads a saved plan and checks its format version.
fn read_plan(path: &Path) -> anyhow::Result<Plan> {
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

/// Refuses a saved plan made for another tenant or before a change to what it read.
async fn check_saved_plan(client: &ManagementClient, plan: &Plan) -> anyhow::Result<()> {
    let origin = client.settings().origin();
    if plan.origin != origin {
        bail!(
            "the plan was made for {}, but AUTH0_DOMAIN is {origin}; nothing was changed",
            plan.origin
        );
    }
    let now = current_fingerprint(client, plan).await?;
    if now != plan.live_fingerprint {
        bail!(
            "the tenant changed since the plan was made (its fingerprint is now {now}, the plan was made from {}); nothing was changed: run `tenantform plan` again",
            plan.live_fingerprint
        );
    }
    Ok(())
}

/// Asks on the terminal; refuses when stdin is not one.
fn confirm(origin: &str) -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        bail!(
            "stdin is not a terminal, so apply cannot ask for confirmation: pass --auto-approve to apply this plan; nothing was changed"
        );
    }
    eprint!("\nApply these changes to {origin}? Only `yes` is accepted: ");
    std::io::stderr().flush().ok();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

/// Executes `plan` with one progress line per change, then the totals (or what failed).
pub async fn apply_plan(
    client: &ManagementClient,
    plan: &Plan,
    options: ApplyOptions,
    printer: &Printer,
) -> anyhow::Result<ApplyReport> {
    let started = Instant::now();
    let requests_before = client.stats().requests;
    let total = plan.pending().count();
    let bar = printer.progress().then(|| {
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_msg} {elapsed}")
                .expect("a valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let line = |text: String| match &bar {
        Some(bar) => bar.println(text),
        None => printer.status(&text),
    };
    let on_event: &(dyn Fn(&ApplyEvent<'_>) + Sync) = &|event| match event {
        ApplyEvent::Started(change) => {
            if let Some(bar) = &bar {
                bar.set_message(format!("{} {}", change.action.as_str(), change.address));
            }
        }
        ApplyEvent::Applied(change, detail) => {
            if let Some(bar) = &bar {
                bar.inc(1);
            }
            let detail = detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            line(format!(
                "{} {}: {}d{detail}",
                change.action.symbol(),
                change.address,
                change.action.as_str()
            ));
        }
        ApplyEvent::Failed(change, message) => {
            line(format!(
                "x {}: {} failed: {message}",
                change.address,
                change.action.as_str()
            ));
        }
        ApplyEvent::Ticket(ticket) => {
            line(format!(
                "  {} was created without a known password; send them this password-change link: {}",
                ticket.email, ticket.url
            ));
        }
    };
    let result = execute(client, plan, options, on_event).await;
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = result?;
    let requests = client.stats().requests - requests_before;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(failure) = &report.failed {
        printer.warning(&format!(
            "apply stopped at {}: {}",
            failure.address, failure.message
        ));
        let list = |addresses: &[tenantform_core::plan::Address]| {
            if addresses.is_empty() {
                "none".to_owned()
            } else {
                addresses
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        printer.result(&format!(
            "Apply failed after {:.1}s, {requests} requests.\n  applied: {}\n  failed:  {failure}\n  pending: {}\nRun apply again to finish: it plans from the tenant as it is now.",
            seconds,
            list(&report.applied),
            list(&report.pending)
        ));
    } else {
        printer.result(&format!(
            "Apply complete: {} changed in {seconds:.1}s, {requests} requests.",
            report.applied.len()
        ));
    }
    Ok(report)
}

/// Plans again and requires zero changes.
pub async fn verify(
    client: &ManagementClient,
    tenant: &TenantFile,
    options: PlanOptions,
    printer: &Printer,
) -> anyhow::Result<ExitStatus> {
    let before = client.stats().requests;
    let (after, _) = plan_tenant(client, tenant, options).await?;
    if !after.has_changes() {
        printer.status(&format!(
            "Verified: planning again finds no changes ({} requests).",
            client.stats().requests - before
        ));
        return Ok(ExitStatus::Success);
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
    Ok(ExitStatus::Failure)
}
