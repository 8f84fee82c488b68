//! `credits verify`: reads the balance summary, the lots and the credit transactions of a
//! scope at the same time (and with `--invoices` its invoices) and checks that Azure's own
//! figures agree (`checks::verify`).

use super::settle;
use crate::arm::client::{conversion_error, ArmClient};
use crate::arm::consumption::{
    all_events, balance_summary, lots, summary_gone, EventQuery, LotQuery,
};
use crate::arm::error::ArmError;
use crate::arm::invoices::invoices;
use crate::checks::verify::{self, Finding, Subject, Verification};
use crate::checks::Ledger;
use crate::cli::VerifyArgs;
use crate::context::Context;
use crate::error::{Error, ErrorKind, Result};
use crate::model::dates::{month_window, MonthWindow};
use crate::model::domain::{BalanceSummary, CreditEvent, ScopeRef};
use crate::model::invoice;
use crate::model::scope::ScopeKind;
use crate::output::views::VerifyPage;
use crate::resolve::{self, Resolved, Selection, Served};
use chrono::NaiveDate;
use rust_decimal::Decimal;

const SERVED: Served = Served {
    command: "credits verify",
    kinds: &[ScopeKind::BillingProfile, ScopeKind::Customer],
    why_not: "Azure keeps no credit balance summary for a billing account, so there is nothing to check its lots against",
};

/// The checks every scope gets (and `--invoices` adds two).
const CHECKS: [&str; 3] = ["available-balance", "summary", "ledger"];
const INVOICE_CHECKS: [&str; 2] = ["invoice-credit", "invoice-total"];

/// What `verify` was asked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Asked {
    pub(crate) as_of: NaiveDate,
    /// With `--invoices`: the billing periods whose invoices are checked.
    pub(crate) invoices: Option<MonthWindow>,
    pub(crate) strict: bool,
    pub(crate) tolerance: Decimal,
}

/// `--tolerance`: a bare number of zero or more, applied in each row's currency.
pub(crate) fn parse_tolerance(text: Option<&str>) -> Result<Decimal> {
    let Some(text) = text else {
        return Ok(Decimal::ZERO);
    };
    let bad = || {
        Error::usage(format!(
            "--tolerance {text:?} is not an amount; give a bare number of zero or more (it applies in each row's currency), for example --tolerance 0.01"
        ))
    };
    let value = Decimal::from_str_exact(text.trim()).map_err(|_| bad())?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(bad());
    }
    Ok(value)
}

pub(crate) async fn run(context: &Context, args: VerifyArgs) -> Result<()> {
    // Bad input fails before any request is made.
    let as_of = context.settings.as_of.value;
    let tolerance = parse_tolerance(args.tolerance.as_deref())?;
    // `--account` names an Enterprise Agreement enrollment (an MCA account is refused after
    // the lookup).
    if let (Some(query), false) = (&args.scope.account, args.scope.all_customers) {
        return verify_enrollment(context, &args, query, tolerance).await;
    }
    if args.period.is_some() || args.periods.is_some() {
        return Err(Error::usage(
            "--period and --periods check an Enterprise Agreement enrollment's Azure Prepayment: give them with --account ENROLLMENT",
        ));
    }
    let window = if args.invoices {
        Some(month_window(as_of, args.from.as_deref(), args.to.as_deref()).map_err(Error::usage)?)
    } else {
        None
    };
    let selection = Selection::from_flags(context, &args.scope, &SERVED)?;
    if args.invoices && matches!(selection, Selection::Customer(_)) {
        return Err(Error::usage(
            "--invoices needs --profile or --all: a partner's customer has no invoices of its own",
        ));
    }
    let asked = Asked {
        as_of,
        invoices: window,
        strict: args.strict,
        tolerance,
    };
    let resolved = resolve::read(context, &selection, async |client, scope| {
        verify_scope(client, &scope, asked).await
    })
    .await?;
    match resolved {
        Resolved::One(scope, findings) => {
            let mut ledger = Ledger::one(scope.kind().noun());
            ledger.record_all(scope.label(), outcomes(&findings));
            context.printer.emit(&VerifyPage {
                as_of,
                findings: findings.iter().collect(),
                several: false,
            })?;
            settle::<()>(context, &[], &ledger)
        }
        Resolved::Many(rows) => {
            let ledger = Ledger::of_rows("billing profile", &rows, |f: &Vec<Verification>| {
                outcomes(f)
            });
            super::note_excluded(context, &rows);
            // A profile that could not be read could not be checked: said in every check.
            let unread: Vec<Verification> = rows
                .iter()
                .filter(|row| !row.excluded())
                .filter_map(|row| row.error().map(|e| (row, e)))
                .flat_map(|(row, error)| {
                    let checks = CHECKS.iter().chain(if asked.invoices.is_some() {
                        INVOICE_CHECKS.iter()
                    } else {
                        [].iter()
                    });
                    let subject = Subject {
                        scope: row.profile.id().to_string(),
                        label: row.profile.label().to_string(),
                        tolerance: asked.tolerance,
                    };
                    checks.map(move |check| {
                        subject.finding(
                            check,
                            Finding::CouldNotCheck(error.kind),
                            error.message.clone(),
                        )
                    })
                })
                .collect();
            let mut findings: Vec<&Verification> = Vec::new();
            for row in &rows {
                if let Ok(read) = &row.result {
                    findings.extend(read);
                } else {
                    findings.extend(unread.iter().filter(|f| f.scope == row.profile.id()));
                }
            }
            context.printer.emit(&VerifyPage {
                as_of,
                findings,
                several: true,
            })?;
            settle(context, &rows, &ledger)
        }
    }
}

/// `verify --account ENROLLMENT`: the Azure Prepayment's own arithmetic (`ea-ledger`) in
/// each period asked; the MCA checks are `not checked` there.
async fn verify_enrollment(
    context: &Context,
    args: &VerifyArgs,
    query: &str,
    tolerance: Decimal,
) -> Result<()> {
    let as_of = context.settings.as_of.value;
    if args.invoices {
        return Err(Error::usage(
            "--invoices needs --profile or --all: an Enterprise Agreement enrollment's invoices are not read here",
        ));
    }
    super::prepayment::refuse_for_enrollment(&[("--exclude", !args.scope.exclude.is_empty())])?;
    let periods = super::prepayment::asked_periods(
        args.period.as_deref(),
        args.periods.as_deref(),
        crate::model::ea::Period::of(as_of),
    )?;
    let read = super::prepayment::read_enrollment(context, query, &periods, false, |label, agreement| {
        Error::usage(format!(
            "credits verify does not read {agreement} billing account {label}: {}; it reads --profile, --all or --customer, and an Enterprise Agreement enrollment with --account",
            SERVED.why_not
        ))
    })
    .await?;
    let subject = Subject {
        scope: read.scope.id().to_string(),
        label: read.scope.label().to_string(),
        tolerance,
    };
    let mut findings: Vec<Verification> = CHECKS
        .iter()
        .map(|check| {
            subject.finding(
                check,
                Finding::NotChecked,
                "an Enterprise Agreement enrollment has no MCA balance summary, lots or ledger: its Azure Prepayment is checked by ea-ledger",
            )
        })
        .collect();
    for period in &read.records {
        findings.extend(verify::ea_ledger(&subject, period, args.strict));
    }
    let mut ledger = Ledger::one("enrollment");
    ledger.record_all(read.scope.label(), outcomes(&findings));
    context.printer.emit(&VerifyPage {
        as_of,
        findings: findings.iter().collect(),
        several: false,
    })?;
    settle::<()>(context, &[], &ledger)
}

/// What findings add to a ledger: the failures and what could not be checked, by check.
fn outcomes(findings: &[Verification]) -> Vec<(&'static str, crate::checks::Outcome)> {
    findings
        .iter()
        .filter_map(|f| f.outcome().map(|o| (f.check, o)))
        .collect()
}

/// The failure of one read, as the checks that needed it say it.
fn failure(error: ArmError) -> (ErrorKind, String) {
    let error = Error::from(error);
    (error.kind, error.message)
}

/// Reads what the checks need, concurrently, and makes them. A read that fails makes the
/// checks that needed it "could not check"; a scope whose lots answer 404 too is not
/// there at all (the resolver may look it up again).
pub(crate) async fn verify_scope(
    client: &ArmClient,
    scope: &ScopeRef,
    asked: Asked,
) -> Result<Vec<Verification>> {
    let as_of = asked.as_of;
    let year_before = as_of
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(as_of);
    let start = asked
        .invoices
        .map_or(year_before, |w| w.from.min(year_before));
    let asked_events = EventQuery::window(start, as_of.max(start));
    let every_event = all_events(client, &scope.scope, &asked_events);
    let listed = async {
        match asked.invoices {
            Some(window) => Some(invoices(client, &scope.scope, window).await),
            None => None,
        }
    };
    let every_lot = LotQuery::all(as_of);
    let (summary, read_lots, read_events, listed) = tokio::join!(
        balance_summary(client, scope.clone()),
        lots(client, &scope.scope, &every_lot),
        every_event,
        listed
    );
    // A scope that is not there answers 404 to both: the resolver may look it up again.
    if let (Err(summary_error), Err(lots_error)) = (&summary, &read_lots) {
        if summary_error.status() == Some(404) && lots_error.status() == Some(404) {
            return Err(Error::from(summary_error.clone()));
        }
    }
    let summary = match summary {
        Ok(summary) => Ok(Some(summary)),
        Err(error) if summary_gone(&error) => Ok(None),
        Err(error) => Err(failure(error)),
    };
    let read_lots = read_lots.map_err(failure);
    let read_events: std::result::Result<Vec<CreditEvent>, _> = read_events.map_err(failure);
    let subject = Subject {
        scope: scope.id().to_string(),
        label: scope.label().to_string(),
        tolerance: asked.tolerance,
    };
    fn as_ref(
        s: &std::result::Result<Option<BalanceSummary>, (ErrorKind, String)>,
    ) -> std::result::Result<Option<&BalanceSummary>, (ErrorKind, String)> {
        match s {
            Ok(summary) => Ok(summary.as_ref()),
            Err(e) => Err(e.clone()),
        }
    }
    let currency = summary
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .and_then(|s| s.credit_currency.clone())
        .or_else(|| scope.currency.clone());
    let mut findings = verify::of_reads(
        &subject,
        as_ref(&summary),
        read_lots.as_ref().map(Vec::as_slice).map_err(Clone::clone),
        read_events
            .as_ref()
            .map(Vec::as_slice)
            .map_err(Clone::clone),
        currency.as_deref(),
        as_of,
    );
    if let Some(listed) = listed {
        let lines = match (listed, &read_events) {
            (Err(error), _) => Err(failure(error)),
            (Ok(list), Ok(read_events)) => invoice::settle(&list.invoices, read_events)
                .and_then(|settlements| invoice::lines(list.invoices, None, Some(settlements)))
                .map_err(|e| failure(conversion_error("invoice", e))),
            (Ok(list), Err(_)) => invoice::lines(list.invoices, None, None)
                .map_err(|e| failure(conversion_error("invoice", e))),
        };
        match lines {
            Ok(lines) => {
                let credit = match &read_events {
                    Ok(_) => verify::invoice_credit(&subject, &lines, asked.strict),
                    Err((kind, why)) => subject.finding(
                        "invoice-credit",
                        Finding::CouldNotCheck(*kind),
                        format!("the credit transactions could not be read: {why}"),
                    ),
                };
                findings.push(credit);
                findings.push(verify::invoice_total(&subject, &lines, asked.strict));
            }
            Err((kind, why)) => {
                for check in INVOICE_CHECKS {
                    findings.push(subject.finding(
                        check,
                        Finding::CouldNotCheck(kind),
                        format!("the invoices could not be read: {why}"),
                    ));
                }
            }
        }
    }
    Ok(findings)
}
