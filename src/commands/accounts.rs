//! `credits accounts`: billing accounts with their billing profiles. Always lists afresh
//! (and refreshes the profile cache).

use crate::arm::billing::profile_in_detail;
use crate::cli::AccountsArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::domain::{BillingAccount, BillingProfile};
use crate::model::scope::Scope;
use crate::output::views::Accounts;
use crate::resolve::fresh_accounts;
use futures::StreamExt;

pub(crate) async fn run(context: &Context, _args: AccountsArgs) -> Result<()> {
    let mut accounts = fresh_accounts(context).await?;
    spending_limits_in_detail(context, &mut accounts).await?;
    if accounts.is_empty() {
        context.printer.note(
            "this sign-in can see no billing accounts; reading credits needs a billing role on the billing account or profile (subscription roles do not apply)",
        );
    }
    context.printer.emit(&Accounts(&accounts))
}

/// The spending limits of every readable profile whose listing says one is on, read at
/// Billing 2024-04-01 (the only version that has them), at the same time: most profiles have
/// none, so most runs ask nothing more. A profile whose details cannot be read keeps its
/// row, with a note (a 403 or 404 only with `-v`).
async fn spending_limits_in_detail(
    context: &Context,
    accounts: &mut [BillingAccount],
) -> Result<()> {
    let wanted: Vec<&mut BillingProfile> = accounts
        .iter_mut()
        .flat_map(|account| account.billing_profiles.iter_mut())
        .filter(|profile| profile.has_read_access && profile.has_spending_limit())
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let client = context.client().await?;
    let reads = wanted.into_iter().map(|profile| async move {
        let Ok(scope) = Scope::parse(&profile.id) else {
            return None;
        };
        let read = profile_in_detail(client, &scope).await;
        let why = match read {
            Ok(Some(raw)) => profile.with_details(raw).err().map(|why| (false, why)),
            Ok(None) => Some((true, "Azure answered 204 No Content".to_string())),
            Err(error) => Some((
                matches!(error.status(), Some(403 | 404)),
                Error::from(error).message,
            )),
        };
        why.map(|(quietly, why)| {
            (
                quietly,
                profile
                    .display_name
                    .clone()
                    .unwrap_or_else(|| profile.name.clone()),
                why,
            )
        })
    });
    let left_out: Vec<_> = futures::stream::iter(reads)
        .buffered(client.concurrency())
        .collect()
        .await;
    for (quietly, name, why) in left_out.into_iter().flatten() {
        if !quietly || context.settings.verbose {
            context.printer.note(&format!(
                "the spending limit's details of billing profile {name} left out: {why}"
            ));
        }
    }
    Ok(())
}
