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
