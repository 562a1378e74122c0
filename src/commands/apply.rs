//! `tenantform apply`: plan (or read a saved plan), confirm, execute, and prove the result by
//! planning again (the [`workflow`]), all while holding the tenant's apply lock ([`lock`]);
//! with `--resolve-duplicates`, same-named applications are resolved first ([`duplicates`]).

use anyhow::{anyhow, bail};

use crate::api::ManagementClient;
use crate::apply::ApplyOptions;
use crate::apply::duplicates;
use crate::apply::lock::{self, LockOptions};
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
    let outcome = Box::pin(lock::with_lock(&client, lock_options, printer, work)).await?;
    Ok(if outcome.is_success() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
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
