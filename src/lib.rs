//! `credits`: the Azure credit balance of Microsoft Customer Agreement billing profiles.
//!
//! The binary (`src/main.rs`) is a thin shell over this library; the library is public so
//! that tests and benchmarks can drive the parsers, views and writers directly. The map of
//! the code is ARCHITECTURE.md.

pub mod aco;
pub mod arm;
pub mod cache;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub(crate) mod customers_file;
pub mod demo;
pub mod error;
pub mod forecast;
pub mod hints;
pub mod model;
pub mod output;
pub mod report;
pub mod resolve;
pub(crate) mod resume;
pub mod settings;

/// How many threads can run at once, asked once: on Linux the answer reads the cgroup's
/// files, which no command's start should pay for (asked only when work is large enough to
/// share).
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
