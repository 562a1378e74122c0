//! Write-only values reach the tenant through every path — `apply FILE`, `apply --plan` (with
//! the values only in the `.env` beside the tenant file), `apply --force-secrets` — checked
//! in what the emulator stored (Auth0 never returns them and the request log masks them), and
//! a rotation converges and deploys an unchanged Action once, not at every run.

use std::path::Path;

use auth0_emulator::Emulator;
use serde_json::Value;

use super::support::{copy_project, edit, writes};
use crate::support::emulator::{Api, start};
use crate::support::{Cli, Output, sentinel};

/// The example's Action, as the tenant names it.
const ACTION: &str = "Post-Login Verification";

/// The values the tests plant, each unmistakable; every run checks they never show.
const KEY_FIRST: &str = "tf-test-mailgun-key-first-0c41";
const KEY_ROTATED: &str = "tf-test-mailgun-key-rotated-93ab";
const TOKEN_FIRST: &str = "tf-test-audit-token-first-5d07";
const TOKEN_ROTATED: &str = "tf-test-audit-token-rotated-e2f8";
const PLANTED: [&str; 4] = [KEY_FIRST, KEY_ROTATED, TOKEN_FIRST, TOKEN_ROTATED];

/// The example project whose Action also has a secret, `AUDIT_TOKEN`.
fn project_with_action_secret() -> tempfile::TempDir {
    let project = copy_project();
    edit(
        project.path(),
        "tenants/shared/reporting-dashboard.yaml",
        "    runtime: node22\n",
        "    runtime: node22\n    secrets:\n      AUDIT_TOKEN: ${AUDIT_TOKEN}\n",
    );
    project
}

/// The CLI pointed at `emulator`, run in `dir`, with no secret in its environment (each test
/// sets them where it means to) and none of the planted values allowed in its output.
fn cli(emulator: &Emulator, dir: &Path) -> Cli {
    PLANTED
        .iter()
        .fold(Cli::new().emulator(emulator).current_dir(dir), |cli, v| {
            cli.secret(*v)
        })
}

/// `cli` with the Mailgun key and the Action's token in its environment.
fn cli_with(emulator: &Emulator, dir: &Path, key: &str, token: &str) -> Cli {
    cli(emulator, dir)
        .env("MAILGUN_API_KEY", key)
        .env("AUDIT_TOKEN", token)
}

/// `apply tenants/dev.yaml --auto-approve` and `extra`, with these values in the environment.
async fn apply_with(
    emulator: &Emulator,
    dir: &Path,
    key: &str,
    token: &str,
    extra: &[&str],
) -> Output {
    cli_with(emulator, dir, key, token)
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .args(extra)
        .run_async()
        .await
}

/// The Mailgun key the tenant stored.
fn stored_key(emulator: &Emulator) -> Option<String> {
    emulator
        .stored_email_provider_credentials()?
        .get("api_key")?
        .as_str()
        .map(str::to_owned)
}

/// The value the tenant stored for the Action's `AUDIT_TOKEN`.
fn stored_token(emulator: &Emulator) -> Option<String> {
    emulator
        .stored_action_secrets(ACTION)?
        .into_iter()
        .find_map(|(name, value)| (name == "AUDIT_TOKEN").then_some(value))
}

/// How many versions of the Action were deployed (`GET .../versions`).
async fn deployed_versions(api: &Api) -> u64 {
    let actions = api
        .get("actions/actions?actionName=Post-Login%20Verification")
        .await;
    let id = actions.json()["actions"][0]["id"]
        .as_str()
        .expect("the Action exists")
        .to_owned();
    api.get(&format!("actions/actions/{id}/versions"))
        .await
        .json()["total"]
        .as_u64()
        .expect("a version count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_sends_the_provider_key_and_the_action_secret_from_the_environment() {
    let emulator = start().await;
    let project = project_with_action_secret();
    let dir = project.path();
    let applied = apply_with(&emulator, dir, KEY_FIRST, TOKEN_FIRST, &[]).await;
    applied.assert_success();
    assert_eq!(stored_key(&emulator).as_deref(), Some(KEY_FIRST));
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_FIRST));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_secrets_rotates_both_values_converges_and_redeploys_the_action_once() {
    let emulator = start().await;
    let api = Api::new(&emulator).await;
    let project = project_with_action_secret();
    let dir = project.path();
    apply_with(&emulator, dir, KEY_FIRST, TOKEN_FIRST, &[])
        .await
        .assert_success();
    assert_eq!(deployed_versions(&api).await, 1);

    // Rotation: new values in the environment, re-sent with --force-secrets.
    let rotated = apply_with(
        &emulator,
        dir,
        KEY_ROTATED,
        TOKEN_ROTATED,
        &["--force-secrets"],
    )
    .await;
    rotated.assert_success();
    assert!(
        rotated
            .stderr
            .contains("Verified: planning again finds no changes"),
        "{rotated}"
    );
    assert_eq!(stored_key(&emulator).as_deref(), Some(KEY_ROTATED));
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_ROTATED));
    assert_eq!(
        deployed_versions(&api).await,
        2,
        "the new Action secret is deployed"
    );

    // The same values again (a CI job that always passes --force-secrets): the Action is not
    // deployed again, and the run still succeeds.
    let before = emulator.request_log().len();
    let again = apply_with(
        &emulator,
        dir,
        KEY_ROTATED,
        TOKEN_ROTATED,
        &["--force-secrets"],
    )
    .await;
    again.assert_success();
    assert!(
        again
            .all()
            .contains("nothing sent: the deployed version 2 has these secret values already"),
        "{again}"
    );
    assert_eq!(deployed_versions(&api).await, 2, "{again}");
    let action_writes: Vec<String> = writes(&emulator.request_log()[before..])
        .into_iter()
        .filter(|w| w.contains("/actions/actions"))
        .collect();
    assert_eq!(action_writes, Vec::<String>::new(), "{again}");
    assert_eq!(stored_key(&emulator).as_deref(), Some(KEY_ROTATED));
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_ROTATED));

    // Rotating only the Action's token deploys it once more.
    apply_with(
        &emulator,
        dir,
        KEY_ROTATED,
        TOKEN_FIRST,
        &["--force-secrets"],
    )
    .await
    .assert_success();
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_FIRST));
    assert_eq!(deployed_versions(&api).await, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_changed_behind_tenantforms_back_is_re_sent_by_force_secrets() {
    let emulator = start().await;
    let api = Api::new(&emulator).await;
    let project = project_with_action_secret();
    let dir = project.path();
    apply_with(&emulator, dir, KEY_FIRST, TOKEN_FIRST, &[])
        .await
        .assert_success();
    // Someone sets the token by hand (the dashboard sends the whole list).
    let actions = api
        .get("actions/actions?actionName=Post-Login%20Verification")
        .await;
    let id = actions.json()["actions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let secrets: Vec<Value> = actions.json()["actions"][0]["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| serde_json::json!({"name": s["name"], "value": "set-by-hand"}))
        .collect();
    api.patch(
        &format!("actions/actions/{id}"),
        &serde_json::json!({"secrets": secrets}),
    )
    .await;
    api.post(&format!("actions/actions/{id}/deploy"), &Value::Null)
        .await;
    assert_eq!(stored_token(&emulator).as_deref(), Some("set-by-hand"));

    apply_with(&emulator, dir, KEY_FIRST, TOKEN_FIRST, &["--force-secrets"])
        .await
        .assert_success();
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_FIRST));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_takes_its_secrets_from_the_env_file_beside_the_tenant_file() {
    let emulator = start().await;
    let project = project_with_action_secret();
    let dir = project.path();
    std::fs::write(
        dir.join("tenants/.env"),
        format!("MAILGUN_API_KEY={KEY_FIRST}\nAUDIT_TOKEN={TOKEN_FIRST}\n"),
    )
    .unwrap();
    let plan = cli(&emulator, dir)
        .args(["plan", "tenants/dev.yaml", "--out", "plan.json"])
        .run_async()
        .await;
    plan.assert_success();
    let saved = std::fs::read_to_string(dir.join("plan.json")).unwrap();
    for value in PLANTED {
        assert!(
            !saved.contains(value),
            "a secret value is in the saved plan"
        );
    }
    sentinel::assert_absent("the saved plan", &saved);

    // Without the tenant file there is no `.env` to read: refused before any write, naming
    // the variables and where to put them.
    let before = emulator.request_log().len();
    let refused = cli(&emulator, dir)
        .args(["apply", "--plan", "plan.json", "--auto-approve"])
        .run_async()
        .await;
    refused.assert_code(1);
    for needed in ["AUDIT_TOKEN", "MAILGUN_API_KEY", "tenant file"] {
        assert!(refused.stderr.contains(needed), "{needed}: {refused}");
    }
    assert_eq!(
        writes(&emulator.request_log()[before..]),
        Vec::<String>::new()
    );

    let applied = cli(&emulator, dir)
        .args([
            "apply",
            "--plan",
            "plan.json",
            "tenants/dev.yaml",
            "--auto-approve",
        ])
        .run_async()
        .await;
    applied.assert_success();
    assert!(applied.stderr.contains("Verified"), "{applied}");
    assert_eq!(stored_key(&emulator).as_deref(), Some(KEY_FIRST));
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_FIRST));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_force_secrets_plan_rotates_both_values() {
    let emulator = start().await;
    let project = project_with_action_secret();
    let dir = project.path();
    apply_with(&emulator, dir, KEY_FIRST, TOKEN_FIRST, &[])
        .await
        .assert_success();
    cli_with(&emulator, dir, KEY_ROTATED, TOKEN_ROTATED)
        .args([
            "plan",
            "tenants/dev.yaml",
            "--force-secrets",
            "--out",
            "plan.json",
        ])
        .run_async()
        .await
        .assert_success();
    // The saved plan is applied elsewhere (CI), with the values in its environment only.
    let applied = cli_with(&emulator, dir, KEY_ROTATED, TOKEN_ROTATED)
        .args(["apply", "--plan", "plan.json", "--auto-approve"])
        .run_async()
        .await;
    applied.assert_success();
    assert_eq!(stored_key(&emulator).as_deref(), Some(KEY_ROTATED));
    assert_eq!(stored_token(&emulator).as_deref(), Some(TOKEN_ROTATED));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_secret_is_missing_not_sent() {
    let emulator = start().await;
    let project = project_with_action_secret();
    let dir = project.path();
    // Plan works without it and warns; apply, which would send it, refuses.
    for (args, code) in [
        (&["apply", "tenants/dev.yaml", "--auto-approve"][..], 1),
        (&["plan", "tenants/dev.yaml"][..], 0),
    ] {
        let run = cli_with(&emulator, dir, "", TOKEN_FIRST)
            .args(args)
            .run_async()
            .await;
        run.assert_code(code);
        assert!(
            run.stderr
                .contains("credentials.api_key: ${MAILGUN_API_KEY} is not set"),
            "{run}"
        );
    }
    assert_eq!(writes(&emulator.request_log()), Vec::<String>::new());
    assert_eq!(stored_key(&emulator), None);
}
