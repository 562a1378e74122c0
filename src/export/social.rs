//! Social connections for export: what the normalizer read (strategy, client id, scopes)
//! plus the client secret as a `${VAR}` reference the user must set, since Auth0's value is
//! never written to a file. Without a client id the connection uses Auth0's development keys
//! and has no secret.

use super::build::ExportVariable;
use super::slug::variable_part;
use tenantform_core::model::{DatabaseConnection, SecretRef};

/// The variable a social connection's client secret is read from: `<KEY>_CLIENT_SECRET`.
pub fn secret_variable(key: &str) -> String {
    format!("{}_CLIENT_SECRET", variable_part(key))
}

/// Gives a social connection exported under `key` its secret reference, and lists the
/// variable; database connections and development keys are left as they are.
pub fn reference_secret(
    key: &str,
    connection: &mut DatabaseConnection,
    variables: &mut Vec<ExportVariable>,
) {
    if !connection.is_social() || connection.client_id.is_none() {
        return;
    }
    let var = secret_variable(key);
    connection.client_secret = Some(SecretRef::reference(var.clone()));
    variables.push(ExportVariable {
        name: var,
        used_by: format!("connections.{key}.client_secret"),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantform_core::model::Strategy;

    #[test]
    fn only_a_social_connection_with_its_own_client_gets_a_secret_variable() {
        let mut variables = Vec::new();
        let mut google = DatabaseConnection {
            strategy: Some(Strategy::Google),
            client_id: Some("cid".into()),
            ..DatabaseConnection::default()
        };
        reference_secret("google", &mut google, &mut variables);
        assert_eq!(
            google.client_secret.as_ref().map(SecretRef::var),
            Some("GOOGLE_CLIENT_SECRET")
        );
        let mut dev_keys = DatabaseConnection {
            strategy: Some(Strategy::GitHub),
            ..DatabaseConnection::default()
        };
        reference_secret("github", &mut dev_keys, &mut variables);
        assert_eq!(dev_keys.client_secret, None);
        let mut database = DatabaseConnection::default();
        reference_secret("users", &mut database, &mut variables);
        assert_eq!(variables.len(), 1);
        assert_eq!(variables[0].used_by, "connections.google.client_secret");
    }
}
