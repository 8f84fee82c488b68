//! The one request governor of a run: every Resource Manager request, first try or retry,
//! asks it before it is sent and tells it how it went. It keeps the run inside what Azure
//! allows instead of finding the limit by being refused:
//!
//! - a wait Azure announces (a 429, or a 503 that says it throttles) pauses the whole run
//!   until the longest of every wait header ends: a request sent inside the pause would only
//!   be refused and earn a new one;
//! - every `x-ms-ratelimit-remaining-*` header is a meter of a token bucket: requests in
//!   flight never take it below a reserve (a tenth of the bucket; a fifth of Consumption's
//!   tenant-wide one, shared with everyone in the tenant), and once at the reserve requests
//!   go out as fast as the bucket refills (its rate learnt from the meter itself);
//! - without meters, a 429 sets the send rate a tenth below what Azure accepted in the last
//!   seconds (once per episode: the answers to requests sent before it say nothing new), and
//!   the rate then grows again slowly, more slowly near where the last 429 came;
//! - requests in flight grow past 16 (up to 64) when answers are slow and the limits leave
//!   room, unless `--concurrency` was given;
//! - throttling answers do not spend a request's attempts; other retries come from one run
//!   budget (a fifth of first attempts, plus 10), so an outage ends in seconds.
//!
//! Pure: the clock is passed in (`now`), so every rule is unit-tested without waiting.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// In flight at once when nothing is known yet (and the default of `--concurrency`).
pub(crate) const BASE_IN_FLIGHT: usize = 16;
/// In flight at once, at most, when answers are slow.
pub(crate) const MAX_IN_FLIGHT: usize = 64;
/// The send rate assumed when no meter or 429 has told one: twice Resource Manager's
/// documented refill of tenant reads (25 a second), so that it only sizes the window.
const ASSUMED_RATE: f64 = 50.0;
/// The slowest a 429 without meters ever makes the run (requests a second).
const MIN_RATE: f64 = 0.5;
/// The slowest refill a meter is ever thought to have (tokens a second).
const MIN_REFILL: f64 = 0.5;
/// A meter not read for this long, with nothing in flight, no longer holds requests back:
/// one goes out and its answer reads the meter again.
const STALE_METER: Duration = Duration::from_secs(30);

/// How far back the answers Azure accepted are counted.
const ACCEPTED_WINDOW: Duration = Duration::from_secs(2);

/// What a request may do now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Admission {
    /// Send it (it is counted in flight until `finished`).
    Send,
    /// Ask again at this instant (a pause, a bucket refilling, or the send rate).
    Until(Instant),
    /// Ask again when a request in flight has finished.
    ForSlot,
}

/// Why the run is paused, for the progress line and `-v`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pause {
    pub(crate) until: Instant,
    /// The header that asked the longest wait.
    pub(crate) asked_by: String,
}

/// One `x-ms-ratelimit-remaining-*` counter, mirrored.
#[derive(Debug, Clone)]
struct Meter {
    /// What Azure said was left, and when that answer came.
    remaining: f64,
    seen_at: Instant,
    /// Requests sent since that answer (each takes a token).
    sent_since: u32,
    /// The largest value seen, plus one: the bucket's size as far as can be told.
    bucket: f64,
    /// Tokens a second, learnt from successive answers.
    refill: f64,
    /// Kept free for everyone else.
    reserve_share: f64,
}

impl Meter {
    fn reserve(&self) -> f64 {
        (self.bucket * self.reserve_share).max(1.0)
    }

    /// The tokens the bucket holds now, as far as can be told.
    fn estimate(&self, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(self.seen_at).as_secs_f64();
        (self.remaining - f64::from(self.sent_since) + self.refill * elapsed).min(self.bucket)
    }

    /// A new reading: the refill is learnt from how the count moved against what was sent.
    /// `in_flight`: requests still unanswered, which may yet take a token each (the reading
    /// may predate them at the server).
    fn read(&mut self, remaining: f64, now: Instant, in_flight: usize) {
        let elapsed = now.saturating_duration_since(self.seen_at).as_secs_f64();
        // A full bucket hides its refill (nothing more fits): learn only between readings
        // below the top.
        let below_top = |value: f64| value < self.bucket - 1.5;
        if elapsed >= 0.2 && below_top(self.remaining) && below_top(remaining) {
            let refilled = remaining - (self.remaining - f64::from(self.sent_since));
            let sample = (refilled / elapsed).clamp(0.0, self.bucket.max(1.0));
            // A smoothed estimate: one odd reading (answers cross each other) moves it little;
            // never below a floor, so a bucket drained by others cannot stall the run for good
            // (each answer's reading corrects the mirror anyway).
            self.refill = (0.7 * self.refill + 0.3 * sample).max(MIN_REFILL);
        }
        self.bucket = self.bucket.max(remaining + 1.0);
        self.remaining = remaining;
        self.seen_at = now;
        self.sent_since = u32::try_from(in_flight).unwrap_or(u32::MAX);
    }
}

/// How a request ended, as the governor needs it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Answer {
    /// The HTTP status, or `None` when no answer came.
    pub(crate) status: Option<u16>,
    /// The answer's headers, names in lowercase.
    pub(crate) headers: Vec<(String, String)>,
    /// Whether the answer says Azure throttled it (a 429, or a 503 whose error says so).
    pub(crate) throttled: bool,
}

/// The governor's state for one run.
#[derive(Debug)]
pub(crate) struct Governor {
    pause: Option<Pause>,
    meters: HashMap<String, Meter>,
    /// The send rate after 429s without meters, and where the last 429 came.
    rate: Option<f64>,
    last_throttled_rate: Option<f64>,
    rate_grown_at: Option<Instant>,
    /// `--max-rate`.
    max_rate: Option<f64>,
    /// When the next request may go out under the send rate.
    next_send: Option<Instant>,
    /// The answers accepted in the last seconds, to measure what Azure lets through.
    accepted: VecDeque<Instant>,
    /// When the rate was last lowered: 429s to requests sent before then are the same
    /// episode.
    slowed_at: Option<Instant>,
    in_flight: usize,
    /// `--concurrency` when given: then the window never grows past it.
    fixed_window: Option<usize>,
    /// Answer time, smoothed (seconds).
    latency: Option<f64>,
    first_attempts: u64,
    retries: u64,
    /// Throttled answers so far, for the progress line.
    pub(crate) throttled: u64,
}

/// The wait an answer asks for: the longest of every wait header, with the header's name.
pub(crate) fn asked_wait(
    headers: &[(String, String)],
    now_utc: chrono::DateTime<chrono::Utc>,
) -> Option<(Duration, String)> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let value = value.trim();
            let wait = match name.as_str() {
                "retry-after" => seconds(value).or_else(|| {
                    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
                    (when.with_timezone(&chrono::Utc) - now_utc)
                        .to_std()
                        .ok()
                        .or(Some(Duration::ZERO))
                }),
                "retry-after-ms" | "x-ms-retry-after-ms" => value
                    .parse::<f64>()
                    .ok()
                    .and_then(|ms| seconds(&(ms / 1000.0).to_string())),
                other if other.starts_with("x-ms-ratelimit-") && other.ends_with("retry-after") => {
                    seconds(value)
                }
                _ => None,
            }?;
            Some((wait, name.clone()))
        })
        .max_by_key(|(wait, _)| *wait)
}

/// A wait in seconds as a header writes it; never more than a day.
fn seconds(text: &str) -> Option<Duration> {
    let seconds = text.parse::<f64>().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
}

impl Governor {
    /// `concurrency`: `--concurrency` when given (an upper bound), else `None` (the window
    /// grows with slow answers); `max_rate`: `--max-rate`, requests a second.
    pub(crate) fn new(concurrency: Option<usize>, max_rate: Option<f64>) -> Self {
        Governor {
            pause: None,
            meters: HashMap::new(),
            rate: None,
            last_throttled_rate: None,
            rate_grown_at: None,
            max_rate: max_rate.filter(|r| *r > 0.0),
            next_send: None,
            accepted: VecDeque::new(),
            slowed_at: None,
            in_flight: 0,
            fixed_window: concurrency.map(|c| c.max(1)),
            latency: None,
            first_attempts: 0,
            retries: 0,
            throttled: 0,
        }
    }

    /// Holds every request until `until` (a wait Azure asked in a way `finished` does not
    /// see, such as a 503's `Retry-After`); the longest wait wins.
    pub(crate) fn hold(&mut self, until: Instant, asked_by: &str) {
        if self.pause.as_ref().is_none_or(|p| p.until < until) {
            self.pause = Some(Pause {
                until,
                asked_by: asked_by.to_string(),
            });
        }
    }

    /// The pause Azure announced, while it lasts.
    pub(crate) fn pause(&self, now: Instant) -> Option<&Pause> {
        self.pause.as_ref().filter(|pause| pause.until > now)
    }

    /// Requests in flight at once, at most, now.
    pub(crate) fn window(&self) -> usize {
        if let Some(fixed) = self.fixed_window {
            return fixed;
        }
        let Some(latency) = self.latency else {
            return BASE_IN_FLIGHT;
        };
        // Little's law: the rate the limits allow times the answer time, with a margin.
        let rate = self.limit().unwrap_or(ASSUMED_RATE);
        let wanted = (rate * latency * 1.25).ceil() as usize;
        wanted.clamp(BASE_IN_FLIGHT, MAX_IN_FLIGHT)
    }

    /// The send rate the run keeps to, when one is known: the slowest of `--max-rate`, the
    /// rate after 429s, and the refill of every meter at its reserve.
    pub(crate) fn limit(&self) -> Option<f64> {
        let meters = self.meters.values().map(|m| m.refill);
        self.max_rate
            .into_iter()
            .chain(self.rate)
            .chain(meters)
            .min_by(|a, b| a.total_cmp(b))
    }

    /// May a request go out now? `Send` counts it in flight until `finished`.
    pub(crate) fn admit(&mut self, now: Instant) -> Admission {
        if let Some(pause) = self.pause(now) {
            return Admission::Until(pause.until);
        }
        if self.in_flight >= self.window() {
            return Admission::ForSlot;
        }
        // Every meter keeps its reserve, counting what is in flight as spent (a stale one
        // lets a probe go when nothing is in flight).
        let idle = self.in_flight == 0;
        for meter in self.meters.values() {
            if idle && now.saturating_duration_since(meter.seen_at) >= STALE_METER {
                continue;
            }
            let free = meter.estimate(now) - meter.reserve();
            if free < 1.0 {
                let short = 1.0 - free;
                let wait = short / meter.refill.max(0.1);
                return Admission::Until(now + Duration::from_secs_f64(wait.min(60.0)));
            }
        }
        self.grow_rate(now);
        if let Some(rate) = self
            .rate
            .into_iter()
            .chain(self.max_rate)
            .min_by(|a, b| a.total_cmp(b))
        {
            let gap = Duration::from_secs_f64(1.0 / rate);
            match self.next_send {
                Some(next) if next > now => return Admission::Until(next),
                // No credit for idle time: after a lull the rate holds from now on.
                Some(next) => self.next_send = Some(next.max(now) + gap),
                None => self.next_send = Some(now + gap),
            }
        }
        for meter in self.meters.values_mut() {
            meter.sent_since += 1;
        }
        self.in_flight += 1;
        Admission::Send
    }

    /// A first attempt is about to be sent (the retry budget grows with them).
    pub(crate) fn first_attempt(&mut self) {
        self.first_attempts += 1;
    }

    /// May a request that failed (not throttled) be tried again? Retries come from one
    /// budget for the run: a fifth of the first attempts, plus 10.
    pub(crate) fn may_retry(&mut self) -> bool {
        let budget = self.first_attempts / 5 + 10;
        if self.retries >= budget {
            return false;
        }
        self.retries += 1;
        true
    }

    /// A request admitted by `admit` has ended: its answer's meters, waits and timing.
    pub(crate) fn finished(
        &mut self,
        now: Instant,
        sent_at: Instant,
        answer: &Answer,
        now_utc: chrono::DateTime<chrono::Utc>,
    ) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if answer
            .status
            .is_some_and(|status| (200..300).contains(&status))
        {
            self.accepted.push_back(now);
        }
        while self
            .accepted
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) > ACCEPTED_WINDOW)
        {
            self.accepted.pop_front();
        }
        if answer.status.is_some() {
            let took = now.saturating_duration_since(sent_at).as_secs_f64();
            self.latency = Some(match self.latency {
                Some(old) => 0.8 * old + 0.2 * took,
                None => took,
            });
        }
        for (name, value) in &answer.headers {
            let Some(counter) = name.strip_prefix("x-ms-ratelimit-remaining-") else {
                continue;
            };
            let Ok(remaining) = value.trim().parse::<f64>() else {
                continue;
            };
            if !remaining.is_finite() || remaining < 0.0 {
                continue;
            }
            let tenant_wide = counter.contains("consumption") && counter.contains("tenant");
            let meter = self.meters.entry(counter.to_string()).or_insert_with(|| {
                let bucket = remaining + 1.0;
                Meter {
                    remaining,
                    seen_at: now,
                    sent_since: 0,
                    bucket,
                    // Until learnt: a tenth of the bucket a second, as Resource Manager's
                    // tenant reads refill (250, 25 a second).
                    refill: (bucket / 10.0).max(0.5),
                    reserve_share: if tenant_wide { 0.2 } else { 0.1 },
                }
            });
            meter.read(remaining, now, self.in_flight);
        }
        if answer.throttled {
            self.throttled += 1;
            let asked = asked_wait(&answer.headers, now_utc);
            if let Some((wait, header)) = &asked {
                self.hold(now + *wait, header);
            }
            if self.meters.is_empty() {
                if self.slowed_at.is_none_or(|at| sent_at > at) {
                    self.slow_down(now);
                }
            } else {
                // A meter said there was room, yet Azure refused: its bucket is smaller or
                // shared more than it seemed; start it again from its reserve (requests then
                // go at its refill, after the pause).
                for meter in self.meters.values_mut() {
                    meter.remaining = meter.reserve();
                    meter.sent_since = 0;
                    meter.seen_at = now;
                }
            }
        }
    }

    /// What Azure accepted lately, a second: the answers of the last seconds over the time
    /// they span (a second at least, so that a burst from a full bucket does not read as a
    /// rate).
    fn accepted_rate(&self, now: Instant) -> f64 {
        let span = self
            .accepted
            .front()
            .map_or(0.0, |first| {
                now.saturating_duration_since(*first).as_secs_f64()
            })
            .max(1.0);
        self.accepted.len() as f64 / span
    }

    /// A 429 without meters: a tenth below what Azure accepted lately (and below the rate
    /// already kept), remembered as where the limit was.
    fn slow_down(&mut self, now: Instant) {
        let accepted = self.accepted_rate(now);
        self.last_throttled_rate = Some(accepted.max(MIN_RATE));
        let lowered = (accepted * 0.9).max(MIN_RATE);
        self.rate = Some(self.rate.map_or(lowered, |rate| rate.min(lowered)));
        self.rate_grown_at = Some(now);
        self.slowed_at = Some(now);
    }

    /// Without a 429 for a while the rate grows again: 10% a second far below where the last
    /// 429 came, 2% a second near or above it.
    fn grow_rate(&mut self, now: Instant) {
        let (Some(rate), Some(grown_at)) = (self.rate, self.rate_grown_at) else {
            return;
        };
        let elapsed = now.saturating_duration_since(grown_at).as_secs_f64();
        if elapsed < 1.0 {
            return;
        }
        let mut grown = rate;
        for _ in 0..(elapsed.floor() as u64).min(600) {
            let near = self
                .last_throttled_rate
                .is_some_and(|limit| grown >= 0.8 * limit);
            grown *= if near { 1.02 } else { 1.10 };
        }
        self.rate = Some(grown);
        self.rate_grown_at = Some(grown_at + Duration::from_secs(elapsed.floor() as u64));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc)
    }

    fn headers(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn ok(list: &[(&str, &str)]) -> Answer {
        Answer {
            status: Some(200),
            headers: headers(list),
            throttled: false,
        }
    }

    fn throttled(list: &[(&str, &str)]) -> Answer {
        Answer {
            status: Some(429),
            headers: headers(list),
            throttled: true,
        }
    }

    #[test]
    fn the_longest_of_every_wait_header_wins() {
        let now = utc();
        let (wait, by) = asked_wait(
            &headers(&[
                ("retry-after", "5"),
                ("retry-after-ms", "7500"),
                ("x-ms-retry-after-ms", "100"),
                (
                    "x-ms-ratelimit-microsoft.consumption-tenant-retry-after",
                    "9",
                ),
                ("x-ms-ratelimit-remaining-tenant-reads", "0"),
            ]),
            now,
        )
        .unwrap();
        assert_eq!(
            (wait, by.as_str()),
            (
                Duration::from_secs(9),
                "x-ms-ratelimit-microsoft.consumption-tenant-retry-after"
            )
        );
        let (wait, _) = asked_wait(
            &headers(&[("retry-after", "Sun, 06 Dec 2026 12:00:30 GMT")]),
            now,
        )
        .unwrap();
        assert_eq!(wait, Duration::from_secs(30));
        let (wait, _) = asked_wait(&headers(&[("retry-after-ms", "7500")]), now).unwrap();
        assert_eq!(wait, Duration::from_millis(7500));
        assert!(asked_wait(&headers(&[("retry-after", "soon")]), now).is_none());
    }

    #[test]
    fn an_announced_wait_pauses_every_request_of_the_run() {
        let start = Instant::now();
        let mut governor = Governor::new(None, None);
        assert_eq!(governor.admit(start), Admission::Send);
        governor.finished(start, start, &throttled(&[("retry-after", "10")]), utc());
        let later = start + Duration::from_secs(3);
        assert_eq!(
            governor.admit(later),
            Admission::Until(start + Duration::from_secs(10))
        );
        // A shorter wait asked later does not shorten it.
        governor.finished(later, later, &throttled(&[("retry-after", "1")]), utc());
        assert_eq!(
            governor.admit(later),
            Admission::Until(start + Duration::from_secs(10))
        );
        assert_eq!(governor.pause(later).unwrap().asked_by, "retry-after");
        assert_eq!(governor.throttled, 2);
        assert!(governor.pause(start + Duration::from_secs(10)).is_none());
    }

    #[test]
    fn a_meter_keeps_its_reserve_and_then_sends_at_the_refill_rate() {
        let start = Instant::now();
        let mut governor = Governor::new(None, None);
        assert_eq!(governor.admit(start), Admission::Send);
        // A bucket of 40 as far as can be told, 39 left: a reserve of 4.
        governor.finished(
            start,
            start,
            &ok(&[("x-ms-ratelimit-remaining-tenant-reads", "39")]),
            utc(),
        );
        let mut sent = 0;
        while governor.admit(start) == Admission::Send {
            sent += 1;
            // Answers come at once, the count not yet moved: what is in flight counts.
            governor.in_flight -= 1;
        }
        assert_eq!(sent, 35, "39 left, a reserve of 4: 35 may go");
        // Then one every 1/refill seconds (4 a second until learnt).
        match governor.admit(start) {
            Admission::Until(at) => {
                let wait = at.duration_since(start).as_secs_f64();
                assert!((0.2..=0.3).contains(&wait), "{wait}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_refill_is_learnt_from_the_meter() {
        let start = Instant::now();
        let mut governor = Governor::new(None, None);
        let read = |governor: &mut Governor, at: Instant, remaining: f64| {
            governor.finished(
                at,
                at,
                &ok(&[(
                    "x-ms-ratelimit-remaining-tenant-reads",
                    &format!("{remaining}"),
                )]),
                utc(),
            );
        };
        // A bucket of 250 (the prior refill: 25 a second), 150 left.
        governor.admit(start);
        read(&mut governor, start, 249.0);
        governor.admit(start);
        read(&mut governor, start, 150.0);
        // Each second 10 go out and the count falls by 5: the bucket refills 5 a second,
        // not the 25 first assumed.
        let mut remaining = 150.0_f64;
        for second in 1..=10 {
            let now = start + Duration::from_secs(second);
            for _ in 0..10 {
                assert_eq!(governor.admit(now), Admission::Send);
            }
            remaining -= 5.0;
            // Nine answers come without the header, the tenth with it.
            for _ in 0..9 {
                governor.finished(now, now, &ok(&[]), utc());
            }
            read(&mut governor, now, remaining);
        }
        let refill = governor.limit().unwrap();
        assert!((4.0..7.0).contains(&refill), "{refill}");
    }

    #[test]
    fn without_meters_a_429_lowers_the_rate_to_what_was_accepted_which_grows_back_slowly() {
        let start = Instant::now();
        let mut governor = Governor::new(None, None);
        // 20 a second for a second.
        for i in 0..20 {
            let now = start + Duration::from_millis(50 * i);
            assert_eq!(governor.admit(now), Admission::Send);
            governor.finished(now, now, &ok(&[]), utc());
        }
        let at = start + Duration::from_secs(1);
        governor.admit(at);
        governor.finished(at, at, &throttled(&[]), utc());
        let limit = governor.limit().unwrap();
        assert!((17.0..=19.0).contains(&limit), "{limit}");
        // The other answers of the same episode (sent before it) lower it no further.
        governor.admit(at);
        governor.finished(at + Duration::from_millis(10), at, &throttled(&[]), utc());
        assert_eq!(governor.limit().unwrap(), limit);
        // Ten seconds later it has grown, slowly near where the 429 came.
        let later = at + Duration::from_secs(10);
        governor.admit(later);
        let grown = governor.limit().unwrap();
        assert!(grown > limit && grown < 1.25 * limit, "{grown}");
        // Paced: the next request waits for the gap.
        assert!(matches!(governor.admit(later), Admission::Until(_)));
    }

    #[test]
    fn max_rate_paces_and_concurrency_bounds_the_window() {
        let start = Instant::now();
        let mut governor = Governor::new(Some(2), Some(4.0));
        assert_eq!(governor.admit(start), Admission::Send);
        assert!(matches!(governor.admit(start), Admission::Until(_)));
        let next = start + Duration::from_millis(250);
        assert_eq!(governor.admit(next), Admission::Send);
        assert_eq!(
            governor.admit(next + Duration::from_millis(250)),
            Admission::ForSlot
        );
        assert_eq!(governor.window(), 2);
    }

    #[test]
    fn slow_answers_widen_the_window_up_to_64() {
        let start = Instant::now();
        let mut governor = Governor::new(None, None);
        assert_eq!(governor.window(), BASE_IN_FLIGHT);
        governor.admit(start);
        governor.finished(
            start + Duration::from_millis(1500),
            start,
            &ok(&[("x-ms-ratelimit-remaining-tenant-reads", "249")]),
            utc(),
        );
        // 25 a second (a tenth of the bucket) for 1.5 s, with a margin: 47.
        assert_eq!(governor.window(), 47);
        let mut fast = Governor::new(None, None);
        fast.admit(start);
        fast.finished(start + Duration::from_millis(20), start, &ok(&[]), utc());
        assert_eq!(fast.window(), BASE_IN_FLIGHT);
        let mut slowest = Governor::new(None, None);
        slowest.admit(start);
        slowest.finished(start + Duration::from_secs(5), start, &ok(&[]), utc());
        assert_eq!(slowest.window(), MAX_IN_FLIGHT);
    }

    #[test]
    fn a_meter_drained_by_others_never_stalls_the_run() {
        let start = Instant::now();
        let mut governor = Governor::new(None, None);
        governor.admit(start);
        governor.finished(
            start,
            start,
            &ok(&[("x-ms-ratelimit-remaining-tenant-reads", "249")]),
            utc(),
        );
        // Others drain the bucket: every reading says 0 left, the learnt refill falls, but
        // never below the floor.
        for second in 1..=30 {
            let now = start + Duration::from_secs(second);
            governor.in_flight += 1;
            governor.finished(
                now,
                now,
                &ok(&[("x-ms-ratelimit-remaining-tenant-reads", "0")]),
                utc(),
            );
        }
        assert!(governor.limit().unwrap() >= MIN_REFILL);
        // Not read for a while and nothing in flight: one request goes to read it again.
        let later = start + Duration::from_secs(30) + STALE_METER;
        assert_eq!(governor.admit(later), Admission::Send);
    }

    #[test]
    fn retries_come_from_one_budget_for_the_run() {
        let mut governor = Governor::new(None, None);
        for _ in 0..100 {
            governor.first_attempt();
        }
        let granted = (0..100).filter(|_| governor.may_retry()).count();
        assert_eq!(granted, 30, "a fifth of 100, plus 10");
    }
}
