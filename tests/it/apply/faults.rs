//! Under injected faults apply converges within two runs and never duplicates a resource; a
//! create whose answer was lost (committed, then the connection dropped) is adopted.

use std::sync::Arc;
use std::time::Duration;

use auth0_emulator::EmulatorOptions;
use tenantform::apply::{ApplyOptions, execute};
use tenantform::planning::{PlanOptions, plan_tenant};

use super::support::{copy_project, load_example, name_counts};
use crate::support::emulator::start_with;
use crate::support::{client_faulting_first_post, management_client_with_timeout};

/// Short enough that a slow-response fault times out quickly, long enough for a debug build.
const TIMEOUT: Duration = Duration::from_millis(400);
const SLOW: Duration = Duration::from_millis(700);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_under_faults_converges_within_two_runs_without_duplicates() {
    let project = copy_project();
    let loaded = load_example(project.path());
    for seed in 1..=20 {
        let emulator = start_with(EmulatorOptions {
            seed,
            slow_response: SLOW,
            ..EmulatorOptions::default()
        })
        .await;
        let api = management_client_with_timeout(&emulator, TIMEOUT).await;
        emulator.set_faults(0.2);
        let mut converged = false;
        let mut history = Vec::new();
        for _ in 0..2 {
            let plan = match plan_tenant(&api, &loaded.tenant, PlanOptions::default()).await {
                Ok((plan, _)) => plan,
                Err(error) => {
                    history.push(format!("plan failed: {error}"));
                    continue;
                }
            };
            match execute(&api, &plan, ApplyOptions::default(), &|_| {}).await {
                Ok(report) => history.push(format!("{report:?}")),
                Err(error) => history.push(format!("refused: {error}")),
            }
        }
        emulator.set_faults(0.0);
        let (after, _) = plan_tenant(&api, &loaded.tenant, PlanOptions::default())
            .await
            .expect("plan without faults");
        if !after.has_changes() {
            converged = true;
        }
        assert!(
            converged,
            "seed {seed}: not converged after two runs: {:#?}\n{history:#?}",
            after.pending().collect::<Vec<_>>()
        );
        let counts = name_counts(&api).await;
        let duplicates: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
        assert!(
            duplicates.is_empty(),
            "seed {seed}: duplicates {duplicates:?}"
        );
        emulator.shutdown().await.expect("shutdown");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_whose_answer_was_lost_is_adopted_not_duplicated() {
    let project = copy_project();
    let loaded = load_example(project.path());
    let mut found_seed = None;
    for seed in 1..=120 {
        let emulator = Arc::new(
            start_with(EmulatorOptions {
                seed,
                slow_response: SLOW,
                ..EmulatorOptions::default()
            })
            .await,
        );
        // Faults for exactly one request: the first POST /clients.
        let api = client_faulting_first_post(&emulator, TIMEOUT).await;
        let (plan, _) = plan_tenant(&api, &loaded.tenant, PlanOptions::default())
            .await
            .unwrap();
        let on_create = Arc::clone(&emulator);
        let arm: &(dyn Fn(&tenantform::apply::ApplyEvent<'_>) + Sync) = &move |event| {
            if let tenantform::apply::ApplyEvent::Started(change) = event
                && change.address.kind == tenantform_core::plan::Kind::Application
            {
                on_create.set_faults(1.0);
            }
        };
        let report = execute(&api, &plan, ApplyOptions::default(), arm).await;
        emulator.set_faults(0.0);
        let log = emulator.request_log();
        let lost = log.iter().any(|e| {
            e.method == "POST"
                && e.path == "/api/v2/clients"
                && e.fault.as_deref() == Some("committed_then_dropped")
        });
        if !lost {
            continue;
        }
        let report = report.expect("not refused");
        assert!(report.is_complete(), "seed {seed}: {report:?}");
        let counts = name_counts(&api).await;
        assert_eq!(
            counts.get("client Acme Reporting Dashboard"),
            Some(&1),
            "{counts:?}"
        );
        let verify = management_client_with_timeout(&emulator, TIMEOUT).await;
        let (after, _) = plan_tenant(&verify, &loaded.tenant, PlanOptions::default())
            .await
            .unwrap();
        assert!(
            !after.has_changes(),
            "{:#?}",
            after.pending().collect::<Vec<_>>()
        );
        found_seed = Some(seed);
        break;
    }
    assert!(
        found_seed.is_some(),
        "no seed in 1..=120 lost the first client create"
    );
}
