//! What can go wrong talking to Resource Manager, as data: the HTTP status, the ARM error code
//! and message, the request id, the request. The words of each variant state facts only;
//! which flag to change or what to run next is added by the caller (`crate::hints`), because
//! this module knows nothing about the command line.

use super::method::AuthMethod;
use crate::error::ErrorKind;
use crate::model::scope::ScopeKind;
use std::fmt;
use std::time::Duration;

/// An error status from Azure, with what its body and headers said.
#[derive(Debug, Clone)]
pub(crate) struct StatusFailure {
    /// `GET /providers/...`, without host or query.
    pub(crate) request: String,
    pub(crate) status: u16,
    /// `401 Unauthorized`
    pub(crate) status_text: String,
    /// The ARM error code (`AuthorizationFailed`, or a number sent as a string).
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) target: Option<String>,
    pub(crate) request_id: Option<String>,
    /// How the rejected token was obtained (for a 401).
    pub(crate) auth: AuthMethod,
    /// The kind of billing scope the request read, when it read one.
    pub(crate) scope: Option<ScopeKind>,
    /// True when the request went to Microsoft.Consumption.
    pub(crate) consumption: bool,
}

/// A failed call to Resource Manager or to the credential behind it.
#[derive(Debug, Clone)]
pub(crate) enum ArmError {
    /// Azure answered with an error status.
    Status(Box<StatusFailure>),
    /// The request did not get an answer: connection refused, reset, timed out.
    Transport {
        request: String,
        /// `could not connect`, `timed out`, ...
        failure: &'static str,
        cause: Option<String>,
        /// The endpoint's origin, `https://management.azure.com`.
        origin: String,
    },
    /// The time limit for the whole command ran out before Azure answered.
    Deadline {
        request: String,
        limit: Duration,
        /// The failure of the last attempt, when there was one.
        last: Option<Box<ArmError>>,
    },
    /// Azure asked to wait longer than what is left of the time limit.
    WaitTooLong {
        last: Box<ArmError>,
        wait: Duration,
        left: Duration,
        /// `2026-12-01 10:00:00 UTC`
        retry_at: String,
    },
    /// A transient failure that did not go away within the allowed attempts.
    GaveUp { last: Box<ArmError>, attempts: u32 },
    /// A 2xx answer that is not what the API documents.
    Unexpected {
        request: String,
        status: u16,
        request_id: Option<String>,
        why: String,
    },
    /// An answer that parsed but holds a value `credits` cannot take exactly.
    Conversion { what: &'static str, problem: String },
    /// A `nextLink` that is not a URL.
    BadNextLink { request: String, cause: String },
    /// A `nextLink` to another origin: the token is never sent there.
    ForeignNextLink { next: String, endpoint: String },
    /// A `nextLink` back to a page already read.
    LoopingNextLink { request: String },
    /// A list with more pages than any real one has.
    TooManyPages { request: String, limit: usize },
    /// A later page of a list answered 404: the list changed while it was read.
    PageVanished {
        request: String,
        page: usize,
        last: Box<ArmError>,
    },
    /// An answer larger than any real page.
    BodyTooLarge {
        request: String,
        origin: String,
        limit: usize,
    },
    /// The token holds a character that cannot be sent in an HTTP header.
    MalformedToken { method: AuthMethod },
    /// The chosen sign-in method lacks the environment variables it needs.
    MissingSettings {
        method: AuthMethod,
        needed: Vec<&'static str>,
        missing: Vec<&'static str>,
    },
    /// The credential could not be built.
    CredentialSetup { method: AuthMethod, cause: String },
    /// The credential did not give a token.
    Token { method: AuthMethod, cause: String },
    /// The credential did not give a token within the time limit.
    TokenTimeout { method: AuthMethod, limit: Duration },
    /// The HTTP machinery itself failed (no client, a parse task that died).
    Internal(String),
    /// A Cost Details report that could not be had: its operation failed, or answered
    /// something that cannot be followed safely (a `Location` off the endpoint, a file link
    /// that is not https), or is still being prepared when the time limit comes.
    Report { request: String, why: String },
    /// Azure serves no such read for this kind of scope (the commands refuse it first).
    NotServed {
        what: &'static str,
        scope: ScopeKind,
    },
}

impl ArmError {
    /// The exit-code class of this failure.
    pub(crate) fn kind(&self) -> ErrorKind {
        match self {
            ArmError::Status(failure) => match failure.status {
                401 => ErrorKind::Auth,
                403 => ErrorKind::Permission,
                404 => ErrorKind::NotFound,
                _ => ErrorKind::Unavailable,
            },
            ArmError::WaitTooLong { last, .. } | ArmError::GaveUp { last, .. } => last.kind(),
            ArmError::PageVanished { .. } => ErrorKind::NotFound,
            ArmError::MalformedToken { .. }
            | ArmError::MissingSettings { .. }
            | ArmError::CredentialSetup { .. }
            | ArmError::Token { .. }
            | ArmError::TokenTimeout { .. } => ErrorKind::Auth,
            ArmError::Transport { .. }
            | ArmError::Deadline { .. }
            | ArmError::Unexpected { .. }
            | ArmError::Conversion { .. }
            | ArmError::BadNextLink { .. }
            | ArmError::ForeignNextLink { .. }
            | ArmError::LoopingNextLink { .. }
            | ArmError::TooManyPages { .. }
            | ArmError::BodyTooLarge { .. }
            | ArmError::Report { .. }
            | ArmError::Internal(_) => ErrorKind::Unavailable,
            ArmError::NotServed { .. } => ErrorKind::Usage,
        }
    }

    /// The HTTP status Azure answered with, looking through retries.
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            ArmError::Status(failure) => Some(failure.status),
            ArmError::WaitTooLong { last, .. } | ArmError::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The innermost failure, looking through retries.
    pub(crate) fn root(&self) -> &ArmError {
        match self {
            ArmError::WaitTooLong { last, .. } | ArmError::GaveUp { last, .. } => last.root(),
            other => other,
        }
    }
}

impl fmt::Display for ArmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArmError::Status(failure) => {
                let StatusFailure {
                    request,
                    status,
                    status_text,
                    code,
                    message,
                    target,
                    request_id,
                    ..
                } = failure.as_ref();
                write!(f, "Azure answered {status_text} for {request}")?;
                let code = code.as_deref().filter(|c| !c.is_empty());
                let message = message.as_deref().filter(|m| !m.is_empty());
                match (code, message) {
                    (Some(code), Some(message)) => write!(f, ": {code}: {message}")?,
                    (Some(code), None) => write!(f, ": {code}")?,
                    (None, Some(message)) => write!(f, ": {message}")?,
                    (None, None) => {}
                }
                if code.is_some() || message.is_some() {
                    if let Some(target) = target {
                        write!(f, " (target: {target})")?;
                    }
                }
                if let Some(id) = request_id {
                    write!(f, " (x-ms-request-id: {id})")?;
                }
                if *status == 429 {
                    f.write_str("; Azure is throttling requests")?;
                }
                Ok(())
            }
            ArmError::Transport {
                request,
                failure,
                cause,
                ..
            } => {
                write!(f, "{request} {failure}")?;
                if let Some(cause) = cause {
                    write!(f, ": {cause}")?;
                }
                Ok(())
            }
            ArmError::Deadline {
                request,
                limit,
                last: None,
            } => write!(
                f,
                "gave up on {request} after {} s; Azure did not answer in time",
                limit.as_secs()
            ),
            ArmError::Deadline {
                request,
                limit,
                last: Some(last),
            } => write!(
                f,
                "gave up on {request}: the {} s time limit ran out before another attempt; the last one: {last}",
                limit.as_secs()
            ),
            ArmError::WaitTooLong {
                last,
                wait,
                left,
                retry_at,
            } => write!(
                f,
                "{last}; Azure asked to wait {} s, longer than the {} s left of the time limit: try again after {retry_at}",
                wait.as_secs_f64().ceil(),
                left.as_secs()
            ),
            ArmError::GaveUp { last, attempts } => {
                write!(f, "{last} (gave up after {attempts} attempts)")
            }
            ArmError::Report { request, why } => {
                write!(f, "the cost details report ({request}): {why}")
            }
            ArmError::Unexpected {
                request,
                status,
                request_id,
                why,
            } => {
                write!(f, "unexpected response from {request} (HTTP {status}")?;
                if let Some(id) = request_id {
                    write!(f, ", x-ms-request-id: {id}")?;
                }
                write!(f, "): {why}")
            }
            ArmError::Conversion { what, problem } => {
                write!(f, "unexpected {what} from Azure: {problem}")
            }
            ArmError::BadNextLink { request, cause } => write!(
                f,
                "Azure sent a nextLink that is not a URL ({cause}) after {request}"
            ),
            ArmError::ForeignNextLink { next, endpoint } => write!(
                f,
                "refusing to follow a nextLink to {next} because it is not the configured endpoint {endpoint}; the bearer token is only sent to the endpoint"
            ),
            ArmError::LoopingNextLink { request } => write!(
                f,
                "Azure's nextLink points back to a page already read ({request}); stopping instead of looping"
            ),
            ArmError::TooManyPages { request, limit } => write!(
                f,
                "{request} went on for more than {limit} pages, far more than any real list; stopping"
            ),
            ArmError::PageVanished {
                request,
                page,
                last,
            } => write!(
                f,
                "page {page} of {request} vanished while the list was being read ({last})"
            ),
            ArmError::BodyTooLarge {
                request,
                origin,
                limit,
            } => write!(
                f,
                "the answer to {request} from {origin} is larger than {} MiB, far above any real page; stopping",
                limit / (1024 * 1024)
            ),
            ArmError::MalformedToken { method } => write!(
                f,
                "the token from the {} sign-in is malformed: it holds a character that cannot be sent in an HTTP header (a line break?)",
                method.name()
            ),
            ArmError::MissingSettings { method, needed, .. } => write!(
                f,
                "the {} sign-in needs {} to be set",
                method.name(),
                needed.join(", ")
            ),
            ArmError::CredentialSetup { method, cause } => {
                write!(f, "could not set up the {} credential: {cause}", method.name())
            }
            ArmError::Token { method, cause } => {
                write!(f, "could not get a token with {}: {cause}", method.name())
            }
            ArmError::TokenTimeout { method, limit } => write!(
                f,
                "could not get a token with {} within {} s",
                method.name(),
                limit.as_secs()
            ),
            ArmError::Internal(what) => f.write_str(what),
            ArmError::NotServed { what, scope } => {
                write!(f, "Azure serves no {what} for a {}", scope.noun())
            }
        }
    }
}

impl std::error::Error for ArmError {}

pub(crate) type ArmResult<T> = std::result::Result<T, ArmError>;
