//! The `$schema` comment of an exported file names a schema that exists: export writes it
//! beside the file when the project has none, and leaves an existing one alone.

use std::path::Path;

use crate::support::Cli;
use crate::support::emulator::start;

/// The file the first line's `$schema=` names, relative to the exported file.
fn named_schema(dir: &Path, exported: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(dir.join(exported)).unwrap();
    let first = text.lines().next().unwrap();
    let relative = first
        .split("$schema=")
        .nth(1)
        .unwrap_or_else(|| panic!("no $schema in {first}"));
    dir.join(exported).parent().unwrap().join(relative)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schema_the_export_names_exists() {
    let emulator = start().await;
    let schema = Cli::new().args(["schema"]).run();
    schema.assert_success();
    for (out, shown) in [
        ("tenants/acme.yaml", "tenants/schema.json"),
        ("tenants/teams/acme.yaml", "tenants/schema.json"),
        ("acme.yaml", "tenants/schema.json"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let run = Cli::new()
            .emulator(&emulator)
            .current_dir(dir.path())
            .args(["export", "--out", out])
            .run();
        assert_eq!(run.code, 0, "{run}");
        let named = named_schema(dir.path(), out);
        let written = std::fs::read_to_string(&named)
            .unwrap_or_else(|e| panic!("{out}: {} does not exist: {e}", named.display()));
        assert_eq!(written.trim_end(), schema.stdout.trim_end(), "{out}");
        // Named as the user would write it.
        let output = format!("{}{}", run.stdout, run.stderr);
        assert!(output.contains(&format!("wrote {shown}\n")), "{out}: {run}");
    }

    // A project's own schema file is not replaced.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tenants")).unwrap();
    std::fs::write(dir.path().join("tenants/schema.json"), "{}\n").unwrap();
    let run = Cli::new()
        .emulator(&emulator)
        .current_dir(dir.path())
        .args(["export", "--out", "tenants/acme.yaml"])
        .run();
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("tenants/schema.json")).unwrap(),
        "{}\n"
    );
}
