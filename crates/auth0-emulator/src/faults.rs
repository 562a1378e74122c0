//! Injected faults: with probability P a request meets one, chosen by an RNG seeded from
//! `--seed` and the request's index, so the same run sees the same sequence.
//!
//! Only Management API requests (`/api/v2/...`) are faulted and counted: the token is fetched
//! once per run and cached, and faulting it would only shift the sequence between runs.

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 Internal Server Error.
    ServerError,
    /// 503 Service Unavailable.
    Unavailable,
    /// 429 with Auth0's body.
    TooManyRequests,
    /// The connection is closed without a response; nothing is done.
    DropConnection,
    /// The response comes after a delay longer than a client's timeout.
    SlowResponse,
    /// A write is committed, then the connection is closed without a response.
    CommitThenDrop,
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::ServerError => "server_error_500",
            Fault::Unavailable => "service_unavailable_503",
            Fault::TooManyRequests => "too_many_requests_429",
            Fault::DropConnection => "dropped_connection",
            Fault::SlowResponse => "slow_response",
            Fault::CommitThenDrop => "committed_then_dropped",
        }
    }
}

/// Decides the fault of request number `index`.
pub fn fault_for(seed: u64, index: u64, probability: f64, is_write: bool) -> Option<Fault> {
    if probability <= 0.0 {
        return None;
    }
    let mut rng = StdRng::seed_from_u64(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    if rng.random::<f64>() >= probability {
        return None;
    }
    let kinds: &[Fault] = if is_write {
        &[
            Fault::ServerError,
            Fault::Unavailable,
            Fault::TooManyRequests,
            Fault::DropConnection,
            Fault::SlowResponse,
            Fault::CommitThenDrop,
        ]
    } else {
        &[
            Fault::ServerError,
            Fault::Unavailable,
            Fault::TooManyRequests,
            Fault::DropConnection,
            Fault::SlowResponse,
        ]
    };
    Some(kinds[rng.random_range(0..kinds.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let run = |seed| {
            (0..200)
                .map(|i| fault_for(seed, i, 0.3, i % 2 == 0))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }

    #[test]
    fn probability_is_respected_roughly() {
        let faults = (0..10_000)
            .filter(|i| fault_for(7, *i, 0.3, true).is_some())
            .count();
        assert!((2_700..3_300).contains(&faults), "{faults}");
        assert!((0..1000).all(|i| fault_for(7, i, 0.0, true).is_none()));
    }

    #[test]
    fn reads_never_commit_then_drop() {
        assert!(
            (0..5000)
                .filter_map(|i| fault_for(3, i, 1.0, false))
                .all(|f| f != Fault::CommitThenDrop)
        );
        assert!(
            (0..5000)
                .filter_map(|i| fault_for(3, i, 1.0, true))
                .any(|f| f == Fault::CommitThenDrop)
        );
    }
}
