//! Integration tests: the `credits` binary against a local fake Resource Manager (wiremock).
//! One module per command, plus failures, fixtures and help transcripts.

mod account_scope;
mod accounts;
mod aco;
mod action;
mod all_profiles;
mod balance;
mod cache;
mod config;
mod credit_resources;
mod customer_scope;
mod demo;
mod docs;
mod events;
mod failures;
mod fixtures;
mod forecast;
mod formats;
mod fuzz;
mod governor;
mod help;
mod hostile;
mod invoices;
mod lots;
mod payments;
mod prepayment;
mod profile_standing;
mod resolution;
mod shell;
mod spend;
mod spend_exact;
mod subscriptions;
mod support;
mod sweeps;
mod terminal;
mod verify;
