//! Parse and render costs: 5,000 and 100,000 events in both date styles (ISO, 2024-08-01
//! shape; US style, 2019-10-01 shape), rendered as a table and as JSON.
//! Run: `cargo bench --bench parse_render`.

use chrono::{Duration, TimeZone, Utc};
use credits::model::domain::CreditEvent;
use credits::model::wire;
use credits::output::Writer;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

/// A page body of `count` events; `us_dates` picks the 2019-10-01 style.
pub fn events_body(count: usize, us_dates: bool) -> String {
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let mut body = String::from("{\"value\":[");
    for i in 0..count {
        if i > 0 {
            body.push(',');
        }
        let when = start + Duration::minutes(i as i64 * 7);
        let date = if us_dates {
            when.format("%m/%d/%Y %H:%M:%S").to_string()
        } else {
            when.format("%Y-%m-%dT%H:%M:%S.0000000Z").to_string()
        };
        let cents = (i * 37) % 100_000;
        let extra = if us_dates {
            String::new()
        } else {
            format!(
                r#","billingCurrency":"USD","creditCurrency":"USD","isEstimatedBalance":false,"chargesInBillingCurrency":{{"currency":"USD","value":-{}.{:02},"exchangeRate":1,"exchangeRateMonth":1}}"#,
                cents / 100,
                cents % 100
            )
        };
        body.push_str(&format!(
            r#"{{"id":"/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/2468/providers/Microsoft.Consumption/events/e{i}","name":"e{i}","type":"Microsoft.Consumption/events","properties":{{"transactionDate":"{date}","description":"Credit eligible charges as of {date}","newCredit":{{"currency":"USD","value":0.00}},"adjustments":{{"currency":"USD","value":0.00}},"creditExpired":{{"currency":"USD","value":0.00}},"charges":{{"currency":"USD","value":-{}.{:02}}},"closedBalance":{{"currency":"USD","value":{}.{:02}}},"eventType":"PendingCharges","invoiceNumber":""{extra}}}}}"#,
            cents / 100,
            cents % 100,
            100_000 - cents / 100,
            cents % 100
        ));
    }
    body.push_str("]}");
    body
}

fn parse(body: &str) -> Vec<CreditEvent> {
    let page: wire::Page<wire::Event> = serde_json::from_str(body).expect("valid page");
    page.value
        .into_iter()
        .map(|e| CreditEvent::from_wire(e).expect("valid event"))
        .collect()
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_events");
    group.sample_size(10);
    for count in [5_000usize, 100_000] {
        for (style, us) in [("iso", false), ("us", true)] {
            let body = events_body(count, us);
            group.throughput(Throughput::Elements(count as u64));
            group.bench_with_input(BenchmarkId::new(style, count), &body, |b, body| {
                b.iter(|| black_box(parse(body)))
            });
        }
    }
    group.finish();
}

fn bench_render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_events");
    group.sample_size(10);
    for count in [5_000usize, 100_000] {
        let events = parse(&events_body(count, false));
        group.throughput(Throughput::Elements(count as u64));
        // Through the same row writers the printer uses for `credits events`.
        for (name, writer) in [
            ("table", Writer::Markdown),
            ("json", Writer::Json),
            ("csv", Writer::Csv),
        ] {
            group.bench_with_input(BenchmarkId::new(name, count), &events, |b, events| {
                b.iter(|| {
                    // What is written as the page arrives (JSON), then at the end (tables).
                    let mut rows = writer.rows::<CreditEvent>(Default::default());
                    let mut out = Vec::new();
                    rows.push(events, &mut out).expect("renders");
                    rows.finish(&mut out).expect("renders");
                    black_box(out)
                })
            });
        }
    }
    group.finish();
}

/// The projection of one profile: 20 lots and a year of daily events.
fn bench_forecast(c: &mut Criterion) {
    use credits::forecast::{forecast, Inputs};
    use credits::model::domain::{BalanceSummary, CreditLot, ScopeRef};
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let profile = ScopeRef {
        scope: credits::model::scope::Scope::parse(
            "/providers/Microsoft.Billing/billingAccounts/1234:5678/billingProfiles/2468",
        )
        .expect("a scope id"),
        display_name: Some("Development".into()),
        currency: Some("USD".into()),
        account_display_name: None,
        standing: None,
    };
    let balance_body = r#"{"properties":{"balanceSummary":{"estimatedBalance":{"currency":"USD","value":25000.00}},"pendingEligibleCharges":{"currency":"USD","value":-217.36}}}"#;
    let balance = BalanceSummary::from_wire(
        profile,
        serde_json::from_str::<wire::CreditSummary>(balance_body).expect("a summary"),
    )
    .expect("a balance");
    let lots_body = format!(
        "{{\"value\":[{}]}}",
        (0..20)
            .map(|i| {
                let expires = as_of + Duration::days(15 * (i + 1));
                format!(
                    r#"{{"name":"l{i}","properties":{{"expirationDate":"{expires}T00:00:00Z","closedBalance":{{"currency":"USD","value":{}.25}}}}}}"#,
                    500 + 37 * i
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    );
    let lots: Vec<CreditLot> = serde_json::from_str::<wire::Page<wire::Lot>>(&lots_body)
        .expect("lots")
        .value
        .into_iter()
        .map(|l| CreditLot::from_wire(l).expect("a lot"))
        .collect();
    // A charge a day for the year before `as_of`.
    let year = format!(
        "{{\"value\":[{}]}}",
        (0..365)
            .map(|i| {
                let day = as_of - Duration::days(i);
                format!(
                    r#"{{"name":"e{i}","properties":{{"transactionDate":"{day}T00:00:00Z","charges":{{"currency":"USD","value":-{}.{:02}}},"eventType":"SettledCharges"}}}}"#,
                    20 + i % 9,
                    (i * 17) % 100
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    );
    let events = parse(&year);
    let mut group = c.benchmark_group("forecast");
    group.sample_size(20);
    group.bench_function("20 lots, a year of events", |b| {
        b.iter(|| {
            black_box(
                forecast(&Inputs {
                    as_of,
                    window_days: 90,
                    balance: &balance,
                    lots: &lots,
                    events: &events,
                })
                .expect("a forecast"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse, bench_render, bench_forecast);
criterion_main!(benches);
