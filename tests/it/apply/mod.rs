//! `tenantform apply` against the in-process emulator: convergence, touching only what
//! changed, safety refusals, saved plans, secrets, and faults.

mod application_rename;
mod concurrent;
mod edits;
mod faults;
mod partial;
mod safety;
mod saved_plan;
mod secrets;
mod support;
mod unsent_secrets;
mod user_email_case;

use crate::support::{Cli, sentinel};

/// The README's first command: plan, apply, plan again (no changes), render `local` with the
/// secrets masked, then the invited admin and an uninvited user sign in through the emulator
/// where the post-login Action lets the one in with the roles claim and denies the other —
/// and no secret on the terminal.
#[test]
fn the_demo_runs_the_whole_loop_and_shows_no_secret() {
    let run = Cli::new().args(["demo"]).run();
    run.assert_success();
    let all = run.all();
    for step in [
        "[1/7]",
        "[3/7] tenantform plan",
        "[4/7] tenantform apply",
        "[5/7]",
        "No changes. The tenant matches the file.",
        "[6/7] tenantform render",
        "client_secret = \"****\"",
        "[7/7] Sign in through the emulator's login page",
        "admin@acme.example: password chosen on the password-change ticket page",
        "stranger@example.com: created with a password and no app_metadata",
        "admin@acme.example (the invited admin) signs in:",
        "signed in; the ID token carries:",
        "http://localhost:8501/claims/roles: [\"admin\"]",
        "stranger@example.com (the uninvited user) signs in:",
        "turned away at the callback: error=access_denied, error_description=\"Access denied: Please contact an administrator for an invitation.\"",
    ] {
        assert!(all.contains(step), "missing `{step}` in:\n{all}");
    }
    assert!(!all.contains("SKIPPED"), "{all}");
    sentinel::assert_absent("the demo's output", &all);
    assert!(
        !all.contains("AUTH0_M2M_CLIENT_SECRET='"),
        "the M2M secret is masked"
    );
    assert!(!all.contains("Tf-"), "no generated password is printed");
}

/// Without Node the demo still finishes, and says the Actions were skipped (both users get in).
#[test]
fn the_demo_without_node_says_the_actions_were_skipped() {
    let run = Cli::new().env("PATH", "/nonexistent").args(["demo"]).run();
    run.assert_success();
    let all = run.all();
    for line in [
        "[7/7] Sign in through the emulator's login page",
        "warning: Node.js 20+ was not found: the post-login Actions were SKIPPED",
        "warning: post-login Actions were SKIPPED",
        "stranger@example.com (the uninvited user) signs in:",
    ] {
        assert!(all.contains(line), "missing `{line}` in:\n{all}");
    }
    assert!(!all.contains("access_denied"), "{all}");
    assert!(!all.contains("/claims/roles"), "{all}");
}
