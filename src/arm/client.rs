//! The single HTTP path every Azure call goes through.

use super::auth::{one_line, TokenSource};
use super::error::{ArmError, ArmResult, StatusFailure};
use super::governor::{Admission, Answer, Governor, MAX_IN_FLIGHT};
use super::retry::{backoff, is_throttled, is_transient_status, retry_after};
use crate::model::scope::Scope;
use crate::model::wire::{ArmRecord, ErrorBody, Page};
use azure_core::credentials::Secret;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use url::Url;

/// The largest answer body read, compressed or not: far above any real page (a page of
/// 1,000 events is about 1.5 MB), so that no answer can exhaust memory.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Of an error answer only the start is read: it holds the ARM error code and message.
const MAX_ERROR_BODY_BYTES: usize = 1024 * 1024;
/// At most this much is set aside for a body before its bytes come: a server that announces
/// a length it never sends costs no more than this.
const PRESIZED_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The most pages one list may have: far above real use (10 million records at Azure's
/// page sizes), so that a `nextLink` that never ends cannot burn the tenant's read budget.
pub(crate) const MAX_PAGES: usize = 10_000;

/// Throttled answers one request takes before it gives up (each after the wait Azure asked).
const MAX_THROTTLED_ANSWERS: u32 = 30;

/// Server text quoted in a message is cut to this many characters.
const MAX_QUOTED_CHARS: usize = 300;

/// What the client did, for whoever watches (`-v` prints it). The client itself prints
/// nothing.
#[derive(Debug, Clone)]
pub(crate) enum ClientEvent {
    /// One answered (or failed) attempt.
    Response {
        /// The path and query, never the host.
        target: String,
        /// `200`, or `failed` when no answer came.
        status: String,
        elapsed: Duration,
        request_id: Option<String>,
        /// `x-ms-ratelimit-remaining-tenant-reads`: the tenant's ARM read budget left.
        tenant_reads_left: Option<String>,
        /// `GET` or `POST`.
        method: &'static str,
        /// `x-ms-ratelimit-microsoft.costmanagement-qpu-remaining`: Cost Management's
        /// query budget left (`QueriesPerHour:597,QueriesPerMin:57,QueriesPer10Sec:9`).
        queries_left: Option<String>,
    },
    /// Page `number` (2 or more) of a list is being fetched.
    Page { number: usize },
    /// Azure throttled a request: it goes again after the run's pause (`wait`), without
    /// spending an attempt.
    Throttled { path: String, wait: Duration },
    /// A retry is coming after `wait`.
    Retrying {
        path: String,
        wait: Duration,
        next_attempt: u32,
        max_attempts: u32,
    },
}

/// Receives every `ClientEvent`.
pub(crate) type ClientObserver = std::sync::Arc<dyn Fn(&ClientEvent) + Send + Sync>;

/// How the client talks to Resource Manager. The caller decides every value that a user can
/// change; only the retry policy is the client's own.
#[derive(Clone)]
pub(crate) struct ClientOptions {
    /// The Resource Manager base URL, already validated.
    pub(crate) endpoint: Url,
    /// The deadline for the whole command, retries and token included.
    pub(crate) total_timeout: Duration,
    /// Requests in flight at once, at most, when `concurrency_given`; else where the
    /// governor starts (it grows past it when answers are slow).
    pub(crate) concurrency: usize,
    /// Whether `--concurrency` (or its variable or config key) set it: then it bounds.
    pub(crate) concurrency_given: bool,
    /// `--max-rate`: requests a second, at most.
    pub(crate) max_rate: Option<f64>,
    /// Attempts per request, the first included.
    pub(crate) max_attempts: u32,
    /// The first retry waits up to this long; later ones double it.
    pub(crate) retry_base: Duration,
    /// Told about every attempt and retry.
    pub(crate) observer: Option<ClientObserver>,
}

impl ClientOptions {
    pub(crate) fn new(endpoint: Url, total_timeout: Duration, concurrency: usize) -> Self {
        ClientOptions {
            endpoint,
            total_timeout,
            concurrency,
            concurrency_given: true,
            max_rate: None,
            max_attempts: 4,
            retry_base: Duration::from_millis(500),
            observer: None,
        }
    }
}

/// A typed async client for Azure Resource Manager.
pub(crate) struct ArmClient {
    http: tokio::sync::OnceCell<reqwest::Client>,
    options: ClientOptions,
    tokens: TokenSource,
    token: tokio::sync::OnceCell<Secret>,
    started: Instant,
    /// The run's one request governor (`governor.rs`): pauses, meters, the send rate, the
    /// requests in flight and the retry budget, for every request whoever issues it.
    governor: std::sync::Mutex<Governor>,
    /// Woken when a request in flight ends (a slot may be free).
    slot_freed: tokio::sync::Notify,
    /// For a sweep the time limit runs from the last answer Azure gave, not from the start:
    /// `--timeout` then means "no progress for that long" (`deadline_from_progress`).
    progress_deadline: std::sync::atomic::AtomicBool,
    /// When Azure last answered with success (for the progress deadline).
    last_success: std::sync::Mutex<Instant>,
}

/// A request the governor let go, until its answer is told to it (`end`); dropped unended
/// (the request's future was cancelled), it tells the governor no answer came, so its place
/// in the window is never lost.
struct InFlight<'a> {
    client: &'a ArmClient,
    sent: Instant,
    open: bool,
}

impl InFlight<'_> {
    fn end(mut self, status: Option<StatusCode>, headers: Option<&HeaderMap>, body: &[u8]) {
        self.open = false;
        self.client.ended(self.sent, status, headers, body);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if self.open {
            self.client.ended(self.sent, None, None, &[]);
        }
    }
}

/// How a sweep is doing against Azure's limits, for its progress line.
#[derive(Debug, Clone, Default)]
pub(crate) struct ThrottleState {
    /// The send rate kept to, when one is known (requests a second).
    pub(crate) limit: Option<f64>,
    /// Answers that were throttled so far.
    pub(crate) throttled: u64,
    /// A pause Azure announced that is still running: how long is left and which header.
    pub(crate) paused: Option<(Duration, String)>,
}

/// What one successful GET returned. `body` is `None` for 204 No Content.
struct Fetched {
    body: Option<Bytes>,
    status: StatusCode,
    request_id: Option<String>,
    /// Attempts this request has used so far.
    attempts: u32,
    headers: HeaderMap,
}

/// What an asynchronous operation answered: its result (200), "not yet" with where and when
/// to ask again (202), or nothing at all (204, `body` `None`).
pub(crate) struct Accepted {
    pub(crate) status: u16,
    pub(crate) body: Option<Bytes>,
    /// `Location`: only ever on the endpoint's own origin (the token goes there).
    pub(crate) location: Option<Url>,
    /// `Retry-After`, or the longest of Cost Management's retry headers.
    pub(crate) retry_after: Option<Duration>,
}

/// The most bytes of one report file read: far above any real month of one scope. A file is
/// streamed, so this bounds the time spent, not memory.
pub(crate) const MAX_BLOB_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// A host that cannot be anywhere but this machine: `localhost`, 127.0.0.0/8, `[::1]`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Builds the HTTP client. Loading the system's root certificates is most of its cost, so
/// it runs on a blocking thread while the token is being fetched.
fn build_http_client(plain_http: bool, total_timeout: Duration) -> ArmResult<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .read_timeout(Duration::from_secs(60))
        .timeout(total_timeout)
        .user_agent(concat!("credits/", env!("CARGO_PKG_VERSION")))
        // Never follow redirects: the token must only go where we send it.
        .redirect(reqwest::redirect::Policy::none());
    if plain_http {
        // Plain http is only ever loopback (see `parse_endpoint`), and this client talks to
        // nothing but the endpoint: no root certificates are needed.
        builder = builder.tls_certs_only(std::iter::empty());
    }
    builder
        .build()
        .map_err(|e| ArmError::Internal(format!("could not start the HTTP client: {e}")))
}

impl ArmClient {
    /// Does no I/O and cannot fail: the HTTP client and the token are made on the first
    /// request.
    pub(crate) fn new(options: ClientOptions, tokens: TokenSource) -> Self {
        let governor = Governor::new(
            options
                .concurrency_given
                .then_some(options.concurrency.max(1)),
            options.max_rate,
        );
        ArmClient {
            http: tokio::sync::OnceCell::new(),
            options,
            tokens,
            token: tokio::sync::OnceCell::new(),
            started: Instant::now(),
            governor: std::sync::Mutex::new(governor),
            slot_freed: tokio::sync::Notify::new(),
            progress_deadline: std::sync::atomic::AtomicBool::new(false),
            last_success: std::sync::Mutex::new(Instant::now()),
        }
    }

    /// From now on the time limit runs from the last successful answer (a sweep of
    /// thousands of customers takes as long as Azure's throttle allows; what must end it is
    /// no progress, not the clock).
    pub(crate) fn deadline_from_progress(&self) {
        if let Ok(mut last) = self.last_success.lock() {
            *last = Instant::now();
        }
        self.progress_deadline
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The governor's view, for a sweep's progress line.
    pub(crate) fn throttle_state(&self) -> ThrottleState {
        let now = Instant::now();
        let governor = self.governor();
        ThrottleState {
            limit: governor.limit(),
            throttled: governor.throttled,
            paused: governor.pause(now).map(|pause| {
                (
                    pause.until.saturating_duration_since(now),
                    pause.asked_by.clone(),
                )
            }),
        }
    }

    fn governor(&self) -> std::sync::MutexGuard<'_, Governor> {
        // A panic while holding it cannot leave the counters worse than approximate.
        self.governor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Azure asked to wait `wait` from now (`by` names the header): no request goes out
    /// before it ends.
    fn pause_all(&self, wait: Duration, by: &str) {
        self.governor().hold(Instant::now() + wait, by);
    }

    /// Waits until the governor lets a request go, within the time limit; gives the moment
    /// it was sent.
    async fn admitted(&self, url: &Url) -> ArmResult<Instant> {
        loop {
            let remaining = self.remaining();
            if remaining.is_zero() {
                return Err(self.deadline_error(url));
            }
            // Registered before asking, so that a slot freed in between is not missed.
            let freed = self.slot_freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            let now = Instant::now();
            let decision = self.governor().admit(now);
            match decision {
                Admission::Send => return Ok(now),
                Admission::Until(at) => {
                    let wait = at.saturating_duration_since(now).min(remaining);
                    tokio::time::sleep(wait).await;
                }
                Admission::ForSlot => {
                    let _ = tokio::time::timeout(remaining, freed).await;
                }
            }
        }
    }

    /// A request the governor let go has ended (`status` `None`: no answer came).
    fn ended(
        &self,
        sent: Instant,
        status: Option<StatusCode>,
        headers: Option<&HeaderMap>,
        body: &[u8],
    ) {
        let headers: Vec<(String, String)> = headers
            .map(|headers| {
                headers
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let answer = Answer {
            status: status.map(|s| s.as_u16()),
            throttled: status.is_some_and(|s| is_throttled(s, body)),
            headers,
        };
        let now = Instant::now();
        if status.is_some_and(|s| s.is_success()) {
            if let Ok(mut last) = self.last_success.lock() {
                *last = now;
            }
        }
        self.governor()
            .finished(now, sent, &answer, chrono::Utc::now());
        self.slot_freed.notify_waiters();
    }

    async fn http(&self) -> ArmResult<&reqwest::Client> {
        self.http
            .get_or_try_init(|| async {
                let plain_http = self.options.endpoint.scheme() == "http";
                let total_timeout = self.options.total_timeout;
                // Only worth a thread when there is something to overlap with: a token still
                // to be fetched, and root certificates to load.
                let token_is_given = self.tokens.is_given();
                if plain_http || token_is_given {
                    return build_http_client(plain_http, total_timeout);
                }
                tokio::task::spawn_blocking(move || build_http_client(plain_http, total_timeout))
                    .await
                    .map_err(|e| {
                        ArmError::Internal(format!("could not start the HTTP client: {e}"))
                    })?
            })
            .await
    }

    /// `{endpoint}{path}?{query}`, with `path` (an ARM id) used verbatim. Query values are
    /// percent-encoded; the keys are ours and written as ARM documents them (`$expand`, not
    /// `%24expand`).
    pub(crate) fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = self.options.endpoint.clone();
        let base = url.path().trim_end_matches('/').to_string();
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        url.set_path(&format!("{base}{path}"));
        let query: Vec<String> = query
            .iter()
            .map(|(key, value)| {
                let value: String =
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect();
                format!("{key}={value}")
            })
            .collect();
        url.set_query((!query.is_empty()).then(|| query.join("&")).as_deref());
        url
    }

    /// Reads a caller may start at once: `--concurrency` when given, else as many as the
    /// governor may ever let go (it decides how many are really in flight).
    pub(crate) fn concurrency(&self) -> usize {
        if self.options.concurrency_given {
            self.options.concurrency
        } else {
            MAX_IN_FLIGHT
        }
    }

    /// The profile cache key of this endpoint and signed-in principal. Needs the token to
    /// know who that is; the token itself never leaves this module (only a one-way
    /// fingerprint of an opaque token goes into the key).
    pub(crate) async fn cache_key(&self) -> ArmResult<String> {
        let token = self.token().await?;
        Ok(format!(
            "{}|{}",
            self.options.endpoint.as_str().trim_end_matches('/'),
            super::principal::principal_key(token.secret(), &self.tokens.configured_identity())
        ))
    }

    /// The token scope follows the endpoint: `https://management.azure.com/.default`.
    fn scope(&self) -> String {
        let origin = self.options.endpoint.origin().ascii_serialization();
        format!("{origin}/.default")
    }

    /// Bounded by the time limit like everything else: a credential's own retries (managed
    /// identity retries for over a minute) must not outlive the deadline.
    async fn token(&self) -> ArmResult<&Secret> {
        self.token
            .get_or_try_init(|| async {
                let remaining = self.remaining();
                let token =
                    match tokio::time::timeout(remaining, self.tokens.token(&self.scope())).await {
                        Ok(result) => result?,
                        Err(_) => {
                            return Err(ArmError::TokenTimeout {
                                method: self.tokens.method(),
                                limit: self.options.total_timeout,
                            })
                        }
                    };
                // A token that cannot go in a header would fail every attempt as a
                // "network" error: say what it is instead (without showing it).
                let header = format!("Bearer {}", token.secret());
                if reqwest::header::HeaderValue::from_str(&header).is_err() {
                    return Err(ArmError::MalformedToken {
                        method: self.tokens.method(),
                    });
                }
                Ok(token)
            })
            .await
    }

    /// GETs `url` and decodes the JSON body, which must be the record `expected` names.
    /// `Ok(None)` means 204 No Content. A 200 that is not such a record (cut short, HTML
    /// from a proxy, another resource) is retried like a 503.
    pub(crate) async fn get_json<T>(
        &self,
        url: Url,
        expected: &Expected<'_>,
    ) -> ArmResult<Option<T>>
    where
        T: DeserializeOwned + ArmRecord,
    {
        let mut used = 0;
        loop {
            let fetched = self.get_counting(&url, used).await?;
            used = fetched.attempts;
            let Some(body) = fetched.body else {
                return Ok(None);
            };
            let decoded = decode::<T>(&url, fetched.status, fetched.request_id.as_deref(), &body)
                .and_then(|record| {
                    check_records(
                        &url,
                        fetched.request_id.as_deref(),
                        expected,
                        std::slice::from_ref(&record),
                    )?;
                    Ok(record)
                });
            match decoded {
                Ok(record) => return Ok(Some(record)),
                Err(bad) => self.pause_before_retry(used, None, &url, bad).await?,
            }
        }
    }

    /// GETs a list and every page after it via `nextLink`, handing each page's records to
    /// `on_page` as it arrives. The next page is requested as soon as its link is known, so
    /// parsing and printing one page overlaps the round trip of the next. A page that is not
    /// a page of `expected` records is fetched again (like a 503) before anything of it is
    /// handed on, so a retry never repeats or drops a record. `on_page` may fail with its own
    /// error type, or answer `Break` (nobody reads any more), which ends the listing quietly.
    pub(crate) async fn get_pages<T, E>(
        &self,
        url: Url,
        expected: &Expected<'_>,
        mut on_page: impl FnMut(Vec<T>) -> Result<ControlFlow<()>, E>,
    ) -> Result<(), E>
    where
        T: DeserializeOwned + ArmRecord + Send + 'static,
        E: From<ArmError>,
    {
        let mut seen = std::collections::HashSet::new();
        seen.insert(url.to_string());
        let first_request = describe(&url);
        let mut current = self.get(&url).await?;
        let mut current_url = url;
        let mut pages = 1;
        // A later page that answers 404: the list changed while it was read.
        let vanished = |page: usize, error: ArmError| match error.status() {
            Some(404) if page > 1 => ArmError::PageVanished {
                request: first_request.clone(),
                page,
                last: Box::new(error),
            },
            _ => error,
        };
        // The current page again, after an answer that could not be read: within its one
        // budget of attempts, and with a 404 on a later page reported as such.
        let again = async |url: &Url, used: u32, bad: ArmError, page: usize| {
            self.pause_before_retry(used, None, url, bad).await?;
            self.get_counting(url, used)
                .await
                .map_err(|e| vanished(page, e))
        };
        loop {
            let Some(body) = current.body.take() else {
                if pages == 1 {
                    // 204 No Content: an empty list.
                    return Ok(());
                }
                // A later page with no content is not the end of a list: its link said more.
                let bad = ArmError::Unexpected {
                    request: describe(&current_url),
                    status: current.status.as_u16(),
                    request_id: current.request_id.take(),
                    why: "a later page of the list answered with no content".into(),
                };
                current = again(&current_url, current.attempts, bad, pages).await?;
                continue;
            };
            let next = match scan_next_link(&body) {
                Some(link) => match self.next_link(&current_url, &link, &seen) {
                    Ok(next) => Some(expected.kept_on(next)),
                    // A link read from the end of a body that is not JSON is no link: the
                    // page is read again below, as before the link was read from the end.
                    Err(_) if !is_json(&body) => None,
                    Err(refused) => return Err(refused.into()),
                },
                None => None,
            };
            // The same for a link that was followed already, or one page too many.
            let next = next.filter(|next| {
                (!seen.contains(next.as_str()) && pages < MAX_PAGES) || is_json(&body)
            });
            let (status, request_id) = (current.status, current.request_id.take());
            // This page's attempts so far: bad answers and transient failures share them.
            let used = current.attempts;
            let read_page = {
                let url = current_url.clone();
                let expected = expected.owned();
                move || -> ArmResult<Vec<T>> {
                    let records = decode_page(&url, status, request_id.as_deref(), &body)?;
                    check_records(&url, request_id.as_deref(), &expected.view(), &records)?;
                    Ok(records)
                }
            };
            let Some(next_url) = next else {
                match read_page() {
                    Ok(records) => return on_page(records).map(|_| ()),
                    Err(bad) => {
                        current = again(&current_url, used, bad, pages).await?;
                        continue;
                    }
                }
            };
            if !seen.insert(next_url.to_string()) {
                return Err(ArmError::LoopingNextLink {
                    request: describe(&next_url),
                }
                .into());
            }
            pages += 1;
            if pages > MAX_PAGES {
                return Err(ArmError::TooManyPages {
                    request: first_request,
                    limit: MAX_PAGES,
                }
                .into());
            }
            self.tell(&ClientEvent::Page { number: pages });
            // This page is parsed (on a blocking thread) and handed on while the next is
            // fetched. The next request goes out first: the parse takes both cores of a
            // small machine, and a request written after it waits for a time slice (2-3 ms
            // a page, measured). `join!` polls the fetch first, which hands the request to
            // the connection's task; the yield lets that task write it before the parse
            // starts.
            let handle_page = async {
                tokio::task::yield_now().await;
                let records = tokio::task::spawn_blocking(read_page).await.map_err(|e| {
                    ArmError::Internal(format!("parsing a page failed unexpectedly: {e}"))
                })?;
                match records {
                    Ok(records) => on_page(records).map(Ok),
                    Err(bad) => Ok(Err(bad)),
                }
            };
            let (fetched, handled) = tokio::join!(self.get(&next_url), handle_page);
            let handled = handled?;
            if matches!(handled, Ok(ControlFlow::Break(()))) {
                return Ok(());
            }
            if let Err(bad) = handled {
                // Nothing of this page was handed on: fetch it again, and the next one after.
                seen.remove(next_url.as_str());
                pages -= 1;
                current = again(&current_url, used, bad, pages).await?;
                continue;
            }
            current = fetched.map_err(|e| vanished(pages, e))?;
            current_url = next_url;
        }
    }

    /// POSTs `body` (JSON) to `url` and every `nextLink` after it (Cost Management wants the
    /// same body again for each page), handing each page's decoded answer to `on_page`. A
    /// 204 is no page at all. A page that cannot be decoded is asked for again, within its
    /// attempts, before anything of it is handed on.
    pub(crate) async fn post_pages<T>(
        &self,
        url: Url,
        body: &[u8],
        mut on_page: impl FnMut(T) -> ArmResult<Option<String>>,
    ) -> ArmResult<()>
    where
        T: DeserializeOwned,
    {
        let mut seen = std::collections::HashSet::new();
        seen.insert(url.to_string());
        let first_request = describe(&url);
        let mut current = url;
        let mut pages = 1;
        loop {
            let mut used = 0;
            let page: T = loop {
                let fetched = self.send_counting(&current, Some(body), used).await?;
                used = fetched.attempts;
                let Some(answer) = fetched.body else {
                    return Ok(());
                };
                match decode::<T>(
                    &current,
                    fetched.status,
                    fetched.request_id.as_deref(),
                    &answer,
                ) {
                    Ok(page) => break page,
                    Err(bad) => self.pause_before_retry(used, None, &current, bad).await?,
                }
            };
            let Some(link) = on_page(page)? else {
                return Ok(());
            };
            let next = self.next_link(&current, &link, &seen)?;
            if !seen.insert(next.to_string()) {
                return Err(ArmError::LoopingNextLink {
                    request: describe(&next),
                });
            }
            pages += 1;
            if pages > MAX_PAGES {
                return Err(ArmError::TooManyPages {
                    request: first_request,
                    limit: MAX_PAGES,
                });
            }
            self.tell(&ClientEvent::Page { number: pages });
            current = next;
        }
    }

    /// POSTs `body` to start an asynchronous operation (a Cost Details report).
    pub(crate) async fn post_operation(&self, url: &Url, body: &[u8]) -> ArmResult<Accepted> {
        let fetched = self.send_counting(url, Some(body), 0).await?;
        self.accepted(url, fetched)
    }

    /// GETs an operation's `Location` once: its result, or "not yet".
    pub(crate) async fn poll_operation(&self, url: &Url) -> ArmResult<Accepted> {
        let fetched = self.get(url).await?;
        self.accepted(url, fetched)
    }

    fn accepted(&self, url: &Url, fetched: Fetched) -> ArmResult<Accepted> {
        let location = match fetched.headers.get("location") {
            None => None,
            Some(value) => {
                let refuse = |why: String| ArmError::Report {
                    request: describe(url),
                    why,
                };
                let text = value
                    .to_str()
                    .map_err(|_| refuse("Azure's Location header is not text".into()))?;
                let next = url
                    .join(text.trim())
                    .map_err(|e| refuse(format!("Azure's Location is not a URL: {e}")))?;
                if !self.on_endpoint(&next) {
                    return Err(refuse(format!(
                        "refusing to follow its Location to {} because it is not the configured endpoint {}; the bearer token is only sent to the endpoint",
                        next.origin().ascii_serialization(),
                        self.options.endpoint.origin().ascii_serialization()
                    )));
                }
                Some(next)
            }
        };
        Ok(Accepted {
            status: fetched.status.as_u16(),
            body: fetched.body,
            location,
            retry_after: retry_after(&fetched.headers),
        })
    }

    /// Waits `wait` as Azure asked while it prepares something, or says at once that the time
    /// limit ends first (rather than waiting for a failure that is sure to come).
    pub(crate) async fn wait_as_asked(
        &self,
        wait: Duration,
        url: &Url,
        what: &str,
    ) -> ArmResult<()> {
        let remaining = self.remaining();
        if wait >= remaining {
            let when = chrono::Utc::now()
                + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
            return Err(ArmError::WaitTooLong {
                last: Box::new(ArmError::Report {
                    request: describe(url),
                    why: what.to_string(),
                }),
                wait,
                left: remaining,
                retry_at: when.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            });
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// GETs a file Azure wrote to storage (a report's blob link) and hands its body to `feed`
    /// a chunk at a time, so that no file is ever held whole. Only over https (plain http
    /// only to a loopback host, and only when the endpoint itself is one: a local fake), and
    /// never with the bearer token: the link carries its own signature, which is never shown
    /// (`-v` and messages give the path only). Each attempt starts again from `fresh()`, so a
    /// retry after a broken download never adds a chunk twice. At most `limit` bytes; gives
    /// the state and the bytes read.
    pub(crate) async fn stream_blob<S>(
        &self,
        url: &Url,
        limit: u64,
        mut fresh: impl FnMut() -> S,
        mut feed: impl FnMut(&mut S, &[u8]) -> Result<(), String>,
    ) -> ArmResult<(S, u64)> {
        let refuse = |why: String| ArmError::Report {
            request: describe(url),
            why,
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse(
                "its file link holds a user name or password; refusing it".into(),
            ));
        }
        let endpoint = &self.options.endpoint;
        let local = endpoint.scheme() == "http" && is_loopback(endpoint);
        let safe = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(url) && local);
        if !safe {
            return Err(refuse(format!(
                "its file link is {}, not https; refusing to download it",
                url.origin().ascii_serialization()
            )));
        }
        // What `-v` shows: the path, never the signature in the query.
        let mut shown = url.clone();
        shown.set_query(None);
        let http = self.http().await?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = self.remaining();
            if remaining.is_zero() {
                return Err(self.deadline_error(url));
            }
            let sent = Instant::now();
            let result = http
                .get(url.clone())
                .header("accept", "text/csv, */*")
                .timeout(remaining)
                .send()
                .await;
            let response = match result {
                Ok(response) => response,
                Err(error) => {
                    self.log(&shown, "failed", sent, None);
                    let failure = transport_error(url, &error);
                    self.pause_before_retry(attempt, None, url, failure).await?;
                    continue;
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            self.log(&shown, status.as_str(), sent, Some(&headers));
            if !status.is_success() {
                let failure = refuse(format!(
                    "downloading its file answered HTTP {status}{}",
                    if status.as_u16() == 403 {
                        " (the link may have expired: run the command again for a new report)"
                    } else {
                        ""
                    }
                ));
                if is_transient_status(status) {
                    // Storage's own wait is this file's alone: Resource Manager's requests
                    // need not wait it out.
                    self.pause_for_retry(attempt, retry_after(&headers), url, failure, false)
                        .await?;
                    continue;
                }
                return Err(failure);
            }
            let too_large = || {
                refuse(format!(
                    "its file is larger than {limit} bytes, more than the report lists (or than any real file when it lists none); stopping"
                ))
            };
            if response
                .content_length()
                .is_some_and(|length| length > limit)
            {
                return Err(too_large());
            }
            let mut state = fresh();
            let mut read: u64 = 0;
            let mut response = response;
            let broken = loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        read += chunk.len() as u64;
                        if read > limit {
                            return Err(too_large());
                        }
                        feed(&mut state, &chunk)
                            .map_err(|why| refuse(format!("its file: {why}")))?;
                    }
                    Ok(None) => break None,
                    Err(error) => break Some(error),
                }
            };
            match broken {
                None => return Ok((state, read)),
                Some(error) => {
                    // The part read is thrown away with `state`; the next attempt starts over.
                    let failure = transport_error(url, &error);
                    self.pause_before_retry(attempt, None, url, failure).await?;
                }
            }
        }
    }

    /// Whether `url` is on the endpoint's own origin (where the token may go).
    fn on_endpoint(&self, url: &Url) -> bool {
        let endpoint = &self.options.endpoint;
        url.username().is_empty()
            && url.password().is_none()
            && url.scheme() == endpoint.scheme()
            && url.host_str() == endpoint.host_str()
            && url.port_or_known_default() == endpoint.port_or_known_default()
    }

    /// Collects every record of a paged list.
    pub(crate) async fn get_all<T>(&self, url: Url, expected: &Expected<'_>) -> ArmResult<Vec<T>>
    where
        T: DeserializeOwned + ArmRecord + Send + 'static,
    {
        let mut items = Vec::new();
        self.get_pages(url, expected, |page| {
            items.extend(page);
            Ok::<_, ArmError>(ControlFlow::Continue(()))
        })
        .await?;
        Ok(items)
    }

    /// A `nextLink` is followed verbatim, but only to the endpoint's own origin (the token
    /// must never be sent anywhere else), and never back to a page already read.
    fn next_link(
        &self,
        current: &Url,
        link: &str,
        seen: &std::collections::HashSet<String>,
    ) -> ArmResult<Url> {
        let next = current
            .join(link.trim())
            .map_err(|e| ArmError::BadNextLink {
                request: describe(current),
                cause: e.to_string(),
            })?;
        let endpoint = &self.options.endpoint;
        if !next.username().is_empty() || next.password().is_some() {
            // reqwest would add a Basic Authorization header beside the bearer token.
            return Err(ArmError::ForeignNextLink {
                next: "a URL with a user name or password".into(),
                endpoint: endpoint.origin().ascii_serialization(),
            });
        }
        let same_origin = next.scheme() == endpoint.scheme()
            && next.host_str() == endpoint.host_str()
            && next.port_or_known_default() == endpoint.port_or_known_default();
        if !same_origin {
            return Err(ArmError::ForeignNextLink {
                next: next.origin().ascii_serialization(),
                endpoint: endpoint.origin().ascii_serialization(),
            });
        }
        if seen.contains(next.as_str()) {
            return Err(ArmError::LoopingNextLink {
                request: describe(&next),
            });
        }
        Ok(next)
    }

    fn remaining(&self) -> Duration {
        let since = if self
            .progress_deadline
            .load(std::sync::atomic::Ordering::Relaxed)
        {
            self.last_success.lock().map_or(self.started, |last| *last)
        } else {
            self.started
        };
        self.options.total_timeout.saturating_sub(since.elapsed())
    }

    /// The one request path: auth header, retries with backoff, timeouts, error decoding.
    async fn get(&self, url: &Url) -> ArmResult<Fetched> {
        self.get_counting(url, 0).await
    }

    /// `get`, for a request that has already used `used` of its attempts (on answers that
    /// could not be read): transient failures and bad answers share one budget.
    async fn get_counting(&self, url: &Url, used: u32) -> ArmResult<Fetched> {
        self.send_counting(url, None, used).await
    }

    /// The one request path for a GET (no body) or a POST of a JSON `body`.
    async fn send_counting(&self, url: &Url, body: Option<&[u8]>, used: u32) -> ArmResult<Fetched> {
        // The first request gets the token and builds the client at the same time.
        let (token, http) = tokio::join!(self.token(), self.http());
        let (token, http) = (token?, http?);
        let mut attempt = used;
        // Throttled answers spend no attempt, but one request is not throttled forever (in a
        // sweep the time limit runs from the last success anywhere in the run).
        let mut throttled = 0u32;
        if used == 0 {
            self.governor().first_attempt();
        }
        loop {
            attempt += 1;
            // Every attempt, first or not, waits for the governor: a pause Azure announced
            // to any request of the run, the meters, the send rate, the slots.
            let sent = self.admitted(url).await?;
            // Frees its place in the governor however the attempt ends, a dropped future
            // (a sibling's error cancelling it) included.
            let slot = InFlight {
                client: self,
                sent,
                open: true,
            };
            let remaining = self.remaining();
            let request = match body {
                None => http.get(url.clone()),
                // Cost Management gives a caller that names itself its own quota bucket.
                Some(body) => http
                    .post(url.clone())
                    .header("content-type", "application/json")
                    .header("ClientType", CLIENT_TYPE)
                    .body(body.to_vec()),
            };
            let result = request
                .bearer_auth(token.secret())
                .header("accept", "application/json")
                .timeout(remaining)
                .send()
                .await;
            let response = match result {
                Ok(response) => response,
                Err(error) => {
                    self.log(url, "failed", sent, None);
                    slot.end(None, None, &[]);
                    let failure = transport_error(url, &error);
                    self.pause_before_retry(attempt, None, url, failure).await?;
                    continue;
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            let request_id = request_id(&headers);
            if status.is_success() {
                // The request's token is spent when Azure answers; reading the body is ours.
                slot.end(Some(status), Some(&headers), &[]);
                let body = match read_capped(response, MAX_BODY_BYTES).await {
                    Ok(body) => body,
                    Err(BodyFailure::TooLarge) => {
                        self.log(url, status.as_str(), sent, Some(&headers));
                        return Err(ArmError::BodyTooLarge {
                            request: describe(url),
                            origin: url.origin().ascii_serialization(),
                            limit: MAX_BODY_BYTES,
                        });
                    }
                    Err(BodyFailure::Broken(error)) => {
                        self.log(url, status.as_str(), sent, Some(&headers));
                        let failure = transport_error(url, &error);
                        self.pause_before_retry(attempt, None, url, failure).await?;
                        continue;
                    }
                };
                self.log(url, status.as_str(), sent, Some(&headers));
                // Only 204 means "nothing"; an empty 200 is a broken answer, which decoding
                // reports.
                let body = (status != StatusCode::NO_CONTENT).then_some(body);
                return Ok(Fetched {
                    body,
                    status,
                    request_id,
                    attempts: attempt,
                    headers,
                });
            }
            // An error body that is broken or too long only loses its message.
            let body = read_capped(response, MAX_ERROR_BODY_BYTES)
                .await
                .unwrap_or_default();
            self.log(url, status.as_str(), sent, Some(&headers));
            slot.end(Some(status), Some(&headers), &body);
            let failure = self.status_error(url, status, request_id, &body);
            if is_throttled(status, &body) {
                // Azure's throttle is not the request's fault: it spends no attempt, and
                // the pause it announced (set by `ended`) holds for every request. Only a
                // wait past the time limit ends the run, at once.
                attempt -= 1;
                throttled += 1;
                if throttled > MAX_THROTTLED_ANSWERS {
                    return Err(ArmError::GaveUp {
                        last: Box::new(failure),
                        attempts: attempt + throttled,
                    });
                }
                if let Some(wait) = retry_after(&headers).filter(|w| *w >= self.remaining()) {
                    return Err(self.too_long(wait, failure));
                }
                self.tell(&ClientEvent::Throttled {
                    path: url.path().to_string(),
                    wait: retry_after(&headers).unwrap_or_default(),
                });
                continue;
            }
            if is_transient_status(status) {
                self.pause_before_retry(attempt, retry_after(&headers), url, failure)
                    .await?;
                continue;
            }
            return Err(failure);
        }
    }

    /// Sleeps before the next attempt, or gives up with `failure` when attempts or the
    /// deadline are exhausted. A wait Azure asked holds for every request of the run.
    async fn pause_before_retry(
        &self,
        attempt: u32,
        asked: Option<Duration>,
        url: &Url,
        failure: ArmError,
    ) -> ArmResult<()> {
        self.pause_for_retry(attempt, asked, url, failure, true)
            .await
    }

    /// `pause_before_retry`, the wait shared with the run's other requests or not (a
    /// storage download's wait is its own).
    async fn pause_for_retry(
        &self,
        attempt: u32,
        asked: Option<Duration>,
        url: &Url,
        failure: ArmError,
        shared: bool,
    ) -> ArmResult<()> {
        if attempt >= self.options.max_attempts || !self.governor().may_retry() {
            return Err(ArmError::GaveUp {
                last: Box::new(failure),
                attempts: attempt,
            });
        }
        let wait = asked.unwrap_or_else(|| backoff(attempt, self.options.retry_base));
        let remaining = self.remaining();
        if asked.is_none() && wait >= remaining {
            // Our own backoff outlasts the time limit: the time is up, and the last failure
            // says why.
            return Err(ArmError::Deadline {
                request: describe(url),
                limit: self.options.total_timeout,
                last: Some(Box::new(failure)),
            });
        }
        if wait >= remaining {
            return Err(self.too_long(wait, failure));
        }
        self.tell(&ClientEvent::Retrying {
            path: url.path().to_string(),
            wait,
            next_attempt: attempt + 1,
            max_attempts: self.options.max_attempts,
        });
        if asked.is_some() && shared {
            // Azure's own wait is the run's: the other requests wait it out too.
            self.pause_all(wait, "retry-after");
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Azure asked a wait that ends after the time limit: said at once, with when to retry.
    fn too_long(&self, wait: Duration, failure: ArmError) -> ArmError {
        let when = chrono::Utc::now()
            + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
        ArmError::WaitTooLong {
            last: Box::new(failure),
            wait,
            left: self.remaining(),
            retry_at: when.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        }
    }

    fn deadline_error(&self, url: &Url) -> ArmError {
        ArmError::Deadline {
            request: describe(url),
            limit: self.options.total_timeout,
            last: None,
        }
    }

    fn tell(&self, event: &ClientEvent) {
        if let Some(observer) = &self.options.observer {
            observer(event);
        }
    }

    /// One event per attempt. The tenant's remaining read budget is passed on when Azure
    /// reports it, since it is now only a few hundred an hour.
    fn log(&self, url: &Url, status: &str, sent: Instant, headers: Option<&HeaderMap>) {
        if self.options.observer.is_none() {
            return;
        }
        let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        let tenant_reads_left = headers
            .and_then(|h| h.get("x-ms-ratelimit-remaining-tenant-reads"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let queries_left = headers
            .and_then(|h| h.get("x-ms-ratelimit-microsoft.costmanagement-qpu-remaining"))
            .and_then(|v| v.to_str().ok())
            .map(quoted);
        self.tell(&ClientEvent::Response {
            method: method_of(url),
            queries_left,
            target: format!("{}{query}", url.path()),
            status: status.to_string(),
            elapsed: sent.elapsed(),
            request_id: headers.and_then(request_id),
            tenant_reads_left,
        });
    }

    fn status_error(
        &self,
        url: &Url,
        status: StatusCode,
        request_id: Option<String>,
        body: &[u8],
    ) -> ArmError {
        let azure = serde_json::from_slice::<ErrorBody>(body).ok();
        let (code, message, target) = match azure {
            Some(parsed) => (
                parsed
                    .error
                    .code
                    .map(|c| quoted(&c.0))
                    .filter(|c| !c.is_empty()),
                parsed
                    .error
                    .message
                    .map(|m| quoted(&m))
                    .filter(|m| !m.is_empty()),
                parsed.error.target.map(|t| quoted(&t)),
            ),
            None => (None, None, None),
        };
        ArmError::Status(Box::new(StatusFailure {
            request: describe(url),
            status: status.as_u16(),
            status_text: status.to_string(),
            code,
            message,
            target,
            request_id,
            auth: self.tokens.method(),
            // The path below the endpoint's own (an endpoint may have a base path).
            scope: url
                .path()
                .strip_prefix(self.options.endpoint.path().trim_end_matches('/'))
                .and_then(Scope::enclosing)
                .map(|scope| scope.kind()),
            consumption: url
                .path()
                .to_ascii_lowercase()
                .contains("/providers/microsoft.consumption/"),
        }))
    }
}

enum BodyFailure {
    TooLarge,
    Broken(reqwest::Error),
}

/// The body, decompressed, but never more than `limit` bytes of it.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Bytes, BodyFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(BodyFailure::TooLarge);
    }
    // Sized once from the length the server announced (within the cap): a page is not
    // copied again and again as it grows.
    let announced = response
        .content_length()
        .unwrap_or(0)
        .min(limit.min(PRESIZED_BODY_BYTES) as u64);
    let mut body = bytes::BytesMut::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(BodyFailure::Broken)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Server text for a message: one line, and at most `MAX_QUOTED_CHARS` characters.
pub(crate) fn quoted(text: &str) -> String {
    let text = one_line(text);
    let total = text.chars().count();
    if total <= MAX_QUOTED_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_QUOTED_CHARS).collect();
    format!("{cut}… (cut; {total} characters in all)")
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-ms-request-id", "x-ms-correlation-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(quoted)
}

/// The page's `nextLink`, found without building the page's items. `None` when there is
/// none, or when the body is not valid JSON (the full decode then says what is wrong).
fn scan_next_link(body: &[u8]) -> Option<String> {
    // The next request waits for this: read from the end when the page ends with its link,
    // as Resource Manager writes pages, rather than scanning every record (about 1 ms a
    // page of 1,000 events).
    if let Some(found) = next_link_at_end(body) {
        return found;
    }
    #[derive(serde::Deserialize)]
    struct NextLinkOnly {
        #[serde(rename = "nextLink", default)]
        next_link: Option<String>,
    }
    serde_json::from_slice::<NextLinkOnly>(body)
        .ok()?
        .next_link
        .filter(|link| !link.trim().is_empty())
}

/// Whether the body is JSON (read through, nothing kept): asked only when a link read from
/// the end of a page is refused.
fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// `Some(link)` when the body ends with its top-level `nextLink` member (`…,"nextLink":
/// "…"}` or `…: null}`); `None` when it does not end so, or the link is written with escapes
/// (the full scan decides). In JSON the last member before the final `}` is a member of the
/// outermost object. A body that is not JSON at all fails the full decode, which hands
/// nothing on; the link found is checked (`next_link`) like any other.
fn next_link_at_end(body: &[u8]) -> Option<Option<String>> {
    let trimmed = |end: usize| body[..end].trim_ascii_end().len();
    let mut end = trimmed(body.len());
    end = end.checked_sub(1).filter(|e| body[*e] == b'}')?;
    end = trimmed(end);
    let link = if body[..end].ends_with(b"null") {
        end -= 4;
        None
    } else {
        let close = end.checked_sub(1).filter(|e| body[*e] == b'"')?;
        let open = memchr::memrchr(b'"', &body[..close])?;
        let text = &body[open + 1..close];
        if text.iter().any(|b| *b == b'\\' || *b < 0x20) {
            return None;
        }
        end = open;
        Some(std::str::from_utf8(text).ok()?.to_string())
    };
    end = trimmed(end);
    end = end.checked_sub(1).filter(|e| body[*e] == b':')?;
    end = trimmed(end);
    end = end
        .checked_sub(10)
        .filter(|e| &body[*e..*e + 10] == b"\"nextLink\"")?;
    end = trimmed(end);
    match body[..end].last() {
        Some(b',' | b'{') => Some(link.filter(|link| !link.trim().is_empty())),
        _ => None,
    }
}

/// `GET /providers/...` without host or query: never carries anything secret, and cut
/// when a server-chosen `nextLink` path is long.
pub(crate) fn describe(url: &Url) -> String {
    format!("{} {}", method_of(url), quoted(url.path()))
}

/// The method a request to `url` is sent with: Cost Management's queries are POSTs.
pub(crate) fn method_of(url: &Url) -> &'static str {
    let path = url.path().to_ascii_lowercase();
    if path.contains("/providers/microsoft.costmanagement/")
        && (path.ends_with("/query") || path.ends_with("/generatecostdetailsreport"))
    {
        "POST"
    } else {
        "GET"
    }
}

fn transport_error(url: &Url, error: &reqwest::Error) -> ArmError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "the request failed"
    };
    // The innermost cause says what happened ("Connection refused (os error 111)"); the
    // layers above it only say where ("client error (Connect)"). reqwest's own Display
    // names the URL, which ours already does, without the query.
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause.and_then(std::error::Error::source) {
        cause = Some(inner);
    }
    let cause = cause.map(|c| quoted(&c.to_string()));
    ArmError::Transport {
        request: describe(url),
        failure: what,
        cause,
        origin: url.origin().ascii_serialization(),
    }
}

/// Decodes a JSON body, or says plainly what came instead.
fn decode<T: DeserializeOwned>(
    url: &Url,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> ArmResult<T> {
    serde_json::from_slice(body).map_err(|e| {
        let looks_like_html = body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'<');
        let why = if body.iter().all(u8::is_ascii_whitespace) {
            "the body was empty".to_string()
        } else if looks_like_html {
            "it sent HTML instead of JSON (a proxy or captive portal?)".to_string()
        } else if e.is_eof() {
            format!("the JSON was cut off ({e})")
        } else {
            format!("the JSON is not the expected shape ({e})")
        };
        ArmError::Unexpected {
            request: describe(url),
            status: status.as_u16(),
            request_id: request_id.map(str::to_string),
            // serde quotes the offending text: it can be as long as the body.
            why: quoted(&why),
        }
    })
}

/// A page of a list from above this size is decoded on two threads.
const PARALLEL_PAGE: usize = 128 * 1024;

/// The records of one page of a list. A large page (a thousand events is 700 KB) is checked
/// as JSON first, its records found without being decoded, and the two halves decoded at
/// once on two threads: the last page's records are waited for before anything else can
/// happen. Any record that cannot be decoded makes the whole page decoded again the plain
/// way, so the error says what it always said.
fn decode_page<T: DeserializeOwned + Send>(
    url: &Url,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> ArmResult<Vec<T>> {
    let whole = || decode::<Page<T>>(url, status, request_id, body).map(|page| page.value);
    if body.len() < PARALLEL_PAGE {
        return whole();
    }
    let Ok(raw) = serde_json::from_slice::<Page<&serde_json::value::RawValue>>(body) else {
        return whole();
    };
    let decode_all = |records: &[&serde_json::value::RawValue]| -> Option<Vec<T>> {
        records
            .iter()
            .map(|record| serde_json::from_str::<T>(record.get()).ok())
            .collect()
    };
    let (first, second) = raw.value.split_at(raw.value.len() / 2);
    let halves = std::thread::scope(|scope| {
        let other = std::thread::Builder::new().spawn_scoped(scope, || decode_all(second));
        let mine = decode_all(first);
        let theirs = match other {
            Ok(thread) => thread.join().ok().flatten(),
            // No second thread to be had: this one decodes the rest too.
            Err(_) => decode_all(second),
        };
        (mine, theirs)
    });
    match halves {
        (Some(mut records), Some(rest)) => {
            records.extend(rest);
            Ok(records)
        }
        _ => whole(),
    }
}

/// How `credits` names itself to Cost Management (`ClientType`).
const CLIENT_TYPE: &str = concat!("credits/", env!("CARGO_PKG_VERSION"));

/// What a request must get back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expected<'a> {
    /// The ARM type of every record (`Microsoft.Consumption/lots`), compared without case
    /// when the record says its type.
    pub(crate) record_type: &'static str,
    /// The scope every record must lie in, when it is checked: a record whose id lies in
    /// another billing account, or (when this is a billing profile) names another billing
    /// profile by its id or by its `billingProfileId`, is refused.
    pub(crate) within: Option<&'a Scope>,
    /// Query parameters every page must be asked with (a `$filter`): added to a `nextLink`
    /// that lost them.
    pub(crate) keep: &'a [(&'static str, String)],
}

impl Expected<'_> {
    fn owned(&self) -> ExpectedOwned {
        ExpectedOwned {
            record_type: self.record_type,
            within: self.within.cloned(),
        }
    }

    /// The `nextLink` with every parameter of `keep` it lacks.
    fn kept_on(&self, mut next: Url) -> Url {
        for (key, value) in self.keep {
            if !next.query_pairs().any(|(k, _)| k == *key) {
                next.query_pairs_mut().append_pair(key, value);
            }
        }
        next
    }
}

/// `Expected`, for the parsing thread.
struct ExpectedOwned {
    record_type: &'static str,
    within: Option<Scope>,
}

impl ExpectedOwned {
    fn view(&self) -> Expected<'_> {
        Expected {
            record_type: self.record_type,
            within: self.within.as_ref(),
            keep: &[],
        }
    }
}

/// Refuses records of another type, or (at billing-profile scope) of another profile: an
/// answer meant for another request is never shown as this one's.
fn check_records<T: ArmRecord>(
    url: &Url,
    request_id: Option<&str>,
    expected: &Expected<'_>,
    records: &[T],
) -> ArmResult<()> {
    for record in records {
        let why = if let Some(why) = record.incomplete() {
            Some(why.to_string())
        } else if let Some(kind) = record
            .record_type()
            .filter(|k| !k.eq_ignore_ascii_case(expected.record_type))
        {
            Some(format!(
                "it holds a {} record where {} was asked for",
                quoted(kind),
                expected.record_type
            ))
        } else {
            expected
                .within
                .and_then(|wanted| another_owner(wanted, record))
        };
        if let Some(why) = why {
            return Err(ArmError::Unexpected {
                request: describe(url),
                status: 200,
                request_id: request_id.map(str::to_string),
                why,
            });
        }
    }
    Ok(())
}

/// Why a record does not lie in `wanted`: its id lies in another billing account or names
/// another billing profile, or it says it belongs to another billing profile
/// (`billingProfileId`, as invoices do: their ids lie in the account).
fn another_owner(wanted: &Scope, record: &impl ArmRecord) -> Option<String> {
    let wanted_profile = wanted.profile();
    if let Some(id) = record.record_id().filter(|id| !wanted.holds(id)) {
        if let Some(actual) = Scope::enclosing(id) {
            if actual.account() != wanted.account() {
                return Some(format!(
                    "it holds a record of another billing account ({})",
                    quoted(id)
                ));
            }
            if let (Some(actual), Some(wanted)) = (actual.profile(), &wanted_profile) {
                if &actual != wanted {
                    return Some(format!(
                        "it holds a record of another billing profile ({})",
                        quoted(id)
                    ));
                }
            }
        }
    }
    let stated = record.stated_profile()?;
    let wanted = wanted_profile?;
    // A bare name is compared with the profile's name; anything else must be a profile id.
    let actual = match Scope::enclosing(stated).and_then(|s| s.profile()) {
        Some(actual) => actual,
        None if stated.eq_ignore_ascii_case(wanted.name()) => return None,
        None => {
            return Some(format!(
                "it holds a record whose billingProfileId {} is not this billing profile",
                quoted(stated)
            ))
        }
    };
    (actual != wanted).then(|| {
        format!(
            "it holds a record of another billing profile (billingProfileId {})",
            quoted(stated)
        )
    })
}

/// Turns a domain conversion failure into an "unexpected response" error.
pub(crate) fn conversion_error(what: &'static str, problem: String) -> ArmError {
    ArmError::Conversion {
        what,
        problem: quoted(&problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(endpoint: &str) -> ArmClient {
        let options = ClientOptions::new(Url::parse(endpoint).unwrap(), Duration::from_secs(5), 1);
        ArmClient::new(options, TokenSource::given("t"))
    }

    #[test]
    fn the_longest_wait_azure_asks_holds_for_every_request() {
        let client = client("https://management.azure.com");
        let now = Instant::now();
        assert!(client.governor().pause(now).is_none());
        client.pause_all(Duration::from_secs(3), "retry-after");
        client.pause_all(Duration::from_millis(10), "retry-after");
        let until = client.governor().pause(now).expect("a pause").until;
        let wait = until.saturating_duration_since(now);
        assert!(
            wait > Duration::from_secs(2) && wait <= Duration::from_secs(4),
            "{wait:?}"
        );
    }

    #[test]
    fn ids_are_used_verbatim_and_queries_written_as_arm_documents_them() {
        let url = client("https://management.azure.com").url(
            "/providers/Microsoft.Billing/billingAccounts/1234:5678_2019-05-31/billingProfiles",
            &[
                ("api-version", "2020-05-01"),
                ("$expand", "billingProfiles"),
                ("startDate", "a b&c"),
            ],
        );
        assert_eq!(
            url.as_str(),
            "https://management.azure.com/providers/Microsoft.Billing/billingAccounts/1234:5678_2019-05-31/billingProfiles?api-version=2020-05-01&$expand=billingProfiles&startDate=a+b%26c"
        );
    }

    #[test]
    fn records_are_matched_to_the_billing_profile_asked_for() {
        let profile = Scope::parse(
            "/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/2468",
        )
        .unwrap();
        let own = format!(
            "{}/providers/Microsoft.Consumption/lots/l1",
            profile.id().to_uppercase()
        );
        assert!(profile.holds(&own));
        assert!(!profile.holds(
            "/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/24689/x"
        ));
        let other = "/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/9/x";
        let other_profile = Scope::parse(
            "/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/9",
        )
        .ok();
        assert_eq!(
            Scope::enclosing(other).and_then(|s| s.profile()),
            other_profile
        );
        assert_ne!(other_profile.as_ref(), Some(&profile));
        assert_eq!(
            Scope::enclosing(&own).and_then(|s| s.profile()).as_ref(),
            Some(&profile)
        );
        assert_eq!(
            Scope::enclosing("/providers/Microsoft.Consumption/lots/l1"),
            None
        );
    }

    #[test]
    fn the_scope_follows_the_endpoint() {
        assert_eq!(
            client("https://management.usgovcloudapi.net/").scope(),
            "https://management.usgovcloudapi.net/.default"
        );
    }
}

#[cfg(test)]
mod next_link_scan {
    use super::{next_link_at_end, scan_next_link};

    /// Read from the end, the link is what the full scan finds; bodies that do not end with
    /// a plain link are left to the full scan.
    #[test]
    fn a_link_read_from_the_end_is_the_link_the_full_scan_finds() {
        let records = r#"{"id":"a","name":"x\",\"nextLink\":\"http://evil/\"}"}"#;
        let ends = [
            (
                r#"{"value":[RECORDS],"nextLink":"https://h/p?a=1&b=2"}"#,
                true,
            ),
            (
                "{\"value\":[RECORDS] ,\n \"nextLink\" :\t\"https://h/p\" \r\n}\n",
                true,
            ),
            (r#"{"value":[RECORDS],"nextLink":null}"#, true),
            (r#"{"value":[RECORDS],"nextLink":""}"#, true),
            (r#"{"value":[RECORDS],"nextLink":"  "}"#, true),
            (r#"{"nextLink":"https://h/p"}"#, true),
            (r#"{"value":[RECORDS]}"#, false),
            (r#"{"nextLink":"https://h/p","value":[RECORDS]}"#, false),
            (
                r#"{"value":[RECORDS],"nextLink":"https:\/\/h\/p?a=1\u0026b=2"}"#,
                false,
            ),
            (
                r#"{"value":[RECORDS],"x":"a\"nextLink\":\"https://evil/p"}"#,
                false,
            ),
            (r#"{"value":[RECORDS],"nextLink":"https://h/p"}]"#, false),
            (r#"{"value":[RECORDS],"nextLink":"https://h/p""#, false),
            (r#"{"value":[RECORDS],"nextlink":"https://h/p"}"#, false),
            ("", false),
            ("}", false),
            (r#""nextLink":null}"#, false),
        ];
        for (shape, from_the_end) in ends {
            let body = shape.replace("RECORDS", records);
            let fast = next_link_at_end(body.as_bytes());
            assert_eq!(fast.is_some(), from_the_end, "{body}");
            if let Some(fast) = fast {
                let full = serde_json::from_slice::<serde_json::Value>(body.as_bytes())
                    .ok()
                    .and_then(|v| v.get("nextLink")?.as_str().map(str::to_string))
                    .filter(|l| !l.trim().is_empty());
                assert_eq!(fast, full, "{body}");
            }
        }
        // The escaped link is still found, by the full scan.
        let escaped = ends[8].0.replace("RECORDS", records);
        assert_eq!(
            scan_next_link(escaped.as_bytes()).as_deref(),
            Some("https://h/p?a=1&b=2")
        );
    }
}

#[cfg(test)]
mod page_decoding {
    use super::*;
    use crate::model::wire;

    /// A page of `count` events, the one at `broken` (if any) with properties that are not
    /// an object (a record serde cannot decode).
    fn page(count: usize, broken: Option<usize>) -> String {
        let records: Vec<String> = (0..count)
            .map(|i| {
                if broken == Some(i) {
                    return format!(r#"{{"name":"e{i}","properties":5}}"#);
                }
                format!(
                    r#"{{"id":"/providers/Microsoft.Billing/billingAccounts/1/billingProfiles/2/providers/Microsoft.Consumption/events/e{i}","name":"e{i}","type":"Microsoft.Consumption/events","properties":{{"transactionDate":"2026-01-01T00:00:00Z","description":"Charges \"{i}\" \u00e9","charges":{{"currency":"USD","value":-{i}.{:02}}},"closedBalance":{{"currency":"USD","value":100.00}},"eventType":"SettledCharges"}}}}"#,
                    i % 100
                )
            })
            .collect();
        format!(r#"{{"value":[{}],"nextLink":null}}"#, records.join(",\n"))
    }

    fn read(body: &str) -> ArmResult<Vec<wire::Event>> {
        let url = Url::parse("https://management.azure.com/x").unwrap();
        decode_page(&url, StatusCode::OK, Some("r"), body.as_bytes())
    }

    fn plainly(body: &str) -> ArmResult<Vec<wire::Event>> {
        let url = Url::parse("https://management.azure.com/x").unwrap();
        decode::<Page<wire::Event>>(&url, StatusCode::OK, Some("r"), body.as_bytes())
            .map(|page| page.value)
    }

    fn names(events: &[wire::Event]) -> Vec<String> {
        events
            .iter()
            .map(|e| format!("{:?} {:?}", e.name, e.properties.charges))
            .collect()
    }

    #[test]
    fn a_large_page_decoded_on_two_threads_is_the_page_in_order() {
        for count in [1, 2, 3, 999, 1000, 1001] {
            let body = page(count, None);
            let parallel = read(&body).unwrap();
            assert_eq!(parallel.len(), count);
            assert_eq!(names(&parallel), names(&plainly(&body).unwrap()));
        }
        assert!(
            page(1000, None).len() > PARALLEL_PAGE,
            "the test reaches the two threads"
        );
    }

    #[test]
    fn a_record_that_cannot_be_decoded_fails_the_page_as_before() {
        for broken in [0, 499, 500, 999] {
            let body = page(1000, Some(broken));
            let (Err(parallel), Err(plain)) = (read(&body), plainly(&body)) else {
                panic!("record {broken} should fail the page");
            };
            assert_eq!(parallel.to_string(), plain.to_string());
        }
        // Not JSON at all, and JSON cut short: the same words as ever.
        let cut = page(1000, None);
        let cut = &cut[..cut.len() - 10];
        let (Err(parallel), Err(plain)) = (read(cut), plainly(cut)) else {
            panic!("a page cut short should fail");
        };
        assert_eq!(parallel.to_string(), plain.to_string());
    }
}
