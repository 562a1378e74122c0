//! The one integration-test binary: drives the real CLI and the in-process emulator.
//! Each area has its own module directory.

mod api;
mod apply;
mod emulator;
mod export;
mod plan;
mod render;
mod support;
mod validate;
