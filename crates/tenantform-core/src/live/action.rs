//! Actions (`GET /actions/actions`).

use serde_json::Value;

use super::error::NormalizeError;
use super::json::{bool_or, required_str, str_or};
use super::snapshot::LiveAction;
use crate::model::Dependency;

pub fn normalize_action(body: &Value) -> Result<LiveAction, NormalizeError> {
    let trigger = body
        .get("supported_triggers")
        .and_then(Value::as_array)
        .and_then(|triggers| triggers.first())
        .and_then(|trigger| trigger.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let dependencies = body
        .get("dependencies")
        .and_then(Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter_map(|dep| {
                    // `registry_url` is server-added while building: dropped.
                    Some(Dependency {
                        name: dep.get("name")?.as_str()?.to_owned(),
                        version: dep.get("version")?.as_str()?.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let secret_names = body
        .get("secrets")
        .and_then(Value::as_array)
        .map(|secrets| {
            secrets
                .iter()
                .filter_map(|s| s.get("name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(LiveAction {
        id: required_str(body, "id", "action")?,
        name: required_str(body, "name", "action")?,
        trigger,
        code: str_or(body, "code", ""),
        runtime: str_or(body, "runtime", ""),
        dependencies,
        secret_names,
        status: str_or(body, "status", ""),
        all_changes_deployed: bool_or(body, "all_changes_deployed", false),
    })
}

/// The action names of one page of `GET /actions/triggers/{trigger}/bindings`, in order.
pub(crate) fn binding_action_names(bindings: &[Value]) -> Vec<String> {
    bindings
        .iter()
        .filter_map(|binding| binding.get("action")?.get("name")?.as_str())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::recordings::response;

    #[test]
    fn action_keeps_code_and_secret_names_only() {
        let action = normalize_action(&response("TestActionManager_Bindings.yaml", 0)).unwrap();
        assert_eq!(action.trigger, "post-login");
        assert_eq!(
            action.code,
            "exports.onExecutePostLogin = async (event, api) => {}"
        );
        assert_eq!(action.runtime, "node16");
        assert_eq!(action.secret_names, ["mySecretName"]);
        assert_eq!(
            action.dependencies,
            [Dependency {
                name: "lodash".into(),
                version: "4.0.0".into()
            }]
        );
        assert_eq!(action.status, "pending");
        assert!(!action.all_changes_deployed);
    }

    #[test]
    fn deployed_action() {
        let action = normalize_action(&response("TestAccAction.yaml", 12)).unwrap();
        assert!(action.all_changes_deployed);
        assert_eq!(action.status, "built");
    }

    #[test]
    fn binding_names_in_order() {
        let page = response("TestActionManager_Bindings.yaml", 7);
        let names = binding_action_names(page["bindings"].as_array().unwrap());
        assert_eq!(names, ["Test Action (Jan 25 18:42:12.107)"]);
    }
}
