//! The one integration-test binary: drives the real CLI (`support::Cli`) and the in-process
//! emulator. Each area has its own module directory; what they share is in `support`. The
//! emulator's own tests live with it, in `crates/auth0-emulator/tests/`.

mod actions;
mod api;
mod apis;
mod apply;
mod emulator;
mod export;
mod multi;
mod output;
mod plan;
mod render;
mod requests;
mod social;
mod support;
mod validate;
mod wire;
