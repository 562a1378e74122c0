//! A tenant clicked together through the Management API, as a user would have it before
//! adopting tenantform: applications of every type, grants, two database connections, flags,
//! templates, a Mailgun provider, two deployed Actions bound to post-login, and users.

use serde_json::{Value, json};
use tenantform::api::{BindingRef, ManagementClient};

use crate::support::sentinel;

pub const RESET_BODY: &str = "<html>\n  <body>\n    <p>Hello {{ user.email }},</p>\n    <p><a href=\"{{ url }}\">Set your password</a></p>\n  </body>\n</html>\n";
pub const GATE_CODE: &str = "exports.onExecutePostLogin = async (event, api) => {\n  if (!event.user.app_metadata.invited) {\n    api.access.deny('invite only');\n  }\n};\n";
pub const AUDIT_CODE: &str = "const _ = require('lodash');\nexports.onExecutePostLogin = async (event, api) => {\n  console.log(_.size(event.user.app_metadata), event.secrets.AUDIT_TOKEN);\n};\n";

/// Seeds the tenant behind `client`.
pub async fn seed(client: &ManagementClient) {
    let audience = client.audience();
    client
        .update_tenant_settings(&json!({
            "friendly_name": "Acme Reports",
            "support_email": "support@acme.example",
            "flags": {"enable_client_connections": false},
        }))
        .await
        .unwrap();

    let apps = [
        json!({"name": "Acme Dashboard", "app_type": "regular_web", "description": "Streamlit dashboard (st.login)",
               "callbacks": ["http://localhost:8501/oauth2callback", "https://dash.acme.example/oauth2callback"],
               "allowed_logout_urls": ["http://localhost:8501/oauth2callback"],
               "grant_types": ["authorization_code", "refresh_token"], "token_endpoint_auth_method": "client_secret_basic",
               "oidc_conformant": true, "jwt_configuration": {"alg": "RS256"}}),
        json!({"name": "Acme Dashboard!", "app_type": "regular_web"}),
        json!({"name": "Partner Portal", "app_type": "spa", "callbacks": ["https://portal.acme.example"],
               "web_origins": ["https://portal.acme.example"], "allowed_origins": ["https://portal.acme.example"]}),
        json!({"name": "Status Page", "app_type": "spa"}),
        json!({"name": "Dashboard Admin M2M", "app_type": "non_interactive", "grant_types": ["client_credentials"],
               "description": "The dashboard's admin page"}),
        json!({"name": "Nightly Sync", "app_type": "non_interactive", "jwt_configuration": {"lifetime_in_seconds": 600}}),
        json!({"name": "Field App iOS", "app_type": "native", "callbacks": ["https://field.acme.example/callback"]}),
        json!({"name": "Field App Android", "app_type": "native", "is_first_party": false}),
    ];
    let mut ids = std::collections::HashMap::new();
    for app in apps {
        let created = client.create_client(&app).await.unwrap();
        ids.insert(
            app["name"].as_str().unwrap().to_owned(),
            created["client_id"].as_str().unwrap().to_owned(),
        );
    }
    for (app, scopes) in [
        (
            "Dashboard Admin M2M",
            json!([
                "read:users",
                "create:users",
                "create:user_tickets",
                "update:users_app_metadata"
            ]),
        ),
        ("Nightly Sync", json!(["read:users"])),
    ] {
        client
            .create_client_grant(
                &json!({"client_id": ids[app], "audience": audience, "scope": scopes}),
            )
            .await
            .unwrap();
    }

    for (name, options, enabled) in [
        (
            "acme-users",
            json!({"disable_signup": true, "passwordPolicy": "fair", "brute_force_protection": true,
                               "password_complexity_options": {"min_length": 10}}),
            vec!["Acme Dashboard", "Dashboard Admin M2M"],
        ),
        (
            "Partner-Users",
            json!({"requires_username": true, "brute_force_protection": false}),
            vec!["Partner Portal"],
        ),
    ] {
        let created = client
            .create_connection(&json!({"name": name, "strategy": "auth0", "options": options}))
            .await
            .unwrap();
        let body: Vec<Value> = enabled
            .iter()
            .map(|app| json!({"client_id": ids[*app], "status": true}))
            .collect();
        client
            .patch(
                &["connections", created["id"].as_str().unwrap(), "clients"],
                &json!(body),
            )
            .await
            .unwrap();
    }

    client
        .create_email_provider(&json!({"name": "mailgun", "enabled": true, "default_from_address": "no-reply@mg.acme.example",
            "credentials": {"api_key": sentinel::SEEDED_MAILGUN_KEY, "domain": "mg.acme.example", "region": "eu"}}))
        .await
        .unwrap();
    for template in [
        json!({"template": "verify_email", "enabled": false, "syntax": "liquid", "body": "", "from": "", "subject": ""}),
        json!({"template": "welcome_email", "enabled": false, "syntax": "liquid", "body": "", "from": "", "subject": ""}),
        json!({"template": "reset_email", "enabled": true, "syntax": "liquid", "from": "no-reply@mg.acme.example",
               "subject": "{% if user.email_verified %}Reset your password{% else %}Welcome – set your password{% endif %}",
               "body": RESET_BODY, "resultUrl": "{{ application.callback_domain }}", "urlLifetimeInSeconds": 432_000}),
    ] {
        client.create_email_template(&template).await.unwrap();
    }

    for (name, code, deps, secrets) in [
        ("Invite Gate", GATE_CODE, json!([]), json!([])),
        (
            "Audit Log",
            AUDIT_CODE,
            json!([{"name": "lodash", "version": "4.17.21"}]),
            json!([{"name": "AUDIT_TOKEN", "value": sentinel::SEEDED_ACTION_SECRET}]),
        ),
    ] {
        let created = client
            .create_action(
                &json!({"name": name, "code": code, "runtime": "node22", "dependencies": deps,
                "secrets": secrets, "supported_triggers": [{"id": "post-login", "version": "v3"}]}),
            )
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        // Builds finish with time: read again after a pause, as Auth0's clients do.
        let mut built = false;
        for _ in 0..20 {
            if client.get_action(&id).await.unwrap()["status"] == "built" {
                built = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(built, "the emulator builds an action within 2 s");
        client.deploy_action(&id).await.unwrap();
    }
    client
        .set_bindings(
            "post-login",
            &[
                BindingRef {
                    action_name: "Invite Gate".into(),
                    display_name: "Invite Gate".into(),
                },
                BindingRef {
                    action_name: "Audit Log".into(),
                    display_name: "Audit Log".into(),
                },
            ],
        )
        .await
        .unwrap();

    for (email, connection, metadata, verified) in [
        (
            "admin@acme.example",
            "acme-users",
            json!({"roles": ["admin"], "invited": true}),
            true,
        ),
        (
            "analyst@acme.example",
            "acme-users",
            json!({"invited": true}),
            false,
        ),
        ("someone@acme.example", "acme-users", json!({}), true),
        (
            "partner@example.org",
            "Partner-Users",
            json!({"partner": "globex"}),
            false,
        ),
    ] {
        let mut body = json!({"connection": connection, "email": email, "password": sentinel::SEEDED_PASSWORD,
            "email_verified": verified, "verify_email": false});
        if metadata.as_object().is_some_and(|m| !m.is_empty()) {
            body["app_metadata"] = metadata;
        }
        if connection == "Partner-Users" {
            body["username"] = json!("partner1");
        }
        client.create_user(&body).await.unwrap();
    }
}
