//! Streamlit's own validator (`streamlit.auth_util.validate_auth_credentials`) accepts what
//! we render, for `st.login("auth0")` and for a bare `st.login()`.

use tenantform::render::{ProviderLayout, render_environment};

use super::{auth0, inputs, options, python};

fn validate(dir: &std::path::Path, provider: &str) -> serde_json::Value {
    python::run(&["validate", provider], Some(dir))
}

#[test]
fn streamlit_accepts_the_named_provider_layout() {
    let dir = tempfile::tempdir().unwrap();
    render_environment(&inputs(auth0()), &options(dir.path())).unwrap();
    assert_eq!(
        validate(dir.path(), "auth0"),
        serde_json::json!({"ok": true})
    );
}

#[test]
fn streamlit_accepts_the_default_layout_for_bare_login() {
    let dir = tempfile::tempdir().unwrap();
    render_environment(&inputs(ProviderLayout::Default), &options(dir.path())).unwrap();
    assert_eq!(
        validate(dir.path(), "default"),
        serde_json::json!({"ok": true})
    );
}

#[test]
fn the_validator_really_validates() {
    // The default-layout file has no [auth.auth0]: Streamlit must say so, which proves the
    // check above is not vacuous.
    let dir = tempfile::tempdir().unwrap();
    render_environment(&inputs(ProviderLayout::Default), &options(dir.path())).unwrap();
    let result = validate(dir.path(), "auth0");
    assert_eq!(result["ok"], false, "{result}");
    assert!(
        result["error"].as_str().unwrap().contains("auth0"),
        "{result}"
    );
}
