//! `credits events`.

use crate::support::*;
use serde_json::Value;
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

fn events_path() -> String {
    consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "events")
}

#[tokio::test(flavor = "multi_thread")]
async fn events_2019_example_as_table() {
    let fake = development_serving(
        "events",
        &for_development(&example_body(
            "azure-examples/Microsoft.Consumption/2019-10-01/EventsListByBillingProfile.json",
        )),
    )
    .await;
    let outcome = fake.run(&[
        "events",
        "-p",
        "Development",
        "--start",
        "2019-09-01",
        "--end",
        "2019-10-31",
    ]);
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn events_docs_sample_us_dates_and_empty_invoice_numbers() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let body = for_development(&recording_body(
        "azure-recordings/azure-docs/events-billingProfile-2019-10-01.DOCS-SAMPLE.json",
    ));
    fake.serve(&events_path(), &body).await;
    let outcome = fake.run(&[
        "events",
        "-p",
        "Development",
        "--start",
        "2018-10-01",
        "--end",
        "2019-10-11",
        "--json",
    ]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    assert_eq!(json[0]["transactionDate"], "2019-10-11T00:00:00Z");
    // Azure's "" is no invoice number: null, like every missing value.
    assert_eq!(json[0]["invoiceNumber"], Value::Null);
    assert_eq!(json[0]["charges"]["value"].to_string(), "-1.74");
    let source: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_2026_keep_new_fields_and_unknown_event_types() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let body = for_development(&example_body(
        "azure-examples/Microsoft.Consumption/2026-06-01/EventsListByBillingProfile.json",
    ));
    fake.serve(&events_path(), &body).await;
    let outcome = fake.run(&["events", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    let source: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        json.as_array().unwrap().len(),
        source["value"].as_array().unwrap().len()
    );
    assert_eq!(json[1]["canceledCredit"]["value"].to_string(), "5000");
    assert_eq!(amount_texts(&json), amount_texts(&source));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_default_window_is_the_year_before_the_reference_day() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    Mock::given(method("GET"))
        .and(path(events_path()))
        .and(query_param("api-version", "2024-08-01"))
        .and(query_param("startDate", "2025-03-15"))
        .and(query_param("endDate", "2026-03-15"))
        .respond_with(json_response(r#"{"value": []}"#))
        .expect(1)
        .mount(&fake.server)
        .await;
    let outcome = fake.run(&["events", "-p", "Development", "--as-of", "2026-03-15"]);
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn events_follow_next_link_verbatim_across_pages() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let event = |n: u32| {
        serde_json::json!({"name": format!("e{n}"), "properties": {
            "transactionDate": format!("2026-01-{n:02}T00:00:00Z"), "description": format!("event {n}"),
            "eventType": "SettledCharges", "charges": {"currency": "USD", "value": format!("-{n}.01").parse::<Value>().unwrap()},
            "closedBalance": {"currency": "USD", "value": 100}, "invoiceNumber": format!("INV{n}")}})
    };
    let page = |items: Vec<Value>, next: Option<String>| {
        let mut body = serde_json::json!({ "value": items });
        if let Some(next) = next {
            body["nextLink"] = Value::String(next);
        }
        body.to_string()
    };
    // The nextLink carries its own opaque query, which must be sent back untouched.
    let next = format!(
        "{}{}?api-version=2024-08-01&$skiptoken=abc%3D%3D",
        fake.uri(),
        events_path()
    );
    Mock::given(method("GET"))
        .and(path(events_path()))
        .and(query_param("$skiptoken", "abc=="))
        .respond_with(json_response(&page(
            vec![event(3)],
            Some(format!("{}/events-3", fake.uri())),
        )))
        .mount(&fake.server)
        .await;
    fake.serve(&events_path(), &page(vec![event(1), event(2)], Some(next)))
        .await;
    fake.serve("/events-3", &page(vec![event(4)], Some(String::new())))
        .await;
    let outcome = fake.run(&["events", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["e1", "e2", "e3", "e4"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn events_bad_window_is_a_usage_error() {
    let fake = Fake::start().await;
    let cases: [(&[&str], &str); 4] = [
        (
            &["--start", "2019-13-01"],
            "--start \"2019-13-01\" is not a valid date",
        ),
        (
            &["--end", "10/11/2019"],
            "--end \"10/11/2019\" is not a valid date",
        ),
        (
            &["--start", "2020-01-02", "--end", "2020-01-01"],
            "--start 2020-01-02 is after --end 2020-01-01",
        ),
        (
            &["--as-of", "yesterday"],
            "--as-of \"yesterday\" is not a valid date",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["events", "-p", "Development"];
        args.extend_from_slice(extra);
        let outcome = fake.run(&args);
        assert_eq!(outcome.code, 2, "{extra:?}: {outcome}");
        assert_eq!(outcome.stderr.lines().count(), 1, "{outcome}");
        assert!(outcome.stderr.contains(message), "{extra:?}: {outcome}");
    }
    assert_eq!(fake.request_count().await, 0);
}

fn numbered_events(range: std::ops::Range<u32>) -> Vec<Value> {
    range
        .map(|n| {
            serde_json::json!({"name": format!("e{n}"), "properties": {
                "transactionDate": format!("01/{:02}/2026", 1 + n % 28), "description": format!("event {n}"),
                "eventType": "SettledCharges",
                "charges": {"currency": "USD", "value": format!("-{n}.10").parse::<Value>().unwrap()},
                "closedBalance": {"currency": "USD", "value": format!("{}.05", 10_000 - n).parse::<Value>().unwrap()},
                "invoiceNumber": format!("INV{n}")}})
        })
        .collect()
}

/// Serves `events` split into pages of `page_size`, linked by nextLink.
async fn serve_paged(fake: &Fake, events: &[Value], page_size: usize) {
    let pages: Vec<&[Value]> = events.chunks(page_size).collect();
    for (index, page) in pages.iter().enumerate() {
        let at = if index == 0 {
            events_path()
        } else {
            format!("/events-page-{index}")
        };
        let mut body = serde_json::json!({ "value": page });
        if index + 1 < pages.len() {
            body["nextLink"] = Value::String(format!("{}/events-page-{}", fake.uri(), index + 1));
        }
        fake.serve(&at, &body.to_string()).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn paged_and_streamed_output_equals_the_single_page_answer() {
    let events = numbered_events(0..23);
    let single = Fake::start().await;
    with_development_profile(&single).await;
    serve_paged(&single, &events, 100).await;
    let paged = Fake::start().await;
    with_development_profile(&paged).await;
    serve_paged(&paged, &events, 4).await;
    for format in [&["--json"][..], &[][..]] {
        let mut args = vec!["events", "-p", "Development"];
        args.extend_from_slice(format);
        let one = single.run(&args);
        let many = paged.run(&args);
        assert_eq!(one.code, 0, "{one}");
        assert_eq!(one.stdout, many.stdout, "{format:?}");
    }
    // Accounts once (then cached), and 6 pages per run.
    assert_eq!(paged.request_count().await, 1 + 2 * 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn json_output_streams_pages_before_a_later_page_fails() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let events = numbered_events(0..3);
    let first = serde_json::json!({"value": &events[..2], "nextLink": format!("{}/events-page-1", fake.uri())});
    fake.serve(&events_path(), &first.to_string()).await;
    Mock::given(method("GET"))
        .and(path("/events-page-1"))
        .respond_with(
            wiremock::ResponseTemplate::new(500)
                .insert_header("retry-after", "0")
                .set_body_string(r#"{"error":{"code":"InternalServerError","message":"Boom."}}"#),
        )
        .mount(&fake.server)
        .await;
    let outcome = fake.run(&["events", "-p", "Development", "--json"]);
    assert_eq!(outcome.code, 6, "{outcome}");
    // The first page was already written when the second failed.
    assert!(outcome.stdout.contains("\"name\": \"e1\""), "{outcome}");
    assert!(outcome.stderr.contains("InternalServerError"), "{outcome}");
}
