//! `tenantform export`: write the live tenant as a tenant file.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::cli::ExportArgs;
use crate::commands::ExitStatus;
use crate::export::{self, ExportContext, Exported, KindSelection};
use crate::printer::Printer;
use crate::session::connect;
use tenantform_core::live;
use tenantform_core::model::load::LoadOptions;
use tenantform_core::model::validate::load_and_check;

pub async fn run(args: ExportArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let kinds = KindSelection::parse(&args.include, &args.exclude).map_err(anyhow::Error::msg)?;
    let client = connect(&args.connection, printer).await?;
    let read = export::read_everything(&client, &kinds).await?;
    let live =
        live::normalize(&read.raw).context("the live tenant returned something unexpected")?;
    let context = ExportContext {
        origin: client.settings().origin(),
        own_client_id: client.own_client_id().to_owned(),
        kinds,
    };
    let exported = export::build(&live, &read.raw.users, &context);
    let yaml = export::yaml::to_yaml(&exported.file, &args.out)
        .context("cannot write the tenant file as YAML")?;
    let written = export::write_export(&exported, &yaml, &args.out, args.force)?;

    let stats = client.stats();
    printer.status(&format!(
        "read the tenant with {} requests ({} rate-limited, {} retried)",
        stats.requests, stats.rate_limited, stats.retries
    ));
    if let Some(total) = read.truncated_users {
        printer.warning(&format!(
            "{total} users with app_metadata matched; exported the first {} (Auth0's search limit)",
            export::read::USERS_LIMIT
        ));
    }
    for note in &exported.notes {
        printer.status(note);
    }
    if !exported.skipped.is_empty() {
        printer.status("not exported:");
        for skipped in &exported.skipped {
            printer.status(&format!("  {skipped}"));
        }
    }
    for path in &written {
        printer.status(&format!("wrote {}", path.display()));
    }
    check_reloads(&args.out, printer);
    printer.result(&variables_message(&exported));
    Ok(ExitStatus::Success)
}

/// The variables the user must set before planning (never values: Auth0 does not return them).
fn variables_message(exported: &Exported) -> String {
    if exported.variables.is_empty() {
        return "No write-only values: the file plans as it is.".to_owned();
    }
    let width = exported
        .variables
        .iter()
        .map(|v| v.name.len())
        .max()
        .unwrap_or(0);
    let mut text = String::from(
        "Auth0 never returns these write-only values; set them (environment or .env beside the file) before you plan:\n",
    );
    for variable in &exported.variables {
        let _ = writeln!(text, "  {:width$}  {}", variable.name, variable.used_by);
    }
    text.trim_end().to_owned()
}

/// The export must load with the project's own loader; say so loudly if it does not.
fn check_reloads(out: &Path, printer: &Printer) {
    let (_, diagnostics) = load_and_check(
        out,
        false,
        LoadOptions {
            require_secrets: false,
        },
    );
    for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
        printer.warning(&format!(
            "the exported file does not load cleanly: {diagnostic}"
        ));
    }
}
