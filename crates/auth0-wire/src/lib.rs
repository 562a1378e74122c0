//! What tenantform and its emulator both know about Auth0's Management API, each piece once:
//! every resource tenantform manages as the API sends it (serde names as on the wire), Auth0's
//! defaults for it, the secret-bearing wire fields, and the scope catalogue of the system
//! "Auth0 Management API" resource server.
//!
//! The wire types hold the fields tenantform reads and writes, all optional (a response leaves
//! out what is empty). Each resource says what Auth0 gives it on create (`created`) and what an
//! absent field means (`when_absent`, `completed`), so the reader's `fields=` list, the live
//! normalizer, export's "is this a default?" and the emulator's stored resources agree by
//! construction. [`shape`] reads field names back from the types and projects one type onto
//! another with the same field names. [`rate_limits`] holds Auth0's published rate limits.

pub mod action;
pub mod client;
pub mod client_grant;
pub mod connection;
pub mod email;
pub mod lenient;
pub mod rate_limits;
pub mod resource_server;
pub mod scopes;
pub mod secrets;
pub mod shape;
pub mod tenant_settings;
pub mod user;

pub use action::{Action, Trigger};
pub use client::{AppType, Client, JwtAlg, TokenEndpointAuthMethod};
pub use client_grant::ClientGrant;
pub use connection::{Connection, DatabaseOptions, PasswordPolicy, SocialOptions};
pub use email::{
    EmailCredentials, EmailProvider, EmailProviderName, EmailTemplate, TemplateName, TemplateSyntax,
};
pub use resource_server::{ResourceServer, ResourceServerScope, SigningAlg, TokenDialect};
pub use secrets::Secret;
pub use tenant_settings::{TenantFlags, TenantSettings};
pub use user::{NewUser, User};
