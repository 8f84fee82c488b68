//! Every check a CI job asks for (`--min`, `--expiring-within`, `--min-days`,
//! `--max-unused`, and the ACO file's `--min` and `--expiring-within`) as pure functions that
//! return outcomes, and the one ledger that turns a command's outcomes into its exit code and
//! its final message, worded the same for the same situation in every command:
//!
//! 1. if anything could not be read or judged, the command could not check: the exit code of
//!    the worst such failure (the highest of 3-6: 6 over 5 over 4), never 0 or 1, and the message names it and every check
//!    that failed beside it;
//! 2. else, if any check failed: 1, `check failed:` and every failure;
//! 3. else: 0.
//!
//! Must not: print or fetch. Commands print the data first, then settle the ledger
//! (`commands::settle` prints its notes and failures).

pub(crate) mod estimate;
pub(crate) mod invoices;
pub(crate) mod prepayment;
pub(crate) mod spend;
pub(crate) mod verify;

use crate::aco::AcoCredit;
use crate::error::{Error, ErrorKind, Result};
use crate::forecast::Forecast;
use crate::model::amount::Amount;
use crate::model::dates::format_day;
use crate::model::domain::{start_of, BalanceSummary, CreditLot, ProfileStanding};
use crate::model::money::parse_user_amount;
use crate::model::row::ProfileRow;
use chrono::{Duration, NaiveDate};
use std::collections::BTreeSet;

/// The checks a journal line may name (`Entry::check` is `&'static str`).
const KNOWN_CHECKS: &[&str] = &["--min", "--expiring-within", "--min-days", "--max-unused"];

/// How many failed checks the final message names one by one.
const NAMED_FAILURES: usize = 20;

/// What one check (or one read) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    Passed,
    /// The check did not pass; the text says why, with the figures.
    Failed(String),
    /// The value to check could not be read (or computed); the text says why.
    Unread(ErrorKind, String),
    /// No threshold applies to this subject (no amount in its currency); the text says so.
    NotChecked(String),
}

/// What a command's outcomes add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    AllClear,
    ChecksFailed,
    /// At least one read (or judgement) failed; the kind with the highest exit code.
    CouldNotCheck(ErrorKind),
}

/// The rule (see the module doc).
pub(crate) fn verdict<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Verdict {
    let mut failed = false;
    let mut worst: Option<ErrorKind> = None;
    for outcome in outcomes {
        match outcome {
            Outcome::Unread(kind, _) => {
                if worst.is_none_or(|w| kind.exit_code() > w.exit_code()) {
                    worst = Some(*kind);
                }
            }
            Outcome::Failed(_) => failed = true,
            Outcome::Passed | Outcome::NotChecked(_) => {}
        }
    }
    match worst {
        Some(kind) => Verdict::CouldNotCheck(kind),
        None if failed => Verdict::ChecksFailed,
        None => Verdict::AllClear,
    }
}

/// One outcome, with what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The subject's label (a profile's display name, `customer C agreement A`).
    subject: String,
    /// The check (`--min`), or `None` for reading the subject itself.
    check: Option<&'static str>,
    outcome: Outcome,
}

/// Every outcome of a command, with its subject and check, and the one rule that turns them
/// into the result.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ledger {
    /// What the subjects are, for messages: `billing profile` (empty when a subject's label
    /// says what it is, as `customer C agreement A` does).
    noun: &'static str,
    /// How many subjects were read or asked for.
    subjects: usize,
    /// True when one subject was asked for by name: a check that does not apply to it is a
    /// mistake in the command (exit 2), not a subject to pass over.
    one: bool,
    /// The subjects counted in one word when they are of two kinds (`billing profiles and
    /// enrollments`); their own nouns are then left out of the lines.
    plural: Option<&'static str>,
    entries: Vec<Entry>,
}

impl Ledger {
    /// A ledger for one subject asked for by name.
    pub(crate) fn one(noun: &'static str) -> Self {
        Ledger {
            noun,
            subjects: 1,
            one: true,
            plural: None,
            entries: Vec::new(),
        }
    }

    /// The ledger of one subject asked for by name, with its checks' outcomes; a check that
    /// cannot be judged as asked is refused (exit 2), before any output.
    pub(crate) fn of_one(
        noun: &'static str,
        subject: &str,
        outcomes: Vec<(&'static str, Outcome)>,
    ) -> Result<Self> {
        let mut ledger = Ledger::one(noun);
        ledger.record_all(subject, outcomes);
        match ledger.refused() {
            Some(refused) => Err(refused),
            None => Ok(ledger),
        }
    }

    /// Counts `more` subjects read beside the rows (the enrollments of `--all
    /// --all-enrollments`): the checks are then named by their subject.
    pub(crate) fn add_subjects(&mut self, more: usize, plural: &'static str) {
        self.subjects += more;
        self.one = false;
        // Each line names its subject alone ("Contoso EA", "Development"): the noun of
        // one kind would misname the other.
        self.noun = "";
        self.plural = Some(plural);
    }

    /// A ledger over several subjects (`--all`, the rows of a file).
    pub(crate) fn many(noun: &'static str, subjects: usize) -> Self {
        Ledger {
            noun,
            subjects,
            one: false,
            plural: None,
            entries: Vec::new(),
        }
    }

    /// The one loop over rows: a row that could not be read is an `Unread` entry; a row that
    /// was read gets the outcomes of `check`, named after its subject.
    pub(crate) fn of_rows<T>(
        noun: &'static str,
        rows: &[ProfileRow<T>],
        check: impl Fn(&T) -> Vec<(&'static str, Outcome)>,
    ) -> Self {
        let mut ledger = Ledger::many(noun, 0);
        for row in rows {
            // The report lists every check, passes included.
            ledger.add(row, &check, true);
        }
        ledger
    }

    /// Adds one row of a sweep as it is written: a row that could not be read is an `Unread`
    /// entry, a read row gets the outcomes of `check`. Passes are counted, not kept, so a
    /// sweep of thousands keeps only what its final message names.
    pub(crate) fn add_row<T>(
        &mut self,
        row: &ProfileRow<T>,
        check: impl Fn(&T) -> Vec<(&'static str, Outcome)>,
    ) {
        self.add(row, check, false);
    }

    /// One row of several (left out when excluded): its subject counted, in the noun of its
    /// scope (a sweep of customers is counted in customers), and its outcomes recorded.
    fn add<T>(
        &mut self,
        row: &ProfileRow<T>,
        check: impl Fn(&T) -> Vec<(&'static str, Outcome)>,
        keep_passes: bool,
    ) {
        if row.excluded() {
            return;
        }
        self.noun = row.profile.kind().noun();
        self.subjects += 1;
        let subject = row.profile.label();
        match &row.result {
            Err(error) => self.record(
                subject,
                None,
                Outcome::Unread(error.kind, error.message.clone()),
            ),
            Ok(value) => {
                for (name, outcome) in check(value) {
                    if keep_passes || outcome != Outcome::Passed {
                        self.record(subject, Some(name), outcome);
                    }
                }
            }
        }
    }

    /// Adds a customer an earlier run of a resumed sweep read (`--resume`): its outcome and
    /// the checks it failed count as if read now.
    pub(crate) fn add_earlier(&mut self, entry: &crate::resume::Entry) {
        self.subjects += 1;
        if let Some(kind) = entry.unread_kind() {
            self.record(
                &entry.customer,
                None,
                Outcome::Unread(kind, format!("{} (read earlier)", entry.outcome)),
            );
        }
        for note in &entry.checks {
            // The check's name is one of the command's flags; an unknown one is named as read.
            let check = KNOWN_CHECKS
                .iter()
                .find(|known| **known == note.check)
                .copied()
                .unwrap_or("earlier check");
            let outcome = note.outcome(format!("{} (read earlier)", note.why));
            self.record(&entry.customer, Some(check), outcome);
        }
    }

    /// Records one outcome. For one subject asked for by name, a check that does not apply
    /// (an amount in another currency) is a usage error.
    pub(crate) fn record(&mut self, subject: &str, check: Option<&'static str>, outcome: Outcome) {
        self.entries.push(Entry {
            subject: subject.to_string(),
            check,
            outcome,
        });
    }

    /// Records the outcomes of the checks of one subject.
    pub(crate) fn record_all(&mut self, subject: &str, outcomes: Vec<(&'static str, Outcome)>) {
        for (check, outcome) in outcomes {
            self.record(subject, Some(check), outcome);
        }
    }

    /// Why the command cannot be judged as asked: for one subject, a check in another
    /// currency than the subject's is bad input (exit 2).
    pub(crate) fn refused(&self) -> Option<Error> {
        if !self.one {
            return None;
        }
        self.entries.iter().find_map(|e| match &e.outcome {
            Outcome::NotChecked(why) => Some(Error::usage(why.clone())),
            _ => None,
        })
    }

    /// The notes to print before the result: the subjects a check passed over (several
    /// subjects only; for one it is refused).
    pub(crate) fn notes(&self) -> Vec<String> {
        if self.one {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter_map(|e| match (&e.outcome, e.check) {
                (Outcome::NotChecked(_), Some(check)) => Some(format!(
                    "{} is not checked: no {check} amount is given in its currency",
                    self.described(&e.subject)
                )),
                _ => None,
            })
            .collect()
    }

    /// Every outcome recorded, in order: its subject, its check (`None` for reading the
    /// subject itself) and the outcome.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, Option<&'static str>, &Outcome)> {
        self.entries
            .iter()
            .map(|e| (e.subject.as_str(), e.check, &e.outcome))
    }

    /// `billing profile Development`.
    fn described(&self, subject: &str) -> String {
        if self.noun.is_empty() {
            subject.to_string()
        } else {
            format!("{} {subject}", self.noun)
        }
    }

    pub(crate) fn verdict(&self) -> Verdict {
        verdict(self.entries.iter().map(|e| &e.outcome))
    }

    /// An entry as the final message names it: with its subject when there are several,
    /// with its check when several kinds of check were asked for.
    fn line(&self, entry: &Entry, why: &str) -> String {
        let several_checks = {
            let mut kinds = self.entries.iter().filter_map(|e| e.check);
            kinds
                .next()
                .is_some_and(|first| kinds.any(|other| other != first))
        };
        let mut name = Vec::new();
        // A subject whose label says what it is (`customer C agreement A`) is always named.
        if self.subjects > 1 || self.noun.is_empty() {
            name.push(entry.subject.as_str());
        }
        if several_checks {
            if let Some(check) = entry.check {
                name.push(check);
            }
        }
        if name.is_empty() {
            why.to_string()
        } else {
            format!("{}: {why}", name.join(" "))
        }
    }

    /// The command's result by the rule, its message naming every outcome that is not a
    /// pass. Subjects that could not be read are named by count (their errors are printed
    /// above, one per subject).
    pub(crate) fn conclude(&self) -> Result<()> {
        if let Some(refused) = self.refused() {
            return Err(refused);
        }
        let failed: Vec<String> = self
            .entries
            .iter()
            .filter_map(|e| match &e.outcome {
                Outcome::Failed(why) => Some(self.line(e, why)),
                _ => None,
            })
            .collect();
        let failed_text = |also: &str| match failed.as_slice() {
            [] => None,
            [one] if also.is_empty() => Some(one.clone()),
            [one] => Some(format!("a check{also} failed: {one}")),
            // A sweep of thousands names the first few; every row's figures are in the output.
            many if many.len() > NAMED_FAILURES => Some(format!(
                "{} checks{also} failed: {}; and {} more",
                many.len(),
                many[..NAMED_FAILURES].join("; "),
                many.len() - NAMED_FAILURES
            )),
            many => Some(format!(
                "{} checks{also} failed: {}",
                many.len(),
                many.join("; ")
            )),
        };
        match self.verdict() {
            Verdict::AllClear => Ok(()),
            Verdict::ChecksFailed => Err(Error::check_failed(failed_text("").unwrap_or_default())),
            Verdict::CouldNotCheck(kind) => {
                let mut parts = Vec::new();
                let unread = self
                    .entries
                    .iter()
                    .filter(|e| e.check.is_none() && matches!(e.outcome, Outcome::Unread(..)))
                    .count();
                if unread > 0 && self.subjects > 1 {
                    let plural = match self.plural {
                        Some(plural) => plural.to_string(),
                        None => format!("{}s", self.noun),
                    };
                    parts.push(format!(
                        "{unread} of {} {plural} could not be read (see above)",
                        self.subjects
                    ));
                }
                for entry in &self.entries {
                    if let Outcome::Unread(_, why) = &entry.outcome {
                        if entry.check.is_some() || self.subjects == 1 {
                            parts.push(self.line(entry, why));
                        }
                    }
                }
                if let Some(failed) = failed_text(" also") {
                    parts.push(failed);
                }
                Err(Error::new(kind, parts.join("; ")))
            }
        }
    }
}

/// An amount check's amounts (`--min`, `--max-unused`): one per currency, repeatable
/// (`--min 1000USD --min 900EUR`), or one bare amount for profiles that all share a
/// currency. Each profile is compared in its own currency, never across.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Thresholds {
    flag: &'static str,
    amounts: Vec<Amount>,
}

/// The amount a profile is checked against, or why it is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Threshold<'a> {
    Amount(&'a Amount),
    /// Amounts were given, none in this currency.
    NoneFor(String),
    /// The profile's figures carry no currency, and the amounts all name one.
    UnknownCurrency,
}

impl Thresholds {
    /// Parses every value of `flag`. Bad amounts, a second bare amount, a bare amount beside
    /// suffixed ones, or a currency given twice are usage errors.
    pub(crate) fn parse(flag: &'static str, texts: &[String]) -> Result<Option<Self>> {
        if texts.is_empty() {
            return Ok(None);
        }
        let mut amounts: Vec<Amount> = Vec::new();
        for text in texts {
            let (value, currency) =
                parse_user_amount(text).map_err(|e| Error::usage(format!("{flag} {e}")))?;
            let amount = Amount::new(value, currency.as_deref());
            if amounts.iter().any(|a| a.currency() == amount.currency()) {
                let which = amount.currency().unwrap_or("without a currency");
                return Err(Error::usage(format!(
                    "{flag} is given twice {}{which}; give one amount per currency, for example {flag} 1000USD {flag} 900EUR",
                    if amount.currency().is_some() { "in " } else { "" }
                )));
            }
            amounts.push(amount);
        }
        if amounts.len() > 1 && amounts.iter().any(|a| a.currency().is_none()) {
            return Err(Error::usage(format!(
                "{flag} without a currency cannot stand beside amounts with one; give each with its currency, for example {flag} 1000USD {flag} 900EUR"
            )));
        }
        Ok(Some(Thresholds { flag, amounts }))
    }

    pub(crate) fn flag(&self) -> &'static str {
        self.flag
    }

    /// A customer sweep judges every row on its own, whatever currencies the others have, so
    /// each amount must name its currency: a bare one is refused before any request.
    pub(crate) fn for_sweep(thresholds: Option<&Self>) -> Result<()> {
        match thresholds.and_then(Thresholds::bare) {
            Some(bare) => {
                let flag = thresholds.map_or("--min", |t| t.flag);
                Err(Error::usage(format!(
                    "{flag} {} has no currency; in a customer sweep give each amount with its currency, for example {flag} {}USD {flag} {}EUR",
                    bare.value, bare.value, bare.value
                )))
            }
            None => Ok(()),
        }
    }

    fn bare(&self) -> Option<&Amount> {
        match self.amounts.as_slice() {
            [only] if only.currency().is_none() => Some(only),
            _ => None,
        }
    }

    /// A bare amount is only meaningful when every subject checked (`noun`: profile, credit)
    /// shares one currency; amounts that name currencies must name one of theirs. With
    /// `complete` false (some subjects could not be read) a currency no subject has is not
    /// refused: an unread one may have it.
    pub(crate) fn fit(
        &self,
        currencies: &BTreeSet<String>,
        noun: &str,
        complete: bool,
    ) -> Result<()> {
        let Some(bare) = self.bare() else {
            // Every amount given must find something to check: a currency no subject is in
            // is a typo or a mistake, never silently nothing.
            let unmatched: Vec<&str> = self
                .amounts
                .iter()
                .filter_map(Amount::currency)
                .filter(|given| !currencies.contains(*given))
                .collect();
            if complete && !currencies.is_empty() && !unmatched.is_empty() {
                return Err(Error::usage(format!(
                    "{} is given in {} but no {noun} is in that currency (they are in {}); nothing would be checked with it",
                    self.flag,
                    unmatched.join(", "),
                    currencies.iter().cloned().collect::<Vec<_>>().join(", ")
                )));
            }
            return Ok(());
        };
        if currencies.len() > 1 {
            let example: Vec<String> = currencies
                .iter()
                .map(|c| format!("{} {}{c}", self.flag, bare.value))
                .collect();
            return Err(Error::usage(format!(
                "{} {} has no currency, but the {noun}s are in {}; give one amount per currency, for example {}",
                self.flag,
                bare.value,
                currencies.iter().cloned().collect::<Vec<_>>().join(", "),
                example.join(" ")
            )));
        }
        Ok(())
    }

    /// `fit` over the profiles of `rows` that were read, each in `currency`'s answer.
    pub(crate) fn fit_rows<T>(
        &self,
        rows: &[ProfileRow<T>],
        currency: impl Fn(&T) -> Option<String>,
    ) -> Result<()> {
        let currencies = rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok())
            .filter_map(currency)
            .collect();
        let complete = rows.iter().all(|r| r.error().is_none() || r.excluded());
        self.fit(&currencies, "profile", complete)
    }

    /// The amount to compare a profile in `currency` with.
    pub(crate) fn for_currency(&self, currency: Option<&str>) -> Threshold<'_> {
        if let Some(bare) = self.bare() {
            return Threshold::Amount(bare);
        }
        let Some(currency) = currency else {
            return Threshold::UnknownCurrency;
        };
        self.amounts
            .iter()
            .find(|a| {
                a.currency()
                    .is_some_and(|c| c.eq_ignore_ascii_case(currency))
            })
            .map_or_else(
                || Threshold::NoneFor(currency.to_ascii_uppercase()),
                Threshold::Amount,
            )
    }

    /// The amounts given, for messages: `500 EUR and 400 GBP`.
    pub(crate) fn describe(&self) -> String {
        let texts: Vec<String> = self.amounts.iter().map(ToString::to_string).collect();
        texts.join(" and ")
    }
}

/// The currency a balance summary is in: its estimated balance's, else the profile's.
pub(crate) fn balance_currency(summary: &BalanceSummary) -> Option<String> {
    summary
        .balance()
        .and_then(|m| m.currency.clone())
        .or_else(|| summary.billing_profile.currency.clone())
        .map(|c| c.to_ascii_uppercase())
}

/// A check on a billing profile Azure has disabled (a spending limit reached or expired, a
/// bill past due) fails whatever the figures say: its subscriptions are stopped. `Warned`
/// and every other status pass.
pub(crate) fn profile_standing(standing: &ProfileStanding) -> Outcome {
    match standing.not_active() {
        Some(status) if standing.is_disabled() => Outcome::Failed(format!(
            "the billing profile is {status}: Azure has disabled it and stopped its subscriptions"
        )),
        _ => Outcome::Passed,
    }
}

/// Whether the estimated balance is at least the minimum for its currency. Never compares
/// across currencies, and a balance Azure did not state fails the check rather than passing
/// it. A profile whose currency has no minimum given is `NotChecked`.
pub(crate) fn min_balance(summary: &BalanceSummary, minimum: &Thresholds) -> Result<Outcome> {
    let label = summary.billing_profile.label();
    let profile_currency = summary.billing_profile.currency.as_deref();
    let currency = balance_currency(summary);
    let minimum = match minimum.for_currency(currency.as_deref()) {
        Threshold::Amount(amount) => amount,
        Threshold::NoneFor(actual) => {
            return Ok(Outcome::NotChecked(format!(
                "{} is in {} but the balance of {label} is in {actual}; give the amount in {actual} (for example {} {}{actual})",
                minimum.flag(),
                minimum
                    .amounts
                    .iter()
                    .filter_map(Amount::currency)
                    .collect::<Vec<_>>()
                    .join(", "),
                minimum.flag(),
                minimum.amounts.first().map(|a| a.value).unwrap_or_default()
            )))
        }
        // A profile without credit has nothing in any currency: below any minimum.
        Threshold::UnknownCurrency if !summary.has_credits => {
            return Ok(Outcome::Failed(format!(
                "the profile has no credit: a balance of 0 is below the minimum {}",
                minimum.describe()
            )));
        }
        Threshold::UnknownCurrency => {
            // Nobody said which currency the balance is in: it cannot be shown to be in EUR.
            return Err(Error::unavailable(format!(
                "Azure reported the estimated balance of {label} without a currency, so it cannot be compared with {} {}",
                minimum.flag(),
                minimum.describe()
            )));
        }
    };
    let minimum = Amount::new(minimum.value, minimum.currency().or(currency.as_deref()));
    let what = match summary.balance_source {
        crate::model::domain::BalanceSource::Summary => "estimated balance",
        crate::model::domain::BalanceSource::Lots => "balance from lots",
    };
    let balance = match Amount::of(summary.balance(), profile_currency) {
        Some(balance) => balance,
        // A profile without credit (204) has a balance of nothing: judged like any other.
        None if !summary.has_credits => Amount::new(
            rust_decimal::Decimal::new(0, 2),
            minimum.currency().or(currency.as_deref()),
        ),
        None => {
            return Ok(Outcome::Failed(format!(
                "Azure reported no {what}, so it cannot be shown to be at least {minimum}"
            )))
        }
    };
    let internal = |m: crate::model::amount::CurrencyMismatch| {
        Error::unavailable(format!("comparing the balance of {label}: {m}"))
    };
    if balance.try_cmp(&minimum).map_err(internal)?.is_ge() {
        return Ok(Outcome::Passed);
    }
    let short = minimum
        .checked_sub(&balance)
        .map_err(internal)?
        .map(|a| a.to_string())
        .unwrap_or_else(|| "an amount too large to show".into());
    Ok(Outcome::Failed(format!(
        "{what} {balance} is below the minimum {minimum} by {short}"
    )))
}

/// `--min-days DAYS` and `--window DAYS`, parsed: a whole number in `range`.
pub(crate) fn parse_day_count(
    flag: &str,
    text: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(days) if range.contains(&days) => Ok(days),
        _ => Err(Error::usage(format!(
            "{flag} {text:?} is not a whole number of days; write a number from {} to {}, for example {flag} 30",
            range.start(),
            range.end()
        ))),
    }
}

fn too_little_history(forecast: &Forecast, flag: &str) -> Option<Outcome> {
    let short = forecast.too_little_history.as_ref()?;
    let first = short
        .first_event
        .map_or("none in the window".to_string(), |d| d.to_string());
    Some(Outcome::Unread(
        ErrorKind::Unavailable,
        format!(
            "{flag} cannot be checked: too little history for a burn rate (first credit event: {first}; {} days before {} are needed)",
            short.needed_days, forecast.as_of
        ),
    ))
}

/// `--min-days`: the runway must be at least `days` days. No depletion in sight passes; too
/// little history to know cannot pass.
pub(crate) fn min_runway(forecast: &Forecast, days: i64) -> Outcome {
    if let Some(unknown) = too_little_history(forecast, "--min-days") {
        return unknown;
    }
    let burning = forecast
        .burn_rate_per_day
        .as_ref()
        .is_some_and(|r| !r.value.is_zero());
    if burning && forecast.estimated_balance.is_none() {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            "--min-days cannot be checked: Azure reported no estimated balance".into(),
        );
    }
    // The credit is gone at the earlier of the burn runway and the day the lots' credit runs
    // out (used up or lapsed, soonest-expiring lot first, as Azure spends it).
    if let Some(unused) = forecast
        .expiring_unused
        .as_ref()
        .filter(|u| u.lots_without_remaining > 0)
    {
        return Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "--min-days cannot be checked: Azure did not state the remaining credit of {} lot(s)",
                unused.lots_without_remaining
            ),
        );
    }
    // Only lots that were projected say when the credit lapses.
    let lapse = forecast
        .expiring_unused
        .as_ref()
        .filter(|u| !u.lots.is_empty())
        .and_then(|u| u.credit_lasts_best_case)
        .map(|day| ((day - forecast.as_of).num_days().max(0), day));
    let burn = forecast
        .runway_days
        .map(|runway| (runway, forecast.depletion_date));
    match (burn, lapse) {
        (burn, Some((lapse_days, day)))
            if lapse_days < days && burn.is_none_or(|(runway, _)| lapse_days < runway) =>
        {
            let at_the_burn = match burn {
                Some((runway, _)) => format!("at the burn rate it would last {runway} days"),
                None => "at the burn rate it would not run out".to_string(),
            };
            Outcome::Failed(format!(
                "the credit is gone in {lapse_days} days (on {day}: the lots' credit lapses first; {at_the_burn}), shorter than the minimum {days} days by {} days",
                days - lapse_days
            ))
        }
        (Some((runway, depletion)), lapse) if runway < days => Outcome::Failed(format!(
            "the runway of {runway} days{}{} is shorter than the minimum {days} days by {} days",
            depletion.map(|d| format!(" (to {d})")).unwrap_or_default(),
            lapse
                .map(|(_, day)| format!(", the lots' credit lasting until {day},"))
                .unwrap_or_default(),
            days - runway
        )),
        _ => Outcome::Passed,
    }
}

/// `--max-unused`: in the best case, no more than the maximum of credit may expire unused.
pub(crate) fn max_unused(forecast: &Forecast, maximum: &Thresholds) -> Result<Outcome> {
    // No credit: nothing can expire unused, whatever the currency.
    if forecast.no_credit {
        return Ok(Outcome::Passed);
    }
    // Which amount applies comes first: a profile in a currency without one is not checked,
    // whatever its history.
    let maximum = match maximum.for_currency(forecast.currency.as_deref()) {
        Threshold::Amount(amount) => amount,
        Threshold::NoneFor(actual) => {
            return Ok(Outcome::NotChecked(format!(
                "--max-unused is in {} but the credit of this profile is in {actual}; give the amount in {actual}",
                maximum.describe()
            )))
        }
        Threshold::UnknownCurrency => {
            return Err(Error::unavailable(format!(
                "the credit has no currency, so it cannot be compared with --max-unused {}",
                maximum.describe()
            )))
        }
    };
    let maximum = Amount::new(
        maximum.value,
        maximum.currency().or(forecast.currency.as_deref()),
    );
    if let Some(unknown) = too_little_history(forecast, "--max-unused") {
        return Ok(unknown);
    }
    let Some(unused) = &forecast.expiring_unused else {
        return Ok(Outcome::Passed);
    };
    if unused.lots_without_remaining > 0 {
        return Ok(Outcome::Unread(
            ErrorKind::Unavailable,
            format!(
                "--max-unused cannot be checked: Azure did not state the remaining credit of {} lot(s)",
                unused.lots_without_remaining
            ),
        ));
    }
    let best = &unused.best_case;
    let internal = |m: crate::model::amount::CurrencyMismatch| {
        Error::unavailable(format!("--max-unused: {m}"))
    };
    if best.try_cmp(&maximum).map_err(internal)?.is_le() {
        return Ok(Outcome::Passed);
    }
    let over = best
        .checked_sub(&maximum)
        .map_err(internal)?
        .map(|a| a.to_string())
        .unwrap_or_default();
    Ok(Outcome::Failed(format!(
        "even in the best case {best} of credit expires unused, above the maximum {maximum} by {over}"
    )))
}

/// `--expiring-within DAYS`, parsed: 0 to 36500.
pub(crate) fn parse_days(text: &str) -> Result<i64> {
    parse_day_count("--expiring-within", text, 0..=36_500)
}

/// Fails when a lot with credit left expires within `days` days of `as_of`. Already expired
/// lots are history, not a warning.
/// Only an active lot can still lapse: Azure's Complete, Canceled, Expired (and Inactive, not
/// yet started) cannot. Without a status from Azure the derived one decides.
fn can_expire(lot: &CreditLot) -> bool {
    match lot.reported_status.as_deref() {
        Some(status) => status.eq_ignore_ascii_case("active"),
        None => true,
    }
}

pub(crate) fn expiring_within(lots: &[CreditLot], as_of: NaiveDate, days: i64) -> Outcome {
    let as_of = start_of(as_of);
    let horizon = as_of + Duration::days(days);
    let expiring: Vec<String> = lots
        .iter()
        .filter(|lot| can_expire(lot))
        .filter_map(|lot| {
            let remaining = lot.remaining()?;
            let expires = lot.expiration_date?;
            (expires > as_of && expires <= horizon).then(|| {
                if lot.is_commitment() {
                    format!(
                        "commitment {} not met by {}: {} remaining, a shortfall charge is possible",
                        lot.name.as_deref().unwrap_or("unnamed lot"),
                        format_day(&expires),
                        remaining.display()
                    )
                } else {
                    format!(
                        "{} ({}) with {} left expires {}",
                        lot.source.as_deref().unwrap_or("credit"),
                        lot.name.as_deref().unwrap_or("unnamed lot"),
                        remaining.display(),
                        format_day(&expires)
                    )
                }
            })
        })
        .collect();
    if expiring.is_empty() {
        return Outcome::Passed;
    }
    Outcome::Failed(format!(
        "{} lot(s) with credit left expire within {days} days: {}",
        expiring.len(),
        expiring.join("; ")
    ))
}

/// The checks of the ACO file over its credits not expired, each named `customer C agreement
/// A`. A bare `--min` among several currencies, or one in a currency no credit has, is bad
/// input, refused here before anything is written.
pub(crate) fn aco_ledger(
    credits: &[AcoCredit],
    minimum: Option<&Thresholds>,
    as_of: NaiveDate,
    within_days: Option<i64>,
) -> Result<Ledger> {
    let live: Vec<&AcoCredit> = credits.iter().filter(|c| !c.expired).collect();
    if let Some(minimum) = minimum {
        let currencies = live.iter().map(|c| c.currency.clone()).collect();
        minimum.fit(&currencies, "credit", true)?;
    }
    let mut ledger = Ledger::many("", live.len());
    for credit in live {
        let subject = format!(
            "customer {} agreement {}",
            credit.customer_id, credit.agreement_id
        );
        if let Some(minimum) = minimum {
            ledger.record(&subject, Some("--min"), aco_min(credit, minimum));
        }
        if let Some(days) = within_days {
            let outcome = aco_expiring(credit, as_of, days);
            ledger.record(&subject, Some("--expiring-within"), outcome);
        }
    }
    Ok(ledger)
}

/// The ACO file's `--min`: a credit's balance against the amount for its currency.
fn aco_min(credit: &AcoCredit, minimum: &Thresholds) -> Outcome {
    match minimum.for_currency(Some(&credit.currency)) {
        Threshold::Amount(min) if credit.balance_amount.value < min.value => {
            let by = min
                .value
                .checked_sub(credit.balance_amount.value)
                .map(|by| format!(" by {by} {}", credit.currency))
                .unwrap_or_default();
            Outcome::Failed(format!(
                "balance {} is below the minimum {} {}{by}",
                credit.balance_amount, min.value, credit.currency,
            ))
        }
        Threshold::Amount(_) => Outcome::Passed,
        Threshold::NoneFor(_) | Threshold::UnknownCurrency => Outcome::NotChecked(format!(
            "{} is not given in {}",
            minimum.flag(),
            credit.currency
        )),
    }
}

/// The ACO file's `--expiring-within`: a credit with balance left that expires by the horizon.
fn aco_expiring(credit: &AcoCredit, as_of: NaiveDate, days: i64) -> Outcome {
    let horizon = as_of + Duration::days(days);
    match credit.expiry_date {
        Some(expires)
            if credit.balance_amount.value > rust_decimal::Decimal::ZERO && expires <= horizon =>
        {
            Outcome::Failed(format!(
                "{} expires on {expires}, within {days} days",
                credit.balance_amount
            ))
        }
        _ => Outcome::Passed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::domain::ScopeRef;
    use crate::model::money::Money;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn summary(estimated: Option<&str>, currency: &str) -> BalanceSummary {
        let profile = ScopeRef {
            scope: crate::model::scope::Scope::parse(
                "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p",
            )
            .expect("a scope id"),
            display_name: Some("Development".into()),
            currency: Some(currency.into()),
            account_display_name: None,
            standing: None,
        };
        let mut summary = BalanceSummary::no_credits(profile);
        summary.has_credits = true;
        summary.estimated_balance =
            estimated.map(|v| Money::new(Decimal::from_str(v).unwrap(), currency));
        summary
    }

    #[test]
    fn min_passes_at_or_above_and_fails_below_with_the_shortfall() {
        let min = minimum(&["500"]);
        assert_eq!(
            min_balance(&summary(Some("500.00"), "USD"), &min).unwrap(),
            Outcome::Passed
        );
        assert_eq!(
            min_balance(&summary(Some("480.10"), "USD"), &min).unwrap(),
            Outcome::Failed(
                "estimated balance 480.10 USD is below the minimum 500 USD by 19.90 USD".into()
            )
        );
    }

    fn minimum(texts: &[&str]) -> Thresholds {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        Thresholds::parse("--min", &texts).unwrap().unwrap()
    }

    #[test]
    fn min_never_compares_currencies() {
        let min = minimum(&["500USD"]);
        let outcome = min_balance(&summary(Some("9000"), "EUR"), &min).unwrap();
        assert!(
            matches!(&outcome, Outcome::NotChecked(why) if why.contains("is in EUR")),
            "{outcome:?}"
        );
        let outcome = min_balance(&summary(None, "EUR"), &min).unwrap();
        assert!(matches!(outcome, Outcome::NotChecked(_)));
    }

    #[test]
    fn each_currency_has_its_own_minimum() {
        let min = minimum(&["1000USD", "900eur"]);
        assert_eq!(
            min_balance(&summary(Some("950"), "EUR"), &min).unwrap(),
            Outcome::Passed
        );
        assert!(matches!(
            min_balance(&summary(Some("950"), "USD"), &min).unwrap(),
            Outcome::Failed(_)
        ));
        let both: BTreeSet<String> = ["EUR".to_string(), "USD".to_string()].into();
        assert!(min.fit(&both, "profile", true).is_ok());
        let bare = minimum(&["1000"]);
        let error = bare.fit(&both, "profile", true).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.message.contains("--min 1000EUR --min 1000USD"),
            "{error}"
        );
        let gbp_only: BTreeSet<String> = ["GBP".to_string()].into();
        assert_eq!(
            min.fit(&gbp_only, "profile", true).unwrap_err().exit_code(),
            2
        );
        for bad in [&["1", "2"][..], &["1", "2USD"], &["1USD", "2usd"]] {
            let texts: Vec<String> = bad.iter().map(|t| t.to_string()).collect();
            let error = Thresholds::parse("--min", &texts).unwrap_err();
            assert_eq!(error.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn a_balance_without_a_currency_cannot_pass_a_minimum_with_one() {
        let mut summary = summary(Some("900"), "USD");
        summary.billing_profile.currency = None;
        if let Some(money) = summary.estimated_balance.as_mut() {
            money.currency = None;
        }
        let error = min_balance(&summary, &minimum(&["500EUR"])).unwrap_err();
        assert_eq!(error.exit_code(), 6, "could not check, not all clear");
        let plain = min_balance(&summary, &minimum(&["500"])).unwrap();
        assert_eq!(plain, Outcome::Passed);
    }

    #[test]
    fn an_unstated_balance_fails_the_check() {
        let min = minimum(&["1"]);
        let outcome = min_balance(&summary(None, "USD"), &min).unwrap();
        assert!(matches!(outcome, Outcome::Failed(why) if why.contains("no estimated balance")));
    }

    #[test]
    fn the_worst_could_not_check_wins_over_a_failed_check_which_wins_over_passing() {
        use Outcome::*;
        assert_eq!(verdict(&[]), Verdict::AllClear);
        assert_eq!(verdict(&[Passed, Passed]), Verdict::AllClear);
        assert_eq!(
            verdict(&[Passed, Failed("x".into())]),
            Verdict::ChecksFailed
        );
        let mixed = [
            Failed("x".into()),
            Unread(ErrorKind::Permission, "403".into()),
            Unread(ErrorKind::Unavailable, "503".into()),
        ];
        // The worst failure decides, wherever it comes: 6 over 5 over 4.
        assert_eq!(
            verdict(&mixed),
            Verdict::CouldNotCheck(ErrorKind::Unavailable)
        );
        let not_found_last = [
            Unread(ErrorKind::Permission, "403".into()),
            Unread(ErrorKind::NotFound, "404".into()),
        ];
        assert_eq!(
            verdict(&not_found_last),
            Verdict::CouldNotCheck(ErrorKind::NotFound)
        );
        let code = |outcomes: &[Outcome]| {
            let mut ledger = Ledger::many("billing profile", outcomes.len());
            for (n, outcome) in outcomes.iter().enumerate() {
                ledger.record(&format!("P{n}"), Some("--min"), outcome.clone());
            }
            ledger.conclude().map_or_else(|e| e.exit_code(), |()| 0)
        };
        assert_eq!(code(&mixed), 6);
        assert_eq!(code(&[Passed, Failed("low".into())]), 1);
        assert_eq!(code(&[Passed, NotChecked("x".into())]), 0);
        let mut one = Ledger::one("billing profile");
        one.record("Dev", Some("--min"), Failed("low".into()));
        assert_eq!(one.conclude().unwrap_err().message, "check failed: low");
    }

    #[test]
    fn the_final_message_names_every_outcome_that_is_not_a_pass() {
        use Outcome::*;
        let mut ledger = Ledger::many("billing profile", 3);
        ledger.record(
            "Development",
            Some("--max-unused"),
            Failed("1,914.07 USD".into()),
        );
        ledger.record(
            "Marketing",
            Some("--max-unused"),
            Unread(ErrorKind::Unavailable, "too little history".into()),
        );
        ledger.record("Archive", Some("--max-unused"), Failed("12 EUR".into()));
        let error = ledger.conclude().unwrap_err();
        assert_eq!(error.exit_code(), 6);
        assert_eq!(
            error.message,
            "Marketing: too little history; 2 checks also failed: Development: 1,914.07 USD; Archive: 12 EUR"
        );
        let mut unread = Ledger::many("billing profile", 4);
        unread.record("Dev", None, Unread(ErrorKind::Permission, "403".into()));
        unread.record("Prod", Some("--min"), Failed("low".into()));
        assert_eq!(
            unread.conclude().unwrap_err().message,
            "1 of 4 billing profiles could not be read (see above); a check also failed: Prod: low"
        );
        let mut one = Ledger::one("billing profile");
        one.record("Dev", Some("--min"), NotChecked("--min is in EUR".into()));
        assert_eq!(one.conclude().unwrap_err().exit_code(), 2);
        assert!(one.notes().is_empty());
    }

    #[test]
    fn expiring_lots_are_named_and_expired_ones_ignored() {
        use chrono::TimeZone;
        let lot = |expires: (i32, u32, u32), left: &str| CreditLot {
            name: Some("L".into()),
            source: Some("Azure Promotional Credit".into()),
            expiration_date: Some(
                chrono::Utc
                    .with_ymd_and_hms(expires.0, expires.1, expires.2, 0, 0, 0)
                    .unwrap(),
            ),
            closed_balance: Some(Money::new(Decimal::from_str(left).unwrap(), "USD")),
            ..CreditLot::from_wire(Default::default()).unwrap()
        };
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let lots = [
            lot((2026, 2, 1), "10"),
            lot((2026, 3, 21), "249.68"),
            lot((2026, 3, 5), "0"),
        ];
        let Outcome::Failed(why) = expiring_within(&lots, today, 30) else {
            panic!("should fail");
        };
        assert_eq!(
            why,
            "1 lot(s) with credit left expire within 30 days: Azure Promotional Credit (L) with 249.68 USD left expires 2026-03-21"
        );
        assert_eq!(expiring_within(&lots, today, 10), Outcome::Passed);
    }
}
