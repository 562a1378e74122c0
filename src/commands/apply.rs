//! `tenantform apply`: plan (or read a saved plan), confirm, execute, and prove the result by
//! planning again (the [`workflow`]), all while holding the tenant's apply lock ([`lock`]);
//! with `--resolve-duplicates`, same-named applications are resolved first ([`duplicates`]).

use std::future::Future;
use std::time::Duration;

use anyhow::{anyhow, bail};

use crate::api::ManagementClient;
use crate::apply::ApplyOptions;
use crate::apply::duplicates;
use crate::apply::lock::{self, LockOptions, LockWait};
use crate::apply::workflow::{self, ApplyRequest};
use crate::cli::ApplyArgs;
use crate::commands::ExitStatus;
use crate::planning::PlanOptions;
use crate::printer::Printer;
use crate::session::{connect, load_for_tenant};
use tenantform_core::model::TenantFile;
use tenantform_core::model::variables::Variables;

pub async fn run(args: ApplyArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
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
    let loaded = args
        .file
        .as_deref()
        .map(|file| load_for_tenant(file, args.strict, printer))
        .transpose()?;
    let saved = args
        .plan
        .as_deref()
        .map(workflow::read_saved_plan)
        .transpose()?;
    // A saved plan's secrets come from the same variables the tenant file loads with.
    let variables = match args.file.as_deref() {
        Some(file) => Variables::for_tenant_file(file).map_err(anyhow::Error::msg)?,
        None => Variables::from_process_environment(),
    };
    let client = connect(&args.connection).await?;
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
        Box::pin(workflow::apply(&client, request, printer)).await
    };
    let outcome = match lock_options {
        Some(options) => Box::pin(locked(&client, options, printer, work)).await?,
        None => work.await?,
    };
    Ok(if outcome.is_success() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
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
