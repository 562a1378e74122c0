//! Token buckets with Auth0's headers. Time is passed in, so the arithmetic is testable.

use super::options::{BucketSpec, RateLimit};

/// What a bucket reports on every response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimitHeaders {
    /// `x-ratelimit-limit`: the burst.
    pub limit: u32,
    /// `x-ratelimit-remaining`: whole tokens left after this request.
    pub remaining: u32,
    /// `x-ratelimit-reset`: epoch seconds when the bucket is full again.
    pub reset: u64,
}

#[derive(Debug, Clone)]
pub struct TokenBucket {
    spec: BucketSpec,
    tokens: f64,
    updated: f64,
}

impl TokenBucket {
    pub fn new(spec: BucketSpec, now: f64) -> Self {
        Self {
            spec,
            tokens: f64::from(spec.burst),
            updated: now,
        }
    }

    fn refill(&mut self, now: f64) {
        let elapsed = (now - self.updated).max(0.0);
        self.tokens =
            (self.tokens + elapsed * self.spec.per_second).min(f64::from(self.spec.burst));
        self.updated = now;
    }

    /// Takes one token if there is one; `now` is epoch seconds.
    pub fn try_take(&mut self, now: f64) -> (bool, RateLimitHeaders) {
        self.refill(now);
        let allowed = self.tokens >= 1.0;
        if allowed {
            self.tokens -= 1.0;
        }
        (allowed, self.headers(now))
    }

    pub fn headers(&self, now: f64) -> RateLimitHeaders {
        let missing = f64::from(self.spec.burst) - self.tokens;
        let full_at = now + missing.max(0.0) / self.spec.per_second;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        RateLimitHeaders {
            limit: self.spec.burst,
            remaining: self.tokens.floor().max(0.0) as u32,
            reset: full_at.ceil() as u64,
        }
    }
}

/// The buckets of one preset: the global Management API bucket and the stricter one for
/// email template/provider writes.
#[derive(Debug)]
pub struct RateLimiter {
    global: Option<TokenBucket>,
    email_writes: Option<TokenBucket>,
}

/// Reported when limiting is off: an unlimited bucket, shown as a large burst that is always full.
pub const UNLIMITED_BURST: u32 = 1000;

impl RateLimiter {
    pub fn new(preset: RateLimit, now: f64) -> Self {
        Self {
            global: preset
                .global_bucket()
                .map(|spec| TokenBucket::new(spec, now)),
            email_writes: preset
                .email_write_bucket()
                .map(|spec| TokenBucket::new(spec, now)),
        }
    }

    /// Admits a Management API request. The headers are those of the bucket that decided:
    /// the email bucket for email writes when it is stricter, else the global one.
    pub fn admit(&mut self, is_email_write: bool, now: f64) -> (bool, RateLimitHeaders) {
        // Always full: the reset is now, rounded up like every reset.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let unlimited = RateLimitHeaders {
            limit: UNLIMITED_BURST,
            remaining: UNLIMITED_BURST,
            reset: now.ceil() as u64,
        };
        let global = self.global.as_mut().map(|bucket| bucket.try_take(now));
        let Some((global_ok, global_headers)) = global else {
            return (true, unlimited);
        };
        if !global_ok {
            return (false, global_headers);
        }
        if is_email_write && let Some(bucket) = self.email_writes.as_mut() {
            let (ok, headers) = bucket.try_take(now);
            return (ok, headers);
        }
        (true, global_headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_plan_allows_a_burst_of_two_then_refills_at_two_per_second() {
        let mut limiter = RateLimiter::new(RateLimit::Free, 100.0);
        assert!(limiter.admit(false, 100.0).0);
        let (ok, headers) = limiter.admit(false, 100.0);
        assert!(ok);
        assert_eq!(
            (headers.limit, headers.remaining, headers.reset),
            (2, 0, 101)
        );
        let (ok, headers) = limiter.admit(false, 100.1);
        assert!(!ok);
        assert_eq!(headers.remaining, 0);
        assert!(
            limiter.admit(false, 100.6).0,
            "half a second refills one token"
        );
    }

    #[test]
    fn email_writes_have_their_own_stricter_bucket() {
        let mut limiter = RateLimiter::new(RateLimit::Free, 0.0);
        let mut admitted = 0;
        let mut now = 0.0;
        for _ in 0..20 {
            now += 1.0; // the global bucket never runs dry at 1 request per second
            if limiter.admit(true, now).0 {
                admitted += 1;
            }
        }
        // burst 5 plus 25/min over 20 s (about 8 more)
        assert!((12..=14).contains(&admitted), "{admitted}");
    }

    #[test]
    fn reset_is_the_second_the_bucket_is_full_again_rounded_up() {
        // Free: burst 2, 2 per second. One token short at 100.3 is full at 100.8 -> 101.
        let mut limiter = RateLimiter::new(RateLimit::Free, 100.3);
        assert_eq!(limiter.admit(false, 100.3).1.reset, 101);
        // Two short at 100.3 is full at 101.3 -> 102 (never the truncated 101).
        assert_eq!(limiter.admit(false, 100.3).1.reset, 102);
        // Refused: still two short a tenth later, full at 101.4 -> 102.
        let (ok, headers) = limiter.admit(false, 100.4);
        assert!(!ok);
        assert_eq!((headers.remaining, headers.reset), (0, 102));
        // A full bucket resets now, rounded up.
        let fresh = RateLimiter::new(RateLimit::Enterprise, 50.0);
        let headers = fresh.global.as_ref().unwrap().headers(50.2);
        assert_eq!(headers.reset, 51);
    }

    #[test]
    fn off_never_limits() {
        let mut limiter = RateLimiter::new(RateLimit::Off, 0.0);
        assert!((0..1000).all(|_| limiter.admit(false, 0.0).0));
    }
}
