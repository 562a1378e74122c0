//! Secret values for the changes that send them. A plan made from a tenant file carries them,
//! resolved when the file was loaded; a saved plan holds only `${VAR}` references, and
//! [`resolve_saved_plan`] fills them in from the variables a load reads
//! ([`Variables::for_tenant_file`]: the environment and the `.env` beside the tenant file).
//! Nothing here reads the environment by itself, and no value is ever invented: a secret
//! without a value is missing (the executor refuses the plan before any write), never `""`.
//!
//! An Action's secrets travel with a digest of their values ([`ActionDigest`]), kept in the
//! Action as one more secret's *name* (Auth0 returns names, never values), so that sending the
//! same values again (`--force-secrets` in every CI run) does not deploy the Action again.

use std::fmt;

use hmac::{Hmac, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};
use sha2::Sha256;

use tenantform_core::model::secret::{SECRETS_DIGEST_PREFIX, is_secrets_digest};
use tenantform_core::model::variables::Variables;
use tenantform_core::model::{Action, SecretField, SecretRef};
use tenantform_core::plan::{Address, Change, Desired, Plan};

/// The secrets `change` sends: those of its desired value that the plan lists as write-only
/// fields (the diff decides when a write carries them: on create, with any write that replaces
/// them whole, or with `--force-secrets`).
fn sent_secrets(change: &Change) -> Vec<SecretField<'_>> {
    let declared = match &change.desired {
        Some(Desired::EmailProvider { provider }) => provider.secret_fields(),
        Some(Desired::Action { action, .. }) => action.secret_fields(),
        Some(Desired::Connection { connection, .. }) => connection.secret_fields(),
        _ => Vec::new(),
    };
    declared
        .into_iter()
        .filter(|secret| {
            change
                .fields
                .iter()
                .any(|field| field.write_only && field.path == secret.path)
        })
        .collect()
}

/// A secret a pending change would send, whose variable has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsetSecret {
    pub address: Address,
    /// The field as the plan shows it (`options.client_secret`, `credentials.api_key`).
    pub path: String,
    pub var: String,
}

impl fmt::Display for UnsetSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: ${{{}}} is not set",
            self.address, self.path, self.var
        )
    }
}

/// Fills in the values of a saved plan's secrets from `variables` (a saved plan holds
/// `${VAR}` references only). The ones whose variable is unset or empty stay unresolved, for
/// [`missing_secrets`] to name.
pub fn resolve_saved_plan(plan: &mut Plan, variables: &Variables) {
    for change in &mut plan.changes {
        match &mut change.desired {
            Some(Desired::EmailProvider { provider }) => {
                let names: Vec<&'static str> = provider
                    .credentials
                    .secrets()
                    .into_iter()
                    .map(|(name, _)| name)
                    .collect();
                for name in names {
                    if let Some(Some(secret)) = provider.credentials.secret_mut(name) {
                        secret.resolve_from(variables);
                    }
                }
            }
            Some(Desired::Action { action, .. }) => {
                for secret in action.secrets.values_mut() {
                    secret.resolve_from(variables);
                }
            }
            Some(Desired::Connection { connection, .. }) => {
                if let Some(secret) = &mut connection.client_secret {
                    secret.resolve_from(variables);
                }
            }
            _ => {}
        }
    }
}

/// Every secret the plan's pending changes send without a value, in plan order. Secrets
/// the plan does not send need no value.
pub fn missing_secrets(plan: &Plan) -> Vec<UnsetSecret> {
    plan.pending()
        .flat_map(|change| {
            sent_secrets(change)
                .into_iter()
                .filter(|field| field.secret.value().is_none())
                .map(|field| UnsetSecret {
                    address: change.address.clone(),
                    path: field.path,
                    var: field.secret.var().to_owned(),
                })
        })
        .collect()
}

/// Fails, naming the variables, unless each of `secrets` has its value: what a step checks
/// before it builds a request body that carries them.
pub(crate) fn require<'a>(secrets: impl IntoIterator<Item = &'a SecretRef>) -> anyhow::Result<()> {
    let mut missing: Vec<&str> = secrets
        .into_iter()
        .filter(|s| s.value().is_none())
        .map(SecretRef::var)
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        Ok(())
    } else {
        anyhow::bail!(
            "no value for the secret variable{} {}; nothing was sent",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        )
    }
}

/// The value a request body carries, or which variable has none: the step building the body
/// has [`require`]d its secrets (and the executor refused a plan with a missing one before any
/// write), so this error is a last guard, never an invented value.
pub(crate) use tenantform_core::model::wire::exposed as expose;

/// What the digest secret says to anyone who sees it (the dashboard, `event.secrets`).
const DIGEST_VALUE: &str = "Set by tenantform: its name is a digest of this Action's other secrets as tenantform last deployed them. Not a secret.";

/// A keyed digest of an Action's secret values (HMAC-SHA256 keyed with the client secret
/// tenantform connects with, so that reading the Action's secret names tells nothing about
/// the values), bound to the version the values are deployed as. The Action keeps it as the
/// name of one more secret; the next apply that would send the same values finds that name
/// on the deployed version and leaves the Action alone. Any later change to the Action
/// (another deploy, a draft not deployed) shows in its version, so it is sent again then.
pub(crate) struct ActionDigest<'a> {
    key: &'a SecretString,
    action_name: &'a str,
    action: &'a Action,
}

impl<'a> ActionDigest<'a> {
    /// The Action's secrets must be [`require`]d first.
    pub(crate) fn new(key: &'a SecretString, action_name: &'a str, action: &'a Action) -> Self {
        Self {
            key,
            action_name,
            action,
        }
    }

    /// The digest secret's name for the values deployed as version `version`.
    pub(crate) fn name(&self, version: u64) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose_secret().as_bytes())
            .expect("HMAC takes a key of any length");
        // Each part is its length then its bytes; `None` (an unresolved secret, never sent:
        // `require` refuses it first) takes a length no value has, so it digests apart.
        let mut part = |bytes: Option<&[u8]>| match bytes {
            Some(bytes) => {
                mac.update(&(bytes.len() as u64).to_be_bytes());
                mac.update(bytes);
            }
            None => mac.update(&u64::MAX.to_be_bytes()),
        };
        part(Some(b"tenantform action secrets v1"));
        part(Some(self.action_name.as_bytes()));
        part(Some(&version.to_be_bytes()));
        let mut secrets: Vec<(&String, &SecretRef)> = self.action.secrets.iter().collect();
        secrets.sort_by(|a, b| a.0.cmp(b.0));
        for (name, secret) in secrets {
            part(Some(name.as_bytes()));
            part(secret.expose().map(str::as_bytes));
        }
        let digest = mac.finalize().into_bytes();
        format!(
            "{SECRETS_DIGEST_PREFIX}{}",
            hex::encode_upper(&digest[..16])
        )
    }

    /// Adds the digest secret for `version` to a request body that carries the secrets.
    pub(crate) fn add_to(&self, body: &mut Value, version: u64) {
        if let Some(secrets) = body.get_mut("secrets").and_then(Value::as_array_mut) {
            secrets.push(json!({"name": self.name(version), "value": DIGEST_VALUE}));
        }
    }

    /// Whether `live` (`GET /actions/actions/{id}`) is deployed, with nothing left in its
    /// draft, as the version these very values were deployed as: then sending them again
    /// would change nothing but add a version.
    pub(crate) fn is_deployed_in(&self, live: &Value) -> bool {
        let Some(version) = deployed_version(live) else {
            return false;
        };
        let names = |secrets: &Value| -> Vec<String> {
            let mut names: Vec<String> = secrets
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.get("name").and_then(Value::as_str))
                .map(str::to_owned)
                .collect();
            names.sort();
            names
        };
        let mut expected: Vec<String> = self.action.secrets.keys().cloned().collect();
        expected.push(self.name(version));
        expected.sort();
        let draft = names(&live["secrets"]);
        live.get("all_changes_deployed").and_then(Value::as_bool) == Some(true)
            && draft == expected
            && draft.iter().filter(|name| is_secrets_digest(name)).count() == 1
    }
}

/// The number of the live Action's deployed version, if it has one.
pub(crate) fn deployed_version(live: &Value) -> Option<u64> {
    live.get("deployed_version")?.get("number")?.as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn action(pairs: &[(&str, &str)]) -> Action {
        let variables = Variables::from_map(
            pairs
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect::<HashMap<_, _>>(),
        );
        let mut action = Action::default();
        for (name, _) in pairs {
            let mut secret = SecretRef::reference(*name);
            assert!(secret.resolve_from(&variables));
            action.secrets.insert((*name).to_owned(), secret);
        }
        action
    }

    fn live(version: u64, names: &[&str], deployed: bool) -> Value {
        let secrets: Vec<Value> = names
            .iter()
            .map(|n| json!({"name": n, "updated_at": "2026-01-01T00:00:00Z"}))
            .collect();
        json!({
            "secrets": secrets,
            "all_changes_deployed": deployed,
            "deployed_version": {"number": version, "secrets": secrets},
        })
    }

    #[test]
    fn the_digest_names_the_values_the_version_and_the_key_and_shows_none_of_them() {
        let key = SecretString::from("client-secret-1");
        let a = action(&[("TOKEN", "value-1")]);
        let digest = ActionDigest::new(&key, "gate", &a);
        let name = digest.name(3);
        assert!(name.starts_with("TENANTFORM_SECRETS_") && name.len() == 19 + 32);
        assert!(!name.contains("value-1") && !name.contains("client-secret"));
        assert_eq!(name, digest.name(3), "deterministic");
        assert_ne!(name, digest.name(4), "bound to the version");
        let other_value = action(&[("TOKEN", "value-2")]);
        assert_ne!(name, ActionDigest::new(&key, "gate", &other_value).name(3));
        let other_key = SecretString::from("client-secret-2");
        assert_ne!(name, ActionDigest::new(&other_key, "gate", &a).name(3));
        assert_ne!(name, ActionDigest::new(&key, "other", &a).name(3));
    }

    #[test]
    fn only_the_deployed_version_with_the_same_values_and_nothing_pending_matches() {
        let key = SecretString::from("k");
        let a = action(&[("TOKEN", "v")]);
        let digest = ActionDigest::new(&key, "gate", &a);
        let marker = digest.name(2);
        assert!(digest.is_deployed_in(&live(2, &["TOKEN", &marker], true)));
        // Deployed again since (by hand), a draft not deployed, no digest, a name more.
        assert!(!digest.is_deployed_in(&live(3, &["TOKEN", &marker], true)));
        assert!(!digest.is_deployed_in(&live(2, &["TOKEN", &marker], false)));
        assert!(!digest.is_deployed_in(&live(2, &["TOKEN"], true)));
        assert!(!digest.is_deployed_in(&live(2, &["TOKEN", "OTHER", &marker], true)));
        assert!(!digest.is_deployed_in(&json!({"secrets": [], "all_changes_deployed": true})));
    }

    #[test]
    fn the_digest_goes_beside_the_secrets_of_a_body() {
        let key = SecretString::from("k");
        let a = action(&[("TOKEN", "v")]);
        let digest = ActionDigest::new(&key, "gate", &a);
        let mut body = json!({"code": "x", "secrets": [{"name": "TOKEN", "value": "v"}]});
        digest.add_to(&mut body, 1);
        assert_eq!(body["secrets"][1]["name"], json!(digest.name(1)));
        let mut without = json!({"code": "x"});
        digest.add_to(&mut without, 1);
        assert_eq!(without, json!({"code": "x"}));
    }

    #[test]
    fn a_saved_plans_secrets_come_from_the_variables_and_an_empty_one_is_missing() {
        let mut plan: Plan = serde_json::from_value(json!({
            "format_version": tenantform_core::plan::FORMAT_VERSION,
            "origin": "https://x",
            "changes": [{
                "address": {"kind": "email_provider", "name": "provider"},
                "action": "update",
                "reason": "r",
                "destructive": false,
                "fields": [{"path": "credentials.api_key", "before": null, "after": "${KEY}", "write_only": true}],
                "desired": {"kind": "email_provider", "provider": {
                    "name": "mailgun", "credentials": {"api_key": "${KEY}", "domain": "d"}}},
            }, {
                "address": {"kind": "action", "name": "gate"},
                "action": "update",
                "reason": "r",
                "destructive": false,
                "fields": [{"path": "secrets.T", "before": null, "after": "${TOKEN}", "write_only": true}],
                "desired": {"kind": "action", "action": {"secrets": {"T": "${TOKEN}"}},
                    "code": "", "trigger": "post-login", "runtime": "node22", "send_secrets": true},
            }],
            "unmanaged": [], "notes": [], "errors": [],
            "read_set": tenantform_core::live::ReadSet::default(),
            "live_fingerprint": "sha256:0",
        }))
        .expect("a plan");
        let vars = |plan: &Plan| -> Vec<String> {
            missing_secrets(plan).into_iter().map(|m| m.var).collect()
        };
        assert_eq!(vars(&plan), ["KEY", "TOKEN"]);
        assert_eq!(
            missing_secrets(&plan)[0].to_string(),
            "email_provider[\"provider\"] credentials.api_key: ${KEY} is not set"
        );
        let variables = Variables::from_map(HashMap::from([
            ("KEY".to_owned(), String::new()),
            ("TOKEN".to_owned(), "t-1".to_owned()),
        ]));
        resolve_saved_plan(&mut plan, &variables);
        assert_eq!(vars(&plan), ["KEY"]);
        let Some(Desired::Action { action, .. }) = &plan.changes[1].desired else {
            panic!("an action");
        };
        assert_eq!(expose(&action.secrets["T"]).unwrap(), "t-1");
        assert!(require(action.secrets.values()).is_ok());
        let Some(Desired::EmailProvider { provider }) = &plan.changes[0].desired else {
            panic!("a provider");
        };
        let error = require(provider.credentials.api_key.as_ref()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "no value for the secret variable KEY; nothing was sent"
        );
    }
}
