//! Rate limits: per client address for the public, per subject for tokens, and a much
//! stricter allowance for refusals that could be used to probe other offices' data (a hire
//! refused because the person already holds a slot elsewhere).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::ApiError;

/// Refusals of the probing kind one subject may meet in [`PROBE_WINDOW`] before every such
/// request of theirs is refused.
pub const PROBE_ALLOWANCE: usize = 5;
pub const PROBE_WINDOW: Duration = Duration::from_secs(3600);

/// Keys kept before the limiters forget idle ones.
const RETAIN_ABOVE: usize = 10_000;

pub struct Throttle {
    public: Option<DefaultKeyedRateLimiter<IpAddr>>,
    token: Option<DefaultKeyedRateLimiter<String>>,
    probes: Mutex<HashMap<String, Vec<Instant>>>,
}

fn limiter<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

impl Throttle {
    /// `0` turns a limit off (benchmarks from one address).
    pub fn new(public_per_minute: u32, token_per_minute: u32) -> Self {
        Self { public: limiter(public_per_minute), token: limiter(token_per_minute), probes: Mutex::default() }
    }

    /// Counts a request of the public from `address`.
    pub fn public(&self, address: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = &self.public else { return Ok(()) };
        if limiter.len() > RETAIN_ABOVE {
            limiter.retain_recent();
        }
        limiter.check_key(&address).map_err(|not_until| ApiError::RateLimited {
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }

    /// Counts a request of a signed-in `subject`.
    pub fn subject(&self, subject: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.token else { return Ok(()) };
        if limiter.len() > RETAIN_ABOVE {
            limiter.retain_recent();
        }
        limiter.check_key(&subject.to_string()).map_err(|not_until| ApiError::RateLimited {
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }

    /// Refuses a subject who has used up its allowance of probing refusals.
    pub fn probe_allowed(&self, subject: &str) -> Result<(), ApiError> {
        let Ok(mut probes) = self.probes.lock() else { return Ok(()) };
        let Some(seen) = probes.get_mut(subject) else { return Ok(()) };
        seen.retain(|at| at.elapsed() < PROBE_WINDOW);
        if seen.len() >= PROBE_ALLOWANCE {
            let oldest = seen.iter().min().copied().unwrap_or_else(Instant::now);
            return Err(ApiError::RateLimited { retry_after: PROBE_WINDOW.saturating_sub(oldest.elapsed()) });
        }
        Ok(())
    }

    /// Records a probing refusal of `subject`.
    pub fn probe_refused(&self, subject: &str) {
        if let Ok(mut probes) = self.probes.lock() {
            if probes.len() > RETAIN_ABOVE {
                probes.retain(|_, seen| seen.iter().any(|at| at.elapsed() < PROBE_WINDOW));
            }
            probes.entry(subject.to_string()).or_default().push(Instant::now());
        }
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(600, 1_200)
    }
}
