//! Concurrent applies (issue 13, item 2): two or three applies of `tenants/dev.yaml` started
//! together on a fresh tenant take turns through the apply lock and leave exactly one of each
//! resource, a tenant that plans with no changes and no lock behind, whatever the interleaving
//! (the emulator pauses each request a random time, from its seed). A run that died holding the
//! lock is taken over after the ttl; a run whose lock was taken over stops writing; a lock
//! create whose answer was lost is recognised. Duplicates left by older versions are resolved
//! by `apply --resolve-duplicates`, which refuses (changing nothing) a copy it cannot prove.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use auth0_emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};
use tenantform::api::{ConnectionFilter, FieldSelection, GrantFilter, ManagementClient};
use tenantform::apply::lock::{self, LOCK_IDENTIFIER, LockError, LockOptions, LockWait};
use tenantform::apply::{ApplyOptions, ApplyReport, execute};
use tenantform::planning::{PlanOptions, plan_tenant};
use tenantform_core::model::{LoadedTenant, TenantFile};

use super::support::{cli, copy_project, load_example, lock_writes, name_counts, writes};
use crate::support::emulator::start_with;
use crate::support::{client_faulting_first_post, management_client};

/// Every resource `tenants/dev.yaml` manages that can exist more than once, by
/// `name_counts` key.
const RESOURCES: &[&str] = &[
    "client Acme Reporting Dashboard",
    "client Acme Reporting Dashboard M2M",
    "connection reporting-dashboard-users",
    "action Post-Login Verification",
    "user admin@acme.example",
];

/// Short waits for tests; the ttl is long enough that no test run's lock goes stale.
fn test_lock() -> LockOptions {
    LockOptions {
        timeout: Duration::from_secs(60),
        ttl: Duration::from_secs(10),
        poll: Duration::from_millis(10),
    }
}

async fn emulator(seed: u64) -> Emulator {
    start_with(EmulatorOptions {
        seed,
        action_build_time: Duration::ZERO,
        ..EmulatorOptions::default()
    })
    .await
}

/// The example project loaded, and a fresh tenant (emulated with `seed`) with a client.
struct Example {
    /// The example's files (deleted when dropped).
    project: tempfile::TempDir,
    loaded: LoadedTenant,
    emulator: Emulator,
    api: ManagementClient,
}

impl Example {
    async fn new(seed: u64) -> Self {
        let project = copy_project();
        let loaded = load_example(project.path());
        let emulator = emulator(seed).await;
        let api = management_client(&emulator).await;
        Self {
            project,
            loaded,
            emulator,
            api,
        }
    }
}

/// What one run did.
#[derive(Debug)]
struct RunResult {
    /// The plan it made under the lock had changes.
    had_changes: bool,
    report: ApplyReport,
    /// Planning again after executing found nothing.
    verified: bool,
}

/// One `apply` as the command runs it, through the library: take the lock, plan, execute,
/// plan again, release.
async fn locked_apply(
    emulator: &Emulator,
    tenant: &TenantFile,
    options: LockOptions,
) -> Result<RunResult, String> {
    let api = management_client(emulator).await;
    let lease = lock::acquire(&api, options, &|_| {})
        .await
        .map_err(|e| format!("lock: {e}"))?;
    let result = Box::pin(lease.scope(async {
        let (plan, _) = plan_tenant(&api, tenant, PlanOptions::default())
            .await
            .map_err(|e| format!("plan: {e}"))?;
        if plan.is_refused() {
            return Err(format!("plan refused: {:?}", plan.errors));
        }
        let report = execute(&api, &plan, ApplyOptions::default(), &|_| {})
            .await
            .map_err(|e| format!("execute: {e}"))?;
        let (after, _) = plan_tenant(&api, tenant, PlanOptions::default())
            .await
            .map_err(|e| format!("verify: {e}"))?;
        Ok(RunResult {
            had_changes: plan.has_changes(),
            report,
            verified: !after.has_changes() && !after.is_refused(),
        })
    }))
    .await;
    lease.release().await.map_err(|e| format!("release: {e}"))?;
    result
}

async fn lock_left(api: &ManagementClient) -> Option<Value> {
    api.get_optional(&["resource-servers", LOCK_IDENTIFIER], &[])
        .await
        .expect("read the lock")
}

/// Exactly one of each resource, a clean plan, no lock.
async fn assert_settled(emulator: &Emulator, tenant: &TenantFile, context: &str) {
    let api = management_client(emulator).await;
    let counts = name_counts(&api).await;
    let duplicates: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicates.is_empty(),
        "{context}: duplicates {duplicates:?}"
    );
    for resource in RESOURCES {
        assert_eq!(counts.get(*resource), Some(&1), "{context}: {counts:?}");
    }
    let grants = api
        .list_client_grants(&GrantFilter::default())
        .await
        .unwrap();
    assert_eq!(
        grants.len(),
        2,
        "{context}: tenantform's own grant and the M2M grant: {grants:#?}"
    );
    let (plan, _) = plan_tenant(&api, tenant, PlanOptions::default())
        .await
        .unwrap();
    assert!(
        !plan.has_changes() && !plan.is_refused(),
        "{context}: {:#?} {:#?}",
        plan.pending().collect::<Vec<_>>(),
        plan.errors
    );
    assert_eq!(lock_left(&api).await, None, "{context}: a lock was left");
}

/// Two and three applies started together, several seeds each (the emulator's random pauses
/// of up to 4 ms per request shuffle their requests): every run succeeds, one of them makes
/// the changes and the others, planning after it, find none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_applies_take_turns_and_leave_one_of_each_resource() {
    let project = copy_project();
    let loaded = load_example(project.path());
    for (runs, seeds) in [(2, 1..=3), (3, 4..=6)] {
        for seed in seeds {
            let context = format!("{runs} runs, seed {seed}");
            let emulator = emulator(seed).await;
            emulator.set_jitter(Duration::from_millis(4));
            let results = futures::future::join_all(
                (0..runs).map(|_| locked_apply(&emulator, &loaded.tenant, test_lock())),
            )
            .await;
            emulator.set_jitter(Duration::ZERO);
            let results: Vec<RunResult> = results
                .into_iter()
                .map(|r| r.unwrap_or_else(|e| panic!("{context}: a run failed: {e}")))
                .collect();
            for result in &results {
                assert!(result.report.is_complete(), "{context}: {result:#?}");
                assert!(result.verified, "{context}: not verified: {result:#?}");
            }
            let changed = results.iter().filter(|r| r.had_changes).count();
            assert_eq!(changed, 1, "{context}: {results:#?}");
            assert_settled(&emulator, &loaded.tenant, &context).await;
            emulator.shutdown().await.expect("shutdown");
        }
    }
}

/// A run killed while holding the lock (its renewals stop, the lock stays): the next run waits,
/// sees the lock unchanged for the ttl, takes it over, and applies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_whose_run_died_is_taken_over_after_the_ttl() {
    let Example {
        project: _project,
        loaded,
        emulator,
        api,
    } = Example::new(1).await;
    let options = LockOptions {
        ttl: Duration::from_millis(300),
        ..test_lock()
    };
    let dead = lock::acquire(&api, options, &|_| {}).await.unwrap();
    drop(dead);
    assert!(lock_left(&api).await.is_some());

    let heard = Mutex::new(Vec::new());
    let started = Instant::now();
    let lease = lock::acquire(&api, options, &|wait| {
        heard.lock().unwrap().push(wait.clone());
    })
    .await
    .expect("taken over");
    assert!(started.elapsed() >= options.ttl, "{:?}", started.elapsed());
    let heard = heard.into_inner().unwrap();
    assert!(
        matches!(heard.as_slice(), [LockWait::Held(a), LockWait::Stale(b)] if a == b && a.starts_with("tenantform apply lock: ")),
        "{heard:?}"
    );
    lease.release().await.unwrap();

    let result = Box::pin(locked_apply(&emulator, &loaded.tenant, options))
        .await
        .unwrap();
    assert!(result.report.is_complete() && result.verified);
    assert_settled(&emulator, &loaded.tenant, "after a takeover").await;
}

/// A run whose lock was taken over (here: deleted under it, as a waiter deletes a stale lock)
/// learns it from its next renewal and sends nothing more: every change is skipped, saying so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_whose_lock_was_taken_over_stops_writing() {
    let Example {
        project: _project,
        loaded,
        emulator,
        api,
    } = Example::new(1).await;
    let options = LockOptions {
        ttl: Duration::from_millis(400),
        ..test_lock()
    };
    let lease = lock::acquire(&api, options, &|_| {}).await.unwrap();
    let (plan, _) = plan_tenant(&api, &loaded.tenant, PlanOptions::default())
        .await
        .unwrap();
    api.delete(&["resource-servers", lease.id()]).await.unwrap();
    // A renewal (every ttl/4) answers 404.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = writes(&emulator.request_log()).len();
    let report = Box::pin(lease.scope(execute(&api, &plan, ApplyOptions::default(), &|_| {})))
        .await
        .unwrap();
    assert!(report.applied.is_empty(), "{report:#?}");
    assert!(report.failed.is_empty(), "{report:#?}");
    assert_eq!(report.skipped.len(), plan.pending().count());
    assert!(
        report
            .skipped
            .iter()
            .all(|s| s.because_of.is_none() && s.reason.contains("taken over")),
        "{report:#?}"
    );
    let after: Vec<String> = writes(&emulator.request_log())
        .into_iter()
        .skip(before)
        .collect();
    assert!(after.is_empty(), "{after:#?}");
    lease.release().await.unwrap();
}

/// With `--lock-timeout 0s` a run does not wait: it says who holds the lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_lock_and_no_time_to_wait_names_the_holder() {
    let emulator = emulator(1).await;
    let api = management_client(&emulator).await;
    let held = lock::acquire(&api, test_lock(), &|_| {}).await.unwrap();
    let other = management_client(&emulator).await;
    let error = lock::acquire(
        &other,
        LockOptions {
            timeout: Duration::ZERO,
            ..test_lock()
        },
        &|_| {},
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LockError::Held { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("another apply holds the tenant's apply lock (tenantform apply lock: ")
            && message.contains("pid ")
            && message.contains("--lock-timeout"),
        "{message}"
    );
    held.release().await.unwrap();
    assert_eq!(lock_left(&api).await, None);
}

/// The lock's create is committed but its answer lost: the run recognises its own lock by the
/// token in its name instead of waiting for itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_create_whose_answer_was_lost_is_recognised() {
    for seed in 1..=60 {
        let emulator = Arc::new(emulator(seed).await);
        let api = client_faulting_first_post(&emulator, Duration::from_millis(400)).await;
        emulator.set_faults(1.0);
        let options = LockOptions {
            timeout: Duration::from_secs(2),
            ..test_lock()
        };
        let acquired = lock::acquire(&api, options, &|_| {}).await;
        emulator.set_faults(0.0);
        let lost = emulator.request_log().iter().any(|e| {
            e.path == "/api/v2/resource-servers"
                && e.fault.as_deref() == Some("committed_then_dropped")
        });
        if !lost {
            continue;
        }
        let lease = acquired.expect("its own lock is recognised");
        let lock = lock_left(&api).await.expect("the lock exists");
        assert_eq!(lock["id"], json!(lease.id()));
        lease.release().await.unwrap();
        return;
    }
    panic!("no seed in 1..=60 lost the answer to the lock's create");
}

/// Through the binary, the reproduction: two `apply` started together on a fresh
/// tenant both exit 0, and the tenant has one of each resource and no lock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_apply_commands_started_together_both_succeed() {
    let project = copy_project();
    let loaded = load_example(project.path());
    let emulator = emulator(7).await;
    emulator.set_jitter(Duration::from_millis(2));
    let run = || {
        cli(&emulator, project.path())
            .args(["apply", "tenants/dev.yaml", "--auto-approve"])
            .run_async()
    };
    let (first, second) = tokio::join!(run(), run());
    emulator.set_jitter(Duration::ZERO);
    first.assert_success();
    second.assert_success();
    assert!(
        [&first, &second]
            .iter()
            .any(|r| r.all().contains("No changes. The tenant matches the file.")),
        "one of the runs planned after the other:\n{first}\n{second}"
    );
    assert_settled(&emulator, &loaded.tenant, "two commands").await;
}

/// The duplicates older versions left (two applies of a fresh tenant at once): each
/// application twice, each copy with its grant and enabled on the connection. Made by
/// replaying the creates of one apply through the raw API (today's apply keeps one of two
/// same-named applications it sees, so it cannot make them).
async fn duplicated_tenant(emulator: &Emulator, tenant: &TenantFile) {
    let api = management_client(emulator).await;
    let (plan, _) = plan_tenant(&api, tenant, PlanOptions::default())
        .await
        .unwrap();
    let report = execute(&api, &plan, ApplyOptions::default(), &|_| {})
        .await
        .unwrap();
    assert!(report.is_complete(), "{report:#?}");
    let grants = api
        .list_client_grants(&GrantFilter::default())
        .await
        .unwrap();
    let connections = api
        .list_connections(&ConnectionFilter::default())
        .await
        .unwrap();
    let creates: Vec<Value> = emulator
        .request_log()
        .into_iter()
        .filter(|e| e.method == "POST" && e.path == "/api/v2/clients")
        .map(|e| e.body.expect("a client body"))
        .collect();
    for body in creates {
        let original = client_ids(&api).await[body["name"].as_str().unwrap()][0].clone();
        let copy = api.post(&["clients"], &body).await.unwrap();
        let copy = copy["client_id"].as_str().unwrap().to_owned();
        for grant in grants.iter().filter(|g| g["client_id"] == json!(original)) {
            api.create_client_grant(
                &json!({"client_id": copy, "audience": grant["audience"], "scope": grant["scope"]}),
            )
            .await
            .unwrap();
        }
        for connection in &connections {
            let id = connection["id"].as_str().unwrap();
            if api.enabled_clients(id).await.unwrap().contains(&original) {
                api.set_enabled_clients(id, &[(copy.clone(), true)])
                    .await
                    .unwrap();
            }
        }
    }
    for ids in client_ids(&api).await.values() {
        assert!(ids.len() <= 2);
    }
}

/// Without the lock (`--lock=false`), the rule after each create: a run that finds another
/// application of the name it just created keeps the lowest client_id and deletes only its
/// own. Here a second run executes the same plan after the first (whose applications it sees
/// on its check): where its copy has the higher client_id it deletes it and adopts the
/// first's, leaving one; where its copy has the lower one it keeps it, and the first's stays
/// (the first run never saw it) for `--resolve-duplicates`. Both cases are met over the seeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_lock_a_run_keeps_the_lowest_client_id_and_deletes_only_its_own() {
    let project = copy_project();
    let loaded = load_example(project.path());
    let (mut kept_theirs, mut kept_ours) = (0, 0);
    for seed in 1..=20 {
        let emulator = emulator(seed).await;
        let api = management_client(&emulator).await;
        let (plan, _) = plan_tenant(&api, &loaded.tenant, PlanOptions::default())
            .await
            .unwrap();
        Box::pin(execute(&api, &plan, ApplyOptions::default(), &|_| {}))
            .await
            .unwrap();
        let first = client_ids(&api).await;
        let details = Mutex::new(BTreeMap::new());
        let report = Box::pin(execute(&api, &plan, ApplyOptions::default(), &|event| {
            if let tenantform::apply::ApplyEvent::Applied(change, Some(detail)) = event {
                details
                    .lock()
                    .unwrap()
                    .insert(change.address.name.clone(), detail.clone());
            }
        }))
        .await
        .unwrap();
        assert!(report.is_complete(), "seed {seed}: {report:#?}");
        let details = details.into_inner().unwrap();
        let after = client_ids(&api).await;
        for name in ["Acme Reporting Dashboard", "Acme Reporting Dashboard M2M"] {
            let theirs = &first[name][0];
            let detail = &details[name];
            assert!(
                after[name].contains(theirs),
                "seed {seed}: {name}: {detail}"
            );
            if after[name].len() == 1 {
                assert!(
                    detail.starts_with(&format!(
                        "another run created `{name}` at the same time: kept {theirs} (the lowest client_id) and deleted the one this run created ("
                    )),
                    "seed {seed}: {detail}"
                );
                kept_theirs += 1;
            } else {
                let ours = after[name].iter().find(|id| *id != theirs).unwrap();
                assert!(ours < theirs, "seed {seed}: {name}: {after:?}");
                assert!(
                    detail.ends_with(&format!("keeps the lowest client_id, this run's {ours}")),
                    "seed {seed}: {detail}"
                );
                kept_ours += 1;
            }
        }
        if after.values().all(|ids| ids.len() == 1) {
            assert_settled(&emulator, &loaded.tenant, &format!("seed {seed}")).await;
        }
        emulator.shutdown().await.expect("shutdown");
        if kept_theirs > 0 && kept_ours > 0 {
            return;
        }
    }
    panic!(
        "20 seeds did not show both cases: {kept_theirs} kept the first run's, {kept_ours} this run's"
    );
}

/// client_ids by display name.
async fn client_ids(api: &ManagementClient) -> BTreeMap<String, Vec<String>> {
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for client in api
        .list_clients(&FieldSelection::include(["client_id", "name"]))
        .await
        .unwrap()
    {
        ids.entry(client["name"].as_str().unwrap().to_owned())
            .or_default()
            .push(client["client_id"].as_str().unwrap().to_owned());
    }
    for list in ids.values_mut() {
        list.sort();
    }
    ids
}

/// The wedged tenant of the issue: plan and apply refuse it naming `--resolve-duplicates`;
/// with it, apply keeps the lowest client_id of each name, moves what only the copy had (a
/// grant, an enabled connection) to it, deletes the copies, and finishes the apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_duplicates_keeps_the_lowest_client_id_and_moves_grants_and_connections() {
    let Example {
        project,
        loaded,
        emulator,
        api,
    } = Example::new(3).await;
    Box::pin(duplicated_tenant(&emulator, &loaded.tenant)).await;
    let before = client_ids(&api).await;
    let m2m = &before["Acme Reporting Dashboard M2M"];
    assert_eq!(m2m.len(), 2);
    let (survivor, copy) = (&m2m[0], &m2m[1]);
    // Only the copy keeps the grant and the enablement: resolving must move them.
    let grants = api
        .list_client_grants(&GrantFilter::default())
        .await
        .unwrap();
    let survivors_grant = grants
        .iter()
        .find(|g| g["client_id"] == json!(survivor))
        .unwrap();
    api.delete_client_grant(survivors_grant["id"].as_str().unwrap())
        .await
        .unwrap();
    let connections = api
        .list_connections(&ConnectionFilter::default())
        .await
        .unwrap();
    let connection = connections
        .iter()
        .find(|c| c["name"] == "reporting-dashboard-users")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.set_enabled_clients(&connection, &[(survivor.clone(), false)])
        .await
        .unwrap();

    let plan = cli(&emulator, project.path())
        .args(["plan", "tenants/dev.yaml"])
        .run_async()
        .await;
    plan.assert_code(1);
    for text in [
        "2 live applications are named `Acme Reporting Dashboard M2M`",
        &format!("(client_ids {survivor}, {copy})"),
        "run `tenantform apply FILE --resolve-duplicates`",
    ] {
        assert!(plan.all().contains(text), "missing `{text}` in:\n{plan}");
    }
    cli(&emulator, project.path())
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .run_async()
        .await
        .assert_code(1);
    // A terminal is needed to confirm; nothing changes without one.
    let unconfirmed = cli(&emulator, project.path())
        .args(["apply", "tenants/dev.yaml", "--resolve-duplicates"])
        .run_async()
        .await;
    unconfirmed.assert_code(1);
    assert_eq!(client_ids(&api).await, before, "{unconfirmed}");

    let run = cli(&emulator, project.path())
        .args([
            "apply",
            "tenants/dev.yaml",
            "--resolve-duplicates",
            "--auto-approve",
        ])
        .run_async()
        .await;
    run.assert_success();
    let all = run.all();
    for text in [
        format!(
            "2 applications are named `Acme Reporting Dashboard M2M`: keeping client_id {survivor} (the lowest)"
        ),
        format!("granted {survivor} access to"),
        format!("enabled {survivor} on reporting-dashboard-users"),
        format!("deleted {copy} (a duplicate of `Acme Reporting Dashboard M2M`, kept {survivor})"),
        "No changes. The tenant matches the file.".to_owned(),
    ] {
        assert!(all.contains(&text), "missing `{text}` in:\n{run}");
    }
    let after = client_ids(&api).await;
    for (name, ids) in &before {
        if ids.len() == 2 {
            assert_eq!(
                after[name],
                ids[..1],
                "{name}: the lowest client_id is kept"
            );
        }
    }
    assert_settled(&emulator, &loaded.tenant, "resolved").await;
}

/// A same-named application configured differently (a callback added in the dashboard) is not
/// provably a duplicate: nothing is changed and the error says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolve_duplicates_changes_nothing_when_a_copy_differs() {
    let Example {
        project,
        loaded,
        emulator,
        api,
    } = Example::new(4).await;
    Box::pin(duplicated_tenant(&emulator, &loaded.tenant)).await;
    let before = client_ids(&api).await;
    let web = &before["Acme Reporting Dashboard"];
    api.update_client(
        &web[1],
        &json!({"callbacks": ["https://elsewhere.example/oauth2callback"]}),
    )
    .await
    .unwrap();
    let log_before = writes(&emulator.request_log()).len();
    let run = cli(&emulator, project.path())
        .args([
            "apply",
            "tenants/dev.yaml",
            "--resolve-duplicates",
            "--auto-approve",
        ])
        .run_async()
        .await;
    run.assert_code(1);
    let expected = format!(
        "`Acme Reporting Dashboard`: {} differs from {} (kept: the lowest client_id) in callbacks: it is not provably a duplicate",
        web[1], web[0]
    );
    assert!(
        run.all().contains(&expected),
        "missing `{expected}` in:\n{run}"
    );
    assert!(run.all().contains("nothing was changed"), "{run}");
    assert_eq!(client_ids(&api).await, before);
    // Nothing but the lock was written (taken, then released).
    let log = emulator.request_log();
    let written: Vec<String> = writes(&log).into_iter().skip(log_before).collect();
    assert!(written.is_empty(), "{written:#?}");
    let lock = lock_writes(&log);
    assert_eq!(lock.len(), 2, "{lock:#?}");
    assert!(
        lock[0] == "POST /api/v2/resource-servers"
            && lock[1].starts_with("DELETE /api/v2/resource-servers/"),
        "{lock:#?}"
    );
}

/// An apply interrupted while it holds the lock (Ctrl-C, or SIGTERM from a cancelled CI job)
/// releases it before exiting 130: the next apply does not wait for it to go stale.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_apply_releases_the_lock() {
    let Example {
        project,
        loaded,
        emulator,
        api,
    } = Example::new(2).await;
    // Slow enough that the apply is still running when the signal comes.
    emulator.set_jitter(Duration::from_millis(60));
    let mut child = cli(&emulator, project.path())
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .command()
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("tenantform runs");
    let started = Instant::now();
    while lock_left(&api).await.is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the lock never appeared"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || {
        let status = child.wait().expect("wait");
        let mut stderr = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
        (status, stderr)
    })
    .await
    .unwrap();
    emulator.set_jitter(Duration::ZERO);
    assert_eq!(output.0.code(), Some(130), "{}", output.1);
    assert!(
        output
            .1
            .contains("interrupted: releasing the apply lock; run apply again to finish"),
        "{}",
        output.1
    );
    assert_eq!(lock_left(&api).await, None, "the lock was released");

    let next = Instant::now();
    cli(&emulator, project.path())
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .run_async()
        .await
        .assert_success();
    assert!(next.elapsed() < Duration::from_secs(60));
    assert_settled(&emulator, &loaded.tenant, "after an interrupted apply").await;
}
