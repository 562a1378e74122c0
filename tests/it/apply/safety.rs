//! Plans that would lock tenantform out are refused before any request that writes.

use serde_json::Value;
use tenantform::apply::{ApplyError, ApplyOptions, execute};
use tenantform_core::live::ReadSet;
use tenantform_core::plan::{Address, Change, ChangeAction, FORMAT_VERSION, Kind, Plan};

use super::support::{cli, writes};
use crate::support::emulator::start;
use crate::support::management_client_with_timeout;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_the_own_client_and_its_grant_is_refused_before_any_write() {
    let emulator = start().await;
    let api = management_client_with_timeout(&emulator, Duration::from_secs(10)).await;
    let own = api
        .get_client(emulator.client_id(), &tenantform::api::FieldSelection::All)
        .await
        .expect("own client");
    let own_name = own["name"].as_str().expect("name").to_owned();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("tenants")).unwrap();
    std::fs::write(
        dir.path().join("tenants/lockout.yaml"),
        format!(
            "removed:\n  applications: [{own_name:?}]\n  grants:\n    - application: {own_name:?}\n      audience: management-api\n"
        ),
    )
    .unwrap();
    let before = emulator.request_log().len();
    let applied = cli(&emulator, dir.path())
        .args([
            "apply",
            "tenants/lockout.yaml",
            "--auto-approve",
            "--allow-delete",
        ])
        .run_async()
        .await;
    applied.assert_code(1);
    assert!(
        applied.stdout.contains("never deletes it"),
        "{}",
        applied.stdout
    );
    assert_eq!(
        writes(&emulator.request_log()[before..]),
        Vec::<String>::new()
    );
}

/// A hand-made plan without the diff's refusals: the executor's own check still stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_executor_refuses_a_doctored_plan_on_its_own() {
    let emulator = start().await;
    let api = management_client_with_timeout(&emulator, Duration::from_secs(10)).await;
    let grants = api
        .list_client_grants(&tenantform::api::GrantFilter {
            client_id: Some(emulator.client_id().to_owned()),
            audience: None,
        })
        .await
        .expect("grants");
    let grant_id = grants[0]["id"].as_str().expect("grant id").to_owned();
    let change = |kind, name: &str, id: &str| Change {
        address: Address::new(kind, name),
        action: ChangeAction::Delete,
        live_id: Some(id.to_owned()),
        fields: Vec::new(),
        reason: "doctored".into(),
        destructive: true,
        desired: None,
    };
    let plan = Plan {
        format_version: FORMAT_VERSION,
        origin: emulator.domain(),
        changes: vec![
            change(Kind::Grant, "someone -> api", &grant_id),
            change(Kind::Application, "renamed", emulator.client_id()),
        ],
        unmanaged: Vec::new(),
        notes: Vec::new(),
        errors: Vec::new(),
        read_set: ReadSet::default(),
        live_fingerprint: String::new(),
    };
    let before = emulator.request_log().len();
    let options = ApplyOptions {
        allow_delete: true,
        allow_replace: true,
    };
    let result = execute(&api, &plan, options, &|_| {}).await;
    let Err(ApplyError::Refused(reasons)) = result else {
        panic!("expected a refusal, got {result:?}");
    };
    assert_eq!(reasons.len(), 2, "{reasons:#?}");
    assert_eq!(
        writes(&emulator.request_log()[before..]),
        Vec::<String>::new()
    );
    let still: Vec<Value> = api
        .list_client_grants(&tenantform::api::GrantFilter::default())
        .await
        .unwrap();
    assert!(still.iter().any(|g| g["id"] == grant_id.as_str()));
}
