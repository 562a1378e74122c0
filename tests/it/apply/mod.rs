//! `tenantform apply` against the in-process emulator: convergence, touching only what
//! changed, safety refusals, saved plans, secrets, and faults.

mod edits;
mod faults;
mod safety;
mod saved_plan;
mod support;
