//! `tenantform validate`: check tenant files without touching any tenant.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::ValidateArgs;
use crate::commands::ExitStatus;
use crate::printer::Printer;
use tenantform_core::model::load::LoadOptions;
use tenantform_core::model::validate::load_and_check;

pub fn run(args: &ValidateArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let files = if args.files.is_empty() {
        default_tenant_files(Path::new("tenants"))?
    } else {
        args.files.clone()
    };
    let mut failed = false;
    for file in &files {
        let (_, diagnostics) = load_and_check(file, args.strict, LoadOptions::default());
        printer.diagnostics(&diagnostics);
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let warnings = diagnostics.len() - errors;
        failed |= errors > 0;
        if !printer.is_quiet() {
            let verdict = if errors > 0 { "invalid" } else { "valid" };
            printer.result(&format!(
                "{}: {verdict} ({})",
                file.display(),
                count_words(errors, warnings)
            ));
        }
    }
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Every `*.yaml` directly under `dir` (shared layers live in subdirectories), sorted.
fn default_tenant_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let files = crate::yaml_files::yaml_files_in(dir).with_context(|| {
        format!(
            "cannot list {} (pass tenant files explicitly)",
            dir.display()
        )
    })?;
    anyhow::ensure!(!files.is_empty(), "no tenant files in {}", dir.display());
    Ok(files)
}

fn count_words(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}
