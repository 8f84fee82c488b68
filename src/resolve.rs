//! Profile resolution, as a service: `--profile` (display name, name or full id) to one
//! billing profile, and "every readable MCA profile" for `--all`; the profile cache policy;
//! and the one re-resolution rule: when a profile that came from the cache answers 404 (it
//! moved or was removed), the cache entry is dropped, the profile resolved afresh and the
//! read done once more, but only if nothing has been written to stdout yet, so a script
//! never receives a record twice.
//!
//! Must not: print, or derive the cache key itself (`ArmClient::cache_key` does, beside the
//! token).

use crate::arm::billing::list_accounts;
use crate::arm::ArmClient;
use crate::cache::ProfileCache;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::model::domain::{AccountRef, BillingAccount, BillingProfile, ProfileRef};
use crate::model::row::ProfileRow;
use crate::settings::{Setting, Source};
use futures::stream::{self, StreamExt};

const PROFILE_ID_PREFIX: &str = "/providers/microsoft.billing/billingaccounts/";

const NO_READABLE_PROFILE: &str = "this sign-in can read no Microsoft Customer Agreement billing profile; it needs a billing role on the billing account or profile (subscription roles do not apply)";

/// True when `query` is a full billing profile id, usable without any lookup.
fn is_full_profile_id(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    lower.starts_with(PROFILE_ID_PREFIX)
        && lower.contains("/billingprofiles/")
        && !lower.ends_with("/billingprofiles/")
}

/// Where a resolved profile came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The user gave the full id.
    Direct,
    Cache,
    Listing,
}

/// The cache entry of this endpoint and signed-in principal.
async fn profile_cache(context: &Context) -> Result<Option<ProfileCache>> {
    let Some(dir) = &context.settings.cache_dir else {
        return Ok(None);
    };
    let key = context.client().await?.cache_key().await?;
    Ok(Some(ProfileCache::new(&dir.value, key)))
}

/// Lists every account with its profiles and refreshes the cache with the answer.
pub async fn fresh_accounts(context: &Context) -> Result<Vec<BillingAccount>> {
    context
        .printer
        .progress()
        .stage("billing accounts and profiles");
    let accounts = list_accounts(context.client().await?).await?;
    if let Some(cache) = profile_cache(context).await? {
        cache.save(&accounts);
    }
    Ok(accounts)
}

/// The accounts from the cache when it is fresh (and `--refresh` was not given), else
/// listed.
async fn known_accounts(context: &Context) -> Result<(Vec<BillingAccount>, Origin)> {
    if !context.settings.refresh {
        if let Some(accounts) = profile_cache(context).await?.and_then(|c| c.load()) {
            return Ok((accounts, Origin::Cache));
        }
    }
    Ok((fresh_accounts(context).await?, Origin::Listing))
}

/// Drops this principal's cached listing and lists afresh.
async fn relist(context: &Context) -> Result<Vec<BillingAccount>> {
    if let Some(cache) = profile_cache(context).await? {
        cache.forget();
    }
    fresh_accounts(context).await
}

/// The one re-resolution rule: only a cached profile that Azure says is not there, and only
/// while nothing has been written.
fn worth_resolving_again(context: &Context, origin: Origin, kind: ErrorKind) -> bool {
    origin == Origin::Cache && kind == ErrorKind::NotFound && !context.printer.has_written()
}

async fn resolve(context: &Context, query: &str) -> Result<(ProfileRef, Origin)> {
    if is_full_profile_id(query) {
        let id = query.trim_end_matches('/').to_string();
        let name = id.rsplit('/').next().unwrap_or_default().to_string();
        let profile = ProfileRef {
            id,
            name,
            display_name: None,
            currency: None,
            account_display_name: None,
        };
        return Ok((profile, Origin::Direct));
    }
    if !context.settings.refresh {
        if let Some(accounts) = profile_cache(context).await?.and_then(|c| c.load()) {
            // A miss or an ambiguity in the cache may be staleness: only a fresh listing
            // decides those.
            if let Ok(profile) = match_profile(&accounts, query) {
                return Ok((profile, Origin::Cache));
            }
        }
    }
    let accounts = fresh_accounts(context).await?;
    Ok((match_profile(&accounts, query)?, Origin::Listing))
}

/// Resolves `query` and runs `read` (a Consumption read) with the client and the profile.
/// A stale cached profile is resolved afresh and read once more, before any output only.
pub async fn with_profile<T>(
    context: &Context,
    query: &Setting<String>,
    mut read: impl AsyncFnMut(&ArmClient, ProfileRef) -> Result<T>,
) -> Result<T> {
    let (profile, origin) = resolve(context, &query.value)
        .await
        .map_err(|error| named_where_it_came_from(error, query))?;
    let query = query.value.as_str();
    let client = context.client().await?;
    context.printer.progress().stage(profile.label());
    match read(client, profile).await {
        Err(error) if worth_resolving_again(context, origin, error.kind) => {
            let accounts = relist(context).await?;
            let profile = match_profile(&accounts, query)?;
            context.printer.progress().stage(profile.label());
            read(client, profile).await
        }
        result => result,
    }
}

/// A profile name that matched nothing may not have been typed: say where it came from.
fn named_where_it_came_from(error: Error, query: &Setting<String>) -> Error {
    if error.kind != ErrorKind::NotFound || matches!(query.source, Source::Flag(_)) {
        return error;
    }
    let origin = query.source.describe("--profile", &query.value);
    error.hinted(format!("the profile was given by {origin}"))
}

/// `read` for every readable MCA profile of every account, `concurrency` at a time, in
/// listing order. A profile that fails is a row that says why. If the listing came from
/// the cache and a profile answers 404, the listing is made afresh and every profile read
/// again, once, before any output.
pub async fn every_profile<T>(
    context: &Context,
    read: impl AsyncFn(&ArmClient, ProfileRef) -> Result<T>,
) -> Result<Vec<ProfileRow<T>>> {
    let (accounts, origin) = known_accounts(context).await?;
    let rows = read_rows(context, &accounts, &read).await?;
    let stale = rows
        .iter()
        .filter_map(ProfileRow::error)
        .any(|e| worth_resolving_again(context, origin, e.kind));
    if stale {
        let accounts = relist(context).await?;
        return read_rows(context, &accounts, &read).await;
    }
    Ok(rows)
}

async fn read_rows<T>(
    context: &Context,
    accounts: &[BillingAccount],
    read: &impl AsyncFn(&ArmClient, ProfileRef) -> Result<T>,
) -> Result<Vec<ProfileRow<T>>> {
    let targets: Vec<(AccountRef, ProfileRef)> = accounts
        .iter()
        .filter(|a| a.has_credits)
        .flat_map(|account| {
            let owner = AccountRef::of(account);
            account
                .billing_profiles
                .iter()
                .filter(|p| p.has_read_access)
                .map(move |p| (owner.clone(), ProfileRef::in_account(p, account)))
        })
        .collect();
    if targets.is_empty() {
        return Err(Error::not_found(NO_READABLE_PROFILE));
    }
    let client = context.client().await?;
    let total = targets.len();
    let progress = context.printer.progress();
    let read_so_far = std::sync::atomic::AtomicUsize::new(0);
    progress.stage(format!("billing profile 1 of {total}"));
    let read_so_far = &read_so_far;
    let rows = stream::iter(targets.into_iter().map(|(account, profile)| async move {
        let result = read(client, profile.clone()).await.map_err(Into::into);
        let done = read_so_far.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress.stage(format!(
            "billing profile {} of {total}",
            (done + 1).min(total)
        ));
        ProfileRow {
            account,
            profile,
            result,
        }
    }))
    .buffered(client.concurrency())
    .collect()
    .await;
    Ok(rows)
}

/// `--account`: a billing account by its display name (after NFC, any case), name or full
/// id, from the cached listing (or a fresh one when the cache does not know it).
pub async fn account(context: &Context, query: &str) -> Result<AccountRef> {
    let (accounts, origin) = known_accounts(context).await?;
    match match_account(&accounts, query) {
        Err(error) if origin == Origin::Cache && error.kind == ErrorKind::NotFound => {
            match_account(&fresh_accounts(context).await?, query)
        }
        other => other,
    }
}

/// The rules of `account`, apart from I/O.
pub fn match_account(accounts: &[BillingAccount], query: &str) -> Result<AccountRef> {
    let wanted = comparable(query);
    let id = query.trim().trim_end_matches('/');
    let matches: Vec<&BillingAccount> = accounts
        .iter()
        .filter(|a| {
            a.display_name
                .as_deref()
                .is_some_and(|d| comparable(d) == wanted)
                || a.name.eq_ignore_ascii_case(id)
                || a.id.eq_ignore_ascii_case(id)
        })
        .collect();
    let describe = |a: &BillingAccount| {
        format!(
            "{} ({})",
            AsTyped(a.display_name.as_deref().unwrap_or(&a.name)),
            a.id
        )
    };
    match matches.as_slice() {
        [one] => Ok(AccountRef::of(one)),
        [] => {
            let known: Vec<String> = accounts.iter().map(describe).collect();
            Err(Error::not_found(format!(
                "no billing account matches {}; the accounts are: {}",
                AsTyped(query),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            )))
        }
        many => Err(Error::not_found(format!(
            "{} matches {} billing accounts; pass the full id with --account, one of: {}",
            AsTyped(query),
            many.len(),
            many.iter()
                .map(|a| describe(a))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// `--customer`: a partner's customer by its display name (after NFC, any case), name or
/// full id (`/providers/Microsoft.Billing/billingAccounts/{a}/customers/{c}`), matched over
/// the customers of every Microsoft Partner Agreement account. The customer is returned in
/// the shape the reads take (a `ProfileRef` whose id is the customer's).
pub async fn customer(context: &Context, query: &str) -> Result<ProfileRef> {
    let trimmed = query.trim().trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    if lower.starts_with(PROFILE_ID_PREFIX) && lower.contains("/customers/") {
        let name = trimmed.rsplit('/').next().unwrap_or_default().to_string();
        return Ok(ProfileRef {
            id: trimmed.to_string(),
            name,
            display_name: None,
            currency: None,
            account_display_name: None,
        });
    }
    let (accounts, _) = known_accounts(context).await?;
    let partner: Vec<&BillingAccount> = accounts
        .iter()
        .filter(|a| {
            a.agreement_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("MicrosoftPartnerAgreement"))
        })
        .collect();
    if partner.is_empty() {
        return Err(Error::not_found(format!(
            "no Microsoft Partner Agreement account is visible to this sign-in, so no customer matches {}",
            AsTyped(query)
        )));
    }
    let client = context.client().await?;
    let wanted = comparable(query);
    let mut matches: Vec<(ProfileRef, String)> = Vec::new();
    let mut known: Vec<String> = Vec::new();
    for account in partner {
        let account_name = account.display_name.clone().unwrap_or(account.name.clone());
        for customer in crate::arm::billing::list_customers(client, &account.id).await? {
            let display = customer.properties.display_name.clone();
            let shown = display.clone().unwrap_or(customer.name.clone());
            if known.len() < 20 {
                known.push(format!("{} ({})", AsTyped(&shown), customer.name));
            }
            let hit = display.as_deref().is_some_and(|d| comparable(d) == wanted)
                || customer.name.eq_ignore_ascii_case(trimmed)
                || customer.id.eq_ignore_ascii_case(trimmed);
            if hit {
                matches.push((
                    ProfileRef {
                        id: customer.id.clone(),
                        name: customer.name.clone(),
                        display_name: display,
                        currency: None,
                        account_display_name: Some(account_name.clone()),
                    },
                    account_name.clone(),
                ));
            }
        }
    }
    match matches.len() {
        1 => Ok(matches.remove(0).0),
        0 => Err(Error::not_found(format!(
            "no customer matches {}; the customers include: {}",
            AsTyped(query),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))),
        n => Err(Error::not_found(format!(
            "{} matches {n} customers; pass the full id with --customer, one of: {}",
            AsTyped(query),
            matches
                .iter()
                .map(|(c, account)| format!("{} (account {})", c.id, AsTyped(account)))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A name as it is compared: Unicode NFC (so a typed `u` + combining diaeresis is `ü`), then
/// lower case, so `zu\u{308}rich` finds "Zürich".
fn comparable(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let lower = name.trim().nfc().collect::<String>().to_lowercase();
    // Lower-casing can decompose (J + caron): composed once more.
    lower.nfc().collect()
}

/// A name in a message, as typed (quoted, not escaped like Rust source), control characters
/// made visible when printed.
struct AsTyped<'a>(&'a str);

impl std::fmt::Display for AsTyped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\"", self.0)
    }
}

/// The matching rules, apart from I/O so they can be tested directly.
pub fn match_profile(accounts: &[BillingAccount], query: &str) -> Result<ProfileRef> {
    let wanted = comparable(query);
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
                .is_some_and(|d| comparable(d) == wanted);
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
                    "billing profile {} belongs to account {}, a {} account; credits exist only for Microsoft Customer Agreement billing profiles",
                    AsTyped(query),
                    AsTyped(account.display_name.as_deref().unwrap_or(&account.name)),
                    account.agreement_type.as_deref().unwrap_or("non-MCA")
                )));
            }
            Ok(ProfileRef::in_account(profile, account))
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|(a, p)| {
                    format!(
                        "{} (account {})",
                        p.id,
                        AsTyped(a.display_name.as_deref().unwrap_or(&a.name))
                    )
                })
                .collect();
            Err(Error::not_found(format!(
                "{} matches {} billing profiles; pass the full id with --profile, one of: {}",
                AsTyped(query),
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
            Some(d) => format!("{} ({})", AsTyped(d), p.name),
            None => p.name.clone(),
        })
        .collect();
    if available.is_empty() {
        return Error::not_found(format!(
            "no billing profile matches {}: {NO_READABLE_PROFILE}",
            AsTyped(query)
        ));
    }
    Error::not_found(format!(
        "no billing profile matches {}; available: {}",
        AsTyped(query),
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

    #[test]
    fn names_match_after_nfc_and_case_folding_and_messages_show_them_as_typed() {
        let accounts = vec![account(
            "A",
            "MicrosoftCustomerAgreement",
            &[("ZRH", "Forschung Zürich")],
        )];
        let decomposed = "forschung zu\u{308}rich";
        assert_eq!(match_profile(&accounts, decomposed).unwrap().name, "ZRH");
        assert_eq!(
            match_profile(&accounts, "FORSCHUNG ZÜRICH").unwrap().name,
            "ZRH"
        );
        let error = match_profile(&accounts, "Zürich Süd").unwrap_err();
        assert!(error.message.contains("matches \"Zürich Süd\""), "{error}");
        assert!(
            error.message.contains("\"Forschung Zürich\" (ZRH)"),
            "{error}"
        );
    }
}
