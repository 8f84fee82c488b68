//! The Azure Resource Manager client. One HTTP entry point (`client::ArmClient::get`) owns
//! auth, timeouts, retries, paging and error decoding; the typed endpoint functions in
//! `billing` and `consumption` sit on top.
//!
//! Must not: know about tables, JSON output or stderr (it reports what it does through
//! `ClientEvent`s), name a command-line flag, or give advice (errors are `ArmError` data;
//! `crate::hints` adds the next steps).

pub(crate) mod auth;
pub(crate) mod benefits;
pub mod billing;
pub(crate) mod client;
pub mod consumption;
pub(crate) mod costmanagement;
pub(crate) mod error;
pub(crate) mod governor;
pub mod invoices;
pub(crate) mod method;
mod principal;
pub(crate) mod retry;
pub(crate) mod subscriptions;

pub(crate) use client::{ArmClient, ClientEvent, ClientObserver, ClientOptions};
pub(crate) use error::ArmError;
