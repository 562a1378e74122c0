//! tenantform: make an Auth0 tenant code.
//!
//! The flow of data (see README): tenant files are loaded into [`model`], the live tenant is
//! read through [`api`] and normalized by [`live`] into the same model, [`plan`] diffs the two
//! (pure), [`apply`] executes a plan, [`render`] writes Streamlit secrets, and [`emulator`] is a
//! local Auth0 tenant with the real API's semantics.

pub mod api;
pub mod apply;
pub mod atomic_file;
pub mod cli;
pub mod commands;
pub mod emulator;
pub mod export;
pub mod live;
pub mod model;
pub mod plan;
pub mod planning;
pub mod printer;
pub mod render;
