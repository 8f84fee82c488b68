//! Renderers: pure functions from domain values to text, and the `Printer` that puts text
//! on stdout. stdout carries data only; messages go to stderr.

pub mod json;
pub mod table;

use crate::error::{Error, ErrorKind, Result};
use std::io::{IsTerminal, Write};

/// Writes data to stdout. A closed pipe (`credits events | head`) ends the command quietly.
pub struct Printer {
    pub is_terminal: bool,
}

impl Printer {
    pub fn stdout() -> Self {
        Printer {
            is_terminal: std::io::stdout().is_terminal(),
        }
    }

    pub fn print(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(output_error)
    }
}

/// Maps a stdout write failure: a closed pipe is not an error for the user.
pub fn output_error(error: std::io::Error) -> Error {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        Error::new(ErrorKind::ClosedPipe, "stdout closed")
    } else {
        Error::unavailable(format!("could not write the output: {error}"))
    }
}
