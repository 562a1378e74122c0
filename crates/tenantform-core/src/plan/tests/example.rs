//! The example tenant (`tenants/dev.yaml`) and an Auth0-shaped live tenant that matches it.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::live::{LiveTenant, RawConnection, RawTenant, normalize};
use crate::model::TenantFile;
use crate::model::load::{LoadOptions, load_tenant_with};
use crate::model::variables::Variables;
use crate::plan::PlanContext;

pub(super) const ORIGIN: &str = "https://acme.auth0.com";
pub(super) const OWN_CLIENT_ID: &str = "tool-client-id";
/// Secret values that must never appear in any output.
pub(super) const SENTINEL_MAILGUN: &str = "sentinel-mailgun-key-7f3a91";
pub(super) const SENTINEL_ACTION: &str = "sentinel-action-secret-c0ffee";

pub(super) fn context() -> PlanContext {
    PlanContext {
        origin: ORIGIN.into(),
        own_client_id: Some(OWN_CLIENT_ID.into()),
        ..PlanContext::default()
    }
}

/// `tenants/dev.yaml` loaded with its default variables and a sentinel Mailgun key.
pub(super) fn desired() -> TenantFile {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let variables = Variables::from_map(HashMap::from([(
        "MAILGUN_API_KEY".to_owned(),
        SENTINEL_MAILGUN.to_owned(),
    )]));
    let (loaded, diagnostics) = load_tenant_with(
        &root.join("tenants/dev.yaml"),
        &variables,
        LoadOptions {
            require_secrets: true,
        },
    );
    let loaded = loaded.unwrap_or_else(|| panic!("example tenant loads: {diagnostics:?}"));
    let api_key = loaded
        .tenant
        .email_provider
        .as_ref()
        .unwrap()
        .credentials
        .api_key
        .as_ref();
    assert_eq!(
        api_key.unwrap().expose(),
        Some(SENTINEL_MAILGUN),
        "the sentinel is resolved"
    );
    loaded.tenant
}

const STAGING: &str = "https://acme-reporting-staging.up.railway.app";

/// Raw Auth0 bodies of a tenant set up by hand to match the example file (plus Auth0's own
/// and unrelated resources), shaped like the recorded responses.
pub(super) fn raw() -> RawTenant {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let code = std::fs::read_to_string(root.join("actions/post-login-verification.js")).unwrap();
    let body = std::fs::read_to_string(root.join("emails/reset_email.html")).unwrap();
    let file = desired();
    let subject = file.email_templates[&crate::model::TemplateName::ResetEmail]
        .subject
        .clone()
        .unwrap();
    let management = format!("{ORIGIN}/api/v2/");
    RawTenant {
        resource_servers: vec![
            json!({"id": "rs-system", "identifier": management, "name": "Auth0 Management API", "is_system": true}),
        ],
        clients: vec![
            json!({"tenant": "acme", "global": true, "name": "All Applications", "client_id": "global-client-id", "callbacks": []}),
            json!({
                "name": "Acme Reporting Dashboard", "description": "Streamlit dashboard (st.login)",
                "client_id": "dashboard-client-id", "client_secret": "[REDACTED]", "app_type": "regular_web",
                "is_first_party": true, "oidc_conformant": true,
                "callbacks": ["http://localhost:8501/oauth2callback", format!("{STAGING}/oauth2callback")],
                "allowed_logout_urls": ["http://localhost:8501/oauth2callback", format!("{STAGING}/oauth2callback")],
                "web_origins": ["http://localhost:8501", STAGING],
                "initiate_login_uri": format!("{STAGING}/"),
                "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000, "secret_encoded": false},
                "signing_keys": [{"cert": "[REDACTED]"}],
                "grant_types": ["refresh_token", "authorization_code"],
                "token_endpoint_auth_method": "client_secret_basic",
                "custom_login_page_on": true
            }),
            json!({
                "name": "Acme Reporting Dashboard M2M",
                "description": "The dashboard's admin page (invites users, resets passwords)",
                "client_id": "m2m-client-id", "client_secret": "[REDACTED]", "app_type": "non_interactive",
                "is_first_party": true, "oidc_conformant": true,
                "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 36000},
                "grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"
            }),
            json!({"name": "tenantform", "client_id": OWN_CLIENT_ID, "app_type": "non_interactive", "grant_types": ["client_credentials"]}),
            json!({"name": "Legacy Reports", "client_id": "legacy-client-id", "app_type": "spa"}),
        ],
        client_grants: vec![
            json!({"id": "cgr_m2m", "client_id": "m2m-client-id", "audience": management,
                   "scope": ["read:users", "create:users", "update:users", "read:users_app_metadata",
                             "update:users_app_metadata", "create:user_tickets"], "subject_type": "client"}),
            json!({"id": "cgr_tool", "client_id": OWN_CLIENT_ID, "audience": management, "scope": ["read:clients", "update:clients"]}),
            json!({"id": "cgr_system", "client_id": "system-client-id", "audience": management, "scope": ["read:clients"], "is_system": true}),
        ],
        connections: vec![RawConnection {
            connection: json!({
                "id": "con_dashboard", "name": "reporting-dashboard-users", "strategy": "auth0",
                "options": {"mfa": {"active": true, "return_enroll_settings": true}, "disable_signup": true,
                            "passwordPolicy": "good", "brute_force_protection": true, "requires_username": false,
                            "strategy_version": 2, "authentication_methods": {"password": {"enabled": true}}},
                "is_domain_connection": false, "realms": ["reporting-dashboard-users"], "enabled_clients": []
            }),
            clients: Some(
                json!({"clients": [{"client_id": "dashboard-client-id"}, {"client_id": "m2m-client-id"}, {"client_id": "legacy-client-id"}]}),
            ),
        }],
        tenant_settings: Some(json!({
            "friendly_name": "Acme Reporting (dev)", "support_email": "support@acme.example",
            "flags": {"enable_client_connections": false, "universal_login": true, "revoke_refresh_token_grant": false},
            "enabled_locales": ["en"], "session_lifetime": 168, "sandbox_version": "22"
        })),
        email_provider: Some(json!({
            "name": "mailgun", "enabled": true, "default_from_address": "no-reply@mg.acme.example",
            "credentials": {"domain": "mg.acme.example", "region": "us"}
        })),
        email_templates: vec![
            json!({"template": "verify_email", "enabled": false, "body": "<p>verify</p>", "from": "", "subject": "", "syntax": "liquid"}),
            json!({"template": "welcome_email", "enabled": false, "body": "<p>welcome</p>", "syntax": "liquid"}),
            json!({"template": "reset_email", "enabled": true, "syntax": "liquid", "from": "no-reply@mg.acme.example",
                   "subject": subject, "resultUrl": "{{ application.callback_domain }}", "urlLifetimeInSeconds": 432_000,
                   "includeEmailInRedirect": false, "body": body}),
        ],
        actions: vec![json!({
            "id": "act_verification", "name": "Post-Login Verification",
            "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "created_at": "2026-05-29T10:45:58.888947671Z", "code": code, "dependencies": [],
            "runtime": "node22", "status": "built", "secrets": [], "all_changes_deployed": true
        })],
        bindings: vec![(
            crate::model::Trigger::PostLogin,
            vec![
                json!({"id": "bnd_1", "trigger_id": "post-login", "display_name": "Post-Login Verification",
                        "action": {"id": "act_verification", "name": "Post-Login Verification"}}),
            ],
        )],
        users: vec![json!({
            "user_id": "auth0|admin1", "email": "admin@acme.example", "email_verified": true,
            "identities": [{"connection": "reporting-dashboard-users", "user_id": "admin1", "provider": "auth0", "isSocial": false}],
            "app_metadata": {"roles": ["admin"], "invited": true, "last_seen_by_support": "2026-01-01"}
        })],
    }
}

pub(super) fn live_from(raw: &RawTenant) -> LiveTenant {
    normalize(raw).expect("the raw bodies normalize")
}

pub(super) fn live() -> LiveTenant {
    live_from(&raw())
}

/// The first item of `items` whose `key` equals `value`, for editing raw bodies.
pub(super) fn find<'a>(items: &'a mut [Value], key: &str, value: &str) -> &'a mut Value {
    items
        .iter_mut()
        .find(|item| item[key] == value)
        .unwrap_or_else(|| panic!("no item with {key} = {value}"))
}
