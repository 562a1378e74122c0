//! `tenantform apply` against the in-process emulator: convergence, touching only what
//! changed, safety refusals, saved plans, secrets, and faults.

mod edits;
mod faults;
mod safety;
mod saved_plan;
mod support;

use crate::support::{Cli, sentinel};

/// The README's first command: plan, apply, plan again (no changes), render `local` with the
/// secrets masked — and no secret on the terminal.
#[test]
fn the_demo_runs_the_whole_loop_and_shows_no_secret() {
    let run = Cli::new().args(["demo"]).run();
    run.assert_success();
    let all = run.all();
    for step in [
        "[1/6]",
        "[3/6] tenantform plan",
        "[4/6] tenantform apply",
        "[5/6]",
        "No changes. The tenant matches the file.",
        "[6/6] tenantform render",
        "client_secret = \"****\"",
    ] {
        assert!(all.contains(step), "missing `{step}` in:\n{all}");
    }
    sentinel::assert_absent("the demo's output", &all);
    assert!(
        !all.contains("AUTH0_M2M_CLIENT_SECRET='"),
        "the M2M secret is masked"
    );
}
