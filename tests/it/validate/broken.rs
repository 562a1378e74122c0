//! The broken corpus, `tests/fixtures/broken/tenants/*.yaml`: one test per file. Each file
//! exits 1 and names the place of each problem; its snapshot pins the exact locations and
//! messages. A new fixture needs a line in the list below (`every_fixture_has_a_test` fails
//! until it has one).

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{Cli, project_dir};

/// Where the fixtures are, relative to the workspace root (as the diagnostics show them).
const DIR: &str = "tests/fixtures/broken/tenants";

/// One `#[test]` per fixture (the test's name, then the file's stem), plus [`FIXTURES`].
macro_rules! broken_fixtures {
    ($($test:ident: $stem:literal,)*) => {
        /// Every fixture with a test, by file stem.
        const FIXTURES: &[&str] = &[$($stem),*];

        $(
            #[test]
            fn $test() {
                rejected_with_its_location($stem);
            }
        )*
    };
}

broken_fixtures! {
    yaml_syntax: "01-yaml-syntax",
    unknown_top_level_field: "02-unknown-top-level-field",
    unknown_application_field: "03-unknown-application-field",
    yes_is_not_a_boolean: "04-yes-is-not-a-boolean",
    callbacks_not_a_list: "05-callbacks-not-a-list",
    unknown_app_type: "06-unknown-app-type",
    duplicate_key: "07-duplicate-key",
    duplicate_display_name: "08-duplicate-display-name",
    grant_dangling_application: "09-grant-dangling-application",
    duplicate_grant: "10-duplicate-grant",
    invalid_scope_name: "11-invalid-scope-name",
    unknown_management_scope: "12-unknown-management-scope",
    connection_dangling_application: "13-connection-dangling-application",
    invalid_connection_name: "14-invalid-connection-name",
    duplicate_connection_name: "15-duplicate-connection-name",
    binding_undeclared_action: "16-binding-undeclared-action",
    binding_wrong_trigger: "17-binding-wrong-trigger",
    missing_action_code_file: "18-missing-action-code-file",
    missing_template_body_file: "19-missing-template-body-file",
    body_and_body_file: "20-body-and-body-file",
    invalid_callback_url: "21-invalid-callback-url",
    ftp_login_uri: "22-ftp-login-uri",
    undefined_variable: "23-undefined-variable",
    secret_literal: "24-secret-literal",
    mailgun_without_api_key: "25-mailgun-without-api-key",
    user_dangling_connection: "26-user-dangling-connection",
    user_invalid_email: "27-user-invalid-email",
    streamlit_dangling_application: "28-streamlit-dangling-application",
    streamlit_provider_underscore: "29-streamlit-provider-underscore",
    extends_missing_file: "30-extends-missing-file",
    extends_cycle: "31-extends-cycle",
    application_without_name: "32-application-without-name",
    unknown_grant_type: "33-unknown-grant-type",
    code_path_outside_project: "34-code-path-outside-project",
    duplicate_user: "35-duplicate-user",
    number_expected: "36-number-expected",
    error_in_extended_layer: "37-error-in-extended-layer",
    several_errors_at_once: "38-several-errors-at-once",
    action_secret_literal: "39-action-secret-literal",
    negative_number: "40-negative-number",
    mailgun_region: "41-mailgun-region",
    every_error_in_one_run: "42-every-error-in-one-run",
    a_list_not_a_mapping: "43-a-list-not-a-mapping",
    null_document: "44-null-document",
    removed_but_declared: "45-removed-but-declared",
    urls_as_auth0_checks_them: "46-urls-as-auth0-checks-them",
    type_and_semantic_errors_together: "47-type-and-semantic-errors-together",
    reserved_secret_name: "48-reserved-secret-name",
}

fn rejected_with_its_location(stem: &str) {
    let shown = format!("{DIR}/{stem}.yaml");
    let run = Cli::new().args(["validate", shown.as_str()]).run();
    assert_eq!(run.code, 1, "{shown} should be rejected\n{run}");
    assert!(
        run.stderr
            .lines()
            .all(|line| line.starts_with("tests/fixtures/broken/tenants/")
                || line.starts_with("  = why")),
        "{shown}: every diagnostic names its file\n{run}"
    );
    assert!(run.stderr.contains(": error["), "{shown}\n{run}");
    insta::assert_snapshot!(stem, run.stderr);
}

#[test]
fn every_fixture_has_a_test() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(project_dir().join(DIR))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| stem_of(&path))
        .collect();
    let tested: BTreeSet<String> = FIXTURES.iter().map(|&stem| stem.to_owned()).collect();
    assert_eq!(
        FIXTURES.len(),
        tested.len(),
        "a fixture is listed twice in broken_fixtures!"
    );
    let untested: Vec<_> = on_disk.difference(&tested).collect();
    assert!(
        untested.is_empty(),
        "fixtures in {DIR} without a test: add them to broken_fixtures! in {}: {untested:?}",
        file!()
    );
    let missing: Vec<_> = tested.difference(&on_disk).collect();
    assert!(
        missing.is_empty(),
        "tests for fixtures that do not exist: {missing:?}"
    );
    assert!(
        on_disk.len() >= 30,
        "the corpus has {} files",
        on_disk.len()
    );
}

fn stem_of(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}
