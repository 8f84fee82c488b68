//! `credits`: the Azure credit balance of Microsoft Customer Agreement billing profiles.
//!
//! The binary (`src/main.rs`) is a thin shell over this library; the library is public so
//! that tests and benchmarks can drive the parsers and renderers directly.

pub mod arm;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod demo;
pub mod error;
pub mod model;
pub mod output;
