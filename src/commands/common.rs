//! What the commands that talk to a tenant share: loading the file strictly, connecting.

use std::path::Path;

use anyhow::Context;

use crate::api::{ConnectionSettings, ManagementClient};
use crate::cli::ConnectionArgs;
use crate::commands::validate::print_diagnostics;
use tenantform_core::model::LoadedTenant;
use tenantform_core::model::load::LoadOptions;
use tenantform_core::model::validate::load_and_check;

/// Loads and checks `path` with its secrets required; any error stops the command before a
/// single request is sent.
pub fn load_for_tenant(path: &Path, strict: bool) -> anyhow::Result<LoadedTenant> {
    let (loaded, diagnostics) = load_and_check(
        path,
        strict,
        LoadOptions {
            require_secrets: true,
        },
    );
    print_diagnostics(&diagnostics);
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

/// Writes `contents` to `path` atomically (see [`private_file`]).
pub fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    private_file::write_private(path, contents.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
