//! `balance|lots|events --customer`: partners reading a customer's credit under a Microsoft
//! Partner Agreement account, with the official customer-scope examples.

use crate::support::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const MPA: &str = "/providers/Microsoft.Billing/billingAccounts/1234:5678";

async fn partner() -> Fake {
    let fake = Fake::start().await;
    let accounts = serde_json::json!({"value": [{
        "id": MPA, "name": "1234:5678", "type": "Microsoft.Billing/billingAccounts",
        "properties": {"displayName": "Partner Network", "agreementType": "MicrosoftPartnerAgreement",
                       "hasReadAccess": true, "billingProfiles": {"hasMoreResults": false, "value": []}}
    }]});
    fake.accounts(&accounts.to_string()).await;
    let customers = serde_json::json!({"value": [
        {"id": format!("{MPA}/customers/2468"), "name": "2468", "type": "Microsoft.Billing/billingAccounts/customers",
         "properties": {"displayName": "Zürich Labs"}},
        {"id": format!("{MPA}/customers/4268"), "name": "4268", "type": "Microsoft.Billing/billingAccounts/customers",
         "properties": {"displayName": "Fabrikam"}}
    ]});
    Mock::given(method("GET"))
        .and(path(format!("{MPA}/customers")))
        .respond_with(json_response(&customers.to_string()))
        .mount(&fake.server)
        .await;
    fake
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_balance_is_read_in_2019_10_01_and_names_the_customer() {
    let fake = partner().await;
    let body = example_body(
        "azure-examples/Microsoft.Consumption/2019-10-01/CreditSummaryByCustomer.json",
    );
    Mock::given(method("GET"))
        .and(path(format!(
            "{MPA}/customers/2468/providers/Microsoft.Consumption/credits/balanceSummary"
        )))
        .and(query_param("api-version", "2019-10-01"))
        .respond_with(json_response(&body))
        .mount(&fake.server)
        .await;
    // By display name, written decomposed (NFC makes it match).
    let out = fake.run(&["balance", "--customer", "zu\u{308}rich labs", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let json = out.json();
    assert_eq!(json["customer"]["displayName"], "Zürich Labs");
    assert!(json.get("billingProfile").is_none(), "{json}");
    let source: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(amount_texts(&json), amount_texts(&source));
    let table = fake.run(&["balance", "--customer", &format!("{MPA}/customers/2468")]);
    assert_eq!(table.code, 0, "{table}");
    assert!(table.stdout.starts_with("Customer: "), "{table}");
    let none = fake.run(&["balance", "--customer", "Contoso"]);
    assert_eq!(none.code, 5, "{none}");
    assert!(none.stderr.contains("\"Zürich Labs\" (2468)"), "{none}");
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_events_and_lots_read_the_official_examples() {
    let fake = partner().await;
    let events =
        example_body("azure-examples/Microsoft.Consumption/2019-10-01/EventsListByCustomer.json");
    Mock::given(method("GET"))
        .and(path(format!(
            "{MPA}/customers/4268/providers/Microsoft.Consumption/events"
        )))
        .and(query_param("api-version", "2019-10-01"))
        .respond_with(json_response(&events))
        .mount(&fake.server)
        .await;
    let out = fake.run(&[
        "events",
        "--customer",
        "Fabrikam",
        "--start",
        "2019-09-01",
        "--end",
        "2019-10-31",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{out}");
    let source: serde_json::Value = serde_json::from_str(&events).unwrap();
    assert_eq!(amount_texts(&out.json()), amount_texts(&source));

    let lots =
        example_body("azure-examples/Microsoft.Consumption/2026-06-01/LotsListByCustomer.json");
    Mock::given(method("GET"))
        .and(path(format!(
            "{MPA}/customers/4268/providers/Microsoft.Consumption/lots"
        )))
        .and(query_param("api-version", "2024-08-01"))
        .respond_with(json_response(&lots))
        .mount(&fake.server)
        .await;
    let out = fake.run(&["lots", "--customer", "4268", "--json"]);
    assert_eq!(out.code, 0, "{out}");
    let source: serde_json::Value = serde_json::from_str(&lots).unwrap();
    assert_eq!(amount_texts(&out.json()), amount_texts(&source));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_customer_names_the_partner_roles_and_scopes_are_exclusive() {
    let fake = partner().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "{MPA}/customers/2468/providers/Microsoft.Consumption/credits/balanceSummary"
        )))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"error":{"code":"AuthorizationFailed","message":"no"}}"#),
        )
        .mount(&fake.server)
        .await;
    let out = fake.run(&["balance", "--customer", "2468"]);
    assert_eq!(out.code, 4, "{out}");
    assert!(out.stderr.contains("Admin agent"), "{out}");
    for args in [
        vec!["balance", "--customer", "2468", "--profile", "Development"],
        vec!["balance", "--customer", "2468", "--all"],
        vec!["lots", "--customer", "2468", "--account", "x"],
    ] {
        let out = fake.run(&args);
        assert_eq!(out.code, 2, "{out}");
    }
}

/// Every official account- and customer-scope example is read through the binary with every
/// amount kept exactly.
#[tokio::test(flavor = "multi_thread")]
async fn every_account_and_customer_scope_example_is_read_exactly() {
    let customer = format!("{MPA}/customers/2468");
    let cases: [(&str, &str, Vec<String>); 9] = [
        (
            "2026-06-01/LotsListByBillingAccount.json",
            "lots",
            vec!["lots".into(), "--account".into(), "1234:5678".into()],
        ),
        (
            "2026-06-01/LotsListByBillingAccountWithFilters.json",
            "lots",
            vec!["lots".into(), "--account".into(), "1234:5678".into()],
        ),
        (
            "2026-06-01/EventsGetByBillingAccount.json",
            "events",
            vec!["events".into(), "--account".into(), "1234:5678".into()],
        ),
        (
            "2026-06-01/EventsGetByBillingAccountWithFilters.json",
            "events",
            vec!["events".into(), "--account".into(), "1234:5678".into()],
        ),
        (
            "2019-10-01/LotsListByCustomer.json",
            "lots",
            vec!["lots".into(), "--customer".into(), customer.clone()],
        ),
        (
            "2026-06-01/LotsListByCustomer.json",
            "lots",
            vec!["lots".into(), "--customer".into(), customer.clone()],
        ),
        (
            "2026-06-01/LotsListByCustomerWithFilters.json",
            "lots",
            vec!["lots".into(), "--customer".into(), customer.clone()],
        ),
        (
            "2019-10-01/EventsListByCustomer.json",
            "events",
            vec!["events".into(), "--customer".into(), customer.clone()],
        ),
        (
            "2019-10-01/CreditSummaryByCustomer.json",
            "credits/balanceSummary",
            vec!["balance".into(), "--customer".into(), customer.clone()],
        ),
    ];
    for (file, what, args) in cases {
        let fake = partner().await;
        let body = example_body(&format!("azure-examples/Microsoft.Consumption/{file}"));
        let scope = if args[1] == "--account" {
            MPA.to_string()
        } else {
            customer.clone()
        };
        Mock::given(method("GET"))
            .and(path(format!(
                "{scope}/providers/Microsoft.Consumption/{what}"
            )))
            .respond_with(json_response(&body))
            .mount(&fake.server)
            .await;
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        argv.push("--json");
        if what == "events" {
            argv.extend(["--start", "2000-01-01", "--end", "2030-12-31"]);
        }
        let out = fake.run(&argv);
        assert_eq!(out.code, 0, "{file}: {out}");
        let source: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(amount_texts(&out.json()), amount_texts(&source), "{file}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_name_in_two_partner_accounts_is_ambiguous() {
    let fake = Fake::start().await;
    let account = |name: &str| {
        serde_json::json!({
            "id": format!("/providers/Microsoft.Billing/billingAccounts/{name}"), "name": name,
            "type": "Microsoft.Billing/billingAccounts",
            "properties": {"displayName": format!("Partner {name}"), "agreementType": "MicrosoftPartnerAgreement",
                           "hasReadAccess": true, "billingProfiles": {"hasMoreResults": false, "value": []}}
        })
    };
    fake.accounts(&serde_json::json!({"value": [account("A1"), account("A2")]}).to_string())
        .await;
    for name in ["A1", "A2"] {
        let customers = serde_json::json!({"value": [{
            "id": format!("/providers/Microsoft.Billing/billingAccounts/{name}/customers/C-{name}"),
            "name": format!("C-{name}"),
            "properties": {"displayName": "Northwind"}
        }]});
        Mock::given(method("GET"))
            .and(path(format!(
                "/providers/Microsoft.Billing/billingAccounts/{name}/customers"
            )))
            .respond_with(json_response(&customers.to_string()))
            .mount(&fake.server)
            .await;
    }
    let out = fake.run(&["balance", "--customer", "northwind"]);
    assert_eq!(out.code, 5, "{out}");
    assert!(out.stderr.contains("matches 2 customers"), "{out}");
    assert!(
        out.stderr
            .contains("/billingAccounts/A1/customers/C-A1 (account \"Partner A1\")"),
        "{out}"
    );
    assert!(
        out.stderr.contains("/billingAccounts/A2/customers/C-A2"),
        "{out}"
    );
}
