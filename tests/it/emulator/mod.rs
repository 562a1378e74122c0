//! `tenantform emulate`, the binary. The emulator's own tests (replayed Auth0 recordings,
//! paging, rate limits and faults, round trips, OIDC, an independent client) live with it, in
//! `crates/auth0-emulator/tests/`.

mod binary;
