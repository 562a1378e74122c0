//! `tenantform plan` against the emulator: a hand-made tenant that matches the example plans to
//! zero changes, every single drift is reported with its field path and exit code 2, the three
//! output formats are snapshotted, and no secret reaches any output (`Cli::run` checks every
//! run for the sentinel Mailgun key and the emulator's client secret; the saved plan is checked
//! here).

mod hand_applied;

use auth0_emulator::Emulator;
use serde_json::json;

use crate::support::emulator::{Api, start};
use crate::support::{Cli, Output, sentinel};
use hand_applied::{HandApplied, connection_options_with, hand_apply_example, wait_until_built};

/// The CLI pointed at `emulator`, with the sentinel Mailgun key.
fn cli(emulator: &Emulator) -> Cli {
    Cli::new().emulator(emulator).sentinels()
}

fn plan(emulator: &Emulator, extra: &[&str]) -> Output {
    cli(emulator)
        .args(["plan", "tenants/dev.yaml", "--detailed-exitcode"])
        .args(extra)
        .run()
}

async fn matching_tenant() -> (Emulator, Api, HandApplied) {
    let emulator = start().await;
    let api = Api::new(&emulator).await;
    let ids = hand_apply_example(&api).await;
    (emulator, api, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_set_up_by_hand_to_match_the_file_plans_to_zero_changes() {
    let (emulator, _api, _) = matching_tenant().await;
    let before = emulator.request_log().len();
    let run = plan(&emulator, &[]);
    run.assert_success();
    assert!(run.stdout.contains("No changes."), "{}", run.stdout);
    assert!(
        run.stdout.contains("cannot be compared (write-only)"),
        "the Mailgun key is never claimed in sync: {}",
        run.stdout
    );
    // Planning only reads.
    let requests = &emulator.request_log()[before..];
    assert!(
        requests
            .iter()
            .all(|r| r.method == "GET" || r.path == "/oauth/token"),
        "{requests:?}"
    );
    // The example tenant is read in this many Management API requests (see the closing note).
    let reads = requests
        .iter()
        .filter(|r| r.path.starts_with("/api/v2/"))
        .count();
    assert!(reads <= 12, "planning the example read {reads} times");
}

/// One drift made through the API, and the field path the plan must name.
async fn assert_drift_reported(change: impl AsyncFnOnce(&Api, &HandApplied), expected: &[&str]) {
    let (emulator, api, ids) = matching_tenant().await;
    change(&api, &ids).await;
    let run = plan(&emulator, &[]);
    assert_eq!(run.code, 2, "a drift is exit code 2\n{run}");
    for needle in expected {
        assert!(
            run.stdout.contains(needle),
            "expected `{needle}` in:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout
            .contains("Plan: 0 to create, 1 to update, 0 to delete."),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_added_in_the_live_tenant_is_reported() {
    assert_drift_reported(
        async |api, ids| {
            let current = api.get(&format!("clients/{}", ids.dashboard)).await;
            let mut callbacks = current.json()["callbacks"].as_array().unwrap().clone();
            callbacks.push(json!("https://evil.example.com/oauth2callback"));
            api.patch(
                &format!("clients/{}", ids.dashboard),
                &json!({ "callbacks": callbacks }),
            )
            .await;
        },
        &[
            "~ application[\"Acme Reporting Dashboard\"]",
            "callbacks",
            "https://evil.example.com/oauth2callback",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_removed_from_the_grant_is_reported() {
    assert_drift_reported(
        async |api, ids| {
            let scopes = [
                "create:users",
                "read:users",
                "update:users",
                "read:users_app_metadata",
                "update:users_app_metadata",
            ];
            api.patch(
                &format!("client-grants/{}", ids.grant),
                &json!({ "scope": scopes }),
            )
            .await;
        },
        &["~ grant[", "scopes", "create:user_tickets"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_enabled_on_the_connection_are_reported() {
    assert_drift_reported(
        async |api, ids| {
            let body =
                connection_options_with(api, &ids.connection, "disable_signup", json!(false)).await;
            api.patch(&format!("connections/{}", ids.connection), &body)
                .await;
        },
        &[
            "~ connection[\"reporting-dashboard-users\"]",
            "options.disable_signup: false -> true",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_connections_flag_turned_on_is_reported() {
    assert_drift_reported(
        async |api, _| {
            api.patch(
                "tenants/settings",
                &json!({ "flags": { "enable_client_connections": true } }),
            )
            .await;
        },
        &["flags.enable_client_connections: true -> false"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn action_code_edited_in_the_dashboard_is_reported_as_a_diff() {
    assert_drift_reported(
        async |api, ids| {
            let code = "exports.onExecutePostLogin = async (event, api) => {};\n";
            api.patch(
                &format!("actions/actions/{}", ids.action),
                &json!({ "code": code }),
            )
            .await;
            wait_until_built(api, &ids.action).await;
            api.post(
                &format!("actions/actions/{}/deploy", ids.action),
                &json!({}),
            )
            .await;
        },
        &[
            "~ action[\"Post-Login Verification\"]",
            "code",
            "-exports.onExecutePostLogin = async (event, api) => {};",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_subject_changed_is_reported() {
    assert_drift_reported(
        async |api, _| {
            api.patch(
                "email-templates/reset_email",
                &json!({ "subject": "Reset your password" }),
            )
            .await;
        },
        &[
            "~ email_template[\"reset_email\"]",
            "subject",
            "Reset your password",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_removed_is_reported() {
    assert_drift_reported(
        async |api, _| {
            api.patch(
                "actions/triggers/post-login/bindings",
                &json!({ "bindings": [] }),
            )
            .await;
        },
        &[
            "~ bindings[\"post-login\"]",
            "[] -> [\"Post-Login Verification\"]",
        ],
    )
    .await;
}

/// Ports, ids and the fingerprint change from run to run.
fn stable(text: &str) -> String {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
    settings.add_filter(r#""live_id": "[^"]+""#, r#""live_id": "[id]""#);
    settings.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[fingerprint]");
    settings.bind(|| text.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_formats_of_a_plan_with_drift() {
    let (emulator, api, ids) = matching_tenant().await;
    api.patch(
        "tenants/settings",
        &json!({ "flags": { "enable_client_connections": true } }),
    )
    .await;
    api.patch(
        "email-templates/reset_email",
        &json!({ "subject": "Reset your password" }),
    )
    .await;
    let body = connection_options_with(&api, &ids.connection, "disable_signup", json!(false)).await;
    api.patch(&format!("connections/{}", ids.connection), &body)
        .await;

    let saved = tempfile::NamedTempFile::new().unwrap();
    let out = saved.path().to_str().unwrap();
    let mut filters = insta::Settings::clone_current();
    filters.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
    filters.add_filter(r#""live_id": "[^"]+""#, r#""live_id": "[id]""#);
    filters.add_filter(r"sha256:[0-9a-f]{64}", "sha256:[fingerprint]");
    filters.add_filter(r"(tmp|\.tmp)[A-Za-z0-9]+", "[tmp]");
    let _guard = filters.bind_to_scope();
    for format in ["human", "json", "markdown"] {
        let run = plan(&emulator, &["--format", format, "--out", out]);
        run.assert_code(2);
        insta::assert_snapshot!(format!("drift_{format}"), stable(&run.stdout));
    }
    let saved_plan = std::fs::read_to_string(saved.path()).unwrap();
    sentinel::assert_absent("the saved plan", &saved_plan);
    let parsed: serde_json::Value = serde_json::from_str(&saved_plan).unwrap();
    assert_eq!(parsed["format_version"], 3);
    assert!(
        parsed["live_fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_credentials_and_bad_files_fail_before_any_request() {
    let emulator = start().await;
    let no_domain = Cli::new()
        .sentinels()
        .args(["plan", "tenants/dev.yaml"])
        .run();
    no_domain.assert_code(1);
    assert!(
        no_domain.stderr.contains("AUTH0_DOMAIN"),
        "{}",
        no_domain.stderr
    );
    let no_secret = cli(&emulator)
        .env("MAILGUN_API_KEY", "")
        .args([
            "plan",
            "tests/fixtures/broken/tenants/23-undefined-variable.yaml",
        ])
        .run();
    no_secret.assert_code(1);
    assert!(
        no_secret.stderr.contains("nothing was sent to the tenant"),
        "{}",
        no_secret.stderr
    );
    assert!(
        emulator.request_log().is_empty(),
        "no request for a broken file"
    );
}

/// A plan that re-sends the Mailgun key (`--force-secrets`) holds its `${VAR}` reference, in
/// the field and in the desired provider, never its value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_holds_the_secret_reference_never_the_value() {
    let (emulator, _api, _) = matching_tenant().await;
    let saved = tempfile::NamedTempFile::new().unwrap();
    let run = plan(
        &emulator,
        &["--force-secrets", "--out", saved.path().to_str().unwrap()],
    );
    run.assert_code(2);
    let text = std::fs::read_to_string(saved.path()).unwrap();
    sentinel::assert_absent("the saved plan", &text);
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    let provider = parsed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"]["kind"] == "email_provider")
        .unwrap_or_else(|| panic!("the provider is re-sent: {text}"));
    let field = provider["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "credentials.api_key")
        .unwrap_or_else(|| panic!("the key is a field: {provider}"));
    assert_eq!(field["after"], "${MAILGUN_API_KEY}");
    assert_eq!(field["before"], serde_json::Value::Null);
    assert_eq!(field["write_only"], true);
    assert_eq!(
        provider["desired"]["provider"]["credentials"]["api_key"],
        "${MAILGUN_API_KEY}"
    );
}

/// The example uses `${MAILGUN_API_KEY}` in `tenants/shared/reporting-dashboard.yaml`, which
/// `tenants/dev.yaml` extends: the variables come from `tenants/.env` (beside the file named
/// on the command line), so that is the file named. Planning needs no secret value; it warns
/// that apply will send this one (the provider is created), and apply refuses without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_variable_names_the_env_file_that_is_read() {
    let emulator = start().await;
    let run = Cli::new()
        .emulator(&emulator)
        .args(["plan", "tenants/dev.yaml"])
        .run();
    run.assert_success();
    assert!(
        run.stderr.contains(
            "email_provider[\"provider\"] credentials.api_key: ${MAILGUN_API_KEY} is not set: apply will send it, set it in the environment or in tenants/.env"
        ),
        "{run}"
    );
    assert!(!run.stderr.contains("shared/.env"), "{run}");
    let applied = Cli::new()
        .emulator(&emulator)
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .run();
    applied.assert_code(1);
    assert!(
        applied
            .stderr
            .contains("set it in the environment or in tenants/.env"),
        "{applied}"
    );
    assert!(
        emulator.request_log().iter().all(|e| e.method == "GET"
            || !e.path.starts_with("/api/v2/")
            || e.path.starts_with("/api/v2/resource-servers")),
        "nothing but the apply lock was written"
    );
}
