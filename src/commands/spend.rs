//! `credits spend`: what a billing profile, account or customer spent, grouped by service,
//! subscription, ... from one Cost Management query (costs before credit and tax), beside
//! the credit balance and, for a closed month, the credit its invoice applied.

use super::balance::read_balance;
use super::settle;
use crate::arm::client::ArmClient;
use crate::arm::costmanagement::{query, CostQuery};
use crate::arm::invoices::invoices;
use crate::checks::Ledger;
use crate::cli::SpendArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::amount::Amount;
use crate::model::dates::{spend_window, MonthWindow};
use crate::model::domain::ScopeRef;
use crate::model::invoice;
use crate::model::scope::ScopeKind;
use crate::model::spend::{parse_group_by, summarise, GroupBy, ScopeSpend};
use crate::output::views::{SpendPage, SpendScope};
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::{Datelike, NaiveDate};

const SERVED: Served = Served {
    command: "credits spend",
    kinds: &[
        ScopeKind::BillingProfile,
        ScopeKind::BillingAccount,
        ScopeKind::Customer,
    ],
    why_not: "",
};

/// What `spend` was asked.
#[derive(Debug, Clone)]
struct Asked {
    from: NaiveDate,
    to: NaiveDate,
    by: Vec<GroupBy>,
    top: Option<usize>,
    daily: bool,
    as_of: NaiveDate,
}

impl Asked {
    /// The calendar month the window is, when it is a whole month that has ended (its
    /// invoice may exist).
    fn closed_month(&self) -> Option<MonthWindow> {
        let window = MonthWindow {
            from: self.from,
            to: self.from,
        };
        let whole = self.from.day() == 1 && self.to == window.last_day();
        let ended = self.to < self.as_of.with_day(1).unwrap_or(self.as_of);
        (whole && ended).then_some(window)
    }
}

pub(crate) async fn run(context: &Context, args: SpendArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let as_of = context.settings.as_of.value;
    let (from, to) = spend_window(
        as_of,
        args.month.as_deref(),
        args.from.as_deref(),
        args.to.as_deref(),
    )
    .map_err(Error::usage)?;
    let by = parse_group_by(&args.by).map_err(Error::usage)?;
    let top = match args.top.as_deref() {
        None => None,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                return Err(Error::usage(format!(
                    "--top {text:?} is not a count; give a whole number of groups, 1 or more"
                )))
            }
        },
    };
    let daily = match args.granularity.trim().to_ascii_lowercase().as_str() {
        "none" => false,
        "daily" => true,
        other => {
            return Err(Error::usage(format!(
                "--granularity {other:?} is not known; use none or daily"
            )))
        }
    };
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    let asked = Asked {
        from,
        to,
        by,
        top,
        daily,
        as_of,
    };
    // The query quota is the tenant's, shared with the portal and every other tool: with
    // --all, one query at a time (the balances are read meanwhile).
    let one_query = tokio::sync::Semaphore::new(1);
    let resolved = resolve::read(context, &selection, async |client, scope| {
        read(client, &scope, &asked, &one_query).await
    })
    .await?;
    fn page<'a>(asked: &Asked, scopes: Vec<SpendScope<'a>>, many: bool) -> SpendPage<'a> {
        SpendPage {
            from: asked.from,
            to: asked.to,
            by: asked.by.clone(),
            scopes,
            many,
        }
    }
    match resolved {
        Resolved::One(scope, spent) => {
            context.printer.emit(&page(
                &asked,
                vec![SpendScope {
                    scope: &scope,
                    spent: &spent,
                }],
                false,
            ))?;
            settle::<()>(context, &[], &Ledger::one(scope.kind().noun()))
        }
        Resolved::Many(rows) => {
            super::note_excluded(context, &rows);
            let ledger = Ledger::of_rows("billing profile", &rows, |_| Vec::new());
            let scopes = rows
                .iter()
                .filter_map(|row| {
                    row.result.as_ref().ok().map(|spent| SpendScope {
                        scope: &row.profile,
                        spent,
                    })
                })
                .collect();
            context.printer.emit(&page(&asked, scopes, true))?;
            settle(context, &rows, &ledger)
        }
    }
}

/// One scope: the query (one at a time across scopes), and at the same time its balance and,
/// for a closed month, its invoices.
async fn read(
    client: &ArmClient,
    scope: &ScopeRef,
    asked: &Asked,
    one_query: &tokio::sync::Semaphore,
) -> Result<ScopeSpend> {
    let grouping: Vec<&'static str> = asked
        .by
        .iter()
        .flat_map(|g| g.dimensions().iter().copied())
        .collect();
    let cost_query = CostQuery {
        from: asked.from,
        to: asked.to,
        grouping,
        daily: asked.daily,
    };
    let costs = async {
        let _turn = one_query.acquire().await.map_err(|_| {
            Error::unavailable("the query queue was closed; this is a bug in credits")
        })?;
        Ok::<_, Error>(query(client, &scope.scope, &cost_query).await?)
    };
    // Azure keeps a balance summary for profiles and customers only.
    let balance = async {
        match scope.kind() {
            ScopeKind::BillingProfile | ScopeKind::Customer => {
                let summary = read_balance(client, scope.clone(), asked.as_of, false).await?;
                let currency = summary.billing_profile.currency.clone();
                Ok::<_, Error>(Amount::of(summary.balance(), currency.as_deref()))
            }
            _ => Ok(None),
        }
    };
    // A customer has no invoices of its own.
    let applied = async {
        let month = asked
            .closed_month()
            .filter(|_| scope.kind() != ScopeKind::Customer);
        let Some(month) = month else {
            return Ok::<_, Error>(None);
        };
        let list = invoices(client, &scope.scope, month).await?;
        let kinds = invoice::classify(&list.invoices);
        let mut total: Option<Amount> = None;
        for (one, kind) in list.invoices.iter().zip(kinds) {
            if !kind.counts() {
                continue;
            }
            let credit = one
                .credit_applied()
                .map_err(|e| Error::unavailable(format!("invoice {}: {e}", one.label())))?;
            let Some(credit) = credit else { continue };
            total = match total {
                None => Some(credit),
                // Invoices in several currencies have no one figure to show.
                Some(so_far) => match so_far.checked_add(&credit) {
                    Ok(Some(sum)) => Some(sum),
                    _ => return Ok(None),
                },
            };
        }
        Ok(total)
    };
    let (costs, balance, applied) = tokio::join!(costs, balance, applied);
    let rows = costs?;
    let spend = summarise(&rows, &asked.by, asked.top, asked.daily)
        .map_err(|e| Error::unavailable(format!("the costs of {}: {e}", scope.label())))?;
    Ok(ScopeSpend {
        spend,
        credit_balance: balance?,
        credit_applied: applied?,
    })
}
