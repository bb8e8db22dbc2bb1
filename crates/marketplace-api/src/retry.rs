//! When to try a request again, and how long to wait first.
//!
//! Safe requests (GET) are retried after a broken or timed-out connection and after 429, 502,
//! 503 and 504. POST, PUT and DELETE are retried only when the request never reached the
//! server (the connection could not be opened), because the server may have acted on it
//! otherwise. Waits grow exponentially with jitter, honour `Retry-After`, and stop at a count
//! and a total time.

use std::time::Duration;

/// The retry rules of a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// Wait before the first retry (before jitter); doubled at each retry.
    pub initial_backoff: Duration,
    /// Longest wait computed by backoff (a longer `Retry-After` is still honoured).
    pub max_backoff: Duration,
    /// Total time after which no retry is started, counted from the first attempt; a wait that
    /// would end past it is not begun.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The connection could not be opened: the server never saw the request.
    NotSent,
    /// The request may have reached the server, but no complete answer came back
    /// (dropped connection, timeout).
    NoAnswer,
    /// The server answered with this status.
    Answered { status: u16, retry_after: Option<Duration> },
    /// A failure that trying again cannot mend (an untrusted certificate).
    Permanent,
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// How long to wait before retry number `retries_done + 1`, or `None` to give up.
    /// `elapsed` is the time since the first attempt started.
    pub(crate) fn next_wait(
        &self,
        safe_method: bool,
        attempt: Attempt,
        retries_done: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if retries_done >= self.max_retries {
            return None;
        }
        let retry_after = match attempt {
            Attempt::NotSent => None,
            Attempt::NoAnswer if safe_method => None,
            Attempt::Answered { status: 429 | 502 | 503 | 504, retry_after } if safe_method => retry_after,
            _ => return None,
        };
        let backoff = self.jittered_backoff(retries_done);
        // The server's own wait wins when it is longer than ours.
        let wait = retry_after.map_or(backoff, |asked| asked.max(backoff));
        // A server may ask for an absurd wait (`Retry-After: 18446744073709551615`): checked
        // arithmetic turns that into "give up" rather than an overflow panic.
        elapsed.checked_add(wait).is_some_and(|end| end <= self.max_elapsed).then_some(wait)
    }

    /// Exponential backoff with "equal jitter": half the step fixed, half random, so that many
    /// clients failing together do not retry together.
    fn jittered_backoff(&self, retries_done: u32) -> Duration {
        let step = self.initial_backoff.saturating_mul(2u32.saturating_pow(retries_done)).min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Reads `Retry-After`: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZERO: Duration = Duration::ZERO;

    fn answered(status: u16) -> Attempt {
        Attempt::Answered { status, retry_after: None }
    }

    #[test]
    fn safe_requests_retry_on_transient_failures_only() {
        let policy = RetryPolicy::default();
        for attempt in [Attempt::NotSent, Attempt::NoAnswer, answered(429), answered(502), answered(503), answered(504)]
        {
            assert!(policy.next_wait(true, attempt, 0, ZERO).is_some(), "{attempt:?}");
        }
        assert_eq!(policy.next_wait(true, Attempt::Permanent, 0, ZERO), None);
        for status in [400, 401, 403, 404, 409, 500, 501] {
            assert_eq!(policy.next_wait(true, answered(status), 0, ZERO), None, "{status}");
        }
    }

    #[test]
    fn an_absurd_retry_after_gives_up_instead_of_overflowing() {
        let policy = RetryPolicy::default();
        let huge = parse_retry_after("18446744073709551615").expect("parsed");
        let attempt = Attempt::Answered { status: 429, retry_after: Some(huge) };
        assert_eq!(policy.next_wait(true, attempt, 0, Duration::from_secs(5)), None);
        assert_eq!(policy.next_wait(true, attempt, 0, Duration::MAX), None);
    }

    #[test]
    fn unsafe_requests_retry_only_when_never_sent() {
        let policy = RetryPolicy::default();
        assert!(policy.next_wait(false, Attempt::NotSent, 0, ZERO).is_some());
        for attempt in [Attempt::NoAnswer, answered(429), answered(502), answered(503), answered(504), answered(500)] {
            assert_eq!(policy.next_wait(false, attempt, 0, ZERO), None, "{attempt:?}");
        }
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(400),
            max_elapsed: Duration::from_secs(60),
        };
        for _ in 0..200 {
            let first = policy.next_wait(true, Attempt::NoAnswer, 0, ZERO).expect("retries");
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100), "{first:?}");
            let third = policy.next_wait(true, Attempt::NoAnswer, 2, ZERO).expect("retries");
            assert!(third >= Duration::from_millis(200) && third <= Duration::from_millis(400), "{third:?}");
            let late = policy.next_wait(true, Attempt::NoAnswer, 9, ZERO).expect("retries");
            assert!(late <= Duration::from_millis(400), "{late:?}");
        }
    }

    #[test]
    fn retry_after_is_honoured() {
        let policy = RetryPolicy::default();
        let attempt = Attempt::Answered { status: 429, retry_after: Some(Duration::from_secs(2)) };
        let wait = policy.next_wait(true, attempt, 0, ZERO).expect("retries");
        assert_eq!(wait, Duration::from_secs(2));
        let short = Attempt::Answered { status: 503, retry_after: Some(Duration::ZERO) };
        assert!(policy.next_wait(true, short, 0, ZERO).expect("retries") >= policy.initial_backoff / 2);
    }

    #[test]
    fn bounded_in_count_and_time() {
        let policy = RetryPolicy { max_retries: 2, max_elapsed: Duration::from_secs(5), ..RetryPolicy::default() };
        assert_eq!(policy.next_wait(true, Attempt::NoAnswer, 2, ZERO), None);
        assert_eq!(policy.next_wait(true, Attempt::NoAnswer, 0, Duration::from_secs(5)), None);
        let too_long = Attempt::Answered { status: 503, retry_after: Some(Duration::from_secs(30)) };
        assert_eq!(policy.next_wait(true, too_long, 0, ZERO), None);
        assert_eq!(RetryPolicy::none().next_wait(true, Attempt::NotSent, 0, ZERO), None);
    }

    #[test]
    fn retry_after_header_forms() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        let future = std::time::SystemTime::now() + Duration::from_secs(120);
        let parsed = parse_retry_after(&httpdate::fmt_http_date(future)).expect("parses");
        assert!(parsed > Duration::from_secs(110) && parsed <= Duration::from_secs(120), "{parsed:?}");
        assert_eq!(parse_retry_after("soon"), None);
    }
}
