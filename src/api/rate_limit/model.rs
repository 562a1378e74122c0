//! The pure model of one rate-limit bucket: what a request must do before it is sent, and what
//! each answer's `x-ratelimit-*` headers teach (see the parent module for how the refill rate
//! is found). Every method takes the current time, so simulations drive it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use auth0_wire::rate_limits;
use reqwest::header::HeaderMap;

/// The three rate-limit headers of one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub limit: u32,
    pub remaining: u32,
    /// Unix epoch seconds at which the bucket is full again.
    pub reset: u64,
}

impl RateLimitHeaders {
    /// The headers of a response, when all three are present and numeric.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        Some(Self {
            limit: u32::try_from(number("x-ratelimit-limit")?).ok()?,
            remaining: u32::try_from(number("x-ratelimit-remaining")?).ok()?,
            reset: number("x-ratelimit-reset")?,
        })
    }

    /// Seconds from `now` until the reset (negative when it is already past).
    pub fn reset_in(&self, now: SystemTime) -> f64 {
        let now = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        let reset = self.reset as f64;
        reset - now
    }
}

/// What a request must do before it is sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Admission {
    Go,
    /// Wait this long, then ask again.
    Wait(Duration),
    /// The limits are unknown and a first request is in flight: wait for its answer.
    WaitForFirstResponse,
}

/// Pacing below a measured estimate by this factor leaves room for its error and for clock and
/// latency jitter.
const SAFETY: f64 = 0.97;
/// Pacing below a published rate (exact unless the answers contradict it) leaves room for
/// latency jitter only.
const PUBLISHED_SAFETY: f64 = 0.99;
/// A 429 lowers the rate ceiling to this share of the rate that produced it.
const BACKOFF_FACTOR: f64 = 0.85;
/// How much the estimate grows when the server turns out to refill faster than it.
const PROBE_FACTOR: f64 = 1.25;
/// Windows shorter than this give no estimate (latency jitter dominates).
const MIN_WINDOW: Duration = Duration::from_secs(1);
/// A window that has seen this many tokens refill (whole-token rounding is then at most a
/// tenth of it) also caps the estimate with its upper bound.
const TRUSTED_WINDOW_TOKENS: f64 = 10.0;

#[derive(Debug, Clone, Copy)]
struct WindowAnchor {
    at: Instant,
    remaining: f64,
    counted: u64,
}

#[derive(Debug, Clone)]
struct Bucket {
    capacity: f64,
    /// Auth0's published refill rate for a bucket of this kind and burst, if any
    /// (`auth0_wire::rate_limits`).
    published: Option<f64>,
    tokens: f64,
    updated: Instant,
    /// Largest single-response estimate (requests per second).
    sampled_rate: f64,
    /// Smallest single-response upper bound: the deficit `limit - remaining` refilled in more
    /// than `reset - now - 1` seconds, however the server rounds the reset.
    sampled_upper: f64,
    /// Set by 429s: the estimate never exceeds it again.
    ceiling: f64,
    window: Option<WindowAnchor>,
    /// Responses the server counted against the bucket (every non-429 response with headers).
    counted: u64,
    window_lower: f64,
    window_upper: f64,
    /// The whole tokens the server last reported (less the requests then in flight), and
    /// when: the least the server can hold, where `tokens` may be up to one more.
    reported: f64,
    reported_at: Instant,
}

impl Bucket {
    fn rate(&self) -> f64 {
        self.estimate().0
    }

    /// The refill rate, and whether it is the published one.
    ///
    /// A published bucket starts at its published rate: single answers (whole-second resets)
    /// cannot tell a short run more, and at the free plan's burst of 2 a run would otherwise
    /// spend its first seconds below the rate or probe above it. Windows of answers still raise
    /// it (the tenant refills faster) or cap it, and a 429 lowers it, as for any bucket.
    fn estimate(&self) -> (f64, bool) {
        let measured = self.sampled_rate.max(self.window_lower);
        let mut rate = match self.published {
            Some(published) => published.max(self.window_lower),
            // Nothing measured yet (e.g. the first answer was a 429): assume the bucket refills
            // within a second.
            None if measured == 0.0 => self.capacity,
            None => measured,
        };
        if self.window_upper.is_finite() {
            rate = rate.min(self.window_upper);
        }
        rate = rate.min(self.ceiling).max(0.01);
        (rate, self.published == Some(rate))
    }

    /// The rate requests are paced at: the estimate less a margin for its error and jitter.
    fn pace(&self) -> f64 {
        match self.estimate() {
            (rate, true) => rate * PUBLISHED_SAFETY,
            (rate, false) => rate * SAFETY,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.pace()).min(self.capacity);
        self.updated = now;
    }
}

#[derive(Debug, Clone)]
enum Mode {
    /// No response seen yet: one request probes the limits.
    Unknown,
    /// Responses carry no rate-limit headers: never wait.
    Unlimited,
    Limited(Bucket),
}

/// The limiter's state, pure: every method takes the current time.
#[derive(Debug, Clone)]
pub struct BucketModel {
    mode: Mode,
    /// Auth0's published refill rate of this kind of bucket, by burst.
    published_rate: fn(u32) -> Option<f64>,
    in_flight: u32,
    /// Answers observed so far: a request's answer compares it with the count at its sending.
    answered: u64,
    /// Before the limits are known: when the previous run said the bucket holds a token again.
    not_before: Option<Instant>,
}

impl Default for BucketModel {
    /// The model of a tenant's global bucket.
    fn default() -> Self {
        Self {
            mode: Mode::Unknown,
            published_rate: rate_limits::global_rate,
            in_flight: 0,
            answered: 0,
            not_before: None,
        }
    }
}

impl BucketModel {
    /// The model of the bucket of email template and provider writes.
    pub fn email_writes() -> Self {
        Self {
            published_rate: rate_limits::email_write_rate,
            ..Self::default()
        }
    }

    /// May a request be sent now? On `Go`, the request is counted as in flight.
    pub fn admit(&mut self, now: Instant) -> Admission {
        match &mut self.mode {
            Mode::Unknown if self.in_flight > 0 => return Admission::WaitForFirstResponse,
            Mode::Unknown => {
                if let Some(wait) = self.not_before.map(|at| at.saturating_duration_since(now))
                    && !wait.is_zero()
                {
                    return Admission::Wait(wait);
                }
            }
            Mode::Unlimited => {}
            Mode::Limited(bucket) => {
                bucket.refill(now);
                if bucket.tokens < 1.0 {
                    let rate = bucket.pace();
                    let wait = ((1.0 - bucket.tokens) / rate).clamp(0.001, 60.0);
                    return Admission::Wait(Duration::from_secs_f64(wait));
                }
                bucket.tokens -= 1.0;
            }
        }
        self.in_flight += 1;
        Admission::Go
    }

    /// A request admitted earlier got no answer (transport error or cancelled).
    pub fn abandon(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// Answers observed so far (see [`BucketModel::observe_sent_after`]).
    pub fn answered(&self) -> u64 {
        self.answered
    }

    /// A request admitted earlier got an answer with these headers (`reset_in` is seconds from
    /// `now` until the reset). `rate_limited` is true for a 429.
    pub fn observe(
        &mut self,
        now: Instant,
        headers: Option<RateLimitHeaders>,
        reset_in: f64,
        rate_limited: bool,
    ) {
        self.observe_sent_after(now, headers, reset_in, rate_limited, self.answered);
    }

    /// [`BucketModel::observe`] for a request sent when `answered_at_send` answers had been
    /// observed. Answers that arrived while it was in flight may be of requests the server
    /// counted after it (concurrent answers arrive out of order): its `remaining` does not
    /// include them, so they count as in flight too.
    pub fn observe_sent_after(
        &mut self,
        now: Instant,
        headers: Option<RateLimitHeaders>,
        reset_in: f64,
        rate_limited: bool,
        answered_at_send: u64,
    ) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let overtaken = self.answered.saturating_sub(answered_at_send);
        self.answered += 1;
        #[allow(clippy::cast_precision_loss)]
        let others = f64::from(self.in_flight) + overtaken as f64;
        let Some(headers) = headers else {
            if matches!(self.mode, Mode::Unknown) {
                self.mode = Mode::Unlimited;
            }
            return;
        };
        let capacity = f64::from(headers.limit.max(1));
        let remaining = f64::from(headers.remaining);
        let bucket = match &mut self.mode {
            Mode::Limited(bucket) => {
                bucket.refill(now);
                bucket.capacity = capacity;
                bucket
            }
            mode => {
                *mode = Mode::Limited(Bucket {
                    capacity,
                    published: (self.published_rate)(headers.limit),
                    tokens: remaining - others,
                    updated: now,
                    sampled_rate: 0.0,
                    sampled_upper: f64::INFINITY,
                    ceiling: f64::INFINITY,
                    window: None,
                    counted: 0,
                    window_lower: 0.0,
                    window_upper: f64::INFINITY,
                    reported: remaining - others,
                    reported_at: now,
                });
                let Mode::Limited(bucket) = mode else {
                    unreachable!()
                };
                bucket
            }
        };

        // The server refilled most of a token more than this bucket did, beyond the fraction of
        // a token it may hold above its whole-token report (which this bucket, set to the
        // report, never counts): the estimate is low (a single sample cannot tell a fast refill
        // of a small bucket). Probe upwards. Counting that fraction as evidence made the probe
        // overshoot small buckets refilled at about their burst per second (3 at 3/s) and cost
        // back-to-back runs a 429.
        if !rate_limited
            && bucket.published.is_none()
            && bucket.tokens + 1.75 < remaining - others
            && bucket.sampled_upper > 4.0 * bucket.rate()
        {
            let target = bucket.rate() * PROBE_FACTOR;
            bucket.sampled_rate = bucket.sampled_rate.max(target).min(bucket.ceiling);
        }

        bucket.reported = remaining - others;
        bucket.reported_at = now;
        // The server holds between `remaining` and `remaining + 1` tokens, less the requests
        // still in flight that it has not counted yet.
        if bucket.tokens > remaining + 1.0 || rate_limited || bucket.tokens < remaining - others {
            bucket.tokens = remaining - others;
        }

        if rate_limited {
            // Without an estimate yet (a 429 as first answer), there is no rate to lower.
            if bucket.sampled_rate > 0.0 || bucket.window_lower > 0.0 {
                bucket.ceiling = bucket.ceiling.min(bucket.rate() * BACKOFF_FACTOR);
            }
            bucket.window = None;
            bucket.window_lower = bucket.window_lower.min(bucket.ceiling);
            return;
        }
        bucket.counted += 1;

        if remaining < capacity && reset_in > 0.0 {
            let sample = (capacity - remaining) / reset_in.max(1.0);
            bucket.sampled_rate = bucket.sampled_rate.max(sample.min(bucket.ceiling));
            if reset_in > 1.0 {
                bucket.sampled_upper = bucket
                    .sampled_upper
                    .min((capacity - remaining) / (reset_in - 1.0));
            }
        } else if bucket.sampled_rate == 0.0 {
            // A full bucket says nothing about the rate; assume it refills within a second.
            bucket.sampled_rate = capacity;
        }

        // A window is valid only while the bucket never reached its capacity: a request that
        // leaves `capacity - 1` (or more, with others in flight) may have found it full.
        let may_have_been_full = remaining + 1.0 + others >= capacity;
        // Only an answer with no other request in flight or overtaken is the server's count
        // after exactly the requests answered so far: in a burst, an answer the server counted
        // early may arrive after later ones, and as a window's anchor it made the refill look
        // several tokens slower, capping the estimate low near the end of the run.
        let exact = others == 0.0;
        match bucket.window {
            Some(anchor) if !may_have_been_full => {
                let elapsed = now.saturating_duration_since(anchor.at);
                if exact && elapsed >= MIN_WINDOW {
                    #[allow(clippy::cast_precision_loss)]
                    let consumed = (bucket.counted - anchor.counted) as f64;
                    let secs = elapsed.as_secs_f64();
                    let central = remaining - anchor.remaining + consumed;
                    bucket.window_lower = ((central - 1.0) / secs)
                        .max(bucket.window_lower)
                        .min(bucket.ceiling);
                    if central >= TRUSTED_WINDOW_TOKENS {
                        bucket.window_upper = (central + 1.0) / secs;
                    }
                }
            }
            _ => {
                bucket.window = exact.then_some(WindowAnchor {
                    at: now,
                    remaining,
                    counted: bucket.counted,
                });
            }
        }
    }

    /// A request admitted earlier was answered with another bucket's headers: it spent a token
    /// here (the local bucket already took it) but says nothing about this bucket.
    pub fn answered_elsewhere(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// How long until the bucket holds a whole token (`None`: it does, or limits are unknown).
    pub fn until_a_token(&mut self, now: Instant) -> Option<Duration> {
        let Mode::Limited(bucket) = &mut self.mode else {
            return None;
        };
        bucket.refill(now);
        // The least the server can hold: what it last reported, refilled since. Pacing may
        // count on up to a token more; a new process cannot recover from that guess.
        let rate = bucket.pace();
        let since = now
            .saturating_duration_since(bucket.reported_at)
            .as_secs_f64();
        let least = bucket.tokens.min(bucket.reported + since * rate);
        // Waits are whole nanoseconds: a remainder below one is rounding, not a missing token.
        (least < 1.0 - 1e-9).then(|| Duration::from_secs_f64(((1.0 - least) / rate).min(60.0)))
    }

    /// Until the limits are known, sends nothing before `at` (when a previous run left the
    /// bucket a token).
    pub fn not_before(&mut self, at: Instant) {
        self.not_before = Some(at);
    }

    /// The current refill-rate estimate (requests per second), when limits are known.
    pub fn estimated_rate(&self) -> Option<f64> {
        match &self.mode {
            Mode::Limited(bucket) => Some(bucket.rate()),
            _ => None,
        }
    }

    /// How long a request of the next run (a new process) must wait for a token: what this run
    /// learned, or, when it sent nothing, what the previous run said.
    pub fn until_the_next_run_may_send(&mut self, now: Instant) -> Option<Duration> {
        match self.mode {
            Mode::Unknown => self
                .not_before
                .map(|at| at.saturating_duration_since(now))
                .filter(|wait| !wait.is_zero()),
            _ => self.until_a_token(now),
        }
    }

    /// Whether a request held here waits on this run's own work rather than on the rate limit:
    /// until the first answer tells the limits (it waits on this run's first request), or when
    /// the bucket has a token again (it is let through at its next check).
    pub fn holds_for_own_work(&mut self, now: Instant) -> bool {
        match self.mode {
            Mode::Unknown => self.in_flight > 0,
            Mode::Unlimited => true,
            Mode::Limited(_) => self.until_a_token(now).is_none(),
        }
    }

    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    type Rounding = fn(f64) -> f64;

    /// A server-side token bucket, as Auth0 (and the emulator) keep it.
    struct ServerBucket {
        capacity: f64,
        rate: f64,
        tokens: f64,
        at: f64,
        round: fn(f64) -> f64,
    }

    impl ServerBucket {
        fn new(capacity: u32, rate: f64, round: fn(f64) -> f64) -> Self {
            Self {
                capacity: f64::from(capacity),
                rate,
                tokens: f64::from(capacity),
                at: 0.0,
                round,
            }
        }

        /// Handles a request at time `t` (seconds); returns (accepted, headers, seconds to the reset).
        fn handle(&mut self, t: f64, epoch: f64) -> (bool, RateLimitHeaders, f64) {
            self.tokens = (self.tokens + (t - self.at) * self.rate).min(self.capacity);
            self.at = t;
            let accepted = self.tokens >= 1.0;
            if accepted {
                self.tokens -= 1.0;
            }
            let full_at = epoch + t + (self.capacity - self.tokens) / self.rate;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let headers = RateLimitHeaders {
                limit: self.capacity as u32,
                remaining: self.tokens.floor() as u32,
                reset: (self.round)(full_at) as u64,
            };
            #[allow(clippy::cast_precision_loss)]
            let reset_in = headers.reset as f64 - (epoch + t);
            (accepted, headers, reset_in)
        }
    }

    /// Sends `count` requests one after another (with `latency` each way) through the model
    /// against a simulated server, for each way the server may round the reset to whole
    /// seconds; returns (rounding, elapsed seconds, 429s).
    fn simulate(
        capacity: u32,
        rate: f64,
        count: u32,
        latency: f64,
    ) -> Vec<(&'static str, f64, u32)> {
        let roundings: [(&str, Rounding); 3] = [
            ("ceil", f64::ceil),
            ("floor", f64::floor),
            ("round", f64::round),
        ];
        roundings
            .into_iter()
            .map(|(name, round)| {
                let (elapsed, refused) = simulate_rounding(capacity, rate, count, latency, round);
                (name, elapsed, refused)
            })
            .collect()
    }

    /// Asserts the pace is within `slack` of the floor, with no 429 when the reset is rounded up
    /// (the bucket is full "by" that second) and at most `max_refused` otherwise.
    fn assert_paced(capacity: u32, rate: f64, count: u32, slack: f64, max_refused: u32) {
        let allowed = |rounding: &str| if rounding == "ceil" { 0 } else { max_refused };
        assert_pace(capacity, rate, count, slack, allowed);
    }

    /// Asserts the pace is within `slack` of the floor, with at most `allowed(rounding)` 429s.
    fn assert_pace(
        capacity: u32,
        rate: f64,
        count: u32,
        slack: f64,
        allowed: impl Fn(&str) -> u32,
    ) {
        let floor = f64::from(count - capacity) / rate;
        for (rounding, elapsed, refused) in simulate(capacity, rate, count, 0.002) {
            let context = format!(
                "burst {capacity}, {rate:.3}/s, reset {rounding}: {elapsed:.1}s (floor {floor:.1}s), {refused} refused"
            );
            assert!(elapsed < floor * slack, "too slow: {context}");
            assert!(
                elapsed >= floor * 0.99,
                "faster than the server allows: {context}"
            );
            assert!(refused <= allowed(rounding), "too many 429s: {context}");
        }
    }

    fn simulate_rounding(
        capacity: u32,
        rate: f64,
        count: u32,
        latency: f64,
        round: fn(f64) -> f64,
    ) -> (f64, u32) {
        let mut server = ServerBucket::new(capacity, rate, round);
        let clock = (Instant::now(), 1_700_000_000.37);
        run_against(
            &mut BucketModel::default(),
            &mut server,
            clock,
            0.0,
            (count, latency),
        )
    }

    /// Runs `count` requests one after another (each way taking `latency`) through `model` from
    /// time `t` against `server`; returns (end time, 429s).
    fn run_against(
        model: &mut BucketModel,
        server: &mut ServerBucket,
        (start, epoch): (Instant, f64),
        mut t: f64,
        (count, latency): (u32, f64),
    ) -> (f64, u32) {
        let (mut accepted_count, mut refused, mut guard) = (0, 0, 0);
        while accepted_count < count {
            guard += 1;
            assert!(guard < 100_000, "simulation did not finish");
            match model.admit(start + Duration::from_secs_f64(t)) {
                Admission::Go => {
                    let (accepted, headers, reset_in) = server.handle(t + latency, epoch);
                    t += 2.0 * latency;
                    model.observe(
                        start + Duration::from_secs_f64(t),
                        Some(headers),
                        reset_in - latency,
                        !accepted,
                    );
                    if accepted {
                        accepted_count += 1;
                    } else {
                        refused += 1;
                    }
                }
                Admission::Wait(wait) => t += wait.as_secs_f64(),
                Admission::WaitForFirstResponse => unreachable!("requests are sequential"),
            }
        }
        (t, refused)
    }

    /// The epoch of a run starting `phase` twentieths into a second: whole-second resets make
    /// what a run learns depend on it.
    fn epoch_at(phase: u32) -> f64 {
        1_700_000_000.0 + f64::from(phase) / 20.0
    }

    /// apply, plan, apply, export (the example tenant's request counts) against one bucket,
    /// each a new process that knows only when the previous one said a token would be back
    /// (the cache file), starting `phase` twentieths into a second with `pause` seconds between
    /// processes; returns the 429s.
    fn back_to_back(capacity: u32, rate: f64, phase: u32, pause: f64) -> u32 {
        let start = Instant::now();
        let mut server = ServerBucket::new(capacity, rate, f64::ceil);
        let (mut t, mut refused, mut ready) = (0.0, 0, None);
        for count in [41, 12, 14, 24] {
            let mut model = BucketModel::default();
            if let Some(at) = ready {
                model.not_before(start + Duration::from_secs_f64(at));
            }
            let clock = (start, epoch_at(phase));
            let (end, run_refused) = run_against(&mut model, &mut server, clock, t, (count, 0.002));
            refused += run_refused;
            ready = model
                .until_a_token(start + Duration::from_secs_f64(end))
                .map(|wait| end + wait.as_secs_f64());
            t = end + pause;
        }
        refused
    }

    #[test]
    fn back_to_back_runs_meet_no_429() {
        // At the free plan's bucket and at an unpublished small one, for every phase of the
        // second and several pauses: probing above the rate once cost such runs a 429.
        let mut failures = Vec::new();
        for (capacity, rate) in [(2, 2.0), (3, 3.0)] {
            for phase in 0..20 {
                for pause in [0.01, 0.05, 0.2, 0.45] {
                    let refused = back_to_back(capacity, rate, phase, pause);
                    if refused > 0 {
                        failures.push(format!(
                            "burst {capacity} at {rate}/s, phase {phase}/20, pause {pause}s: {refused} refused"
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// For every phase of the second: a run of `count` requests from a full bucket of the
    /// given shape, as (its time over its floor, 429s).
    fn short_runs(capacity: u32, rate: f64, count: u32) -> Vec<(u32, f64, u32)> {
        let start = Instant::now();
        let floor = f64::from(count - capacity) / rate;
        (0..20)
            .map(|phase| {
                let mut server = ServerBucket::new(capacity, rate, f64::ceil);
                let mut model = BucketModel::default();
                let (end, refused) = run_against(
                    &mut model,
                    &mut server,
                    (start, epoch_at(phase)),
                    0.0,
                    (count, 0.002),
                );
                (phase, end / floor, refused)
            })
            .collect()
    }

    #[test]
    fn a_short_run_at_a_published_bucket_is_at_its_floor_from_its_first_answer() {
        // The example tenant's plan at free (12 requests) and a large tenant's at enterprise
        // (68): whole-second resets left the free run's first estimate anywhere between 1.2
        // and 2 per second (up to 1.10x its floor).
        for (capacity, rate, count) in [(2, 2.0, 12), (50, 16.0, 68)] {
            for (phase, ratio, refused) in short_runs(capacity, rate, count) {
                let context = format!("burst {capacity} at {rate}/s, phase {phase}/20");
                assert!(ratio < 1.03, "{context}: {ratio:.3}x the floor");
                assert_eq!(refused, 0, "{context}");
            }
        }
    }

    #[test]
    fn a_bucket_that_does_not_keep_its_published_rate_is_measured() {
        // A published burst refilled slower than published: a few 429s lower the estimate,
        // then the run keeps the pace without more.
        assert_pace(2, 1.0, 200, 1.1, |_| 8);
        // Refilled faster than published: windows of answers raise the estimate.
        assert_pace(2, 4.0, 1000, 1.2, |_| 1);
        // Burst 50 refilled at 50/s, far faster than published: the answers show the tokens
        // the server holds, which the run spends at once, and windows then measure the rate.
        assert_paced(50, 50.0, 2000, 1.05, 1);
    }

    #[test]
    fn free_plan_pace_is_close_to_the_refill_rate_without_429s() {
        assert_paced(2, 2.0, 1000, 1.05, 1);
    }

    #[test]
    fn enterprise_pace_is_close_to_the_refill_rate() {
        // A reset rounded down makes the first samples too high; the 429s it causes are few.
        assert_paced(50, 16.0, 2000, 1.05, 10);
    }

    #[test]
    fn small_fast_buckets_are_learned_by_probing() {
        // Burst 3 refilled at 20/s (no plan publishes it): one response alone cannot tell more
        // than 3/s; probing gets within 1.5x of the floor (not 7x) without 429s.
        assert_paced(3, 20.0, 2000, 1.5, 5);
    }

    #[test]
    fn slow_buckets_are_learned_too() {
        // Email endpoints: burst 5, 25 per minute.
        assert_paced(5, 25.0 / 60.0, 60, 1.1, 3);
    }

    #[test]
    fn no_headers_means_no_waiting() {
        let now = Instant::now();
        let mut model = BucketModel::default();
        assert_eq!(model.admit(now), Admission::Go);
        assert_eq!(model.admit(now), Admission::WaitForFirstResponse);
        model.observe(now, None, 0.0, false);
        for _ in 0..1000 {
            assert_eq!(model.admit(now), Admission::Go);
        }
        assert_eq!(model.estimated_rate(), None);
    }

    #[test]
    fn requests_in_flight_hold_tokens() {
        let now = Instant::now();
        let mut model = BucketModel::default();
        assert_eq!(model.admit(now), Admission::Go);
        // Burst 3, two left after the probe.
        model.observe(
            now,
            Some(RateLimitHeaders {
                limit: 3,
                remaining: 2,
                reset: 0,
            }),
            1.0,
            false,
        );
        assert_eq!(model.admit(now), Admission::Go);
        assert_eq!(model.admit(now), Admission::Go);
        assert!(
            matches!(model.admit(now), Admission::Wait(_)),
            "a third concurrent request would be refused"
        );
        assert_eq!(model.in_flight(), 2);
    }

    #[test]
    fn a_429_lowers_the_estimate_and_empties_the_bucket() {
        let now = Instant::now();
        let mut model = BucketModel::default();
        assert_eq!(model.admit(now), Admission::Go);
        model.observe(
            now,
            Some(RateLimitHeaders {
                limit: 10,
                remaining: 0,
                reset: 0,
            }),
            1.0,
            false,
        );
        let before = model.estimated_rate().unwrap();
        let later = now + Duration::from_secs(1);
        assert_eq!(model.admit(later), Admission::Go);
        model.observe(
            later,
            Some(RateLimitHeaders {
                limit: 10,
                remaining: 0,
                reset: 0,
            }),
            1.0,
            true,
        );
        assert!(model.estimated_rate().unwrap() < before);
        assert!(matches!(model.admit(later), Admission::Wait(_)));
    }

    #[test]
    fn headers_parse_only_when_all_three_are_numbers() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "2".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "1".parse().unwrap());
        assert_eq!(RateLimitHeaders::from_headers(&headers), None);
        headers.insert("x-ratelimit-reset", "1700000001".parse().unwrap());
        assert_eq!(
            RateLimitHeaders::from_headers(&headers),
            Some(RateLimitHeaders {
                limit: 2,
                remaining: 1,
                reset: 1_700_000_001
            })
        );
        headers.insert("x-ratelimit-remaining", "lots".parse().unwrap());
        assert_eq!(RateLimitHeaders::from_headers(&headers), None);
    }

    /// Burst `limit`, `remaining` left, refilled at about `rate` per second.
    pub(in crate::api::rate_limit) fn learned(
        limit: u32,
        remaining: u32,
        rate: f64,
        now: Instant,
    ) -> BucketModel {
        let mut model = BucketModel::default();
        assert_eq!(model.admit(now), Admission::Go);
        let headers = RateLimitHeaders {
            limit,
            remaining,
            reset: 0,
        };
        model.observe(
            now,
            Some(headers),
            f64::from(limit - remaining) / rate,
            false,
        );
        model
    }

    #[test]
    fn a_published_burst_starts_at_its_published_rate_in_its_own_kind_of_bucket() {
        let now = Instant::now();
        let first_answer = |mut model: BucketModel| {
            assert_eq!(model.admit(now), Admission::Go);
            let headers = RateLimitHeaders {
                limit: 5,
                remaining: 4,
                reset: 0,
            };
            model.observe(now, Some(headers), 1.0, false);
            model.estimated_rate().expect("limits known")
        };
        // Burst 5 is the email writes' (25 per minute), not a global bucket's: that one is
        // estimated from the answer (one token short, full again in a second).
        assert!((first_answer(BucketModel::email_writes()) - 25.0 / 60.0).abs() < 1e-9);
        assert!((first_answer(BucketModel::default()) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn an_answer_overtaken_by_a_later_one_does_not_refill_the_bucket() {
        let now = Instant::now();
        // Burst 10, five left.
        let mut model = learned(10, 5, 5.0, now);
        let headers = |remaining| {
            Some(RateLimitHeaders {
                limit: 10,
                remaining,
                reset: 0,
            })
        };
        let sent_a = model.answered();
        assert_eq!(model.admit(now), Admission::Go);
        let sent_b = model.answered();
        assert_eq!(model.admit(now), Admission::Go);
        // The server counts A (4 left) then B (3 left); B's answer arrives first.
        model.observe_sent_after(now, headers(3), 1.0, false, sent_b);
        model.observe_sent_after(now, headers(4), 1.0, false, sent_a);
        // Three tokens, as on the server: A's answer is not a token more.
        for _ in 0..3 {
            assert_eq!(model.admit(now), Admission::Go);
        }
        assert!(
            matches!(model.admit(now), Admission::Wait(_)),
            "a fourth request would be refused"
        );
    }

    #[test]
    fn an_overtaken_answer_in_a_burst_does_not_slow_the_pace_after_it() {
        // Enterprise: burst 50 at 16/s. After the first request, 30 at once: the server
        // counts them in order (48 left .. 19 left), the answer of the 23rd (26 left) arrives
        // last, after those of the seven counted after it.
        let epoch = 1_700_000_000.37;
        let start = Instant::now();
        let at = |t: f64| start + Duration::from_secs_f64(t);
        let mut server = ServerBucket::new(50, 16.0, f64::ceil);
        let mut model = BucketModel::default();
        assert_eq!(model.admit(at(0.0)), Admission::Go);
        let (_, headers, reset_in) = server.handle(0.0, epoch);
        model.observe(at(0.001), Some(headers), reset_in, false);
        let sent = model.answered();
        let mut answers: Vec<_> = (0..30)
            .map(|_| {
                assert_eq!(model.admit(at(0.001)), Admission::Go);
                server.handle(0.001, epoch)
            })
            .collect();
        let overtaken = answers.remove(22);
        answers.push(overtaken);
        for (_, headers, reset_in) in answers {
            model.observe_sent_after(at(0.002), Some(headers), reset_in, false, sent);
        }
        // Then one request at a time for two seconds, each answered in 1 ms.
        let mut t = 0.002;
        let mut slowest = f64::INFINITY;
        while t < 2.0 {
            match model.admit(at(t)) {
                Admission::Go => {
                    let (accepted, headers, reset_in) = server.handle(t + 0.0005, epoch);
                    assert!(accepted, "refused at {t:.3}s");
                    t += 0.001;
                    model.observe(at(t), Some(headers), reset_in, false);
                    slowest = slowest.min(model.estimated_rate().expect("limits known"));
                }
                Admission::Wait(wait) => t += wait.as_secs_f64(),
                Admission::WaitForFirstResponse => unreachable!("one at a time"),
            }
        }
        assert!(slowest > 14.0, "the estimate fell to {slowest:.1}/s");
    }

    #[test]
    fn a_run_ends_once_the_bucket_holds_a_token_again() {
        let now = Instant::now();
        // Free plan: burst 2 at 2 per second, drained.
        let mut model = learned(2, 0, 2.0, now);
        let wait = model.until_a_token(now).expect("drained: wait");
        assert!(
            wait >= Duration::from_millis(450) && wait <= Duration::from_millis(1100),
            "{wait:?}"
        );
        assert_eq!(model.until_a_token(now + wait), None);
        // Unknown limits (no request sent) or none at all: nothing to wait for.
        assert_eq!(BucketModel::default().until_a_token(now), None);
    }
}
