//! Every official example and every recording is read by the client's parsers, and every
//! amount comes out with exactly the digits that went in.

use crate::support::*;
use chrono::{TimeZone, Utc};
use credits::model::domain::{
    BalanceSummary, BillingProfile, CreditEvent, CreditLot, PaymentsOnAccount, ScopeRef,
};
use credits::model::invoice::{Invoice, InvoiceSummary};
use credits::model::wire;
use serde_json::Value;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Balance,
    Lots,
    Events,
    Accounts,
    Account,
    Profiles,
    Invoices,
    Invoice,
    TransactionSummary,
    /// Payments on account (`availableBalance`): not credit, read beside it.
    Payments,
    /// One billing profile at Billing 2024-04-01, with its spending limits in detail.
    Profile,
    /// An Enterprise Agreement enrollment's Azure Prepayment for one period.
    Prepayment,
    /// Cost Management query answers: read through the binary in `spend.rs`.
    CostQuery,
    /// Cost Details report operations: followed through the binary in `spend_exact.rs`.
    CostDetails,
    /// Credit resources (BillingBenefits): one, or a page of them.
    CreditResources,
    /// A subscription's billing property.
    BillingProperty,
    /// A subscription (Resources).
    Subscription,
    /// A subscription's billing periods.
    BillingPeriods,
}

fn kind_of(name: &str) -> Kind {
    let lower = name.to_ascii_lowercase();
    if lower.contains("query") {
        Kind::CostQuery
    } else if lower.contains("costdetails") {
        Kind::CostDetails
    } else if lower.starts_with("creditget")
        || lower.starts_with("creditlist")
        || lower.starts_with("creditslist")
    {
        Kind::CreditResources
    } else if lower.starts_with("billingpropertyget") {
        Kind::BillingProperty
    } else if lower == "getsubscription.json" {
        Kind::Subscription
    } else if lower.starts_with("billingperiodslist") {
        Kind::BillingPeriods
    } else if lower.starts_with("balancesbybillingaccount") {
        Kind::Prepayment
    } else if lower.starts_with("billingaccountsgetea") {
        Kind::Account
    } else if lower.starts_with("billingprofilesget") {
        Kind::Profile
    } else if lower.starts_with("availablebalance") {
        Kind::Payments
    } else if lower.starts_with("transactionsummary") {
        Kind::TransactionSummary
    } else if lower.starts_with("invoiceslist") {
        Kind::Invoices
    } else if lower.starts_with("invoicesget") {
        Kind::Invoice
    } else if lower.contains("creditsummary") || lower.contains("balancesummary") {
        Kind::Balance
    } else if lower.starts_with("lots") {
        Kind::Lots
    } else if lower.starts_with("events") {
        Kind::Events
    } else if lower.starts_with("billingaccount-get") {
        Kind::Account
    } else if lower.contains("profileslist") || lower.starts_with("billingprofiles") {
        Kind::Profiles
    } else if lower.contains("billingaccounts") {
        Kind::Accounts
    } else {
        panic!("no parser known for fixture {name}")
    }
}

/// Parses `body` as `kind` through the same wire and domain types the client uses, and
/// returns the domain values as JSON.
fn parse(kind: Kind, body: &str) -> Result<Value, String> {
    let as_of = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .unwrap()
        .date_naive();
    let profile = ScopeRef {
        scope: credits::model::scope::Scope::parse(
            "/providers/Microsoft.Billing/billingAccounts/a/billingProfiles/p",
        )
        .expect("a scope id"),
        display_name: None,
        currency: None,
        account_display_name: None,
        standing: None,
    };
    match kind {
        Kind::Balance => {
            let raw: wire::CreditSummary = serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(as_printed_json(&BalanceSummary::from_wire(profile, raw)?))
        }
        Kind::Lots => {
            let page: wire::Page<wire::Lot> =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let lots = page
                .value
                .into_iter()
                .map(CreditLot::from_wire)
                .collect::<Result<Vec<_>, _>>()?;
            let shown: Vec<_> = lots.iter().map(|lot| lot.on(as_of)).collect();
            Ok(as_printed_json(&shown))
        }
        Kind::Events => {
            let page: wire::Page<wire::Event> =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let events = page
                .value
                .into_iter()
                .map(CreditEvent::from_wire)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(as_printed_json(&events))
        }
        Kind::Accounts => {
            let page: wire::Page<wire::BillingAccount> =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(Value::from(page.value.len()))
        }
        Kind::Account => {
            let _: wire::BillingAccount = serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(Value::Null)
        }
        Kind::Invoices => {
            let page: wire::Page<wire::Invoice> =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let invoices = page
                .value
                .into_iter()
                .map(Invoice::from_wire)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(as_printed_json(&invoices))
        }
        Kind::Invoice => {
            let raw: wire::Invoice = serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(as_printed_json(&[Invoice::from_wire(raw)?]))
        }
        Kind::Prepayment => {
            let raw: credits::model::ea::Balance =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let period = credits::model::ea::Period::parse("201702")?;
            let read = credits::model::ea::EaPrepayment::from_wire("123456", None, period, raw)?;
            Ok(as_printed_json(&read))
        }
        Kind::Profile => {
            let raw: wire::BillingProfile =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let detailed: wire::BillingProfile =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let mut profile = BillingProfile::from(raw);
            profile.with_details(detailed)?;
            Ok(as_printed_json(&profile))
        }
        Kind::Payments => {
            let raw: wire::AvailableBalance =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(as_printed_json(&PaymentsOnAccount::from_wire(raw)?))
        }
        Kind::TransactionSummary => {
            let raw: wire::TransactionSummary =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(as_printed_json(&InvoiceSummary::from_wire(raw)?))
        }
        Kind::CreditResources => {
            let records: Vec<wire::CreditResource> =
                match serde_json::from_str::<wire::Page<wire::CreditResource>>(body) {
                    Ok(page) => page.value,
                    Err(_) => vec![serde_json::from_str(body).map_err(|e| e.to_string())?],
                };
            let read = records
                .into_iter()
                .map(credits::model::credit_resource::CreditResource::from_wire)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(as_printed_json(&read))
        }
        Kind::BillingProperty => {
            let raw: wire::BillingProperty =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(as_printed_json(
                &credits::model::subscription::SubscriptionBilling::from_wire(raw),
            ))
        }
        Kind::Subscription => {
            let raw: wire::Subscription = serde_json::from_str(body).map_err(|e| e.to_string())?;
            Ok(as_printed_json(
                &credits::model::subscription::Subscription::from_wire(raw)?,
            ))
        }
        Kind::BillingPeriods => {
            let page: wire::Page<wire::BillingPeriod> =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let periods = page
                .value
                .iter()
                .map(credits::model::subscription::BillingPeriod::from_wire)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::from(periods.len()))
        }
        // The query's table is read by the binary (tests/cli/spend.rs serves every example).
        Kind::CostQuery | Kind::CostDetails => Ok(Value::Null),
        Kind::Profiles => {
            let page: wire::Page<wire::BillingProfile> =
                serde_json::from_str(body).map_err(|e| e.to_string())?;
            let profiles: Vec<BillingProfile> =
                page.value.into_iter().map(BillingProfile::from).collect();
            Ok(as_printed_json(&profiles))
        }
    }
}

/// Domain values as JSON, through the printed text exactly as `--json` prints them.
fn as_printed_json<T: serde::Serialize>(value: &T) -> Value {
    let text = serde_json::to_string(value).expect("domain values serialize");
    serde_json::from_str(&text).expect("and read back")
}

fn json_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "json") {
            found.push(path);
        }
    }
}

#[test]
fn every_official_example_is_read_exactly() {
    let mut files = Vec::new();
    json_files(&fixture_path("azure-examples"), &mut files);
    assert!(files.len() >= 21, "examples are present");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let source: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let body = &source["responses"]["200"]["body"];
        let kind = kind_of(&name);
        let parsed = parse(kind, &body.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        if matches!(
            kind,
            Kind::Balance | Kind::Lots | Kind::Events | Kind::Payments
        ) {
            assert_eq!(
                amount_texts(&parsed),
                amount_texts(body),
                "{name}: amounts changed"
            );
            assert!(!amount_texts(body).is_empty(), "{name} has amounts");
        }
        // Invoices: every amount `credits` reads (payments are not), with Azure's digits.
        if matches!(kind, Kind::Invoices | Kind::Invoice) {
            let mut read = body.clone();
            let records = match read.get_mut("value") {
                Some(Value::Array(items)) => items.iter_mut().collect::<Vec<_>>(),
                _ => vec![&mut read],
            };
            for record in records {
                if let Some(properties) = record["properties"].as_object_mut() {
                    properties.remove("payments");
                }
            }
            assert_eq!(
                amount_texts(&parsed),
                amount_texts(&read),
                "{name}: amounts changed"
            );
            assert!(!amount_texts(&read).is_empty(), "{name} has amounts");
        }
        // The summary's bare numbers become amounts in its billing currency, digits kept.
        // A spending limit's bare number becomes an amount in its currency, digits kept; the
        // profile's standing is kept as Azure wrote it.
        if kind == Kind::Profile {
            let properties = &body["properties"];
            let details = properties["spendingLimitDetails"]
                .as_array()
                .expect("details");
            assert_eq!(
                parsed["spendingLimit"]["details"].as_array().map(Vec::len),
                Some(details.len())
            );
            for (read, sent) in parsed["spendingLimit"]["details"]
                .as_array()
                .into_iter()
                .flatten()
                .zip(details)
            {
                assert_eq!(
                    read["amount"]["value"].to_string(),
                    sent["amount"].to_string(),
                    "{name}"
                );
                assert_eq!(read["amount"]["currency"], sent["currency"], "{name}");
                assert_eq!(read["type"], sent["type"], "{name}");
                assert_eq!(read["status"], sent["status"], "{name}");
            }
            for field in ["status", "statusReasonCode"] {
                assert_eq!(parsed[field], properties[field], "{name}: {field}");
            }
            assert_eq!(
                parsed["spendingLimit"]["state"], properties["spendingLimit"],
                "{name}"
            );
        }
        // Every bare number of a period becomes an amount in its (trimmed) currency, digits
        // kept; the details by name.
        if kind == Kind::Prepayment {
            let properties = &body["properties"];
            for (field, sent) in properties.as_object().expect("properties") {
                if let Value::Number(number) = sent {
                    assert_eq!(
                        parsed[field]["value"].to_string(),
                        number.to_string(),
                        "{name}: {field}"
                    );
                    assert_eq!(parsed[field]["currency"], "USD", "{name}: {field}");
                }
            }
            for field in ["newPurchasesDetails", "adjustmentDetails"] {
                let sent = properties[field].as_array().expect("details");
                let read = parsed[field].as_array().expect("details read");
                assert_eq!(read.len(), sent.len(), "{name}: {field}");
                for (read, sent) in read.iter().zip(sent) {
                    assert_eq!(read["name"], sent["name"], "{name}: {field}");
                    assert_eq!(
                        read["value"]["value"].to_string(),
                        sent["value"].to_string(),
                        "{name}: {field}"
                    );
                }
            }
            assert_eq!(parsed["kind"], "eaPrepayment");
            assert_eq!(parsed["priceHidden"], false);
            assert_eq!(parsed["billingFrequency"], "Month");
        }
        if kind == Kind::TransactionSummary {
            for field in [
                "azureCreditApplied",
                "consumptionCommitmentDecremented",
                "subTotal",
                "tax",
                "total",
            ] {
                assert_eq!(parsed[field]["value"], body[field], "{name} {field}");
                assert_eq!(
                    parsed[field]["currency"], body["billingCurrency"],
                    "{name} {field}"
                );
            }
        }
    }
}

#[test]
fn every_recording_is_read_exactly() {
    let mut files = Vec::new();
    json_files(&fixture_path("azure-recordings"), &mut files);
    assert!(files.len() >= 16, "recordings are present");
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let source: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let body = match &source["body"] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let kind = kind_of(&name);
        let parsed = parse(kind, &body).unwrap_or_else(|e| panic!("{name}: {e}"));
        if matches!(kind, Kind::Balance | Kind::Lots | Kind::Events) {
            let original: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                amount_texts(&parsed),
                amount_texts(&original),
                "{name}: amounts changed"
            );
        }
    }
}

/// The billing-profile scope an example's request names, if it is one.
fn profile_scope(parameters: &Value) -> Option<String> {
    if let Some(scope) = parameters["scope"].as_str() {
        return scope
            .contains("/billingProfiles/")
            .then(|| format!("/{}", scope.trim_start_matches('/')));
    }
    let account = parameters["billingAccountId"].as_str()?;
    let profile = parameters["billingProfileId"].as_str()?;
    Some(profile_id(account, profile))
}

/// Every official Consumption example at billing-profile scope, served where its request
/// says and read through the binary: the record checks (type, billing profile) accept what
/// Microsoft documents, and every amount comes out as it went in.
#[tokio::test(flavor = "multi_thread")]
async fn every_profile_scope_example_passes_the_record_checks() {
    let mut files = Vec::new();
    json_files(
        &fixture_path("azure-examples/Microsoft.Consumption"),
        &mut files,
    );
    let mut checked = 0;
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let source: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let Some(scope) = profile_scope(&source["parameters"]) else {
            continue;
        };
        let (command, what) = match kind_of(&name) {
            Kind::Balance => ("balance", "credits/balanceSummary"),
            Kind::Lots => ("lots", "lots"),
            Kind::Events => ("events", "events"),
            _ => continue,
        };
        let body = source["responses"]["200"]["body"].to_string();
        let fake = Fake::start().await;
        fake.serve(&consumption_path(&scope, what), &body).await;
        let outcome = fake.run(&[command, "--profile", &scope, "--json"]);
        assert_eq!(outcome.code, 0, "{name}: {outcome}");
        let source_body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            amount_texts(&outcome.json()),
            amount_texts(&source_body),
            "{name}: amounts changed"
        );
        checked += 1;
    }
    eprintln!("{checked} examples at billing-profile scope read through the binary");
    assert!(
        checked >= 6,
        "only {checked} examples at billing-profile scope"
    );
}
