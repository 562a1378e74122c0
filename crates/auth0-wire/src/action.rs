//! Actions (`/actions/actions`) and trigger bindings (`/actions/triggers/{id}/bindings`).

use serde::{Deserialize, Serialize};

use crate::lenient::wire_struct;
use crate::secrets::Secret;

/// The runtime Auth0 gives an Action created without one (the spec's default).
pub const DEFAULT_RUNTIME: &str = "node22";

wire_struct! {
    /// An Action (its current draft) as the Management API sends it, and as `POST`/`PATCH` take it.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Action {
        pub id: Option<String>,
        pub name: Option<String>,
        pub supported_triggers: Option<Vec<TriggerRef>>,
        pub code: Option<String>,
        pub runtime: Option<String>,
        pub dependencies: Option<Vec<Dependency>>,
        /// Sent with values; returned with names only.
        #[strict]
        pub secrets: Option<Vec<ActionSecret>>,
        /// `pending`, `building`, `built`, `retrying`, `failed`.
        pub status: Option<String>,
        /// Whether the draft is deployed.
        pub all_changes_deployed: Option<bool>,
    }
}

impl Action {
    /// The id of the first supported trigger, e.g. `post-login` (kept as text: a tenant may
    /// have Actions for triggers tenantform does not know).
    pub fn trigger_id(&self) -> Option<&str> {
        self.supported_triggers
            .as_ref()?
            .first()
            .map(|trigger| trigger.id.as_str())
    }
}

/// `supported_triggers[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
}

impl From<Trigger> for TriggerRef {
    fn from(trigger: Trigger) -> Self {
        Self {
            id: trigger.as_str().to_owned(),
            version: trigger.version().to_owned(),
        }
    }
}

/// `dependencies[]` (Auth0 adds `registry_url` while building; not read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub name: String,
    pub version: String,
}

/// `secrets[]`: a value is sent, never returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionSecret {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Secret>,
}

wire_struct! {
    /// One binding of `GET /actions/triggers/{id}/bindings`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Binding {
        pub action: Option<BoundAction>,
    }
}

wire_struct! {
    /// `bindings[].action`, reduced to its name.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BoundAction {
        pub name: Option<String>,
    }
}

/// Action triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// After a successful login, before tokens are issued: the invite-only gate.
    PostLogin,
    CredentialsExchange,
    PreUserRegistration,
    PostUserRegistration,
    PostChangePassword,
    SendPhoneMessage,
    PasswordResetPostChallenge,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::PostLogin => "post-login",
            Trigger::CredentialsExchange => "credentials-exchange",
            Trigger::PreUserRegistration => "pre-user-registration",
            Trigger::PostUserRegistration => "post-user-registration",
            Trigger::PostChangePassword => "post-change-password",
            Trigger::SendPhoneMessage => "send-phone-message",
            Trigger::PasswordResetPostChallenge => "password-reset-post-challenge",
        }
    }

    /// The trigger version Actions are created for.
    pub fn version(self) -> &'static str {
        match self {
            Trigger::PostLogin => "v3",
            Trigger::PasswordResetPostChallenge => "v1",
            _ => "v2",
        }
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_returned_action_has_secret_names_only() {
        let action: Action = serde_json::from_value(json!({
            "id": "a1", "name": "gate", "supported_triggers": [{"id": "post-login", "version": "v3"}],
            "secrets": [{"name": "API_TOKEN", "updated_at": "2026-01-01T00:00:00Z"}],
            "dependencies": [{"name": "lodash", "version": "4.0.0", "registry_url": "https://r"}],
        }))
        .unwrap();
        assert_eq!(action.trigger_id(), Some("post-login"));
        assert_eq!(action.secrets.unwrap()[0].value, None);
        assert_eq!(action.dependencies.unwrap()[0].name, "lodash");
    }

    #[test]
    fn a_trigger_is_sent_with_its_version() {
        assert_eq!(
            serde_json::to_value(TriggerRef::from(Trigger::PostLogin)).unwrap(),
            json!({"id": "post-login", "version": "v3"})
        );
    }
}
