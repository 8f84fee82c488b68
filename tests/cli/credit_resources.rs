//! Credit resources (`lots --resources`, BillingBenefits 2026-06-01 `applicableCredits`):
//! each lot beside its credit resource (joined by `fundingSystemId`, else by profile,
//! currency, original amount and start day, one to one), the resources that match no lot
//! listed after the lots, the suspension flag, and a 403 that says "not visible".

use crate::support::*;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::Mock;

/// The official example's billing account and profile.
const EXAMPLE_ACCOUNT: &str =
    "1185c37e-d180-5aea-03a3-07e2489791a8:3c9f6394-2029-4f58-bf47-76ebbb03136e_2019-05-31";
const EXAMPLE_PROFILE: &str = "6EB6-D7AQ-BG7-TGB";

fn example_profile() -> String {
    profile_id(EXAMPLE_ACCOUNT, EXAMPLE_PROFILE)
}

fn credits_path() -> String {
    format!(
        "{ACCOUNTS_PATH}/{EXAMPLE_ACCOUNT}/providers/Microsoft.BillingBenefits/applicableCredits"
    )
}

/// A lot of the example's profile.
fn lot(name: &str, amount: &str, start: &str, expires: &str, left: &str) -> Value {
    json!({
        "name": name,
        "type": "Microsoft.Consumption/lots",
        "id": format!("{}/providers/Microsoft.Consumption/lots/{name}", example_profile()),
        "properties": {
            "source": "PromotionalCredit",
            "startDate": start,
            "expirationDate": expires,
            "originalAmount": {"currency": "USD", "value": serde_json::from_str::<Value>(amount).expect("a number")},
            "closedBalance": {"currency": "USD", "value": serde_json::from_str::<Value>(left).expect("a number")},
            "creditCurrency": "USD",
            "billingCurrency": "USD"
        }
    })
}

/// The profile "Credits" with `lots`, and its account's credit resources answering `credits`.
async fn with_lots(lots: &[Value]) -> Fake {
    let fake = Fake::start().await;
    fake.accounts(&accounts_body(&[(
        EXAMPLE_ACCOUNT,
        "Contoso",
        &[(EXAMPLE_PROFILE, "Credits", "USD")],
    )]))
    .await;
    fake.serve(
        &consumption_path(&example_profile(), "lots"),
        &json!({ "value": lots }).to_string(),
    )
    .await;
    fake
}

/// The official `applicableCredits` example's body.
fn example_body_text() -> String {
    example_body(
        "azure-examples/Microsoft.BillingBenefits/2026-06-01/CreditListApplicableCredits.json",
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_example_joins_its_lot_by_profile_currency_amount_and_start() {
    // The example's credit: 20000 USD from 2023-07-01 to 2024-07-01 for profile 6EB6-...
    let fake = with_lots(&[lot(
        "G100",
        "20000",
        "2023-07-01T00:00:00Z",
        "2024-07-01T23:59:59Z",
        "18749.50",
    )])
    .await;
    fake.serve(&credits_path(), &example_body_text()).await;
    let out = fake.run(&[
        "lots",
        "-p",
        "Credits",
        "--resources",
        "--as-of",
        "2024-01-15",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    let lots = json["lots"].as_array().expect("lots");
    assert_eq!(lots.len(), 1, "{json}");
    assert_eq!(lots[0]["name"], "G100");
    assert_eq!(lots[0]["suspendsBillingProfile"], false);
    let resource = &lots[0]["creditResource"];
    assert_eq!(
        resource,
        &exact(
            r#"{
            "id": "/subscriptions/30000000-0000-0000-0000-000000000000/resourceGroups/testrg/providers/Microsoft.BillingBenefits/credits/testprimarydiscount",
            "name": "testprimarydiscount",
            "displayName": "Test Credit",
            "subscriptionId": "30000000-0000-0000-0000-000000000000",
            "resourceGroup": "testrg",
            "status": "Succeeded",
            "expirationPolicy": null,
            "credit": {"value": 20000, "currency": "USD"},
            "consumed": {"value": 1250.5, "currency": "USD"},
            "startAt": "2023-07-01T00:00:00Z",
            "endAt": "2024-07-01T23:59:59Z",
            "fundingSystemId": null,
            "systemId": "13810867107109237",
            "billingAccountId": "/providers/Microsoft.Billing/billingAccounts/12345678",
            "billingProfileId": "/providers/Microsoft.Billing/billingAccounts/1185c37e-d180-5aea-03a3-07e2489791a8:3c9f6394-2029-4f58-bf47-76ebbb03136e_2019-05-31/billingProfiles/6EB6-D7AQ-BG7-TGB",
            "customerId": "/providers/Microsoft.Billing/billingAccounts/1185c37e-d180-5aea-03a3-07e2489791a8:3c9f6394-2029-4f58-bf47-76ebbb03136e_2019-05-31/customers/5334c5c9-e4b0-4170-a015-fa8fff5c226a",
            "matchedBy": "terms"
        }"#
        )
    );
    assert_eq!(json["unmatchedCreditResources"], json!([]));
    assert_eq!(json["creditResourcesRead"], true);
    // The remaining credit is the lot's: the resource's figures never replace it.
    assert_eq!(
        lots[0]["closedBalance"],
        exact(r#"{"value": 18749.50, "currency": "USD"}"#)
    );

    let table = fake.run(&[
        "lots",
        "-p",
        "Credits",
        "--resources",
        "--as-of",
        "2024-01-15",
    ]);
    assert_eq!(table.code, 0, "{table}");
    for shown in ["testprimarydiscount", "Succeeded", "18,749.50"] {
        assert!(table.stdout.contains(shown), "{shown} in {table}");
    }
}

/// A credit that suspends the profile, named by its funding id; one that matches no lot.
fn suspending_and_orphan() -> String {
    json!({"value": [
        {
            "name": "c1", "type": "Microsoft.BillingBenefits/applicableCredits",
            "id": "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.BillingBenefits/applicableCredits/1",
            "properties": {
                "resourceId": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/credits-rg/providers/Microsoft.BillingBenefits/credits/startup-credit",
                "billingProfileResourceId": example_profile().to_lowercase(),
                "fundingSystemId": "G200",
                "credit": {"amount": 5000, "currencyCode": "USD"},
                "startAt": "2025-09-01T00:00:00Z", "endAt": "2027-01-31T00:00:00Z",
                "status": "Active",
                "policies": {"expiration": "SuspendBillingProfile", "redemption": "AutoRedeem"}
            }
        },
        {
            "name": "c2", "type": "Microsoft.BillingBenefits/applicableCredits",
            "id": "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.BillingBenefits/applicableCredits/2",
            "properties": {
                "resourceId": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/credits-rg/providers/Microsoft.BillingBenefits/credits/pending-credit",
                "billingProfileResourceId": example_profile(),
                "displayName": "Pending credit",
                "credit": {"amount": 750, "currencyCode": "USD"},
                "startAt": "2026-12-01T00:00:00Z", "endAt": "2027-11-30T00:00:00Z",
                "status": "Pending",
                "policies": {"expiration": "None"}
            }
        },
        {
            "name": "c3", "type": "Microsoft.BillingBenefits/applicableCredits",
            "id": "/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.BillingBenefits/applicableCredits/3",
            "properties": {
                "resourceId": "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/credits-rg/providers/Microsoft.BillingBenefits/credits/another-profiles",
                "billingProfileResourceId": profile_id(EXAMPLE_ACCOUNT, "OTHER"),
                "credit": {"amount": 1, "currencyCode": "USD"}
            }
        }
    ]})
    .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_credit_that_suspends_the_profile_is_flagged_and_unmatched_resources_are_listed() {
    let fake = with_lots(&[lot(
        "G200",
        "5000",
        "2025-09-01T00:00:00Z",
        "2027-01-31T00:00:00Z",
        "1200.00",
    )])
    .await;
    fake.serve(&credits_path(), &suspending_and_orphan()).await;
    let args = [
        "lots",
        "-p",
        "Credits",
        "--resources",
        "--as-of",
        "2026-12-07",
    ];
    let out = fake.run(&[&args[..], &["--json"]].concat());
    // The flag changes no exit code.
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(
        json["lots"][0]["creditResource"]["matchedBy"],
        "fundingSystemId"
    );
    assert_eq!(json["lots"][0]["suspendsBillingProfile"], true);
    assert_eq!(
        json["lots"][0]["creditResource"]["expirationPolicy"],
        "SuspendBillingProfile"
    );
    // Another profile's credit is not this profile's to list.
    let unmatched = json["unmatchedCreditResources"].as_array().expect("a list");
    assert_eq!(unmatched.len(), 1, "{json}");
    assert_eq!(unmatched[0]["name"], "pending-credit");

    let table = fake.run(&args);
    assert_eq!(table.code, 0, "{table}");
    assert!(table.stdout.contains("unmatched"), "{table}");
    assert!(
        table.stdout.contains("suspends the billing profile"),
        "{table}"
    );
    assert!(table.stdout.contains("Pending credit"), "{table}");
    // Never added to a balance: the unmatched resource's Remaining cell is empty.
    let header: Vec<&str> = table
        .stdout
        .lines()
        .next()
        .unwrap_or("")
        .split('|')
        .map(str::trim)
        .collect();
    let remaining = header
        .iter()
        .position(|t| *t == "Remaining")
        .expect("a Remaining column");
    let unmatched_row = table
        .stdout
        .lines()
        .find(|line| line.contains("Pending credit"))
        .expect("the unmatched row");
    let cells: Vec<&str> = unmatched_row.split('|').map(str::trim).collect();
    assert_eq!(cells[remaining], "-", "{table}");

    // Outside the window (30 days), no flag; --expiring-within is still the lots' check.
    let narrow = fake.run(&[&args[..], &["--expiring-within", "30", "--json"]].concat());
    assert_eq!(narrow.code, 0, "{narrow}");
    assert_eq!(narrow.json()["lots"][0]["suspendsBillingProfile"], false);
    let wide = fake.run(&[&args[..], &["--expiring-within", "60"]].concat());
    assert_eq!(wide.code, 1, "{wide}");

    let csv = fake.run(&[&args[..], &["-o", "csv"]].concat());
    assert_eq!(csv.code, 0, "{csv}");
    let header = csv.stdout.lines().next().expect("a header");
    assert!(
        header.ends_with("creditResourceMatch,creditResourceId,creditResourceSubscriptionId,creditResourceGroup,creditResourceStatus,creditResourceExpirationPolicy,suspendsBillingProfile"),
        "{header}"
    );
    assert!(
        header.starts_with("billingProfileId,name,source,"),
        "{header}"
    );
    assert!(csv.stdout.contains(",unmatched,"), "{csv}");
}

#[tokio::test(flavor = "multi_thread")]
async fn credit_resources_are_read_page_by_page() {
    let fake = with_lots(&[]).await;
    let next = format!(
        "{}{}?api-version=2026-06-01&$skiptoken=2",
        fake.uri(),
        credits_path()
    );
    let first = json!({"value": [], "nextLink": next}).to_string();
    Mock::given(method("GET"))
        .and(path(credits_path()))
        .and(query_param("$skiptoken", "2"))
        .respond_with(json_response(&example_body_text()))
        .with_priority(1)
        .mount(&fake.server)
        .await;
    fake.serve(&credits_path(), &first).await;
    let out = fake.run(&["lots", "-p", "Credits", "--resources", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let unmatched = out.json()["unmatchedCreditResources"].clone();
    assert_eq!(unmatched.as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(unmatched[0]["name"], "testprimarydiscount");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_403_on_credit_resources_says_not_visible_and_prints_the_lots() {
    let fake = with_lots(&[lot(
        "G100",
        "20000",
        "2023-07-01T00:00:00Z",
        "2027-07-01T00:00:00Z",
        "100",
    )])
    .await;
    forbid(&fake, &credits_path()).await;
    let out = fake.run(&["lots", "-p", "Credits", "--resources", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr.contains(
            "credit resources not visible (Azure RBAC Reader on the subscription reads them)"
        ),
        "{out}"
    );
    assert!(!out.stderr.contains("no credit"), "{out}");
    let json = out.json();
    assert_eq!(json["creditResourcesRead"], false);
    assert_eq!(json["lots"][0]["name"], "G100");
    assert_eq!(json["lots"][0]["creditResource"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_resources_lots_make_no_request_to_billing_benefits() {
    let fake = with_lots(&[]).await;
    forbid(&fake, &credits_path()).await;
    let out = fake.run(&["lots", "-p", "Credits", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(!out.stderr.contains("not visible"), "{out}");
    assert_eq!(fake.request_count().await, 2, "the listing and the lots");
}

#[tokio::test(flavor = "multi_thread")]
async fn resources_are_refused_for_a_sweep_of_customers() {
    let out =
        credits_command(&["lots", "--all-customers", "--account", "x", "--resources"]).output();
    let out = out.expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--resources"), "{stderr}");
}

/// The "Credits" profile's balance summary (its lots and credit resources as the test serves).
async fn with_balance(fake: &Fake) {
    fake.serve(
        &consumption_path(&example_profile(), "credits/balanceSummary"),
        r#"{"properties": {"balanceSummary": {"estimatedBalance": {"currency": "USD", "value": 1200.00},
            "currentBalance": {"currency": "USD", "value": 1200.00}}}}"#,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn balance_and_report_details_flag_a_credit_that_suspends_the_profile() {
    let fake = with_lots(&[lot(
        "G200",
        "5000",
        "2025-09-01T00:00:00Z",
        "2027-01-31T00:00:00Z",
        "1200.00",
    )])
    .await;
    with_balance(&fake).await;
    fake.serve(&credits_path(), &suspending_and_orphan()).await;
    let details = [
        "balance",
        "-p",
        "Credits",
        "--details",
        "--as-of",
        "2026-12-07",
    ];
    let out = fake.run(&[&details[..], &["--json"]].concat());
    assert_eq!(out.code, 0, "{out}");
    let flags = &out.json()["suspensionFlags"];
    assert_eq!(flags.as_array().map(Vec::len), Some(1), "{out}");
    assert_eq!(flags[0]["lot"], "G200");
    assert_eq!(flags[0]["creditResourceName"], "startup-credit");
    assert_eq!(flags[0]["expires"], "2027-01-31T00:00:00Z");
    assert_eq!(
        flags[0]["remaining"],
        exact(r#"{"value": 1200.00, "currency": "USD"}"#)
    );
    // The flag changes no figure: the balance is Azure's.
    assert_eq!(
        out.json()["estimatedBalance"],
        exact(r#"{"value": 1200.00, "currency": "USD"}"#)
    );

    let table = fake.run(&details);
    assert_eq!(table.code, 0, "{table}");
    assert!(
        table
            .stdout
            .contains("Credit resource startup-credit (lot G200) expires 2027-01-31: its expiry suspends the billing profile"),
        "{table}"
    );
    // A gate that passes stays passed: the flag changes no exit code.
    let gated = fake.run(&[&details[..], &["--min", "100"]].concat());
    assert_eq!(gated.code, 0, "{gated}");

    // Outside --expiring-within's window, no flag (and the lots' check is the one judged).
    let narrow = fake.run(&[&details[..], &["--expiring-within", "30", "--json"]].concat());
    assert_eq!(narrow.code, 0, "{narrow}");
    assert_eq!(narrow.json()["suspensionFlags"], json!([]));

    fake.serve(
        &consumption_path(&example_profile(), "events"),
        r#"{"value": []}"#,
    )
    .await;
    let report = fake.run(&[
        "report",
        "-p",
        "Credits",
        "--details",
        "--as-of",
        "2026-12-07",
    ]);
    assert!(
        report
            .stdout
            .contains("its expiry suspends the billing profile"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_403_on_credit_resources_in_balance_details_is_one_note() {
    let fake = with_lots(&[]).await;
    with_balance(&fake).await;
    forbid(&fake, &credits_path()).await;
    let out = fake.run(&["balance", "-p", "Credits", "--details", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stderr.contains(
            "credit resources not visible (Azure RBAC Reader on the subscription reads them)"
        ),
        "{out}"
    );
    assert!(out.json().get("suspensionFlags").is_none(), "{out}");

    // A plain balance asks nothing of BillingBenefits.
    let plain = Fake::start().await;
    plain
        .accounts(&accounts_body(&[(
            EXAMPLE_ACCOUNT,
            "Contoso",
            &[(EXAMPLE_PROFILE, "Credits", "USD")],
        )]))
        .await;
    with_balance(&plain).await;
    forbid(&plain, &credits_path()).await;
    let out = plain.run(&["balance", "-p", "Credits"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        plain.request_count().await,
        2,
        "the listing and the balance"
    );
}

/// A credit resource of an official example, as `credits` writes it in JSON.
fn converted(body: &Value) -> Value {
    let raw: credits::model::wire::CreditResource =
        serde_json::from_str(&body.to_string()).expect("the example reads");
    let resource =
        credits::model::credit_resource::CreditResource::from_wire(raw).expect("it converts");
    serde_json::to_value(&resource).expect("it writes")
}

#[test]
fn the_official_credit_get_and_list_by_subscription_examples_read_exactly() {
    let expected = exact(
        r#"{
        "id": "/subscriptions/97ee05f2-07d5-494d-908c-081a197f4277/resourceGroups/resource_group_name_01/providers/Microsoft.BillingBenefits/credits/credit_20231212",
        "name": "credit_20231212",
        "displayName": "Test Credit",
        "subscriptionId": "97ee05f2-07d5-494d-908c-081a197f4277",
        "resourceGroup": "resource_group_name_01",
        "status": "Pending",
        "expirationPolicy": null,
        "credit": {"value": 20000, "currency": "USD"},
        "consumed": {"value": 1250.5, "currency": "USD"},
        "startAt": "2023-12-12T00:00:00Z",
        "endAt": "2024-12-12T00:00:00Z",
        "fundingSystemId": null,
        "systemId": "CR-20250901-00000001",
        "billingAccountId": "/providers/Microsoft.Billing/billingAccounts/{enrollmentId}",
        "billingProfileId": null,
        "customerId": "/providers/Microsoft.Billing/billingAccounts/00000000-0000-0000-0000-000000000000:11111111-1111-1111-1111-111111111111_2025-10-28/customers/22222222-2222-2222-2222-222222222222"
    }"#,
    );
    let get: Value = serde_json::from_str(&example_body(
        "azure-examples/Microsoft.BillingBenefits/2026-06-01/CreditGet.json",
    ))
    .expect("JSON");
    assert_eq!(converted(&get), expected);
    // Listed by subscription, the same credit's id has no resource group.
    let listed: Value = serde_json::from_str(&example_body(
        "azure-examples/Microsoft.BillingBenefits/2026-06-01/CreditsListBySubscription.json",
    ))
    .expect("JSON");
    let mut without_group = expected.clone();
    without_group["id"] = json!("/subscriptions/97ee05f2-07d5-494d-908c-081a197f4277/providers/Microsoft.BillingBenefits/credits/credit_20231212");
    without_group["resourceGroup"] = Value::Null;
    assert_eq!(converted(&listed["value"][0]), without_group);
}
