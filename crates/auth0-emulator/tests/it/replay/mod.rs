//! Replays real Auth0 traffic (go-vcr cassettes from go-auth0 and the Terraform provider)
//! against fresh emulators and compares status codes and response shapes.
//!
//! What is checked and why some interactions cannot match: README.md beside this file.
//! `AUTH0_EMULATOR_WRITE_REPLAY_REPORT=1` also writes the summary to REPLAY.md beside it.

mod cassette;
mod catalogue;
mod id_map;
mod report;
mod runner;
mod shape;

use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_interaction_matches_or_is_explained() {
    let mut reports = Vec::new();
    for entry in catalogue::CASSETTES {
        reports.push(runner::replay(entry).await);
    }
    let summary = report::render(&reports);
    println!("{summary}");
    if std::env::var("AUTH0_EMULATOR_WRITE_REPLAY_REPORT").is_ok_and(|value| value == "1") {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/replay/REPLAY.md");
        std::fs::write(&path, &summary).expect("write REPLAY.md");
    }
    let replayed: usize = reports.iter().map(|report| report.outcomes.len()).sum();
    assert!(replayed > 400, "only {replayed} interactions replayed");
    let failures = report::failures(&reports);
    assert!(
        failures.is_empty(),
        "replay mismatches (how to read them: crates/auth0-emulator/tests/it/replay/README.md):\n{failures}"
    );
}
