//! Plans: the typed change model, the diff that computes it, and its views.
//!
//! Planning is pure and synchronous: [`diff`] takes the loaded [`TenantFile`](crate::model::TenantFile),
//! a [`LiveTenant`](crate::live::LiveTenant) and a [`PlanContext`], and returns a [`Plan`]. Every
//! output format is a view of the same plan ([`view::human`], [`view::json`],
//! [`view::markdown`]).
//!
//! # The plan JSON format, version 3
//!
//! `--format json` and `--out PLAN.json` write the same document (a [`Plan`]):
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `format_version` | `3` | bumped on any incompatible change; readers refuse other versions |
//! | `origin` | string | the tenant planned against, e.g. `https://acme.auth0.com` |
//! | `changes` | [Change] | in apply order, no-ops included |
//! | `unmanaged` | [Address] | live resources not in the file (only with `--show-unmanaged`) |
//! | `notes` | [Note] | write-only values not compared, `removed:` entries without `--allow-delete`, ... |
//! | `errors` | [Note] | refusals (own client, global client, system grants, ambiguous names): never apply |
//! | `read_set` | object | what was read ([`ReadSet`](crate::live::ReadSet)); apply re-reads it |
//! | `live_fingerprint` | string | `sha256:<hex>` of the canonical JSON of the managed live state |
//!
//! A **Change** is `{address, action, live_id?, fields?, reason, destructive, desired?}`:
//! `address` is `{kind, name}` with `kind` one of `application, grant, connection,
//! tenant_settings, email_provider, email_template, action, bindings, user` (the apply order)
//! and `name` the stable Auth0 name (display name, connection/action name, template name,
//! email, `"<application> -> <audience>"` for a grant, the trigger for bindings). `action` is
//! `create | update | replace | delete | no_op`. `live_id` is the Auth0 id of the existing
//! resource (for a replace, the one deleted). `fields` are `{path, before, after, write_only?}`
//! with dotted paths (`callbacks`, `options.disable_signup`, `flags.enable_client_connections`,
//! `app_metadata.roles`); `before` is `null` for a new value. `desired` (absent for deletes,
//! no-ops and tenant settings, whose changed `fields` are what apply sends) is tagged by `kind`
//! ([`Desired`]) and holds what apply sends, with file keys already resolved to Auth0 names.
//! A connection's `desired.enabled_clients` lists only the enablements that change
//! (`{application, enabled}`), so a plan's size grows with its changes.
//!
//! **Secrets** never appear: a write-only field has `write_only: true`, `before: null` and
//! `after: "${VAR}"`; `desired` holds the same `${VAR}` references, which apply resolves from
//! its environment. An email provider update always re-sends the complete credentials.
//!
//! **History.** Version 1 also carried a `desired` for tenant settings (the declared settings),
//! which apply never read; version 2 leaves it out. Version 2's connection changes listed in
//! `desired.enabled_clients` every application the file declares, enabled or not (a
//! 10,000-application, 100-connection plan was 104 MB); version 3 lists only the enablements
//! that change. A plan of another version is refused: plan again.

mod context;
mod desired;
mod diff;
mod fingerprint;
mod model;
pub mod view;

pub use context::PlanContext;
pub use desired::{ClientEnablement, Desired};
pub use diff::diff;
pub use fingerprint::live_fingerprint;
pub use model::{
    Address, Change, ChangeAction, FORMAT_VERSION, FieldChange, Kind, Note, Plan, Summary,
};

#[cfg(test)]
mod tests;
