//! When and how long to wait before a call is tried again: [`RetryPolicy`] and [`ToolInfo`].

use std::time::Duration;

use super::error::Error;

/// What the client knows about a tool before calling it: its name and whether its annotations
/// allow retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolInfo {
    /// The exact tool name, as the server lists it.
    pub name: &'static str,
    /// Whether calling the tool twice is harmless: its annotations say `readOnlyHint` or
    /// `idempotentHint`.
    pub retry_safe: bool,
}

/// How many times a call is tried and how long the client waits in between.
///
/// The default tries a call at most 3 times, waiting about 100 ms, then 200 ms (exponential
/// backoff, each delay drawn between half and all of its value), never more than 2 s, and waits
/// as long as a `Retry-After` header asks up to 30 s. A call is retried only when
///
/// - the connection failed before the request was sent (any tool), or
/// - the failure is transient (timeout, closed connection, HTTP 408, 429, 5xx) and the tool is
///   read-only or idempotent ([`ToolInfo::retry_safe`]), or the caller opted in for this call
///   ([`Call::retry`](super::Call::retry)).
///
/// Tool errors, protocol errors, unexpected replies and invalid arguments are never retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Tries a call at most `attempts` times in all (at least once).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The delay before the first retry; each later one doubles it.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest backoff between two attempts.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest `Retry-After` the client honours; a server that asks for more gets no retry.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The most attempts a call gets.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How long to wait before attempt `attempt + 1` after `err`, or `None` when the call must
    /// not be retried. `allowed` says whether the tool (or the caller) allows repeating a request
    /// that may have reached the server.
    pub fn delay_after(&self, err: &Error, attempt: u32, allowed: bool) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let retry_after = match err {
            Error::Transport(err) if err.is_before_send() => err.retry_after_delay(),
            Error::Transport(err) if allowed && err.is_transient() => err.retry_after_delay(),
            Error::Timeout { .. } if allowed => None,
            _ => return None,
        };
        let backoff = self.backoff(attempt);
        match retry_after {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked.max(backoff)),
            None => Some(backoff),
        }
    }

    /// The jittered exponential backoff after attempt `attempt` (1-based).
    fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let full = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        // Equal jitter: half the delay is fixed, the other half random, so that many clients
        // that failed together do not retry together.
        let half = full / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Reads a `Retry-After` value given in seconds. An HTTP date is not supported and reads as
/// absent, so the normal backoff applies.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::super::error::{TransportError, TransportErrorKind};
    use super::*;

    fn http(status: u16, retry_after: Option<u64>) -> Error {
        Error::Transport(
            TransportError::new("x")
                .kind_of(TransportErrorKind::HttpStatus(status))
                .retry_after(retry_after.map(Duration::from_secs)),
        )
    }

    #[test]
    fn only_allowed_or_unsent_calls_are_retried() {
        let policy = RetryPolicy::default();
        let refused =
            Error::Transport(TransportError::new("x").kind_of(TransportErrorKind::Connect));
        assert!(policy.delay_after(&refused, 1, false).is_some());
        assert!(policy.delay_after(&http(500, None), 1, false).is_none());
        assert!(policy.delay_after(&http(500, None), 1, true).is_some());
        assert!(policy.delay_after(&http(400, None), 1, true).is_none());
        assert!(policy.delay_after(&http(500, None), 3, true).is_none());
        assert!(
            RetryPolicy::disabled()
                .delay_after(&refused, 1, true)
                .is_none()
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        assert_eq!(
            policy.delay_after(&http(429, Some(3)), 1, true),
            Some(Duration::from_secs(3))
        );
        assert_eq!(policy.delay_after(&http(429, Some(6)), 1, true), None);
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let policy = RetryPolicy::default();
        for attempt in 1..40 {
            let delay = policy.backoff(attempt);
            assert!(delay <= Duration::from_secs(2), "{delay:?}");
            assert!(delay >= Duration::from_millis(50), "{delay:?}");
        }
    }
}
