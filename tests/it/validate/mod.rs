//! `tenantform validate` and `tenantform schema`: the examples, the broken corpus (one test
//! per file, in `broken`), the posture checks, and the published JSON Schema.

mod broken;
mod small_items;

use std::path::{Path, PathBuf};

use crate::support::{Cli, project_dir};

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

fn relative(path: &Path) -> String {
    path.strip_prefix(project_dir())
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn examples_validate_clean_with_no_warnings() {
    let run = Cli::new().args(["validate", "--strict"]).run();
    run.assert_success();
    assert_eq!(run.stderr, "");
    assert!(
        run.stdout
            .contains("tenants/dev.yaml: valid (0 errors, 0 warnings)")
    );
    assert!(
        run.stdout
            .contains("tenants/prod.yaml: valid (0 errors, 0 warnings)")
    );
}

/// Each posture case is a warning by default and an error with --strict, with its explanation.
#[test]
fn posture_checks_warn_and_fail_with_strict() {
    let files = yaml_files(&project_dir().join("tests/fixtures/posture/tenants/cases"));
    assert_eq!(files.len(), 7);
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let shown = relative(&file);
        let lenient = Cli::new().args(["validate", shown.as_str()]).run();
        assert_eq!(lenient.code, 0, "{name}\n{lenient}");
        assert!(
            lenient.stderr.contains(&format!("warning[posture/{name}]")),
            "{name}: {}",
            lenient.stderr
        );
        assert!(
            lenient.stderr.contains("= why: "),
            "{name} explains the risk"
        );
        let strict = Cli::new()
            .args(["validate", "--strict", shown.as_str()])
            .run();
        assert_eq!(strict.code, 1, "{name} fails with --strict\n{strict}");
        assert!(strict.stderr.contains(&format!("error[posture/{name}]")));
    }
}

#[test]
fn the_posture_base_is_itself_clean() {
    let run = Cli::new()
        .args([
            "validate",
            "--strict",
            "tests/fixtures/posture/tenants/base.yaml",
        ])
        .run();
    run.assert_success();
    assert_eq!(run.stderr, "");
}

#[test]
fn variables_come_from_a_dotenv_file_beside_the_tenant_file() {
    let dir = tempfile::tempdir().unwrap();
    let tenants = dir.path().join("tenants");
    std::fs::create_dir(&tenants).unwrap();
    std::fs::write(
        tenants.join("t.yaml"),
        "applications:\n  app:\n    name: App\n    app_type: regular_web\n    callbacks: [\"https://${APP_HOST}/oauth2callback\"]\n",
    )
    .unwrap();
    let missing = Cli::new()
        .current_dir(dir.path())
        .args(["validate", "tenants/t.yaml"])
        .run();
    missing.assert_code(1);
    assert!(
        missing
            .stderr
            .contains("tenants/t.yaml:5:26: error[undefined-variable]"),
        "{}",
        missing.stderr
    );
    std::fs::write(tenants.join(".env"), "APP_HOST=app.example.com\n").unwrap();
    let defined = Cli::new()
        .current_dir(dir.path())
        .args(["validate", "tenants/t.yaml"])
        .run();
    defined.assert_success();
    // The process environment wins over .env: a bad value there is what gets validated.
    let overridden = Cli::new()
        .current_dir(dir.path())
        .env("APP_HOST", "bad host")
        .args(["validate", "tenants/t.yaml"])
        .run();
    overridden.assert_code(1);
    assert!(
        overridden
            .stderr
            .contains("\"https://bad host/oauth2callback\" contains a space"),
        "{}",
        overridden.stderr
    );
}

#[test]
fn secret_variables_are_only_required_when_a_tenant_is_touched() {
    // validate lints the shape without the secret; MAILGUN_API_KEY is not set in tests.
    let run = Cli::new().args(["validate", "tenants/dev.yaml"]).run();
    run.assert_success();
}

#[test]
fn the_published_schema_is_up_to_date() {
    let run = Cli::new().args(["schema"]).run();
    run.assert_success();
    let checked_in = std::fs::read_to_string(project_dir().join("tenants/schema.json")).unwrap();
    assert!(
        run.stdout == checked_in,
        "tenants/schema.json is stale: run `cargo run -- schema > tenants/schema.json`"
    );
}

fn yaml_as_json(path: &Path) -> serde_json::Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_schema_validates_the_examples_and_rejects_unknown_fields() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(project_dir().join("tenants/schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema");
    for example in [
        "tenants/dev.yaml",
        "tenants/prod.yaml",
        "tenants/shared/reporting-dashboard.yaml",
    ] {
        let instance = yaml_as_json(&project_dir().join(example));
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{example}: {errors:?}");
    }
    let broken = yaml_as_json(
        &project_dir().join("tests/fixtures/broken/tenants/03-unknown-application-field.yaml"),
    );
    assert!(!validator.is_valid(&broken));
}

#[test]
fn every_example_file_starts_with_the_schema_comment() {
    for example in [
        "tenants/dev.yaml",
        "tenants/prod.yaml",
        "tenants/shared/reporting-dashboard.yaml",
    ] {
        let text = std::fs::read_to_string(project_dir().join(example)).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema="),
            "{example}"
        );
    }
}

#[test]
fn every_command_explains_itself_with_an_example() {
    // Every leaf subcommand clap knows, so a new command cannot be forgotten here.
    fn leaves(command: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut here = path.to_vec();
            here.push(sub.get_name().to_owned());
            if sub.has_subcommands() {
                leaves(sub, &here, out);
            } else {
                out.push(here);
            }
        }
    }
    let mut commands = Vec::new();
    leaves(
        &<tenantform::cli::Cli as clap::CommandFactory>::command(),
        &[],
        &mut commands,
    );
    assert!(commands.len() >= 9, "{commands:?}");
    for command in commands {
        let run = Cli::new().args(&command).args(["--help"]).run();
        let shown = command.join(" ");
        assert_eq!(run.code, 0, "{shown} --help\n{run}");
        assert!(
            run.stdout.contains("Example"),
            "`{shown} --help` shows an example:\n{}",
            run.stdout
        );
    }
}

/// An empty file is valid but manages nothing: it says so instead of planning "No changes".
#[test]
fn an_empty_file_warns_that_it_manages_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.yaml"), "# nothing yet\n").unwrap();
    let run = Cli::new()
        .current_dir(dir.path())
        .args(["validate", "empty.yaml"])
        .run();
    run.assert_success();
    assert_eq!(
        run.stderr,
        "empty.yaml: warning[manages-nothing]: the file declares nothing, so it manages nothing: \
         add sections such as `applications:`, `connections:`, `grants:` or `actions:`\n",
        "{run}"
    );
}
