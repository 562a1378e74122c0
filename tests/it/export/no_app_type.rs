//! A client with no `app_type` (Auth0's "Default App" has none): export writes it without one,
//! the exported file loads, and it plans to zero changes.

use crate::support::emulator::start;
use crate::support::{Cli, management_client};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_app_type_exports_to_a_file_that_loads_and_plans_clean() {
    let emulator = start().await;
    let client = management_client(&emulator).await;
    client
        .create_client(&json!({"name": "Default App"}))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = || Cli::new().emulator(&emulator).current_dir(dir.path());

    let exported = cli().args(["export", "--out", "tenants/acme.yaml"]).run();
    assert_eq!(exported.code, 0, "export failed\n{exported}");
    let yaml = std::fs::read_to_string(dir.path().join("tenants/acme.yaml")).unwrap();
    assert!(yaml.contains("Default App"), "{yaml}");
    assert!(!yaml.contains("app_type"), "{yaml}");

    let validated = cli().args(["validate", "tenants/acme.yaml"]).run();
    assert_eq!(validated.code, 0, "the export does not load\n{validated}");

    let plan = cli()
        .args(["plan", "tenants/acme.yaml", "--detailed-exitcode"])
        .run();
    assert_eq!(plan.code, 0, "the export plans with changes\n{plan}");
}
