//! Actions and their trigger bindings.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::secret::SecretRef;

pub use auth0_wire::action::Trigger;

/// An Action. Its code lives in a file under `actions/`; tenantform builds and deploys it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The Action's name in Auth0 (identifies it in the live tenant). Defaults to the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// The trigger it runs on (default `post-login`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,

    /// Path of the JavaScript source, relative to the project root, e.g.
    /// `actions/post-login-verification.js`. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,

    /// Node.js runtime (default `node22`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,

    /// npm dependencies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,

    /// Secrets available as `event.secrets.NAME`; values must be `${VAR}` references.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub secrets: IndexMap<String, SecretRef>,

    /// The source read from `code` at load time (not part of the file format).
    #[serde(skip)]
    #[schemars(skip)]
    pub source: Option<String>,
}

impl Action {
    /// The Auth0 name: `name`, else the key.
    pub fn auth0_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(key)
    }
}

impl Action {
    pub fn trigger(&self) -> Trigger {
        self.trigger.unwrap_or(Trigger::PostLogin)
    }

    pub fn runtime(&self) -> &str {
        self.runtime.as_deref().unwrap_or(DEFAULT_RUNTIME)
    }
}

/// The runtime Actions get when the file does not say: Auth0's default.
pub use auth0_wire::action::DEFAULT_RUNTIME;

/// An npm dependency of an Action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub name: String,
    pub version: String,
}
