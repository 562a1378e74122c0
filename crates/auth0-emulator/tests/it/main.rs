//! The emulator's own integration tests, with no dependency on tenantform: replayed Auth0
//! recordings, paging, rate limits and faults, round trips, OIDC login (database and social),
//! and an independent client written from the `OpenAPI` spec. Each starts an in-process
//! emulator on `127.0.0.1:0`.

mod bad_requests;
mod deploy_cli;
mod independent_client;
mod login;
mod login_actions;
mod oidc;
mod paging;
mod rate_limit_and_faults;
mod recorded_errors;
mod replay;
mod round_trips;
mod social_login;
mod support;
