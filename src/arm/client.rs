//! The single HTTP path every Azure call goes through.

use super::auth::{one_line, TokenSource};
use super::retry::{backoff, is_transient_status, retry_after};
use crate::error::{Error, ErrorKind, Result};
use crate::model::wire::{ErrorBody, Page};
use azure_core::credentials::Secret;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant};
use url::Url;

/// The roles that can read credits, for 403 messages.
pub const READER_ROLES: &str = "billing profile owner, contributor, reader or invoice manager, or billing account owner, contributor or reader";

/// How the client talks to Resource Manager.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The Resource Manager base URL, already validated.
    pub endpoint: Url,
    /// One line per request on stderr.
    pub verbose: bool,
    /// The deadline for the whole command, retries included.
    pub total_timeout: Duration,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// The first retry waits up to this long; later ones double it.
    pub retry_base: Duration,
    /// Requests in flight at once, at most.
    pub concurrency: usize,
}

impl ClientOptions {
    pub fn new(endpoint: Url) -> Self {
        ClientOptions {
            endpoint,
            verbose: false,
            total_timeout: Duration::from_secs(120),
            max_attempts: 4,
            retry_base: Duration::from_millis(500),
            concurrency: 16,
        }
    }
}

/// A typed async client for Azure Resource Manager.
pub struct ArmClient {
    http: tokio::sync::OnceCell<reqwest::Client>,
    options: ClientOptions,
    tokens: TokenSource,
    token: tokio::sync::OnceCell<Secret>,
    started: Instant,
    /// Bounds the requests in flight, whoever issues them.
    in_flight: tokio::sync::Semaphore,
}

/// What one successful GET returned. `body` is `None` for 204 No Content.
struct Fetched {
    body: Option<Bytes>,
    status: StatusCode,
    request_id: Option<String>,
}

/// Builds the HTTP client. Loading the system's root certificates is most of its cost, so
/// it runs on a blocking thread while the token is being fetched.
fn build_http_client(plain_http: bool, total_timeout: Duration) -> Result<reqwest::Client> {
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
        .map_err(|e| Error::unavailable(format!("could not start the HTTP client: {e}")))
}

impl ArmClient {
    /// Does no I/O and cannot fail: the HTTP client and the token are made on the first
    /// request.
    pub fn new(options: ClientOptions, tokens: TokenSource) -> Self {
        let in_flight = tokio::sync::Semaphore::new(options.concurrency.max(1));
        ArmClient {
            http: tokio::sync::OnceCell::new(),
            in_flight,
            options,
            tokens,
            token: tokio::sync::OnceCell::new(),
            started: Instant::now(),
        }
    }

    async fn http(&self) -> Result<&reqwest::Client> {
        self.http
            .get_or_try_init(|| async {
                let plain_http = self.options.endpoint.scheme() == "http";
                let total_timeout = self.options.total_timeout;
                // Only worth a thread when there is something to overlap with: a token still
                // to be fetched, and root certificates to load.
                let token_is_given = matches!(self.tokens, TokenSource::Static(_));
                if plain_http || token_is_given {
                    return build_http_client(plain_http, total_timeout);
                }
                tokio::task::spawn_blocking(move || build_http_client(plain_http, total_timeout))
                    .await
                    .map_err(|e| {
                        Error::unavailable(format!("could not start the HTTP client: {e}"))
                    })?
            })
            .await
    }

    /// `{endpoint}{path}?{query}`, with `path` (an ARM id) used verbatim. Query values are
    /// percent-encoded; the keys are ours and written as ARM documents them (`$expand`, not
    /// `%24expand`).
    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
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

    pub fn endpoint(&self) -> &Url {
        &self.options.endpoint
    }

    pub fn auth_method(&self) -> super::auth::AuthMethod {
        self.tokens.method()
    }

    /// The token scope follows the endpoint: `https://management.azure.com/.default`.
    fn scope(&self) -> String {
        let origin = self.options.endpoint.origin().ascii_serialization();
        format!("{origin}/.default")
    }

    /// Bounded by `--timeout` like everything else: a credential's own retries (managed
    /// identity retries for over a minute) must not outlive the deadline.
    pub async fn token(&self) -> Result<&Secret> {
        self.token
            .get_or_try_init(|| async {
                let remaining = self.remaining();
                match tokio::time::timeout(remaining, self.tokens.token(&self.scope())).await {
                    Ok(result) => result,
                    Err(_) => {
                        let method = self.tokens.method();
                        Err(Error::auth(format!(
                            "could not get a token with --auth {} within {} s (--timeout); {}",
                            method.name(),
                            self.options.total_timeout.as_secs(),
                            method.sign_in_hint()
                        )))
                    }
                }
            })
            .await
    }

    /// GETs `url` and decodes the JSON body. `Ok(None)` means 204 No Content.
    pub async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<Option<T>> {
        let fetched = self.get(&url).await?;
        let Some(body) = fetched.body else {
            return Ok(None);
        };
        decode(&url, fetched.status, fetched.request_id.as_deref(), &body).map(Some)
    }

    /// GETs a list and every page after it via `nextLink`, handing each page's items to
    /// `on_page` as it arrives. The next page is requested as soon as its link is known, so
    /// parsing and printing one page overlaps the round trip of the next.
    pub async fn get_pages<T: DeserializeOwned + Send + 'static>(
        &self,
        url: Url,
        mut on_page: impl FnMut(Vec<T>) -> Result<()>,
    ) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        seen.insert(url.to_string());
        let mut current = self.get(&url).await?;
        let mut current_url = url;
        loop {
            let Some(body) = current.body.take() else {
                return Ok(());
            };
            let next = match scan_next_link(&body) {
                Some(link) => Some(self.next_link(&current_url, &link, &mut seen)?),
                None => None,
            };
            let (status, request_id) = (current.status, current.request_id.take());
            let Some(next_url) = next else {
                let page: Page<T> = decode(&current_url, status, request_id.as_deref(), &body)?;
                drop(body);
                return on_page(page.value);
            };
            let parse = {
                let url = current_url.clone();
                tokio::task::spawn_blocking(move || {
                    decode::<Page<T>>(&url, status, request_id.as_deref(), &body)
                })
            };
            let handle_page = async {
                let page = parse.await.map_err(|e| {
                    Error::unavailable(format!("parsing a page failed unexpectedly: {e}"))
                })??;
                on_page(page.value)
            };
            let (handled, fetched) = tokio::join!(handle_page, self.get(&next_url));
            handled?;
            current = fetched?;
            current_url = next_url;
        }
    }

    /// Collects every item of a paged list.
    pub async fn get_all<T: DeserializeOwned + Send + 'static>(&self, url: Url) -> Result<Vec<T>> {
        let mut items = Vec::new();
        self.get_pages(url, |page| {
            items.extend(page);
            Ok(())
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
        seen: &mut std::collections::HashSet<String>,
    ) -> Result<Url> {
        let next = current.join(link.trim()).map_err(|e| {
            Error::unavailable(format!(
                "Azure sent a nextLink that is not a URL ({e}) after {}",
                describe(current)
            ))
        })?;
        let endpoint = &self.options.endpoint;
        let same_origin = next.scheme() == endpoint.scheme()
            && next.host_str() == endpoint.host_str()
            && next.port_or_known_default() == endpoint.port_or_known_default();
        if !same_origin {
            return Err(Error::unavailable(format!(
                "refusing to follow a nextLink to {} because it is not the configured endpoint {}; the bearer token is only sent to the endpoint",
                next.origin().ascii_serialization(),
                endpoint.origin().ascii_serialization()
            )));
        }
        if !seen.insert(next.to_string()) {
            return Err(Error::unavailable(format!(
                "Azure's nextLink points back to a page already read ({}); stopping instead of looping",
                describe(&next)
            )));
        }
        Ok(next)
    }

    fn remaining(&self) -> Duration {
        self.options
            .total_timeout
            .saturating_sub(self.started.elapsed())
    }

    /// The one request path: auth header, retries with backoff, timeouts, error decoding.
    async fn get(&self, url: &Url) -> Result<Fetched> {
        // The first request gets the token and builds the client at the same time.
        let (token, http) = tokio::join!(self.token(), self.http());
        let (token, http) = (token?, http?);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let remaining = self.remaining();
            if remaining.is_zero() {
                return Err(self.deadline_error(url));
            }
            // Held for one attempt, not across the backoff sleep.
            let permit = self.in_flight.acquire().await.map_err(|_| {
                Error::unavailable("the request limiter was closed; this is a bug in credits")
            })?;
            let sent = Instant::now();
            let result = http
                .get(url.clone())
                .bearer_auth(token.secret())
                .header("accept", "application/json")
                .timeout(remaining)
                .send()
                .await;
            let response = match result {
                Ok(response) => response,
                Err(error) => {
                    self.log(url, "failed", sent, None);
                    let failure = transport_error(url, &error);
                    drop(permit);
                    self.pause_before_retry(attempt, None, url, failure).await?;
                    continue;
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            let request_id = request_id(&headers);
            if status.is_success() {
                let body = match response.bytes().await {
                    Ok(body) => body,
                    Err(error) => {
                        self.log(url, status.as_str(), sent, Some(&headers));
                        let failure = transport_error(url, &error);
                        drop(permit);
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
                });
            }
            let body = response.bytes().await.unwrap_or_default();
            self.log(url, status.as_str(), sent, Some(&headers));
            drop(permit);
            let failure = self.status_error(url, status, request_id.as_deref(), &body);
            if is_transient_status(status) {
                self.pause_before_retry(attempt, retry_after(&headers), url, failure)
                    .await?;
                continue;
            }
            return Err(failure);
        }
    }

    /// Sleeps before the next attempt, or gives up with `failure` when attempts or the
    /// deadline are exhausted.
    async fn pause_before_retry(
        &self,
        attempt: u32,
        asked: Option<Duration>,
        url: &Url,
        failure: Error,
    ) -> Result<()> {
        if attempt >= self.options.max_attempts {
            return Err(Error::new(
                failure.kind,
                format!("{} (gave up after {attempt} attempts)", failure.message),
            ));
        }
        let wait = asked.unwrap_or_else(|| backoff(attempt, self.options.retry_base));
        let remaining = self.remaining();
        if wait >= remaining {
            let when = chrono::Utc::now()
                + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
            return Err(Error::new(
                failure.kind,
                format!(
                    "{}; Azure asked to wait {} s, longer than the {} s left of --timeout: try again after {}",
                    failure.message,
                    wait.as_secs_f64().ceil(),
                    remaining.as_secs(),
                    when.format("%Y-%m-%d %H:%M:%S UTC")
                ),
            ));
        }
        if self.options.verbose {
            eprintln!(
                "retrying GET {} in {} ms (attempt {} of {})",
                url.path(),
                wait.as_millis(),
                attempt + 1,
                self.options.max_attempts
            );
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    fn deadline_error(&self, url: &Url) -> Error {
        Error::unavailable(format!(
            "gave up on {} after {} s (--timeout); Azure did not answer in time, try again or raise --timeout",
            describe(url),
            self.options.total_timeout.as_secs()
        ))
    }

    /// `-v`: one line per request. The tenant's remaining read budget is shown when Azure
    /// reports it, since it is now only a few hundred an hour.
    fn log(&self, url: &Url, status: &str, sent: Instant, headers: Option<&HeaderMap>) {
        if self.options.verbose {
            let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
            let request_id = headers.and_then(request_id);
            let reads_left = headers
                .and_then(|h| h.get("x-ms-ratelimit-remaining-tenant-reads"))
                .and_then(|v| v.to_str().ok())
                .map(|v| format!(" tenant-reads-left: {v}"))
                .unwrap_or_default();
            eprintln!(
                "GET {}{query} {status} {} ms x-ms-request-id: {}{reads_left}",
                url.path(),
                sent.elapsed().as_millis(),
                request_id.as_deref().unwrap_or("-")
            );
        }
    }

    fn status_error(
        &self,
        url: &Url,
        status: StatusCode,
        request_id: Option<&str>,
        body: &[u8],
    ) -> Error {
        let azure = azure_error_text(body);
        let id = request_id
            .map(|id| format!(" (x-ms-request-id: {id})"))
            .unwrap_or_default();
        let base = format!("Azure answered {status} for {}{azure}{id}", describe(url));
        match status.as_u16() {
            401 => Error::auth(format!(
                "{base}; the token was rejected (--auth {}): {}",
                self.tokens.method().name(),
                self.tokens.method().sign_in_hint()
            )),
            403 => Error::new(
                ErrorKind::Permission,
                format!("{base}; reading credits needs one of these roles: {READER_ROLES}"),
            ),
            404 => Error::not_found(base),
            429 => Error::unavailable(format!("{base}; Azure is throttling requests")),
            _ => Error::unavailable(base),
        }
    }
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-ms-request-id", "x-ms-correlation-request-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_string)
}

/// The page's `nextLink`, found without building the page's items. `None` when there is
/// none, or when the body is not valid JSON (the full decode then says what is wrong).
fn scan_next_link(body: &[u8]) -> Option<String> {
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

/// `GET /providers/...` without host or query: short, and never carries anything secret.
pub fn describe(url: &Url) -> String {
    format!("GET {}", url.path())
}

/// `: Code: message` from an ARM error body, or nothing when the body is not one.
fn azure_error_text(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(parsed) => {
            let code = parsed.error.code.map(|c| c.0).unwrap_or_default();
            let message = parsed.error.message.unwrap_or_default();
            let target = parsed
                .error
                .target
                .map(|t| format!(" (target: {t})"))
                .unwrap_or_default();
            match (code.is_empty(), message.is_empty()) {
                (true, true) => String::new(),
                (false, true) => format!(": {code}{target}"),
                (true, false) => format!(": {}{target}", one_line(&message)),
                (false, false) => format!(": {code}: {}{target}", one_line(&message)),
            }
        }
        Err(_) => String::new(),
    }
}

fn transport_error(url: &Url, error: &reqwest::Error) -> Error {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the connection broke while reading the answer"
    } else {
        "the request failed"
    };
    // reqwest's Display names the URL; ours already does, without the query.
    let cause = std::error::Error::source(error)
        .map(|s| format!(": {}", one_line(&s.to_string())))
        .unwrap_or_default();
    Error::unavailable(format!(
        "{} {what}{cause}; check the network and --endpoint {}",
        describe(url),
        url.origin().ascii_serialization()
    ))
}

/// Decodes a JSON body, or says plainly what came instead.
fn decode<T: DeserializeOwned>(
    url: &Url,
    status: StatusCode,
    request_id: Option<&str>,
    body: &[u8],
) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        let id = request_id
            .map(|id| format!(", x-ms-request-id: {id}"))
            .unwrap_or_default();
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
        Error::unavailable(format!(
            "unexpected response from {} (HTTP {}{id}): {why}",
            describe(url),
            status.as_u16()
        ))
    })
}

/// Turns a domain conversion failure into the same "unexpected response" error.
pub fn conversion_error(what: &str, problem: String) -> Error {
    Error::unavailable(format!("unexpected {what} from Azure: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(endpoint: &str) -> ArmClient {
        let options = ClientOptions::new(Url::parse(endpoint).unwrap());
        ArmClient::new(options, TokenSource::Static(Secret::new("t")))
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
    fn the_scope_follows_the_endpoint() {
        assert_eq!(
            client("https://management.usgovcloudapi.net/").scope(),
            "https://management.usgovcloudapi.net/.default"
        );
    }
}
