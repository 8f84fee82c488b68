//! The gate of `credits spend`: `--max-not-covered` (what credit never covers, per
//! currency). Pure: outcomes from what was read.

use super::{Outcome, Threshold, Thresholds};
use crate::error::{ErrorKind, Result};
use crate::model::amount::Amount;
use crate::model::row::ProfileRow;
use crate::model::spend::Spend;
use std::collections::BTreeSet;

/// The spend gate asked for.
#[derive(Debug, Clone)]
pub(crate) struct SpendGate {
    pub(crate) max_not_covered: Option<Thresholds>,
}

impl SpendGate {
    pub(crate) fn parse(max_not_covered: &[String]) -> Result<Self> {
        Ok(SpendGate {
            max_not_covered: Thresholds::parse("--max-not-covered", max_not_covered)?,
        })
    }

    /// The outcomes of one scope's spend.
    pub(crate) fn check(&self, spend: &[Spend]) -> Vec<(&'static str, Outcome)> {
        match &self.max_not_covered {
            Some(maximum) => max_not_covered(spend, maximum),
            None => Vec::new(),
        }
    }

    /// Refuses, before any output, an amount that cannot be judged as asked over one scope's
    /// costs: a bare amount among currencies, or a currency no cost is in.
    pub(crate) fn fit_one(&self, spend: &[Spend]) -> Result<()> {
        self.fit(&currencies([spend]), true)
    }

    /// The same over the rows of `--all`.
    pub(crate) fn fit_rows<T>(
        &self,
        rows: &[ProfileRow<T>],
        spend: impl Fn(&T) -> &[Spend],
    ) -> Result<()> {
        let complete = rows.iter().all(|r| r.error().is_none() || r.excluded());
        let read = rows
            .iter()
            .filter_map(|r| r.result.as_ref().ok())
            .map(spend);
        self.fit(&currencies(read), complete)
    }

    fn fit(&self, currencies: &BTreeSet<String>, complete: bool) -> Result<()> {
        match &self.max_not_covered {
            Some(maximum) => maximum.fit(currencies, "cost", complete),
            None => Ok(()),
        }
    }
}

/// The currencies costs are in.
fn currencies<'a>(reads: impl IntoIterator<Item = &'a [Spend]>) -> BTreeSet<String> {
    reads
        .into_iter()
        .flatten()
        .filter_map(|s| s.currency.clone())
        .collect()
}

/// `--max-not-covered`: what credit never covers, per currency, at most the amount given.
fn max_not_covered(spend: &[Spend], maximum: &Thresholds) -> Vec<(&'static str, Outcome)> {
    const CHECK: &str = "--max-not-covered";
    let mut outcomes = Vec::new();
    for spend in spend {
        let Some(not_covered) = &spend.not_covered else {
            continue;
        };
        let limit = match maximum.for_currency(spend.currency.as_deref()) {
            Threshold::Amount(limit) => {
                Amount::new(limit.value, limit.currency().or(not_covered.currency()))
            }
            Threshold::NoneFor(currency) => {
                outcomes.push((
                    CHECK,
                    Outcome::NotChecked(format!(
                        "--max-not-covered is given in {} but costs are in {currency}; give the amount in {currency} too",
                        maximum.describe()
                    )),
                ));
                continue;
            }
            Threshold::UnknownCurrency => {
                outcomes.push((
                    CHECK,
                    Outcome::Unread(
                        ErrorKind::Unavailable,
                        "Cost Management reported costs without a currency".into(),
                    ),
                ));
                continue;
            }
        };
        match not_covered.try_cmp(&limit) {
            Ok(order) if order.is_gt() => outcomes.push((
                CHECK,
                Outcome::Failed(format!(
                    "{} of the costs is not covered by credit, more than {limit}",
                    not_covered.rounded()
                )),
            )),
            Ok(_) => outcomes.push((CHECK, Outcome::Passed)),
            Err(e) => outcomes.push((
                CHECK,
                Outcome::Unread(ErrorKind::Unavailable, e.to_string()),
            )),
        }
    }
    if outcomes.is_empty() {
        outcomes.push((CHECK, Outcome::Passed));
    }
    outcomes
}
