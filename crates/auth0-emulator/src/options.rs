//! How an emulator is started: rate-limit preset, faults, logs, state file, the M2M credentials.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use auth0_wire::rate_limits;
use secrecy::SecretString;

use crate::login_actions::RuntimeOptions;
use crate::messages::MessageSink;
use crate::store::DEFAULT_ACTION_BUILD_MS;

/// A token-bucket preset. Free and enterprise are Auth0's published Management API limits
/// (`auth0_wire::rate_limits`). Essentials is not published as precisely; we use burst 10 at
/// 5/s, between the two.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RateLimit {
    #[default]
    Off,
    Free,
    Essentials,
    Enterprise,
    Custom {
        per_second: f64,
        burst: u32,
    },
}

/// One bucket's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketSpec {
    pub per_second: f64,
    pub burst: u32,
}

impl From<rate_limits::PublishedBucket> for BucketSpec {
    fn from(published: rate_limits::PublishedBucket) -> Self {
        Self {
            per_second: published.per_second,
            burst: published.burst,
        }
    }
}

impl RateLimit {
    /// The global Management API bucket, `None` when limiting is off.
    pub fn global_bucket(self) -> Option<BucketSpec> {
        match self {
            RateLimit::Off => None,
            RateLimit::Free => Some(rate_limits::FREE.into()),
            RateLimit::Essentials => Some(BucketSpec {
                per_second: 5.0,
                burst: 10,
            }),
            RateLimit::Enterprise => Some(rate_limits::ENTERPRISE.into()),
            RateLimit::Custom { per_second, burst } => Some(BucketSpec { per_second, burst }),
        }
    }

    /// The stricter bucket for writes to `/email-templates` and `/emails/provider`
    /// (free plan: burst 5, 25 per minute). Other presets have none.
    pub fn email_write_bucket(self) -> Option<BucketSpec> {
        match self {
            RateLimit::Free => Some(rate_limits::FREE_EMAIL_WRITES.into()),
            _ => None,
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Ok(RateLimit::Off),
            "free" => Ok(RateLimit::Free),
            "essentials" => Ok(RateLimit::Essentials),
            "enterprise" => Ok(RateLimit::Enterprise),
            other => {
                let (rate, burst) = other.split_once('/').ok_or_else(|| {
                    format!("unknown rate limit {value:?}: use off, free, essentials, enterprise or RATE/BURST")
                })?;
                let per_second: f64 = rate
                    .parse()
                    .map_err(|_| format!("rate {rate:?} is not a number"))?;
                let burst: u32 = burst
                    .parse()
                    .map_err(|_| format!("burst {burst:?} is not a whole number"))?;
                if !(per_second > 0.0 && per_second.is_finite()) || burst == 0 {
                    return Err(format!(
                        "rate limit {value:?} must have a positive rate and burst"
                    ));
                }
                Ok(RateLimit::Custom { per_second, burst })
            }
        }
    }
}

/// Everything `Emulator::start` needs besides the address.
#[derive(Debug)]
pub struct EmulatorOptions {
    pub rate_limit: RateLimit,
    /// Probability (0..=1) that a Management API request meets an injected fault.
    pub faults: f64,
    pub seed: u64,
    pub request_log: Option<PathBuf>,
    pub state_file: Option<PathBuf>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    /// How long the "slow response" fault waits before answering (longer than a client's
    /// timeout in real use; tests shorten it).
    pub slow_response: Duration,
    /// How long an Action build takes (Auth0's take a few hundred milliseconds; zero is
    /// instant).
    pub action_build_time: Duration,
    /// How post-login Actions run at login.
    pub actions: RuntimeOptions,
    /// Receives Actions' console output and the emulator's warnings as they happen.
    pub messages: Option<MessageSink>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            rate_limit: RateLimit::Off,
            faults: 0.0,
            seed: 0,
            request_log: None,
            state_file: None,
            client_id: None,
            client_secret: None,
            slow_response: Duration::from_secs(35),
            action_build_time: Duration::from_millis(DEFAULT_ACTION_BUILD_MS.unsigned_abs()),
            actions: RuntimeOptions::default(),
            messages: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_presets_and_explicit_rates() {
        assert_eq!("off".parse(), Ok(RateLimit::Off));
        assert_eq!("Free".parse(), Ok(RateLimit::Free));
        assert_eq!("enterprise".parse(), Ok(RateLimit::Enterprise));
        assert_eq!(
            "2.5/7".parse(),
            Ok(RateLimit::Custom {
                per_second: 2.5,
                burst: 7
            })
        );
        assert!("fast".parse::<RateLimit>().is_err());
        assert!("0/3".parse::<RateLimit>().is_err());
        assert!("2/x".parse::<RateLimit>().is_err());
    }

    #[test]
    fn free_plan_has_a_stricter_email_bucket() {
        let email = RateLimit::Free.email_write_bucket().unwrap();
        assert_eq!(email.burst, 5);
        assert!((email.per_second * 60.0 - 25.0).abs() < 1e-9);
        assert!(RateLimit::Enterprise.email_write_bucket().is_none());
        assert_eq!(RateLimit::Free.global_bucket().unwrap().burst, 2);
    }
}
