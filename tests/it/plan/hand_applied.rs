//! The example tenant (tenants/dev.yaml) set up by hand through the Management API, the way the
//! runbook's reader would click it together, without any tenantform code.

use serde_json::{Value, json};

use crate::support::emulator::{Answer, Api};

/// Auth0 ids of what was created, for the drift tests to change.
pub struct HandApplied {
    pub dashboard: String,
    pub grant: String,
    pub connection: String,
    pub action: String,
}

fn id(answer: &Answer, key: &str) -> String {
    assert!(
        answer.status < 300,
        "setup request failed: {} {:?}",
        answer.status,
        answer.body
    );
    answer.json()[key].as_str().expect("an id").to_owned()
}

fn project_file(path: &str) -> String {
    std::fs::read_to_string(crate::support::project_dir().join(path)).expect("example file")
}

pub async fn hand_apply_example(api: &Api) -> HandApplied {
    let staging = "https://acme-reporting-staging.up.railway.app";
    let dashboard = api
        .post(
            "clients",
            &json!({
                "name": "Acme Reporting Dashboard",
                "app_type": "regular_web",
                "description": "Streamlit dashboard (st.login)",
                "callbacks": ["http://localhost:8501/oauth2callback", format!("{staging}/oauth2callback")],
                "allowed_logout_urls": ["http://localhost:8501/oauth2callback", format!("{staging}/oauth2callback")],
                "web_origins": ["http://localhost:8501", staging],
                "initiate_login_uri": format!("{staging}/"),
                "grant_types": ["authorization_code", "refresh_token"],
                "token_endpoint_auth_method": "client_secret_basic",
                "oidc_conformant": true,
                "jwt_configuration": {"alg": "RS256"}
            }),
        )
        .await;
    let dashboard_id = id(&dashboard, "client_id");
    let m2m = api
        .post(
            "clients",
            &json!({
                "name": "Acme Reporting Dashboard M2M",
                "app_type": "non_interactive",
                "description": "The dashboard's admin page (invites users, resets passwords)",
                "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": "client_secret_post"
            }),
        )
        .await;
    let m2m_id = id(&m2m, "client_id");
    let grant = api
        .post(
            "client-grants",
            &json!({
                "client_id": m2m_id,
                "audience": format!("{}/api/v2/", api.domain),
                "scope": ["create:users", "read:users", "update:users", "read:users_app_metadata", "update:users_app_metadata", "create:user_tickets"]
            }),
        )
        .await;
    let grant_id = id(&grant, "id");
    let connection = api
        .post(
            "connections",
            &json!({
                "name": "reporting-dashboard-users",
                "strategy": "auth0",
                "options": {"disable_signup": true, "brute_force_protection": true, "passwordPolicy": "good", "requires_username": false}
            }),
        )
        .await;
    let connection_id = id(&connection, "id");
    let enabled = api
        .patch(
            &format!("connections/{connection_id}/clients"),
            &json!([{"client_id": dashboard_id, "status": true}, {"client_id": m2m_id, "status": true}]),
        )
        .await;
    assert_eq!(enabled.status, 204);
    let settings = api
        .patch(
            "tenants/settings",
            &json!({"friendly_name": "Acme Reporting (dev)", "support_email": "support@acme.example", "flags": {"enable_client_connections": false}}),
        )
        .await;
    assert_eq!(settings.status, 200, "{:?}", settings.body);
    let provider = api
        .post(
            "emails/provider",
            &json!({"name": "mailgun", "enabled": true, "default_from_address": "no-reply@mg.acme.example",
                    "credentials": {"api_key": "hand-typed-key", "domain": "mg.acme.example"}}),
        )
        .await;
    assert!(provider.status < 300, "{:?}", provider.body);
    for (template, enabled) in [("verify_email", false), ("welcome_email", false)] {
        let created = api
            .post(
                "email-templates",
                &json!({"template": template, "enabled": enabled, "body": "<p>{{ url }}</p>", "from": "", "subject": "", "syntax": "liquid"}),
            )
            .await;
        assert!(created.status < 300, "{template}: {:?}", created.body);
    }
    let reset = api
        .post(
            "email-templates",
            &json!({
                "template": "reset_email",
                "enabled": true,
                "syntax": "liquid",
                "from": "no-reply@mg.acme.example",
                "subject": "{% if user.email_verified %}Password Reset for {{organization.name}} {{ application.name }}{% else %}Welcome to {{organization.name}} {{ application.name }} – Set Your Password{% endif %}",
                "resultUrl": "{{ application.callback_domain }}",
                "urlLifetimeInSeconds": 432_000,
                "body": project_file("emails/reset_email.html")
            }),
        )
        .await;
    assert!(reset.status < 300, "{:?}", reset.body);
    let action = api
        .post(
            "actions/actions",
            &json!({
                "name": "Post-Login Verification",
                "supported_triggers": [{"id": "post-login", "version": "v3"}],
                "code": project_file("actions/post-login-verification.js"),
                "runtime": "node22"
            }),
        )
        .await;
    let action_id = id(&action, "id");
    wait_until_built(api, &action_id).await;
    let deployed = api
        .post(&format!("actions/actions/{action_id}/deploy"), &json!({}))
        .await;
    assert!(deployed.status < 300, "{:?}", deployed.body);
    let bound = api
        .patch(
            "actions/triggers/post-login/bindings",
            &json!({"bindings": [{"ref": {"type": "action_name", "value": "Post-Login Verification"}, "display_name": "Post-Login Verification"}]}),
        )
        .await;
    assert_eq!(bound.status, 200, "{:?}", bound.body);
    let user = api
        .post(
            "users",
            &json!({"email": "admin@acme.example", "connection": "reporting-dashboard-users", "password": "Hand-typed-passw0rd!",
                    "email_verified": true, "verify_email": false, "app_metadata": {"roles": ["admin"], "invited": true}}),
        )
        .await;
    assert_eq!(user.status, 201, "{:?}", user.body);
    HandApplied {
        dashboard: dashboard_id,
        grant: grant_id,
        connection: connection_id,
        action: action_id,
    }
}

/// Actions build with time (`pending -> building -> built`): read again after a pause, as
/// Auth0's clients do.
pub async fn wait_until_built(api: &Api, action_id: &str) {
    for _ in 0..20 {
        let action = api.get(&format!("actions/actions/{action_id}")).await;
        if action.json()["status"] == "built" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("action {action_id} never built within 2 s");
}

/// The connection's options with one key changed (PATCH replaces options whole).
pub async fn connection_options_with(
    api: &Api,
    connection_id: &str,
    key: &str,
    value: Value,
) -> Value {
    let connection = api.get(&format!("connections/{connection_id}")).await;
    let mut options = connection.json()["options"].clone();
    options[key] = value;
    json!({ "options": options })
}
