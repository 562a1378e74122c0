//! `tenantform render`: `.streamlit/secrets.toml` and `.env` for one environment of the app.

use anyhow::Context;
use secrecy::SecretString;

use crate::cli::{RenderArgs, RenderSource};
use crate::commands::ExitStatus;
use crate::printer::Printer;
use crate::render::{
    EnvironmentPlan, FileDefaults, ProviderLayout, RenderOptions, inputs_from_env,
    inputs_from_live, process_environment, render_environment,
};
use crate::session::connect_tenant;
use tenantform_core::model::load::LoadOptions;
use tenantform_core::model::validate::load_and_check;

pub async fn run(args: RenderArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    // Render never sends the file's secrets anywhere, so they need not be set.
    let (loaded, diagnostics) = load_and_check(&args.file, false, LoadOptions::default());
    printer.diagnostics(&diagnostics);
    let loaded = match loaded {
        Some(loaded)
            if !diagnostics
                .iter()
                .any(tenantform_core::model::Diagnostic::is_error) =>
        {
            loaded
        }
        _ => anyhow::bail!("{} has errors; nothing was rendered", args.file.display()),
    };
    let streamlit_provider = loaded
        .tenant
        .streamlit
        .as_ref()
        .map(|s| s.provider().to_owned());
    let provider = if args.default_provider {
        ProviderLayout::Default
    } else {
        let name = args
            .provider_name
            .clone()
            .or(streamlit_provider)
            .unwrap_or_else(|| "auth0".to_owned());
        ProviderLayout::from_name(&name)
            .map_err(|reason| anyhow::anyhow!("provider name `{name}`: {reason}"))?
    };
    let plan = EnvironmentPlan::from_tenant(&loaded.tenant, &args.environment, provider)
        .with_context(|| format!("cannot render {}", args.file.display()))?;

    let vars = process_environment();
    let env_cookie_secret = vars
        .get("STREAMLIT_AUTH_COOKIE_SECRET")
        .filter(|v| !v.is_empty())
        .map(|v| SecretString::from(v.clone()));
    let (inputs, cookie_secret, mut warnings) = match args.from {
        RenderSource::Env => {
            let defaults = FileDefaults {
                redirect_uri: Some(plan.redirect_uri.clone()),
                domain: None,
                connection_name: plan.connection_name.clone(),
                provider: Some(plan.provider.clone()),
            };
            let gathered = inputs_from_env(&args.environment, &vars, &defaults)?;
            (gathered.inputs, gathered.cookie_secret, gathered.warnings)
        }
        RenderSource::Live => {
            let client = connect_tenant(&args.connection, Some(&loaded), printer).await?;
            (
                inputs_from_live(&client, &plan).await?,
                env_cookie_secret,
                Vec::new(),
            )
        }
    };
    let report = render_environment(
        &inputs,
        &RenderOptions {
            out_dir: args.out_dir.clone(),
            project_dir: Some(loaded.root.clone()),
            rotate_cookie_secret: args.rotate_cookie_secret,
            env_cookie_secret: cookie_secret,
        },
    )?;
    warnings.extend(report.warnings.iter().cloned());
    for line in report.summary_lines() {
        printer.status(&line);
    }
    printer.status(report.cookie_secret.describe());
    for warning in &warnings {
        printer.warning(&warning.to_string());
    }
    Ok(ExitStatus::Success)
}
