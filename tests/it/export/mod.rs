//! `tenantform export`: round trip against the emulator, determinism, refusal to overwrite,
//! write-only variables.

mod roundtrip;
mod seed;
