//! The Auth0 Management API client: token, http (retry, rate limit), pagination, and one file
//! per resource kind returning raw JSON (normalization lives in `tenantform_core::live`).

pub mod actions;
pub mod client;
pub mod client_grants;
pub mod clients;
pub mod connections;
pub mod email_provider;
pub mod email_templates;
pub mod error;
pub mod http;
pub mod pagination;
pub mod rate_limit;
pub mod rate_limit_cache;
pub mod read_tenant;
pub mod resource_servers;
pub mod settings;
pub mod stats;
pub mod tenant_settings;
mod token;
pub mod users;

pub use actions::{ActionFilter, BindingRef};
pub use client::{ManagementClient, Query};
pub use client_grants::GrantFilter;
pub use clients::FieldSelection;
pub use connections::{ConnectionFilter, ENABLED_CLIENTS_CHUNK};
pub use error::{ApiError, RequestLine};
pub use http::{
    ApiResponse, Observers, RequestEvent, RequestObserver, SLOW_AFTER, SlowObserver, SlowRequest,
    Waiting,
};
pub use pagination::{PAGE_SIZE, Totals};
pub use rate_limit::RateLimiter;
pub use settings::{ConnectionSettings, SettingsError};
pub use stats::RequestStats;
