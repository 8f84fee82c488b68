//! The one error type of `credits`. Every failure is classified here, and the exit code of
//! each kind is decided here and nowhere else, so a CI job can always tell "the check failed"
//! (1) apart from "the check could not be made" (2-6).
//!
//! An error is data: its kind, one line saying what failed, and the hints (what to do next)
//! that were attached where that was known. The printer shows hints as their own `hint:`
//! lines, and JSON rows keep them as their own field.

use std::fmt;

/// Process exit codes.
pub mod exit {
    pub const OK: u8 = 0;
    pub(crate) const CHECK_FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub(crate) const AUTH: u8 = 3;
    pub(crate) const PERMISSION: u8 = 4;
    pub(crate) const NOT_FOUND: u8 = 5;
    pub const UNAVAILABLE: u8 = 6;
    pub(crate) const OUTPUT: u8 = 7;
}

/// Every exit code with its meaning, in order: the `--help` text is generated from it, and a
/// test checks the README's table against it.
pub const EXIT_CODES: [(u8, &str); 8] = [
    (exit::OK, "success"),
    (exit::CHECK_FAILED, "a requested check failed"),
    (exit::USAGE, "usage or bad input"),
    (exit::AUTH, "authentication failed"),
    (exit::PERMISSION, "permission denied"),
    (
        exit::NOT_FOUND,
        "profile or resource not found, or ambiguous",
    ),
    (
        exit::UNAVAILABLE,
        "Azure unavailable, throttled, unreachable, or an unexpected response",
    ),
    (
        exit::OUTPUT,
        "the output could not be written here (a full disk, a closed terminal)",
    ),
];

/// The exit-code table for `credits --help`, followed by the way to try `credits` without
/// Azure.
pub(crate) fn exit_codes_help() -> String {
    let codes: Vec<String> = EXIT_CODES
        .iter()
        .map(|(code, meaning)| format!("  {code}  {meaning}"))
        .collect();
    format!(
        "Exit codes:\n{}\n\nTry it without an Azure account: credits --demo balance --profile Development",
        codes.join("\n")
    )
}

/// What went wrong, at the granularity the exit code needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
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
    /// Writing the output failed on this machine (a full disk): not Azure's doing.
    Output,
}

impl ErrorKind {
    /// A few words for a table cell that says why a row has no value.
    pub(crate) fn short_name(self) -> &'static str {
        match self {
            ErrorKind::CheckFailed => "check failed",
            ErrorKind::Usage => "bad input",
            ErrorKind::Auth => "authentication failed",
            ErrorKind::Permission => "permission denied",
            ErrorKind::NotFound => "not found",
            ErrorKind::Unavailable => "Azure unavailable",
            ErrorKind::Output => "output failed",
        }
    }

    /// The kind an exit code of a failure stands for (3-7), as a journal keeps it.
    pub(crate) fn from_exit_code(code: u8) -> Option<Self> {
        [
            ErrorKind::Auth,
            ErrorKind::Permission,
            ErrorKind::NotFound,
            ErrorKind::Unavailable,
            ErrorKind::Output,
        ]
        .into_iter()
        .find(|kind| kind.exit_code() == code)
    }

    pub(crate) fn exit_code(self) -> u8 {
        match self {
            ErrorKind::CheckFailed => exit::CHECK_FAILED,
            ErrorKind::Usage => exit::USAGE,
            ErrorKind::Auth => exit::AUTH,
            ErrorKind::Permission => exit::PERMISSION,
            ErrorKind::NotFound => exit::NOT_FOUND,
            ErrorKind::Unavailable => exit::UNAVAILABLE,
            ErrorKind::Output => exit::OUTPUT,
        }
    }
}

/// An error with its kind, one line that says what failed, and what to do about it.
#[derive(Debug, Clone, thiserror::Error)]
pub struct Error {
    pub(crate) kind: ErrorKind,
    pub(crate) message: String,
    /// Next steps, each printed as its own `hint:` line.
    pub(crate) hints: Vec<String>,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub(crate) fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }
    /// A check that did not pass, and why: its line reads `check failed: <why>`.
    pub(crate) fn check_failed(why: impl AsRef<str>) -> Self {
        Self::new(
            ErrorKind::CheckFailed,
            format!("check failed: {}", why.as_ref()),
        )
    }
    /// The same error with one more next step, added where it is known.
    pub(crate) fn hinted(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        if !self.hints.contains(&hint) {
            self.hints.push(hint);
        }
        self
    }
    pub(crate) fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_documented_exit_code() {
        for kind in [
            ErrorKind::CheckFailed,
            ErrorKind::Usage,
            ErrorKind::Auth,
            ErrorKind::Permission,
            ErrorKind::NotFound,
            ErrorKind::Unavailable,
            ErrorKind::Output,
        ] {
            let code = kind.exit_code();
            assert!(
                EXIT_CODES.iter().any(|(c, _)| *c == code),
                "{kind:?} exits {code}, which is not in EXIT_CODES"
            );
        }
        let codes: Vec<u8> = EXIT_CODES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7]);
    }

    #[test]
    fn hints_are_kept_once_in_order() {
        let error = Error::not_found("gone").hinted("a").hinted("b").hinted("a");
        assert_eq!(error.hints, ["a", "b"]);
    }
}
