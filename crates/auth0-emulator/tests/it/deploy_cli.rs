//! Requests Auth0's Deploy CLI (a0deploy 8.44, run against `tenantform emulate` by
//! `tests/deploy-cli/run.mjs` at the workspace root) sends, taken from the emulator's request
//! log, that the emulator once refused or answered differently from Auth0.

use serde_json::json;

use super::support;

/// a0deploy imports the tenant settings it exported with the session lifetimes in minutes
/// (`session_lifetime: 168` hours goes out as `session_lifetime_in_minutes: 10080`). Auth0
/// takes them and reads them back in hours (TestTenantManager: `..._in_minutes: 15` -> `0.25`).
#[tokio::test]
async fn tenant_settings_take_session_lifetimes_in_minutes() {
    let emulator = support::start().await;
    let api = support::Api::new(&emulator).await;

    // The body a0deploy 8.44 sent when it imported its own export.
    let patched = api
        .patch(
            "/tenants/settings",
            &json!({
                "friendly_name": "Deploy CLI Test",
                "flags": {"enable_client_connections": false},
                "session_cookie": {"mode": "persistent"},
                "session_lifetime_in_minutes": 10080,
                "idle_session_lifetime_in_minutes": 4320,
                "ephemeral_session_lifetime_in_minutes": 90,
                "idle_ephemeral_session_lifetime_in_minutes": 15
            }),
        )
        .await;
    assert_eq!(patched.status, 200, "{:?}", patched.body);

    let read = api.get("/tenants/settings").await;
    let settings = read.json();
    assert_eq!(settings["session_lifetime"], json!(168));
    assert_eq!(settings["idle_session_lifetime"], json!(72));
    assert_eq!(settings["ephemeral_session_lifetime"], json!(1.5));
    assert_eq!(settings["idle_ephemeral_session_lifetime"], json!(0.25));
    for key in settings.as_object().expect("settings object").keys() {
        assert!(!key.ends_with("_in_minutes"), "GET returns {key}");
    }

    // go-auth0 sends a lifetime under an hour alone, in minutes.
    let alone = api
        .patch(
            "/tenants/settings",
            &json!({"session_lifetime_in_minutes": 30}),
        )
        .await;
    assert_eq!(alone.status, 200, "{:?}", alone.body);
    assert_eq!(alone.json()["session_lifetime"], json!(0.5));
    emulator.shutdown().await.expect("shutdown");
}
