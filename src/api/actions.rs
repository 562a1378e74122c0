//! Actions (`/actions/actions`) and trigger bindings (`/actions/triggers/{trigger}/bindings`).

use serde_json::{Value, json};

use super::client::ManagementClient;
use super::error::ApiError;
use super::pagination::Totals;

/// Filters of the action list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    pub action_name: Option<String>,
    /// e.g. `post-login`.
    pub trigger_id: Option<String>,
}

/// One entry of a trigger's ordered binding list, referring to an action by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingRef {
    pub action_name: String,
    pub display_name: String,
}

impl ManagementClient {
    pub async fn list_actions(&self, filter: &ActionFilter) -> Result<Vec<Value>, ApiError> {
        let mut query = Vec::new();
        if let Some(name) = &filter.action_name {
            query.push(("actionName", name.clone()));
        }
        if let Some(trigger) = &filter.trigger_id {
            query.push(("triggerId", trigger.clone()));
        }
        self.list_offset(&["actions", "actions"], "actions", &query, Totals::Implicit)
            .await
    }

    pub async fn get_action(&self, action_id: &str) -> Result<Value, ApiError> {
        self.get(&["actions", "actions", action_id], &[]).await
    }

    pub async fn create_action(&self, body: &Value) -> Result<Value, ApiError> {
        self.post(&["actions", "actions"], body).await
    }

    /// Resets the action's status to `pending` while it builds again.
    pub async fn update_action(&self, action_id: &str, body: &Value) -> Result<Value, ApiError> {
        self.patch(&["actions", "actions", action_id], body).await
    }

    /// Deleting a missing action is a 404 (unlike connections and grants).
    pub async fn delete_action(&self, action_id: &str) -> Result<(), ApiError> {
        self.delete(&["actions", "actions", action_id])
            .await
            .map(drop)
    }

    /// Deploys the current draft (only once its status is `built`); returns the version.
    pub async fn deploy_action(&self, action_id: &str) -> Result<Value, ApiError> {
        self.post(&["actions", "actions", action_id, "deploy"], &json!({}))
            .await
    }

    /// The trigger's bindings, in execution order.
    pub async fn bindings(&self, trigger_id: &str) -> Result<Vec<Value>, ApiError> {
        self.list_offset(
            &["actions", "triggers", trigger_id, "bindings"],
            "bindings",
            &[],
            Totals::Implicit,
        )
        .await
    }

    /// Replaces the trigger's whole ordered binding list (an empty list clears it).
    pub async fn set_bindings(
        &self,
        trigger_id: &str,
        refs: &[BindingRef],
    ) -> Result<Value, ApiError> {
        let bindings: Vec<Value> = refs
            .iter()
            .map(|r| json!({"ref": {"type": "action_name", "value": r.action_name}, "display_name": r.display_name}))
            .collect();
        self.patch(
            &["actions", "triggers", trigger_id, "bindings"],
            &json!({ "bindings": bindings }),
        )
        .await
    }
}
