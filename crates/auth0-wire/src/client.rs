//! Clients (`/clients`): the fields tenantform manages, as the Management API sends them, and
//! what Auth0 gives a client that does not set them.

use serde::{Deserialize, Serialize};

use crate::lenient::wire_struct;

/// Auth0's ID token lifetime for a client that does not set one, in seconds (recorded).
pub const ID_TOKEN_LIFETIME: u32 = 36_000;

wire_struct! {
    /// A client as `GET /clients` returns it, reduced to the fields tenantform reads. Absent
    /// fields are `None` (Auth0 omits empty lists and strings); [`Client::completed`] says what
    /// they mean. Server-managed secrets (`client_secret`, `signing_keys`) are not fields here, so
    /// a read that asks for [`Client::fields`] never receives them.
    ///
    /// The fields Auth0 lets a client set share their names with the tenant model's
    /// `Application`, which is how a live client becomes a model value and a model value a
    /// request body without per-field code.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct Client {
        pub client_id: Option<String>,
        pub name: Option<String>,
        pub app_type: Option<AppType>,
        pub description: Option<String>,
        pub callbacks: Option<Vec<String>>,
        pub allowed_logout_urls: Option<Vec<String>>,
        pub web_origins: Option<Vec<String>>,
        pub allowed_origins: Option<Vec<String>>,
        /// Auth0 drops it when it is set to "".
        pub initiate_login_uri: Option<String>,
        pub grant_types: Option<Vec<String>>,
        pub token_endpoint_auth_method: Option<TokenEndpointAuthMethod>,
        pub oidc_conformant: Option<bool>,
        pub is_first_party: Option<bool>,
        pub jwt_configuration: Option<JwtConfiguration>,
        pub cross_origin_authentication: Option<bool>,
        /// The tenant's global client ("All Applications"): never managed.
        pub global: Option<bool>,
    }
}

wire_struct! {
    /// `jwt_configuration`, reduced to what tenantform manages (`secret_encoded` is Auth0's).
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    pub struct JwtConfiguration {
        /// Absent means HS256.
        pub alg: Option<JwtAlg>,
        pub lifetime_in_seconds: Option<u32>,
    }
}

impl Client {
    /// The field names to ask `GET /clients` for (`fields=…&include_fields=true`).
    pub fn fields() -> &'static [&'static str] {
        crate::shape::field_names::<Client>()
    }

    /// The managed fields of a client as `POST /clients` with only `name` and `app_type`
    /// creates it (recorded: every grant type but `client_credentials` for a SPA, all four
    /// otherwise; only SPAs are OIDC conformant; the ID token lifetime set, `alg` left out;
    /// cross-origin authentication off).
    pub fn created(app_type: Option<AppType>) -> Client {
        let spa = app_type == Some(AppType::Spa);
        let grant_types: &[&str] = if spa {
            &["authorization_code", "implicit", "refresh_token"]
        } else {
            &[
                "authorization_code",
                "implicit",
                "refresh_token",
                "client_credentials",
            ]
        };
        Client {
            app_type,
            grant_types: Some(grant_types.iter().map(|&g| g.to_owned()).collect()),
            oidc_conformant: Some(spa),
            is_first_party: Some(true),
            jwt_configuration: Some(JwtConfiguration {
                alg: None,
                lifetime_in_seconds: Some(ID_TOKEN_LIFETIME),
            }),
            cross_origin_authentication: Some(false),
            ..Client::default()
        }
    }

    /// What each managed field means when a response leaves it out: Auth0 omits empty lists
    /// and strings, `alg` when it is HS256, and the authentication method a client never set
    /// (`none` for SPAs and native apps, which have no secret; `client_secret_post` otherwise).
    pub fn when_absent(app_type: Option<AppType>) -> Client {
        let auth_method = match app_type {
            Some(AppType::Spa | AppType::Native) => TokenEndpointAuthMethod::None,
            _ => TokenEndpointAuthMethod::ClientSecretPost,
        };
        Client {
            description: Some(String::new()),
            callbacks: Some(Vec::new()),
            allowed_logout_urls: Some(Vec::new()),
            web_origins: Some(Vec::new()),
            allowed_origins: Some(Vec::new()),
            initiate_login_uri: Some(String::new()),
            grant_types: Some(Vec::new()),
            token_endpoint_auth_method: Some(auth_method),
            oidc_conformant: Some(false),
            is_first_party: Some(true),
            jwt_configuration: Some(JwtConfiguration {
                alg: Some(JwtAlg::HS256),
                lifetime_in_seconds: Some(ID_TOKEN_LIFETIME),
            }),
            cross_origin_authentication: Some(false),
            global: Some(false),
            ..Client::default()
        }
    }

    /// This client with every field it leaves out as Auth0 means it.
    #[must_use]
    pub fn completed(&self) -> Client {
        crate::shape::or_defaults(self, &Client::when_absent(self.app_type))
    }
}

// `app_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppType {
    /// Regular Web Application (Streamlit, server-side apps).
    RegularWeb,
    /// Machine to Machine application.
    NonInteractive,
    /// Single Page Application.
    Spa,
    /// Native application.
    Native,
}

impl AppType {
    pub fn as_str(self) -> &'static str {
        match self {
            AppType::RegularWeb => "regular_web",
            AppType::NonInteractive => "non_interactive",
            AppType::Spa => "spa",
            AppType::Native => "native",
        }
    }
}

// `token_endpoint_auth_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenEndpointAuthMethod {
    None,
    ClientSecretPost,
    /// "Client Secret (Basic)" in the dashboard: what the runbook selects.
    ClientSecretBasic,
}

// `jwt_configuration.alg` (no doc comment: it would become the schema description).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum JwtAlg {
    HS256,
    RS256,
    PS256,
}

/// Grant types Auth0 accepts on a client.
pub const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "refresh_token",
    "client_credentials",
    "password",
    "http://auth0.com/oauth/grant-type/password-realm",
    "http://auth0.com/oauth/grant-type/mfa-oob",
    "http://auth0.com/oauth/grant-type/mfa-otp",
    "http://auth0.com/oauth/grant-type/mfa-recovery-code",
    "http://auth0.com/oauth/grant-type/passwordless/otp",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:openid:params:grant-type:ciba",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_the_managed_ones_and_never_the_secret() {
        let fields = Client::fields();
        assert_eq!(fields[0], "client_id");
        assert!(fields.contains(&"jwt_configuration") && fields.contains(&"global"));
        assert!(!fields.contains(&"client_secret") && !fields.contains(&"signing_keys"));
    }

    #[test]
    fn a_recorded_create_response_reads_as_created() {
        // TestAccClientConfig #0, without its server-only fields.
        let body = json!({
            "name": "Acceptance Test - TestAccClientConfig", "client_id": "ruNZ5B03Y2gAitE0pF7ljxh49zTaCb3i",
            "client_secret": "[REDACTED]", "is_first_party": true, "is_token_endpoint_ip_header_trusted": false,
            "oidc_conformant": false, "jwt_configuration": {"secret_encoded": false, "lifetime_in_seconds": 36000},
            "sso_disabled": false, "cross_origin_authentication": false,
            "grant_types": ["authorization_code", "implicit", "refresh_token", "client_credentials"],
        });
        let mut client: Client = serde_json::from_value(body).unwrap();
        client.name = None;
        client.client_id = None;
        assert_eq!(client, Client::created(None));
    }

    #[test]
    fn unknown_enum_values_read_as_absent_and_take_the_default() {
        let client: Client = serde_json::from_value(
            json!({"app_type": "express_configuration", "token_endpoint_auth_method": null}),
        )
        .unwrap();
        assert_eq!(client.app_type, None);
        let completed = client.completed();
        assert_eq!(
            completed.token_endpoint_auth_method,
            Some(TokenEndpointAuthMethod::ClientSecretPost)
        );
        assert_eq!(
            completed.jwt_configuration.unwrap().alg,
            Some(JwtAlg::HS256)
        );
    }

    #[test]
    fn completion_keeps_what_is_there_nested_too() {
        let client: Client = serde_json::from_value(
            json!({"app_type": "spa", "jwt_configuration": {"alg": "RS256"}, "callbacks": ["https://a"]}),
        )
        .unwrap();
        let completed = client.completed();
        assert_eq!(
            completed.jwt_configuration,
            Some(JwtConfiguration {
                alg: Some(JwtAlg::RS256),
                lifetime_in_seconds: Some(ID_TOKEN_LIFETIME)
            })
        );
        assert_eq!(completed.callbacks, Some(vec!["https://a".to_owned()]));
        assert_eq!(
            completed.token_endpoint_auth_method,
            Some(TokenEndpointAuthMethod::None)
        );
        assert_eq!(completed.web_origins, Some(vec![]));
    }
}
