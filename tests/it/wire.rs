//! A new application field needs the wire type (`auth0_wire::Client`) and the model type
//! (`Application`) only. `cross_origin_authentication` was added that way; this follows it
//! through every layer against the emulator: export leaves Auth0's default out, a plan shows
//! the change, apply sends it (what the emulator received and stored), export writes it.

use std::path::Path;

use auth0_emulator::Emulator;
use serde_json::{Value, json};

use crate::support::emulator::start;
use crate::support::{Cli, management_client};

const TENANT: &str = "\
applications:
  web:
    name: Wire Field App
    app_type: regular_web
    callbacks: [https://app.example/oauth2callback]
";

fn tenantform(emulator: &Emulator, dir: &Path) -> Cli {
    Cli::new().emulator(emulator).current_dir(dir)
}

fn export(emulator: &Emulator, dir: &Path) -> String {
    tenantform(emulator, dir)
        .args(["export", "--include", "applications", "--force"])
        .args(["--out", "tenants/exported.yaml"])
        .run()
        .assert_success();
    std::fs::read_to_string(dir.join("tenants/exported.yaml")).expect("the exported file")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_origin_authentication_goes_through_plan_apply_export_and_the_emulator() {
    let emulator = start().await;
    let project = tempfile::tempdir().expect("temp dir");
    let dir = project.path();
    std::fs::create_dir_all(dir.join("tenants")).expect("tenants dir");
    std::fs::write(dir.join("tenants/app.yaml"), TENANT).expect("tenant file");
    tenantform(&emulator, dir)
        .args(["apply", "tenants/app.yaml", "--auto-approve"])
        .run()
        .assert_success();

    // Auth0's default (false) is not written.
    let exported = export(&emulator, dir);
    assert!(exported.contains("Wire Field App"), "{exported}");
    assert!(
        !exported.contains("cross_origin_authentication"),
        "{exported}"
    );

    std::fs::write(
        dir.join("tenants/app.yaml"),
        format!("{TENANT}    cross_origin_authentication: true\n"),
    )
    .expect("tenant file");
    let plan = tenantform(&emulator, dir)
        .args(["plan", "tenants/app.yaml", "--format", "json"])
        .run();
    plan.assert_success();
    let plan: Value = serde_json::from_str(&plan.stdout).expect("a JSON plan");
    let fields: Vec<&Value> = plan["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .flat_map(|change| change["fields"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(
        fields,
        [&json!({"path": "cross_origin_authentication", "before": false, "after": true})],
        "{plan:#}"
    );

    tenantform(&emulator, dir)
        .args(["apply", "tenants/app.yaml", "--auto-approve"])
        .run()
        .assert_success();
    let patches: Vec<Value> = emulator
        .request_log()
        .into_iter()
        .filter(|entry| entry.method == "PATCH" && entry.path.starts_with("/api/v2/clients/"))
        .filter_map(|entry| entry.body)
        .collect();
    assert_eq!(patches, [json!({"cross_origin_authentication": true})]);
    let client = management_client(&emulator).await;
    let stored = client
        .list_clients(&tenantform::api::FieldSelection::All)
        .await
        .expect("clients")
        .into_iter()
        .find(|c| c["name"] == "Wire Field App")
        .expect("the application");
    assert_eq!(stored["cross_origin_authentication"], json!(true));

    let exported = export(&emulator, dir);
    assert!(
        exported.contains("cross_origin_authentication: true"),
        "{exported}"
    );
}
