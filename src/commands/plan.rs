//! `tenantform plan`: what would change to make each live tenant match its file. Several
//! tenants are planned at once ([`tenants::run_each`]); one exit code for the run.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::json;

use crate::apply::missing_secrets;
use crate::cli::{PlanArgs, PlanFormat};
use crate::commands::ExitStatus;
use crate::plan_output::{self, SavedPlans};
use crate::planning::{PlanOptions, plan_tenant};
use crate::printer::Printer;
use crate::session::{connect_tenant, load_for_tenant};
use crate::tenants::{self, Headers};
use tenantform_core::model::variables::Variables;
use tenantform_core::plan::{Plan, view};

pub async fn run(args: PlanArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let files = tenants::select(&args.files)?;
    tenants::check_overrides(&args.connection, files.len())?;
    let saved = args
        .out
        .as_deref()
        .map(|out| SavedPlans::new(out, &files))
        .transpose()?;
    let headers = if args.format == PlanFormat::Human {
        Headers::Stdout
    } else {
        Headers::Stderr
    };
    let results = tenants::run_each(&files, printer, headers, false, |file, printer| {
        let args = &args;
        let saved = saved.as_ref();
        async move {
            let result = Box::pin(plan_one(file, args, saved, &printer)).await;
            if let Err(error) = &result {
                printer.error(&crate::error_text::one_line(error));
            }
            result.map_err(|error| crate::error_text::one_line(&error))
        }
    })
    .await;
    let named: Vec<(&Path, Result<&Plan, &str>)> = files
        .iter()
        .map(PathBuf::as_path)
        .zip(results.iter().map(|r| r.as_ref().map_err(String::as_str)))
        .collect();
    match args.format {
        PlanFormat::Human => {}
        PlanFormat::Markdown => printer.result(plan_output::markdown(&named).trim_end()),
        PlanFormat::Json => printer.result(&json_document(&named)),
    }
    plan_output::append_step_summary(&named, printer);
    let failed = results
        .iter()
        .any(|result| result.as_ref().map_or(true, Plan::is_refused));
    let changes = results
        .iter()
        .any(|result| result.as_ref().is_ok_and(Plan::has_changes));
    Ok(if failed {
        ExitStatus::Failure
    } else if args.detailed_exitcode && changes {
        ExitStatus::Changes
    } else {
        ExitStatus::Success
    })
}

/// Loads, connects and plans one tenant; prints the human plan and saves it when asked.
async fn plan_one(
    file: &Path,
    args: &PlanArgs,
    saved: Option<&SavedPlans>,
    printer: &Printer,
) -> anyhow::Result<Plan> {
    let loaded = load_for_tenant(file, args.strict, printer)?;
    let client = connect_tenant(&args.connection, Some(&loaded), printer).await?;
    let options = PlanOptions {
        allow_delete: args.allow_delete,
        force_secrets: args.force_secrets,
        show_unmanaged: args.show_unmanaged,
    };
    let (plan, _) = plan_tenant(&client, &loaded.tenant, options).await?;
    if args.format == PlanFormat::Human {
        printer.plan(&plan, PlanFormat::Human);
    }
    // Planning needs no secret value; applying this plan will need those it sends.
    let unset = missing_secrets(&plan);
    if !unset.is_empty() {
        let where_to_set = Variables::for_tenant_file(file)
            .map_or_else(|_| "the environment".to_owned(), |v| v.where_to_set());
        for secret in unset {
            printer.warning(&format!(
                "{secret}: apply will send it, set it in {where_to_set}"
            ));
        }
    }
    let stats = client.stats();
    printer.detail(&format!(
        "read the tenant with {} requests ({} rate-limited, {} retried)",
        stats.requests, stats.rate_limited, stats.retries
    ));
    if let Some(saved) = saved {
        let out = saved.path_for(file);
        saved.prepare()?;
        private_file::write_private(&out, view::json(&plan).as_bytes())
            .with_context(|| format!("cannot write {}", out.display()))?;
        printer.status(&format!(
            "saved the plan to {} (apply it with `tenantform apply --plan {}`)",
            out.display(),
            out.display()
        ));
    }
    Ok(plan)
}

/// One tenant: its plan document, as saved. Several: every tenant with its status.
fn json_document(named: &[(&Path, Result<&Plan, &str>)]) -> String {
    if let [(_, Ok(plan))] = named {
        return view::json(plan).trim_end().to_owned();
    }
    let tenants: Vec<serde_json::Value> = named
        .iter()
        .map(|(file, result)| match result {
            Ok(plan) => json!({
                "file": file.display().to_string(),
                "status": if plan.is_refused() {
                    "failed"
                } else if plan.has_changes() {
                    "changes"
                } else {
                    "no_changes"
                },
                "error": null,
                "plan": plan,
            }),
            Err(error) => json!({
                "file": file.display().to_string(),
                "status": "failed",
                "error": error,
                "plan": null,
            }),
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "tenants": tenants })).expect("JSON serializes")
}
