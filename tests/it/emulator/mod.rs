//! Tests that judge the emulator's fidelity: replayed Auth0 recordings, property tests,
//! an independent client written from the OpenAPI spec, rate limits, faults and the binary.

mod independent_client;
mod replay;
mod support;
