//! From an empty tenant to the example, then one edit at a time: each apply converges (a
//! fresh plan is empty) and writes only to the resources that changed.

/// An edit: what it is, how to make it, and the writes (method and path prefix) it may cause.
type Step<'a> = (&'static str, Box<dyn Fn() + 'a>, Vec<&'static str>);

use super::support::{cli, copy_project, edit, writes};
use crate::support::emulator::start;
use crate::support::sentinel;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_converges_from_empty_and_after_each_edit_touching_only_what_changed() {
    let emulator = start().await;
    let project = copy_project();
    let dir = project.path();

    let applied = cli(&emulator, dir)
        .args(["apply", "tenants/dev.yaml", "--auto-approve"])
        .run_async()
        .await;
    applied.assert_success();
    assert!(
        applied.stdout.contains("Apply complete:"),
        "{}",
        applied.stdout
    );
    assert!(
        applied.stderr.contains("password-change link"),
        "{}",
        applied.stderr
    );
    assert!(
        applied
            .stderr
            .contains("Verified: planning again finds no changes"),
        "{}",
        applied.stderr
    );
    let from_empty = writes(&emulator.request_log());
    assert!(
        from_empty.iter().any(|w| w == "POST /api/v2/clients"),
        "{from_empty:#?}"
    );
    assert!(
        !from_empty.iter().any(|w| w.starts_with("DELETE")),
        "{from_empty:#?}"
    );

    let plan = cli(&emulator, dir)
        .args([
            "plan",
            "tenants/dev.yaml",
            "--detailed-exitcode",
            "--out",
            "plan.json",
        ])
        .run_async()
        .await;
    plan.assert_success();
    let saved = std::fs::read_to_string(dir.join("plan.json")).expect("saved plan");
    sentinel::assert_absent("the saved plan", &saved);

    // (edit, the writes it may cause: method and path prefix)
    let steps: Vec<Step<'_>> = vec![
        (
            "add a callback",
            Box::new(|| {
                edit(
                    dir,
                    "tenants/dev.yaml",
                    "    callbacks:\n",
                    "    callbacks:\n      - http://localhost:8502/oauth2callback\n",
                );
            }),
            vec!["PATCH /api/v2/clients/"],
        ),
        (
            "remove a scope",
            Box::new(|| {
                edit(
                    dir,
                    "tenants/shared/reporting-dashboard.yaml",
                    "      - create:user_tickets\n",
                    "",
                );
            }),
            vec!["PATCH /api/v2/client-grants/"],
        ),
        (
            "edit the Action",
            Box::new(|| {
                edit(
                    dir,
                    "actions/post-login-verification.js",
                    "exports.onExecutePostLogin",
                    "// edited\nexports.onExecutePostLogin",
                );
            }),
            vec![
                "PATCH /api/v2/actions/actions/",
                "POST /api/v2/actions/actions/",
            ],
        ),
        (
            "change a template subject",
            Box::new(|| {
                edit(
                    dir,
                    "tenants/shared/reporting-dashboard.yaml",
                    "subject: \"{% if",
                    "subject: \"[Acme] {% if",
                );
            }),
            vec!["PATCH /api/v2/email-templates/reset_email"],
        ),
        (
            "add a second action bound first",
            Box::new(|| {
                std::fs::write(
                    dir.join("actions/audit.js"),
                    "exports.onExecutePostLogin = async () => {};\n",
                )
                .unwrap();
                edit(
                    dir,
                    "tenants/shared/reporting-dashboard.yaml",
                    "bindings:\n  post-login: [post-login-verification]",
                    "  audit:\n    name: Audit Login\n    trigger: post-login\n    code: actions/audit.js\n\nbindings:\n  post-login: [audit, post-login-verification]",
                );
            }),
            vec![
                "POST /api/v2/actions/actions",
                "PATCH /api/v2/actions/triggers/post-login/bindings",
            ],
        ),
    ];
    for (what, change, allowed) in steps {
        change();
        let before = emulator.request_log().len();
        let applied = cli(&emulator, dir)
            .args(["apply", "tenants/dev.yaml", "--auto-approve"])
            .run_async()
            .await;
        assert_eq!(applied.code, 0, "{what}\n{applied}");
        let log = emulator.request_log();
        let sent = writes(&log[before..]);
        assert!(!sent.is_empty(), "{what}: nothing was written");
        for write in &sent {
            assert!(
                allowed.iter().any(|prefix| write.starts_with(prefix)),
                "{what}: unexpected write {write} (all: {sent:#?})"
            );
        }
        let plan = cli(&emulator, dir)
            .args(["plan", "tenants/dev.yaml", "--detailed-exitcode"])
            .run_async()
            .await;
        assert_eq!(plan.code, 0, "{what}: not converged\n{plan}");
    }

    // The bindings are in the declared order.
    let plan = cli(&emulator, dir)
        .args(["plan", "tenants/dev.yaml", "--format", "json"])
        .run_async()
        .await;
    assert!(plan.stdout.contains("\"no_op\""));
}
