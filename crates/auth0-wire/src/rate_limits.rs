//! Auth0's published Management API rate limits: token buckets, each a burst (the
//! `x-ratelimit-limit` header) refilled at a sustained rate that no header carries.
//!
//! Sources: Auth0's rate limit policy
//! (<https://auth0.com/docs/troubleshoot/customer-support/operational-policies/rate-limit-policy/rate-limit-configurations>)
//! as summarized in the engineering guide (`../shared/GUIDE.md` §3): the free plan's global
//! bucket is burst 2 at 2 per second, an enterprise production tenant's is burst 50 at 16 per
//! second, and writes to the email templates and the email provider draw from a bucket of their
//! own, burst 5 at 25 per minute.
//!
//! The emulator's presets are built from these, and tenantform's client paces a bucket whose
//! burst matches one of them at its published rate from the first answer on (what the answers
//! then measure still corrects it).

/// One published bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedBucket {
    pub burst: u32,
    pub per_second: f64,
}

/// The free plan's global Management API bucket.
pub const FREE: PublishedBucket = PublishedBucket {
    burst: 2,
    per_second: 2.0,
};

/// An enterprise production tenant's global Management API bucket.
pub const ENTERPRISE: PublishedBucket = PublishedBucket {
    burst: 50,
    per_second: 16.0,
};

/// The free plan's bucket for writes to `/email-templates` and `/emails/provider`.
pub const FREE_EMAIL_WRITES: PublishedBucket = PublishedBucket {
    burst: 5,
    per_second: 25.0 / 60.0,
};

/// The published refill rate of a global bucket with this burst (`None`: no plan publishes it).
pub fn global_rate(burst: u32) -> Option<f64> {
    published_rate(&[FREE, ENTERPRISE], burst)
}

/// The published refill rate of an email-write bucket with this burst.
pub fn email_write_rate(burst: u32) -> Option<f64> {
    published_rate(&[FREE_EMAIL_WRITES], burst)
}

fn published_rate(buckets: &[PublishedBucket], burst: u32) -> Option<f64> {
    buckets
        .iter()
        .find(|bucket| bucket.burst == burst)
        .map(|bucket| bucket.per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_names_its_published_rate_within_its_bucket_kind() {
        assert_eq!(global_rate(2), Some(2.0));
        assert_eq!(global_rate(50), Some(16.0));
        assert_eq!(
            global_rate(5),
            None,
            "burst 5 is published for email writes only"
        );
        assert_eq!(email_write_rate(5), Some(25.0 / 60.0));
        assert_eq!(email_write_rate(2), None);
    }
}
