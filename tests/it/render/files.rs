//! Writing: cookie secret stability and rotation, git safety, file modes, templates, the
//! `--from env` round trip and the masked preview.

use std::path::Path;
use std::process::Command;

use secrecy::SecretString;
use tenantform::render::{
    CookieSecretSource, FileDefaults, ProviderLayout, RenderError, RenderWarning, TargetFile,
    TemplateOrigin, inputs_from_env, masked_preview, render_environment,
};

use super::{auth0, cookie_secret_in, inputs, options};
use crate::support::sentinel;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git is installed");
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

#[test]
fn rendering_twice_keeps_the_cookie_secret() {
    let dir = tempfile::tempdir().unwrap();
    let first = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    assert_eq!(first.cookie_secret, CookieSecretSource::Generated);
    let secret = cookie_secret_in(dir.path());
    assert_eq!(secret.len(), 64);
    assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));

    let second = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    assert_eq!(second.cookie_secret, CookieSecretSource::ExistingFile);
    assert_eq!(cookie_secret_in(dir.path()), secret);
}

#[test]
fn rotating_replaces_the_cookie_secret_and_says_everyone_is_logged_out() {
    let dir = tempfile::tempdir().unwrap();
    render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    let before = cookie_secret_in(dir.path());
    let mut rotate = options(dir.path());
    rotate.rotate_cookie_secret = true;
    let report = render_environment(&inputs(auth0()), &rotate).unwrap();
    assert!(report.cookie_secret.logs_everyone_out());
    assert!(report.cookie_secret.describe().contains("logged out"));
    let after = cookie_secret_in(dir.path());
    assert_ne!(after, before);
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.contains(&after), ".env carries the same cookie secret");
}

#[test]
fn the_environments_cookie_secret_is_used_only_without_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path());
    opts.env_cookie_secret = Some(SecretString::from("from-railway-variable"));
    let report = render_environment(&inputs(auth0()), &opts).unwrap();
    assert_eq!(report.cookie_secret, CookieSecretSource::Environment);
    assert_eq!(cookie_secret_in(dir.path()), "from-railway-variable");

    opts.env_cookie_secret = Some(SecretString::from("another-value"));
    let report = render_environment(&inputs(auth0()), &opts).unwrap();
    assert_eq!(cookie_secret_in(dir.path()), "from-railway-variable");
    assert!(
        report
            .warnings
            .contains(&RenderWarning::CookieSecretFromEnvironmentIgnored)
    );
}

#[cfg(unix)]
#[test]
fn files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "OLD=1\n").unwrap();
    std::fs::set_permissions(
        dir.path().join(".env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let report = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    assert_eq!(report.files.len(), 2);
    for file in &report.files {
        let mode = std::fs::metadata(&file.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.path.display());
    }
}

#[test]
fn a_git_tracked_destination_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join(".env"), "COMMITTED=1\n").unwrap();
    git(dir.path(), &["add", ".env"]);

    let err = render_environment(&inputs(auth0()), &options(dir.path())).unwrap_err();
    assert!(
        matches!(&err, RenderError::GitTracked { path } if path.ends_with(".env")),
        "{err}"
    );
    assert!(err.to_string().contains("git tracks"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".env")).unwrap(),
        "COMMITTED=1\n"
    );
    assert!(!dir.path().join(".streamlit/secrets.toml").exists());
}

#[test]
fn an_unignored_destination_in_a_repository_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let report = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    let unignored: Vec<_> = report
        .warnings
        .iter()
        .filter_map(|w| match w {
            RenderWarning::NotGitIgnored { path } => Some(path.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(unignored.len(), 2, "{:?}", report.warnings);

    std::fs::write(
        dir.path().join(".gitignore"),
        ".env\n.streamlit/secrets.toml\n",
    )
    .unwrap();
    let report = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn outside_a_repository_there_is_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    let report = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn the_report_lists_keys_not_values() {
    let dir = tempfile::tempdir().unwrap();
    let report = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    let toml = &report.files[0];
    assert_eq!(toml.target, TargetFile::SecretsToml);
    assert_eq!(
        toml.keys,
        [
            "auth.auth0.client_id",
            "auth.auth0.client_secret",
            "auth.auth0.server_metadata_url",
            "auth.cookie_secret",
            "auth.redirect_uri",
        ]
    );
    let env = &report.files[1];
    assert_eq!(env.target, TargetFile::Dotenv);
    assert!(env.keys.contains(&"AUTH0_M2M_CLIENT_SECRET".to_owned()));
    let printed = format!("{report:?}\n{}", report.summary_lines().join("\n"));
    sentinel::assert_absent("the report", &printed);
    assert!(
        !printed.contains(&cookie_secret_in(dir.path())),
        "the report shows the cookie secret"
    );
}

#[test]
fn the_masked_preview_hides_every_secret() {
    let dir = tempfile::tempdir().unwrap();
    let report = render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    let cookie = cookie_secret_in(dir.path());
    for file in &report.files {
        let preview = masked_preview(file).unwrap();
        assert!(preview.contains("****"), "{preview}");
        assert!(preview.contains("dashboard-client-id"), "{preview}");
        sentinel::assert_absent("the masked preview", &preview);
        assert!(!preview.contains(cookie.as_str()), "{preview}");
    }
}

#[test]
fn the_default_layout_puts_the_provider_keys_in_auth() {
    let dir = tempfile::tempdir().unwrap();
    render_environment(&inputs(ProviderLayout::Default), &options(dir.path())).unwrap();
    let text = std::fs::read_to_string(dir.path().join(".streamlit/secrets.toml")).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    let auth = table["auth"].as_table().unwrap();
    assert_eq!(auth["client_id"].as_str(), Some("dashboard-client-id"));
    assert!(
        auth.values().all(|v| !v.is_table()),
        "no provider table: {text}"
    );
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.contains("STREAMLIT_AUTH_PROVIDER='default'"), "{env}");
}

#[test]
fn a_project_template_adds_keys_and_is_still_checked() {
    let project = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join("templates")).unwrap();
    std::fs::write(
        project.path().join("templates/env.j2"),
        "STREAMLIT_AUTH_CLIENT_ID={{ client_id }}\nAPP_TITLE={{ \"Acme \\\"Reports\\\"\" }}\n",
    )
    .unwrap();
    let mut opts = options(out.path());
    opts.project_dir = Some(project.path().to_owned());
    let report = render_environment(&inputs(auth0()), &opts).unwrap();
    assert_eq!(
        report.files[1].template,
        TemplateOrigin::Project(project.path().join("templates/env.j2"))
    );
    assert_eq!(
        report.files[1].keys,
        ["STREAMLIT_AUTH_CLIENT_ID", "APP_TITLE"]
    );
    let pairs: Vec<(String, String)> = dotenvy::from_path_iter(out.path().join(".env"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        pairs[1],
        ("APP_TITLE".to_owned(), "Acme \"Reports\"".to_owned())
    );
}

#[test]
fn a_template_that_bypasses_escaping_is_caught_before_writing() {
    let project = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join("templates")).unwrap();
    // Hand-quoting with `| safe` is what broke TOML before: a quote in the secret ends the string.
    std::fs::write(
        project.path().join("templates/secrets.toml.j2"),
        "[auth]\nredirect_uri = {{ redirect_uri }}\ncookie_secret = {{ cookie_secret }}\n\
         [auth.auth0]\nclient_id = {{ client_id }}\nclient_secret = \"{{ client_secret | safe }}\"\n\
         server_metadata_url = {{ server_metadata_url }}\n",
    )
    .unwrap();
    let mut opts = options(out.path());
    opts.project_dir = Some(project.path().to_owned());

    let mut plain = inputs(auth0());
    plain.client_secret = SecretString::from("no-quotes");
    render_environment(&plain, &opts).unwrap();

    let out = tempfile::tempdir().unwrap();
    opts.out_dir = out.path().to_owned();
    let mut quoted = inputs(auth0());
    quoted.client_secret = SecretString::from("ab\"cd");
    let err = render_environment(&quoted, &opts).unwrap_err();
    assert!(
        matches!(
            err,
            RenderError::RenderedInvalid { .. } | RenderError::Mismatch { .. }
        ),
        "{err}"
    );
    assert!(!out.path().join(".streamlit/secrets.toml").exists());
    assert!(!out.path().join(".env").exists());
}

#[test]
fn an_undefined_template_variable_is_an_error() {
    let project = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    std::fs::create_dir(project.path().join("templates")).unwrap();
    std::fs::write(
        project.path().join("templates/env.j2"),
        "X={{ no_such_value }}\n",
    )
    .unwrap();
    let mut opts = options(out.path());
    opts.project_dir = Some(project.path().to_owned());
    let err = render_environment(&inputs(auth0()), &opts).unwrap_err();
    assert!(matches!(err, RenderError::Template { .. }), "{err}");
    assert!(err.to_string().contains("undefined"), "{err}");
}

#[test]
fn the_rendered_env_feeds_from_env_back_to_the_same_files() {
    let first = tempfile::tempdir().unwrap();
    render_environment(&inputs(auth0()), &options(first.path())).unwrap();
    let vars: std::collections::HashMap<String, String> =
        dotenvy::from_path_iter(first.path().join(".env"))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();

    let gathered = inputs_from_env("local", &vars, &FileDefaults::default()).unwrap();
    assert!(gathered.warnings.is_empty());
    let second = tempfile::tempdir().unwrap();
    let mut opts = options(second.path());
    opts.env_cookie_secret = gathered.cookie_secret;
    render_environment(&gathered.inputs, &opts).unwrap();
    for file in [".env", ".streamlit/secrets.toml"] {
        assert_eq!(
            std::fs::read_to_string(first.path().join(file)).unwrap(),
            std::fs::read_to_string(second.path().join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_missing_output_directory_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deploy").join("prod");
    render_environment(&inputs(auth0()), &options(&out)).unwrap();
    for file in [".env", ".streamlit/secrets.toml"] {
        assert!(
            out.join(file).is_file(),
            "{file} written under the new directory"
        );
    }
}
