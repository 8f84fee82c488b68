//! Resolving `--profile` to one billing profile, with the profile cache.

use super::Context;
use crate::arm::billing::list_accounts;
use crate::cache::{principal_key, ProfileCache};
use crate::cli::ProfileArg;
use crate::error::{Error, ErrorKind, Result};
use crate::model::domain::{BillingAccount, BillingProfile, ProfileRef};

const PROFILE_ID_PREFIX: &str = "/providers/microsoft.billing/billingaccounts/";

/// The `--profile` value, or `CREDITS_PROFILE`; missing or empty is a usage error.
pub fn profile_query(arg: &ProfileArg) -> Result<String> {
    let from_env = || std::env::var("CREDITS_PROFILE").ok();
    match arg.profile.clone().or_else(from_env).as_deref().map(str::trim) {
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

/// Where a resolved profile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The user gave the full id.
    Direct,
    Cache,
    Listing,
}

/// The cache entry of this endpoint and signed-in principal (needs the token to know who
/// that is).
async fn profile_cache(context: &Context) -> Result<Option<ProfileCache>> {
    let Some(dir) = &context.cache_dir else {
        return Ok(None);
    };
    let token = context.client.token().await?;
    let fallback = format!(
        "auth={};client={};tenant={}",
        context.client.auth_method().name(),
        std::env::var("AZURE_CLIENT_ID").unwrap_or_default(),
        std::env::var("AZURE_TENANT_ID").unwrap_or_default()
    );
    let key = format!(
        "{}|{}",
        context.client.endpoint().as_str().trim_end_matches('/'),
        principal_key(token.secret(), &fallback)
    );
    Ok(Some(ProfileCache::new(dir, key)))
}

/// Lists every account with its profiles and refreshes the cache with the answer.
pub async fn fresh_accounts(context: &Context) -> Result<Vec<BillingAccount>> {
    let accounts = list_accounts(&context.client).await?;
    if let Some(cache) = profile_cache(context).await? {
        cache.save(&accounts);
    }
    Ok(accounts)
}

/// The accounts from the cache when it is fresh (and `--refresh` was not given), else
/// listed. The flag says whether they came from the cache.
pub async fn known_accounts(context: &Context) -> Result<(Vec<BillingAccount>, bool)> {
    if !context.refresh {
        if let Some(accounts) = profile_cache(context).await?.and_then(|c| c.load()) {
            return Ok((accounts, true));
        }
    }
    Ok((fresh_accounts(context).await?, false))
}

/// Drops this principal's cached listing (a cached id answered 404).
pub async fn forget_cached_accounts(context: &Context) -> Result<()> {
    if let Some(cache) = profile_cache(context).await? {
        cache.forget();
    }
    Ok(())
}

async fn resolve(context: &Context, query: &str) -> Result<(ProfileRef, Source)> {
    if is_full_profile_id(query) {
        let id = query.trim_end_matches('/').to_string();
        let name = id.rsplit('/').next().unwrap_or_default().to_string();
        let profile = ProfileRef {
            id,
            name,
            display_name: None,
            currency: None,
        };
        return Ok((profile, Source::Direct));
    }
    if !context.refresh {
        if let Some(accounts) = profile_cache(context).await?.and_then(|c| c.load()) {
            // A miss or an ambiguity in the cache may be staleness: only a fresh listing
            // decides those.
            if let Ok(profile) = match_profile(&accounts, query) {
                return Ok((profile, Source::Cache));
            }
        }
    }
    let accounts = fresh_accounts(context).await?;
    Ok((match_profile(&accounts, query)?, Source::Listing))
}

/// Resolves `query` and runs `fetch` with the profile. When the profile came from the cache
/// and Azure answers 404 (the profile moved or was removed), the cache entry is dropped, the
/// profile resolved afresh, and `fetch` run once more.
pub async fn with_profile<T>(
    context: &Context,
    query: &str,
    mut fetch: impl AsyncFnMut(ProfileRef) -> Result<T>,
) -> Result<T> {
    let (profile, source) = resolve(context, query).await?;
    match fetch(profile).await {
        Err(error) if source == Source::Cache && error.kind == ErrorKind::NotFound => {
            forget_cached_accounts(context).await?;
            let accounts = fresh_accounts(context).await?;
            let profile = match_profile(&accounts, query)?;
            fetch(profile).await
        }
        result => result,
    }
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
    // Only MCA profiles have credits: when the name matches some, the others are noise.
    if matches.iter().any(|(a, _)| a.has_credits) {
        matches.retain(|(a, _)| a.has_credits);
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
            Ok(profile_ref(profile))
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

pub fn profile_ref(profile: &BillingProfile) -> ProfileRef {
    ProfileRef {
        id: profile.id.clone(),
        name: profile.name.clone(),
        display_name: profile.display_name.clone(),
        currency: profile.currency.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, agreement: &str, profiles: &[(&str, &str)]) -> BillingAccount {
        let id = format!("/providers/Microsoft.Billing/billingAccounts/{name}");
        BillingAccount {
            id: id.clone(),
            name: name.into(),
            display_name: Some(name.into()),
            agreement_type: Some(agreement.into()),
            account_type: None,
            account_status: None,
            has_credits: BillingAccount::is_mca(Some(agreement)),
            billing_profiles: profiles
                .iter()
                .map(|(pname, display)| BillingProfile {
                    id: format!("{id}/billingProfiles/{pname}"),
                    name: pname.to_string(),
                    display_name: Some(display.to_string()),
                    currency: Some("USD".into()),
                    status: None,
                    system_id: None,
                    has_read_access: true,
                })
                .collect(),
        }
    }

    #[test]
    fn an_mca_profile_wins_over_a_partner_profile_of_the_same_name() {
        let accounts = [
            account("mpa", "MicrosoftPartnerAgreement", &[("P1", "Development")]),
            account(
                "mca",
                "MicrosoftCustomerAgreement",
                &[("P2", "Development")],
            ),
        ];
        assert_eq!(match_profile(&accounts, "development").unwrap().name, "P2");
    }

    #[test]
    fn matches_by_display_name_name_or_id_and_reports_ambiguity() {
        let accounts = [
            account(
                "a",
                "MicrosoftCustomerAgreement",
                &[("P1", "Development"), ("P2", "Prod")],
            ),
            account("b", "MicrosoftCustomerAgreement", &[("P3", "Development")]),
        ];
        assert_eq!(match_profile(&accounts, "p2").unwrap().name, "P2");
        assert_eq!(match_profile(&accounts, "PROD").unwrap().name, "P2");
        let by_id = "/providers/Microsoft.Billing/billingAccounts/b/billingProfiles/P3";
        assert_eq!(match_profile(&accounts, by_id).unwrap().name, "P3");
        let ambiguous = match_profile(&accounts, "Development").unwrap_err();
        assert_eq!(ambiguous.exit_code(), 5);
        assert!(ambiguous
            .message
            .contains("billingAccounts/a/billingProfiles/P1"));
        assert!(ambiguous
            .message
            .contains("billingAccounts/b/billingProfiles/P3"));
        assert_eq!(
            match_profile(&accounts, "Staging").unwrap_err().exit_code(),
            5
        );
    }
}
