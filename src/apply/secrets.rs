//! Secret values for the changes that send them: resolved when the file was loaded, or (for a
//! saved plan, which holds only `${VAR}` references) read from the environment.

use secrecy::{ExposeSecret, SecretString};

use tenantform_core::model::SecretRef;
use tenantform_core::plan::{Desired, Plan};

/// The secret's value: the one resolved at load time, else the environment variable it names.
pub(crate) fn resolve(secret: &SecretRef) -> Option<SecretString> {
    if let Some(value) = secret.value() {
        return Some(value.clone());
    }
    std::env::var(secret.var())
        .ok()
        .filter(|v| !v.is_empty())
        .map(SecretString::from)
}

/// The value as the string a request body carries (empty when missing; `missing_secrets`
/// is checked before any write).
pub(crate) fn expose(secret: &SecretRef) -> String {
    resolve(secret)
        .map(|s| s.expose_secret().to_owned())
        .unwrap_or_default()
}

/// The secrets the plan's pending changes will send.
fn sent_secrets(desired: &Desired) -> Vec<&SecretRef> {
    match desired {
        Desired::EmailProvider { provider } => provider
            .credentials
            .secrets()
            .into_iter()
            .map(|(_, s)| s)
            .collect(),
        Desired::Action {
            action,
            send_secrets: true,
            ..
        } => action.secrets.values().collect(),
        _ => Vec::new(),
    }
}

/// Names of the environment variables the plan needs and the environment lacks.
pub fn missing_secrets(plan: &Plan) -> Vec<String> {
    let mut missing: Vec<String> = plan
        .pending()
        .filter_map(|c| c.desired.as_ref())
        .flat_map(sent_secrets)
        .filter(|s| resolve(s).is_none())
        .map(|s| s.var().to_owned())
        .collect();
    missing.sort();
    missing.dedup();
    missing
}
