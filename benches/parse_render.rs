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
        for (name, writer) in [("table", Writer::Markdown), ("json", Writer::Json)] {
            group.bench_with_input(BenchmarkId::new(name, count), &events, |b, events| {
                b.iter(|| {
                    // What is written as the page arrives (JSON), then at the end (tables).
                    let mut rows = writer.rows::<CreditEvent>();
                    black_box(rows.push(events).expect("renders"));
                    black_box(rows.finish())
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_parse, bench_render);
criterion_main!(benches);
