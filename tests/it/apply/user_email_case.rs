//! A bootstrap user whose email has capitals: Auth0 stores a database user's email in lower
//! case and `GET /users-by-email` matches the stored case only, so the user is looked up as
//! stored. The apply converges on one lower-cased user, who signs in as typed and whom the
//! post-login Action sees as stored.

use std::path::Path;

use auth0_emulator::Emulator;
use secrecy::SecretString;
use serde_json::Value;
use tenantform::apply::{ApplyOptions, execute};
use tenantform::login::{LoginClient, LoginOutcome, set_password_with_ticket};
use tenantform::planning::{PlanOptions, plan_tenant};
use tenantform_core::plan::Kind;

use super::support::{cli, copy_project, edit, load_example, writes};
use crate::support::emulator::{Api, start};
use crate::support::{Output, management_client};

const TYPED: &str = "Admin@Acme.example";
const STORED: &str = "admin@acme.example";

/// `tenantform ARGS` in `dir` with the admin's email typed with capitals.
async fn run_typed(emulator: &Emulator, dir: &Path, args: &[&str]) -> Output {
    cli(emulator, dir)
        .env("ADMIN_EMAIL", TYPED)
        .args(args)
        .run_async()
        .await
}

/// Every user in the emulated tenant, by email.
async fn user_emails(api: &Api) -> Vec<String> {
    let users = api.get("users?per_page=100").await;
    assert_eq!(users.status, 200, "{:?}", users.json());
    users
        .json()
        .as_array()
        .expect("a bare list of users")
        .iter()
        .map(|u| u["email"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_email_with_capitals_converges_on_one_lower_cased_user() {
    let emulator = start().await;
    let project = copy_project();
    let dir = project.path();

    let applied = run_typed(
        &emulator,
        dir,
        &["apply", "tenants/dev.yaml", "--auto-approve"],
    )
    .await;
    applied.assert_success();
    assert!(
        applied
            .stderr
            .contains("Verified: planning again finds no changes"),
        "{applied}"
    );
    assert!(!applied.all().contains("did not converge"), "{applied}");
    // Validation says so, where the file writes the email.
    let warning = format!(
        "warning[email-case]: users[0].email: Auth0 stores a database user's email in lower case: `{TYPED}` will be `{STORED}`"
    );
    let line = applied
        .stderr
        .lines()
        .find(|line| line.contains(&warning))
        .unwrap_or_else(|| panic!("no `{warning}`\n{applied}"));
    assert!(
        line.starts_with("tenants/shared/reporting-dashboard.yaml:"),
        "{line}"
    );

    let api = Api::new(&emulator).await;
    assert_eq!(user_emails(&api).await, [STORED]);

    let before = emulator.request_log().len();
    let plan = run_typed(
        &emulator,
        dir,
        &["plan", "tenants/dev.yaml", "--detailed-exitcode"],
    )
    .await;
    assert_eq!(plan.code, 0, "a change is planned\n{plan}");
    // One lookup, asked as stored.
    let asked: Vec<String> = emulator.request_log()[before..]
        .iter()
        .filter(|e| e.path == "/api/v2/users-by-email")
        .filter_map(|e| {
            let query = e.query.as_deref().unwrap_or_default();
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "email")
                .map(|(_, email)| email.into_owned())
        })
        .collect();
    assert_eq!(asked, [STORED]);

    let again = run_typed(
        &emulator,
        dir,
        &["apply", "tenants/dev.yaml", "--auto-approve"],
    )
    .await;
    again.assert_success();
    assert_eq!(
        writes(&emulator.request_log()[before..]),
        Vec::<String>::new()
    );
    assert_eq!(user_emails(&api).await, [STORED]);
}

/// The user signs in typing the capitals; the post-login Action's `event.user.email` and the
/// ID token's `email` are the stored, lower-cased address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_signs_in_as_typed_and_the_action_sees_the_stored_email() {
    let emulator = start().await;
    let project = copy_project();
    let dir = project.path();
    // The Action hands back what it was given as `event.user.email`.
    edit(
        dir,
        "actions/post-login-verification.js",
        "  const roles = ",
        "  api.idToken.setCustomClaim(`${namespace}/event_email`, event.user.email);\n  const roles = ",
    );
    let applied = run_typed(
        &emulator,
        dir,
        &["apply", "tenants/dev.yaml", "--auto-approve"],
    )
    .await;
    applied.assert_success();
    let ticket = applied
        .stderr
        .split_once("password-change link: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no ticket link\n{applied}"));
    let password = SecretString::from("Tf-Capital-Letters-9a!".to_owned());
    set_password_with_ticket(ticket, &password)
        .await
        .expect("password set on the ticket page");

    let api = Api::new(&emulator).await;
    let clients = api.get("clients?fields=name,client_id,client_secret").await;
    let dashboard = clients
        .json()
        .as_array()
        .expect("a bare list of clients")
        .iter()
        .find(|c| c["name"] == "Acme Reporting Dashboard")
        .expect("the dashboard application")
        .clone();
    let login = LoginClient::new(
        &emulator.domain(),
        dashboard["client_id"].as_str().unwrap(),
        SecretString::from(dashboard["client_secret"].as_str().unwrap().to_owned()),
        "http://localhost:8501/oauth2callback",
    )
    .expect("login client");
    let outcome = login.sign_in(TYPED, &password).await.expect("sign-in");
    let LoginOutcome::SignedIn { id_token_claims } = outcome else {
        panic!("not signed in: {outcome:?}");
    };
    assert_eq!(
        id_token_claims.get("http://localhost:8501/claims/event_email"),
        Some(&Value::from(STORED)),
        "{id_token_claims:?}"
    );
    assert_eq!(
        id_token_claims.get("email"),
        Some(&Value::from(STORED)),
        "{id_token_claims:?}"
    );
}

/// A create that meets the user already there (as after a POST whose answer was lost: Auth0
/// answers 409) adopts it: the lookup after the conflict asks for the stored case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_meeting_the_lower_cased_user_adopts_it() {
    let emulator = start().await;
    let project = copy_project();
    edit(
        project.path(),
        "tenants/shared/reporting-dashboard.yaml",
        "${ADMIN_EMAIL:-admin@acme.example}",
        TYPED,
    );
    let loaded = load_example(project.path());
    let client = management_client(&emulator).await;
    let (plan, _) = plan_tenant(&client, &loaded.tenant, PlanOptions::default())
        .await
        .expect("plan");
    // Everything but the user, so the connection exists.
    let mut without_user = plan.clone();
    without_user
        .changes
        .retain(|c| c.address.kind != Kind::User);
    let report = execute(&client, &without_user, ApplyOptions::default(), &|_| {})
        .await
        .expect("applied");
    assert!(report.is_complete(), "{report:?}");

    let api = Api::new(&emulator).await;
    let made = api
        .post(
            "users",
            &serde_json::json!({
                "connection": "reporting-dashboard-users",
                "email": TYPED,
                "password": "Tf-Made-Elsewhere-9a!",
                "email_verified": true,
                "app_metadata": {"roles": ["admin"], "invited": true},
            }),
        )
        .await;
    assert_eq!(made.status, 201, "{:?}", made.json());

    let only_user = {
        let mut plan = plan;
        plan.changes.retain(|c| c.address.kind == Kind::User);
        plan
    };
    let before = emulator.request_log().len();
    let report = execute(&client, &only_user, ApplyOptions::default(), &|_| {})
        .await
        .expect("applied");
    assert!(report.is_complete(), "{report:?}");
    let conflicts = emulator.request_log()[before..]
        .iter()
        .filter(|e| e.method == "POST" && e.path == "/api/v2/users" && e.status == 409)
        .count();
    assert_eq!(conflicts, 1, "the create met the user");
    assert_eq!(user_emails(&api).await, [STORED]);
    let (after, _) = plan_tenant(&client, &loaded.tenant, PlanOptions::default())
        .await
        .expect("plan");
    assert!(
        !after.has_changes(),
        "{:#?}",
        after.pending().collect::<Vec<_>>()
    );
}
