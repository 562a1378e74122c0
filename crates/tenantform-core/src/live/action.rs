//! Actions (`GET /actions/actions`) and bindings (`GET /actions/triggers/{id}/bindings`).

use auth0_wire::action::{Action, Binding};
use serde_json::Value;

use super::error::NormalizeError;
use super::json::{required, wire};
use super::snapshot::LiveAction;
use crate::model::Dependency;
use crate::model::secret::is_secrets_digest;

pub fn normalize_action(body: &Value) -> Result<LiveAction, NormalizeError> {
    const KIND: &str = "action";
    let action: Action = wire(body, KIND)?;
    Ok(LiveAction {
        trigger: action.trigger_id().unwrap_or_default().to_owned(),
        id: required(action.id, "id", KIND)?,
        name: required(action.name, "name", KIND)?,
        code: action.code.unwrap_or_default(),
        runtime: action.runtime.unwrap_or_default(),
        dependencies: action
            .dependencies
            .unwrap_or_default()
            .into_iter()
            .map(|dependency| Dependency {
                name: dependency.name,
                version: dependency.version,
            })
            .collect(),
        // Values are never returned. tenantform's digest of the values it deployed is not one
        // of the Action's secrets (`model::secret::SECRETS_DIGEST_PREFIX`).
        secret_names: action
            .secrets
            .unwrap_or_default()
            .into_iter()
            .map(|secret| secret.name)
            .filter(|name| !is_secrets_digest(name))
            .collect(),
        status: action.status.unwrap_or_default(),
        all_changes_deployed: action.all_changes_deployed.unwrap_or(false),
    })
}

/// The action names of one page of `GET /actions/triggers/{trigger}/bindings`, in order.
pub(crate) fn binding_action_names(bindings: &[Value]) -> Vec<String> {
    bindings
        .iter()
        .filter_map(|binding| serde_json::from_value::<Binding>(binding.clone()).ok())
        .filter_map(|binding| binding.action?.name)
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
