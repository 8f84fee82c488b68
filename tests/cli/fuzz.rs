//! Bounded mutation testing of the response parsers: whatever Azure (or a proxy) sends, the
//! parsers return a value or an error, never a panic. The number of cases is fixed so the
//! suite stays fast and repeatable; raise CREDITS_FUZZ_CASES to run longer.

use crate::support::*;
use chrono::{TimeZone, Utc};
use credits::model::dates::parse_azure_date;
use credits::model::domain::{BalanceSummary, CreditEvent, CreditLot, ScopeRef};
use credits::model::money::WireDecimal;
use credits::model::wire;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SEEDS: &[&str] = &[
    "azure-examples/Microsoft.Consumption/2019-10-01/CreditSummaryByBillingProfile.json",
    "azure-examples/Microsoft.Consumption/2026-06-01/CreditSummaryByBillingProfile.json",
    "azure-examples/Microsoft.Consumption/2026-06-01/LotsListByBillingProfile.json",
    "azure-examples/Microsoft.Consumption/2026-06-01/EventsListByBillingProfile.json",
    "azure-examples/Microsoft.Billing/2020-05-01/BillingAccountsListWithExpand.json",
];

const NASTY: &[&str] = &[
    "1e400",
    "-0",
    "123456789012345678901234567890",
    "\"12.5\"",
    "\"True\"",
    "null",
    "[]",
    "{}",
    "\"09/18/2019 21:47:31\"",
    "\"2021-03-24T16:26:46.0000000\"",
    "\"13/45/2019\"",
    "true",
    "-1e-400",
    "0.0000000000000000000000000001",
    "\"\"",
    "\"\\u0000\"",
];

fn all_parsers(text: &str) {
    let as_of = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .unwrap()
        .date_naive();
    let profile = || ScopeRef {
        scope: credits::model::scope::Scope::parse(
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p",
        )
        .expect("a scope id"),
        display_name: None,
        currency: None,
        account_display_name: None,
        standing: None,
    };
    if let Ok(raw) = serde_json::from_str::<wire::CreditSummary>(text) {
        let _ = BalanceSummary::from_wire(profile(), raw);
    }
    if let Ok(page) = serde_json::from_str::<wire::Page<wire::Lot>>(text) {
        for lot in page.value {
            let _ = CreditLot::from_wire(lot).map(|lot| lot.status(as_of));
        }
    }
    if let Ok(page) = serde_json::from_str::<wire::Page<wire::Event>>(text) {
        for event in page.value {
            let _ = CreditEvent::from_wire(event);
        }
    }
    let _ = serde_json::from_str::<wire::Page<wire::BillingAccount>>(text);
    let _ = serde_json::from_str::<wire::ErrorBody>(text);
    let _ = serde_json::from_str::<WireDecimal>(text);
    if let Ok(serde_json::Value::String(s)) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = parse_azure_date(&s);
    }
}

fn mutate(rng: &mut StdRng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.random_range(1..4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.random_range(0..bytes.len());
        match rng.random_range(0..5) {
            0 => {
                bytes.truncate(at);
            }
            1 => {
                bytes.remove(at);
            }
            2 => bytes[at] = rng.random(),
            3 => {
                // Replace the value after a colon with something nasty.
                if let Some(colon) = bytes[at..].iter().position(|b| *b == b':') {
                    let start = at + colon + 1;
                    let end = bytes[start..]
                        .iter()
                        .position(|b| matches!(b, b',' | b'}' | b']'))
                        .map_or(bytes.len(), |p| start + p);
                    let nasty = NASTY[rng.random_range(0..NASTY.len())].as_bytes();
                    bytes.splice(start..end, nasty.iter().copied());
                }
            }
            _ => {
                let copy: Vec<u8> = bytes[at..].iter().take(40).copied().collect();
                let to = rng.random_range(0..bytes.len());
                bytes.splice(to..to, copy);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn parsers_never_panic_on_mutated_responses() {
    let cases: usize = std::env::var("CREDITS_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut rng = StdRng::seed_from_u64(0x00C0_FFEE);
    let seeds: Vec<String> = SEEDS.iter().map(|s| example_body(s)).collect();
    for case in 0..cases {
        let seed = &seeds[case % seeds.len()];
        let input = mutate(&mut rng, seed);
        let result = std::panic::catch_unwind(|| all_parsers(&input));
        assert!(result.is_ok(), "panic on input:\n{input}");
    }
}

#[test]
fn nasty_numbers_are_exact_or_refused() {
    for nasty in NASTY {
        let body = format!(
            r#"{{"properties":{{"balanceSummary":{{"estimatedBalance":{{"currency":"USD","value":{nasty}}}}}}}}}"#
        );
        let raw: wire::CreditSummary = match serde_json::from_str(&body) {
            Ok(raw) => raw,
            Err(_) => continue,
        };
        let profile = ScopeRef {
            scope: credits::model::scope::Scope::parse(
                "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p",
            )
            .expect("a scope id"),
            display_name: None,
            currency: None,
            account_display_name: None,
            standing: None,
        };
        if let Ok(summary) = BalanceSummary::from_wire(profile, raw) {
            let value = summary.estimated_balance.and_then(|m| m.value);
            if let (Some(value), Ok(sent)) = (
                value,
                nasty.trim_matches('"').parse::<rust_decimal::Decimal>(),
            ) {
                // Whatever was accepted is the very number that was sent.
                assert_eq!(value, sent, "{nasty} became {value}");
            }
        }
    }
}
