//! `credits accounts`: billing accounts with their billing profiles.

use super::profile::fresh_accounts;
use super::Context;
use crate::cli::{AccountsArgs, OutputFormat};
use crate::error::Result;
use crate::output::{json, table};

pub async fn run(context: &Context, _args: AccountsArgs) -> Result<()> {
    let accounts = fresh_accounts(context).await?;
    if accounts.is_empty() {
        eprintln!(
            "note: this sign-in can see no billing accounts; reading credits needs a billing role on the billing account or profile (subscription roles do not apply)"
        );
    }
    let text = match context.format {
        OutputFormat::Json => json::to_json(&accounts)?,
        OutputFormat::Table if accounts.is_empty() => String::new(),
        OutputFormat::Table => table::accounts(&accounts, context.printer.is_terminal),
    };
    context.printer.print(&text)
}
