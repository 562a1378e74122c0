//! Tests that judge the emulator's fidelity: replayed Auth0 recordings, property tests,
//! an independent client written from the `OpenAPI` spec, rate limits, faults and the binary.

mod binary;
mod independent_client;
mod oidc;
mod paging;
mod rate_limit_and_faults;
mod replay;
mod round_trips;
pub mod support;
