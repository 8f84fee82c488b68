//! When and how long to wait before trying a request again.

use rand::Rng;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::time::Duration;

/// Statuses that mean "try again later": throttling and passing server trouble.
pub(crate) fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Whether an answer is Azure throttling (not failing): a 429, or a 503 whose error code
/// says so (`ServerBusy`, `TooManyRequests`, anything "throttl…").
pub(crate) fn is_throttled(status: StatusCode, body: &[u8]) -> bool {
    match status.as_u16() {
        429 => true,
        503 => {
            let head = &body[..body.len().min(4096)];
            let text = String::from_utf8_lossy(head).to_ascii_lowercase();
            ["throttl", "toomanyrequests", "serverbusy"]
                .iter()
                .any(|word| text.contains(word))
        }
        _ => false,
    }
}

/// The wait the server asked for: the longest of every wait header (`Retry-After` in
/// seconds or as a date, `retry-after-ms`, `x-ms-retry-after-ms`, and every
/// `x-ms-ratelimit-*-retry-after`: Consumption's, Cost Management's per quota), since
/// waiting less only earns another refusal.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let listed: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    super::governor::asked_wait(&listed, chrono::Utc::now()).map(|(wait, _)| wait)
}

/// Exponential backoff with "equal jitter": attempt 1 waits between half of `base` and
/// `base`, attempt 2 between `base` and `2 * base`, and so on, the ceiling capped at 8 s.
/// Half the wait is kept so that a retry never comes back at once; the other half is drawn at
/// random so that clients failing together do not retry together.
pub(crate) fn backoff(attempt: u32, base: Duration) -> Duration {
    let ceiling = base
        .saturating_mul(1u32 << attempt.saturating_sub(1).min(10))
        .min(Duration::from_secs(8));
    let millis = ceiling.as_millis() as u64;
    if millis == 0 {
        return Duration::ZERO;
    }
    Duration::from_millis(rand::rng().random_range(millis / 2..=millis))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_longest_of_consumption_and_retry_after_wins() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("30"));
        headers.insert(
            "x-ms-ratelimit-microsoft.consumption-retry-after",
            HeaderValue::from_static("5"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(30)));
    }

    #[test]
    fn the_longest_cost_management_wait_wins() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        headers.insert(
            "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
            HeaderValue::from_static("7"),
        );
        headers.insert(
            "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
            HeaderValue::from_static("40"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(40)));
    }

    #[test]
    fn garbage_retry_after_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        assert!(backoff(1, base) <= Duration::from_millis(100));
        assert!(backoff(3, base) <= Duration::from_millis(400));
        assert!(backoff(3, base) >= Duration::from_millis(200));
        assert!(backoff(30, base) <= Duration::from_secs(8));
    }
}
