//! What a command that talks to a tenant does first: load the tenant file with its secrets
//! (any error stops it before a single request is sent), and connect.

use std::path::Path;

use anyhow::Context as _;

use crate::api::{ConnectionSettings, ManagementClient};
use crate::cli::ConnectionArgs;
use crate::printer::Printer;
use tenantform_core::model::LoadedTenant;
use tenantform_core::model::load::LoadOptions;
use tenantform_core::model::validate::load_and_check;

/// Loads and checks `path` with its secrets required, printing its diagnostics.
pub fn load_for_tenant(
    path: &Path,
    strict: bool,
    printer: &Printer,
) -> anyhow::Result<LoadedTenant> {
    let (loaded, diagnostics) = load_and_check(
        path,
        strict,
        LoadOptions {
            require_secrets: true,
        },
    );
    printer.diagnostics(&diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    match loaded {
        Some(loaded) if errors == 0 => Ok(loaded),
        _ => anyhow::bail!(
            "{} has {errors} error{}; nothing was sent to the tenant",
            path.display(),
            if errors == 1 { "" } else { "s" }
        ),
    }
}

/// Connects to the tenant named by `--domain`/`AUTH0_DOMAIN` with the M2M credentials.
pub async fn connect(args: &ConnectionArgs) -> anyhow::Result<ManagementClient> {
    let settings = ConnectionSettings::from_args(args)?;
    let origin = settings.origin();
    ManagementClient::connect(settings)
        .await
        .with_context(|| format!("cannot authenticate with {origin}"))
}
