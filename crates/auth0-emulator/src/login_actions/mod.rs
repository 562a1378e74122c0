//! Post-login Actions at login, as on Auth0: the deployed Actions bound to `post-login` run
//! in binding order, in Node, after the user authenticated and before a code is issued.

mod event;
mod runtime;

pub use event::{LoginContext, post_login_event};
pub use runtime::{
    ActionCache, ActionFailure, ActionSource, ActionsRuntime, DEFAULT_TIMEOUT, Denial, Dependency,
    LogLine, Outcome, RunResult, RuntimeError, RuntimeOptions,
};

use serde_json::Value;

use crate::store::{Obj, Store};

/// The deployed versions of the Actions bound to `post-login`, in binding order. Auth0 runs
/// the deployed version, not the draft; secrets are the Action's current values.
pub(crate) fn bound_post_login_actions(store: &Store) -> Vec<ActionSource> {
    let Some(bindings) = store.bindings.get("post-login") else {
        return Vec::new();
    };
    bindings
        .iter()
        .filter_map(|binding| {
            let action = store.actions.get(&binding.action_id)?;
            let deployed = action.body.get("deployed_version")?.as_object()?;
            Some(ActionSource {
                name: action.body.get("name")?.as_str()?.to_owned(),
                code: deployed.get("code")?.as_str()?.to_owned(),
                secrets: action.secret_values.clone(),
                dependencies: deployed
                    .get("dependencies")
                    .cloned()
                    .and_then(|d| serde_json::from_value(d).ok())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Persists what the Actions wrote to the user's metadata (after the run, as Auth0 does, and
/// also when an Action denied the login).
pub(crate) fn persist_metadata(user: &mut Obj, result: &RunResult) {
    if result.outcome == Outcome::Error {
        return;
    }
    for (key, value) in [
        ("app_metadata", &result.app_metadata),
        ("user_metadata", &result.user_metadata),
    ] {
        if let Some(value @ Value::Object(_)) = value {
            user.insert(key.into(), value.clone());
        }
    }
}

/// Claims Auth0 does not let an Action set (it drops them).
pub(crate) const RESTRICTED_CLAIMS: &[&str] = &[
    "acr",
    "amr",
    "at_hash",
    "aud",
    "auth_time",
    "azp",
    "c_hash",
    "cnf",
    "exp",
    "iat",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "sid",
    "sub",
];
