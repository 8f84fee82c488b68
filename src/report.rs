//! `credits report`: one page per run for a CI step summary, a pull-request comment or a chat
//! post. For each profile: the balance, the credit expiring within 30, 60 and 90 days, the
//! runway and the credit expiring unused, and every check asked for. Pure: the rows are
//! read by the command, the page is drawn by the printer.

use crate::checks::Outcome;
use crate::forecast::ProfileForecast;
use crate::model::amount::Amount;
use crate::model::domain::start_of;
use crate::model::row::ProfileRow;
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

/// The horizons of the "expiring soon" lines.
pub(crate) const HORIZONS: [i64; 3] = [30, 60, 90];

/// Credit with a horizon: what the lots that expire within it still hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExpiringWithin {
    pub(crate) days: i64,
    pub(crate) lots: usize,
    pub(crate) remaining: Amount,
}

/// One check of one profile, with its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CheckResult {
    pub(crate) profile: String,
    /// `--min`, `--min-days`, `--max-unused`, `--expiring-within`
    pub(crate) check: &'static str,
    /// `passed`, `failed`, `not checked` or `could not check`
    pub(crate) result: &'static str,
    pub(crate) detail: String,
}

impl CheckResult {
    pub(crate) fn of(profile: &str, check: &'static str, outcome: &Outcome) -> Self {
        let (result, detail) = match outcome {
            Outcome::Passed => ("passed", String::new()),
            Outcome::Failed(why) => ("failed", why.clone()),
            Outcome::NotChecked(why) => ("not checked", why.clone()),
            Outcome::Unread(_, why) => ("could not check", why.clone()),
        };
        CheckResult {
            profile: profile.to_string(),
            check,
            result,
            detail,
        }
    }
}

/// The whole page.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    pub(crate) as_of: NaiveDate,
    /// A partner's customer is written as `forecast --customer` writes it (`customer` in
    /// place of `billingProfile`).
    #[serde(serialize_with = "crate::output::views::rows_by_scope")]
    pub(crate) profiles: Vec<ProfileRow<ProfileForecast>>,
    /// Per profile (same order): credit expiring within each horizon.
    pub(crate) expiring_soon: Vec<Vec<ExpiringWithin>>,
    pub(crate) checks: Vec<CheckResult>,
    /// With `--verify`: the checks of Azure's figures, every scope's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verified: Option<Vec<crate::checks::verify::Verification>>,
    /// With `--spend`: where the credit went this month, every scope's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) spent: Option<Vec<SpentOf>>,
    /// With `--all-enrollments`: every Enterprise Agreement enrollment's forecast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) enrollments: Option<Vec<crate::forecast::prepayment::EnrollmentForecastRow>>,
}

/// One scope's spend this month (`report --spend`): the five costliest services, the rest
/// as one, and what credit never covers, per currency.
#[derive(Debug, Clone)]
pub(crate) struct SpentOf {
    pub(crate) scope: crate::model::domain::ScopeRef,
    pub(crate) spend: Vec<crate::model::spend::Spend>,
}

impl Serialize for SpentOf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            currency: Option<&'a str>,
            groups: &'a [crate::model::spend::SpendGroup],
            cost: &'a Amount,
            not_covered: Option<&'a Amount>,
        }
        #[derive(Serialize)]
        struct Of<'a> {
            scope: &'a crate::model::domain::ScopeRef,
            spend: Vec<Shape<'a>>,
        }
        Of {
            scope: &self.scope,
            spend: self
                .spend
                .iter()
                .map(|s| Shape {
                    currency: s.currency.as_deref(),
                    groups: &s.groups,
                    cost: &s.total,
                    not_covered: s.not_covered.as_ref(),
                })
                .collect(),
        }
        .serialize(s)
    }
}

/// The credit expiring within each of `HORIZONS` days of `as_of`.
pub(crate) fn expiring_soon(result: &ProfileForecast) -> Vec<ExpiringWithin> {
    let as_of = start_of(result.inputs.as_of);
    let currency = result.forecast.currency.as_deref();
    HORIZONS
        .iter()
        .map(|days| {
            let horizon = as_of + Duration::days(*days);
            let mut lots = 0;
            let mut total = Decimal::ZERO;
            for lot in &result.inputs.lots {
                let (Some(left), Some(expires)) = (lot.remaining(), lot.expiration_date) else {
                    continue;
                };
                if expires > as_of && expires <= horizon {
                    lots += 1;
                    let value = left.value.unwrap_or_default();
                    total = total.checked_add(value).unwrap_or(Decimal::MAX);
                }
            }
            let mut remaining = total;
            remaining.rescale(2);
            ExpiringWithin {
                days: *days,
                lots,
                remaining: Amount::new(remaining, currency),
            }
        })
        .collect()
}
