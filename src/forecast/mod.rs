//! Foresight: the burn rate over a window of credit events, the runway it gives the estimated
//! balance, and the credit that will expire unused when that burn is projected forward
//! against the lots, in the best and the worst order of drawing the lots down.
//!
//! Pure: no HTTP, no formatting, no clock (the reference day is an input). Every figure is an
//! exact decimal in the profile's one currency; a second currency is an error, never a sum.

pub(crate) mod estimate;
pub(crate) mod prepayment;

use crate::model::amount::{Amount, CurrencyMismatch};
use crate::model::domain::{start_of, BalanceSummary, CreditEvent, CreditLot};
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

/// A runway longer than this (about 2,700 years) is "no depletion in sight".
pub(crate) const MAX_RUNWAY_DAYS: i64 = 1_000_000;

/// Less history than this before the reference day, and there is no rate to speak of.
pub(crate) const MIN_HISTORY_DAYS: i64 = 30;

/// The burn rate is kept to this many decimal places (a hundredth of a cent a day), so that
/// every figure derived from it can be worked by hand.
pub(crate) const RATE_DECIMALS: u32 = 4;

/// What the forecast is made from.
pub struct Inputs<'a> {
    /// The reference day (`--as-of`, or today).
    pub as_of: NaiveDate,
    /// The burn rate is taken over this many days ending on `as_of`.
    pub window_days: i64,
    pub balance: &'a BalanceSummary,
    pub lots: &'a [CreditLot],
    /// Every event from `history_start(as_of, window_days)` to `as_of`.
    pub events: &'a [CreditEvent],
}

/// The first day whose events a forecast needs: the window, and at least `MIN_HISTORY_DAYS`
/// to tell whether there is enough history.
pub(crate) fn history_start(as_of: NaiveDate, window_days: i64) -> NaiveDate {
    as_of - Duration::days(window_days.max(MIN_HISTORY_DAYS))
}

/// The days the burn rate is taken over.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Window {
    pub(crate) start: NaiveDate,
    pub(crate) end: NaiveDate,
    pub(crate) days: i64,
}

/// The charges of one calendar month within the window: the evidence for the rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MonthlyCharges {
    /// `2026-09`
    pub(crate) month: String,
    /// What was charged against credit (settled and pending), as a positive amount.
    pub(crate) charges: Amount,
    /// Days of this month inside the window.
    pub(crate) days: i64,
}

/// What is left on one lot on its expiration date, in each order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LotOutlook {
    pub(crate) name: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) expiration_date: Option<NaiveDate>,
    /// Remaining as of the last invoice (`closedBalance`).
    pub(crate) remaining: Amount,
    /// Left unused on its expiration date when the soonest-expiring lots are used first.
    pub(crate) unused_best_case: Amount,
    /// Left unused when the latest-expiring lots are used first.
    pub(crate) unused_worst_case: Amount,
}

/// Credit that will expire unused, in total and per lot. Microsoft does not document the
/// order in which lots are drawn down, so both bounds are given.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExpiringUnused {
    /// Soonest-expiring lot used first: the least that can lapse.
    pub(crate) best_case: Amount,
    /// Latest-expiring lot used first: the most that can lapse.
    pub(crate) worst_case: Amount,
    /// The first day without credit on any lot (used up or lapsed), soonest-expiring lot
    /// first; `None` when credit on an undated lot never runs out (no burn).
    pub(crate) credit_lasts_best_case: Option<NaiveDate>,
    /// The same, latest-expiring lot first.
    pub(crate) credit_lasts_worst_case: Option<NaiveDate>,
    /// Lots not yet expired whose remaining credit Azure did not state: not projected, so
    /// the bounds leave them out.
    pub(crate) lots_without_remaining: usize,
    pub(crate) lots: Vec<LotOutlook>,
}

/// The balance after a credit event: the history a chart draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BalancePoint {
    pub(crate) date: NaiveDate,
    pub(crate) balance: Amount,
}

/// Why there is no burn rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TooLittleHistory {
    /// The first credit event seen, if any.
    pub(crate) first_event: Option<NaiveDate>,
    pub(crate) needed_days: i64,
}

/// The forecast of one profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub(crate) as_of: NaiveDate,
    pub(crate) currency: Option<String>,
    /// The estimated balance the runway is counted from.
    pub(crate) estimated_balance: Option<Amount>,
    /// Pending charges since the last invoice, drawn from the lots first.
    pub(crate) pending_charges: Amount,
    pub(crate) window: Window,
    pub(crate) monthly_charges: Vec<MonthlyCharges>,
    /// The balance after each credit event in the window, oldest first.
    pub(crate) balance_history: Vec<BalancePoint>,
    /// Charges in the window per day; `None` with too little history.
    pub(crate) burn_rate_per_day: Option<Amount>,
    /// Set when there is too little history for a rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) too_little_history: Option<TooLittleHistory>,
    /// Whole days the estimated balance lasts at the burn rate; `None` when there is no rate
    /// or it is zero ("no depletion in sight").
    pub(crate) runway_days: Option<i64>,
    pub(crate) depletion_date: Option<NaiveDate>,
    /// `None` without a burn rate.
    pub(crate) expiring_unused: Option<ExpiringUnused>,
    /// The profile has no credit (Azure answered 204): balance 0, runway 0, nothing expiring.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) no_credit: bool,
}

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForecastError {
    Currencies(CurrencyMismatch),
}

impl std::fmt::Display for ForecastError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForecastError::Currencies(mismatch) => {
                write!(f, "the profile's figures mix currencies: {mismatch}")
            }
        }
    }
}

impl From<CurrencyMismatch> for ForecastError {
    fn from(mismatch: CurrencyMismatch) -> Self {
        ForecastError::Currencies(mismatch)
    }
}

fn add(a: Amount, b: &Amount) -> Result<Amount, ForecastError> {
    // Overflow at 28 digits of money is not a real case; keep the sum that fits.
    Ok(a.checked_add(b)?.unwrap_or(a))
}

/// Makes the forecast.
pub fn forecast(inputs: &Inputs<'_>) -> Result<Forecast, ForecastError> {
    let profile_currency = inputs.balance.billing_profile.currency.as_deref();
    let estimated_balance = Amount::of(inputs.balance.balance(), profile_currency);
    let currency = estimated_balance
        .as_ref()
        .and_then(|a| a.currency().map(str::to_string))
        .or_else(|| profile_currency.map(str::to_ascii_uppercase));
    // 0.00: written like the amounts Azure sends.
    let zero = || Amount::new(Decimal::new(0, 2), currency.as_deref());

    let end = inputs.as_of;
    let start = end - Duration::days(inputs.window_days - 1);
    let window = Window {
        start,
        end,
        days: inputs.window_days,
    };

    // No credit at all is not "too little history": there is nothing to last or to lapse.
    if !inputs.balance.has_credits {
        return Ok(Forecast {
            as_of: end,
            currency: currency.clone(),
            estimated_balance: Some(zero()),
            pending_charges: zero(),
            window,
            monthly_charges: months_of(start, end, &zero),
            balance_history: Vec::new(),
            burn_rate_per_day: None,
            too_little_history: None,
            runway_days: Some(0),
            depletion_date: Some(end),
            expiring_unused: Some(ExpiringUnused {
                best_case: zero(),
                worst_case: zero(),
                credit_lasts_best_case: Some(end),
                credit_lasts_worst_case: Some(end),
                lots_without_remaining: 0,
                lots: Vec::new(),
            }),
            no_credit: true,
        });
    }

    // Charges in the window, per month; and the first event of all.
    let mut months = months_of(start, end, &zero);
    let mut total = zero();
    let mut first_event: Option<NaiveDate> = None;
    let mut balance_history = Vec::new();
    for event in inputs.events {
        let day = event.transaction_date.map(|d| d.date_naive());
        if let Some(day) = day {
            first_event = Some(first_event.map_or(day, |f| f.min(day)));
            let after = Amount::of(event.closed_balance.as_ref(), currency.as_deref());
            if let (Some(balance), true) = (after, day >= start && day <= end) {
                balance.try_cmp(&zero())?;
                balance_history.push((event.transaction_date, BalancePoint { date: day, balance }));
            }
        }
        let Some(charge) = Amount::of(event.charges.as_ref(), currency.as_deref()) else {
            continue;
        };
        // Charges are negative on the wire; a refund among them is positive. A charge of
        // 0.00 is no charge, never -0.00.
        let mut charged = Amount::new(-charge.value, charge.currency());
        if charged.value.is_zero() {
            charged.value.set_sign_positive(true);
        }
        match day {
            Some(day) if day < start || day > end => continue,
            Some(day) => {
                let key = month_key(day);
                if let Some(month) = months.iter_mut().find(|m| m.month == key) {
                    month.charges = add(month.charges.clone(), &charged)?;
                }
            }
            // Undated, but Azure put it in the window: it counts, in no month.
            None => {}
        }
        total = add(total, &charged)?;
    }
    let pending_charges = Amount::of(
        inputs.balance.pending_eligible_charges.as_ref(),
        currency.as_deref(),
    )
    .map(|p| {
        let mut pending = (-p.value).max(Decimal::ZERO);
        pending.set_sign_positive(true);
        // -0.00 is not an amount anyone wants to read.
        pending.set_sign_positive(true);
        Amount::new(pending, p.currency())
    })
    .unwrap_or_else(zero);
    pending_charges.try_cmp(&zero())?;

    // Oldest first. Azure lists newest first, so reversed before the stable sort, events of
    // one day come in the order they happened.
    balance_history.reverse();
    balance_history.sort_by_key(|(when, _)| *when);
    let balance_history: Vec<BalancePoint> = balance_history
        .into_iter()
        .map(|(_, point)| point)
        .collect();
    // Only the window's events are read, so a profile whose credit is older than its last
    // event also shows its age by its lots: a lot that started long ago is history too.
    let first_lot = inputs
        .lots
        .iter()
        .filter_map(|lot| lot.start_date.map(|d| d.date_naive()))
        .min();
    let first_seen = match (first_event, first_lot) {
        (Some(e), Some(l)) => Some(e.min(l)),
        (e, l) => e.or(l),
    };
    let enough = first_seen.is_some_and(|f| f <= end - Duration::days(MIN_HISTORY_DAYS));
    let outlook = if enough {
        Some(outlook(
            inputs,
            start,
            first_seen,
            &total,
            estimated_balance.as_ref(),
            &pending_charges,
            currency.as_deref(),
        )?)
    } else {
        None
    };
    let too_little_history = (!enough).then_some(TooLittleHistory {
        first_event: first_seen,
        needed_days: MIN_HISTORY_DAYS,
    });
    let (burn_rate_per_day, runway_days, depletion_date, expiring_unused) = match outlook {
        Some(o) => (
            Some(o.burn),
            o.runway_days,
            o.depletion_date,
            Some(o.expiring_unused),
        ),
        None => (None, None, None, None),
    };
    Ok(Forecast {
        as_of: end,
        currency,
        estimated_balance,
        pending_charges,
        window,
        monthly_charges: months,
        balance_history,
        burn_rate_per_day,
        too_little_history,
        runway_days,
        depletion_date,
        expiring_unused,
        no_credit: false,
    })
}

/// The figures that need a burn rate.
struct Outlook {
    burn: Amount,
    runway_days: Option<i64>,
    depletion_date: Option<NaiveDate>,
    expiring_unused: ExpiringUnused,
}

/// The burn rate over the history in the window, the runway it gives, and the projection of
/// the lots.
fn outlook(
    inputs: &Inputs<'_>,
    start: NaiveDate,
    first_seen: Option<NaiveDate>,
    total: &Amount,
    estimated_balance: Option<&Amount>,
    pending_charges: &Amount,
    currency: Option<&str>,
) -> Result<Outlook, ForecastError> {
    let end = inputs.as_of;
    // Net refunds larger than the charges are no burn, not a negative one. A history shorter
    // than the window is divided by the days it covers, not by the whole window.
    let covered = first_seen
        .map(|first| (end - first.max(start)).num_days() + 1)
        .unwrap_or(inputs.window_days)
        .clamp(1, inputs.window_days);
    let mut per_day = total
        .value
        .max(Decimal::ZERO)
        .checked_div(Decimal::from(covered))
        .unwrap_or(Decimal::ZERO)
        .round_dp(RATE_DECIMALS);
    per_day.rescale(RATE_DECIMALS);
    let burn = Amount::new(per_day, currency);

    let (runway_days, depletion_date) = match estimated_balance {
        // Gone is gone, burn or no burn.
        Some(balance) if balance.value <= Decimal::ZERO => (Some(0), Some(end)),
        _ if burn.value.is_zero() => (None, None),
        Some(balance) => {
            use rust_decimal::prelude::ToPrimitive;
            let days = balance
                .value
                .checked_div(burn.value)
                .map(|d| d.floor())
                .and_then(|d| d.to_i64())
                .filter(|d| *d <= MAX_RUNWAY_DAYS);
            // Beyond the calendar `credits` draws, there is no date to name.
            let date = days.and_then(|d| end.checked_add_signed(Duration::days(d)));
            (days, date)
        }
        None => (None, None),
    };

    let expiring_unused = project_lots(inputs.lots, end, &burn, pending_charges, currency)?;
    Ok(Outlook {
        burn,
        runway_days,
        depletion_date,
        expiring_unused,
    })
}

fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// Every calendar month that overlaps `start..=end`, with its days inside, charges zero.
fn months_of(start: NaiveDate, end: NaiveDate, zero: &dyn Fn() -> Amount) -> Vec<MonthlyCharges> {
    let mut months: Vec<MonthlyCharges> = Vec::new();
    let mut day = start;
    while day <= end {
        let key = month_key(day);
        match months.last_mut() {
            Some(month) if month.month == key => month.days += 1,
            _ => months.push(MonthlyCharges {
                month: key,
                charges: zero(),
                days: 1,
            }),
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    months
}

/// One lot in the projection.
struct Pool {
    index: usize,
    expires: Option<NaiveDate>,
    left: Decimal,
}

/// Draws `amount` from `pools` in their order; returns what could not be drawn.
fn draw(pools: &mut [Pool], mut amount: Decimal) -> Decimal {
    for pool in pools.iter_mut() {
        if amount <= Decimal::ZERO {
            break;
        }
        let taken = pool.left.min(amount);
        pool.left -= taken;
        amount -= taken;
    }
    amount
}

/// What each lot has left on its expiration date when the burn is drawn from the lots in
/// `order` (pending charges first), from `as_of` on. Exact and day-accurate: a lot expires
/// at the start of its expiration day, and the burn of the days before is drawn first.
fn unused_in_order(
    lots: &[(usize, Option<NaiveDate>, Decimal)],
    as_of: NaiveDate,
    per_day: Decimal,
    pending: Decimal,
    soonest_first: bool,
) -> (Vec<Decimal>, Option<NaiveDate>) {
    let mut pools: Vec<Pool> = lots
        .iter()
        .map(|(index, expires, left)| Pool {
            index: *index,
            expires: *expires,
            left: *left,
        })
        .collect();
    // Best case: soonest expiry first, undated last. Worst case: the reverse.
    pools.sort_by(|a, b| {
        let key = |p: &Pool| (p.expires.is_none(), p.expires);
        let order = key(a).cmp(&key(b)).then(a.index.cmp(&b.index));
        if soonest_first {
            order
        } else {
            order.reverse()
        }
    });
    let mut unused = vec![Decimal::ZERO; lots.len()];
    draw(&mut pools, pending);
    let mut expirations: Vec<NaiveDate> = pools.iter().filter_map(|p| p.expires).collect();
    expirations.sort();
    expirations.dedup();
    let mut day = as_of;
    // The first day without credit on any lot: used up, or lapsed.
    let mut dry: Option<NaiveDate> = None;
    let left = |pools: &[Pool]| {
        pools.iter().fold(Decimal::ZERO, |sum, p| {
            sum.checked_add(p.left).unwrap_or(Decimal::MAX)
        })
    };
    let runs_dry = |from: NaiveDate, available: Decimal| -> Option<NaiveDate> {
        if available <= Decimal::ZERO {
            return Some(from);
        }
        if per_day <= Decimal::ZERO {
            return None;
        }
        use rust_decimal::prelude::ToPrimitive;
        let days = available.checked_div(per_day)?.ceil().to_i64()?;
        from.checked_add_signed(Duration::days(days))
    };
    for expiry in expirations {
        let days = (expiry - day).num_days().max(0);
        if dry.is_none() {
            dry = runs_dry(day, left(&pools)).filter(|d| *d < expiry);
        }
        // Past 28 digits the burn simply takes everything there is.
        let burn = per_day
            .checked_mul(Decimal::from(days))
            .unwrap_or(Decimal::MAX);
        draw(&mut pools, burn);
        day = expiry;
        for pool in pools.iter_mut().filter(|p| p.expires == Some(expiry)) {
            unused[pool.index] = pool.left;
            pool.left = Decimal::ZERO;
        }
    }
    // After the last expiry only undated lots are left, if any.
    if dry.is_none() {
        dry = runs_dry(day, left(&pools));
    }
    (unused, dry)
}

/// The expiring-unused bounds over the lots that still hold credit on `as_of`.
fn project_lots(
    lots: &[CreditLot],
    as_of: NaiveDate,
    burn: &Amount,
    pending: &Amount,
    currency: Option<&str>,
) -> Result<ExpiringUnused, ForecastError> {
    let today = start_of(as_of);
    let mut open: Vec<(&CreditLot, Amount)> = Vec::new();
    let mut unknown = 0;
    for lot in lots {
        // A lot expires at the start of its expiration day.
        if lot
            .expiration_date
            .is_some_and(|e| e <= today || e.date_naive() <= as_of)
        {
            continue;
        }
        if lot
            .closed_balance
            .as_ref()
            .is_none_or(|m| m.value.is_none())
        {
            // Azure did not say what is left on it: it cannot be projected, and is counted.
            unknown += 1;
            continue;
        }
        let Some(remaining) = Amount::of(lot.remaining(), currency) else {
            continue;
        };
        // Each lot must be in the forecast's currency.
        remaining.try_cmp(burn)?;
        open.push((lot, remaining));
    }
    let keyed: Vec<(usize, Option<NaiveDate>, Decimal)> = open
        .iter()
        .enumerate()
        .map(|(i, (lot, remaining))| {
            (
                i,
                lot.expiration_date.map(|e| e.date_naive()),
                remaining.value,
            )
        })
        .collect();
    let (best, dry_best) = unused_in_order(&keyed, as_of, burn.value, pending.value, true);
    let (worst, dry_worst) = unused_in_order(&keyed, as_of, burn.value, pending.value, false);
    // A projection is an estimate: its amounts are shown to the cent.
    let in_currency = |value: Decimal| {
        let mut cents = value
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .max(Decimal::ZERO);
        cents.rescale(2);
        Amount::new(cents, currency)
    };
    let lots_out: Vec<LotOutlook> = open
        .iter()
        .enumerate()
        .map(|(i, (lot, remaining))| LotOutlook {
            name: lot.name.clone(),
            source: lot.source.clone(),
            expiration_date: lot.expiration_date.map(|e| e.date_naive()),
            remaining: remaining.clone(),
            unused_best_case: in_currency(best[i]),
            unused_worst_case: in_currency(worst[i]),
        })
        .collect();
    let mut lots_out = lots_out;
    lots_out.sort_by_key(|l| (l.expiration_date.is_none(), l.expiration_date));
    let total = |values: &[Decimal]| {
        values.iter().fold(Decimal::ZERO, |sum, v| {
            sum.checked_add(*v).unwrap_or(Decimal::MAX)
        })
    };
    Ok(ExpiringUnused {
        best_case: in_currency(total(&best)),
        worst_case: in_currency(total(&worst)),
        credit_lasts_best_case: dry_best,
        credit_lasts_worst_case: dry_worst,
        lots_without_remaining: unknown,
        lots: lots_out,
    })
}

#[cfg(test)]
mod tests;

/// A forecast with the profile it is for and the inputs it was made from: what
/// `credits forecast` shows. Its JSON is the forecast's fields beside `billingProfile`, and
/// `inputs` (`balance`, `lots` as `credits balance` and `credits lots` print them).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProfileForecast {
    /// The balance's kind (`mcaProfile`, `mpaCustomer`): every forecast record says it, as
    /// an enrollment's does.
    pub(crate) kind: &'static str,
    pub(crate) billing_profile: crate::model::domain::ScopeRef,
    /// The subscription asked for (`--subscription`), when this profile's credit answers
    /// for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subscription: Option<crate::model::subscription::SubscriptionRef>,
    #[serde(flatten)]
    pub(crate) forecast: Forecast,
    pub(crate) inputs: ForecastInputs,
}

/// The balance and lots a forecast was made from.
#[derive(Debug, Clone)]
pub(crate) struct ForecastInputs {
    pub(crate) balance: BalanceSummary,
    pub(crate) lots: Vec<CreditLot>,
    pub(crate) as_of: NaiveDate,
}

impl Serialize for ForecastInputs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let lots: Vec<_> = self.lots.iter().map(|lot| lot.on(self.as_of)).collect();
        let mut out = s.serialize_struct("ForecastInputs", 2)?;
        out.serialize_field("balance", &self.balance)?;
        out.serialize_field("lots", &lots)?;
        out.end()
    }
}

/// What a `forecast --all --json` row holds for a profile that could not be read.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UnreadForecast {
    pub(crate) billing_profile: crate::model::domain::ScopeRef,
}

impl crate::model::row::Unread for ProfileForecast {
    type Shape = UnreadForecast;
    fn unread(profile: &crate::model::domain::ScopeRef) -> UnreadForecast {
        UnreadForecast {
            billing_profile: profile.clone(),
        }
    }
    fn no_credit(&self) -> bool {
        !self.inputs.balance.has_credits
    }
}
