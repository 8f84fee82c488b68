//! The projection, rule by rule, with figures worked by hand in each test.

use super::*;
use crate::model::domain::ScopeRef;
use crate::model::money::Money;
use crate::model::wire;
use chrono::TimeZone;
use std::str::FromStr;

const AS_OF: (i32, u32, u32) = (2026, 6, 30);

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).unwrap()
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn usd(text: &str) -> Amount {
    Amount::new(d(text), Some("USD"))
}

fn on(offset: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.from_utc_datetime(
        &(as_of() + Duration::days(offset))
            .and_hms_opt(0, 0, 0)
            .unwrap(),
    )
}

fn summary(estimated: &str, pending: &str) -> BalanceSummary {
    let profile = ScopeRef {
        scope: crate::model::scope::Scope::parse(
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p",
        )
        .expect("a scope id"),
        display_name: Some("Development".into()),
        currency: Some("USD".into()),
        account_display_name: None,
        standing: None,
    };
    let mut summary = BalanceSummary::no_credits(profile);
    summary.has_credits = true;
    summary.estimated_balance = Some(Money::new(d(estimated), "USD"));
    summary.pending_eligible_charges = Some(Money::new(d(pending), "USD"));
    summary
}

fn lot(name: &str, expires_in: i64, remaining: &str) -> CreditLot {
    CreditLot {
        name: Some(name.into()),
        expiration_date: Some(on(expires_in)),
        closed_balance: Some(Money::new(d(remaining), "USD")),
        ..CreditLot::from_wire(wire::Lot::default()).unwrap()
    }
}

fn event(offset: i64, charges: &str) -> CreditEvent {
    CreditEvent {
        transaction_date: Some(on(offset)),
        charges: Some(Money::new(d(charges), "USD")),
        ..CreditEvent::from_wire(wire::Event::default()).unwrap()
    }
}

fn run(balance: &BalanceSummary, lots: &[CreditLot], events: &[CreditEvent]) -> Forecast {
    forecast(&Inputs {
        as_of: as_of(),
        window_days: 90,
        balance,
        lots,
        events,
    })
    .unwrap()
}

/// 900 charged in 90 days: 10 a day; 1,000 lasts 100 days, to 2026-10-08.
#[test]
fn a_flat_burn_gives_a_rate_a_runway_and_monthly_evidence() {
    let events = [
        event(-120, "0"),
        event(-80, "-300"),
        event(-50, "-300"),
        event(-20, "-300"),
    ];
    let f = run(&summary("1000", "0"), &[], &events);
    assert_eq!(f.burn_rate_per_day, Some(usd("10")));
    assert_eq!(f.runway_days, Some(100));
    assert_eq!(f.depletion_date, NaiveDate::from_ymd_opt(2026, 10, 8));
    assert_eq!(f.window.start, NaiveDate::from_ymd_opt(2026, 4, 2).unwrap());
    let months: Vec<(String, Decimal, i64)> = f
        .monthly_charges
        .iter()
        .map(|m| (m.month.clone(), m.charges.value, m.days))
        .collect();
    assert_eq!(
        months,
        [
            ("2026-04".to_string(), d("300"), 29),
            ("2026-05".to_string(), d("300"), 31),
            ("2026-06".to_string(), d("300"), 30)
        ]
    );
}

#[test]
fn zero_burn_is_no_depletion_and_every_lot_lapses_whole() {
    let lots = [lot("a", 10, "100"), lot("b", 40, "50.50")];
    let f = run(&summary("150.50", "0"), &lots, &[event(-200, "0")]);
    assert_eq!(f.burn_rate_per_day, Some(usd("0")));
    assert_eq!(f.runway_days, None);
    assert_eq!(f.depletion_date, None);
    let unused = f.expiring_unused.unwrap();
    assert_eq!(unused.best_case, usd("150.50"));
    assert_eq!(unused.worst_case, usd("150.50"));
    // Nothing is used: the credit lasts until the last lot lapses.
    assert_eq!(
        unused.credit_lasts_best_case,
        Some(as_of() + Duration::days(40))
    );
}

#[test]
fn too_little_history_gives_no_rate() {
    let f = run(
        &summary("1000", "0"),
        &[lot("a", 10, "100")],
        &[event(-10, "-50")],
    );
    assert_eq!(f.burn_rate_per_day, None);
    assert_eq!(f.runway_days, None);
    assert_eq!(f.expiring_unused, None);
    assert_eq!(
        f.too_little_history.unwrap().first_event,
        NaiveDate::from_ymd_opt(2026, 6, 20)
    );
    // No events at all: no history either.
    assert!(run(&summary("1", "0"), &[], &[])
        .too_little_history
        .is_some());
}

/// 10 a day uses a 100 lot in 10 days, long before its day 50 expiry.
#[test]
fn a_burn_faster_than_the_expiry_leaves_nothing() {
    let events = [event(-100, "0"), event(-60, "-450"), event(-30, "-450")];
    let f = run(&summary("100", "0"), &[lot("a", 50, "100")], &events);
    assert_eq!(f.burn_rate_per_day, Some(usd("10")));
    assert_eq!(f.runway_days, Some(10));
    let unused = f.expiring_unused.unwrap();
    assert_eq!(
        (unused.best_case.value, unused.worst_case.value),
        (d("0"), d("0"))
    );
}

/// 5 a day; A 100 expires on day 10, B 100 on day 40.
/// Best (A first): days 0-9 take 50 of A, 50 lapse; B then has 30 days, needs only 20.
/// Worst (B first): days 0-9 take 50 of B; A lapses whole (100); B is used up by day 20.
#[test]
fn the_two_orders_give_the_two_bounds() {
    let events = [event(-100, "0"), event(-60, "-225"), event(-30, "-225")];
    let lots = [lot("A", 10, "100"), lot("B", 40, "100")];
    let f = run(&summary("200", "0"), &lots, &events);
    assert_eq!(f.burn_rate_per_day, Some(usd("5")));
    let unused = f.expiring_unused.unwrap();
    assert_eq!(unused.best_case, usd("50"));
    assert_eq!(unused.worst_case, usd("100"));
    let per_lot: Vec<(Decimal, Decimal)> = unused
        .lots
        .iter()
        .map(|l| (l.unused_best_case.value, l.unused_worst_case.value))
        .collect();
    assert_eq!(per_lot, [(d("50"), d("100")), (d("0"), d("0"))]);
    // Best: B's 100 lasts from day 10 to day 30. Worst: B's 50 left runs out on day 20.
    assert_eq!(
        unused.credit_lasts_best_case,
        Some(as_of() + Duration::days(30))
    );
    assert_eq!(
        unused.credit_lasts_worst_case,
        Some(as_of() + Duration::days(20))
    );
}

/// Two lots of 100 expire on day 10; 50 is used before: 150 lapse in either order.
#[test]
fn lots_expiring_the_same_day_lapse_together() {
    let events = [event(-100, "0"), event(-60, "-225"), event(-30, "-225")];
    let lots = [lot("A", 10, "100"), lot("B", 10, "100")];
    let unused = run(&summary("200", "0"), &lots, &events)
        .expiring_unused
        .unwrap();
    assert_eq!(unused.best_case, usd("150"));
    assert_eq!(unused.worst_case, usd("150"));
}

#[test]
fn a_lot_without_a_stated_remaining_is_counted_not_guessed() {
    let events = [event(-100, "0"), event(-60, "-225"), event(-30, "-225")];
    let mut unknown = lot("unknown", 10, "0");
    unknown.closed_balance = None;
    let unused = run(
        &summary("100", "0"),
        &[unknown, lot("a", 20, "100")],
        &events,
    )
    .expiring_unused
    .unwrap();
    assert_eq!(unused.lots_without_remaining, 1);
    assert_eq!(unused.lots.len(), 1);
}

#[test]
fn used_and_expired_lots_are_not_projected() {
    let events = [event(-100, "0"), event(-60, "-225"), event(-30, "-225")];
    let lots = [lot("used", 10, "0"), lot("expired", -1, "80")];
    let unused = run(&summary("0", "0"), &lots, &events)
        .expiring_unused
        .unwrap();
    assert!(unused.lots.is_empty());
    assert_eq!(unused.best_case, usd("0"));
}

/// 40 pending since the last invoice come off A first: 60 left, 50 burnt by day 10, 10 lapse.
#[test]
fn pending_charges_are_drawn_down_first() {
    let events = [event(-100, "0"), event(-60, "-225"), event(-30, "-225")];
    let f = run(&summary("60", "-40"), &[lot("A", 10, "100")], &events);
    assert_eq!(f.pending_charges, usd("40"));
    let unused = f.expiring_unused.unwrap();
    assert_eq!(unused.best_case, usd("10"));
}

#[test]
fn an_exhausted_balance_has_no_runway_left() {
    let events = [event(-100, "0"), event(-60, "-225"), event(-30, "-225")];
    let f = run(&summary("-3.50", "0"), &[], &events);
    assert_eq!(f.runway_days, Some(0));
    assert_eq!(f.depletion_date, Some(as_of()));
}

#[test]
fn a_second_currency_is_an_error_not_a_sum() {
    let mut euro = event(-40, "-10");
    euro.charges = Some(Money::new(d("-10"), "EUR"));
    let result = forecast(&Inputs {
        as_of: as_of(),
        window_days: 90,
        balance: &summary("100", "0"),
        lots: &[],
        events: &[event(-60, "-5"), euro],
    });
    assert!(matches!(result, Err(ForecastError::Currencies(_))));
}

#[test]
fn the_rate_is_kept_to_four_decimals() {
    // 100 / 90 = 1.1111...
    let events = [event(-100, "0"), event(-60, "-100")];
    let f = run(&summary("10", "0"), &[], &events);
    assert_eq!(f.burn_rate_per_day, Some(usd("1.1111")));
    assert_eq!(f.runway_days, Some(9));
}

/// No event in the window, but a lot that started 200 days ago: a long history of no burn.
#[test]
fn an_old_lot_is_history_enough_for_a_zero_burn() {
    let mut old = lot("a", 60, "1200");
    old.start_date = Some(on(-200));
    let f = run(&summary("1200", "0"), &[old], &[]);
    assert_eq!(f.too_little_history, None);
    assert_eq!(f.burn_rate_per_day, Some(usd("0")));
    assert_eq!(f.runway_days, None);
    assert_eq!(f.expiring_unused.unwrap().best_case, usd("1200"));
}

/// The first credit was 45 days ago: 450 charged since is 450 / 46 days (today included),
/// not 450 / 90.
#[test]
fn a_history_shorter_than_the_window_is_divided_by_its_own_days() {
    let events = [event(-45, "0"), event(-20, "-450")];
    let f = run(&summary("1000", "0"), &[], &events);
    assert_eq!(f.burn_rate_per_day, Some(usd("9.7826")));
}

#[test]
fn a_balance_already_gone_has_no_runway_even_without_burn() {
    let f = run(&summary("0.00", "0"), &[], &[event(-200, "0")]);
    assert_eq!(f.burn_rate_per_day, Some(usd("0")));
    assert_eq!(f.runway_days, Some(0));
}

/// A profile without credit (204) is judged like any other: balance 0, runway 0 (so
/// `--min-days` fails), nothing expiring (so `--max-unused` passes); never "too little
/// history".
#[test]
fn a_profile_without_credit_is_judged_not_unread() {
    let mut none = summary("0", "0");
    none.has_credits = false;
    none.estimated_balance = None;
    let result = run(&none, &[], &[]);
    assert!(result.no_credit);
    assert!(result.too_little_history.is_none());
    assert_eq!(result.runway_days, Some(0));
    let min_days = crate::checks::min_runway(&result, 30);
    assert!(
        matches!(&min_days, crate::checks::Outcome::Failed(why) if why.contains("0 days")),
        "{min_days:?}"
    );
    let texts = vec!["10".to_string()];
    let maximum = crate::checks::Thresholds::parse("--max-unused", &texts)
        .unwrap()
        .unwrap();
    assert_eq!(
        crate::checks::max_unused(&result, &maximum).unwrap(),
        crate::checks::Outcome::Passed
    );
}

/// `--min-days` judges the day the credit is really gone: a lot that lapses before the burn
/// uses it up ends the credit sooner than the runway says.
#[test]
fn min_days_judges_the_earlier_of_the_runway_and_the_lapse() {
    // 10 a day over 90 days; 1,000 would last 100 days, but the only lot lapses in 30.
    let events: Vec<CreditEvent> = (1..=90).map(|n| event(-n, "-10")).collect();
    let lots = [lot("L", 30, "1000")];
    let result = run(&summary("1000", "0"), &lots, &events);
    let runway = result.runway_days.expect("a runway");
    assert!(runway > 60, "{runway}");
    let outcome = crate::checks::min_runway(&result, 60);
    let crate::checks::Outcome::Failed(why) = outcome else {
        panic!("should fail: {outcome:?}");
    };
    assert!(why.contains("the credit is gone in 30 days"), "{why}");
    assert!(
        why.contains(&format!("at the burn rate it would last {runway} days")),
        "{why}"
    );
    assert_eq!(
        crate::checks::min_runway(&result, 20),
        crate::checks::Outcome::Passed
    );
}
