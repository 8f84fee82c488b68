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

/// The three reads of a forecast at customer scope, each in the API version Azure serves
/// there (balance and events 2019-10-01, lots 2024-08-01).
async fn customer_forecast_inputs(fake: &Fake) {
    let customer = format!("{MPA}/customers/2468");
    // Written as text: amounts keep the digits Azure sends (95.10, not 95.1).
    let balance = format!(
        r#"{{"id": "{customer}/providers/Microsoft.Consumption/credits/balanceSummary/x",
            "type": "Microsoft.Consumption/credits/balanceSummary",
            "properties": {{"balanceSummary": {{
                "estimatedBalance": {{"currency": "GBP", "value": 95.10}},
                "currentBalance": {{"currency": "GBP", "value": 130.00}}}},
                "pendingEligibleCharges": {{"currency": "GBP", "value": -34.90}}}}}}"#
    );
    let lots = format!(
        r#"{{"value": [{{"id": "{customer}/providers/Microsoft.Consumption/lots/L1", "name": "L1",
            "type": "Microsoft.Consumption/lots",
            "properties": {{"source": "Azure Credit Offer", "status": "Active",
                "startDate": "2026-01-01T00:00:00Z", "expirationDate": "2027-01-15T00:00:00Z",
                "originalAmount": {{"currency": "GBP", "value": 500.00}},
                "closedBalance": {{"currency": "GBP", "value": 130.00}}}}}}]}}"#
    );
    let events = format!(
        r#"{{"value": [{{"id": "{customer}/providers/Microsoft.Consumption/events/E1", "name": "E1",
            "type": "Microsoft.Consumption/events",
            "properties": {{"transactionDate": "2026-11-01T00:00:00Z", "eventType": "SettledCharges",
                "charges": {{"currency": "GBP", "value": -60.00}},
                "closedBalance": {{"currency": "GBP", "value": 130.00}}}}}}]}}"#
    );
    let served = [
        ("credits/balanceSummary", "2019-10-01", balance),
        ("lots", "2024-08-01", lots),
        ("events", "2019-10-01", events),
    ];
    for (what, version, body) in served {
        Mock::given(method("GET"))
            .and(path(format!(
                "{customer}/providers/Microsoft.Consumption/{what}"
            )))
            .and(query_param("api-version", version))
            .respond_with(json_response(&body))
            .mount(&fake.server)
            .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn forecast_customer_reads_the_customers_balance_lots_and_events() {
    let fake = partner().await;
    customer_forecast_inputs(&fake).await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "forecast",
        "--customer",
        "Zürich Labs",
    ]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.starts_with("Customer: Zürich Labs ("), "{out}");
    assert!(out.stdout.contains("95.10 GBP"), "{out}");
    let json = fake.run(&[
        "--as-of",
        "2026-12-01",
        "forecast",
        "--customer",
        "2468",
        "--json",
    ]);
    assert_eq!(json.code, 0, "{json}");
    let value = json.json();
    assert_eq!(value["customer"]["name"], "2468");
    assert!(value.get("billingProfile").is_none(), "{value}");
    assert_eq!(
        value["inputs"]["balance"]["estimatedBalance"]["value"].to_string(),
        "95.10"
    );
    // A check in another currency than the customer's is bad input, before any output.
    let other = fake.run(&[
        "--as-of",
        "2026-12-01",
        "forecast",
        "--customer",
        "2468",
        "--max-unused",
        "10USD",
    ]);
    assert_eq!(other.code, 2, "{other}");
    assert_eq!(other.stdout, "", "{other}");
}

#[tokio::test(flavor = "multi_thread")]
async fn report_customer_is_one_page_with_the_customers_checks() {
    let fake = partner().await;
    customer_forecast_inputs(&fake).await;
    let out = fake.run(&[
        "--as-of",
        "2026-12-01",
        "report",
        "--customer",
        "zürich labs",
        "--min",
        "100",
        "--expiring-within",
        "60",
    ]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stdout.starts_with("# Azure credits, 2026-12-01"),
        "{out}"
    );
    assert!(out.stdout.contains("| Zürich Labs | --min "), "{out}");
    assert_eq!(
        out.stderr.trim_end(),
        "check failed: 2 checks failed: --min: estimated balance 95.10 GBP is below the minimum 100 GBP by 4.90 GBP; --expiring-within: 1 lot(s) with credit left expire within 60 days: Azure Credit Offer (L1) with 130.00 GBP left expires 2027-01-15",
        "{out}"
    );
    // The JSON names the customer as forecast --customer does.
    let json = fake.run(&[
        "--as-of",
        "2026-12-01",
        "report",
        "--customer",
        "2468",
        "--json",
    ]);
    assert_eq!(json.code, 0, "{json}");
    let value = json.json();
    assert_eq!(value["profiles"][0]["customer"]["name"], "2468", "{json}");
    assert!(
        value["profiles"][0].get("billingProfile").is_none(),
        "{json}"
    );
}

/// A scope Azure does not serve for a command is exit 2, naming the scopes it reads, before
/// any request (the fake counts them).
#[tokio::test(flavor = "multi_thread")]
async fn a_scope_a_command_does_not_read_is_refused_before_any_request() {
    let fake = Fake::start().await;
    // (`balance`, `forecast` and `verify --account` read an Enterprise Agreement enrollment:
    // an MCA account is refused after the lookup, in tests/cli/prepayment.rs.)
    let out = fake.run(&["report", "--account", "Contoso"]);
    assert_eq!(out.code, 2, "{out}");
    assert_eq!(out.stdout, "", "{out}");
    assert!(
        out.stderr
            .contains("credits report does not read a billing account")
            && out
                .stderr
                .contains("it reads --profile, --all or --customer"),
        "{out}"
    );
    // A full id given to the wrong flag says which flag takes it.
    let out = fake.run(&["balance", "--profile", &format!("{MPA}/customers/2468")]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains("is a customer id; pass it with --customer"),
        "{out}"
    );
    assert_eq!(fake.request_count().await, 0);
}
