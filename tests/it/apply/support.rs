//! Helpers: a copy of the example project, an emulator, the CLI pointed at it, and the
//! library client with short timeouts for fault tests.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorOptions, RequestLogEntry};
use serde_json::Value;
use tenantform::api::{ConnectionSettings, ManagementClient};
use tenantform_core::model::LoadedTenant;
use tenantform_core::model::load::{LoadOptions, load_tenant_with};
use tenantform_core::model::variables::Variables;

use crate::support::{Run, Tenantform, project_dir};

/// The Mailgun key the tests use: it must never appear in output or saved plans.
pub const SENTINEL: &str = "sentinel-mailgun-key-4f1e9c";

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

pub async fn emulator() -> Emulator {
    emulator_with(EmulatorOptions::default()).await
}

pub async fn emulator_with(options: EmulatorOptions) -> Emulator {
    Emulator::start("127.0.0.1:0".parse().expect("address"), options)
        .await
        .expect("emulator starts")
}

/// The CLI with the emulator's credentials and the sentinel secret, run in `dir`.
pub fn cli(emulator: &Emulator, dir: &Path) -> Tenantform {
    use secrecy::ExposeSecret as _;
    Tenantform::new()
        .current_dir(dir)
        .env("AUTH0_DOMAIN", &emulator.domain())
        .env("AUTH0_M2M_CLIENT_ID", emulator.client_id())
        .env(
            "AUTH0_M2M_CLIENT_SECRET",
            emulator.client_secret().expose_secret(),
        )
        .env("MAILGUN_API_KEY", SENTINEL)
}

/// Runs the binary off the async runtime (the emulator serves on it meanwhile).
pub async fn run(command: Tenantform) -> Run {
    let run = tokio::task::spawn_blocking(move || command.run())
        .await
        .expect("the binary runs");
    assert!(
        !run.stdout.contains(SENTINEL) && !run.stderr.contains(SENTINEL),
        "the secret leaked into the output"
    );
    run
}

/// Management API requests that write (anything but GET), as `METHOD /path`. The token
/// request (`POST /oauth/token`) is not a write to the tenant.
pub fn writes(log: &[RequestLogEntry]) -> Vec<String> {
    log.iter()
        .filter(|e| e.method != "GET" && e.path.starts_with("/api/v2/"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// A library client with short timeouts (fault tests).
pub async fn client(emulator: &Emulator, timeout: Duration) -> ManagementClient {
    let mut settings = ConnectionSettings::new(
        &emulator.domain(),
        emulator.client_id(),
        emulator.client_secret().clone(),
    )
    .expect("settings");
    settings.timeout = timeout;
    ManagementClient::connect(settings).await.expect("token")
}

/// The example tenant with the sentinel secret.
pub fn load_example(dir: &Path) -> LoadedTenant {
    let mut values: HashMap<String, String> = HashMap::new();
    values.insert("MAILGUN_API_KEY".into(), SENTINEL.into());
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
