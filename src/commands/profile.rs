//! Resolving `--profile` to one billing profile.

use super::Context;
use crate::arm::billing::list_accounts;
use crate::cli::ProfileArg;
use crate::error::{Error, Result};
use crate::model::domain::{BillingAccount, BillingProfile, ProfileRef};

const PROFILE_ID_PREFIX: &str = "/providers/microsoft.billing/billingaccounts/";

/// The `--profile` value, or `CREDITS_PROFILE`; missing or empty is a usage error.
pub fn profile_query(arg: &ProfileArg) -> Result<String> {
    match arg.profile.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => Ok(p.to_string()),
        Some(_) => Err(Error::usage(
            "--profile is empty; pass a billing profile's display name, name or full id (see `credits accounts`)",
        )),
        None => Err(Error::usage(
            "no billing profile given; pass --profile NAME or set CREDITS_PROFILE (see `credits accounts`)",
        )),
    }
}

/// True when `query` is a full billing profile id, usable without any lookup.
fn is_full_profile_id(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    lower.starts_with(PROFILE_ID_PREFIX)
        && lower.contains("/billingprofiles/")
        && !lower.ends_with("/billingprofiles/")
}

/// Finds the one billing profile `query` names: a full id is used as is (no request);
/// otherwise the accounts are listed and the profile matched by display name
/// (case-insensitive), name or id.
pub async fn resolve_profile(context: &Context, query: &str) -> Result<ProfileRef> {
    if is_full_profile_id(query) {
        let id = query.trim_end_matches('/').to_string();
        let name = id.rsplit('/').next().unwrap_or_default().to_string();
        return Ok(ProfileRef {
            id,
            name,
            display_name: None,
            currency: None,
        });
    }
    let accounts = list_accounts(&context.client).await?;
    match_profile(&accounts, query)
}

/// The matching rules, apart from I/O so they can be tested directly.
pub fn match_profile(accounts: &[BillingAccount], query: &str) -> Result<ProfileRef> {
    let wanted = query.to_lowercase();
    let mut matches: Vec<(&BillingAccount, &BillingProfile)> = Vec::new();
    for account in accounts {
        for profile in account
            .billing_profiles
            .iter()
            .filter(|p| p.has_read_access)
        {
            let by_display_name = profile
                .display_name
                .as_deref()
                .is_some_and(|d| d.to_lowercase() == wanted);
            let by_name = profile.name.eq_ignore_ascii_case(query);
            let by_id = profile.id.eq_ignore_ascii_case(query.trim_end_matches('/'));
            if (by_display_name || by_name || by_id)
                && !matches
                    .iter()
                    .any(|(_, p)| p.id.eq_ignore_ascii_case(&profile.id))
            {
                matches.push((account, profile));
            }
        }
    }
    match matches.as_slice() {
        [] => Err(no_match(accounts, query)),
        [(account, profile)] => {
            if !account.has_credits {
                return Err(Error::not_found(format!(
                    "billing profile {query:?} belongs to account {:?}, a {} account; credits exist only for Microsoft Customer Agreement billing profiles",
                    account.display_name.as_deref().unwrap_or(&account.name),
                    account.agreement_type.as_deref().unwrap_or("non-MCA")
                )));
            }
            Ok(ProfileRef {
                id: profile.id.clone(),
                name: profile.name.clone(),
                display_name: profile.display_name.clone(),
                currency: profile.currency.clone(),
            })
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|(a, p)| {
                    format!(
                        "{} (account {:?})",
                        p.id,
                        a.display_name.as_deref().unwrap_or(&a.name)
                    )
                })
                .collect();
            Err(Error::not_found(format!(
                "{query:?} matches {} billing profiles; pass the full id with --profile, one of: {}",
                many.len(),
                ids.join(", ")
            )))
        }
    }
}

fn no_match(accounts: &[BillingAccount], query: &str) -> Error {
    let available: Vec<String> = accounts
        .iter()
        .filter(|a| a.has_credits)
        .flat_map(|a| a.billing_profiles.iter().filter(|p| p.has_read_access))
        .map(|p| match &p.display_name {
            Some(d) => format!("{d:?} ({})", p.name),
            None => p.name.clone(),
        })
        .collect();
    if available.is_empty() {
        return Error::not_found(format!(
            "no billing profile matches {query:?}: this sign-in can read no Microsoft Customer Agreement billing profile; it needs a billing role on the billing account or profile (subscription roles do not apply)"
        ));
    }
    Error::not_found(format!(
        "no billing profile matches {query:?}; available: {}",
        available.join(", ")
    ))
}
