//! `credits balance`: the balance summary of one billing profile or customer (or of every
//! profile with `--all`), and the `--min` check.

use super::{emit_at, settle};
use crate::arm::consumption::balance_summary;
use crate::checks::{self, Ledger, Outcome, Thresholds};
use crate::cli::BalanceArgs;
use crate::context::Context;
use crate::error::Result;
use crate::model::domain::BalanceSummary;
use crate::model::scope::ScopeKind;
use crate::resolve::{self, Resolved, Selection, Served};

const SERVED: Served = Served {
    command: "credits balance",
    kinds: &[ScopeKind::BillingProfile, ScopeKind::Customer],
    why_not: "Azure keeps no credit balance summary for a billing account (its lots and transactions are read with credits lots and credits events)",
};

pub(crate) async fn run(context: &Context, args: BalanceArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let minimum = Thresholds::parse("--min", &args.min)?;
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let resolved = resolve::read(context, &selection, async |client, scope| {
        Ok(balance_summary(client, scope).await?)
    })
    .await?;
    let check = |summary: &BalanceSummary| match &minimum {
        Some(minimum) => vec![("--min", min_balance(summary, minimum))],
        None => Vec::new(),
    };
    match resolved {
        Resolved::One(scope, summary) => {
            // A check that cannot be judged is refused before the first byte of output.
            let ledger = Ledger::of_one(scope.kind().noun(), scope.label(), check(&summary))?;
            if !summary.has_credits {
                context.printer.note(&format!(
                    "{} {} has no credits (Azure answered 204 No Content)",
                    scope.kind().noun(),
                    scope.label()
                ));
            }
            emit_at(context, &scope, &summary)?;
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            // A bare --min among several currencies is refused before anything is printed.
            if let Some(minimum) = &minimum {
                minimum.fit_rows(&rows, checks::balance_currency)?;
            }
            let ledger = Ledger::of_rows("billing profile", &rows, check);
            context.printer.emit_list(&rows)?;
            settle(context, &rows, &ledger)
        }
    }
}

/// `--min` for one summary; a balance without a currency cannot be judged.
fn min_balance(summary: &BalanceSummary, minimum: &Thresholds) -> Outcome {
    checks::min_balance(summary, minimum).unwrap_or_else(|e| Outcome::Unread(e.kind, e.message))
}
