//! Counters of what the client did, readable while it runs (for `--verbose` and benchmarks).

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the client's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// Management API requests sent (every attempt, retries included; token requests excluded).
    pub requests: u64,
    /// Responses with status 429.
    pub rate_limited: u64,
    /// Attempts that repeated an earlier one (after a 429, a 5xx, a transport error or a 401).
    pub retries: u64,
    /// Requests to the token endpoint.
    pub token_requests: u64,
}

#[derive(Debug, Default)]
pub(crate) struct StatsCounters {
    requests: AtomicU64,
    rate_limited: AtomicU64,
    retries: AtomicU64,
    token_requests: AtomicU64,
}

impl StatsCounters {
    pub(crate) fn request_sent(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn token_requested(&self) {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> RequestStats {
        RequestStats {
            requests: self.requests.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            token_requests: self.token_requests.load(Ordering::Relaxed),
        }
    }
}
