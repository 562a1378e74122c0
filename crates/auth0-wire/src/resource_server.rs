//! APIs (`/resource-servers`): the custom APIs a tenant's applications get access tokens for,
//! as the Management API sends them, and what Auth0 gives a new one.

use serde::{Deserialize, Serialize};

use crate::lenient::wire_struct;

wire_struct! {
    /// An API as `GET /resource-servers` returns it (and, without `id` and `is_system`, as
    /// `POST` takes it; `PATCH` takes neither `identifier` nor those). `signing_secret` is left
    /// out on purpose: Auth0 generates it for HS256 APIs and returns it, and tenantform never
    /// reads or writes it.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct ResourceServer {
        pub id: Option<String>,
        pub name: Option<String>,
        /// The audience of its access tokens. Immutable: a change is a delete and a create.
        pub identifier: Option<String>,
        /// Absent when the API defines none.
        pub scopes: Option<Vec<ResourceServerScope>>,
        pub signing_alg: Option<SigningAlg>,
        pub token_lifetime: Option<u32>,
        pub token_lifetime_for_web: Option<u32>,
        pub allow_offline_access: Option<bool>,
        pub skip_consent_for_verifiable_first_party_clients: Option<bool>,
        /// RBAC: "Enable RBAC".
        pub enforce_policies: Option<bool>,
        /// RBAC: `access_token_authz` adds the permissions claim.
        pub token_dialect: Option<TokenDialect>,
        /// Auth0's own Management API: never managed, never exported.
        pub is_system: Option<bool>,
    }
}

/// One scope (permission) of an API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceServerScope {
    /// The scope, e.g. `read:reports`.
    pub value: String,
    /// What it allows, shown on consent screens and in the dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

// `signing_alg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum SigningAlg {
    HS256,
    RS256,
    RS512,
    PS256,
}

// `token_dialect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenDialect {
    AccessToken,
    AccessTokenAuthz,
    Rfc9068Profile,
    Rfc9068ProfileAuthz,
}

impl ResourceServer {
    /// The field names to read (`GET /resource-servers` takes no `fields=`; the reader keeps
    /// these).
    pub fn fields() -> &'static [&'static str] {
        crate::shape::field_names::<ResourceServer>()
    }

    /// What `POST /resource-servers` gives an API that sends only its identifier (recorded in
    /// TestAccResourceServer: RS256, a day for tokens, two hours for the web, no offline
    /// access, consent not skipped; no name, scopes, RBAC or dialect in the answer).
    pub fn created() -> ResourceServer {
        ResourceServer {
            signing_alg: Some(SigningAlg::RS256),
            token_lifetime: Some(86_400),
            token_lifetime_for_web: Some(7_200),
            allow_offline_access: Some(false),
            skip_consent_for_verifiable_first_party_clients: Some(false),
            ..ResourceServer::default()
        }
    }

    /// What each managed field means when a response leaves it out: no scopes, RBAC off, the
    /// plain access-token dialect, and otherwise what a create gives.
    pub fn when_absent() -> ResourceServer {
        ResourceServer {
            scopes: Some(Vec::new()),
            enforce_policies: Some(false),
            token_dialect: Some(TokenDialect::AccessToken),
            is_system: Some(false),
            ..ResourceServer::created()
        }
    }

    /// This API with every field it leaves out as Auth0 means it.
    #[must_use]
    pub fn completed(&self) -> ResourceServer {
        crate::shape::or_defaults(self, &ResourceServer::when_absent())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_recorded_create_answer_completes_to_the_created_defaults() {
        // TestAccResourceServer, the answer to an identifier-only POST.
        let answer: ResourceServer = serde_json::from_value(json!({"id":"69a006b6f39293776f28ab5d","identifier":"https://uat.api.terraform-provider-auth0.com/TestAccResourceServer","allow_offline_access":false,"skip_consent_for_verifiable_first_party_clients":false,"subject_type_authorization":{"client":{"policy":"require_client_grant"},"user":{"policy":"allow_all"}},"token_lifetime":86400,"token_lifetime_for_web":7200,"signing_alg":"RS256"})).unwrap();
        let completed = answer.completed();
        assert_eq!(completed.signing_alg, Some(SigningAlg::RS256));
        assert_eq!(completed.token_dialect, Some(TokenDialect::AccessToken));
        assert_eq!(completed.scopes, Some(Vec::new()));
        assert_eq!(completed.name, None);
        let created = ResourceServer {
            identifier: answer.identifier.clone(),
            id: answer.id.clone(),
            ..ResourceServer::created()
        };
        assert_eq!(answer, created);
    }

    #[test]
    fn the_signing_secret_is_never_read() {
        assert!(!ResourceServer::fields().contains(&"signing_secret"));
        let read: ResourceServer =
            serde_json::from_value(json!({"identifier": "x", "signing_secret": "s3cret"})).unwrap();
        assert!(!serde_json::to_string(&read).unwrap().contains("s3cret"));
    }
}
