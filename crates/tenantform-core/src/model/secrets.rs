//! Where a tenant file holds secrets: the one walker over its secret-bearing fields, for every
//! layer that handles them (loading and `${VAR}` interpolation, resolution from the
//! environment, validation, the plan's write-only fields, apply's request bodies, export).
//!
//! A secret-bearing field is a [`SecretRef`]. Adding one to the model means listing it here
//! ([`credential_secrets!`] or the walker below); `walker_finds_every_secret_ref_of_the_schema`
//! fails until it is.

use std::sync::LazyLock;

use auth0_wire::shape::{ANY_KEY, example};

use super::action::Action;
use super::connection::DatabaseConnection;
use super::email::{EmailCredentials, EmailProvider};
use super::secret::SecretRef;
use super::tenant_file::TenantFile;

/// One secret-bearing field and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretField<'a> {
    /// Its path, relative to what was walked: `credentials.api_key` in a provider,
    /// `secrets.API_TOKEN` in an Action, `email_provider.credentials.api_key` or
    /// `actions.gate.secrets.API_TOKEN` in a tenant file.
    pub path: String,
    pub secret: &'a SecretRef,
}

/// The secret credentials of a provider, by their field (and tenant file) names, in one list
/// for both the shared and the mutable walk.
macro_rules! credential_secrets {
    ($credentials:expr, $($borrow:tt)+) => {
        [
            ("api_key", $($borrow)+ $credentials.api_key),
            ("smtp_pass", $($borrow)+ $credentials.smtp_pass),
            ("secret_access_key", $($borrow)+ $credentials.secret_access_key),
        ]
    };
}

impl EmailCredentials {
    /// The secret credentials that are set, by field name.
    pub fn secrets(&self) -> Vec<(&'static str, &SecretRef)> {
        credential_secrets!(self, &)
            .into_iter()
            .filter_map(|(name, secret)| secret.as_ref().map(|secret| (name, secret)))
            .collect()
    }

    /// The slot of the secret credential `name` (`api_key`, `smtp_pass`, `secret_access_key`).
    pub fn secret_mut(&mut self, name: &str) -> Option<&mut Option<SecretRef>> {
        credential_secrets!(self, &mut)
            .into_iter()
            .find(|(field, _)| *field == name)
            .map(|(_, slot)| slot)
    }

    fn secrets_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut SecretRef)> {
        credential_secrets!(self, &mut)
            .into_iter()
            .filter_map(|(name, secret)| secret.as_mut().map(|secret| (name, secret)))
    }

    /// These credentials without their secrets: what Auth0 returns.
    #[must_use]
    pub fn without_secrets(&self) -> EmailCredentials {
        let mut public = self.clone();
        for (_, slot) in credential_secrets!(public, &mut) {
            *slot = None;
        }
        public
    }
}

impl EmailProvider {
    /// The provider's secrets, at `credentials.<field>`.
    pub fn secret_fields(&self) -> Vec<SecretField<'_>> {
        self.credentials
            .secrets()
            .into_iter()
            .map(|(name, secret)| SecretField {
                path: format!("credentials.{name}"),
                secret,
            })
            .collect()
    }

    /// The provider without its secrets: what Auth0 returns, and what a plan can compare.
    #[must_use]
    pub fn without_secrets(&self) -> EmailProvider {
        EmailProvider {
            credentials: self.credentials.without_secrets(),
            ..self.clone()
        }
    }

    fn secret_fields_mut(&mut self) -> impl Iterator<Item = (String, &mut SecretRef)> {
        self.credentials
            .secrets_mut()
            .map(|(name, secret)| (format!("credentials.{name}"), secret))
    }
}

impl Action {
    /// The Action's secrets, at `secrets.<NAME>`.
    pub fn secret_fields(&self) -> Vec<SecretField<'_>> {
        self.secrets
            .iter()
            .map(|(name, secret)| SecretField {
                path: format!("secrets.{name}"),
                secret,
            })
            .collect()
    }

    fn secret_fields_mut(&mut self) -> impl Iterator<Item = (String, &mut SecretRef)> {
        self.secrets
            .iter_mut()
            .map(|(name, secret)| (format!("secrets.{name}"), secret))
    }
}

impl DatabaseConnection {
    /// A social connection's client secret, at `options.client_secret` (where Auth0 keeps it).
    pub fn secret_fields(&self) -> Vec<SecretField<'_>> {
        self.client_secret
            .iter()
            .map(|secret| SecretField {
                path: "options.client_secret".to_owned(),
                secret,
            })
            .collect()
    }
}

impl TenantFile {
    /// Every secret-bearing field of the file, in file order, at its path in the file.
    pub fn secret_fields(&self) -> Vec<SecretField<'_>> {
        let provider = self.email_provider.iter().flat_map(|provider| {
            provider
                .secret_fields()
                .into_iter()
                .map(|field| SecretField {
                    path: format!("email_provider.{}", field.path),
                    ..field
                })
        });
        let actions = self.actions.iter().flat_map(|(key, action)| {
            action
                .secret_fields()
                .into_iter()
                .map(move |field| SecretField {
                    path: format!("actions.{key}.{}", field.path),
                    ..field
                })
        });
        // The credentials tenantform connects with (docs/ci.md).
        let target = self.auth0.iter().map(|target| SecretField {
            path: "auth0.client_secret".to_owned(),
            secret: &target.client_secret,
        });
        let connections = self.connections.iter().filter_map(|(key, connection)| {
            Some(SecretField {
                path: format!("connections.{key}.client_secret"),
                secret: connection.client_secret.as_ref()?,
            })
        });
        target
            .chain(provider)
            .chain(actions)
            .chain(connections)
            .collect()
    }

    /// [`TenantFile::secret_fields`], to resolve them.
    pub(crate) fn secret_fields_mut(&mut self) -> Vec<(String, &mut SecretRef)> {
        let provider = self.email_provider.iter_mut().flat_map(|provider| {
            provider
                .secret_fields_mut()
                .map(|(path, secret)| (format!("email_provider.{path}"), secret))
        });
        let actions = self.actions.iter_mut().flat_map(|(key, action)| {
            action
                .secret_fields_mut()
                .map(move |(path, secret)| (format!("actions.{key}.{path}"), secret))
        });
        let target = self
            .auth0
            .iter_mut()
            .map(|target| ("auth0.client_secret".to_owned(), &mut target.client_secret));
        let connections = self.connections.iter_mut().filter_map(|(key, connection)| {
            Some((
                format!("connections.{key}.client_secret"),
                connection.client_secret.as_mut()?,
            ))
        });
        target
            .chain(provider)
            .chain(actions)
            .chain(connections)
            .collect()
    }
}

/// Where any tenant file can hold a secret, as dotted paths with [`ANY_KEY`] for a map key:
/// the walker applied to a file with every field present.
static SECRET_PATHS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    let every_field: TenantFile =
        example("${EXAMPLE}").expect("a tenant file with every field present deserializes");
    every_field
        .secret_fields()
        .into_iter()
        .map(|field| field.path.split('.').map(str::to_owned).collect())
        .collect()
});

/// Whether `path` (the parts of a dotted path, list items as `[]`) is where a tenant file
/// holds a secret, before the file is typed (source-map references, `${VAR}` interpolation).
pub fn is_secret_path(path: &[String]) -> bool {
    SECRET_PATHS.iter().any(|pattern| {
        pattern.len() == path.len()
            && pattern
                .iter()
                .zip(path)
                .all(|(want, have)| want == ANY_KEY || want == have)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::tenant_file_schema_json;
    use serde_json::Value;

    fn parts(path: &str) -> Vec<String> {
        path.split('.').map(str::to_owned).collect()
    }

    /// The positions the JSON Schema gives a `SecretRef`, keys of maps as `*`.
    fn schema_secret_paths() -> Vec<String> {
        fn walk(schema: &Value, defs: &Value, path: &str, found: &mut Vec<String>) {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let name = reference.trim_start_matches("#/$defs/");
                if name == "SecretRef" {
                    found.push(path.to_owned());
                } else {
                    walk(&defs[name], defs, path, found);
                }
            }
            for key in ["anyOf", "oneOf", "allOf"] {
                for option in schema
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    walk(option, defs, path, found);
                }
            }
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    let nested = if path.is_empty() {
                        name.clone()
                    } else {
                        format!("{path}.{name}")
                    };
                    walk(property, defs, &nested, found);
                }
            }
            if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                walk(values, defs, &format!("{path}.{ANY_KEY}"), found);
            }
            if let Some(items) = schema.get("items") {
                walk(items, defs, &format!("{path}.[]"), found);
            }
        }
        let schema: Value = serde_json::from_str(&tenant_file_schema_json()).unwrap();
        let mut found = Vec::new();
        walk(&schema, &schema["$defs"], "", &mut found);
        found.sort();
        found
    }

    #[test]
    fn walker_finds_every_secret_ref_of_the_schema() {
        let mut walked: Vec<String> = SECRET_PATHS.iter().map(|p| p.join(".")).collect();
        walked.sort();
        assert_eq!(walked, schema_secret_paths());
        assert_eq!(
            walked,
            [
                "actions.*.secrets.*",
                "auth0.client_secret",
                "connections.*.client_secret",
                "email_provider.credentials.api_key",
                "email_provider.credentials.secret_access_key",
                "email_provider.credentials.smtp_pass",
            ]
        );
    }

    #[test]
    fn secret_paths_match_concrete_paths_only() {
        assert!(is_secret_path(&parts(
            "email_provider.credentials.smtp_pass"
        )));
        assert!(is_secret_path(&parts("actions.gate.secrets.API_TOKEN")));
        assert!(!is_secret_path(&parts(
            "email_provider.credentials.smtp_user"
        )));
        assert!(!is_secret_path(&parts("actions.gate.code")));
        assert!(!is_secret_path(&parts("actions.gate.secrets")));
    }

    #[test]
    fn the_walk_of_a_file_names_each_secret_where_it_is() {
        let file: TenantFile = serde_json::from_value(serde_json::json!({
            "email_provider": {"name": "smtp", "credentials": {"smtp_pass": "${SMTP_PASS}", "smtp_user": "bob"}},
            "actions": {"gate": {"secrets": {"API_TOKEN": "${TOKEN}", "OTHER": "${OTHER}"}}},
        }))
        .unwrap();
        let fields: Vec<(String, &str)> = file
            .secret_fields()
            .into_iter()
            .map(|field| (field.path, field.secret.var()))
            .collect();
        assert_eq!(
            fields,
            [
                (
                    "email_provider.credentials.smtp_pass".to_owned(),
                    "SMTP_PASS"
                ),
                ("actions.gate.secrets.API_TOKEN".to_owned(), "TOKEN"),
                ("actions.gate.secrets.OTHER".to_owned(), "OTHER"),
            ]
        );
        let provider = file.email_provider.as_ref().unwrap();
        assert_eq!(provider.secret_fields()[0].path, "credentials.smtp_pass");
        assert_eq!(provider.without_secrets().credentials.smtp_pass, None);
        assert_eq!(
            provider.without_secrets().credentials.smtp_user.as_deref(),
            Some("bob")
        );
    }
}
