//! `credits lots`.

use crate::support::*;
use serde_json::Value;

fn lots_path() -> String {
    consumption_path(&profile_id(ACCOUNT, DEV_PROFILE), "lots")
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_docs_sample_us_dates_become_iso_and_status_is_derived() {
    let body = for_development(&recording_body(
        "azure-recordings/azure-docs/lots-billingProfile-2019-10-01.DOCS-SAMPLE.json",
    ));
    let fake = development_serving("lots", &body).await;
    let table = fake.run(&["lots", "--profile", "Development", "--as-of", "2020-09-01"]);
    insta::assert_snapshot!(table.to_string());
    let outcome = fake.run(&[
        "lots",
        "-p",
        "Development",
        "--as-of",
        "2020-09-01",
        "--json",
    ]);
    let json = outcome.json();
    assert_eq!(json[0]["startDate"], "2019-09-18T21:47:31Z");
    assert_eq!(json[0]["statusDerived"], true);
    let source: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_derived_status_follows_the_reference_date() {
    let fake = development_serving(
        "lots",
        &for_development(&recording_body(
            "azure-recordings/azure-docs/lots-billingProfile-2019-10-01.DOCS-SAMPLE.json",
        )),
    )
    .await;
    let status = |as_of: &str| {
        let json = fake
            .run(&["lots", "-p", "Development", "--as-of", as_of, "--json"])
            .json();
        json.as_array()
            .unwrap()
            .iter()
            .map(|l| l["status"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(status("2020-01-01"), ["Active", "Active"]);
    assert_eq!(status("2020-09-01"), ["Expiring", "Expiring"]);
    assert_eq!(status("2020-09-19"), ["Expired", "Expired"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_2026_are_sorted_by_expiration_with_api_amounts() {
    let body = example_body(
        "azure-examples/Microsoft.Consumption/2026-06-01/LotsListByBillingProfile.json",
    );
    let fake = development_serving("lots", &body).await;
    let outcome = fake.run(&[
        "lots",
        "-p",
        "Development",
        "--json",
        "--as-of",
        "2024-01-01",
    ]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    // lot2 expires 2023-05-31, lot1 2024-08-01.
    assert_eq!(json[0]["name"], "lot2");
    assert_eq!(json[1]["name"], "lot1");
    assert_eq!(json[0]["closedBalance"]["value"].to_string(), "80.9");
    assert_eq!(
        json[0]["closedBalanceInBillingCurrency"]["exchangeRate"].to_string(),
        "5000"
    );
    let source: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
    let table = fake.run(&["lots", "-p", "Development", "--as-of", "2024-01-01"]);
    insta::assert_snapshot!(table.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_with_api_status_keep_it() {
    let fake = development_serving(
        "lots",
        // An account's lots, moved into this profile's account: a record of another
        // billing account is refused.
        &recording_body(
            "azure-recordings/azure-docs/lots-billingAccount-MACC-2021-05-01.DOCS-SAMPLE.json",
        )
        .replace(
            "9a157b81-xxxx-xxxx-xxxx-xxxxxxxxxxxx:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxx_xxxx-xx-xx",
            ACCOUNT,
        ),
    )
    .await;
    let json = fake.run(&["lots", "-p", "Development", "--json"]).json();
    let statuses: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["status"].as_str().unwrap())
        .collect();
    assert!(statuses.contains(&"Complete"), "{statuses:?}");
    assert!(json
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["statusDerived"] == false));
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_follow_every_page() {
    let fake = Fake::start().await;
    with_development_profile(&fake).await;
    let page = |name: &str, next: Option<String>| {
        let mut body = serde_json::json!({"value": [{"name": name, "properties": {
            "source": "PurchasedCredit", "expirationDate": "2030-01-01T00:00:00Z",
            "closedBalance": {"currency": "USD", "value": 1.5}, "originalAmount": {"currency": "USD", "value": 2}}}]});
        if let Some(next) = next {
            body["nextLink"] = Value::String(next);
        }
        body.to_string()
    };
    fake.serve(
        &lots_path(),
        &page("a", Some(format!("{}/lots-2", fake.uri()))),
    )
    .await;
    fake.serve(
        "/lots-2",
        &page("b", Some(format!("{}/lots-3", fake.uri()))),
    )
    .await;
    fake.serve("/lots-3", &page("c", None)).await;
    let json = fake.run(&["lots", "-p", "Development", "--json"]).json();
    assert_eq!(json.as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn lots_expiring_within_fails_the_check_and_names_the_lots() {
    let fake = development_serving(
        "lots",
        &example_body(
            "azure-examples/Microsoft.Consumption/2019-10-01/LotsListByBillingProfile.json",
        ),
    )
    .await;
    // lot1 expires 2019-11-01 with 60.90 left; lot2 2019-12-31 with 80.90 left.
    let outcome = fake.run(&[
        "lots",
        "-p",
        "Development",
        "--as-of",
        "2019-10-15",
        "--expiring-within",
        "30",
    ]);
    insta::assert_snapshot!(outcome.to_string());
    assert_eq!(outcome.code, 1);
    let ok = fake.run(&[
        "lots",
        "-p",
        "Development",
        "--as-of",
        "2019-10-15",
        "--expiring-within",
        "10",
    ]);
    assert_eq!(ok.code, 0, "{ok}");
    let expired = fake.run(&[
        "lots",
        "-p",
        "Development",
        "--as-of",
        "2020-02-01",
        "--expiring-within",
        "365",
    ]);
    assert_eq!(
        expired.code, 0,
        "already expired lots are not expiring: {expired}"
    );
}
