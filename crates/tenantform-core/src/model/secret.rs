//! A write-only value that comes from the environment and never from the tenant file.

use std::fmt;

use schemars::JsonSchema;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::variables::Variables;

/// The name prefix of the one Action secret tenantform adds beside an Action's own: the rest
/// of its name is a keyed digest of the secret values tenantform last sent with it. Auth0
/// returns secret names, never values, so this is how an apply that sends the same values
/// again (`--force-secrets` in every CI run) knows it need not deploy the Action once more.
/// It is not a secret of the tenant file: the live normalizer drops it, so neither plan nor
/// export sees it.
pub const SECRETS_DIGEST_PREFIX: &str = "TENANTFORM_SECRETS_";

/// Whether a live Action secret named `name` is tenantform's digest ([`SECRETS_DIGEST_PREFIX`]).
pub fn is_secrets_digest(name: &str) -> bool {
    name.starts_with(SECRETS_DIGEST_PREFIX)
}

/// A secret-bearing field: the file holds only a `${VAR}` reference; the value is looked up in
/// the environment after loading. It cannot be printed (Debug shows the reference only) and it
/// serializes back to its reference, so a plan, a snapshot or an export never holds the value.
#[derive(Clone)]
pub struct SecretRef {
    var: String,
    value: Option<SecretString>,
}

impl SecretRef {
    /// A reference to `var` whose value is not resolved yet.
    pub fn reference(var: impl Into<String>) -> Self {
        Self {
            var: var.into(),
            value: None,
        }
    }

    /// The environment variable that holds the value.
    pub fn var(&self) -> &str {
        &self.var
    }

    /// The resolved value, when the variable was set.
    pub fn value(&self) -> Option<&SecretString> {
        self.value.as_ref()
    }

    /// The value, for the one place that puts it on the wire; `None` when unresolved (a
    /// secret is never an invented `""`).
    pub fn expose(&self) -> Option<&str> {
        self.value.as_ref().map(ExposeSecret::expose_secret)
    }

    /// Takes the value of its variable from `variables`; an unset or empty variable leaves
    /// it unresolved. Returns whether it is resolved now.
    pub fn resolve_from(&mut self, variables: &Variables) -> bool {
        if let Some(value) = variables.secret(&self.var) {
            self.value = Some(value);
        }
        self.value.is_some()
    }

    #[cfg(test)]
    pub(crate) fn resolve(&mut self, value: SecretString) {
        self.value = Some(value);
    }

    /// Parses `${NAME}` (and nothing else) into the variable name.
    pub fn parse_reference(text: &str) -> Option<&str> {
        let name = text.strip_prefix("${")?.strip_suffix('}')?;
        super::variables::is_variable_name(name).then_some(name)
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretRef(${{{}}})", self.var)
    }
}

impl PartialEq for SecretRef {
    /// Secrets are compared by reference only: their values are never diffed.
    fn eq(&self, other: &Self) -> bool {
        self.var == other.var
    }
}

impl Serialize for SecretRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("${{{}}}", self.var))
    }
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match SecretRef::parse_reference(&text) {
            Some(name) => Ok(SecretRef::reference(name)),
            None => Err(serde::de::Error::custom(
                "a secret must be a `${VAR}` reference to an environment variable; \
                 never write secret values into a tenant file",
            )),
        }
    }
}

impl JsonSchema for SecretRef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SecretRef".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$",
            "description": "A `${VAR}` reference to an environment variable holding a secret. Secret values never go in the file."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variables(pairs: &[(&str, &str)]) -> Variables {
        Variables::from_pairs(pairs)
    }

    #[test]
    fn resolves_from_a_set_variable_only_and_never_to_empty() {
        let mut secret = SecretRef::reference("KEY");
        assert!(!secret.resolve_from(&variables(&[("KEY", "")])));
        assert_eq!(secret.expose(), None);
        assert!(!secret.resolve_from(&variables(&[])));
        assert!(secret.resolve_from(&variables(&[("KEY", "k-1")])));
        assert_eq!(secret.expose(), Some("k-1"));
        // Resolved once, an environment without it does not unset it.
        assert!(secret.resolve_from(&variables(&[])));
        assert_eq!(secret.expose(), Some("k-1"));
    }

    #[test]
    fn serializes_to_its_reference_and_never_its_value() {
        let mut secret = SecretRef::reference("MAILGUN_API_KEY");
        assert!(secret.resolve_from(&variables(&[("MAILGUN_API_KEY", "sentinel-value-123")])));
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, "\"${MAILGUN_API_KEY}\"");
        assert!(!format!("{secret:?}").contains("sentinel"));
    }

    #[test]
    fn literal_values_are_refused() {
        let err = serde_json::from_str::<SecretRef>("\"key-abc\"").unwrap_err();
        assert!(err.to_string().contains("`${VAR}` reference"));
        let ok: SecretRef = serde_json::from_str("\"${SMTP_PASS}\"").unwrap();
        assert_eq!(ok.var(), "SMTP_PASS");
    }
}
