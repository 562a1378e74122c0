//! The pure heart of tenantform: the tenant model ([`model`]: files loaded, `${VAR}` resolved,
//! validated), the live tenant normalized into the same model ([`live`]) and the plan between
//! them ([`plan`]). No network: the CLI crate reads the live tenant and executes plans.

pub mod live;
pub mod model;
pub mod plan;
