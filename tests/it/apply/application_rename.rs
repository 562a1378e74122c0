//! Renaming an application (issue 13, item 7): `renamed_from` renames the live client in place
//! (same client_id, grant and connection kept), and a new name without it, while an unmanaged
//! application has a similar name, is warned about, naming both.

use serde_json::{Value, json};

use crate::support::Cli;
use crate::support::emulator::{Api, start};

const OLD: &str = "Acme Dashbord";
const NEW: &str = "Acme Dashboard";

/// A client named [`OLD`] with a Management API grant, enabled on `acme-users`; its client_id.
async fn seed(api: &Api) -> String {
    let created = api
        .post(
            "clients",
            &json!({"name": OLD, "app_type": "regular_web", "callbacks": ["https://dash.acme.example/oauth2callback"]}),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.json()["client_id"].as_str().unwrap().to_owned();
    let grant = json!({"client_id": id, "audience": format!("{}/api/v2/", api.domain), "scope": ["read:users"]});
    assert_eq!(api.post("client-grants", &grant).await.status, 201);
    let connection = api
        .post(
            "connections",
            &json!({"name": "acme-users", "strategy": "auth0", "options": {"disable_signup": true}}),
        )
        .await;
    let connection_id = connection.json()["id"].as_str().unwrap().to_owned();
    let enable = json!([{"client_id": id, "status": true}]);
    assert_eq!(
        api.patch(&format!("connections/{connection_id}/clients"), &enable)
            .await
            .status,
        204
    );
    id
}

fn tenant_file(renamed_from: Option<&str>) -> String {
    let renamed = renamed_from.map_or(String::new(), |old| format!("    renamed_from: {old}\n"));
    format!(
        "applications:\n  dashboard:\n    name: {NEW}\n{renamed}    app_type: regular_web\n    callbacks: [https://dash.acme.example/oauth2callback]\n\
         grants:\n  - application: dashboard\n    audience: management-api\n    scopes: [read:users]\n\
         connections:\n  acme-users:\n    disable_signup: true\n    enabled_applications: [dashboard]\n"
    )
}

fn named(clients: &Value, name: &str) -> Vec<String> {
    clients
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == name)
        .map(|c| c["client_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renamed_from_renames_the_same_client_in_place() {
    let emulator = start().await;
    let api = Api::new(&emulator).await;
    let id = seed(&api).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.yaml"), tenant_file(Some(OLD))).unwrap();
    let cli = || Cli::new().emulator(&emulator).current_dir(dir.path());

    let plan = cli().args(["plan", "t.yaml"]).run();
    assert_eq!(plan.code, 0, "{plan}");
    assert!(
        plan.stdout.contains(&format!("renamed from `{OLD}`")),
        "{plan}"
    );
    assert!(!plan.stdout.contains("will be created"), "{plan}");

    let applied = cli().args(["apply", "t.yaml", "--auto-approve"]).run();
    assert_eq!(applied.code, 0, "{applied}");
    let clients = api.get("clients").await;
    assert_eq!(
        named(clients.json(), NEW),
        [id.as_str()],
        "renamed in place"
    );
    assert!(
        named(clients.json(), OLD).is_empty(),
        "the old name is gone"
    );
    let grants = api.get("client-grants").await;
    let mine: Vec<&Value> = grants
        .json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["client_id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "the grant is kept, not duplicated: {mine:?}");

    let again = cli().args(["plan", "t.yaml", "--detailed-exitcode"]).run();
    assert_eq!(again.code, 0, "converged\n{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_name_beside_a_similar_unmanaged_application_is_warned_about() {
    let emulator = start().await;
    let api = Api::new(&emulator).await;
    seed(&api).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.yaml"), tenant_file(None)).unwrap();
    let plan = Cli::new()
        .emulator(&emulator)
        .current_dir(dir.path())
        .args(["plan", "t.yaml"])
        .run();
    assert_eq!(plan.code, 0, "{plan}");
    let all = plan.all();
    assert!(
        all.contains(&format!(
            "`{NEW}` will be created while the live application `{OLD}`"
        )) && all.contains(&format!("renamed_from: {OLD}")),
        "the warning names both and suggests renamed_from\n{plan}"
    );
}
