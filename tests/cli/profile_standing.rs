//! A billing profile's standing: its status (`Active`, `Warned`, `Disabled`) and why, and its
//! spending limit. The listing says status and limit (no request more for a balance); the
//! limits in detail come from Billing 2024-04-01 (`balance --details`, `accounts`). A check on
//! a disabled profile fails, saying why; `Warned` is shown and fails nothing.

use crate::support::*;
use serde_json::{json, Value};

/// The official example's billing account and profile.
const ACCOUNT_NAME: &str =
    "00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000_2019-05-31";
const PROFILE_NAME: &str = "xxxx-xxxx-xxx-xxx";

fn the_profile() -> String {
    profile_id(ACCOUNT_NAME, PROFILE_NAME)
}

/// One MCA account whose one profile ("Billing Profile 1", USD) is listed with `standing`.
async fn listed_with(standing: Value) -> Fake {
    let fake = Fake::start().await;
    let mut properties =
        json!({"displayName": "Billing Profile 1", "currency": "USD", "hasReadAccess": true});
    if let (Some(all), Some(more)) = (properties.as_object_mut(), standing.as_object()) {
        all.extend(more.clone());
    }
    let accounts = json!({"value": [{
        "id": format!("{ACCOUNTS_PATH}/{ACCOUNT_NAME}"),
        "name": ACCOUNT_NAME,
        "type": "Microsoft.Billing/billingAccounts",
        "properties": {
            "displayName": "Contoso", "agreementType": "MicrosoftCustomerAgreement",
            "hasReadAccess": true,
            "billingProfiles": {"hasMoreResults": false, "value": [{
                "id": the_profile(), "name": PROFILE_NAME,
                "type": "Microsoft.Billing/billingAccounts/billingProfiles",
                "properties": properties
            }]}
        }
    }]});
    fake.accounts(&accounts.to_string()).await;
    let usd = |value: &str| json!({"currency": "USD", "value": value.parse::<f64>().unwrap()});
    fake.serve(
        &consumption_path(&the_profile(), "credits/balanceSummary"),
        &json!({"properties": {
            "balanceSummary": {"estimatedBalance": usd("150"), "currentBalance": usd("150")},
            "pendingCreditAdjustments": usd("0"), "expiredCredit": usd("0"),
            "pendingEligibleCharges": usd("0")
        }})
        .to_string(),
    )
    .await;
    fake.serve(
        &consumption_path(&the_profile(), "lots"),
        r#"{"value": []}"#,
    )
    .await;
    fake
}

/// The official 2024-04-01 profile (Warned, PastDue, a FreeAccount limit of 200 USD).
fn profile_example() -> String {
    let example: Value = serde_json::from_str(&fixture_text(
        "azure-examples/Microsoft.Billing/2024-04-01/billingProfilesGet.json",
    ))
    .expect("the example is JSON");
    example["responses"]["200"]["body"].to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_disabled_profile_is_said_under_its_balance_and_fails_every_check() {
    let fake = listed_with(json!({
        "status": "Disabled", "statusReasonCode": "SpendingLimitReached", "spendingLimit": "On"
    }))
    .await;
    let plain = fake.run(&["balance", "-p", "Billing Profile 1"]);
    assert_eq!(plain.code, 0, "{plain}");
    assert!(
        plain.stdout.contains(
            "Status: Disabled (SpendingLimitReached): Azure has stopped this profile's subscriptions"
        ),
        "{plain}"
    );
    // The standing came with the listing: the balance made its one request and no more.
    let before = fake.request_count().await;
    let json = fake.run(&["balance", "-p", "Billing Profile 1", "--json"]);
    assert_eq!(fake.request_count().await - before, 1, "{json}");
    let json = json.json();
    assert_eq!(json["status"], "Disabled");
    assert_eq!(json["statusReasonCode"], "SpendingLimitReached");
    assert_eq!(
        json["spendingLimit"],
        json!({"state": "On", "details": null})
    );

    // 150 USD passes --min 100, but the profile is disabled: exit 1, saying why.
    let gated = fake.run(&[
        "-o",
        "none",
        "balance",
        "-p",
        "Billing Profile 1",
        "--min",
        "100",
    ]);
    assert_eq!(gated.code, 1, "{gated}");
    assert!(
        gated
            .stderr
            .contains("the billing profile is Disabled (SpendingLimitReached)"),
        "{gated}"
    );
    let csv = fake.run(&["balance", "-p", "Billing Profile 1", "-o", "csv"]);
    let mut lines = csv.stdout.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    assert_eq!(
        header[header.len() - 3..],
        ["status", "statusReasonCode", "spendingLimit"],
        "{csv}"
    );
    assert_eq!(
        row[row.len() - 3..],
        ["Disabled", "SpendingLimitReached", "On"],
        "{csv}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_warned_profile_is_shown_and_fails_nothing() {
    let fake = listed_with(json!({"status": "Warned", "statusReasonCode": "PastDue"})).await;
    let out = fake.run(&["balance", "-p", "Billing Profile 1", "--min", "100"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("Status: Warned (PastDue)\n"), "{out}");
    let all = fake.run(&["balance", "--all"]);
    assert_eq!(all.code, 0, "{all}");
    assert!(all.stdout.contains("Warned (PastDue)"), "{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn details_read_the_spending_limit_from_the_official_example() {
    let fake = listed_with(json!({"status": "Active", "spendingLimit": "On"})).await;
    fake.serve(&the_profile(), &profile_example()).await;
    let out = fake.run(&["balance", "-p", "Billing Profile 1", "--details", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    // The profile as read now says Warned (PastDue).
    assert_eq!(json["status"], "Warned");
    assert_eq!(json["statusReasonCode"], "PastDue");
    assert_eq!(
        json["spendingLimit"],
        exact(
            r#"{"state": "On", "details": [{"type": "FreeAccount",
                "amount": {"value": 200.0, "currency": "USD"},
                "startDate": "2018-01-01T00:00:00Z", "endDate": "2019-01-01T00:00:00Z",
                "status": "Active"}]}"#
        )
    );
    let table = fake.run(&["balance", "-p", "Billing Profile 1", "--details"]);
    assert!(
        table.stdout.contains(
            "Spending limit On: FreeAccount 200.00 USD, 2018-01-01 to 2019-01-01, Active"
        ),
        "{table}"
    );

    let accounts = fake.run(&["accounts", "--json"]);
    assert_eq!(accounts.code, 0, "{accounts}");
    let profile = &accounts.json()[0]["billingProfiles"][0];
    assert_eq!(profile["spendingLimit"]["state"], "On");
    assert_eq!(
        profile["spendingLimit"]["details"][0]["type"],
        "FreeAccount"
    );
    assert_eq!(
        profile["spendingLimit"]["details"][0]["amount"],
        exact(r#"{"value": 200.0, "currency": "USD"}"#)
    );
}

/// Spending limits that cannot be read in detail leave the balance and the accounts as they
/// are (said with `-v`).
#[tokio::test(flavor = "multi_thread")]
async fn details_azure_refuses_leave_everything_else() {
    let fake = listed_with(json!({"status": "Active", "spendingLimit": "On"})).await;
    forbid(&fake, &the_profile()).await;
    let out = fake.run(&["balance", "-p", "Billing Profile 1", "--details", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        out.json()["spendingLimit"],
        json!({"state": "On", "details": null})
    );
    assert!(!out.stderr.contains("spending limit"), "{out}");
    let accounts = fake.run(&["-v", "accounts"]);
    assert_eq!(accounts.code, 0, "{accounts}");
    assert!(
        accounts
            .stderr
            .contains("the spending limit's details of billing profile Billing Profile 1 left out"),
        "{accounts}"
    );
}

/// `forecast` and `report` judge a disabled profile as `balance` does.
#[tokio::test(flavor = "multi_thread")]
async fn a_forecast_check_on_a_disabled_profile_fails() {
    let fake = listed_with(json!({"status": "Disabled", "statusReasonCode": "PastDue"})).await;
    fake.serve(
        &consumption_path(&the_profile(), "events"),
        r#"{"value": []}"#,
    )
    .await;
    for command in ["forecast", "report"] {
        let out = fake.run(&[
            "-o",
            "none",
            command,
            "-p",
            "Billing Profile 1",
            "--min",
            "100",
        ]);
        assert_eq!(out.code, 1, "{command}: {out}");
        assert!(
            out.stderr
                .contains("the billing profile is Disabled (PastDue)"),
            "{command}: {out}"
        );
    }
}
