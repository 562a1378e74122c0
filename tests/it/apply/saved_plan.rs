//! `apply --plan`: executes the saved plan exactly, refuses it after a concurrent change, and
//! needs its secrets from the environment.

use serde_json::json;
use std::time::Duration;

use super::support::{SENTINEL, cli, client, copy_project, emulator, run, writes};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_is_refused_after_a_concurrent_change() {
    let emulator = emulator().await;
    let project = copy_project();
    let dir = project.path();
    let plan =
        run(cli(&emulator, dir).args(["plan", "tenants/dev.yaml", "--out", "plan.json"])).await;
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        !std::fs::read_to_string(dir.join("plan.json"))
            .unwrap()
            .contains(SENTINEL)
    );

    // Someone changes a setting the plan read, in the dashboard.
    let api = client(&emulator, Duration::from_secs(10)).await;
    api.update_tenant_settings(&json!({"friendly_name": "changed by hand"}))
        .await
        .unwrap();
    let before = emulator.request_log().len();
    let applied =
        run(cli(&emulator, dir).args(["apply", "--plan", "plan.json", "--auto-approve"])).await;
    assert_eq!(applied.code, 1, "{}\n{}", applied.stdout, applied.stderr);
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
    let emulator = emulator().await;
    let project = copy_project();
    let dir = project.path();
    let plan =
        run(cli(&emulator, dir).args(["plan", "tenants/dev.yaml", "--out", "plan.json"])).await;
    assert_eq!(plan.code, 0, "{}", plan.stderr);

    let before = emulator.request_log().len();
    let missing = run(cli(&emulator, dir).env("MAILGUN_API_KEY", "").args([
        "apply",
        "--plan",
        "plan.json",
        "--auto-approve",
    ]))
    .await;
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("MAILGUN_API_KEY"),
        "{}",
        missing.stderr
    );
    assert_eq!(
        writes(&emulator.request_log()[before..]),
        Vec::<String>::new()
    );

    let applied = run(cli(&emulator, dir).args([
        "apply",
        "tenants/dev.yaml",
        "--plan",
        "plan.json",
        "--auto-approve",
    ]))
    .await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(applied.stderr.contains("Verified"), "{}", applied.stderr);
    // The provider got the key from the environment (the log masks it, so look at the store
    // through the plan: nothing left to change).
    let again =
        run(cli(&emulator, dir).args(["plan", "tenants/dev.yaml", "--detailed-exitcode"])).await;
    assert_eq!(again.code, 0, "{}", again.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_without_a_terminal_needs_auto_approve() {
    let emulator = emulator().await;
    let project = copy_project();
    let applied = run(cli(&emulator, project.path()).args(["apply", "tenants/dev.yaml"])).await;
    assert_eq!(applied.code, 1);
    assert!(
        applied.stderr.contains("--auto-approve"),
        "{}",
        applied.stderr
    );
    assert_eq!(writes(&emulator.request_log()), Vec::<String>::new());
}
