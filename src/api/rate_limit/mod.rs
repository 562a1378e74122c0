//! A client-side mirror of Auth0's token bucket, so that requests wait *before* they would be
//! refused instead of collecting 429s.
//!
//! The server is a token bucket: `x-ratelimit-limit` is the burst (capacity), tokens refill
//! continuously, `x-ratelimit-remaining` is what is left after this request and
//! `x-ratelimit-reset` (Unix seconds) is when the bucket is full again. The refill rate is not
//! sent. A bucket whose burst is one Auth0 publishes (`auth0_wire::rate_limits`: the free
//! plan's 2, enterprise's 50, the email writes' 5) is paced at the published rate from its first
//! answer, with a smaller margin, and is never probed; windows (below) still raise or cap it
//! and 429s lower it. Any other bucket's rate is estimated:
//! - from each response alone: `(limit - remaining) / (reset - now)`, the largest seen so far
//!   (the reset is whole seconds, so one sample is coarse; their maximum converges quickly);
//! - over a window of consecutive responses in which the bucket never filled up:
//!   `(remaining_now - remaining_then + requests_counted) / elapsed`, whose error shrinks as
//!   the window grows; its lower bound raises the estimate and, once the window has seen ten
//!   tokens refill, its upper bound caps it (this corrects samples from a server that rounds
//!   the reset down);
//! - when the server reports a whole token more than the local bucket holds, beyond the
//!   fraction of a token it may hold above its last whole-token report, the estimate is too low
//!   (a small bucket refilled fast looks like a slow one) and grows by a quarter, while the
//!   samples' upper bound is loose. Taking that fraction for evidence made the guess overshoot
//!   small buckets and cost back-to-back runs 429s; published buckets are never probed;
//! - a 429 means the estimate was too high: it is lowered and capped for the rest of the run.
//!
//! Requests in flight hold a token from the local bucket; when a response reports fewer
//! tokens than the local bucket believes, the local bucket is lowered to what the server says
//! minus the other requests still in flight (which the server may not have counted yet) and
//! those answered while it was in flight (concurrent answers arrive out of order: a request
//! the server counted later may be answered first). Raising the local bucket on an overtaken
//! answer was what cost a burst-50 fan-out its 429s.

mod model;

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use tokio::sync::Notify;

pub use model::{Admission, BucketModel, RateLimitHeaders};

use super::rate_limit_cache::{self, Ready};

/// How long a request waiting for the first answer sleeps before asking again if no answer
/// wakes it.
const FIRST_ANSWER_POLL: Duration = Duration::from_millis(100);

/// The buckets Auth0 keeps apart. Every Management API request draws from the tenant's
/// global bucket; writes to the email templates and the email provider also draw from a
/// smaller bucket of their own (free plan: burst 5, 25 per minute;
/// `auth0_wire::rate_limits::FREE_EMAIL_WRITES`), and their responses carry that
/// bucket's headers. Folded into one model, those headers would make the global bucket look
/// slow and the email bucket look fast, and the email writes would collect 429s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    General,
    EmailWrite,
}

impl Endpoint {
    /// The bucket class of `method` on `path` (`/api/v2/...`).
    pub fn of(method: &reqwest::Method, path: &str) -> Self {
        let api = path.split_once("/api/v2/").map_or(path, |(_, rest)| rest);
        let email = api.starts_with("email-templates") || api.starts_with("emails/provider");
        if email && method != reqwest::Method::GET {
            Endpoint::EmailWrite
        } else {
            Endpoint::General
        }
    }
}

/// The shared limiter: one [`BucketModel`] per bucket Auth0 keeps, behind locks, with async
/// waiting.
#[derive(Debug)]
pub struct RateLimiter {
    global: Mutex<BucketModel>,
    email_writes: Mutex<BucketModel>,
    /// Wakes the requests waiting for a token at each answer: the first answer tells the
    /// limits the others wait for, and an answer may show a token sooner than predicted.
    answered: Notify,
}

/// A request admitted by the limiter. Report its answer with [`Admitted::observe`]; dropping it
/// unanswered (error, cancellation) releases it.
#[derive(Debug)]
pub struct Admitted<'a> {
    limiter: &'a RateLimiter,
    endpoint: Endpoint,
    /// The answering bucket's count of answers when this request was admitted.
    answered_at_send: u64,
    done: bool,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self {
            global: Mutex::new(BucketModel::default()),
            email_writes: Mutex::new(BucketModel::email_writes()),
            answered: Notify::new(),
        }
    }
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits until a request to `endpoint` may be sent without being refused. An email write
    /// first waits for its own bucket, then holds a token of the global one too.
    pub async fn admit(&self, endpoint: Endpoint) -> Admitted<'_> {
        let mut answered_at_send = 0;
        if endpoint == Endpoint::EmailWrite {
            answered_at_send = wait_for(&self.email_writes, &self.answered).await;
        }
        let global = wait_for(&self.global, &self.answered).await;
        if endpoint == Endpoint::General {
            answered_at_send = global;
        }
        Admitted {
            limiter: self,
            endpoint,
            answered_at_send,
            done: false,
        }
    }

    /// Reads what the previous run against `origin` left in the cache file `path`: until then,
    /// the first request to each bucket waits for the token that run said would be back.
    pub fn recall(&self, path: Option<&Path>, origin: &str) {
        if let Some(path) = path {
            self.resume(
                rate_limit_cache::load(path, origin),
                unix_now(),
                Instant::now(),
            );
        }
    }

    /// Writes to the cache file `path` when each bucket this run used holds a whole token
    /// again, for the next run (a new process that cannot know what this one spent). Nothing
    /// is waited for here; the next run waits only if it comes sooner.
    pub fn remember(&self, path: Option<&Path>, origin: &str) {
        let Some(path) = path else { return };
        let now = unix_now();
        let ready = self.ready(now, Instant::now());
        // A cache: a failed write costs the next run at most one retried 429.
        let _ = rate_limit_cache::store(path, origin, ready, now);
    }

    /// `ready` (Unix seconds) as waits before each bucket's first request.
    fn resume(&self, ready: Ready, unix_now: f64, now: Instant) {
        for (bucket, at) in [
            (&self.global, ready.global),
            (&self.email_writes, ready.email_writes),
        ] {
            if let Some(wait) = Ready::wait(at, unix_now) {
                lock(bucket).not_before(now + Duration::from_secs_f64(wait));
            }
        }
    }

    /// When each bucket holds a whole token again (Unix seconds; `None`: it does now, or it
    /// was not used).
    fn ready(&self, unix_now: f64, now: Instant) -> Ready {
        let at = |bucket: &Mutex<BucketModel>| {
            let mut bucket = lock(bucket);
            bucket
                .until_the_next_run_may_send(now)
                .map(|wait| unix_now + wait.as_secs_f64())
        };
        Ready {
            global: at(&self.global),
            email_writes: at(&self.email_writes),
        }
    }

    /// The global bucket's refill-rate estimate (requests per second), when known.
    pub fn estimated_rate(&self) -> Option<f64> {
        lock(&self.global).estimated_rate()
    }

    /// Whether a request held by the limiter waits on this run's own work rather than on the
    /// rate limit: until the first answer tells the limits (it waits on this run's first
    /// request), or when the bucket has a token again (it is let through at its next check).
    pub fn holds_for_own_work(&self) -> bool {
        lock(&self.global).holds_for_own_work(Instant::now())
    }
}

/// Waits for a token of `bucket`, asking again when the wait it was told is over or when an
/// answer arrives (`answered`), whichever is first; returns its count of answers at that moment.
async fn wait_for(bucket: &Mutex<BucketModel>, answered: &Notify) -> u64 {
    loop {
        // Registered before asking, so an answer between the two is not missed.
        let next_answer = answered.notified();
        tokio::pin!(next_answer);
        next_answer.as_mut().enable();
        let (admission, count) = {
            let mut bucket = lock(bucket);
            (bucket.admit(Instant::now()), bucket.answered())
        };
        let wait = match admission {
            Admission::Go => return count,
            Admission::Wait(wait) => wait,
            // Woken by that answer; the timeout only guards against a lost wake-up.
            Admission::WaitForFirstResponse => FIRST_ANSWER_POLL,
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = &mut next_answer => {}
        }
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

fn lock(bucket: &Mutex<BucketModel>) -> std::sync::MutexGuard<'_, BucketModel> {
    bucket
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Admitted<'_> {
    /// Feeds the response's headers to the bucket they describe: an email write's to the email
    /// bucket (the global one only counts it as answered).
    pub fn observe(mut self, headers: &HeaderMap, rate_limited: bool) {
        self.done = true;
        let parsed = RateLimitHeaders::from_headers(headers);
        let reset_in = parsed.map_or(0.0, |h| h.reset_in(SystemTime::now()));
        let now = Instant::now();
        match self.endpoint {
            Endpoint::General => {
                lock(&self.limiter.global).observe_sent_after(
                    now,
                    parsed,
                    reset_in,
                    rate_limited,
                    self.answered_at_send,
                );
            }
            Endpoint::EmailWrite => {
                lock(&self.limiter.email_writes).observe_sent_after(
                    now,
                    parsed,
                    reset_in,
                    rate_limited,
                    self.answered_at_send,
                );
                lock(&self.limiter.global).answered_elsewhere();
            }
        }
        self.limiter.answered.notify_waiters();
    }
}

impl Drop for Admitted<'_> {
    fn drop(&mut self) {
        if !self.done {
            lock(&self.limiter.global).abandon();
            if self.endpoint == Endpoint::EmailWrite {
                lock(&self.limiter.email_writes).abandon();
            }
            self.limiter.answered.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::model::tests::learned;
    use super::*;

    #[tokio::test]
    async fn a_request_waiting_for_the_first_answer_goes_when_it_arrives() {
        let limiter = std::sync::Arc::new(RateLimiter::new());
        let first = limiter.admit(Endpoint::General).await;
        let waiting = {
            let limiter = std::sync::Arc::clone(&limiter);
            tokio::spawn(async move {
                let started = Instant::now();
                limiter
                    .admit(Endpoint::General)
                    .await
                    .observe(&HeaderMap::new(), false);
                started.elapsed()
            })
        };
        tokio::task::yield_now().await;
        first.observe(&HeaderMap::new(), false);
        // Woken by the answer, not by its next poll.
        let waited = waiting.await.unwrap();
        assert!(waited < FIRST_ANSWER_POLL / 2, "{waited:?}");
    }

    #[tokio::test]
    async fn a_request_waiting_for_a_token_goes_when_an_answer_shows_one() {
        let headers = |remaining: u32| {
            let reset = SystemTime::now() + Duration::from_secs(60);
            let reset = reset.duration_since(UNIX_EPOCH).unwrap().as_secs();
            let mut map = HeaderMap::new();
            map.insert("x-ratelimit-limit", "10".parse().unwrap());
            map.insert(
                "x-ratelimit-remaining",
                remaining.to_string().parse().unwrap(),
            );
            map.insert("x-ratelimit-reset", reset.to_string().parse().unwrap());
            map
        };
        let limiter = std::sync::Arc::new(RateLimiter::new());
        // One token left, refilled (it seems) over a minute.
        limiter
            .admit(Endpoint::General)
            .await
            .observe(&headers(1), false);
        let last_token = limiter.admit(Endpoint::General).await;
        let waiting = {
            let limiter = std::sync::Arc::clone(&limiter);
            tokio::spawn(async move {
                let started = Instant::now();
                let admitted = limiter.admit(Endpoint::General).await;
                admitted.observe(&headers(4), false);
                started.elapsed()
            })
        };
        tokio::task::yield_now().await;
        // The server holds five: the waiting request need not sleep out its wait of seconds.
        last_token.observe(&headers(5), false);
        let waited = waiting.await.unwrap();
        assert!(waited < Duration::from_secs(1), "{waited:?}");
    }

    #[tokio::test]
    async fn a_request_held_for_the_first_answer_or_by_no_limits_waits_on_own_work() {
        let limiter = RateLimiter::new();
        assert!(!limiter.holds_for_own_work(), "nothing in flight yet");
        let first = limiter.admit(Endpoint::General).await;
        assert!(
            limiter.holds_for_own_work(),
            "the first request probes the limits"
        );
        first.observe(&HeaderMap::new(), false);
        // No limits: a request still in the limiter is let through at its next check.
        assert!(limiter.holds_for_own_work());
    }

    #[tokio::test]
    async fn a_request_held_by_an_empty_bucket_waits_on_the_rate_limit() {
        let limiter = RateLimiter::new();
        let first = limiter.admit(Endpoint::General).await;
        let reset = SystemTime::now() + Duration::from_secs(60);
        let reset = reset
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "2".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        headers.insert("x-ratelimit-reset", reset.to_string().parse().unwrap());
        first.observe(&headers, false);
        assert!(
            !limiter.holds_for_own_work(),
            "no token: the wait is the rate limit's"
        );
    }

    #[test]
    fn email_writes_are_their_own_bucket_and_reads_are_not() {
        use reqwest::Method;
        let of = |method: Method, path: &str| Endpoint::of(&method, path);
        assert_eq!(
            of(Method::PATCH, "/api/v2/email-templates/verify_email"),
            Endpoint::EmailWrite
        );
        assert_eq!(
            of(Method::POST, "/api/v2/emails/provider"),
            Endpoint::EmailWrite
        );
        assert_eq!(
            of(Method::GET, "/api/v2/email-templates/verify_email"),
            Endpoint::General
        );
        assert_eq!(of(Method::PATCH, "/api/v2/clients/abc"), Endpoint::General);
    }

    #[test]
    fn email_headers_do_not_teach_the_global_bucket() {
        let limiter = RateLimiter::new();
        let now = Instant::now();
        *lock(&limiter.global) = learned(2, 1, 2.0, now);
        let global_before = limiter.estimated_rate();
        // An email write answered with the email bucket's headers (burst 5, 25 per minute).
        let mut email = HeaderMap::new();
        email.insert("x-ratelimit-limit", "5".parse().unwrap());
        email.insert("x-ratelimit-remaining", "4".parse().unwrap());
        let reset = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 3;
        email.insert("x-ratelimit-reset", reset.to_string().parse().unwrap());
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(async {
                let admitted = limiter.admit(Endpoint::EmailWrite).await;
                admitted.observe(&email, false);
            });
        assert_eq!(limiter.estimated_rate(), global_before);
        assert_eq!(lock(&limiter.global).in_flight(), 0);
        let email_bucket = lock(&limiter.email_writes);
        assert_eq!(email_bucket.in_flight(), 0);
        assert!(
            email_bucket.estimated_rate().unwrap() < 1.0,
            "the email bucket learned its own, slower rate: {:?}",
            email_bucket.estimated_rate()
        );
    }

    #[test]
    fn the_next_run_waits_for_the_token_this_run_said_would_be_back() {
        let now = Instant::now();
        let unix_now = 1_700_000_000.0;
        let run = RateLimiter::new();
        // Free plan, drained by this run: a token is back in about half a second.
        *lock(&run.global) = learned(2, 0, 2.0, now);
        let ready = run.ready(unix_now, now);
        let back = ready.global.expect("drained: a time to wait for") - unix_now;
        assert!((0.45..=1.1).contains(&back), "{back}");
        assert_eq!(ready.email_writes, None, "the email bucket was not used");

        // The next process, a tenth of a second later: its first request waits the rest.
        let next = RateLimiter::new();
        let later = now + Duration::from_millis(100);
        next.resume(ready, unix_now + 0.1, later);
        match lock(&next.global).admit(later) {
            Admission::Wait(wait) => assert!(
                (wait.as_secs_f64() - (back - 0.1)).abs() < 0.01,
                "{wait:?} for {back}"
            ),
            other => panic!("the first request went before the token was back: {other:?}"),
        }
        let then = later + Duration::from_secs_f64(back);
        assert_eq!(lock(&next.global).admit(then), Admission::Go);
        // Other origins' runs, or a bucket nobody drained: no wait.
        let fresh = RateLimiter::new();
        fresh.resume(Ready::default(), unix_now, now);
        assert_eq!(lock(&fresh.global).admit(now), Admission::Go);
        // A run that sent nothing passes on what it was told.
        assert_eq!(next_unused_ready(ready, unix_now, now), ready.global);
    }

    fn next_unused_ready(ready: Ready, unix_now: f64, now: Instant) -> Option<f64> {
        let limiter = RateLimiter::new();
        limiter.resume(ready, unix_now, now);
        limiter.ready(unix_now, now).global
    }
}
