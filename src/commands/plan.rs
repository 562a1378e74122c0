//! `tenantform plan`: what would change to make the live tenant match the file.

use anyhow::Context as _;

use crate::cli::PlanArgs;
use crate::commands::ExitStatus;
use crate::planning::{PlanOptions, plan_tenant};
use crate::printer::Printer;
use crate::session::{connect, load_for_tenant};
use tenantform_core::plan::view;

pub async fn run(args: PlanArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let loaded = load_for_tenant(&args.file, args.strict, printer)?;
    let client = connect(&args.connection).await?;
    let options = PlanOptions {
        allow_delete: args.allow_delete,
        force_secrets: args.force_secrets,
        show_unmanaged: args.show_unmanaged,
    };
    let (plan, _) = plan_tenant(&client, &loaded.tenant, options).await?;
    printer.plan(&plan, args.format);
    let stats = client.stats();
    printer.detail(&format!(
        "read the tenant with {} requests ({} rate-limited, {} retried)",
        stats.requests, stats.rate_limited, stats.retries
    ));
    if let Some(out) = &args.out {
        private_file::write_private(out, view::json(&plan).as_bytes())
            .with_context(|| format!("cannot write {}", out.display()))?;
        printer.status(&format!(
            "saved the plan to {} (apply it with `tenantform apply --plan {}`)",
            out.display(),
            out.display()
        ));
    }
    Ok(if plan.is_refused() {
        ExitStatus::Failure
    } else if args.detailed_exitcode && plan.has_changes() {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}
