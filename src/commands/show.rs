//! `tenantform show`: print saved plans (one file, or every `*.plan.json` of a directory) in
//! any format, without any network access.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::apply::workflow::read_saved_plan;
use crate::cli::{PlanFormat, ShowArgs};
use crate::commands::ExitStatus;
use crate::plan_output::{self, PLAN_SUFFIX};
use crate::printer::Printer;
use tenantform_core::plan::Plan;

pub fn run(args: &ShowArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let files = plan_files(&args.plan)?;
    let plans = files
        .iter()
        .map(|file| read_saved_plan(file))
        .collect::<anyhow::Result<Vec<Plan>>>()?;
    match args.format {
        PlanFormat::Markdown => {
            let named: Vec<(&Path, Result<&Plan, &str>)> = files
                .iter()
                .map(PathBuf::as_path)
                .zip(plans.iter().map(Ok))
                .collect();
            printer.result(plan_output::markdown(&named).trim_end());
        }
        PlanFormat::Json if plans.len() > 1 => {
            let tenants: Vec<serde_json::Value> = files
                .iter()
                .zip(&plans)
                .map(|(file, plan)| serde_json::json!({"file": file.display().to_string(), "plan": plan}))
                .collect();
            printer.result(
                &serde_json::to_string_pretty(&serde_json::json!({ "tenants": tenants }))
                    .expect("JSON serializes"),
            );
        }
        format => {
            for (file, plan) in files.iter().zip(&plans) {
                if plans.len() > 1 {
                    printer.result(&format!("== {} ==", file.display()));
                }
                printer.plan(plan, format);
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// The plan named, or every `*.plan.json` in the directory, in name order.
fn plan_files(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list {}", path.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| file.is_file() && file.to_string_lossy().ends_with(PLAN_SUFFIX))
        .collect();
    files.sort();
    anyhow::ensure!(
        !files.is_empty(),
        "no saved plans (*{PLAN_SUFFIX}) in {}",
        path.display()
    );
    Ok(files)
}
