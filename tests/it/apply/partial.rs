//! One failed change does not stop an apply: independent changes go ahead (as in Terraform),
//! the changes that depend on the failed one are skipped with the reason, and the report says
//! which were applied, which failed and which were skipped because of what (issue 13, item 6).

use auth0_emulator::{Emulator, EmulatorOptions};
use tenantform::apply::{ApplyOptions, ApplyReport, execute};
use tenantform::planning::{PlanOptions, plan_tenant};
use tenantform_core::plan::{Address, Desired, Kind, Plan};

use super::support::{cli, copy_project, load_example, name_counts, writes};
use crate::support::emulator::start_with;
use crate::support::management_client;

const DASHBOARD: &str = "Acme Reporting Dashboard";
const M2M: &str = "Acme Reporting Dashboard M2M";
const CONNECTION: &str = "reporting-dashboard-users";

async fn emulator() -> Emulator {
    start_with(EmulatorOptions {
        action_build_time: std::time::Duration::ZERO,
        ..EmulatorOptions::default()
    })
    .await
}

/// `plan` with the change at `kind`/`name` edited by `edit` (typed, so the secrets resolved
/// when the file was loaded stay resolved).
fn doctor(mut plan: Plan, kind: Kind, name: &str, edit: impl Fn(&mut Desired)) -> Plan {
    let change = plan
        .changes
        .iter_mut()
        .find(|c| c.address.kind == kind && c.address.name == name)
        .unwrap_or_else(|| panic!("no change for {kind:?} {name}"));
    edit(change.desired.as_mut().expect("a desired value"));
    plan
}

/// Auth0 refuses an http:// login URI with a 400.
fn insecure_login_uri(desired: &mut Desired) {
    let Desired::Application { application } = desired else {
        panic!("not an application: {desired:?}");
    };
    application.initiate_login_uri = Some("http://not-https.example/login".to_owned());
}

fn addresses(report: &ApplyReport) -> Vec<String> {
    report.applied.iter().map(ToString::to_string).collect()
}

/// The case: the grant answers 404 (its API does not exist). Before, the ten changes
/// after it stayed pending; now only the grant fails and everything else is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_grant_leaves_every_independent_change_applied() {
    let project = copy_project();
    let loaded = load_example(project.path());
    let emulator = emulator().await;
    let api = management_client(&emulator).await;
    let (plan, _) = plan_tenant(&api, &loaded.tenant, PlanOptions::default())
        .await
        .unwrap();
    let grant = plan
        .pending()
        .find(|c| c.address.kind == Kind::Grant)
        .unwrap()
        .address
        .clone();
    let plan = doctor(plan, Kind::Grant, &grant.name, |desired| {
        let Desired::Grant { audience, .. } = desired else {
            panic!("not a grant: {desired:?}");
        };
        *audience = "https://no-such-api.example/".to_owned();
    });
    let report = execute(&api, &plan, ApplyOptions::default(), &|_| {})
        .await
        .expect("not refused");

    assert_eq!(report.failed.len(), 1, "{report:#?}");
    assert_eq!(report.failed[0].address, grant);
    assert!(
        report.failed[0]
            .message
            .contains("No resource server with identifier"),
        "{report:#?}"
    );
    assert!(report.skipped.is_empty(), "{report:#?}");
    let pending: Vec<&Address> = plan.pending().map(|c| &c.address).collect();
    assert_eq!(report.applied.len(), pending.len() - 1, "{report:#?}");
    let order: Vec<&Address> = pending.into_iter().filter(|a| **a != grant).collect();
    assert_eq!(report.applied.iter().collect::<Vec<_>>(), order);
    // What the report says was applied is in the tenant.
    let counts = name_counts(&api).await;
    for key in [
        format!("client {DASHBOARD}"),
        format!("client {M2M}"),
        format!("connection {CONNECTION}"),
        "action Post-Login Verification".to_owned(),
        "user admin@acme.example".to_owned(),
    ] {
        assert_eq!(counts.get(&key), Some(&1), "{key}: {counts:?}");
    }
}

/// An application that fails to create: its grant, the connection that enables it and the
/// user on that connection are skipped, each saying because of what; the rest is applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dependants_of_a_failed_change_are_skipped_with_the_reason() {
    let project = copy_project();
    let loaded = load_example(project.path());
    let emulator = emulator().await;
    let api = management_client(&emulator).await;
    let (plan, _) = plan_tenant(&api, &loaded.tenant, PlanOptions::default())
        .await
        .unwrap();
    let plan = doctor(plan, Kind::Application, M2M, insecure_login_uri);
    let events = std::sync::Mutex::new(Vec::new());
    let report = execute(&api, &plan, ApplyOptions::default(), &|event| {
        if let tenantform::apply::ApplyEvent::Skipped(change, reason) = event {
            events
                .lock()
                .unwrap()
                .push(format!("{}: {reason}", change.address));
        }
    })
    .await
    .expect("not refused");

    let m2m = Address::new(Kind::Application, M2M);
    let connection = Address::new(Kind::Connection, CONNECTION);
    assert_eq!(report.failed.len(), 1, "{report:#?}");
    assert_eq!(report.failed[0].address, m2m);
    assert!(report.failed[0].message.contains("400"), "{report:#?}");
    let skipped: Vec<(String, Option<Address>, String)> = report
        .skipped
        .iter()
        .map(|s| {
            (
                s.address.to_string(),
                s.because_of.clone(),
                s.reason.clone(),
            )
        })
        .collect();
    let grant = plan
        .pending()
        .find(|c| c.address.kind == Kind::Grant)
        .unwrap()
        .address
        .to_string();
    assert_eq!(
        skipped,
        [
            (
                grant,
                Some(m2m.clone()),
                format!("depends on {m2m}, which failed")
            ),
            (
                connection.to_string(),
                Some(m2m.clone()),
                format!("depends on {m2m}, which failed")
            ),
            (
                "user[\"admin@acme.example\"]".to_owned(),
                Some(connection.clone()),
                format!("depends on {connection}, which was skipped")
            ),
        ],
        "{report:#?}"
    );
    assert_eq!(events.lock().unwrap().len(), 3);
    let applied = addresses(&report);
    for expected in [
        format!("{}", Address::new(Kind::Application, DASHBOARD)),
        "tenant_settings[\"tenant\"]".to_owned(),
        "email_provider[\"provider\"]".to_owned(),
        "email_template[\"reset_email\"]".to_owned(),
        "action[\"Post-Login Verification\"]".to_owned(),
        "bindings[\"post-login\"]".to_owned(),
    ] {
        assert!(applied.contains(&expected), "{expected} not in {applied:?}");
    }
    // Nothing was sent for the skipped changes.
    let sent = writes(&emulator.request_log());
    for path in [
        "POST /api/v2/client-grants",
        "POST /api/v2/connections",
        "POST /api/v2/users",
    ] {
        assert!(!sent.iter().any(|w| w == path), "{path} in {sent:#?}");
    }
    assert!(!report.is_complete());
}

/// Through the binary: a saved plan whose one change fails exits 1, and the report names what
/// was applied, what failed and what was skipped because of what; the next apply finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_reports_applied_failed_and_skipped_and_exits_1() {
    let project = copy_project();
    let emulator = emulator().await;
    cli(&emulator, project.path())
        .args(["plan", "tenants/dev.yaml", "--out", "plan.json"])
        .run_async()
        .await
        .assert_success();
    let path = project.path().join("plan.json");
    let plan: Plan = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let plan = doctor(plan, Kind::Application, M2M, insecure_login_uri);
    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();

    let run = cli(&emulator, project.path())
        .args(["apply", "--plan", "plan.json", "--auto-approve"])
        .run_async()
        .await;
    run.assert_code(1);
    let all = run.all();
    let m2m = format!("application[{M2M:?}]");
    for line in [
        format!("x {m2m}: create failed:"),
        format!("- connection[{CONNECTION:?}]: create skipped: depends on {m2m}, which failed"),
        format!(
            "- user[\"admin@acme.example\"]: create skipped: depends on connection[{CONNECTION:?}], which was skipped"
        ),
        "apply did not complete: 1 failed, 3 skipped".to_owned(),
        format!("  applied: application[{DASHBOARD:?}], tenant_settings[\"tenant\"]"),
        format!("  failed:  {m2m}: "),
        format!("  skipped: connection[{CONNECTION:?}] (depends on {m2m}, which failed)"),
        "Run apply again to finish".to_owned(),
    ] {
        assert!(all.contains(&line), "missing `{line}` in:\n{run}");
    }

    cli(&emulator, project.path())
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .run_async()
        .await
        .assert_success();
}
