//! Profile resolution never repeats a record: a stale cached profile is resolved again only
//! while nothing has been written to stdout.

use crate::support::*;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

fn events_path() -> String {
    consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "events")
}

fn event(name: &str) -> Value {
    serde_json::json!({"name": name, "properties": {
        "transactionDate": "2026-01-02T00:00:00Z", "description": format!("event {name}"),
        "eventType": "SettledCharges",
        "charges": {"currency": "USD", "value": -1.10},
        "closedBalance": {"currency": "USD", "value": 100.05}}})
}

/// A warm cache for Development, and events in two pages whose second page answers 404 once
/// (as if the profile had just moved) and then its events.
async fn second_page_gone_once() -> Fake {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    assert_eq!(fake.run(&["accounts"]).code, 0, "fills the cache");
    let first = serde_json::json!({
        "value": [event("e0"), event("e1")],
        "nextLink": format!("{}/events-page-1", fake.uri()),
    });
    fake.serve(&events_path(), &first.to_string()).await;
    Mock::given(method("GET"))
        .and(path("/events-page-1"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_string(r#"{"error":{"code":"NotFound","message":"Gone."}}"#),
        )
        .up_to_n_times(1)
        .mount(&fake.server)
        .await;
    fake.serve(
        "/events-page-1",
        &serde_json::json!({"value": [event("e2")]}).to_string(),
    )
    .await;
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn streamed_json_is_never_fetched_again_after_its_first_byte() {
    let fake = second_page_gone_once().await;
    let before = fake.request_count().await;
    let outcome = fake.run(&["events", "-p", "Development", "--json"]);
    // The first page was written; fetching again would repeat it. It fails instead.
    assert_eq!(outcome.code, 5, "{outcome}");
    assert_eq!(
        outcome.stdout.matches("\"name\": \"e0\"").count(),
        1,
        "{outcome}"
    );
    assert_eq!(
        outcome.stdout.matches("\"name\": \"e1\"").count(),
        1,
        "{outcome}"
    );
    assert!(outcome.stderr.contains("Gone."), "{outcome}");
    assert_eq!(
        fake.request_count().await - before,
        2,
        "two pages, no re-listing, no second read"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_table_not_yet_written_is_read_afresh_once() {
    let fake = second_page_gone_once().await;
    let before = fake.request_count().await;
    let outcome = fake.run(&["events", "-p", "Development"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    for name in ["event e0", "event e1", "event e2"] {
        assert_eq!(outcome.stdout.matches(name).count(), 1, "{name}: {outcome}");
    }
    assert_eq!(
        fake.request_count().await - before,
        5,
        "two pages, the listing afresh, then both pages again"
    );
}
