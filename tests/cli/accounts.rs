//! `credits accounts`, and how profile lists of every API version are read.

use crate::support::*;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn accounts_table_and_json_from_2019_preview_plain_arrays() {
    let fake = Fake::start().await;
    fake.accounts(&example_body(
        "azure-examples/Microsoft.Billing/2019-10-01-preview/BillingAccountsListWithExpand.json",
    ))
    .await;
    let table = fake.run(&["accounts"]);
    insta::assert_snapshot!(table.to_string());
    let json = fake.run(&["accounts", "--json"]).json();
    let accounts = json.as_array().unwrap();
    assert!(accounts.iter().all(|a| a["billingProfiles"].is_array()));
    assert_eq!(accounts[0]["agreementType"], "MicrosoftCustomerAgreement");
    assert_eq!(accounts[0]["hasCredits"], true);
    // Plain arrays are complete: no extra request per account; one per profile whose
    // spending limit is on (its details exist only in Billing 2024-04-01).
    assert_eq!(fake.request_count().await, 2 + 2 * limits_on(&json));
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_with_more_results_list_each_accounts_profiles() {
    let fake = Fake::start().await;
    let body = example_body(
        "azure-examples/Microsoft.Billing/2020-05-01/BillingAccountsListWithExpand.json",
    );
    fake.accounts(&body).await;
    let profiles = example_body(
        "azure-examples/Microsoft.Billing/2020-05-01/BillingProfilesListByBillingAccount.json",
    );
    let accounts: Value = serde_json::from_str(&body).unwrap();
    let mut mca = 0;
    for account in accounts["value"].as_array().unwrap() {
        if account["properties"]["agreementType"] == "MicrosoftCustomerAgreement" {
            mca += 1;
        }
        let id = account["id"].as_str().unwrap();
        fake.serve(&format!("{id}/billingProfiles"), &profiles)
            .await;
    }
    let outcome = fake.run(&["accounts", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let json = outcome.json();
    let first = &json[0]["billingProfiles"];
    assert_eq!(first[0]["displayName"], "BillingProfile1");
    // One list request, then one profile list per MCA account whose expansion was partial,
    // and one read of each profile whose spending limit is on.
    assert_eq!(fake.request_count().await, 1 + mca + limits_on(&json));
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_2024_without_expansion_fall_back_to_listing_profiles() {
    let fake = Fake::start().await;
    let body = example_body("azure-examples/Microsoft.Billing/2024-04-01/billingAccountsList.json");
    fake.accounts(&body).await;
    let profiles = example_body(
        "azure-examples/Microsoft.Billing/2024-04-01/billingProfilesListByBillingAccount.json",
    );
    let accounts: Value = serde_json::from_str(&body).unwrap();
    for account in accounts["value"].as_array().unwrap() {
        let id = account["id"].as_str().unwrap();
        fake.serve(&format!("{id}/billingProfiles"), &profiles)
            .await;
    }
    let outcome = fake.run(&["accounts"]);
    insta::assert_snapshot!(outcome.to_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_recorded_2020_unexpanded_list_falls_back() {
    let fake = Fake::start().await;
    let body =
        recording_body("azure-recordings/azure-sdk-for-net/billingAccounts-list-2020-05-01.json");
    fake.accounts(&body).await;
    let account: Value = serde_json::from_str(&body).unwrap();
    let id = account["value"][0]["id"].as_str().unwrap().to_string();
    fake.serve(
        &format!("{id}/billingProfiles"),
        &recording_body("azure-recordings/azure-sdk-for-net/billingProfiles-list-2020-05-01.json"),
    )
    .await;
    let outcome = fake.run(&["accounts", "--json"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    let profiles = outcome.json()[0]["billingProfiles"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(profiles, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_partner_agreement_is_marked_without_credits() {
    let fake = Fake::start().await;
    fake.accounts(&recording_body(
        "azure-recordings/azure-cli/billingAccounts-list-expand-soldTo-billingProfiles-invoiceSections-2020-05-01-mpa.json",
    ))
    .await;
    let outcome = fake.run(&["accounts"]);
    assert_eq!(outcome.code, 0, "{outcome}");
    assert!(outcome.stdout.contains("MPA (no credits)"), "{outcome}");
    let json = fake.run(&["accounts", "--json"]).json();
    assert_eq!(json[0]["hasCredits"], false);
    assert_eq!(json[0]["billingProfiles"].as_array().unwrap().len(), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_empty_list_says_so() {
    let fake = Fake::start().await;
    fake.accounts(r#"{"value": []}"#).await;
    let outcome = fake.run(&["accounts"]);
    insta::assert_snapshot!(outcome.to_string());
    let json = fake.run(&["accounts", "--json"]);
    assert_eq!(json.stdout, "[]\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn accounts_follow_next_link_to_the_last_page() {
    let fake = Fake::start().await;
    let page2 = accounts_body(&[("2222:bbbb", "Second", &[("P2", "Two", "USD")])]);
    let mut page1: Value = serde_json::from_str(&accounts_body(&[(
        "1111:aaaa",
        "First",
        &[("P1", "One", "USD")],
    )]))
    .unwrap();
    page1["nextLink"] = Value::String(format!("{}/accounts-page-2?token=x", fake.uri()));
    fake.accounts(&page1.to_string()).await;
    fake.serve("/accounts-page-2", &page2).await;
    let json = fake.run(&["accounts", "--json"]).json();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["First", "Second"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_without_read_access_are_never_resolved() {
    let fake = Fake::start().await;
    let mut body: Value = serde_json::from_str(&accounts_body(&[(
        ACCOUNT,
        "Contoso",
        &[(DEV_PROFILE, "Development", "USD")],
    )]))
    .unwrap();
    body["value"][0]["properties"]["billingProfiles"]["value"][0]["properties"]["hasReadAccess"] =
        Value::Bool(false);
    fake.accounts(&body.to_string()).await;
    let outcome = fake.run(&["balance", "--profile", "Development"]);
    assert_eq!(outcome.code, 5, "{outcome}");
    let table = fake.run(&["accounts"]);
    assert!(
        table.stdout.contains("Development (no read access)"),
        "{table}"
    );
}

/// The readable profiles whose spending limit is on in an `accounts --json`: each is read
/// once more, at Billing 2024-04-01, for the limit's details.
fn limits_on(accounts: &Value) -> usize {
    accounts
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|account| account["billingProfiles"].as_array().into_iter().flatten())
        .filter(|profile| {
            profile["spendingLimit"]["state"] == "On" && profile["hasReadAccess"] != false
        })
        .count()
}

/// A record of another kind inside an expanded `billingProfiles` (an invoice section) is
/// refused, as on the profile listing, never taken for a profile; agreement types match in
/// any case.
#[tokio::test(flavor = "multi_thread")]
async fn an_invoice_section_among_expanded_profiles_is_refused() {
    let fake = Fake::start().await;
    let mut body: Value = serde_json::from_str(&accounts_body(&[(
        ACCOUNT,
        "Contoso",
        &[(DEV_PROFILE, "Development", "USD")],
    )]))
    .unwrap();
    body["value"][0]["properties"]["agreementType"] = "microsoftcustomeragreement".into();
    body["value"][0]["properties"]["displayName"] = " ".into();
    let kind = "/value/0/properties/billingProfiles/value/0/type";
    if let Some(kind) = body.pointer_mut(kind) {
        *kind = "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections".into();
    }
    fake.accounts(&body.to_string()).await;
    let out = fake.run(&["accounts"]);
    assert_ne!(out.code, 0, "{out}");
    assert!(out.stderr.contains("invoiceSections record"), "{out}");

    let good = Fake::start().await;
    if let Some(kind) = body.pointer_mut(kind) {
        *kind = "Microsoft.Billing/billingAccounts/billingProfiles".into();
    }
    good.accounts(&body.to_string()).await;
    let out = good.run(&["accounts", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.json()[0]["hasCredits"], true, "{out}");
    // Blank text is null.
    assert_eq!(out.json()[0]["displayName"], Value::Null, "{out}");
}
