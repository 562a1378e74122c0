//! tenantform: make an Auth0 tenant code.
//!
//! The flow of data (see ARCHITECTURE.md): tenant files are loaded into
//! [`tenantform_core::model`], the live tenant is read through [`api`] and normalized by
//! [`tenantform_core::live`] into the same model, [`tenantform_core::plan`] diffs the two
//! (pure), [`apply`] executes a plan, [`render`] writes Streamlit secrets, [`export`] writes a
//! tenant file from a live tenant, and the `auth0-emulator` crate is a local Auth0 tenant with
//! the real API's semantics.

mod action_tests;
pub mod api;
pub mod apply;
pub mod cli;
pub mod commands;
pub mod error_text;
pub mod export;
pub mod login;
mod node;
mod plan_output;
pub mod planning;
pub mod printer;
pub mod render;
mod session;
mod tenants;
mod yaml_files;
