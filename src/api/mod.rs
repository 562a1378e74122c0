//! The Auth0 Management API client: token, http (retry, rate limit), pagination, and one file
//! per resource kind returning raw JSON (normalization lives in `crate::live`).

pub mod error;
pub mod rate_limit;
pub mod settings;
pub mod stats;

pub use error::{ApiError, RequestLine};
pub use rate_limit::RateLimiter;
pub use settings::{ConnectionSettings, SettingsError};
pub use stats::RequestStats;
