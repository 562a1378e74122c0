//! The `auth0:` block: which tenant a tenant file is for, and which variables hold the
//! credentials of the M2M application tenantform authenticates as. It is how a repository with
//! a file per tenant (`dev.yaml`, `prod.yaml`) plans and applies them all in one run.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::secret::SecretRef;

/// Where this file's tenant is and how to authenticate with it. Without this block, the
/// `AUTH0_DOMAIN`, `AUTH0_M2M_CLIENT_ID` and `AUTH0_M2M_CLIENT_SECRET` variables say so; the
/// `--domain`, `--client-id` and `--client-secret` options override both for one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth0Target {
    /// The tenant's domain, e.g. `acme.eu.auth0.com` or `${PROD_AUTH0_DOMAIN}`
    /// (`http://` only for a loopback address, i.e. the local emulator).
    pub domain: String,

    /// Client id of the M2M application tenantform authenticates as, e.g.
    /// `${PROD_AUTH0_CLIENT_ID}`.
    pub client_id: String,

    /// Its client secret: a `${VAR}` reference, never the value.
    pub client_secret: SecretRef,
}

/// The top-level key of the block.
pub const SECTION: &str = "auth0";

/// Whether `path` (dotted, split into parts) is inside the `auth0:` block. Its variables are
/// needed to connect, not to check the file's shape (`validate` does not require them), and an
/// option may replace them, so loading leaves them to the command that connects.
pub fn is_target_path(path: &[String]) -> bool {
    path.first().is_some_and(|first| first == SECTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_a_reference_only() {
        let target: Auth0Target = serde_json::from_value(serde_json::json!({
            "domain": "acme.eu.auth0.com",
            "client_id": "${ID}",
            "client_secret": "${SECRET}",
        }))
        .unwrap();
        assert_eq!(target.client_secret.var(), "SECRET");
        let literal = serde_json::from_value::<Auth0Target>(serde_json::json!({
            "domain": "acme.eu.auth0.com",
            "client_id": "abc",
            "client_secret": "a-literal-secret",
        }))
        .unwrap_err();
        assert!(
            literal.to_string().contains("`${VAR}` reference"),
            "{literal}"
        );
    }

    #[test]
    fn only_the_block_is_a_target_path() {
        let parts = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
        assert!(is_target_path(&parts("auth0.domain")));
        assert!(!is_target_path(&parts("applications.auth0")));
    }
}
