//! The three views of one plan with several changes, and the secret sentinels.

use serde_json::json;

use super::example::{SENTINEL_ACTION, SENTINEL_MAILGUN, context, desired, find, live_from, raw};
use super::plan_with;
use crate::model::SecretRef;
use crate::plan::view::{self, HumanOptions};
use crate::plan::{Plan, PlanContext};

/// A plan with an update, a create, a destructive replace, a delete, a code diff, a template
/// body diff, write-only secrets re-sent and a note.
pub(super) fn several_changes(context: &PlanContext) -> Plan {
    let mut file = desired();
    // A new application, a renamed connection, an action secret (sentinel value).
    file.applications.insert(
        "reports-cli".into(),
        crate::model::Application {
            name: Some("Reports CLI".into()),
            app_type: Some(crate::model::AppType::NonInteractive),
            grant_types: Some(vec!["client_credentials".into()]),
            ..Default::default()
        },
    );
    let mut secret = SecretRef::reference("REPORTS_API_TOKEN");
    secret.resolve(secrecy::SecretString::from(SENTINEL_ACTION));
    file.actions
        .get_mut("post-login-verification")
        .unwrap()
        .secrets
        .insert("API_TOKEN".into(), secret);
    file.removed.applications = vec!["Legacy Reports".into()];

    let mut raw = raw();
    let app = find(&mut raw.clients, "client_id", "dashboard-client-id");
    app["callbacks"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://old.example/cb"));
    raw.connections[0].connection["options"]["disable_signup"] = json!(false);
    raw.actions[0]["code"] = json!(
        raw.actions[0]["code"]
            .as_str()
            .unwrap()
            .replace("=== 1", "=== 0")
    );
    let template = find(&mut raw.email_templates, "template", "reset_email");
    template["body"] = json!(template["body"].as_str().unwrap().replace("Hello", "Hi"));
    raw.bindings[0].1.clear();
    plan_with(&file, &live_from(&raw), context)
}

pub(super) fn snapshot_context() -> PlanContext {
    PlanContext {
        allow_delete: true,
        force_secrets: true,
        ..context()
    }
}

#[test]
fn human_view() {
    let plan = several_changes(&snapshot_context());
    insta::assert_snapshot!(view::human(&plan, HumanOptions::default()));
}

#[test]
fn human_view_colors_only_when_asked() {
    let plan = several_changes(&snapshot_context());
    assert!(!view::human(&plan, HumanOptions::default()).contains('\u{1b}'));
    assert!(view::human(&plan, HumanOptions { color: true }).contains('\u{1b}'));
}

#[test]
fn markdown_view() {
    let plan = several_changes(&snapshot_context());
    insta::assert_snapshot!(view::markdown(&plan));
}

#[test]
fn json_view() {
    let plan = several_changes(&snapshot_context());
    let mut value: serde_json::Value = serde_json::from_str(&view::json(&plan)).unwrap();
    // Redact Auth0 ids and the fingerprint (insta's redactions feature is not enabled).
    for change in value["changes"].as_array_mut().unwrap() {
        if change.get("live_id").is_some() {
            change["live_id"] = json!("[id]");
        }
    }
    value["live_fingerprint"] = json!("[fingerprint]");
    insta::assert_json_snapshot!(value);
}

#[test]
fn no_secret_value_in_any_format() {
    for context in [snapshot_context(), context()] {
        let plan = several_changes(&context);
        let outputs = [
            view::human(&plan, HumanOptions::default()),
            view::human(&plan, HumanOptions { color: true }),
            view::markdown(&plan),
            view::json(&plan),
            format!("{plan:?}"),
        ];
        for output in outputs {
            assert!(!output.contains(SENTINEL_MAILGUN), "Mailgun key leaked");
            assert!(!output.contains(SENTINEL_ACTION), "action secret leaked");
        }
        assert!(
            view::json(&plan).contains("${REPORTS_API_TOKEN}"),
            "secrets are references"
        );
    }
}

#[test]
fn no_changes_view() {
    let plan = plan_with(&desired(), &live_from(&raw()), &context());
    let human = view::human(&plan, HumanOptions::default());
    assert!(
        human.ends_with("No changes. The tenant matches the file.\n"),
        "{human}"
    );
    assert!(human.contains("cannot be compared (write-only)"));
    assert!(view::markdown(&plan).contains(": No changes. The tenant matches the file.\n"));
}
