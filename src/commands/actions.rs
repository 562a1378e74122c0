//! `tenantform actions test`: run Actions against their YAML test cases, without a tenant.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;

use crate::action_tests::{self, DEFAULT_DIR};
use crate::cli::{ActionsArgs, ActionsCommand, ActionsTestArgs};
use crate::commands::ExitStatus;
use crate::node::{MINIMUM_MAJOR, NodeCheck, runtime_options};
use crate::printer::Printer;
use auth0_emulator::login_actions::{ActionsRuntime, RuntimeError};

pub async fn run(args: ActionsArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    match args.command {
        ActionsCommand::Test(args) => test(args, printer).await,
    }
}

async fn test(args: ActionsTestArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let files = if args.files.is_empty() {
        default_files()?
    } else {
        args.files
    };
    let options = runtime_options(
        &args.node.node,
        args.node.actions_node_modules.as_deref(),
        Duration::from_secs(args.timeout),
    )?;
    let runtime = ActionsRuntime::new(options)
        .context("cannot write the Actions runtime to a temporary file")?;
    match NodeCheck::from_version(runtime.node_version().await) {
        NodeCheck::Supported(version) => {
            printer.detail(&format!(
                "Actions run in Node {version} ({})",
                args.node.node.display()
            ));
        }
        NodeCheck::Unsupported(version) => anyhow::bail!(
            "Node.js {MINIMUM_MAJOR}+ is needed to run Actions; `{}` is {}: install a newer Node.js or pass --node PATH",
            args.node.node.display(),
            if version.is_empty() {
                "of an unknown version"
            } else {
                &version
            }
        ),
        NodeCheck::Missing(reason) => anyhow::bail!(
            "Node.js {MINIMUM_MAJOR}+ is needed to run Actions ({reason}): install Node.js {MINIMUM_MAJOR} or later, or pass --node PATH"
        ),
    }

    let (mut passed, mut failed, mut invalid) = (0_usize, 0_usize, 0_usize);
    for path in &files {
        let file = match action_tests::load(path) {
            Ok(file) => file,
            Err(error) => {
                printer.error(&error.to_string());
                invalid += 1;
                continue;
            }
        };
        printer.result(&format!(
            "{} ({}): {} case{}",
            path.display(),
            file.name,
            file.cases.len(),
            if file.cases.len() == 1 { "" } else { "s" }
        ));
        let reports = match action_tests::run(&file, &runtime).await {
            Ok(reports) => reports,
            Err(error @ RuntimeError::NodeMissing { .. }) => anyhow::bail!(
                "Node.js {MINIMUM_MAJOR}+ is needed to run Actions ({error}): install Node.js {MINIMUM_MAJOR} or later, or pass --node PATH"
            ),
            Err(error) => return Err(error.into()),
        };
        for report in reports {
            printer.test_case(report.passed(), &report.name);
            if report.passed() {
                passed += 1;
                continue;
            }
            failed += 1;
            for failure in &report.failures {
                printer.result(&format!("        {failure}"));
            }
            if report.logs.is_empty() {
                printer.result("        (the Action logged nothing)");
            } else {
                printer.result("        the Action logged:");
                for line in &report.logs {
                    printer.result(&format!("          {line}"));
                }
            }
        }
    }
    let invalid_files = match invalid {
        0 => String::new(),
        1 => ", 1 invalid file".to_owned(),
        n => format!(", {n} invalid files"),
    };
    let summary = format!("{passed} passed, {failed} failed{invalid_files}");
    printer.result(&format!("\n{summary}"));
    Ok(if failed > 0 || invalid > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Every test file under `actions/tests` of the current directory.
fn default_files() -> anyhow::Result<Vec<PathBuf>> {
    let dir = Path::new(DEFAULT_DIR);
    let files = crate::yaml_files::yaml_files_in(dir).with_context(|| {
        format!("cannot list {DEFAULT_DIR} (run from the project directory, or pass test files)")
    })?;
    anyhow::ensure!(
        !files.is_empty(),
        "no test files (*.yaml) in {DEFAULT_DIR}: pass test files, or add one (format: crates/auth0-emulator/actions-runtime/README.md, \"Test cases\")"
    );
    Ok(files)
}
