//! `tenantform plan`: what would change to make the live tenant match the file.

use crate::cli::{OutputArgs, PlanArgs, PlanFormat};
use crate::commands::ExitStatus;
use crate::commands::common::{connect, load_for_tenant, write_atomically};
use crate::planning::{PlanOptions, plan_tenant};
use crate::printer::Printer;
use tenantform_core::plan::{HumanOptions, Plan, render_human, render_json, render_markdown};

pub async fn run(args: PlanArgs, output: &OutputArgs) -> anyhow::Result<ExitStatus> {
    let printer = Printer::new(output);
    let loaded = load_for_tenant(&args.file, args.strict)?;
    let client = connect(&args.connection).await?;
    let options = PlanOptions {
        allow_delete: args.allow_delete,
        force_secrets: args.force_secrets,
        show_unmanaged: args.show_unmanaged,
    };
    let (plan, _) = plan_tenant(&client, &loaded.tenant, options).await?;
    printer.result(render(&plan, args.format, &printer).trim_end());
    let stats = client.stats();
    printer.detail(&format!(
        "read the tenant with {} requests ({} rate-limited, {} retried)",
        stats.requests, stats.rate_limited, stats.retries
    ));
    if let Some(out) = &args.out {
        write_atomically(out, &render_json(&plan))?;
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

/// The plan in the requested format.
pub fn render(plan: &Plan, format: PlanFormat, printer: &Printer) -> String {
    match format {
        PlanFormat::Human => render_human(
            plan,
            HumanOptions {
                color: printer.color(),
            },
        ),
        PlanFormat::Json => render_json(plan),
        PlanFormat::Markdown => render_markdown(plan),
    }
}
