//! Plans: the typed change model, the diff that computes it, and its renderers.
//!
//! Planning is pure and synchronous: [`diff`] takes the loaded [`TenantFile`](crate::model::TenantFile),
//! a [`LiveTenant`](crate::live::LiveTenant) and a [`PlanContext`], and returns a [`Plan`]. Every
//! output format is a view of the same plan ([`render_human`], [`render_json`],
//! [`render_markdown`]). The JSON format is documented in `docs/plan-format.md`.

mod context;
mod desired;
mod diff;
mod fingerprint;
mod model;
mod render;

pub use context::PlanContext;
pub use desired::{ClientEnablement, Desired};
pub use diff::diff;
pub use fingerprint::live_fingerprint;
pub use model::{
    Address, Change, ChangeAction, FORMAT_VERSION, FieldChange, Kind, Note, Plan, Summary,
};
pub use render::{HumanOptions, render_human, render_json, render_markdown};

#[cfg(test)]
mod tests;
