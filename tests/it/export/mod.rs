//! `tenantform export`: round trip against the emulator, determinism, refusal to overwrite,
//! write-only variables.

mod lossless;
mod no_app_type;
mod roundtrip;
mod schema_file;
mod seed;
