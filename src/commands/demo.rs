//! `tenantform demo`: the whole loop in under a minute with no Auth0 account. An emulated
//! tenant is started in-process and seeded to look set up by hand (half right), then the
//! example tenant file is planned, applied and planned again, the app's `local` secrets are
//! rendered, and the invited admin and an uninvited user sign in through the emulator's login
//! page, where the tenant's post-login Action lets in the one and turns away the other.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use secrecy::SecretString;
use serde_json::json;

use crate::api::{ConnectionSettings, ManagementClient};
use crate::apply::ApplyOptions;
use crate::apply::workflow::{execute_with_progress, verify};
use crate::cli::{DemoArgs, PlanFormat};
use crate::commands::ExitStatus;
use crate::login::{LoginClient, LoginOutcome, generate_password, set_password_with_ticket};
use crate::node::{MINIMUM_MAJOR, NodeCheck};
use crate::planning::{PlanOptions, plan_tenant};
use crate::printer::Printer;
use crate::render::{
    EnvironmentPlan, ProviderLayout, RenderInputs, RenderOptions, inputs_from_live, masked_preview,
    render_environment,
};
use auth0_emulator::{Emulator, EmulatorOptions, MessageSink};
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
    // The file first: outside a project the demo fails before it starts or seeds anything.
    let loaded = load_with_demo_secrets(&args.file, printer)?;
    step(
        printer,
        "1/7",
        "Start an emulated Auth0 tenant on 127.0.0.1 (in this process; no account needed)",
    );
    // What the emulator says (the Action's console output, "Actions were SKIPPED") is shown
    // as it happens.
    let sink = printer.clone();
    let emulator = Emulator::start(
        "127.0.0.1:0".parse()?,
        EmulatorOptions {
            messages: Some(MessageSink(Arc::new(move |message| {
                sink.emulator_message(message);
            }))),
            ..EmulatorOptions::default()
        },
    )
    .await?;
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
        "2/7",
        "Set it up the way it often looks after clicking through the dashboard",
    );
    seed_half_configured(&client).await?;
    for line in SEEDED {
        printer.status(&format!("  - {line}"));
    }

    let options = PlanOptions::default();

    step(
        printer,
        "3/7",
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
        "4/7",
        &format!("tenantform apply {} --auto-approve", args.file.display()),
    );
    let report = execute_with_progress(&client, &plan, ApplyOptions::default(), printer).await?;
    if !report.is_complete() {
        emulator.shutdown().await?;
        return Ok(ExitStatus::Failure);
    }

    step(
        printer,
        "5/7",
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

    if let Some(local) = render_local_environment(&client, &loaded, printer).await? {
        sign_in_through_the_emulator(&emulator, &client, &loaded, &local, printer).await?;
    }
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
/// into a temporary directory, shown with every secret masked. Its inputs (the app's client
/// and callback) are what the sign-in step logs in with.
async fn render_local_environment(
    client: &ManagementClient,
    loaded: &LoadedTenant,
    printer: &Printer,
) -> anyhow::Result<Option<RenderInputs>> {
    let Some(streamlit) = &loaded.tenant.streamlit else {
        return Ok(None);
    };
    if !streamlit.environments.contains_key("local") {
        return Ok(None);
    }
    step(
        printer,
        "6/7",
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
    Ok(Some(inputs))
}

/// Who the uninvited user of the sign-in step is.
const STRANGER_EMAIL: &str = "stranger@example.com";

/// The last step: the invited admin (a bootstrap user of the file, created without a password)
/// chooses a password on the password-change ticket page, then the admin and an uninvited
/// user sign in through the emulator's login page with the app's `local` client. The
/// post-login Action decides: the admin's ID token carries the roles claim, the stranger's
/// login ends at the callback with `error=access_denied`. Passwords and tokens stay in memory.
async fn sign_in_through_the_emulator(
    emulator: &Emulator,
    client: &ManagementClient,
    loaded: &LoadedTenant,
    local: &RenderInputs,
    printer: &Printer,
) -> anyhow::Result<()> {
    let invited = loaded.tenant.users.iter().find(|user| {
        user.app_metadata.get("invited") == Some(&json!(true))
            || user
                .app_metadata
                .get("roles")
                .and_then(serde_json::Value::as_array)
                .is_some_and(|roles| !roles.is_empty())
    });
    let (Some(admin), Some(connection)) = (invited, &local.connection_name) else {
        return Ok(());
    };
    step(
        printer,
        "7/7",
        "Sign in through the emulator's login page: the post-login Action at work",
    );
    match NodeCheck::from_version(emulator.actions_node().await) {
        NodeCheck::Supported(version) => {
            printer.status(&format!("  (post-login Actions run in Node {version})"));
        }
        NodeCheck::Unsupported(version) => printer.warning(&format!(
            "Node {version} is older than the {MINIMUM_MAJOR} the Actions runtime needs: the Action may fail"
        )),
        NodeCheck::Missing(_) => printer.warning(&format!(
            "Node.js {MINIMUM_MAJOR}+ was not found: the post-login Actions were SKIPPED, so both users get in (install Node.js {MINIMUM_MAJOR}+ to see the Action deny the stranger)"
        )),
    }

    let admin_user = client
        .users_by_email(&admin.stored_email())
        .await?
        .into_iter()
        .find(|user| {
            user["identities"]
                .as_array()
                .is_some_and(|ids| ids.iter().any(|i| i["connection"] == connection.as_str()))
        })
        .with_context(|| format!("the bootstrap user {} was not created", admin.email))?;
    let user_id = admin_user["user_id"].as_str().unwrap_or_default();
    let ticket = client
        .create_password_change_ticket(&json!({"user_id": user_id}))
        .await?;
    let ticket = ticket["ticket"]
        .as_str()
        .context("the password-change ticket has no URL")?;
    let admin_password = generate_password();
    set_password_with_ticket(ticket, &admin_password).await?;
    printer.status(&format!(
        "  {}: password chosen on the password-change ticket page (as an invited user does)",
        admin.email
    ));

    let stranger_password = generate_password();
    client
        .create_user(&json!({
            "connection": connection,
            "email": STRANGER_EMAIL,
            "password": secrecy::ExposeSecret::expose_secret(&stranger_password),
            "email_verified": true,
            "verify_email": false,
        }))
        .await?;
    printer.status(&format!(
        "  {STRANGER_EMAIL}: created with a password and no app_metadata (never invited)"
    ));

    let login = LoginClient::new(
        &emulator.domain(),
        &local.client_id,
        local.client_secret.clone(),
        &local.redirect_uri,
    )?;
    for (email, password, who) in [
        (admin.email.as_str(), &admin_password, "the invited admin"),
        (STRANGER_EMAIL, &stranger_password, "the uninvited user"),
    ] {
        printer.status(&format!("  {email} ({who}) signs in:"));
        match login.sign_in(email, password).await? {
            LoginOutcome::SignedIn { id_token_claims } => {
                let custom: Vec<_> = id_token_claims
                    .iter()
                    .filter(|(name, _)| name.contains("/claims/"))
                    .collect();
                if custom.is_empty() {
                    printer.status("    signed in; the ID token has no roles claim");
                } else {
                    printer.status("    signed in; the ID token carries:");
                    for (name, value) in custom {
                        printer.status(&format!("      {name}: {value}"));
                    }
                }
            }
            LoginOutcome::Denied { error, description } => {
                printer.status(&format!(
                    "    turned away at the callback: error={error}, error_description={description:?}"
                ));
            }
        }
    }
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
