//! What the tool prints, whichever command prints it: `--color always|never|auto` and
//! `NO_COLOR` reach every line (diagnostics, warnings, errors, the plan), and `--quiet` leaves
//! only errors and the essential result.

use crate::support::Cli;
use crate::support::emulator::start;

/// A tenant file with errors (exit 1, `error[...]` diagnostics).
const BROKEN: &str = "tests/fixtures/broken/tenants/03-unknown-application-field.yaml";
/// A valid tenant file with a posture warning.
const RISKY: &str = "tests/fixtures/posture/tenants/cases/signup-enabled.yaml";
const ESC: char = '\u{1b}';

#[test]
fn color_always_colors_diagnostics_and_the_error_even_when_piped() {
    let run = Cli::new()
        .args(["--color", "always", "validate", BROKEN])
        .run();
    run.assert_code(1);
    let diagnostic = run
        .stderr
        .lines()
        .find(|line| line.contains("error["))
        .unwrap_or_else(|| panic!("a diagnostic: {run}"));
    assert!(diagnostic.contains(ESC), "colored: {run}");

    let warned = Cli::new()
        .args(["--color", "always", "validate", RISKY])
        .run();
    warned.assert_success();
    assert!(
        warned
            .stderr
            .contains(&format!("warning[posture/signup-enabled]{ESC}")),
        "{warned}"
    );

    // The error that ends a command is the Printer's too.
    let failed = Cli::new().args(["--color", "always", "plan", BROKEN]).run();
    failed.assert_code(1);
    let last = failed.stderr.lines().last().unwrap_or_default();
    assert!(last.contains(&format!("error{ESC}")), "{failed}");
}

#[test]
fn color_never_and_no_color_leave_every_line_plain() {
    // CLICOLOR_FORCE would color a pipe under `auto`: only `never` or NO_COLOR stop it.
    let never = Cli::new()
        .env("NO_COLOR", "")
        .env("CLICOLOR_FORCE", "1")
        .args(["--color", "never", "validate", BROKEN, RISKY])
        .run();
    never.assert_code(1);
    assert!(
        never.stderr.contains("error[") && !never.all().contains(ESC),
        "{never}"
    );

    let no_color = Cli::new()
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .args(["validate", BROKEN, RISKY])
        .run();
    no_color.assert_code(1);
    assert!(
        no_color.stderr.contains("warning[") && !no_color.all().contains(ESC),
        "{no_color}"
    );

    let forced = Cli::new()
        .env("NO_COLOR", "")
        .env("CLICOLOR_FORCE", "1")
        .args(["validate", BROKEN])
        .run();
    assert!(
        forced.stderr.contains(ESC),
        "without NO_COLOR, `auto` follows CLICOLOR_FORCE: {forced}"
    );
}

#[test]
fn quiet_validate_prints_errors_only() {
    let loud = Cli::new().args(["validate", RISKY]).run();
    loud.assert_success();
    assert!(loud.stderr.contains("warning[posture/"), "{loud}");
    assert!(loud.stdout.contains(": valid (0 errors, "), "{loud}");

    let quiet = Cli::new().args(["--quiet", "validate", RISKY]).run();
    quiet.assert_success();
    assert_eq!(quiet.all(), "", "{quiet}");

    let broken = Cli::new().args(["-q", "validate", BROKEN]).run();
    broken.assert_code(1);
    assert!(broken.stderr.contains("error["), "{broken}");
    assert_eq!(broken.stdout, "", "{broken}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn color_always_colors_the_plan_on_a_pipe_and_auto_does_not() {
    let emulator = start().await;
    let plan = |color: &'static str| {
        Cli::new()
            .emulator(&emulator)
            .sentinels()
            .args(["--color", color, "plan", "tenants/dev.yaml"])
            .run_async()
    };
    let colored = plan("always").await;
    colored.assert_success();
    assert!(colored.stdout.contains(ESC), "{colored}");
    let auto = plan("auto").await;
    auto.assert_success();
    assert!(!auto.all().contains(ESC), "{auto}");
}
