//! The example under `examples/api-and-google` validates, applies to an empty tenant, plans
//! to zero, exports, and the export applies to a second empty tenant and plans to zero there.
//! And a tenant whose grant to a custom API was made through the raw API exports to a file
//! that applies to a fresh tenant (it used to fail with `404 inexistent_resource_server`).

use std::path::Path;

use auth0_emulator::Emulator;
use serde_json::{Value, json};

use crate::support::emulator::start;
use crate::support::{Cli, management_client, project_dir};
use tenantform::api::{ConnectionFilter, GrantFilter, ManagementClient};

const GOOGLE_SECRET: &str = "google-secret-0b5e55ed";
const IDENTIFIER: &str = "https://reports.example.com/api/";

fn cli(emulator: &Emulator, dir: &Path) -> Cli {
    Cli::new()
        .emulator(emulator)
        .current_dir(dir)
        .env("GOOGLE_CLIENT_SECRET", GOOGLE_SECRET)
}

fn apply_and_plan_clean(emulator: &Emulator, dir: &Path, file: &str) {
    let applied = cli(emulator, dir)
        .args(["apply", file, "--auto-approve"])
        .run();
    assert_eq!(applied.code, 0, "apply failed\n{applied}");
    assert!(!applied.all().contains(GOOGLE_SECRET), "{applied}");
    let plan = cli(emulator, dir)
        .args(["plan", file, "--detailed-exitcode"])
        .run();
    assert_eq!(plan.code, 0, "plan after apply is not empty\n{plan}");
}

/// The custom API, the grant to it and the Google connection as the emulator holds them.
async fn assert_tenant_state(client: &ManagementClient) {
    let apis = client.list_resource_servers().await.unwrap();
    let api = apis
        .iter()
        .find(|api| api["identifier"] == IDENTIFIER)
        .unwrap_or_else(|| panic!("no API {IDENTIFIER}: {apis:#?}"));
    assert_eq!(api["name"], "Reports API");
    assert_eq!(api["token_lifetime"], 3600);
    assert_eq!(api["enforce_policies"], true);
    assert_eq!(api["token_dialect"], "access_token_authz");
    let scopes: Vec<&str> = api["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["value"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["read:reports", "write:reports"]);

    let grants = client
        .list_client_grants(&GrantFilter {
            audience: Some(IDENTIFIER.into()),
            client_id: None,
        })
        .await
        .unwrap();
    assert_eq!(grants.len(), 1, "{grants:#?}");
    let mut granted: Vec<&str> = grants[0]["scope"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    granted.sort_unstable();
    assert_eq!(granted, ["read:reports", "write:reports"]);

    let connections = client
        .list_connections(&ConnectionFilter {
            strategy: Some("google-oauth2".into()),
            name: None,
        })
        .await
        .unwrap();
    assert_eq!(connections.len(), 1, "{connections:#?}");
    let google = &connections[0];
    assert_eq!(google["name"], "google");
    let options = &google["options"];
    assert_eq!(
        options["client_id"],
        "1234567890-reports.apps.googleusercontent.com"
    );
    // The write-only secret reached the tenant.
    assert_eq!(options["client_secret"], GOOGLE_SECRET);
    assert_eq!(options["scope"], json!(["email", "profile"]));
    assert_eq!(options["email"], true);
    let enabled = client
        .enabled_clients(google["id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(enabled.len(), 1, "enabled for the dashboard only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_applies_plans_clean_exports_and_the_export_does_the_same_elsewhere() {
    let example = project_dir().join("examples/api-and-google/tenant.yaml");
    let example = example.to_str().unwrap();
    let first = start().await;
    let dir = tempfile::tempdir().unwrap();

    let validated = cli(&first, dir.path()).args(["validate", example]).run();
    assert_eq!(
        validated.code, 0,
        "the example does not validate\n{validated}"
    );
    apply_and_plan_clean(&first, dir.path(), example);
    assert_tenant_state(&management_client(&first).await).await;

    let exported = cli(&first, dir.path())
        .args(["export", "--out", "tenants/acme.yaml"])
        .run();
    assert_eq!(exported.code, 0, "export failed\n{exported}");
    let yaml = std::fs::read_to_string(dir.path().join("tenants/acme.yaml")).unwrap();
    assert!(yaml.contains("apis:"), "{yaml}");
    assert!(yaml.contains("strategy: google-oauth2"), "{yaml}");
    assert!(yaml.contains("${GOOGLE_CLIENT_SECRET}"), "{yaml}");
    assert!(!yaml.contains(GOOGLE_SECRET), "{yaml}");
    assert!(!yaml.contains("urn:tenantform:apply-lock"), "{yaml}");
    assert!(
        !yaml.contains("/api/v2/"),
        "the system API is never exported\n{yaml}"
    );

    let second = start().await;
    apply_and_plan_clean(&second, dir.path(), "tenants/acme.yaml");
    assert_tenant_state(&management_client(&second).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_with_a_grant_to_a_custom_api_applies_to_a_fresh_tenant() {
    let source = start().await;
    let client = management_client(&source).await;
    client
        .create_resource_server(
            &json!({"identifier": "https://api.example.com/", "name": "Example API",
            "scopes": [{"value": "read:things"}]}),
        )
        .await
        .unwrap();
    let m2m = client
        .create_client(&json!({"name": "Sync", "app_type": "non_interactive"}))
        .await
        .unwrap();
    client
        .create_client_grant(&json!({"client_id": m2m["client_id"], "audience": "https://api.example.com/", "scope": ["read:things"]}))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exported = cli(&source, dir.path())
        .args(["export", "--out", "tenants/acme.yaml"])
        .run();
    assert_eq!(exported.code, 0, "export failed\n{exported}");

    let fresh = start().await;
    let applied = cli(&fresh, dir.path())
        .args(["apply", "tenants/acme.yaml", "--auto-approve"])
        .run();
    assert_eq!(applied.code, 0, "apply failed\n{applied}");
    assert!(
        !applied.all().contains("inexistent_resource_server"),
        "{applied}"
    );
    let grants = management_client(&fresh)
        .await
        .list_client_grants(&GrantFilter {
            audience: Some("https://api.example.com/".into()),
            client_id: None,
        })
        .await
        .unwrap();
    assert_eq!(grants.len(), 1, "{grants:#?}");
    assert_eq!(grants[0]["scope"], json!(["read:things"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_to_an_api_neither_declared_nor_live_is_refused_before_any_write() {
    let emulator = start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tenant.yaml"),
        "applications:\n  sync:\n    name: Sync\n    app_type: non_interactive\n\
         grants:\n  - application: sync\n    audience: https://api.example.com/\n    scopes: [read:things]\n",
    )
    .unwrap();
    let applied = cli(&emulator, dir.path())
        .args(["apply", "tenant.yaml", "--auto-approve", "--lock=false"])
        .run();
    assert_eq!(applied.code, 1, "{applied}");
    assert!(
        applied.all().contains("inexistent_resource_server"),
        "{applied}"
    );
    let writes: Vec<Value> = emulator
        .request_log()
        .iter()
        .filter(|entry| entry.method != "GET" && !entry.path.contains("oauth/token"))
        .map(|entry| json!(format!("{} {}", entry.method, entry.path)))
        .collect();
    assert!(writes.is_empty(), "nothing may be written: {writes:?}");
}
