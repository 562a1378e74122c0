//! Custom APIs (Auth0 resource servers), keyed in the file by a stable name that grants use
//! as their audience.
//!
//! The fields share their names with the wire type [`auth0_wire::ResourceServer`]: a live API
//! becomes an `Api` (and an `Api` a request body) by projection.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use auth0_wire::resource_server::{SigningAlg, TokenDialect};

/// An API your applications get access tokens for (Applications > APIs). Fields left out are
/// not managed (Auth0's defaults apply on create).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// The API identifier: the `audience` of its tokens, e.g. `https://api.example.com/`.
    /// Required, and immutable in Auth0: see `renamed_from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,

    /// The identifier this API had before, when you really mean to change it. Planned as a
    /// destructive replace (the old API is deleted with its grants, and tokens for the old
    /// audience stop working); apply needs `--allow-replace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,

    /// Display name in Auth0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// The permissions the API defines; grants may give applications only these. The list is
    /// the whole set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<ApiScope>>,

    /// The signing algorithm of its access tokens (Auth0 creates APIs with RS256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_alg: Option<SigningAlg>,

    /// Access token lifetime in seconds (Auth0's default: 86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime: Option<u32>,

    /// Lifetime in seconds of tokens issued to browsers (implicit and hybrid flows; Auth0's
    /// default: 7200).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_lifetime_for_web: Option<u32>,

    /// "Allow Offline Access": refresh tokens may be issued for this API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_offline_access: Option<bool>,

    /// Skip the consent screen for first-party applications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_consent_for_verifiable_first_party_clients: Option<bool>,

    /// RBAC: "Enable RBAC" (users' permissions decide the scopes they get).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce_policies: Option<bool>,

    /// RBAC: `access_token_authz` adds the `permissions` claim to access tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_dialect: Option<TokenDialect>,
}

/// One permission of an API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiScope {
    /// The scope, e.g. `read:reports`.
    pub value: String,
    /// What it allows (shown in the dashboard and on consent screens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Api {
    /// The identifier, or `""` when the file leaves it out (validation reports that).
    pub fn identifier(&self) -> &str {
        self.identifier.as_deref().unwrap_or_default()
    }
}

impl From<&Api> for auth0_wire::ResourceServer {
    /// Every declared field, under the same name (`POST /resource-servers`; a `PATCH` sends
    /// `wire::only_fields` of it, never the identifier). `renamed_from` is not an Auth0 field.
    fn from(api: &Api) -> Self {
        auth0_wire::shape::project(api).expect("every API field is a resource server field")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_api_is_its_resource_server_body_field_for_field() {
        let api = Api {
            identifier: Some("https://api.example.com/".into()),
            renamed_from: Some("https://old.example.com/".into()),
            scopes: Some(vec![ApiScope {
                value: "read:reports".into(),
                description: Some("Read reports".into()),
            }]),
            token_dialect: Some(TokenDialect::AccessTokenAuthz),
            ..Api::default()
        };
        assert_eq!(
            serde_json::to_value(auth0_wire::ResourceServer::from(&api)).unwrap(),
            json!({"identifier": "https://api.example.com/",
                   "scopes": [{"value": "read:reports", "description": "Read reports"}],
                   "token_dialect": "access_token_authz"})
        );
    }
}
