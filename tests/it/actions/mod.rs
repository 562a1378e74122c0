//! `tenantform actions test`: the shipped cases of the example Action pass; the Action edited
//! to stop denying fails with a readable diff; invalid test files and a missing Node are
//! errors that say what to fix.

use crate::support::{Cli, project_dir};

const ACTION: &str = "actions/post-login-verification.js";
const CASES: &str = "actions/tests/post-login-verification.yaml";
const DENY_LINE: &str =
    r#"api.access.deny("Access denied: Please contact an administrator for an invitation.");"#;

/// A project directory holding `actions/NAME.js` (with `code`) and `actions/tests/*.yaml`.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn shipped(path: &str) -> String {
    std::fs::read_to_string(project_dir().join(path)).expect("shipped file")
}

#[test]
fn the_shipped_cases_pass() {
    let run = Cli::new().args(["actions", "test"]).run();
    run.assert_success();
    assert!(
        run.stdout
            .contains(&format!("{CASES} (Post-Login Verification): 4 cases")),
        "{run}"
    );
    for case in [
        "PASS  invited admin is let in and gets the roles claim",
        "PASS  uninvited user is denied on the first login",
        "PASS  uninvited user is denied on a second try too",
        "PASS  unverified email is let in and logged",
    ] {
        assert!(run.stdout.contains(case), "missing `{case}`:\n{run}");
    }
    assert!(run.stdout.contains("4 passed, 0 failed"), "{run}");
    assert!(!run.stdout.contains("FAIL"), "{run}");

    // The same file named on the command line.
    let named = Cli::new().args(["actions", "test", CASES]).run();
    named.assert_success();
    assert!(named.stdout.contains("4 passed, 0 failed"), "{named}");
}

#[test]
fn an_action_that_stops_denying_fails_with_the_cases_and_the_diff() {
    let code = shipped(ACTION);
    assert!(
        code.contains(DENY_LINE),
        "the example Action denies with {DENY_LINE}"
    );
    let broken = code.replace(DENY_LINE, "");
    let dir = project(&[(ACTION, &broken), (CASES, &shipped(CASES))]);
    let run = Cli::new()
        .current_dir(dir.path())
        .args(["actions", "test"])
        .run();
    run.assert_code(1);
    for line in [
        "PASS  invited admin is let in and gets the roles claim",
        "FAIL  uninvited user is denied on the first login",
        "FAIL  uninvited user is denied on a second try too",
        "PASS  unverified email is let in and logged",
        "outcome: expected deny, got allow",
        r#"deny_reason: expected "Access denied: Please contact an administrator for an invitation.", got no denial"#,
        "2 passed, 2 failed",
    ] {
        assert!(run.stdout.contains(line), "missing `{line}`:\n{run}");
    }
    // Each failing case reports its own diff.
    assert_eq!(
        run.stdout
            .matches("outcome: expected deny, got allow")
            .count(),
        2,
        "{run}"
    );
}

#[test]
fn a_failing_case_shows_what_the_action_logged() {
    let dir = project(&[
        (
            "actions/chatty.js",
            r#"exports.onExecutePostLogin = async (event, api) => {
  console.log("looking at", event.user.email, "login", event.stats.logins_count);
  api.idToken.setCustomClaim("https://acme/team", "blue");
};"#,
        ),
        (
            "actions/tests/chatty.yaml",
            "action: ../chatty.js\ncases:\n  - name: wants red\n    user: {email: ada@example.com}\n    logins_count: 3\n    expect:\n      id_token_claims: {\"https://acme/team\": red}\n",
        ),
    ]);
    let run = Cli::new()
        .current_dir(dir.path())
        .args(["actions", "test"])
        .run();
    run.assert_code(1);
    for line in [
        "actions/tests/chatty.yaml (chatty): 1 case",
        "FAIL  wants red",
        r#"id_token_claims: https://acme/team is "blue", expected "red""#,
        "[log] looking at ada@example.com login 3",
        "0 passed, 1 failed",
    ] {
        assert!(run.stdout.contains(line), "missing `{line}`:\n{run}");
    }
}

#[test]
fn an_action_that_outlives_the_timeout_fails_its_case() {
    let dir = project(&[
        (
            "actions/slow.js",
            "exports.onExecutePostLogin = async () => { await new Promise((r) => setTimeout(r, 30000)); };",
        ),
        (
            "actions/tests/slow.yaml",
            "action: ../slow.js\ncases:\n  - name: slow\n",
        ),
    ]);
    let run = Cli::new()
        .current_dir(dir.path())
        .args(["actions", "test", "--timeout", "1"])
        .run();
    run.assert_code(1);
    assert!(run.stdout.contains("FAIL  slow"), "{run}");
    assert!(run.stdout.contains("did not finish within 1s"), "{run}");
}

#[test]
fn invalid_test_files_are_errors_naming_the_file() {
    let good = "action: ../a.js\ncases:\n  - name: fine\n";
    let dir = project(&[
        (
            "actions/a.js",
            "exports.onExecutePostLogin = async () => {};",
        ),
        ("actions/tests/good.yaml", good),
        (
            "actions/tests/typo.yaml",
            "action: ../a.js\ncases:\n  - name: typo\n    usr: {email: ada@example.com}\n",
        ),
        (
            "actions/tests/no-action.yaml",
            "action: ../missing.js\ncases:\n  - name: fine\n",
        ),
    ]);
    let run = Cli::new()
        .current_dir(dir.path())
        .args(["actions", "test"])
        .run();
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("error: actions/tests/typo.yaml:4:5: unknown field `usr`"),
        "{run}"
    );
    assert!(
        run.stderr.contains(
            "error: actions/tests/no-action.yaml: cannot read the Action `action: ../missing.js`"
        ),
        "{run}"
    );
    // The valid file still runs.
    assert!(run.stdout.contains("PASS  fine"), "{run}");
    assert!(
        run.stdout.contains("1 passed, 0 failed, 2 invalid files"),
        "{run}"
    );

    // An unknown key under `expect` too, named on the command line.
    let expect_typo = project(&[
        ("a.js", ""),
        (
            "t.yaml",
            "action: a.js\ncases:\n  - name: c\n    expect:\n      outcom: allow\n",
        ),
    ]);
    let run = Cli::new()
        .current_dir(expect_typo.path())
        .args(["actions", "test", "t.yaml"])
        .run();
    run.assert_code(1);
    assert!(
        run.stderr
            .contains("error: t.yaml:5:7: unknown field `outcom`"),
        "{run}"
    );
}

#[test]
fn without_node_it_says_node_20_is_needed() {
    let run = Cli::new()
        .args(["actions", "test", "--node", "/nonexistent/node"])
        .run();
    run.assert_code(1);
    assert!(
        run.stderr.contains("Node.js 20+ is needed to run Actions"),
        "{run}"
    );
    assert!(run.stderr.contains("/nonexistent/node"), "{run}");
    assert!(!run.stdout.contains("PASS"), "{run}");
}

#[test]
fn without_test_files_it_says_where_it_looked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = Cli::new()
        .current_dir(dir.path())
        .args(["actions", "test"])
        .run();
    run.assert_code(1);
    assert!(run.stderr.contains("cannot list actions/tests"), "{run}");
}

#[test]
fn actions_test_help_has_an_example() {
    let run = Cli::new().args(["actions", "test", "--help"]).run();
    run.assert_success();
    assert!(
        run.stdout.contains("Example: tenantform actions test"),
        "{run}"
    );
    for flag in ["--actions-node-modules", "--node", "--timeout"] {
        assert!(run.stdout.contains(flag), "{flag}: {run}");
    }
}
