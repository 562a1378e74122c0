//! An invite-only tenant with a social connection enabled for an application: sign-up cannot
//! be disabled there, so validate warns and explains what protects; with `--strict` and no
//! post-login Action bound it is an error, with one bound it stays a warning.

use std::path::Path;

use crate::support::Cli;

const INVITE_ONLY_WITH_GOOGLE: &str = "invite_only: true
tenant:
  flags:
    enable_client_connections: false
applications:
  dashboard:
    name: Dashboard
    app_type: regular_web
connections:
  google:
    strategy: google-oauth2
    client_id: google-client-id
    client_secret: ${GOOGLE_CLIENT_SECRET}
    scopes: [email, profile]
    enabled_applications: [dashboard]
";

const GATE: &str = "actions:
  gate:
    code: actions/gate.js
bindings:
  post-login: [gate]
";

fn validate(dir: &Path, strict: bool) -> crate::support::Output {
    let mut args = vec!["validate", "tenant.yaml"];
    if strict {
        args.push("--strict");
    }
    Cli::new().current_dir(dir).args(args).run()
}

fn project(yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tenant.yaml"), yaml).unwrap();
    std::fs::create_dir(dir.path().join("actions")).unwrap();
    std::fs::write(
        dir.path().join("actions/gate.js"),
        "exports.onExecutePostLogin = async (event, api) => {};\n",
    )
    .unwrap();
    dir
}

#[test]
fn a_social_connection_in_an_invite_only_tenant_is_warned_about_and_strict_refuses_it_without_an_action()
 {
    let dir = project(INVITE_ONLY_WITH_GOOGLE);
    let warned = validate(dir.path(), false);
    assert_eq!(warned.code, 0, "{warned}");
    let text = warned.all();
    assert!(text.contains("posture/social-signup"), "{text}");
    assert!(text.contains("anyone with a Google account"), "{text}");
    assert!(
        text.contains("denies a first login of anyone not invited"),
        "{text}"
    );
    assert!(
        text.contains("connections.google.enabled_applications"),
        "{text}"
    );

    let strict = validate(dir.path(), true);
    assert_eq!(strict.code, 1, "{strict}");
    assert!(
        strict.all().contains("error[posture/social-signup]"),
        "{strict}"
    );
}

#[test]
fn with_a_post_login_action_bound_strict_keeps_the_social_warning_a_warning() {
    let dir = project(&format!("{INVITE_ONLY_WITH_GOOGLE}{GATE}"));
    let strict = validate(dir.path(), true);
    assert_eq!(strict.code, 0, "{strict}");
    let text = strict.all();
    assert!(text.contains("warning[posture/social-signup]"), "{text}");
    assert!(
        text.contains("make sure the bound post-login Action denies"),
        "{text}"
    );
}

#[test]
fn database_options_on_a_social_connection_and_a_client_id_without_secret_are_errors() {
    let dir = project(
        "connections:\n  google:\n    strategy: google-oauth2\n    client_id: cid\n    disable_signup: true\n",
    );
    let refused = validate(dir.path(), false);
    assert_eq!(refused.code, 1, "{refused}");
    let text = refused.all();
    assert!(text.contains("connections.google.disable_signup"), "{text}");
    assert!(text.contains("`client_id` needs `client_secret`"), "{text}");
}

#[test]
fn development_keys_get_a_posture_warning() {
    let dir = project("connections:\n  github:\n    strategy: github\n");
    let warned = validate(dir.path(), false);
    assert_eq!(warned.code, 0, "{warned}");
    assert!(warned.all().contains("posture/social-dev-keys"), "{warned}");
    assert!(warned.all().contains("for testing only"), "{warned}");
}
