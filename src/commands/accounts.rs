//! `credits accounts`: billing accounts with their billing profiles. Always lists afresh
//! (and refreshes the profile cache).

use crate::cli::AccountsArgs;
use crate::context::Context;
use crate::error::Result;
use crate::output::views::Accounts;
use crate::resolve::fresh_accounts;

pub(crate) async fn run(context: &Context, _args: AccountsArgs) -> Result<()> {
    let accounts = fresh_accounts(context).await?;
    if accounts.is_empty() {
        context.printer.note(
            "this sign-in can see no billing accounts; reading credits needs a billing role on the billing account or profile (subscription roles do not apply)",
        );
    }
    context.printer.emit(&Accounts(&accounts))
}
