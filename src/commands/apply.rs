//! `tenantform apply`: plan (or read a saved plan), confirm, execute, and prove the result by
//! planning again (the [`workflow`]).

use crate::apply::ApplyOptions;
use crate::apply::workflow::{self, ApplyRequest};
use crate::cli::ApplyArgs;
use crate::commands::ExitStatus;
use crate::planning::PlanOptions;
use crate::printer::Printer;
use crate::session::{connect, load_for_tenant};

pub async fn run(args: ApplyArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
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
    let client = connect(&args.connection).await?;
    let request = ApplyRequest {
        tenant: loaded.as_ref().map(|loaded| &loaded.tenant),
        saved,
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
    let outcome = Box::pin(workflow::apply(&client, request, printer)).await?;
    Ok(if outcome.is_success() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}
