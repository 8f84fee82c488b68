//! `credits spend`: what a billing profile, account or customer spent, grouped by service,
//! subscription, ... from one Cost Management query (costs before credit and tax), beside
//! the credit balance and, for a closed month, the credit its invoice applied.

use super::balance::read_balance;
use super::settle;
use crate::arm::client::ArmClient;
use crate::arm::costmanagement::{cost_details, query, CostQuery};
use crate::arm::error::ArmResult;
use crate::arm::invoices::{invoices, InvoiceList};

use crate::cache::CostDetailsCache;
use crate::checks::spend::SpendGate;
use crate::checks::Ledger;
use crate::cli::SpendArgs;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::model::amount::Amount;
use crate::model::dates::{spend_window, MonthWindow};
use crate::model::domain::ScopeRef;
use crate::model::invoice;
use crate::model::scope::ScopeKind;
use crate::model::spend::{parse_group_by, summarise, CostRow, GroupBy, ScopeSpend};
use crate::output::views::{SpendPage, SpendScope};
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::{Datelike, NaiveDate};

/// The invoices of the window's closed month, read at most once per scope.
type ClosedInvoices = tokio::sync::OnceCell<ArmResult<InvoiceList>>;

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
    /// Split out what credit never covers (the publisher is queried as a second grouping).
    not_covered: bool,
    /// From Cost Details reports, month by month, instead of a query.
    exact: bool,
    /// With `exact`: neither read nor write the cache.
    no_cache: bool,
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
    let gate = SpendGate::parse(&args.max_not_covered)?;
    let not_covered = args.not_covered || gate.max_not_covered.is_some();
    let dimensions: usize = by.iter().map(|g| g.dimensions().len()).sum();
    if not_covered && dimensions > 1 && !args.exact {
        return Err(Error::usage(format!(
            "--not-covered queries the publisher as a second grouping, and --by {} takes two already (Cost Management takes at most two); group by one of service, resource-group, meter, location, charge-type or invoice-section, or add --exact (reports say line by line what credit covers)",
            args.by
        )));
    }
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    if selection.is_sweep() {
        crate::checks::Thresholds::for_sweep(gate.max_not_covered.as_ref())?;
    }
    let asked = Asked {
        from,
        to,
        by,
        top,
        daily,
        as_of,
        not_covered,
        exact: args.exact,
        no_cache: args.no_cache,
    };
    // The query quota is the tenant's, shared with the portal and every other tool: with
    // --all, one query at a time (the balances are read meanwhile).
    let one_query = tokio::sync::Semaphore::new(1);
    let resolved = resolve::read(context, &selection, async |client, scope| {
        read(context, client, &scope, &asked, &one_query).await
    })
    .await?;
    fn page<'a>(asked: &Asked, scopes: Vec<SpendScope<'a>>, many: bool) -> SpendPage<'a> {
        SpendPage {
            from: asked.from,
            to: asked.to,
            by: asked.by.clone(),
            not_covered: asked.not_covered,
            scopes,
            many,
            exact: asked.exact,
        }
    }
    let check = |spent: &ScopeSpend| gate.check(&spent.spend);
    match resolved {
        Resolved::One(scope, spent) => {
            // A check that cannot be judged is refused before the first byte of output.
            gate.fit_one(&spent.spend)?;
            let ledger = Ledger::of_one(scope.kind().noun(), scope.label(), check(&spent))?;
            context.printer.emit(&page(
                &asked,
                vec![SpendScope {
                    scope: &scope,
                    spent: &spent,
                }],
                false,
            ))?;
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            gate.fit_rows(&rows, |spent| spent.spend.as_slice())?;
            super::note_excluded(context, &rows);
            let ledger = Ledger::of_rows("billing profile", &rows, check);
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
    context: &Context,
    client: &ArmClient,
    scope: &ScopeRef,
    asked: &Asked,
    one_query: &tokio::sync::Semaphore,
) -> Result<ScopeSpend> {
    let grouping: Vec<&'static str> = asked
        .by
        .iter()
        .flat_map(|g| g.dimensions().iter().copied())
        .chain(asked.not_covered.then_some("PublisherType"))
        .collect();
    let cost_query = CostQuery {
        from: asked.from,
        to: asked.to,
        grouping,
        daily: asked.daily,
    };
    // The invoices of the closed month the window is (when it is one): read once for the
    // credit they applied and, with --exact, for whether the month is final.
    let closed_invoices = ClosedInvoices::new();
    let closed_invoices = &closed_invoices;
    let costs = async {
        // Reports are limited per scope, not per tenant: those of several scopes are
        // prepared at the same time.
        if asked.exact {
            return exact_rows(context, client, scope, asked, closed_invoices).await;
        }
        // A query's figures are always estimates.
        let _turn = one_query.acquire().await.map_err(|_| {
            Error::unavailable("the query queue was closed; this is a bug in credits")
        })?;
        match query(client, &scope.scope, &cost_query).await {
            Ok(rows) => Ok((rows, true)),
            // A grouping the scope does not have: say which it has.
            Err(error) if error.status() == Some(400) => {
                Err(refused_grouping(client, scope, &cost_query.grouping, error).await)
            }
            Err(error) => Err(error.into()),
        }
    };
    // Azure keeps a balance summary for profiles and customers only.
    let balance = async {
        match scope.kind() {
            ScopeKind::BillingProfile | ScopeKind::Customer => {
                let summary = read_balance(
                    client,
                    scope.clone(),
                    &super::balance::Asked {
                        as_of: asked.as_of,
                        details: false,
                        keep_lots: false,
                        flag_days: 0,
                        resources: &Default::default(),
                    },
                )
                .await?;
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
        let list = closed_invoices
            .get_or_init(|| invoices(client, &scope.scope, month))
            .await
            .as_ref()
            .map_err(|error| Error::from(error.clone()))?;
        let kinds = invoice::classify(&list.invoices);
        let totals = invoice::totals(
            list.invoices.iter().zip(kinds).map(|(i, k)| (i, k, None)),
            false,
        )
        .map_err(|e| Error::unavailable(format!("the invoices of {}: {e}", scope.label())))?;
        // Invoices in several currencies have no one figure to show.
        Ok(match totals.as_slice() {
            [one] => one.credit_applied.clone(),
            _ => None,
        })
    };
    let (costs, balance, applied) = tokio::join!(costs, balance, applied);
    let (rows, estimate) = costs?;
    let spend = summarise(&rows, &asked.by, asked.top, asked.daily, asked.not_covered)
        .map_err(|e| Error::unavailable(format!("the costs of {}: {e}", scope.label())))?;
    Ok(ScopeSpend {
        spend,
        credit_balance: balance?,
        credit_applied: applied?,
        estimate,
    })
}

/// `--exact`: the rows of Cost Details reports, one per calendar month of the window (a
/// month that has ended asked whole, so that it can be kept; the month of the reference day
/// only through the window's end), each read from the cache when it is there; and whether
/// some month is not final yet (its figures an estimate).
async fn exact_rows(
    context: &Context,
    client: &ArmClient,
    scope: &ScopeRef,
    asked: &Asked,
    closed_invoices: &ClosedInvoices,
) -> Result<(Vec<CostRow>, bool)> {
    let cache = match (&context.settings.cache_dir, asked.no_cache) {
        (Some(dir), false) => Some(CostDetailsCache::new(&dir.value, client.cache_key().await?)),
        _ => None,
    };
    let progress = context.printer.progress();
    let mut rows = Vec::new();
    let mut estimate = false;
    let mut month = asked.from.with_day(1).unwrap_or(asked.from);
    while month <= asked.to {
        let window = MonthWindow {
            from: month,
            to: month,
        };
        let last = window.last_day();
        let name = month.format("%Y-%m").to_string();
        let ended = last < asked.as_of;
        let (start, end) = if ended {
            (month, last)
        } else {
            (asked.from.max(month), asked.to.min(last))
        };
        let cached = cache
            .as_ref()
            .filter(|_| ended)
            .and_then(|cache| cache.load(scope.scope.id(), &name));
        let details = match cached {
            // Only a final month is ever kept.
            Some(details) => details,
            None => {
                let label = scope.label();
                progress.stage(format!("{label} {name} cost report"));
                let on_wait = |poll: u32, wait: std::time::Duration| {
                    progress.stage(format!(
                        "{label} {name} cost report (poll {poll} in {} s)",
                        wait.as_secs().max(1)
                    ));
                };
                let details = cost_details(client, &scope.scope, start, end, &on_wait).await?;
                let settled =
                    ended && is_final(client, scope, window, asked, closed_invoices).await;
                if settled {
                    if let Some(cache) = &cache {
                        cache.save(scope.scope.id(), &name, &details);
                    }
                }
                estimate |= !settled;
                details
            }
        };
        if asked.not_covered && details.eligibility_unknown() {
            return Err(Error::unavailable(format!(
                "the cost details report of {} for {name} does not say line by line whether credit covers it (no isAzureCreditEligible); leave out --exact to judge by publisher and product",
                scope.label()
            )));
        }
        let month_rows = details
            .rows(&asked.by, asked.from, asked.to, asked.daily)
            .map_err(|why| {
                Error::unavailable(format!(
                    "the cost details report of {} for {name}: {why}",
                    scope.label()
                ))
            })?;
        rows.extend(month_rows);
        let Some(next) = month.checked_add_months(chrono::Months::new(1)) else {
            break;
        };
        month = next;
    }
    Ok((rows, estimate))
}

/// Whether a month that has ended is final, its costs no longer changing: for a billing
/// profile, once an invoice of it exists (a failed read is "not yet"). An account's invoices
/// come one per profile and a customer has none of its own, so theirs is final once the
/// following month has ended too (every invoice of a month is issued within the next).
async fn is_final(
    client: &ArmClient,
    scope: &ScopeRef,
    month: MonthWindow,
    asked: &Asked,
    closed_invoices: &ClosedInvoices,
) -> bool {
    let has_invoice =
        |list: &ArmResult<InvoiceList>| list.as_ref().is_ok_and(|list| !list.invoices.is_empty());
    match scope.kind() {
        // The window's own closed month shares the read of its credit applied.
        ScopeKind::BillingProfile if asked.closed_month() == Some(month) => has_invoice(
            closed_invoices
                .get_or_init(|| invoices(client, &scope.scope, month))
                .await,
        ),
        ScopeKind::BillingProfile => has_invoice(&invoices(client, &scope.scope, month).await),
        _ => {
            let today = chrono::Utc::now().date_naive();
            month
                .last_day()
                .checked_add_months(chrono::Months::new(1))
                .is_some_and(|next_end| next_end < today)
        }
    }
}

/// "Where the credit went" of `report --spend`: this month through the reference day, the
/// five costliest services and what credit never covers, from one query (one at a time
/// across scopes, behind `one_query`).
pub(super) async fn month_so_far(
    client: &ArmClient,
    scope: &ScopeRef,
    as_of: NaiveDate,
    one_query: &tokio::sync::Semaphore,
) -> Result<Vec<crate::model::spend::Spend>> {
    let from = as_of.with_day(1).unwrap_or(as_of);
    let asked = CostQuery {
        from,
        to: as_of,
        grouping: vec!["ServiceName", "PublisherType"],
        daily: false,
    };
    let _turn = one_query
        .acquire()
        .await
        .map_err(|_| Error::unavailable("the query queue was closed; this is a bug in credits"))?;
    let rows = query(client, &scope.scope, &asked).await?;
    summarise(&rows, &[GroupBy::Service], Some(5), false, true)
        .map_err(|e| Error::unavailable(format!("the costs of {}: {e}", scope.label())))
}

/// A query Azure refused (400): when a grouping asked is not among the scope's dimensions
/// (`GET …/dimensions`), a usage error naming the `--by` values it has; else Azure's answer.
async fn refused_grouping(
    client: &ArmClient,
    scope: &ScopeRef,
    grouping: &[&'static str],
    error: crate::arm::error::ArmError,
) -> Error {
    let Ok(known) = crate::arm::costmanagement::dimensions(client, &scope.scope).await else {
        return error.into();
    };
    let has = |name: &str| known.iter().any(|k| k.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = grouping.iter().copied().filter(|d| !has(d)).collect();
    if missing.is_empty() {
        return error.into();
    }
    let usable: Vec<&str> = crate::model::spend::GROUP_WORDS
        .iter()
        .filter(|(_, group)| group.dimensions().iter().all(|d| has(d)))
        .map(|(word, _)| *word)
        .collect();
    Error::usage(format!(
        "Cost Management cannot group the costs of {} {} by {} (not a dimension of this scope); --by takes here: {}",
        scope.kind().noun(),
        scope.label(),
        missing.join(", "),
        if usable.is_empty() {
            "none of credits' groupings".to_string()
        } else {
            usable.join(", ")
        }
    ))
}
