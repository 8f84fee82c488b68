//! The Azure Resource Manager client. One HTTP entry point (`client::ArmClient::get`) owns
//! auth, timeouts, retries, paging and error decoding; the typed endpoint functions in
//! `billing` and `consumption` sit on top. Nothing here knows about tables or JSON output.

pub mod auth;
pub mod billing;
pub mod client;
pub mod consumption;
pub mod retry;

pub use client::{ArmClient, ClientOptions};
