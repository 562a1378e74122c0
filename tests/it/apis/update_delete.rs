//! A declared API changed in the file is PATCHed with only what changed (found by identifier,
//! never re-created); listed under `removed.apis` it is deleted only with `--allow-delete`.

use auth0_emulator::Emulator;
use serde_json::Value;

use crate::support::emulator::start;
use crate::support::{Cli, management_client};

const API: &str =
    "apis:\n  reports:\n    identifier: https://reports.example.com/\n    name: Reports\n";

fn run(emulator: &Emulator, dir: &std::path::Path, args: &[&str]) -> crate::support::Output {
    Cli::new()
        .emulator(emulator)
        .current_dir(dir)
        .args(args)
        .run()
}

async fn api(emulator: &Emulator) -> Option<Value> {
    management_client(emulator)
        .await
        .find_resource_server("https://reports.example.com/")
        .await
        .unwrap()
}

fn writes_to_apis(emulator: &Emulator) -> Vec<(String, Option<Value>)> {
    emulator
        .request_log()
        .into_iter()
        .filter(|entry| entry.method != "GET" && entry.path.contains("resource-servers"))
        .filter(|entry| {
            !entry
                .body
                .as_ref()
                .is_some_and(|b| b.to_string().contains("apply-lock"))
        })
        .filter(|entry| entry.method != "DELETE" || !entry.path.ends_with("apply-lock"))
        .map(|entry| (format!("{} {}", entry.method, entry.path), entry.body))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_api_is_patched_and_a_removed_one_deleted_only_when_allowed() {
    let emulator = start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tenant.yaml");
    std::fs::write(&file, API).unwrap();
    let applied = run(
        &emulator,
        dir.path(),
        &["apply", "tenant.yaml", "--auto-approve", "--lock=false"],
    );
    assert_eq!(applied.code, 0, "{applied}");
    let id = api(&emulator).await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    std::fs::write(
        &file,
        format!("{API}    token_lifetime_for_web: 1800\n    allow_offline_access: true\n"),
    )
    .unwrap();
    let before = writes_to_apis(&emulator).len();
    let applied = run(
        &emulator,
        dir.path(),
        &["apply", "tenant.yaml", "--auto-approve", "--lock=false"],
    );
    assert_eq!(applied.code, 0, "{applied}");
    let writes = writes_to_apis(&emulator)[before..].to_vec();
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(writes[0].0, format!("PATCH /api/v2/resource-servers/{id}"));
    assert_eq!(
        writes[0].1,
        Some(serde_json::json!({"token_lifetime_for_web": 1800, "allow_offline_access": true}))
    );
    let live = api(&emulator).await.unwrap();
    assert_eq!(live["token_lifetime_for_web"], 1800);
    assert_eq!(live["allow_offline_access"], true);

    std::fs::write(&file, "removed:\n  apis: [https://reports.example.com/]\n").unwrap();
    let refused = run(
        &emulator,
        dir.path(),
        &["apply", "tenant.yaml", "--auto-approve", "--lock=false"],
    );
    assert!(
        api(&emulator).await.is_some(),
        "deleted without --allow-delete\n{refused}"
    );
    let deleted = run(
        &emulator,
        dir.path(),
        &[
            "apply",
            "tenant.yaml",
            "--auto-approve",
            "--lock=false",
            "--allow-delete",
        ],
    );
    assert_eq!(deleted.code, 0, "{deleted}");
    assert_eq!(api(&emulator).await, None, "{deleted}");
}
