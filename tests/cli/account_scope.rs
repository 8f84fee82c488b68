//! `lots --account` and `events --account`: billing-account scope (MACC commitments), with
//! the official account-scope examples, `$filter` sent and kept on every `nextLink`.

use crate::support::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

const ACCOUNT_ID: &str = "/providers/Microsoft.Billing/billingAccounts/1234:5678";

async fn with_account() -> Fake {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn account_lots_read_the_official_example_and_name_the_commitment() {
    let fake = with_account().await;
    let body = example_body(
        "azure-examples/Microsoft.Consumption/2026-06-01/LotsListByBillingAccount.json",
    );
    Mock::given(method("GET"))
        .and(path(format!(
            "{ACCOUNT_ID}/providers/Microsoft.Consumption/lots"
        )))
        .respond_with(json_response(&body))
        .mount(&fake.server)
        .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "lots",
        "--account",
        "Contoso",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let source: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
    assert_eq!(json[0]["billingAccountId"], ACCOUNT_ID);
    assert_eq!(json[0]["billingAccountDisplayName"], "Contoso");
    let table = fake.run(&["--as-of", "2026-12-01", "lots", "--account", "1234:5678"]);
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table
            .stdout
            .contains("ConsumptionCommitment (remaining commitment)"),
        "{table}"
    );
    let unknown = fake.run(&["lots", "--account", "Fabrikam"]);
    assert_eq!(unknown.code, 5, "{unknown}");
    assert!(
        unknown
            .stderr
            .contains("the billing accounts are: \"Contoso\""),
        "{unknown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn account_filters_are_sent_and_kept_on_every_next_link() {
    let fake = with_account().await;
    let lots_path = format!("{ACCOUNT_ID}/providers/Microsoft.Consumption/lots");
    let filter = "source eq 'ConsumptionCommitment' and status eq 'Active'";
    let page = |next: Option<String>, name: &str| {
        let mut body = serde_json::json!({"value": [{
            "id": format!("{ACCOUNT_ID}/billingProfiles/2468/providers/Microsoft.Consumption/lots/{name}"),
            "name": name,
            "type": "Microsoft.Consumption/lots",
            "properties": {
                "source": "ConsumptionCommitment",
                "status": "Active",
                "expirationDate": "2026-12-20T00:00:00Z",
                "originalAmount": {"value": 100000.00, "currency": "USD"},
                "closedBalance": {"value": 2500.00, "currency": "USD"}
            }
        }]});
        if let Some(next) = next {
            body["nextLink"] = serde_json::Value::String(next);
        }
        body.to_string()
    };
    // The first page asks with the filter; its nextLink drops it, and the second page must
    // still be asked with it (the mock answers only then).
    Mock::given(method("GET"))
        .and(path(lots_path.clone()))
        .and(query_param("$filter", filter))
        .and(query_param("page", "2"))
        .respond_with(json_response(&page(None, "macc2")))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    Mock::given(method("GET"))
        .and(path(lots_path.clone()))
        .and(query_param("$filter", filter))
        .respond_with(json_response(&page(
            Some(format!(
                "{}{lots_path}?api-version=2024-08-01&page=2",
                fake.uri()
            )),
            "macc1",
        )))
        .with_priority(2)
        .mount(&fake.server)
        .await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "lots",
        "--account",
        "Contoso",
        "--source",
        "ConsumptionCommitment",
        "--status",
        "Active",
        "--expiring-within",
        "30",
        "--json",
    ]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(out.json().as_array().unwrap().len(), 2, "{out}");
    assert!(
        out.stderr.contains("commitment macc1 not met by 2026-12-20: 2,500.00 USD remaining, a shortfall charge is possible"),
        "{out}"
    );

    // Events: lotsource and lotid as $filter, the window sent and checked here too.
    let events_path = format!("{ACCOUNT_ID}/providers/Microsoft.Consumption/events");
    let body = example_body(
        "azure-examples/Microsoft.Consumption/2026-06-01/EventsGetByBillingAccountWithFilters.json",
    );
    Mock::given(method("GET"))
        .and(path(events_path))
        .and(query_param(
            "$filter",
            "lotsource eq 'ConsumptionCommitment' and lotid eq 'G202001083926600XXXXX'",
        ))
        .and(query_param("startDate", "2019-01-01"))
        .and(query_param("endDate", "2026-11-30"))
        .respond_with(json_response(&body))
        .mount(&fake.server)
        .await;
    let out = fake.run(&[
        "events",
        "--account",
        "Contoso",
        "--start",
        "2019-01-01",
        "--end",
        "2026-11-30",
        "--lot-source",
        "ConsumptionCommitment",
        "--lot-id",
        "G202001083926600XXXXX",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json[0]["billingAccountId"], ACCOUNT_ID);
    assert_eq!(json[0]["billingAccountDisplayName"], "Contoso");
    let source: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
}

#[tokio::test(flavor = "multi_thread")]
async fn scopes_are_exclusive() {
    let fake = with_account().await;
    for args in [
        vec!["lots", "--account", "Contoso", "--profile", "Development"],
        vec!["lots", "--account", "Contoso", "--all"],
        vec!["events", "--account", "Contoso", "--all"],
    ] {
        let out = fake.run(&args);
        assert_eq!(out.code, 2, "{out}");
        assert_eq!(out.stderr.lines().count(), 1, "{out}");
    }
    assert_eq!(fake.request_count().await, 0);
}
