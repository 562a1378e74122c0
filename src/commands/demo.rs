//! `tenantform demo`: the whole loop in under a minute with no Auth0 account. An emulated
//! tenant is started in-process and seeded to look set up by hand (half right), then the
//! example tenant file is planned, applied and planned again.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use secrecy::SecretString;
use serde_json::json;

use crate::api::{ConnectionSettings, ManagementClient};
use crate::apply::ApplyOptions;
use crate::apply::workflow::{execute_with_progress, verify};
use crate::cli::{DemoArgs, PlanFormat};
use crate::commands::ExitStatus;
use crate::planning::{PlanOptions, plan_tenant};
use crate::printer::Printer;
use crate::render::{
    EnvironmentPlan, ProviderLayout, RenderOptions, inputs_from_live, masked_preview,
    render_environment,
};
use auth0_emulator::{Emulator, EmulatorOptions};
use tenantform_core::model::LoadedTenant;
use tenantform_core::model::load::{LoadOptions, load_tenant_with};
use tenantform_core::model::variables::Variables;

/// Secret variables the example needs; the demo sets a stand-in in-process when unset.
const DEMO_SECRETS: &[(&str, &str)] = &[("MAILGUN_API_KEY", "demo-mailgun-key-not-a-real-one")];

/// The emulated tenant the demo ran against: what a render step needs to write secrets.
struct DemoTenant {
    /// `http://127.0.0.1:PORT` (what AUTH0_DOMAIN is set to).
    domain: String,
    /// The M2M client tenantform signed in with (it may read other clients' secrets).
    client_id: String,
    client_secret: SecretString,
}

pub async fn run(args: DemoArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let started = Instant::now();
    step(
        printer,
        "1/6",
        "Start an emulated Auth0 tenant on 127.0.0.1 (in this process; no account needed)",
    );
    let emulator = Emulator::start("127.0.0.1:0".parse()?, EmulatorOptions::default()).await?;
    let tenant = DemoTenant {
        domain: emulator.domain(),
        client_id: emulator.client_id().to_owned(),
        client_secret: emulator.client_secret().clone(),
    };
    let settings = ConnectionSettings::new(
        &tenant.domain,
        tenant.client_id.clone(),
        tenant.client_secret.clone(),
    )?;
    let client = ManagementClient::connect(settings).await?;
    printer.status(&format!("  AUTH0_DOMAIN={}", tenant.domain));

    step(
        printer,
        "2/6",
        "Set it up the way it often looks after clicking through the dashboard",
    );
    seed_half_configured(&client).await?;
    for line in SEEDED {
        printer.status(&format!("  - {line}"));
    }

    let loaded = load_with_demo_secrets(&args.file, printer)?;
    let options = PlanOptions::default();

    step(
        printer,
        "3/6",
        &format!("tenantform plan {}", args.file.display()),
    );
    let before = client.stats().requests;
    let (plan, _) = plan_tenant(&client, &loaded.tenant, options).await?;
    printer.plan(&plan, PlanFormat::Human);
    printer.status(&format!(
        "  (read with {} requests)",
        client.stats().requests - before
    ));

    step(
        printer,
        "4/6",
        &format!("tenantform apply {} --auto-approve", args.file.display()),
    );
    let report = execute_with_progress(&client, &plan, ApplyOptions::default(), printer).await?;
    if !report.is_complete() {
        emulator.shutdown().await?;
        return Ok(ExitStatus::Failure);
    }

    step(
        printer,
        "5/6",
        &format!("tenantform plan {} (again)", args.file.display()),
    );
    let before = client.stats().requests;
    let (again, _) = plan_tenant(&client, &loaded.tenant, options).await?;
    printer.plan(&again, PlanFormat::Human);
    printer.status(&format!(
        "  (read with {} requests)",
        client.stats().requests - before
    ));
    let converged =
        !again.has_changes() || verify(&client, &loaded.tenant, options, printer).await?;
    let status = if converged {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    };

    render_local_environment(&client, &loaded, printer).await?;
    printer.result(&format!(
        "\nDemo finished in {:.1}s with {} Management API requests in total. Run it against your own tenant with AUTH0_DOMAIN, AUTH0_M2M_CLIENT_ID and AUTH0_M2M_CLIENT_SECRET set: `tenantform plan {}`.",
        started.elapsed().as_secs_f64(),
        client.stats().requests,
        args.file.display()
    ));
    emulator.shutdown().await?;
    Ok(status)
}

/// The step after apply: the `local` environment of the app rendered from the emulated tenant
/// into a temporary directory, shown with every secret masked.
async fn render_local_environment(
    client: &ManagementClient,
    loaded: &LoadedTenant,
    printer: &Printer,
) -> anyhow::Result<()> {
    let Some(streamlit) = &loaded.tenant.streamlit else {
        return Ok(());
    };
    if !streamlit.environments.contains_key("local") {
        return Ok(());
    }
    step(
        printer,
        "6/6",
        &format!("tenantform render {} --env local", loaded.path.display()),
    );
    let provider = ProviderLayout::from_name(streamlit.provider())
        .map_err(|reason| anyhow::anyhow!("provider name: {reason}"))?;
    let environment = EnvironmentPlan::from_tenant(&loaded.tenant, "local", provider)?;
    let inputs = inputs_from_live(client, &environment).await?;
    let out_dir = tempfile::tempdir()?;
    let report = render_environment(
        &inputs,
        &RenderOptions {
            out_dir: out_dir.path().to_path_buf(),
            project_dir: Some(loaded.root.clone()),
            rotate_cookie_secret: false,
            env_cookie_secret: None,
        },
    )?;
    for file in &report.files {
        printer.status(&format!(
            "  {} (mode 0600, secrets masked):",
            file.target.relative_path().display()
        ));
        for line in masked_preview(file)?.lines() {
            printer.status(&format!("    {line}"));
        }
    }
    printer.status("  (written to a temporary directory that is removed when the demo ends)");
    Ok(())
}

/// What [`seed_half_configured`] sets up, in words.
const SEEDED: &[&str] = &[
    "application `Acme Reporting Dashboard`: only the localhost callback, HS256 tokens (Streamlit needs RS256)",
    "connection `reporting-dashboard-users`: public sign-up enabled",
    "tenant flag `enable_client_connections` on (new apps inherit every connection)",
    "email template `verify_email` enabled",
];

/// Seeds the emulated tenant through its Management API, as a person might have.
async fn seed_half_configured(client: &ManagementClient) -> anyhow::Result<()> {
    client
        .create_client(&json!({
            "name": "Acme Reporting Dashboard",
            "app_type": "regular_web",
            "callbacks": ["http://localhost:8501/oauth2callback"],
        }))
        .await?;
    client
        .create_connection(&json!({
            "name": "reporting-dashboard-users",
            "strategy": "auth0",
            "options": {"disable_signup": false, "brute_force_protection": true},
        }))
        .await?;
    client
        .update_tenant_settings(&json!({"flags": {"enable_client_connections": true}}))
        .await?;
    client
        .create_email_template(&json!({
            "template": "verify_email",
            "enabled": true,
            "syntax": "liquid",
            "from": "no-reply@example.com",
            "subject": "Verify your email",
            "body": "<p>Verify your email: {{ url }}</p>",
        }))
        .await?;
    Ok(())
}

/// Loads the tenant file with the environment and `.env` beside it, adding a stand-in for
/// each demo secret that is unset (in this process only).
fn load_with_demo_secrets(path: &Path, printer: &Printer) -> anyhow::Result<LoadedTenant> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut values: HashMap<String, String> = HashMap::new();
    let dotenv = dir.join(".env");
    if dotenv.is_file() {
        for item in dotenvy::from_path_iter(&dotenv)
            .with_context(|| format!("cannot read {}", dotenv.display()))?
        {
            let (key, value) = item.with_context(|| format!("cannot read {}", dotenv.display()))?;
            values.insert(key, value);
        }
    }
    values.extend(std::env::vars());
    for (name, value) in DEMO_SECRETS {
        if values.get(*name).is_none_or(String::is_empty) {
            values.insert((*name).to_owned(), (*value).to_owned());
            printer.status(&format!(
                "  ({name} is not set: using a stand-in value for the demo)"
            ));
        }
    }
    let variables = Variables::from_map(values);
    let (loaded, diagnostics) = load_tenant_with(
        path,
        &variables,
        LoadOptions {
            require_secrets: true,
        },
    );
    printer.diagnostics(&diagnostics);
    loaded.with_context(|| {
        format!(
            "cannot load {} (run the demo from the project directory, or pass --file)",
            path.display()
        )
    })
}

fn step(printer: &Printer, number: &str, text: &str) {
    printer.result(&format!("\n==> [{number}] {text}"));
}
