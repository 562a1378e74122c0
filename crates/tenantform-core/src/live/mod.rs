//! The live tenant: raw Management API JSON normalized into the desired-state model.
//!
//! Pure: the API client (in the tenantform crate) fetches what [`ReadSet::for_tenant`] asks for and hands
//! the raw bodies over as a [`RawTenant`]; [`normalize`] turns them into a [`LiveTenant`] whose
//! models use the same types as the tenant file, with server-managed fields dropped and
//! Auth0's defaults filled in, so a tenant that matches the file diffs to nothing.

mod action;
mod api;
mod application;
mod connection;
mod email;
mod error;
mod grant;
mod json;
mod raw;
mod read_set;
mod snapshot;
mod tenant_settings;
mod user;

pub use action::normalize_action;
pub use api::{APPLY_LOCK_IDENTIFIER, created_api, normalize_api};
pub use application::{created_application, normalize_application};
pub use connection::{
    created_connection, database_options, merge_options, normalize_connection, social_options,
};
pub use email::{
    created_email_provider, created_email_template, normalize_email_provider,
    normalize_email_template,
};
pub use error::NormalizeError;
pub use grant::normalize_grant;
pub use raw::{RawConnection, RawTenant, normalize};
pub use read_set::ReadSet;
pub use snapshot::{
    LiveAction, LiveApi, LiveApplication, LiveConnection, LiveGrant, LiveTenant, LiveUser,
};
pub use tenant_settings::{created_tenant_settings, normalize_tenant_settings};
pub use user::normalize_user;

#[cfg(test)]
pub(crate) mod recordings;
