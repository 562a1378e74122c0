//! How many requests runs send and whether they are refused, counted from the emulator's
//! request log: export's reads, apply's reuse of its plan's reads, back-to-back runs at the
//! free plan's rate limit.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use auth0_emulator::{Emulator, EmulatorOptions, RateLimit, RequestLogEntry};
use serde_json::json;
use tenantform::api::ManagementClient;
use tenantform::apply::ApplyOptions;
use tenantform::apply::lock::{self, LockOptions};
use tenantform::apply::workflow::{ApplyRequest, Outcome, apply};
use tenantform::cli::{ColorChoice, OutputArgs};
use tenantform::export::kind::KindSelection;
use tenantform::export::read::read_everything;
use tenantform::planning::{PlanOptions, plan_tenant};
use tenantform::printer::Printer;
use tenantform_core::model::TenantFile;
use tenantform_core::model::load::{LoadOptions, load_tenant_with};
use tenantform_core::model::variables::Variables;

use crate::support::{management_client, observed_client, process_client};

const SMALL_TENANT: &str = "\
applications:
  dashboard:
    name: Dashboard
    app_type: regular_web
    callbacks: [http://localhost:8501/oauth2callback]
  sync:
    name: Nightly Sync
    app_type: non_interactive
    grant_types: [client_credentials]
grants:
  - application: sync
    audience: management-api
    scopes: [read:users]
connections:
  acme-users:
    disable_signup: true
    enabled_applications: [dashboard]
";

fn small_tenant() -> TenantFile {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.yaml");
    std::fs::write(&path, SMALL_TENANT).unwrap();
    let (loaded, diagnostics) = load_tenant_with(
        &path,
        &Variables::from_map(HashMap::new()),
        LoadOptions {
            require_secrets: true,
        },
    );
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    loaded.unwrap().tenant
}

async fn start(preset: RateLimit) -> Emulator {
    let emulator = Emulator::start("127.0.0.1:0".parse().unwrap(), EmulatorOptions::default())
        .await
        .unwrap();
    emulator.set_rate_limit(preset);
    emulator
}

/// The Management API requests logged since `from`.
fn api_requests(emulator: &Emulator, from: usize) -> Vec<RequestLogEntry> {
    emulator.request_log()[from..]
        .iter()
        .filter(|entry| entry.path.starts_with("/api/v2/"))
        .cloned()
        .collect()
}

async fn apply_small(client: &ManagementClient, tenant: &TenantFile) -> Outcome {
    let printer = Printer::new(&OutputArgs {
        quiet: true,
        verbose: false,
        color: ColorChoice::Never,
        no_progress: true,
    });
    let request = ApplyRequest {
        tenant: Some(tenant),
        saved: None,
        variables: Variables::from_map(HashMap::new()),
        plan_options: PlanOptions::default(),
        options: ApplyOptions::default(),
        auto_approve: true,
    };
    apply(client, request, &printer).await.unwrap()
}

/// How many Management API requests a plan of `tenant` sends, from a client of its own.
async fn plan_requests(emulator: &Emulator, tenant: &TenantFile) -> usize {
    let from = emulator.request_log().len();
    plan_tenant(
        &management_client(emulator).await,
        tenant,
        PlanOptions::default(),
    )
    .await
    .unwrap();
    api_requests(emulator, from).len()
}

fn every_kind() -> KindSelection {
    KindSelection::parse(&[], &[]).unwrap()
}

#[tokio::test]
async fn export_searches_users_once_and_skips_reads_its_lists_answer() {
    let emulator = start(RateLimit::Off).await;
    let client = management_client(&emulator).await;
    let mut connections = Vec::new();
    for name in ["alpha-users", "beta-users", "gamma-users"] {
        let created = client
            .create_connection(&json!({"name": name, "strategy": "auth0"}))
            .await
            .unwrap();
        connections.push(created["id"].as_str().unwrap().to_owned());
    }
    for (email, connection, metadata) in [
        (
            "admin@alpha.example",
            "alpha-users",
            Some(json!({"roles": ["admin"]})),
        ),
        (
            "admin@beta.example",
            "beta-users",
            Some(json!({"invited": true})),
        ),
        ("plain@gamma.example", "gamma-users", None),
    ] {
        let mut body =
            json!({"connection": connection, "email": email, "password": "Str0ng!Passw0rd#1"});
        if let Some(metadata) = metadata {
            body["app_metadata"] = metadata;
        }
        client.create_user(&body).await.unwrap();
    }

    let from = emulator.request_log().len();
    let read = read_everything(&client, &every_kind()).await.unwrap();
    let log = api_requests(&emulator, from);

    let searches: Vec<&RequestLogEntry> = log
        .iter()
        .filter(|e| e.method == "GET" && e.path == "/api/v2/users")
        .collect();
    assert_eq!(
        searches.len(),
        1,
        "one search for every connection: {searches:?}"
    );
    let mut emails: Vec<&str> = read
        .raw
        .users
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    emails.sort_unstable();
    assert_eq!(emails, ["admin@alpha.example", "admin@beta.example"]);

    let database_connections = read.raw.connections.len();
    assert!(database_connections >= 3);
    let enabled_reads = log
        .iter()
        .filter(|e| e.path.starts_with("/api/v2/connections/") && e.path.ends_with("/clients"))
        .count();
    assert_eq!(enabled_reads, database_connections);
    let per_connection_lookups = log
        .iter()
        .filter(|e| e.path.starts_with("/api/v2/connections/") && !e.path.ends_with("/clients"))
        .count();
    assert_eq!(
        per_connection_lookups, 0,
        "the list answered every connection"
    );
    // No email provider: no template is read. No Action: no trigger's bindings are read.
    assert!(
        !log.iter()
            .any(|e| e.path.starts_with("/api/v2/email-templates/"))
    );
    assert!(
        !log.iter()
            .any(|e| e.path.starts_with("/api/v2/actions/triggers/"))
    );
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn export_reads_templates_with_a_provider_and_bindings_of_supported_triggers() {
    let emulator = start(RateLimit::Off).await;
    let client = management_client(&emulator).await;
    client
        .create_email_provider(&json!({"name": "mailgun", "enabled": true,
            "default_from_address": "no-reply@acme.example",
            "credentials": {"api_key": "key-123", "domain": "mg.acme.example", "region": "eu"}}))
        .await
        .unwrap();
    client
        .create_action(
            &json!({"name": "gate", "code": "exports.onExecutePostLogin = async () => {};",
            "runtime": "node22", "supported_triggers": [{"id": "post-login", "version": "v3"}]}),
        )
        .await
        .unwrap();

    let from = emulator.request_log().len();
    read_everything(&client, &every_kind()).await.unwrap();
    let log = api_requests(&emulator, from);
    let templates = log
        .iter()
        .filter(|e| e.path.starts_with("/api/v2/email-templates/"))
        .count();
    assert_eq!(templates, tenantform_core::model::TemplateName::ALL.len());
    let bindings: Vec<&str> = log
        .iter()
        .filter(|e| e.path.starts_with("/api/v2/actions/triggers/"))
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(bindings, ["/api/v2/actions/triggers/post-login/bindings"]);
    emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn apply_sends_its_plans_reads_the_writes_and_the_verification_plan_only() {
    let emulator = start(RateLimit::Off).await;
    let tenant = small_tenant();
    // What a plan of the empty tenant reads, and what one of the applied tenant reads.
    let plan_reads = plan_requests(&emulator, &tenant).await;

    let start_apply = emulator.request_log().len();
    let outcome = apply_small(&management_client(&emulator).await, &tenant).await;
    assert_eq!(outcome, Outcome::Verified);
    let applied = api_requests(&emulator, start_apply);

    let verification_reads = plan_requests(&emulator, &tenant).await;

    let writes = applied.iter().filter(|e| e.method != "GET").count();
    assert!(
        writes >= 5,
        "two applications, a grant, a connection, its enablement: {applied:#?}"
    );
    // Without the apply lock (a library caller), each created application is followed by the
    // check for a same-named one another run created meanwhile (`apply::applications`).
    let created_applications = applied
        .iter()
        .filter(|e| e.method == "POST" && e.path == "/api/v2/clients")
        .count();
    assert_eq!(created_applications, 2);
    assert_eq!(
        applied.len(),
        plan_reads + writes + created_applications + verification_reads,
        "apply re-read something its plan had read: {applied:#?}"
    );
    emulator.shutdown().await.unwrap();
}

/// Holding the apply lock (as the command does), apply sends exactly its plan's reads, the
/// writes (the lock's own included) and the verification plan's reads.
#[tokio::test]
async fn under_the_apply_lock_apply_reads_nothing_its_plans_do_not() {
    let emulator = start(RateLimit::Off).await;
    let tenant = small_tenant();
    let plan_reads = plan_requests(&emulator, &tenant).await;

    let client = management_client(&emulator).await;
    let start_apply = emulator.request_log().len();
    let lease = lock::acquire(&client, LockOptions::default(), &|_| {})
        .await
        .unwrap();
    let outcome = Box::pin(lease.scope(apply_small(&client, &tenant))).await;
    lease.release().await.unwrap();
    assert_eq!(outcome, Outcome::Verified);
    let applied = api_requests(&emulator, start_apply);

    let verification_reads = plan_requests(&emulator, &tenant).await;

    let writes = applied.iter().filter(|e| e.method != "GET").count();
    assert!(
        writes >= 7,
        "the lock taken and released, two applications, a grant, a connection, its enablement: {applied:#?}"
    );
    assert_eq!(
        applied.len(),
        plan_reads + writes + verification_reads,
        "apply read something its plans do not: {applied:#?}"
    );
    emulator.shutdown().await.unwrap();
}

/// An apply as the command runs it: under the apply lock, released (a write) at the end.
async fn apply_locked(client: &ManagementClient, tenant: &TenantFile) -> Outcome {
    let lease = lock::acquire(client, LockOptions::default(), &|_| {})
        .await
        .unwrap();
    let outcome = Box::pin(lease.scope(apply_small(client, tenant))).await;
    lease.release().await.unwrap();
    outcome
}

/// apply, plan, apply, export: four clients, as four processes, one right after another. Each
/// run records when the bucket holds a token again, and the next one waits for it before its
/// first request (sent before it can know what the previous run spent), which is never refused.
#[tokio::test]
async fn back_to_back_runs_at_the_free_limit_start_without_a_429() {
    let emulator = start(RateLimit::Free).await;
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path();
    let tenant = small_tenant();
    let mut firsts = Vec::new();
    firsts.push(emulator.request_log().len());
    assert_eq!(
        apply_locked(&process_client(&emulator, cache).await, &tenant).await,
        Outcome::Verified
    );
    firsts.push(emulator.request_log().len());
    plan_tenant(
        &process_client(&emulator, cache).await,
        &tenant,
        PlanOptions::default(),
    )
    .await
    .unwrap();
    firsts.push(emulator.request_log().len());
    assert_eq!(
        apply_locked(&process_client(&emulator, cache).await, &tenant).await,
        Outcome::NoChanges
    );
    firsts.push(emulator.request_log().len());
    read_everything(&process_client(&emulator, cache).await, &every_kind())
        .await
        .unwrap();
    let log = emulator.request_log();
    assert!(log.len() > 20, "the runs read and wrote: {}", log.len());
    for first in firsts {
        let entry = &log[first];
        assert_ne!(
            entry.status, 429,
            "request {first}, the first of a run, was refused: {entry:?}"
        );
    }
    emulator.shutdown().await.unwrap();
}

/// A run that drained the free plan's bucket, then at once a new process: its first request
/// waits for the token the cache file says is coming instead of being refused.
#[tokio::test]
async fn a_run_right_after_one_that_drained_the_bucket_is_not_refused() {
    let emulator = start(RateLimit::Free).await;
    let cache = tempfile::tempdir().unwrap();
    let drained = process_client(&emulator, cache.path()).await;
    // Burst 2, then paced reads until one leaves the bucket empty: the run records when it
    // holds a token again. (A read that finds a token to spare leaves nothing to record.)
    let recorded = cache.path().join("rate-limits.json");
    for _ in 0..10 {
        drained.get(&["clients"], &[]).await.unwrap();
        drained.remember_rate_limits();
        if recorded.exists() {
            break;
        }
    }
    assert!(recorded.exists(), "the drained bucket was recorded");
    assert_next_process_is_not_refused(&emulator, cache.path()).await;
    emulator.shutdown().await.unwrap();
}

/// Releasing the apply lock is an apply's last request: a new process right after it waits
/// for the token the release spent instead of being refused.
#[tokio::test]
async fn a_run_right_after_a_lock_release_is_not_refused() {
    let emulator = start(RateLimit::Free).await;
    let cache = tempfile::tempdir().unwrap();
    let run = process_client(&emulator, cache.path()).await;
    let lease = lock::acquire(&run, LockOptions::default(), &|_| {})
        .await
        .unwrap();
    lease.release().await.unwrap();
    assert_next_process_is_not_refused(&emulator, cache.path()).await;
    emulator.shutdown().await.unwrap();
}

/// What a request waited to be sent (the pacing) is told apart from how long Auth0 took to
/// answer it: `--verbose` shows both.
#[tokio::test]
async fn a_request_held_by_the_pacing_reports_its_wait_apart_from_its_answer() {
    let emulator = start(RateLimit::Free).await;
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let observer: tenantform::api::RequestObserver = {
        let events = std::sync::Arc::clone(&events);
        std::sync::Arc::new(move |event: &tenantform::api::RequestEvent| {
            if event.path.starts_with("/api/v2/") {
                events.lock().unwrap().push((event.waited, event.elapsed));
            }
        })
    };
    let client = observed_client(&emulator, observer).await;
    for _ in 0..4 {
        client.get(&["clients"], &[]).await.unwrap();
    }
    let events = events.lock().unwrap().clone();
    assert_eq!(events.len(), 4, "{events:?}");
    // Burst 2 at 2 per second: the third and fourth wait about half a second each to be
    // sent, and the emulator answers each in a few milliseconds.
    for (waited, elapsed) in &events[2..] {
        assert!(*waited >= Duration::from_millis(300), "{events:?}");
        assert!(*elapsed < Duration::from_millis(200), "{events:?}");
    }
    emulator.shutdown().await.unwrap();
}

/// A new process with the same cache file sends one request, answered, not refused and retried.
async fn assert_next_process_is_not_refused(emulator: &Emulator, cache: &Path) {
    let next_first = emulator.request_log().len();
    let next = process_client(emulator, cache).await;
    next.get(&["clients"], &[]).await.unwrap();
    let sent = api_requests(emulator, next_first);
    assert_eq!(
        sent.len(),
        1,
        "one request, not refused and retried: {sent:#?}"
    );
    assert_eq!(sent[0].status, 200, "{sent:#?}");
}
