//! `tenantform apply`: plan (or read a saved plan), confirm, execute, and prove the result by
//! planning again (the [`workflow`]), all while holding the tenant's apply lock ([`lock`]);
//! with `--resolve-duplicates`, same-named applications are resolved first ([`duplicates`]).
//! Several tenants (files, or a directory of saved plans) are applied at once
//! ([`tenants::run_each`]); `--format json` reports each for machines.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use serde::Serialize;

use crate::api::ManagementClient;
use crate::apply::ApplyOptions;
use crate::apply::duplicates;
use crate::apply::lock::{self, LockOptions, LockWait};
use crate::apply::workflow::{self, ApplyRequest, Outcome, Record};
use crate::cli::{ApplyArgs, ApplyFormat};
use crate::commands::ExitStatus;
use crate::plan_output::{PLAN_SUFFIX, stem};
use crate::planning::PlanOptions;
use crate::printer::Printer;
use crate::session::{connect_tenant, load_for_tenant};
use crate::tenants::{self, Headers};
use tenantform_core::model::TenantFile;
use tenantform_core::model::variables::Variables;

pub async fn run(args: ApplyArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let targets = targets(&args)?;
    tenants::check_overrides(&args.connection, targets.len())?;
    anyhow::ensure!(
        targets.len() <= 1 || args.auto_approve,
        "applying {} tenants at once needs --auto-approve (it cannot ask about each on one terminal); nothing was changed",
        targets.len()
    );
    let names: Vec<PathBuf> = targets.iter().map(Target::name).collect();
    let json = args.format == ApplyFormat::Json;
    let results = tenants::run_each(&names, printer, Headers::Stdout, json, |name, printer| {
        let target = targets
            .iter()
            .find(|target| target.name() == name)
            .expect("every name is a target's");
        let args = &args;
        async move {
            let result = Box::pin(apply_one(target, args, &printer)).await;
            if let Some(error) = &result.error {
                printer.error(error);
            }
            result
        }
    })
    .await;
    if json {
        let document = serde_json::json!({ "tenants": results });
        printer.result(&serde_json::to_string_pretty(&document).expect("JSON serializes"));
    }
    Ok(if results.iter().all(TenantApply::is_success) {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// One tenant to apply: its file, its saved plan, or both.
#[derive(Debug, Clone)]
struct Target {
    file: Option<PathBuf>,
    plan: Option<PathBuf>,
}

impl Target {
    fn name(&self) -> PathBuf {
        self.file
            .clone()
            .or_else(|| self.plan.clone())
            .expect("a target has a file or a plan")
    }
}

/// The tenant files (default: every tenant), or the saved plan with its file, or each
/// `DIR/*.plan.json` with the tenant file of the same stem (given, or `tenants/<stem>.yaml`).
fn targets(args: &ApplyArgs) -> anyhow::Result<Vec<Target>> {
    let Some(plan) = &args.plan else {
        return Ok(tenants::select(&args.files)?
            .into_iter()
            .map(|file| Target {
                file: Some(file),
                plan: None,
            })
            .collect());
    };
    if !plan.is_dir() {
        anyhow::ensure!(
            args.files.len() <= 1,
            "one saved plan is for one tenant file, but {} were given",
            args.files.len()
        );
        return Ok(vec![Target {
            file: args.files.first().cloned(),
            plan: Some(plan.clone()),
        }]);
    }
    let plans: Vec<PathBuf> = std::fs::read_dir(plan)
        .with_context(|| format!("cannot list {}", plan.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.to_string_lossy().ends_with(PLAN_SUFFIX))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    anyhow::ensure!(
        !plans.is_empty(),
        "no saved plans (*{PLAN_SUFFIX}) in {}",
        plan.display()
    );
    if let Some(file) = args
        .files
        .iter()
        .find(|file| !plans.iter().any(|plan| stem(plan) == stem(file)))
    {
        anyhow::bail!(
            "no saved plan for {} in {} (expected {}{PLAN_SUFFIX}); nothing was changed",
            file.display(),
            plan.display(),
            stem(file)
        );
    }
    Ok(plans
        .into_iter()
        .filter_map(|plan| {
            let file = if args.files.is_empty() {
                let default = Path::new(tenants::TENANTS_DIR).join(format!("{}.yaml", stem(&plan)));
                Some(default).filter(|file| file.is_file())
            } else {
                // Only the named tenants' plans are applied.
                Some(
                    args.files
                        .iter()
                        .find(|file| stem(file) == stem(&plan))?
                        .clone(),
                )
            };
            Some(Target {
                file,
                plan: Some(plan),
            })
        })
        .collect())
}

/// What happened to one tenant, for `--format json` and the exit code.
#[derive(Debug, Serialize)]
struct TenantApply {
    file: String,
    status: &'static str,
    applied: Vec<String>,
    failed: Vec<FailedChange>,
    pending: Vec<String>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct FailedChange {
    address: String,
    message: String,
}

impl TenantApply {
    fn is_success(&self) -> bool {
        matches!(self.status, "no_changes" | "applied")
    }
}

/// Applies one target and says how it went; never fails itself (the error is in the result).
async fn apply_one(target: &Target, args: &ApplyArgs, printer: &Printer) -> TenantApply {
    let mut record = Record::default();
    let outcome = Box::pin(apply_target(target, args, printer, &mut record)).await;
    let report = record.report.as_ref();
    let applied = report.map_or_else(Vec::new, |report| {
        report.applied.iter().map(ToString::to_string).collect()
    });
    let failed = report.map_or_else(Vec::new, |report| {
        report
            .failed
            .iter()
            .map(|failure| FailedChange {
                address: failure.address.to_string(),
                message: failure.message.clone(),
            })
            .collect()
    });
    let pending = match (report, &record.plan) {
        (Some(report), _) => report
            .failed
            .iter()
            .map(|failure| failure.address.to_string())
            .chain(
                report
                    .skipped
                    .iter()
                    .map(|skipped| skipped.address.to_string()),
            )
            .collect(),
        (None, Some(plan)) => plan.pending().map(|c| c.address.to_string()).collect(),
        (None, None) => Vec::new(),
    };
    let (status, error) = match outcome {
        Ok(Outcome::NoChanges) => ("no_changes", None),
        Ok(Outcome::Verified | Outcome::Applied) => ("applied", None),
        Ok(Outcome::NotConverged) => ("not_converged", None),
        Ok(Outcome::Stopped) => ("incomplete", None),
        Ok(Outcome::Cancelled) => ("cancelled", None),
        Err(error) => ("failed", Some(crate::error_text::one_line(&error))),
    };
    TenantApply {
        file: target.name().display().to_string(),
        status,
        applied,
        failed,
        pending,
        error,
    }
}

async fn apply_target(
    target: &Target,
    args: &ApplyArgs,
    printer: &Printer,
    record: &mut Record,
) -> anyhow::Result<Outcome> {
    let lock_options = if args.lock {
        let timeout = lock::parse_duration(&args.lock_timeout)
            .map_err(|error| anyhow!("--lock-timeout: {error}"))?;
        Some(LockOptions {
            timeout,
            ..LockOptions::default()
        })
    } else {
        None
    };
    let loaded = target
        .file
        .as_deref()
        .map(|file| load_for_tenant(file, args.strict, printer))
        .transpose()?;
    // A saved plan's secrets come from the same variables the tenant file loads with.
    let variables = match target.file.as_deref() {
        Some(file) => Variables::for_tenant_file(file).map_err(anyhow::Error::msg)?,
        None => Variables::from_process_environment(),
    };
    let saved = match target.plan.as_deref() {
        Some(path) => {
            let mut plan = workflow::read_saved_plan(path)?;
            // Refused before connecting: nothing is sent. The record keeps the plan, for the
            // report of what stayed pending.
            if let Err(error) =
                workflow::prepare_saved_plan(&mut plan, &variables, loaded.is_some())
            {
                record.plan = Some(plan);
                return Err(error);
            }
            Some(plan)
        }
        None => None,
    };
    let client = connect_tenant(&args.connection, loaded.as_ref(), printer).await?;
    let tenant = loaded.as_ref().map(|loaded| &loaded.tenant);
    let request = ApplyRequest {
        tenant,
        saved,
        variables,
        plan_options: PlanOptions {
            allow_delete: args.allow_delete,
            force_secrets: args.force_secrets,
            show_unmanaged: false,
        },
        options: ApplyOptions {
            allow_delete: args.allow_delete,
            allow_replace: args.allow_replace,
        },
        auto_approve: args.auto_approve,
    };
    let work = async {
        if args.resolve_duplicates
            && let Some(tenant) = tenant
        {
            resolve_duplicates(&client, tenant, args.auto_approve, printer).await?;
        }
        Box::pin(workflow::apply_recording(&client, request, printer, record)).await
    };
    match lock_options {
        Some(options) => Box::pin(locked(&client, options, printer, work)).await,
        None => work.await,
    }
}

/// Runs `work` holding the apply lock: waits for another run's (saying whose), releases it
/// after, whatever `work` returned. An interrupt (Ctrl-C, or SIGTERM from a cancelled CI job)
/// releases the lock before the process exits (130), so the next run need not wait for it to
/// go stale.
async fn locked<T>(
    client: &ManagementClient,
    options: LockOptions,
    printer: &Printer,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let on_wait = |wait: &LockWait| {
        match wait {
        LockWait::Held(holder) => printer.status(&format!(
            "Waiting for the apply lock, held by another run ({holder}); up to {:?} (--lock-timeout)",
            options.timeout
        )),
        LockWait::Stale(holder) => printer.warning(&format!(
            "taking over the apply lock: it was not renewed for {:?}, so its run is gone ({holder})",
            options.ttl
        )),
    }
    };
    let lease = lock::acquire(client, options, &on_wait).await?;
    let interrupts = tokio::spawn(release_on_interrupt(
        client.clone(),
        lease.id().to_owned(),
        printer.clone(),
    ));
    let result = lease.scope(work).await;
    interrupts.abort();
    if let Err(error) = lease.release().await {
        printer.warning(&format!(
            "could not release the apply lock ({error}); the next apply takes it over after {:?}",
            options.ttl
        ));
    }
    result
}

/// On SIGINT or SIGTERM: deletes the lock (by its id) and exits 130. Whatever request was in
/// flight may or may not have been done, as with any interrupted apply; the next apply plans
/// from the tenant as it is.
async fn release_on_interrupt(client: ManagementClient, lock_id: String, printer: Printer) {
    if signals::interrupted().await.is_err() {
        return;
    }
    printer.warning("interrupted: releasing the apply lock; run apply again to finish");
    let segments = ["resource-servers", lock_id.as_str()];
    let _ = tokio::time::timeout(Duration::from_secs(5), client.delete(&segments)).await;
    std::process::exit(130);
}

mod signals {
    /// Waits for SIGINT or SIGTERM.
    #[cfg(unix)]
    pub async fn interrupted() -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        Ok(())
    }

    #[cfg(not(unix))]
    pub async fn interrupted() -> std::io::Result<()> {
        tokio::signal::ctrl_c().await
    }
}

/// Shows what resolving the duplicates does, asks unless `auto_approve`, and does it.
async fn resolve_duplicates(
    client: &ManagementClient,
    tenant: &TenantFile,
    auto_approve: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    let resolution = duplicates::find(client, tenant).await?;
    if resolution.is_empty() {
        printer.status("No duplicate applications to resolve.");
        return Ok(());
    }
    printer.result(&format!(
        "Resolving duplicate applications:\n{}",
        resolution.describe().join("\n")
    ));
    if !auto_approve {
        let Some(answer) = printer.ask(&format!(
            "\nResolve these duplicates in {}? Only `yes` is accepted: ",
            client.domain()
        ))?
        else {
            bail!(
                "stdin is not a terminal, so apply cannot ask for confirmation: pass --auto-approve to resolve the duplicates; nothing was changed"
            );
        };
        if answer.trim() != "yes" {
            bail!("resolving the duplicates was cancelled; nothing was changed");
        }
    }
    duplicates::resolve(client, &resolution, &|step| {
        printer.status(&format!("  {step}"));
    })
    .await?;
    Ok(())
}
