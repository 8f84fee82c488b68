//! When and how long to wait before trying a request again.

use rand::Rng;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::time::Duration;

/// Statuses that mean "try again later": throttling and passing server trouble.
pub(crate) fn is_transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// The wait the server asked for: Consumption's own header first, then `Retry-After`
/// (seconds or an HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    // Consumption's own header is the most precise answer for its API.
    let consumption = headers
        .get("x-ms-ratelimit-microsoft.consumption-retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(wait_of);
    if consumption.is_some() {
        return consumption;
    }
    // Cost Management names a wait per quota (qpu, entity, tenant, client): the longest of
    // them and the standard header wins, since waiting less only earns another 429.
    headers
        .iter()
        .filter(|(name, _)| {
            let name = name.as_str();
            name == "retry-after"
                || (name.starts_with("x-ms-ratelimit-microsoft.costmanagement-")
                    && name.ends_with("-retry-after"))
        })
        .filter_map(|(_, value)| value.to_str().ok())
        .filter_map(wait_of)
        .max()
}

/// A wait as a header gives it: seconds, or an HTTP date.
fn wait_of(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<f64>() {
        if seconds.is_finite() && seconds >= 0.0 {
            return Some(Duration::from_secs_f64(seconds.min(86_400.0)));
        }
        return None;
    }
    let when = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let wait = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
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
    fn consumption_header_wins_over_retry_after() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("30"));
        headers.insert(
            "x-ms-ratelimit-microsoft.consumption-retry-after",
            HeaderValue::from_static("5"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(5)));
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
