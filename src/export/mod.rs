//! `tenantform export`: adopt an existing tenant.
//!
//! Reads everything a tenant file can manage ([`read`]), normalizes it with the same code a
//! plan uses (`tenantform_core::live`), and turns it into the tenant file a person would write
//! ([`build`]): keys slugged from display names, only the fields that differ from Auth0's
//! defaults ([`defaults`], the one place that decides), Action code in `actions/<key>.js`,
//! template bodies in `emails/<template>.html`, and write-only values (email provider keys,
//! Action secrets) as `${VAR}` references the user must set. A plan of the export against the
//! same tenant shows no changes.
//!
//! Never exported: the global client, the client tenantform signs in with and its grants,
//! Auth0's system grants and its Management API (custom APIs are exported, under `apis:`;
//! the apply lock's API never), social connections' client secrets (a `${VAR}` reference
//! instead), and `Username-Password-Authentication` while it is unchanged and unused
//! by the exported applications and users (every tenant has it; declaring it would only add
//! noise, but once an app uses it the file must say so). Users: those with `app_metadata` in an
//! exported database connection, at most [`read::USERS_LIMIT`] in all (one search): they
//! are the bootstrap admins, not a user directory.

pub mod apis;
pub mod build;
pub mod defaults;
pub mod kind;
pub mod read;
pub mod skipped;
pub mod slug;
pub mod social;
pub mod write;
pub mod yaml;

pub use build::{ExportContext, Exported, build};
pub use kind::KindSelection;
pub use read::read_everything;
pub use write::write_export;
