//! Tests of the diff rules, against the example tenant and Auth0-shaped live bodies.

mod example;
mod markdown;
mod view;

use serde_json::{Value, json};

use self::example::{OWN_CLIENT_ID, context, desired, find, live, live_from, raw};
use super::{Address, ChangeAction, Desired, Kind, Plan, PlanContext, diff};
use crate::live::{LiveTenant, ReadSet};
use crate::model::{Removed, TenantFile};

/// The plan of `file` against `live`, as planning makes it: the file's reads, then the diff.
pub(super) fn plan_with(file: &TenantFile, live: &LiveTenant, context: &PlanContext) -> Plan {
    diff(file, live, ReadSet::for_tenant(file), context)
}

fn plan_of(file: &TenantFile, live: &LiveTenant) -> Plan {
    plan_with(file, live, &context())
}

fn change<'a>(plan: &'a Plan, kind: Kind, name: &str) -> &'a super::Change {
    plan.changes
        .iter()
        .find(|c| c.address.kind == kind && c.address.name == name)
        .unwrap_or_else(|| panic!("no change for {kind:?} {name}: {plan:#?}"))
}

/// The one pending change of `plan` and its field paths.
fn single_drift(plan: &Plan) -> (&super::Change, Vec<&str>) {
    let pending: Vec<_> = plan.pending().collect();
    assert_eq!(
        pending.len(),
        1,
        "exactly one change expected: {pending:#?}"
    );
    let paths = pending[0].fields.iter().map(|f| f.path.as_str()).collect();
    (pending[0], paths)
}

#[test]
fn an_unchanged_tenant_plans_to_zero_changes() {
    let plan = plan_of(&desired(), &live());
    assert!(plan.errors.is_empty(), "{:#?}", plan.errors);
    assert!(
        !plan.has_changes(),
        "{:#?}",
        plan.pending().collect::<Vec<_>>()
    );
    assert_eq!(
        plan.summary().to_string(),
        "No changes. The tenant matches the file."
    );
    // Every managed resource was compared: 2 apps, 1 grant, 1 connection, settings,
    // provider, 3 templates, 1 action, 1 binding list, 1 user.
    assert_eq!(plan.changes.len(), 12);
    // The Mailgun key is write-only: said so, never claimed in sync.
    let note = plan
        .notes
        .iter()
        .find(|n| n.address.kind == Kind::EmailProvider)
        .expect("a write-only note");
    assert_eq!(note.path.as_deref(), Some("credentials.api_key"));
    assert!(note.message.contains("cannot be compared (write-only)"));
    assert!(plan.unmanaged.is_empty(), "unmanaged only on request");
}

#[test]
fn drift_a_callback_added_live() {
    let mut raw = raw();
    let app = find(&mut raw.clients, "client_id", "dashboard-client-id");
    app["callbacks"]
        .as_array_mut()
        .unwrap()
        .push(json!("https://evil.example/cb"));
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(
        change.address,
        Address::new(Kind::Application, "Acme Reporting Dashboard")
    );
    assert_eq!(change.action, ChangeAction::Update);
    assert_eq!(paths, ["callbacks"]);
    assert_eq!(change.live_id.as_deref(), Some("dashboard-client-id"));
    assert!(change.fields[0].before.to_string().contains("evil.example"));
}

#[test]
fn drift_a_scope_removed() {
    let mut raw = raw();
    let grant = find(&mut raw.client_grants, "id", "cgr_m2m");
    grant["scope"]
        .as_array_mut()
        .unwrap()
        .retain(|s| s != "create:user_tickets");
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(change.address.kind, Kind::Grant);
    assert_eq!(
        change.address.name,
        "Acme Reporting Dashboard M2M -> https://acme.auth0.com/api/v2/"
    );
    assert_eq!(paths, ["scopes"]);
    assert_eq!(change.live_id.as_deref(), Some("cgr_m2m"));
}

#[test]
fn drift_disable_signup_flipped() {
    let mut raw = raw();
    raw.connections[0].connection["options"]["disable_signup"] = json!(false);
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(
        change.address,
        Address::new(Kind::Connection, "reporting-dashboard-users")
    );
    assert_eq!(paths, ["options.disable_signup"]);
    assert_eq!(change.fields[0].before, json!(false));
    assert_eq!(change.fields[0].after, json!(true));
}

#[test]
fn drift_the_flag_flipped() {
    let mut raw = raw();
    raw.tenant_settings.as_mut().unwrap()["flags"]["enable_client_connections"] = json!(true);
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(change.address.kind, Kind::TenantSettings);
    assert_eq!(paths, ["flags.enable_client_connections"]);
}

#[test]
fn absent_flag_means_auth0_default_on() {
    let mut raw = raw();
    raw.tenant_settings.as_mut().unwrap()["flags"] = json!({"universal_login": true});
    let plan = plan_of(&desired(), &live_from(&raw));
    let (_, paths) = single_drift(&plan);
    assert_eq!(paths, ["flags.enable_client_connections"]);
}

#[test]
fn drift_action_code_edited() {
    let mut raw = raw();
    raw.actions[0]["code"] = json!("exports.onExecutePostLogin = async () => {};\n");
    raw.actions[0]["all_changes_deployed"] = json!(false);
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(
        change.address,
        Address::new(Kind::Action, "Post-Login Verification")
    );
    assert_eq!(paths, ["code"]);
    match change.desired.as_ref().unwrap() {
        Desired::Action { code, .. } => assert!(code.contains("onExecutePostLogin")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn drift_template_subject_changed() {
    let mut raw = raw();
    let template = find(&mut raw.email_templates, "template", "reset_email");
    template["subject"] = json!("Reset your password");
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(
        change.address,
        Address::new(Kind::EmailTemplate, "reset_email")
    );
    assert_eq!(paths, ["subject"]);
}

#[test]
fn drift_binding_removed() {
    let mut raw = raw();
    raw.bindings[0].1.clear();
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(change.address, Address::new(Kind::Bindings, "post-login"));
    assert_eq!(paths, ["actions"]);
    assert_eq!(change.fields[0].before, json!([]));
    assert_eq!(change.fields[0].after, json!(["Post-Login Verification"]));
}

#[test]
fn bindings_are_ordered() {
    let mut raw = raw();
    raw.bindings[0]
        .1
        .insert(0, json!({"action": {"name": "Other"}}));
    let plan = plan_of(&desired(), &live_from(&raw));
    let (_, paths) = single_drift(&plan);
    assert_eq!(paths, ["actions"]);
}

#[test]
fn app_metadata_keys_are_updated_never_deleted() {
    let mut raw = raw();
    raw.users[0]["app_metadata"] = json!({"roles": ["viewer"], "extra": 1});
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(
        change.address,
        Address::new(Kind::User, "admin@acme.example")
    );
    assert_eq!(paths, ["app_metadata.roles", "app_metadata.invited"]);
    match change.desired.as_ref().unwrap() {
        Desired::User { app_metadata, .. } => {
            assert_eq!(
                Value::Object(app_metadata.clone()),
                json!({"roles": ["admin"], "invited": true})
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Auth0 keeps a database user's email in lower case: the file's capitals are the same user,
/// read and matched as stored, and the address keeps the file's spelling.
#[test]
fn a_user_email_with_capitals_is_the_lower_cased_live_user() {
    let mut file = desired();
    file.users[0].email = "Admin@Acme.example".into();
    assert_eq!(
        ReadSet::for_tenant(&file).user_emails,
        ["admin@acme.example"]
    );
    let plan = plan_of(&file, &live());
    assert!(
        !plan.has_changes(),
        "{:#?}",
        plan.pending().collect::<Vec<_>>()
    );
    let user = change(&plan, Kind::User, "Admin@Acme.example");
    assert_eq!(user.action, ChangeAction::NoOp);
}

#[test]
fn enablement_changes_only_for_declared_applications() {
    let mut raw = raw();
    // Disabled for the M2M app; `legacy-client-id` (not in the file) stays enabled untouched.
    raw.connections[0].clients = Some(
        json!({"clients": [{"client_id": "dashboard-client-id"}, {"client_id": "legacy-client-id"}]}),
    );
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(paths, ["enabled_applications"]);
    assert_eq!(change.fields[0].before, json!(["Acme Reporting Dashboard"]));
    match change.desired.as_ref().unwrap() {
        Desired::Connection {
            enabled_clients: Some(list),
            ..
        } => {
            // The dashboard is enabled already: only the M2M app's enablement changes.
            assert_eq!(list.len(), 1, "only the enablement that changes: {list:?}");
            assert!(list[0].enabled);
            assert_ne!(list[0].application, "Acme Reporting Dashboard");
            assert_eq!(change.enablement_changes(), list.as_slice());
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn set_like_lists_ignore_order_but_callbacks_do_not() {
    let mut raw = raw();
    let app = find(&mut raw.clients, "client_id", "dashboard-client-id");
    app["callbacks"].as_array_mut().unwrap().reverse();
    let plan = plan_of(&desired(), &live_from(&raw));
    let (_, paths) = single_drift(&plan);
    assert_eq!(
        paths,
        ["callbacks"],
        "grant_types were also reordered, but are a set"
    );
}

#[test]
fn an_empty_tenant_creates_everything_in_apply_order() {
    let plan = plan_of(&desired(), &LiveTenant::default());
    let kinds: Vec<Kind> = plan.pending().map(|c| c.address.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(
        kinds, sorted,
        "applications, grants, connections, ..., users"
    );
    assert!(plan.changes.iter().all(|c| c.action != ChangeAction::NoOp
        || c.address.kind == Kind::TenantSettings
        || c.address.kind == Kind::Bindings));
    let provider = change(&plan, Kind::EmailProvider, "provider");
    assert_eq!(provider.action, ChangeAction::Create);
    let secret = provider
        .fields
        .iter()
        .find(|f| f.path == "credentials.api_key")
        .unwrap();
    assert!(secret.write_only);
    assert_eq!(secret.after, json!("${MAILGUN_API_KEY}"));
    let user = change(&plan, Kind::User, "admin@acme.example");
    assert_eq!(user.action, ChangeAction::Create);
    assert_eq!(
        plan.summary().to_string(),
        "Plan: 10 to create, 2 to update, 0 to delete."
    );
}

#[test]
fn force_secrets_re_sends_write_only_values() {
    let ctx = super::PlanContext {
        force_secrets: true,
        ..context()
    };
    let plan = plan_with(&desired(), &live(), &ctx);
    let (change, paths) = single_drift(&plan);
    assert_eq!(change.address.kind, Kind::EmailProvider);
    assert_eq!(paths, ["credentials.api_key"]);
    assert!(change.fields[0].write_only && change.fields[0].before.is_null());
    assert!(
        plan.notes
            .iter()
            .all(|n| n.address.kind != Kind::EmailProvider)
    );
}

#[test]
fn undeployed_action_is_deployed() {
    let mut raw = raw();
    raw.actions[0]["all_changes_deployed"] = json!(false);
    let plan = plan_of(&desired(), &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(paths, ["deployed"]);
    assert!(change.reason.contains("not deployed"));
}

#[test]
fn action_secret_values_are_write_only() {
    let mut file = desired();
    let action = file.actions.get_mut("post-login-verification").unwrap();
    action.secrets.insert(
        "API_TOKEN".into(),
        crate::model::SecretRef::reference("API_TOKEN"),
    );
    let mut raw = raw();
    raw.actions[0]["secrets"] =
        json!([{"name": "API_TOKEN", "updated_at": "2026-01-01T00:00:00Z"}]);
    let plan = plan_of(&file, &live_from(&raw));
    assert!(!plan.has_changes());
    assert!(plan.notes.iter().any(
        |n| n.path.as_deref() == Some("secrets.API_TOKEN") && n.message.contains("write-only")
    ));
    // A missing secret name is a change that sends the secrets.
    raw.actions[0]["secrets"] = json!([]);
    let plan = plan_of(&file, &live_from(&raw));
    let (change, paths) = single_drift(&plan);
    assert_eq!(paths, ["secret_names", "secrets.API_TOKEN"]);
    assert!(matches!(
        change.desired,
        Some(Desired::Action {
            send_secrets: true,
            ..
        })
    ));
}

#[test]
fn tenantforms_secrets_digest_is_not_one_of_the_actions_secrets() {
    let mut file = desired();
    let action = file.actions.get_mut("post-login-verification").unwrap();
    action.secrets.insert(
        "API_TOKEN".into(),
        crate::model::SecretRef::reference("API_TOKEN"),
    );
    let mut raw = raw();
    raw.actions[0]["secrets"] = json!([
        {"name": "API_TOKEN", "updated_at": "2026-01-01T00:00:00Z"},
        {"name": "TENANTFORM_SECRETS_0123456789abcdef0123456789abcdef", "updated_at": "2026-01-01T00:00:00Z"},
    ]);
    let plan = plan_of(&file, &live_from(&raw));
    assert!(
        !plan.has_changes(),
        "{:#?}",
        plan.pending().collect::<Vec<_>>()
    );
}

#[test]
fn a_rename_is_a_destructive_replace() {
    let mut file = desired();
    let connection = file
        .connections
        .shift_remove("reporting-dashboard-users")
        .unwrap();
    let mut renamed = connection.clone();
    renamed.renamed_from = Some("reporting-dashboard-users".into());
    file.connections.insert("dashboard-users".into(), renamed);
    for user in &mut file.users {
        user.connection = "dashboard-users".into();
    }
    let plan = plan_of(&file, &live());
    let change = change(&plan, Kind::Connection, "dashboard-users");
    assert_eq!(change.action, ChangeAction::Replace);
    assert!(change.destructive);
    assert_eq!(change.live_id.as_deref(), Some("con_dashboard"));
    assert_eq!(change.fields[0].path, "name");
    assert!(change.reason.contains("ALL its users"));
    assert_eq!(
        plan.summary().to_string(),
        "Plan: 1 to create, 0 to update, 1 to delete."
    );
}

#[test]
fn a_rename_whose_new_name_exists_is_not_a_replace() {
    let mut file = desired();
    file.connections
        .get_mut("reporting-dashboard-users")
        .unwrap()
        .renamed_from = Some("old-users".into());
    let mut raw = raw();
    let mut old = raw.connections[0].clone();
    old.connection["id"] = json!("con_old");
    old.connection["name"] = json!("old-users");
    raw.connections.push(old);
    let plan = plan_of(&file, &live_from(&raw));
    assert!(!plan.has_changes());
    assert!(plan.notes.iter().any(|n| n.message.contains("old-users")));
}

#[test]
fn deletes_need_removed_and_allow_delete() {
    let mut file = desired();
    file.removed = Removed {
        applications: vec!["Legacy Reports".into()],
        ..Removed::default()
    };
    let without = plan_of(&file, &live());
    assert!(!without.has_changes());
    assert!(
        without
            .notes
            .iter()
            .any(|n| n.message.contains("--allow-delete"))
    );

    let ctx = super::PlanContext {
        allow_delete: true,
        ..context()
    };
    let with = plan_with(&file, &live(), &ctx);
    let (change, _) = single_drift(&with);
    assert_eq!(change.action, ChangeAction::Delete);
    assert_eq!(change.live_id.as_deref(), Some("legacy-client-id"));
    assert_eq!(
        with.summary().to_string(),
        "Plan: 0 to create, 0 to update, 1 to delete."
    );

    // Merely absent from the file is never a delete.
    let plain = plan_with(&desired(), &live(), &ctx);
    assert!(!plain.has_changes());
}

#[test]
fn the_tools_own_client_and_the_global_client_are_refused() {
    let mut file = desired();
    file.removed.applications = vec!["tenantform".into(), "All Applications".into()];
    file.removed.grants = vec![crate::model::removed::RemovedGrant {
        application: "tenantform".into(),
        audience: "management-api".into(),
    }];
    let ctx = super::PlanContext {
        allow_delete: true,
        ..context()
    };
    let plan = plan_with(&file, &live(), &ctx);
    assert!(plan.is_refused());
    assert_eq!(plan.errors.len(), 3, "{:#?}", plan.errors);
    assert!(plan.pending().all(|c| c.action != ChangeAction::Delete));
    assert!(
        plan.errors
            .iter()
            .any(|e| e.message.contains("signs in with"))
    );
    assert!(
        plan.errors
            .iter()
            .any(|e| e.message.contains("global client"))
    );
}

#[test]
fn declaring_the_own_client_is_refused() {
    let mut file = desired();
    file.applications.get_mut("dashboard-admin").unwrap().name = Some("tenantform".into());
    let mut live = live();
    live.applications.retain(|a| a.client_id != "m2m-client-id");
    let plan = plan_of(&file, &live);
    assert!(plan.is_refused());
    assert_eq!(
        plan.errors[0].address,
        Address::new(Kind::Application, "tenantform")
    );
    assert!(
        plan.pending()
            .all(|c| c.live_id.as_deref() != Some(OWN_CLIENT_ID))
    );
}

#[test]
fn system_grants_are_never_changed() {
    let mut file = desired();
    file.applications.insert(
        "system".into(),
        crate::model::Application {
            name: Some("System".into()),
            ..Default::default()
        },
    );
    file.grants.push(crate::model::ClientGrant {
        application: "system".into(),
        audience: "management-api".into(),
        scopes: vec!["read:users".into()],
    });
    let mut raw = raw();
    raw.clients
        .push(json!({"name": "System", "client_id": "system-client-id"}));
    let plan = plan_of(&file, &live_from(&raw));
    assert!(plan.is_refused());
    assert!(plan.errors[0].message.contains("is_system"));
}

#[test]
fn unmanaged_resources_only_on_request() {
    let ctx = super::PlanContext {
        show_unmanaged: true,
        ..context()
    };
    let plan = plan_with(&desired(), &live(), &ctx);
    let names: Vec<String> = plan.unmanaged.iter().map(ToString::to_string).collect();
    assert!(
        names.contains(&"application[\"All Applications\"]".to_owned()),
        "{names:?}"
    );
    assert!(names.contains(&"application[\"tenantform\"]".to_owned()));
    assert!(names.contains(&"application[\"Legacy Reports\"]".to_owned()));
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("grant[\"tenantform -> "))
    );
    assert!(!plan.has_changes());
}

#[test]
fn fingerprint_follows_managed_state_only() {
    let base = plan_of(&desired(), &live());
    assert!(base.live_fingerprint.starts_with("sha256:"));
    assert_eq!(
        base.live_fingerprint,
        plan_of(&desired(), &live()).live_fingerprint
    );

    let mut raw = raw();
    find(&mut raw.clients, "client_id", "legacy-client-id")["callbacks"] = json!(["https://x"]);
    assert_eq!(
        base.live_fingerprint,
        plan_of(&desired(), &live_from(&raw)).live_fingerprint,
        "unmanaged edits do not count"
    );

    raw.tenant_settings.as_mut().unwrap()["support_url"] = json!("https://help.acme.example");
    assert_ne!(
        base.live_fingerprint,
        plan_of(&desired(), &live_from(&raw)).live_fingerprint
    );

    // Apply can recompute it from the saved plan alone.
    let recomputed = super::live_fingerprint(&live(), &base.read_set, &base.origin);
    assert_eq!(recomputed, base.live_fingerprint);
}

#[test]
fn a_saved_plan_reads_back_identically() {
    let plan = plan_with(&desired(), &LiveTenant::default(), &context());
    let text = super::view::json(&plan);
    let back: Plan = serde_json::from_str(&text).unwrap();
    assert_eq!(back, plan);
    assert_eq!(back.format_version, 3);
}
