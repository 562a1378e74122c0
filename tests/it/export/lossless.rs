//! Lossless export, field by field. Every field a tenant file can hold is set to a value that
//! is not Auth0's default through the raw Management API (the emulator's test client, not
//! tenantform); the export must write each with its value, and applying the export to a second,
//! empty tenant must recreate each, read back raw. The cases are checked against the model's
//! own field lists (`field_names`), so a field added to the model without a case here fails
//! [`every_model_field_has_a_case`] instead of being skipped silently.

use std::collections::BTreeSet;
use std::path::Path;

use auth0_emulator::Emulator;
use auth0_wire::shape::field_names;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tenantform_core::model::load::{LoadOptions, load_tenant};
use tenantform_core::model::{
    Action, Application, BootstrapUser, ClientGrant, DatabaseConnection, EmailCredentials,
    EmailProvider, EmailTemplate, JwtConfiguration, TenantFile, TenantFlags, TenantSettings,
};

use crate::support::Cli;
use crate::support::emulator::{Api, start};

/// Model fields a case cannot set through the API, with the reason.
const NOT_FROM_THE_API: &[(&str, &str)] = &[
    (
        "Application.renamed_from",
        "a rename instruction in the file, nothing live",
    ),
    (
        "DatabaseConnection.renamed_from",
        "a rename instruction in the file, nothing live",
    ),
    (
        "DatabaseConnection.name",
        "the key is the name (a name differing from its key is in the seeded round trip)",
    ),
    (
        "EmailTemplate.body",
        "export writes the body to `body_file`, compared byte for byte",
    ),
    ("EmailTemplate.syntax", "`liquid` is the only value"),
    (
        "Action.source",
        "read from `code` at load time, not a file field",
    ),
    (
        "Action.code",
        "the path of the code file, compared byte for byte",
    ),
];

/// Fields of social connections: exported (`src/export/social.rs`) and round-tripped by
/// `tests/it/social`, not set up here (the emulated tenant's connection case is a database one).
const SOCIAL_ONLY: &[(&str, &str)] = &[
    ("DatabaseConnection.strategy", "a social connection's"),
    ("DatabaseConnection.client_id", "a social connection's"),
    ("DatabaseConnection.client_secret", "a social connection's"),
    ("DatabaseConnection.scopes", "a social connection's"),
];

const SITE: &str = "https://app.acme.example";

/// Every application field, none at Auth0's default for a regular web app.
fn every_field_client() -> Value {
    json!({
        "name": "Every Field",
        "app_type": "regular_web",
        "description": "every field set",
        "callbacks": [format!("{SITE}/oauth2callback")],
        "allowed_logout_urls": [format!("{SITE}/oauth2callback")],
        "web_origins": [SITE],
        "allowed_origins": [SITE],
        "initiate_login_uri": format!("{SITE}/login"),
        "grant_types": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_method": "none",
        "oidc_conformant": true,
        "is_first_party": false,
        "jwt_configuration": {"alg": "RS256", "lifetime_in_seconds": 600},
        "cross_origin_authentication": true,
    })
}

/// The issue's client: HS256 set explicitly (Auth0's default, so it may be left out), the
/// authentication method `none` on an M2M app (not its default).
fn issue_client() -> Value {
    json!({
        "name": "Issue Client",
        "app_type": "non_interactive",
        "token_endpoint_auth_method": "none",
        "jwt_configuration": {"alg": "HS256"},
    })
}

fn settings() -> Value {
    json!({
        "friendly_name": "Acme Everything",
        "support_email": "support@acme.example",
        "support_url": "https://acme.example/support",
        "default_redirection_uri": "https://acme.example/login",
        "session_lifetime": 24.0,
        "idle_session_lifetime": 12.0,
        "flags": {
            "enable_client_connections": false,
            "enable_public_signup_user_exists_error": true,
            "revoke_refresh_token_grant": true,
            "disable_clickjack_protection_headers": true,
        },
    })
}

/// The connection's model fields and the raw options that set them.
fn connection_model() -> Value {
    json!({
        "disable_signup": true,
        "brute_force_protection": false,
        "password_policy": "excellent",
        "password_min_length": 14,
        "requires_username": true,
        "enabled_applications": ["every-field"],
    })
}

fn connection_options() -> Value {
    json!({
        "disable_signup": true,
        "brute_force_protection": false,
        "passwordPolicy": "excellent",
        "password_complexity_options": {"min_length": 14},
        "requires_username": true,
    })
}

const TEMPLATE_BODY: &str = "<p>Verify {{ user.email }}</p>\n";

fn template_model() -> Value {
    json!({
        "enabled": true,
        "subject": "Verify your email",
        "from": "verify@acme.example",
        "body_file": "emails/verify_email.html",
        "result_url": "https://acme.example/verified",
        "url_lifetime_in_seconds": 3600,
        "include_email_in_redirect": true,
    })
}

const ACTION_CODE: &str = "exports.onExecutePostUserRegistration = async (event) => {\n  console.log(event.user.email);\n};\n";

fn action_model() -> Value {
    json!({
        "name": "Welcome Hook",
        "trigger": "post-user-registration",
        "runtime": "node18",
        "dependencies": [{"name": "lodash", "version": "4.17.21"}],
        "secrets": {"HOOK_TOKEN": "${ACTION_WELCOME_HOOK_HOOK_TOKEN}"},
    })
}

fn user_model() -> Value {
    json!({
        "email": "ada@acme.example",
        "connection": "acme-users",
        "name": "Ada Admin",
        "email_verified": true,
        "app_metadata": {"invited": true, "roles": ["admin"]},
    })
}

/// The fields each case sets, checked against the model's own field lists.
#[test]
fn every_model_field_has_a_case() {
    fn missing<T: DeserializeOwned>(kind: &str, case: &Value, found: &mut Vec<String>) {
        let set: BTreeSet<&str> = case
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for field in field_names::<T>() {
            let qualified = format!("{kind}.{field}");
            let explained = NOT_FROM_THE_API
                .iter()
                .chain(SOCIAL_ONLY)
                .any(|(name, _)| *name == qualified);
            if !set.contains(field) && !explained {
                found.push(qualified);
            }
        }
    }
    let mut found = Vec::new();
    missing::<Application>("Application", &every_field_client(), &mut found);
    missing::<JwtConfiguration>(
        "JwtConfiguration",
        &every_field_client()["jwt_configuration"],
        &mut found,
    );
    missing::<TenantSettings>("TenantSettings", &settings(), &mut found);
    missing::<TenantFlags>("TenantFlags", &settings()["flags"], &mut found);
    missing::<DatabaseConnection>("DatabaseConnection", &connection_model(), &mut found);
    missing::<EmailTemplate>("EmailTemplate", &template_model(), &mut found);
    let mut action = action_model();
    action["code"] = json!("actions/welcome-hook.js");
    missing::<Action>("Action", &action, &mut found);
    missing::<BootstrapUser>("BootstrapUser", &user_model(), &mut found);
    missing::<ClientGrant>(
        "ClientGrant",
        &json!({"application": 0, "audience": 0, "scopes": 0}),
        &mut found,
    );
    let mut provider = json!({"credentials": {}});
    let smtp = json!({"name": "smtp", "enabled": false, "default_from_address": "mail@acme.example",
        "credentials": {"smtp_host": "smtp.acme.example", "smtp_port": 2525, "smtp_user": "mailer",
                        "smtp_pass": "${SMTP_PASS}"}});
    for case in providers().into_iter().map(|(case, _)| case).chain([smtp]) {
        for (key, value) in case.as_object().unwrap() {
            if key == "credentials" {
                for (field, value) in value.as_object().unwrap() {
                    provider["credentials"][field] = value.clone();
                }
            } else {
                provider[key] = value.clone();
            }
        }
    }
    missing::<EmailProvider>("EmailProvider", &provider, &mut found);
    missing::<EmailCredentials>("EmailCredentials", &provider["credentials"], &mut found);
    assert!(
        found.is_empty(),
        "model fields without a non-default case in {}: {found:?}",
        file!()
    );
}

/// Sets up the tenant behind `api` with every case, through the raw API.
async fn seed(api: &Api) {
    for body in [every_field_client(), issue_client()] {
        let answer = api.post("clients", &body).await;
        assert_eq!(answer.status, 201, "{:?}", answer.body);
    }
    let clients = api.get("clients").await;
    let id_of = |name: &str| {
        clients
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["client_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let every = id_of("Every Field");
    let grant = json!({"client_id": id_of("Issue Client"), "audience": format!("{}/api/v2/", api.domain),
                       "scope": ["read:users", "read:clients"]});
    assert_eq!(api.post("client-grants", &grant).await.status, 201);
    assert_eq!(api.patch("tenants/settings", &settings()).await.status, 200);

    let connection = api
        .post(
            "connections",
            &json!({"name": "acme-users", "strategy": "auth0", "options": connection_options()}),
        )
        .await;
    assert_eq!(connection.status, 201, "{:?}", connection.body);
    let id = connection.json()["id"].as_str().unwrap().to_owned();
    let enable = json!([{"client_id": every, "status": true}]);
    assert_eq!(
        api.patch(&format!("connections/{id}/clients"), &enable)
            .await
            .status,
        204
    );

    let provider = json!({"name": "smtp", "enabled": false, "default_from_address": "mail@acme.example",
        "credentials": {"smtp_host": "smtp.acme.example", "smtp_port": 2525, "smtp_user": "mailer",
                        "smtp_pass": "smtp-pass-set-by-the-test"}});
    assert_eq!(api.post("emails/provider", &provider).await.status, 201);
    let template = json!({"template": "verify_email", "enabled": true, "syntax": "liquid",
        "subject": "Verify your email", "from": "verify@acme.example", "body": TEMPLATE_BODY,
        "resultUrl": "https://acme.example/verified", "urlLifetimeInSeconds": 3600,
        "includeEmailInRedirect": true});
    let created = api.post("email-templates", &template).await;
    assert!(created.status < 300, "{:?}", created.body);

    let action = api
        .post(
            "actions/actions",
            &json!({"name": "Welcome Hook", "code": ACTION_CODE, "runtime": "node18",
                "dependencies": [{"name": "lodash", "version": "4.17.21"}],
                "secrets": [{"name": "HOOK_TOKEN", "value": "hook-token-set-by-the-test"}],
                "supported_triggers": [{"id": "post-user-registration", "version": "v2"}]}),
        )
        .await;
    assert_eq!(action.status, 201, "{:?}", action.body);
    let action_id = action.json()["id"].as_str().unwrap().to_owned();
    let mut deployed = false;
    for _ in 0..40 {
        if api
            .get(&format!("actions/actions/{action_id}"))
            .await
            .json()["status"]
            == "built"
        {
            deployed = api
                .post(&format!("actions/actions/{action_id}/deploy"), &json!({}))
                .await
                .status
                < 300;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(deployed, "the Action builds and deploys");
    let bindings = json!({"bindings": [{"ref": {"type": "action_name", "value": "Welcome Hook"},
                                        "display_name": "Welcome Hook"}]});
    assert_eq!(
        api.patch(
            "actions/triggers/post-user-registration/bindings",
            &bindings
        )
        .await
        .status,
        200
    );

    let user = json!({"connection": "acme-users", "email": "ada@acme.example", "username": "ada",
        "password": "Correct-Horse-Battery-9", "email_verified": true, "verify_email": false,
        "name": "Ada Admin", "app_metadata": {"roles": ["admin"], "invited": true}});
    let created = api.post("users", &user).await;
    assert_eq!(created.status, 201, "{:?}", created.body);
}

fn export(emulator: &Emulator, dir: &Path) -> crate::support::Output {
    Cli::new()
        .emulator(emulator)
        .current_dir(dir)
        .args(["export", "--out", "tenants/acme.yaml"])
        .run()
}

fn loaded(dir: &Path) -> TenantFile {
    let (loaded, problems) = load_tenant(
        &dir.join("tenants/acme.yaml"),
        LoadOptions {
            require_secrets: false,
        },
    );
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "the export does not load: {errors:?}");
    loaded.expect("the export loads").tenant
}

/// The exported file as written, `${VAR}` references unresolved.
fn exported_yaml(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("tenants/acme.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// Asserts each field of `expected` is in `actual` with the same value.
fn assert_fields(what: &str, actual: &Value, expected: &Value) {
    for (field, value) in expected.as_object().unwrap() {
        assert_eq!(
            actual.get(field),
            Some(value),
            "{what}.{field}: exported {actual:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_non_default_field_is_exported_and_recreated() {
    let first = start().await;
    let first_api = Api::new(&first).await;
    seed(&first_api).await;
    let dir = tempfile::tempdir().unwrap();
    let run = export(&first, dir.path());
    assert_eq!(run.code, 0, "export failed\n{run}");
    let file = loaded(dir.path());
    assert!(
        run.stderr.contains("not exported:"),
        "export lists what it left out\n{run}"
    );

    // Every field with its value.
    assert_fields(
        "applications.every-field",
        &json(&file.applications["every-field"]),
        &every_field_client(),
    );
    let issue = json(&file.applications["issue-client"]);
    assert_eq!(issue["token_endpoint_auth_method"], "none", "{issue:#}");
    assert_fields("tenant", &json(file.tenant.as_ref().unwrap()), &settings());
    assert_fields(
        "connections.acme-users",
        &json(&file.connections["acme-users"]),
        &connection_model(),
    );
    let provider = json(file.email_provider.as_ref().unwrap());
    assert_fields(
        "email_provider",
        &provider,
        &json!({"name": "smtp", "enabled": false, "default_from_address": "mail@acme.example"}),
    );
    assert_fields(
        "email_provider.credentials",
        &provider["credentials"],
        &json!({"smtp_host": "smtp.acme.example", "smtp_port": 2525, "smtp_user": "mailer",
                "smtp_pass": "${SMTP_PASS}"}),
    );
    let templates = json(&file.email_templates);
    assert_fields(
        "email_templates.verify_email",
        &templates["verify_email"],
        &template_model(),
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("emails/verify_email.html")).unwrap(),
        TEMPLATE_BODY
    );
    assert_fields(
        "actions.welcome-hook",
        &json(&file.actions["welcome-hook"]),
        &action_model(),
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("actions/welcome-hook.js")).unwrap(),
        ACTION_CODE
    );
    assert_eq!(
        json(&file.bindings),
        json!({"post-user-registration": ["welcome-hook"]})
    );
    assert_eq!(file.users.len(), 1, "{:?}", file.users);
    assert_fields("users[0]", &json(&file.users[0]), &user_model());
    assert_eq!(
        json(&file.grants),
        json!([{"application": "issue-client", "audience": "management-api",
                "scopes": ["read:clients", "read:users"]}])
    );

    // The same tenant, recreated from the export on an empty one, read back raw.
    let second = start().await;
    let applied = Cli::new()
        .emulator(&second)
        .current_dir(dir.path())
        .env("SMTP_PASS", "smtp-pass-set-by-the-test")
        .env(
            "ACTION_WELCOME_HOOK_HOOK_TOKEN",
            "hook-token-set-by-the-test",
        )
        .args(["apply", "tenants/acme.yaml", "--auto-approve"])
        .run();
    assert_eq!(applied.code, 0, "apply failed\n{applied}");
    let second_api = Api::new(&second).await;
    for (name, fields) in [
        ("Every Field", every_field_client()),
        ("Issue Client", issue_client()),
    ] {
        // Compared as Auth0 means them: an absent `alg` is HS256.
        let one = completed(
            &client_named(&first_api, name).await,
            auth0_wire::Client::completed,
        );
        let two = completed(
            &client_named(&second_api, name).await,
            auth0_wire::Client::completed,
        );
        for field in fields.as_object().unwrap().keys() {
            assert_eq!(one[field], two[field], "client `{name}`.{field}");
        }
    }
    let settings_of = async |api: &Api| {
        let raw = api.get("tenants/settings").await;
        completed(raw.json(), auth0_wire::TenantSettings::completed)
    };
    let (one, two) = (
        settings_of(&first_api).await,
        settings_of(&second_api).await,
    );
    for field in settings().as_object().unwrap().keys() {
        let (one, two) = (&one[field], &two[field]);
        if field == "flags" {
            for flag in settings()["flags"].as_object().unwrap().keys() {
                assert_eq!(one[flag], two[flag], "flags.{flag}");
            }
        } else {
            assert_eq!(one, two, "tenant setting {field}");
        }
    }
    let one = connection_named(&first_api, "acme-users").await;
    let two = connection_named(&second_api, "acme-users").await;
    for option in connection_options().as_object().unwrap().keys() {
        assert_eq!(
            one["options"][option], two["options"][option],
            "options.{option}"
        );
    }
    assert_eq!(
        provider_of(&first_api).await,
        provider_of(&second_api).await
    );
    assert_eq!(
        first.stored_email_provider_credentials(),
        second.stored_email_provider_credentials(),
        "the SMTP password reached the second tenant"
    );
    let template_of = async |api: &Api| {
        let raw = api.get("email-templates/verify_email").await;
        completed(raw.json(), auth0_wire::EmailTemplate::completed)
    };
    assert_eq!(
        template_of(&first_api).await,
        template_of(&second_api).await
    );
    let one = action_named(&first_api, "Welcome Hook").await;
    let two = action_named(&second_api, "Welcome Hook").await;
    for field in ["code", "runtime", "dependencies", "supported_triggers"] {
        assert_eq!(one[field], two[field], "action.{field}");
    }
    let secret_names = |action: &Value| -> Vec<Value> {
        action["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].clone())
            .filter(|name| !name.as_str().unwrap().starts_with("TENANTFORM_SECRETS_"))
            .collect()
    };
    assert_eq!(secret_names(&one), secret_names(&two));
    assert_eq!(
        first.stored_action_secrets("Welcome Hook"),
        second.stored_action_secrets("Welcome Hook").map(|s| s
            .into_iter()
            .filter(|(n, _)| !n.starts_with("TENANTFORM_SECRETS_"))
            .collect()),
    );
    let path = "actions/triggers/post-user-registration/bindings";
    let bound = |answer: &Value| -> Vec<Value> {
        answer["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["action"]["name"].clone())
            .collect()
    };
    assert_eq!(
        bound(first_api.get(path).await.json()),
        bound(second_api.get(path).await.json())
    );
    let one = user_by_email(&first_api, "ada@acme.example").await;
    let two = user_by_email(&second_api, "ada@acme.example").await;
    for field in ["email", "name", "email_verified", "app_metadata"] {
        assert_eq!(one[field], two[field], "user.{field}");
    }
    assert_eq!(
        one["identities"][0]["connection"],
        two["identities"][0]["connection"]
    );
    for api in [&first_api, &second_api] {
        let id = client_named(api, "Issue Client").await["client_id"].clone();
        let grants: Vec<Value> = api
            .get("client-grants")
            .await
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["client_id"] == id)
            .map(|g| {
                let mut scopes: Vec<&str> = g["scope"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect();
                scopes.sort_unstable();
                json!([g["audience"], scopes])
            })
            .collect();
        assert_eq!(
            grants,
            [json!([
                format!("{}/api/v2/", api.domain),
                ["read:clients", "read:users"]
            ])],
            "the grant on {}",
            api.domain
        );
    }
}

/// Each provider's fields, with the raw body that sets them.
fn providers() -> Vec<(Value, Value)> {
    vec![
        (
            json!({"name": "mailgun", "default_from_address": "mail@mg.acme.example",
                   "credentials": {"api_key": "${MAILGUN_API_KEY}", "domain": "mg.acme.example", "region": "eu"}}),
            json!({"name": "mailgun", "enabled": true, "default_from_address": "mail@mg.acme.example",
                   "credentials": {"api_key": "mailgun-key-set-by-the-test", "domain": "mg.acme.example", "region": "eu"}}),
        ),
        (
            json!({"name": "ses", "enabled": false,
                   "credentials": {"access_key_id": "${SES_ACCESS_KEY_ID}", "secret_access_key": "${SES_SECRET_ACCESS_KEY}",
                                   "region": "eu-west-1"}}),
            json!({"name": "ses", "enabled": false, "default_from_address": "mail@acme.example",
                   "credentials": {"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "ses-secret-set-by-the-test",
                                   "region": "eu-west-1"}}),
        ),
    ]
}

/// The providers the main case does not use (one provider per tenant): each exported with
/// its fields and recreated on an empty tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_field_is_exported_and_recreated() {
    for (model, raw) in providers() {
        let first = start().await;
        let api = Api::new(&first).await;
        let created = api.post("emails/provider", &raw).await;
        assert_eq!(created.status, 201, "{:?}", created.body);
        let dir = tempfile::tempdir().unwrap();
        let run = export(&first, dir.path());
        assert_eq!(run.code, 0, "export failed\n{run}");
        // The access key id Auth0 does not return is a variable, set beside the file.
        std::fs::write(
            dir.path().join("tenants/.env"),
            "SES_ACCESS_KEY_ID=AKIAEXAMPLE\n",
        )
        .unwrap();
        loaded(dir.path());
        let exported = exported_yaml(dir.path())["email_provider"].clone();
        let mut expected = model.clone();
        let credentials = expected
            .as_object_mut()
            .unwrap()
            .remove("credentials")
            .unwrap();
        assert_fields("email_provider", &exported, &expected);
        assert_fields(
            "email_provider.credentials",
            &exported["credentials"],
            &credentials,
        );

        let second = start().await;
        let applied = Cli::new()
            .emulator(&second)
            .current_dir(dir.path())
            .env("MAILGUN_API_KEY", "mailgun-key-set-by-the-test")
            .env("SES_SECRET_ACCESS_KEY", "ses-secret-set-by-the-test")
            .args(["apply", "tenants/acme.yaml", "--auto-approve"])
            .run();
        assert_eq!(applied.code, 0, "apply failed\n{applied}");
        let second_api = Api::new(&second).await;
        assert_eq!(provider_of(&api).await, provider_of(&second_api).await);
        assert_eq!(
            first.stored_email_provider_credentials(),
            second.stored_email_provider_credentials(),
            "the secret reached the second tenant"
        );
    }
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// `raw` read as the wire type `T`, with what an absent field means filled in (`complete`).
fn completed<T: serde::Serialize + DeserializeOwned>(raw: &Value, complete: fn(&T) -> T) -> Value {
    let wire: T = serde_json::from_value(raw.clone()).unwrap();
    json(&complete(&wire))
}

/// The provider as Auth0 means it (an absent `enabled` is true).
async fn provider_of(api: &Api) -> Value {
    let raw = api
        .get("emails/provider?fields=name,enabled,default_from_address,credentials&include_fields=true")
        .await;
    completed(raw.json(), auth0_wire::EmailProvider::completed)
}

async fn client_named(api: &Api, name: &str) -> Value {
    let all = api.get("clients").await;
    all.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no client `{name}` on {}", api.domain))
        .clone()
}

async fn connection_named(api: &Api, name: &str) -> Value {
    let all = api.get(&format!("connections?name={name}")).await;
    all.json().as_array().unwrap()[0].clone()
}

async fn action_named(api: &Api, name: &str) -> Value {
    let all = api.get(&format!("actions/actions?actionName={name}")).await;
    all.json()["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no action `{name}`"))
        .clone()
}

async fn user_by_email(api: &Api, email: &str) -> Value {
    let all = api.get(&format!("users-by-email?email={email}")).await;
    all.json().as_array().unwrap()[0].clone()
}
