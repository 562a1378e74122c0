//! Helpers: a copy of the example project, the CLI pointed at an emulator, the writes in a
//! request log, the example tenant loaded, and the live resources counted by name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use auth0_emulator::{Emulator, RequestLogEntry};
use serde_json::Value;
use tenantform::api::ManagementClient;
use tenantform_core::model::LoadedTenant;
use tenantform_core::model::load::{LoadOptions, load_tenant_with};
use tenantform_core::model::variables::Variables;

use crate::support::{Cli, project_dir, sentinel};

/// The example project (tenants, actions, emails) copied into a temporary directory.
pub fn copy_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["tenants", "actions", "emails"] {
        copy_dir(&project_dir().join(sub), &dir.path().join(sub));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Replaces `from` by `to` in the project file `path` (which must contain it).
pub fn edit(dir: &Path, path: &str, from: &str, to: &str) {
    let file = dir.join(path);
    let text = std::fs::read_to_string(&file).expect("read file");
    assert!(text.contains(from), "{path} does not contain {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).expect("write file");
}

/// The CLI with the emulator's credentials and the sentinel Mailgun key, run in `dir`.
pub fn cli(emulator: &Emulator, dir: &Path) -> Cli {
    Cli::new().emulator(emulator).sentinels().current_dir(dir)
}

/// Management API requests that write (anything but GET), as `METHOD /path`. The token
/// request (`POST /oauth/token`) is not a write to the tenant, nor is the apply lock (the API
/// `apply` creates, renews and deletes around every run: [`lock_writes`]).
pub fn writes(log: &[RequestLogEntry]) -> Vec<String> {
    log.iter()
        .filter(|e| e.method != "GET" && e.path.starts_with("/api/v2/"))
        .filter(|e| !is_lock(e))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// The apply lock's writes, as `METHOD /path`.
pub fn lock_writes(log: &[RequestLogEntry]) -> Vec<String> {
    log.iter()
        .filter(|e| e.method != "GET" && is_lock(e))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// tenantform writes resource servers only as its apply lock.
fn is_lock(entry: &RequestLogEntry) -> bool {
    entry.path == "/api/v2/resource-servers" || entry.path.starts_with("/api/v2/resource-servers/")
}

/// The example tenant with the sentinel Mailgun key.
pub fn load_example(dir: &Path) -> LoadedTenant {
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("MAILGUN_API_KEY".into(), sentinel::MAILGUN_API_KEY.into());
    let path: PathBuf = dir.join("tenants/dev.yaml");
    let (loaded, diagnostics) = load_tenant_with(
        &path,
        &Variables::from_map(values),
        LoadOptions {
            require_secrets: true,
        },
    );
    loaded.unwrap_or_else(|| panic!("the example loads: {diagnostics:?}"))
}

/// How many live resources of each kind carry each name (duplicates show as counts > 1).
pub async fn name_counts(client: &ManagementClient) -> HashMap<String, usize> {
    use tenantform::api::{ActionFilter, ConnectionFilter, FieldSelection, GrantFilter};
    let mut counts = HashMap::new();
    let mut add = |key: String| *counts.entry(key).or_insert(0) += 1;
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    for c in client
        .list_clients(&FieldSelection::All)
        .await
        .expect("clients")
    {
        add(format!("client {}", text(&c, "name")));
    }
    for g in client
        .list_client_grants(&GrantFilter::default())
        .await
        .expect("grants")
    {
        add(format!(
            "grant {} {}",
            text(&g, "client_id"),
            text(&g, "audience")
        ));
    }
    for c in client
        .list_connections(&ConnectionFilter::default())
        .await
        .expect("connections")
    {
        add(format!("connection {}", text(&c, "name")));
    }
    for a in client
        .list_actions(&ActionFilter::default())
        .await
        .expect("actions")
    {
        add(format!("action {}", text(&a, "name")));
    }
    for u in client
        .users_by_email("admin@acme.example")
        .await
        .expect("users")
    {
        add(format!("user {}", text(&u, "email")));
    }
    counts
}
