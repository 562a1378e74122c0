//! Apply needs the value of a write-only secret only when its plan sends it: a change that
//! leaves the secret alone applies with its variable unset (and plan works without it), a
//! change that sends it is refused before any write, naming every such secret at once.

use std::path::Path;

use auth0_emulator::Emulator;

use super::support::writes;
use crate::support::Cli;
use crate::support::emulator::{Api, start};

const GOOGLE_SECRET: &str = "tf-test-google-secret-7a3e";
const SMTP_PASS: &str = "tf-test-smtp-pass-c0d9";

/// An application and a Google connection enabled for it; `enabled` lists the applications.
fn tenant_yaml(enabled: &str) -> String {
    format!(
        "applications:
  dashboard:
    name: Dashboard
    app_type: regular_web
    callbacks: [http://localhost:8501/oauth2callback]
  reports:
    name: Reports
    app_type: regular_web
connections:
  google:
    strategy: google-oauth2
    client_id: google-client-id
    client_secret: ${{GOOGLE_SECRET}}
    scopes: [email, profile]
    enabled_applications: [{enabled}]
"
    )
}

/// An SMTP email provider whose password is `${SMTP_PASS}`.
const SMTP_PROVIDER: &str = "email_provider:
  name: smtp
  default_from_address: no-reply@acme.example
  credentials:
    smtp_host: smtp.acme.example
    smtp_port: 587
    smtp_user: mailer
    smtp_pass: ${SMTP_PASS}
";

fn project(yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tenant.yaml"), yaml).unwrap();
    dir
}

/// The CLI against `emulator` in `dir`, with neither secret in its environment unless added.
fn cli(emulator: &Emulator, dir: &Path) -> Cli {
    Cli::new()
        .emulator(emulator)
        .current_dir(dir)
        .secret(GOOGLE_SECRET)
        .secret(SMTP_PASS)
}

fn apply(emulator: &Emulator, dir: &Path) -> Cli {
    cli(emulator, dir).args(["apply", "tenant.yaml", "--auto-approve"])
}

/// The Google connection's stored `options.client_secret` (Auth0 returns it to a client with
/// `read:connections`; only the request log masks it).
async fn stored_google_secret(emulator: &Emulator) -> Option<String> {
    let api = Api::new(emulator).await;
    let connections = api.get("connections?name=google").await;
    connections.json()[0]["options"]["client_secret"]
        .as_str()
        .map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enablement_change_applies_without_the_connections_secret() {
    let emulator = start().await;
    let dir = project(&tenant_yaml("dashboard"));
    apply(&emulator, dir.path())
        .env("GOOGLE_SECRET", GOOGLE_SECRET)
        .run_async()
        .await
        .assert_success();
    assert_eq!(
        stored_google_secret(&emulator).await.as_deref(),
        Some(GOOGLE_SECRET)
    );

    // Enable one more application, with GOOGLE_SECRET unset: nothing sends the secret.
    std::fs::write(
        dir.path().join("tenant.yaml"),
        tenant_yaml("dashboard, reports"),
    )
    .unwrap();
    let planned = cli(&emulator, dir.path())
        .args(["plan", "tenant.yaml"])
        .run_async()
        .await;
    planned.assert_success();
    assert!(planned.stdout.contains("enabled_applications"), "{planned}");
    assert!(!planned.stderr.contains("GOOGLE_SECRET"), "{planned}");
    let first = emulator.request_log().len();
    let applied = apply(&emulator, dir.path()).run_async().await;
    applied.assert_success();
    let sent = writes(&emulator.request_log()[first..]);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].starts_with("PATCH /api/v2/connections/") && sent[0].ends_with("/clients"),
        "{sent:?}"
    );
    assert_eq!(
        stored_google_secret(&emulator).await.as_deref(),
        Some(GOOGLE_SECRET),
        "the stored secret is unchanged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_that_sends_an_unset_secret_is_refused_before_any_write() {
    let emulator = start().await;
    let dir = project(&tenant_yaml("dashboard"));
    // Plan works without the value, and says apply will need it.
    let planned = cli(&emulator, dir.path())
        .args(["plan", "tenant.yaml"])
        .run_async()
        .await;
    planned.assert_success();
    assert!(
        planned.stderr.contains(
            "connection[\"google\"] options.client_secret: ${GOOGLE_SECRET} is not set: apply will send it"
        ),
        "{planned}"
    );

    let applied = apply(&emulator, dir.path()).run_async().await;
    applied.assert_code(1);
    assert!(
        applied
            .stderr
            .contains("connection[\"google\"] options.client_secret: ${GOOGLE_SECRET} is not set"),
        "{applied}"
    );
    assert!(applied.stderr.contains("nothing was changed"), "{applied}");
    assert_eq!(writes(&emulator.request_log()), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_unset_secret_the_plan_sends_is_named_in_one_run() {
    let emulator = start().await;
    let dir = project(&format!("{}{SMTP_PROVIDER}", tenant_yaml("dashboard")));
    let applied = apply(&emulator, dir.path()).run_async().await;
    applied.assert_code(1);
    for line in [
        "  - connection[\"google\"] options.client_secret: ${GOOGLE_SECRET} is not set",
        "  - email_provider[\"provider\"] credentials.smtp_pass: ${SMTP_PASS} is not set",
    ] {
        assert!(applied.stderr.contains(line), "{line}\n{applied}");
    }
    assert!(
        applied
            .stderr
            .contains("set them in the environment or in .env"),
        "{applied}"
    );
    assert_eq!(writes(&emulator.request_log()), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callbacks_change_applies_while_an_unrelated_smtp_password_is_unset() {
    let emulator = start().await;
    let yaml = format!("{}{SMTP_PROVIDER}", tenant_yaml("dashboard"));
    let dir = project(&yaml);
    apply(&emulator, dir.path())
        .env("GOOGLE_SECRET", GOOGLE_SECRET)
        .env("SMTP_PASS", SMTP_PASS)
        .run_async()
        .await
        .assert_success();
    let changed = yaml.replace(
        "callbacks: [http://localhost:8501/oauth2callback]",
        "callbacks: [http://localhost:8502/oauth2callback]",
    );
    std::fs::write(dir.path().join("tenant.yaml"), changed).unwrap();
    let first = emulator.request_log().len();
    let applied = apply(&emulator, dir.path()).run_async().await;
    applied.assert_success();
    let sent = writes(&emulator.request_log()[first..]);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("PATCH /api/v2/clients/"), "{sent:?}");
    let stored = emulator.stored_email_provider_credentials().unwrap();
    assert_eq!(stored["smtp_pass"], SMTP_PASS);
}
