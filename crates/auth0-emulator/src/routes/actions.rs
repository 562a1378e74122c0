//! `/api/v2/actions`: actions whose status moves one step per read, deploys that create
//! versions, secrets whose values are never returned, triggers and ordered bindings.

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::{Call, Outcome, Reply, field_is, str_field};
use crate::errors::ApiError;
use crate::store::{Obj, Store, StoredAction, StoredBinding, into_obj, now, uuid};

fn not_found() -> ApiError {
    ApiError::not_found("That action does not exist.", None)
}

const TRIGGERS: &[(&str, &str, &str)] = &[
    ("post-login", "v3", "CURRENT"),
    ("post-login", "v2", "DEPRECATED"),
    ("credentials-exchange", "v2", "CURRENT"),
    ("pre-user-registration", "v2", "CURRENT"),
    ("post-user-registration", "v2", "CURRENT"),
    ("post-change-password", "v2", "CURRENT"),
    ("send-phone-message", "v2", "CURRENT"),
    ("password-reset-post-challenge", "v1", "CURRENT"),
];

pub fn triggers() -> Reply {
    let triggers: Vec<Value> = TRIGGERS
        .iter()
        .map(|(id, version, status)| {
            json!({
                "id": id, "version": version, "status": status,
                "runtimes": ["node18-actions", "node22"], "default_runtime": "node22",
                "compatible_triggers": []
            })
        })
        .collect();
    Reply::ok(json!({"triggers": triggers}))
}

fn page_params(call: &Call, default_per_page: usize) -> Result<(usize, usize), ApiError> {
    Ok((
        call.params.number("page", None)?.unwrap_or(0),
        call.params
            .number("per_page", Some(100))?
            .unwrap_or(default_per_page),
    ))
}

/// Secrets as returned: names and dates, never values.
fn secrets_view(values: &IndexMap<String, String>, updated_at: &str) -> Value {
    Value::Array(
        values
            .keys()
            .map(|name| json!({"name": name, "updated_at": updated_at}))
            .collect(),
    )
}

pub fn list(store: &mut Store, call: &Call) -> Outcome {
    store.settle_builds();
    let (page, per_page) = page_params(call, 50)?;
    let name = call.params.get("actionName");
    let trigger = call.params.get("triggerId");
    let matching: Vec<Value> = store
        .actions
        .values()
        .filter(|a| field_is(&a.body, "name", name))
        .filter(|a| trigger.is_none_or(|want| supports(a, want)))
        .map(|a| Value::Object(a.body.clone()))
        .collect();
    let total = matching.len();
    let actions: Vec<Value> = matching
        .into_iter()
        .skip(page * per_page)
        .take(per_page)
        .collect();
    Ok(Reply::ok(
        json!({"actions": actions, "total": total, "page": page, "per_page": per_page}),
    ))
}

/// Whether `action` lists `trigger` among its `supported_triggers`.
fn supports(action: &StoredAction, trigger: &str) -> bool {
    action
        .body
        .get("supported_triggers")
        .and_then(Value::as_array)
        .is_some_and(|ts| {
            ts.iter()
                .any(|t| t.get("id").and_then(Value::as_str) == Some(trigger))
        })
}

pub fn get(store: &mut Store, id: &str) -> Outcome {
    store.settle_builds();
    let action = store.actions.get(id).ok_or_else(not_found)?;
    Ok(Reply::ok(Value::Object(action.body.clone())))
}

fn apply_secrets(action: &mut StoredAction, secrets: &Value, stamp: &str) {
    let mut values = IndexMap::new();
    for secret in secrets.as_array().into_iter().flatten() {
        let Some(name) = secret.get("name").and_then(Value::as_str) else {
            continue;
        };
        let value = secret
            .get("value")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| action.secret_values.get(name).cloned())
            .unwrap_or_default();
        values.insert(name.to_owned(), value);
    }
    // Existing names keep their place, new ones follow.
    let mut ordered: IndexMap<String, String> = action
        .secret_values
        .keys()
        .filter_map(|name| values.get(name).map(|v| (name.clone(), v.clone())))
        .collect();
    for (name, value) in values {
        ordered.entry(name).or_insert(value);
    }
    action.secret_values = ordered;
    action
        .body
        .insert("secrets".into(), secrets_view(&action.secret_values, stamp));
}

pub fn create(store: &mut Store, call: &Call) -> Outcome {
    let body = call.object()?;
    let name = str_field(body, "name").unwrap_or_default().to_owned();
    if store.action_by_name(&name).is_some() {
        return Err(ApiError::conflict(
            format!("An action with the name '{name}' already exists."),
            None,
        ));
    }
    let id = uuid();
    let stamp = now();
    let mut action = StoredAction {
        body: into_obj(json!({
            "id": id,
            "name": name,
            "supported_triggers": body.get("supported_triggers").cloned().unwrap_or(json!([])),
            "created_at": stamp,
            "updated_at": stamp,
            "code": body.get("code").cloned().unwrap_or(json!("")),
            "dependencies": body.get("dependencies").cloned().unwrap_or(json!([])),
            "runtime": body.get("runtime").cloned().unwrap_or(json!(auth0_wire::action::DEFAULT_RUNTIME)),
            "status": "pending",
            "secrets": [],
            "all_changes_deployed": false,
        })),
        secret_values: IndexMap::new(),
        build: None,
        versions: Vec::new(),
    };
    if let Some(secrets) = body.get("secrets") {
        apply_secrets(&mut action, secrets, &stamp);
    }
    action.start_build(store.now_ms());
    let response = Value::Object(action.body.clone());
    store.actions.insert(id, action);
    Ok(Reply::created(response))
}

pub fn update(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let body = call.object()?;
    if let Some(name) = str_field(body, "name")
        && store
            .action_by_name(name)
            .is_some_and(|other| str_field(&other.body, "id") != Some(id))
    {
        return Err(ApiError::conflict(
            format!("An action with the name '{name}' already exists."),
            None,
        ));
    }
    let now_ms = store.now_ms();
    let action = store.actions.get_mut(id).ok_or_else(not_found)?;
    let stamp = now();
    let mut rebuild = false;
    for (key, value) in body {
        match key.as_str() {
            "secrets" => {
                apply_secrets(action, value, &stamp);
                rebuild = true;
            }
            "code" | "dependencies" | "runtime" => {
                action.body.insert(key.clone(), value.clone());
                rebuild = true;
            }
            "name" | "supported_triggers" => {
                action.body.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    action.body.insert("updated_at".into(), json!(stamp));
    action
        .body
        .insert("all_changes_deployed".into(), json!(false));
    if rebuild {
        action.start_build(now_ms);
    }
    Ok(Reply::ok(Value::Object(action.body.clone())))
}

/// "An action must be unbound from all triggers before it can be deleted" (the spec), unless
/// `force=true` detaches its bindings (what the Deploy CLI sends). The 400 is the spec's; the
/// wording is ours.
pub fn delete(store: &mut Store, call: &Call, id: &str) -> Outcome {
    let force = call.params.flag("force")?.unwrap_or(false);
    let action = store.actions.get(id).ok_or_else(not_found)?;
    let bound: Vec<&str> = store
        .bindings
        .iter()
        .filter(|(_, bindings)| bindings.iter().any(|b| b.action_id == id))
        .map(|(trigger, _)| trigger.as_str())
        .collect();
    if !force && let Some(trigger) = bound.first() {
        let name = action
            .body
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(id);
        return Err(ApiError::new(
            400,
            format!(
                "Action '{name}' is bound to the {trigger} trigger: remove it from the trigger's bindings, or delete it with force=true."
            ),
            None,
        ));
    }
    store.actions.shift_remove(id);
    for bindings in store.bindings.values_mut() {
        bindings.retain(|b| b.action_id != id);
    }
    Ok(Reply::no_content())
}

pub fn deploy(store: &mut Store, id: &str) -> Outcome {
    store.settle_builds();
    let action = store.actions.get_mut(id).ok_or_else(not_found)?;
    if action.status() != "built" {
        // Auth0's text: clients (the Deploy CLI among them) match it and retry the deploy.
        return Err(ApiError::bad_request(
            "A draft must be in the 'built' state before it can be deployed.",
        ));
    }
    let stamp = now();
    let field = |key: &str| action.body.get(key).cloned().unwrap_or(Value::Null);
    let number = action.versions.len() + 1;
    let version_id = uuid();
    let response = json!({
        "code": field("code"),
        "dependencies": field("dependencies"),
        "id": version_id,
        "deployed": false,
        "number": number,
        "secrets": field("secrets"),
        "status": "built",
        "created_at": stamp,
        "updated_at": stamp,
        "runtime": field("runtime"),
        "supported_triggers": field("supported_triggers"),
        "action": {
            "id": field("id"), "name": field("name"), "supported_triggers": field("supported_triggers"),
            "created_at": field("created_at"), "updated_at": field("updated_at"), "all_changes_deployed": false
        },
    });
    let mut deployed = into_obj(response.clone());
    deployed.remove("action");
    deployed.insert("deployed".into(), json!(true));
    deployed.insert("built_at".into(), json!(stamp));
    for version in &mut action.versions {
        version.insert("deployed".into(), json!(false));
    }
    action.versions.push(deployed.clone());
    action.body.insert(
        "current_version".into(),
        json!({
            "id": version_id, "code": field("code"), "runtime": field("runtime"), "status": "BUILT",
            "number": number, "build_time": stamp, "created_at": stamp, "updated_at": stamp
        }),
    );
    action
        .body
        .insert("deployed_version".into(), Value::Object(deployed));
    action
        .body
        .insert("all_changes_deployed".into(), json!(true));
    Ok(Reply::ok(response))
}

pub fn versions(store: &Store, call: &Call, id: &str) -> Outcome {
    let action = store.actions.get(id).ok_or_else(not_found)?;
    let (page, per_page) = page_params(call, 50)?;
    let versions: Vec<Value> = action
        .versions
        .iter()
        .rev()
        .skip(page * per_page)
        .take(per_page)
        .cloned()
        .map(Value::Object)
        .collect();
    Ok(Reply::ok(
        json!({"versions": versions, "total": action.versions.len(), "page": page, "per_page": per_page}),
    ))
}

pub fn version(store: &Store, id: &str, version_id: &str) -> Outcome {
    let action = store.actions.get(id).ok_or_else(not_found)?;
    let version = action
        .versions
        .iter()
        .find(|v| str_field(v, "id") == Some(version_id))
        .ok_or_else(|| ApiError::not_found("That action version does not exist.", None))?;
    Ok(Reply::ok(Value::Object(version.clone())))
}

/// `triggerId` is an enum in the spec, whose bindings operations answer 400 "Invalid request
/// URI" (never 404) for a value outside it.
fn check_trigger(trigger: &str) -> Result<(), ApiError> {
    if TRIGGERS.iter().any(|(id, _, _)| *id == trigger) {
        Ok(())
    } else {
        Err(ApiError::invalid_uri(format!(
            "Trigger '{trigger}' does not exist."
        )))
    }
}

/// The action as a binding shows it (no code, no secrets).
fn action_summary(action: &StoredAction) -> Value {
    let mut summary = Obj::new();
    for key in [
        "id",
        "name",
        "supported_triggers",
        "created_at",
        "updated_at",
        "current_version",
        "deployed_version",
        "all_changes_deployed",
    ] {
        if let Some(value) = action.body.get(key) {
            summary.insert(key.into(), value.clone());
        }
    }
    Value::Object(summary)
}

fn render_binding(store: &Store, trigger: &str, binding: &StoredBinding) -> Value {
    json!({
        "id": binding.id,
        "trigger_id": trigger,
        "action": store.actions.get(&binding.action_id).map_or(Value::Null, action_summary),
        "created_at": binding.created_at,
        "updated_at": binding.updated_at,
        "display_name": binding.display_name,
    })
}

pub fn bindings(store: &Store, call: &Call, trigger: &str) -> Outcome {
    check_trigger(trigger)?;
    let (page, per_page) = page_params(call, 20)?;
    let all = store
        .bindings
        .get(trigger)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let items: Vec<Value> = all
        .iter()
        .skip(page * per_page)
        .take(per_page)
        .map(|b| render_binding(store, trigger, b))
        .collect();
    // As recorded: page 0 reports the total, later pages report their number instead.
    Ok(Reply::ok(if page == 0 {
        json!({"bindings": items, "total": all.len(), "per_page": per_page})
    } else {
        json!({"bindings": items, "page": page, "per_page": per_page})
    }))
}

pub fn update_bindings(store: &mut Store, call: &Call, trigger: &str) -> Outcome {
    check_trigger(trigger)?;
    let body = call.object()?;
    let mut resolved = Vec::new();
    for binding in body
        .get("bindings")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let reference = binding.get("ref").cloned().unwrap_or(Value::Null);
        let kind = reference
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let value = reference
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let action = match kind {
            "action_name" => store.action_by_name(value),
            "action_id" => store.actions.get(value),
            _ => {
                return Err(ApiError::bad_request(format!(
                    "Invalid binding reference type '{kind}'."
                )));
            }
        }
        .ok_or_else(|| ApiError::not_found(format!("Action '{value}' does not exist."), None))?;
        if !supports(action, trigger) {
            return Err(ApiError::bad_request(format!(
                "Action '{value}' does not support the trigger '{trigger}'."
            )));
        }
        if !action.body.contains_key("deployed_version") {
            return Err(ApiError::bad_request(format!(
                "Action '{value}' has not been deployed. Deploy it before binding it to a trigger."
            )));
        }
        let stamp = now();
        let display_name = binding
            .get("display_name")
            .and_then(Value::as_str)
            .or_else(|| str_field(&action.body, "name"))
            .unwrap_or_default();
        resolved.push(StoredBinding {
            id: uuid(),
            action_id: str_field(&action.body, "id").unwrap_or_default().to_owned(),
            display_name: display_name.to_owned(),
            created_at: stamp.clone(),
            updated_at: stamp,
        });
    }
    store.bindings.insert(trigger.to_owned(), resolved);
    let rendered: Vec<Value> = store.bindings[trigger]
        .iter()
        .map(|b| render_binding(store, trigger, b))
        .collect();
    Ok(Reply::ok(json!({"bindings": rendered})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::Params;
    use crate::store::Build;

    #[test]
    fn a_client_that_only_retries_the_deploy_succeeds_once_the_build_time_passed() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        store.clock.action_build_ms = 300;
        let body = json!({"name": "a", "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": "x"});
        let created = create(&mut store, &Call::test("POST", &body))
            .unwrap()
            .body
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        let mut attempts = 0;
        while deploy(&mut store, &id).is_err() {
            attempts += 1;
            store.clock.offset_ms += 100;
            assert!(attempts < 10, "the build never finished");
        }
        assert_eq!(attempts, 3, "built after 300 ms of the tenant's clock");
    }

    #[test]
    fn build_phases_follow_the_clock() {
        let ok = Build {
            started_ms: 0,
            fails: false,
        };
        let phases: Vec<&str> = [0, 74, 75, 299, 300, 5000]
            .iter()
            .map(|&t| ok.status(t, 300))
            .collect();
        assert_eq!(
            phases,
            [
                "pending", "pending", "building", "building", "built", "built"
            ]
        );
        let failing = Build {
            started_ms: 0,
            fails: true,
        };
        let phases: Vec<&str> = [0, 100, 250, 300]
            .iter()
            .map(|&t| failing.status(t, 300))
            .collect();
        assert_eq!(phases, ["pending", "building", "retrying", "failed"]);
        assert_eq!(ok.status(0, 0), "built", "a zero build time is instant");
    }

    #[test]
    fn lifecycle_build_deploy_bind() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "a", "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": "x", "secrets": [{"name": "K", "value": "V"}]});
        let created = create(&mut store, &Call::test("POST", &body))
            .unwrap()
            .body
            .unwrap();
        assert_eq!(created["status"], "pending");
        assert_eq!(created["secrets"][0]["name"], "K");
        assert!(created["secrets"][0].get("value").is_none());
        let id = created["id"].as_str().unwrap().to_owned();
        let early = deploy(&mut store, &id).unwrap_err();
        assert_eq!(early.status, 400);
        assert_eq!(
            early.message,
            "A draft must be in the 'built' state before it can be deployed."
        );
        // Reads do not move the build on: only time does.
        for _ in 0..5 {
            assert_eq!(
                get(&mut store, &id).unwrap().body.unwrap()["status"],
                "pending"
            );
        }
        store.clock.offset_ms += 100;
        assert_eq!(
            get(&mut store, &id).unwrap().body.unwrap()["status"],
            "building"
        );
        store.clock.offset_ms += 250;
        let version = deploy(&mut store, &id).unwrap().body.unwrap();
        assert_eq!(version["number"], 1);
        assert_eq!(
            get(&mut store, &id).unwrap().body.unwrap()["all_changes_deployed"],
            true
        );

        let bind = json!({"bindings": [{"ref": {"type": "action_name", "value": "a"}, "display_name": "A"}]});
        let bound = update_bindings(&mut store, &Call::test("PATCH", &bind), "post-login")
            .unwrap()
            .body
            .unwrap();
        assert_eq!(bound["bindings"][0]["action"]["id"], json!(id));
        let read = Call::test("GET", &Value::Null);
        assert_eq!(
            bindings(&store, &read, "post-login").unwrap().body.unwrap()["total"],
            1
        );

        // Bound: refused, and still bound, until it is unbound or the delete is forced.
        let refused = delete(&mut store, &read, &id).unwrap_err();
        assert_eq!((refused.status, refused.error_code), (400, None));
        assert_eq!(
            refused.message,
            "Action 'a' is bound to the post-login trigger: remove it from the trigger's bindings, or delete it with force=true."
        );
        assert_eq!(
            bindings(&store, &read, "post-login").unwrap().body.unwrap()["total"],
            1
        );
        let params = Params::parse(Some("force=true"));
        let forced = Call::test("DELETE", &Value::Null).with_params(&params);
        assert_eq!(delete(&mut store, &forced, &id).unwrap().status, 204);
        assert_eq!(
            bindings(&store, &read, "post-login").unwrap().body.unwrap()["total"],
            0
        );
        assert_eq!(delete(&mut store, &read, &id).unwrap_err().status, 404);
    }

    #[test]
    fn an_unbound_action_is_deleted_without_force() {
        let mut store = Store::fresh("http://h", "m2m", "s");
        let body = json!({"name": "u", "supported_triggers": [{"id": "post-login", "version": "v3"}], "code": "exports.onExecutePostLogin = async () => {};"});
        let created = create(&mut store, &Call::test("POST", &body))
            .unwrap()
            .body
            .unwrap();
        let id = created["id"].as_str().unwrap();
        let call = Call::test("DELETE", &Value::Null);
        assert_eq!(delete(&mut store, &call, id).unwrap().status, 204);
        assert_eq!(get(&mut store, id).unwrap_err().status, 404);
    }
}
