//! The one error type of `credits`. Every failure is classified here, and the exit code of
//! each kind is decided here and nowhere else, so a CI job can always tell "the check failed"
//! (1) apart from "the check could not be made" (2-6).

use std::fmt;

/// Process exit codes; the README's table is generated from the same meanings.
pub mod exit {
    pub const OK: u8 = 0;
    pub const CHECK_FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const AUTH: u8 = 3;
    pub const PERMISSION: u8 = 4;
    pub const NOT_FOUND: u8 = 5;
    pub const UNAVAILABLE: u8 = 6;
}

/// What went wrong, at the granularity the exit code needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A `--min` or `--expiring-within` check did not pass.
    CheckFailed,
    /// Bad flags or bad input values.
    Usage,
    /// No token could be obtained, or Azure rejected it (401).
    Auth,
    /// Azure answered 403: the principal lacks a billing role.
    Permission,
    /// The profile or resource does not exist, or the name is ambiguous.
    NotFound,
    /// Azure unavailable, throttled, unreachable, or it sent something unexpected.
    Unavailable,
    /// stdout was closed by the reader (`credits events | head`): end quietly.
    ClosedPipe,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::CheckFailed => exit::CHECK_FAILED,
            ErrorKind::Usage => exit::USAGE,
            ErrorKind::Auth => exit::AUTH,
            ErrorKind::Permission => exit::PERMISSION,
            ErrorKind::NotFound => exit::NOT_FOUND,
            ErrorKind::Unavailable => exit::UNAVAILABLE,
            ErrorKind::ClosedPipe => exit::OK,
        }
    }
}

/// An error with its kind and one line of explanation that says what failed and what to do.
#[derive(Debug, Clone, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }
    pub fn check_failed(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::CheckFailed, message)
    }
    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
