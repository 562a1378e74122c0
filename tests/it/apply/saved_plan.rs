//! `apply --plan`: executes the saved plan exactly, refuses it after a concurrent change, and
//! needs its secrets from the environment.

use serde_json::json;
use std::time::Duration;

use super::support::{cli, copy_project, writes};
use crate::support::emulator::start;
use crate::support::{management_client_with_timeout, sentinel};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_is_refused_after_a_concurrent_change() {
    let emulator = start().await;
    let project = copy_project();
    let dir = project.path();
    let plan = cli(&emulator, dir)
        .args(["plan", "tenants/dev.yaml", "--out", "plan.json"])
        .run_async()
        .await;
    plan.assert_success();
    sentinel::assert_absent(
        "the saved plan",
        &std::fs::read_to_string(dir.join("plan.json")).unwrap(),
    );

    // Someone changes a setting the plan read, in the dashboard.
    let api = management_client_with_timeout(&emulator, Duration::from_secs(10)).await;
    api.update_tenant_settings(&json!({"friendly_name": "changed by hand"}))
        .await
        .unwrap();
    let before = emulator.request_log().len();
    let applied = cli(&emulator, dir)
        .args(["apply", "--plan", "plan.json", "--auto-approve"])
        .run_async()
        .await;
    applied.assert_code(1);
    assert!(
        applied
            .stderr
            .contains("the tenant changed since the plan was made"),
        "{}",
        applied.stderr
    );
    assert_eq!(
        writes(&emulator.request_log()[before..]),
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_applies_exactly_and_needs_its_secrets_from_the_environment() {
    let emulator = start().await;
    let project = copy_project();
    let dir = project.path();
    let plan = cli(&emulator, dir)
        .args(["plan", "tenants/dev.yaml", "--out", "plan.json"])
        .run_async()
        .await;
    plan.assert_success();

    let before = emulator.request_log().len();
    let missing = cli(&emulator, dir)
        .env("MAILGUN_API_KEY", "")
        .args(["apply", "--plan", "plan.json", "--auto-approve"])
        .run_async()
        .await;
    missing.assert_code(1);
    assert!(
        missing.stderr.contains("MAILGUN_API_KEY"),
        "{}",
        missing.stderr
    );
    // Refused before connecting: not even the token or the apply lock was asked for.
    let sent: Vec<String> = emulator.request_log()[before..]
        .iter()
        .map(|entry| format!("{} {}", entry.method, entry.path))
        .collect();
    assert_eq!(sent, Vec::<String>::new());

    let applied = cli(&emulator, dir)
        .args([
            "apply",
            "tenants/dev.yaml",
            "--plan",
            "plan.json",
            "--auto-approve",
        ])
        .run_async()
        .await;
    applied.assert_success();
    assert!(applied.stderr.contains("Verified"), "{}", applied.stderr);
    // The provider got the key from the environment: what the tenant stored (a plan cannot
    // tell, Auth0 never returns it, and the request log masks it).
    let stored = emulator
        .stored_email_provider_credentials()
        .expect("the provider was created");
    assert_eq!(stored["api_key"], sentinel::MAILGUN_API_KEY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_without_a_terminal_needs_auto_approve() {
    let emulator = start().await;
    let project = copy_project();
    let applied = cli(&emulator, project.path())
        .args(["apply", "tenants/dev.yaml"])
        .run_async()
        .await;
    applied.assert_code(1);
    assert!(
        applied.stderr.contains("--auto-approve"),
        "{}",
        applied.stderr
    );
    assert_eq!(writes(&emulator.request_log()), Vec::<String>::new());
}
