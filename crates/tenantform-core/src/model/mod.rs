//! The desired state: tenant files loaded into typed values, `${VAR}` resolved, validated.
//!
//! The same types describe the live tenant after normalization (`crate::live`), so the diff
//! compares like with like. Fields are optional: what a file leaves out is not managed.

pub mod action;
pub mod api;
pub mod application;
pub mod auth0_target;
pub mod connection;
pub mod diagnostic;
pub mod email;
pub mod grant;
pub mod load;
pub mod posture;
pub mod removed;
pub mod schema;
pub mod secret;
pub mod secrets;
pub mod social;
pub mod source_map;
pub mod streamlit;
pub mod tenant_file;
pub mod tenant_settings;
pub mod user;
pub mod validate;
pub mod variables;
pub mod wire;

pub use action::{Action, Dependency, Trigger};
pub use api::{Api, ApiScope};
pub use application::{AppType, Application, JwtAlg, JwtConfiguration, TokenEndpointAuthMethod};
pub use auth0_target::Auth0Target;
pub use connection::{DatabaseConnection, PasswordPolicy};
pub use diagnostic::{Diagnostic, Severity};
pub use email::{EmailCredentials, EmailProvider, EmailProviderName, EmailTemplate, TemplateName};
pub use grant::{ClientGrant, MANAGEMENT_API};
pub use load::{LoadedTenant, load_tenant};
pub use removed::Removed;
pub use secret::SecretRef;
pub use secrets::SecretField;
pub use social::Strategy;
pub use streamlit::{Environment, StreamlitApp};
pub use tenant_file::TenantFile;
pub use tenant_settings::{TenantFlags, TenantSettings};
pub use user::BootstrapUser;
