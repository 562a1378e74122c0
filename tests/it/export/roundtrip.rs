//! Seed → export → plan is empty; export → (apply | replay) on an empty tenant → export again
//! is byte-identical; overwrite refusal; write-only variables are listed, never valued.

use std::path::Path;

use super::seed;
use crate::support::emulator::start;
use crate::support::{Cli, Output, management_client, sentinel};

/// The variables the seeded tenant's export must reference.
const VARIABLES: [(&str, &str); 2] = [
    ("MAILGUN_API_KEY", "email_provider.credentials.api_key"),
    (
        "ACTION_AUDIT_LOG_AUDIT_TOKEN",
        "actions.audit-log.secrets.AUDIT_TOKEN",
    ),
];

fn tenantform(emulator: &auth0_emulator::Emulator, dir: &Path) -> Cli {
    Cli::new().emulator(emulator).current_dir(dir)
}

fn export(emulator: &auth0_emulator::Emulator, dir: &Path, extra: &[&str]) -> Output {
    tenantform(emulator, dir)
        .args(["--verbose", "export", "--out", "tenants/acme.yaml"])
        .args(extra)
        .run()
}

/// Every file an export wrote, by path relative to `dir`, sorted.
fn exported_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for sub in ["tenants", "actions", "emails"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            files.push((
                format!("{sub}/{}", path.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_plans_clean_and_reexports_identically() {
    let first = start().await;
    seed::seed(&management_client(&first).await).await;
    let dir_one = tempfile::tempdir().unwrap();
    let before = first.request_log().len();
    let run = export(&first, dir_one.path(), &[]);
    assert_eq!(run.code, 0, "export failed\n{run}");
    let requests = first.request_log().len() - before;
    eprintln!(
        "export of the seeded tenant: {requests} requests (incl. token)\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);

    // Write-only values: listed by name, never with a value.
    for (name, used_by) in VARIABLES {
        assert!(
            run.stdout.contains(name) && run.stdout.contains(used_by),
            "{}",
            run.stdout
        );
    }
    let files = exported_files(dir_one.path());
    let all_text: String = files.iter().map(|(_, text)| text.as_str()).collect();
    sentinel::assert_absent("the exported files", &all_text);
    sentinel::assert_absent("the export's output", &run.stdout);
    assert!(all_text.contains("api_key: ${MAILGUN_API_KEY}"));
    assert!(all_text.contains("AUDIT_TOKEN: ${ACTION_AUDIT_LOG_AUDIT_TOKEN}"));
    // Code and bodies went to their files byte for byte.
    let file = |path: &str| {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
    };
    assert_eq!(
        file("actions/invite-gate.js").as_deref(),
        Some(seed::GATE_CODE)
    );
    assert_eq!(
        file("actions/audit-log.js").as_deref(),
        Some(seed::AUDIT_CODE)
    );
    assert_eq!(
        file("emails/reset_email.html").as_deref(),
        Some(seed::RESET_BODY)
    );
    let yaml = file("tenants/acme.yaml").unwrap();
    insta::assert_snapshot!("exported_tenant", yaml);

    // Without the variables the in-sync tenant plans clean too: a plan needs no secret value,
    // and this one sends none.
    let unset = tenantform(&first, dir_one.path())
        .args(["plan", "tenants/acme.yaml", "--detailed-exitcode"])
        .run();
    assert_eq!(unset.code, 0, "{unset}");
    assert!(!unset.stderr.contains("MAILGUN_API_KEY"), "{unset}");

    // With them: zero changes.
    let plan = with_variables(tenantform(&first, dir_one.path()))
        .args(["plan", "tenants/acme.yaml", "--detailed-exitcode"])
        .run();
    assert_eq!(plan.code, 0, "the export plans with changes\n{plan}");

    // A second, empty tenant made to match by applying the exported file.
    let second = start().await;
    // Creating the provider and the Action sends both secrets: without them nothing is written.
    let refused = tenantform(&second, dir_one.path())
        .args(["apply", "tenants/acme.yaml", "--auto-approve"])
        .run();
    refused.assert_code(1);
    for (name, _) in VARIABLES {
        assert!(
            refused.stderr.contains(&format!("${{{name}}} is not set")),
            "{refused}"
        );
    }
    assert!(
        second.request_log().iter().all(|e| e.method == "GET"
            || !e.path.starts_with("/api/v2/")
            || e.path.starts_with("/api/v2/resource-servers")),
        "nothing but the apply lock was written"
    );
    let applied = with_variables(tenantform(&second, dir_one.path()))
        .args(["apply", "tenants/acme.yaml", "--auto-approve"])
        .run();
    assert_eq!(applied.code, 0, "apply failed\n{applied}");
    let dir_two = tempfile::tempdir().unwrap();
    let run = export(&second, dir_two.path(), &[]);
    run.assert_success();
    assert_eq!(
        exported_files(dir_two.path()),
        files,
        "the two exports differ"
    );
}

fn with_variables(mut command: Cli) -> Cli {
    for (name, _) in VARIABLES {
        command = command.env(name, "set-by-the-test");
    }
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_to_overwrite_without_force() {
    let emulator = start().await;
    seed::seed(&management_client(&emulator).await).await;
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(export(&emulator, dir.path(), &[]).code, 0);

    // The tenant file exists: refused, nothing rewritten.
    std::fs::write(dir.path().join("actions/invite-gate.js"), "// my edits\n").unwrap();
    let again = export(&emulator, dir.path(), &[]);
    again.assert_code(1);
    assert!(
        again.stderr.contains("refusing to overwrite"),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("--force"));
    let kept = std::fs::read_to_string(dir.path().join("actions/invite-gate.js")).unwrap();
    assert_eq!(kept, "// my edits\n");

    // Only a side file exists (another tenant file name): still refused.
    std::fs::remove_file(dir.path().join("tenants/acme.yaml")).unwrap();
    let side = export(&emulator, dir.path(), &[]);
    side.assert_code(1);
    assert!(side.stderr.contains("invite-gate.js"), "{}", side.stderr);
    assert!(!dir.path().join("tenants/acme.yaml").exists());

    let forced = export(&emulator, dir.path(), &["--force"]);
    forced.assert_success();
    let restored = std::fs::read_to_string(dir.path().join("actions/invite-gate.js")).unwrap();
    assert_eq!(restored, seed::GATE_CODE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn include_and_exclude_choose_sections() {
    let emulator = start().await;
    seed::seed(&management_client(&emulator).await).await;
    let dir = tempfile::tempdir().unwrap();
    let run = export(
        &emulator,
        dir.path(),
        &[
            "--include",
            "applications,grants,email_provider",
            "--exclude",
            "grants",
        ],
    );
    run.assert_success();
    let yaml = std::fs::read_to_string(dir.path().join("tenants/acme.yaml")).unwrap();
    assert!(yaml.contains("\napplications:\n") && yaml.contains("\nemail_provider:\n"));
    for absent in [
        "\ngrants:",
        "\nconnections:",
        "\nactions:",
        "\nusers:",
        "\ntenant:",
    ] {
        assert!(!yaml.contains(absent), "{absent} in\n{yaml}");
    }
    assert!(!dir.path().join("actions").exists());
    let bad = export(&emulator, dir.path(), &["--include", "roles", "--force"]);
    bad.assert_code(1);
    assert!(
        bad.stderr.contains("unknown kind `roles`"),
        "{}",
        bad.stderr
    );
}
