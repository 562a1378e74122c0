//! Random pauses before Management API requests are served, so that concurrent clients'
//! requests interleave differently from run to run (tests of concurrent applies). Off unless
//! [`crate::Emulator::set_jitter`] turns it on; the pauses come from the tenant's seed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

#[derive(Debug, Default)]
pub struct Jitter {
    /// The longest pause, in microseconds (0: off).
    max_micros: AtomicU64,
    /// Requests paused so far (with the seed, picks each pause).
    count: AtomicU64,
}

impl Jitter {
    pub fn set(&self, max: Duration) {
        let micros = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
        self.max_micros.store(micros, Ordering::SeqCst);
    }

    /// Waits between zero and the longest pause.
    pub async fn pause(&self, seed: u64) {
        let max = self.max_micros.load(Ordering::SeqCst);
        if max == 0 {
            return;
        }
        let index = self.count.fetch_add(1, Ordering::SeqCst);
        let mut rng =
            StdRng::seed_from_u64(seed.rotate_left(17) ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
        tokio::time::sleep(Duration::from_micros(rng.random_range(0..=max))).await;
    }
}
