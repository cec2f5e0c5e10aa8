//! The throttling retry policy.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// When and how long [`Client`](crate::Client) retries a throttled request.
///
/// # What is retried
///
/// Only responses with status **429 Too Many Requests** and **503 Service
/// Unavailable**: the service says it did not process the request. Also a
/// failure to *connect* (nothing was sent). Nothing else is ever retried once
/// the request may have reached the service: not a 500, not a timeout, not a
/// connection reset after the request was written. A bound action such as
/// `addActivities` is not idempotent, so a retry of a request the service may
/// have processed could record the same activity twice.
///
/// # How long it waits
///
/// - If the response has `Retry-After` (delta-seconds, or an HTTP-date,
///   counted from the local clock; a negative, empty or unparseable value
///   counts as absent), it waits exactly that long, however long it is
///   compared to `max_delay`.
/// - Otherwise it waits a random time between zero and
///   `min(max_delay, base_delay × 2^(retry − 1))` ("full jitter", so many
///   clients throttled together do not retry in lock step).
///
/// # When it gives up
///
/// It gives up with [`Error::Throttled`](crate::Error::Throttled) when
/// `max_attempts` requests have been sent, or as soon as the next wait would
/// bring the total time spent waiting over `max_total_wait`: a `Retry-After`
/// beyond the remaining budget fails at once instead of sleeping.
///
/// Every retry carries the same body bytes and `client-request-id` as the
/// first attempt, plus a `Retry-Attempt: N` header (N = 1 on the first retry).
///
/// ```
/// use graphgen_runtime::RetryPolicy;
/// use std::time::Duration;
///
/// let policy = RetryPolicy { max_attempts: 3, ..RetryPolicy::default() };
/// assert_eq!(policy.max_total_wait, Duration::from_secs(120));
/// assert_eq!(RetryPolicy::none().max_attempts, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most requests sent in all (the first one included); `1` disables
    /// retries. Default 5.
    pub max_attempts: u32,
    /// Most total time spent waiting between attempts. Default 120 s.
    pub max_total_wait: Duration,
    /// First backoff step when there is no `Retry-After`. Default 1 s.
    pub base_delay: Duration,
    /// Largest backoff step when there is no `Retry-After`. Default 32 s.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            max_total_wait: Duration::from_secs(120),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(32),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            max_total_wait: Duration::ZERO,
            ..RetryPolicy::default()
        }
    }

    /// The upper bound of the jittered backoff before retry number `retry`
    /// (1-based): `min(max_delay, base_delay × 2^(retry − 1))`.
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32 << retry.saturating_sub(1).min(30);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(Duration::MAX)
            .min(self.max_delay)
    }

    /// A random wait in `0..=backoff_cap(retry)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self.backoff_cap(retry);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }

    /// Decides whether to retry after attempt number `attempts` (1-based)
    /// failed in a retryable way. `retry_after` is the server's request,
    /// `waited` the time already spent waiting. Returns the wait, or `None`
    /// to give up.
    pub fn next_wait(
        &self,
        attempts: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let wait = retry_after.unwrap_or_else(|| self.backoff(attempts));
        let remaining = self.max_total_wait.checked_sub(waited)?;
        (wait <= remaining).then_some(wait)
    }
}

/// Whether a status is retried (429 and 503).
pub fn is_retryable_status(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// Reads `Retry-After` (delta-seconds or HTTP-date, relative to `now`); a
/// date in the past is zero; anything else unusable is `None`.
///
/// ```
/// use graphgen_runtime::retry::parse_retry_after;
/// use std::time::{Duration, SystemTime};
///
/// let mut h = http::HeaderMap::new();
/// h.insert("retry-after", "7".parse().unwrap());
/// assert_eq!(parse_retry_after(&h, SystemTime::now()), Some(Duration::from_secs(7)));
/// h.insert("retry-after", "-1".parse().unwrap());
/// assert_eq!(parse_retry_after(&h, SystemTime::now()), None);
/// ```
pub fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for u64 is "a very long time".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("retry-after", v.parse().unwrap());
        h
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(&h("0"), now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(&h(" 12 "), now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            parse_retry_after(&h("99999999999999999999999"), now),
            Some(Duration::from_secs(u64::MAX))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&h(&later), now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&h(&earlier), now), Some(Duration::ZERO));
        for garbage in ["-5", "1.5", "soon", "", "Mon, 99 Foo 2020"] {
            assert_eq!(parse_retry_after(&h(garbage), now), None, "{garbage}");
        }
        assert_eq!(parse_retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_cap(1), Duration::from_secs(1));
        assert_eq!(p.backoff_cap(2), Duration::from_secs(2));
        assert_eq!(p.backoff_cap(6), Duration::from_secs(32));
        assert_eq!(p.backoff_cap(60), Duration::from_secs(32));
        for r in 1..10 {
            assert!(p.backoff(r) <= p.backoff_cap(r));
        }
    }

    #[test]
    fn budget() {
        let p = RetryPolicy {
            max_attempts: 3,
            max_total_wait: Duration::from_secs(10),
            ..RetryPolicy::default()
        };
        let s = Duration::from_secs;
        assert_eq!(p.next_wait(1, Some(s(4)), s(0)), Some(s(4)));
        assert_eq!(p.next_wait(2, Some(s(4)), s(4)), Some(s(4)));
        assert_eq!(p.next_wait(3, Some(s(1)), s(8)), None, "attempts exhausted");
        assert_eq!(p.next_wait(1, Some(s(11)), s(0)), None, "beyond the budget");
        assert_eq!(p.next_wait(1, Some(s(365 * 86400)), s(0)), None);
        assert_eq!(RetryPolicy::none().next_wait(1, Some(s(0)), s(0)), None);
    }
}
