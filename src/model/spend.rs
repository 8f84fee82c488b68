//! What a scope spent, per group (service, subscription, ...) and currency, from the rows of
//! a Cost Management query: costs before credit and tax, summed exactly, the largest groups
//! first, the rest in one "other" group when asked for the top N.

use super::amount::Amount;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// One row of the answer: the value of each grouping (in the order asked), the cost, its
/// currency, and its day when daily.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CostRow {
    pub(crate) groups: Vec<Option<String>>,
    pub(crate) cost: Decimal,
    pub(crate) currency: Option<String>,
    pub(crate) date: Option<NaiveDate>,
    /// Whether credit may pay for it, when the source says so line by line (a Cost Details
    /// report's `isAzureCreditEligible`); `None` from a query, where it is judged by
    /// publisher and product name.
    pub(crate) covered: Option<bool>,
}

/// What `--by` groups by: one or two dimensions of the Query API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupBy {
    Service,
    Subscription,
    ResourceGroup,
    Meter,
    Location,
    Publisher,
    ChargeType,
    InvoiceSection,
}

/// The words `--by` takes, with what each is.
pub(crate) const GROUP_WORDS: [(&str, GroupBy); 8] = [
    ("service", GroupBy::Service),
    ("subscription", GroupBy::Subscription),
    ("resource-group", GroupBy::ResourceGroup),
    ("meter", GroupBy::Meter),
    ("location", GroupBy::Location),
    ("publisher", GroupBy::Publisher),
    ("charge-type", GroupBy::ChargeType),
    ("invoice-section", GroupBy::InvoiceSection),
];

impl GroupBy {
    pub(crate) fn word(self) -> &'static str {
        GROUP_WORDS
            .iter()
            .find(|(_, g)| *g == self)
            .map_or("service", |(w, _)| w)
    }

    /// The Query API's dimensions: a subscription is grouped by its name and its id.
    pub(crate) fn dimensions(self) -> &'static [&'static str] {
        match self {
            GroupBy::Service => &["ServiceName"],
            GroupBy::Subscription => &["SubscriptionName", "SubscriptionId"],
            GroupBy::ResourceGroup => &["ResourceGroup"],
            GroupBy::Meter => &["Meter"],
            GroupBy::Location => &["ResourceLocation"],
            GroupBy::Publisher => &["PublisherType"],
            GroupBy::ChargeType => &["ChargeType"],
            GroupBy::InvoiceSection => &["InvoiceSectionName"],
        }
    }
}

/// `--by`: one word or two separated by a comma, at most two dimensions in all (the Query
/// API's limit; a subscription takes two).
pub(crate) fn parse_group_by(text: &str) -> Result<Vec<GroupBy>, String> {
    let words: Vec<&str> = text.split(',').map(str::trim).collect();
    let known: Vec<&str> = GROUP_WORDS.iter().map(|(w, _)| *w).collect();
    let mut by = Vec::new();
    for word in &words {
        let Some((_, group)) = GROUP_WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
        else {
            return Err(format!(
                "--by {word:?} is not a grouping; use one or two of {}, separated by a comma",
                known.join(", ")
            ));
        };
        if by.contains(group) {
            return Err(format!("--by names {word} twice; give it once"));
        }
        by.push(*group);
    }
    let dimensions: usize = by.iter().map(|g| g.dimensions().len()).sum();
    if by.len() > 2 || dimensions > 2 {
        return Err(format!(
            "--by {text} needs {dimensions} groupings, but Cost Management takes at most two (a subscription is grouped by its name and its id); group by fewer"
        ));
    }
    Ok(by)
}

/// One group's cost on one day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DailyCost {
    pub(crate) date: NaiveDate,
    pub(crate) cost: Amount,
}

/// What one group spent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SpendGroup {
    /// What identifies the group: its value (a subscription's id), the values of two
    /// groupings joined by ` / `; `other` for the rest after `--top`.
    pub(crate) key: String,
    /// The group for people: a subscription's name, or the key.
    pub(crate) name: String,
    pub(crate) cost: Amount,
    /// With `--not-covered`: the part of the cost credit never covers.
    pub(crate) not_covered: Option<Amount>,
    /// With `--granularity daily`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) daily: Option<Vec<DailyCost>>,
}

/// What a scope spent in one currency.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spend {
    pub(crate) currency: Option<String>,
    pub(crate) groups: Vec<SpendGroup>,
    pub(crate) total: Amount,
    /// With `--not-covered`: what credit never covers, in all.
    pub(crate) not_covered: Option<Amount>,
    /// With `--granularity daily`: the total of each day.
    pub(crate) daily: Option<Vec<DailyCost>>,
}

/// What one scope spent (a document per currency), with its credit beside it.
#[derive(Debug, Clone)]
pub(crate) struct ScopeSpend {
    pub(crate) spend: Vec<Spend>,
    /// The estimated balance (profiles and customers).
    pub(crate) credit_balance: Option<Amount>,
    /// For a closed month: the credit its invoices applied (profiles and accounts).
    pub(crate) credit_applied: Option<Amount>,
    /// Whether the costs may still change: always from a query; from reports, unless every
    /// month is final (invoiced).
    pub(crate) estimate: bool,
}

/// What one group adds up to so far.
#[derive(Default)]
struct Sum {
    name: String,
    cost: Decimal,
    not_covered: Decimal,
    days: BTreeMap<NaiveDate, Decimal>,
}

impl Sum {
    fn add(&mut self, other: &Sum) -> Result<(), String> {
        let overflow = || "a sum of costs overflows".to_string();
        self.cost = self.cost.checked_add(other.cost).ok_or_else(overflow)?;
        self.not_covered = self
            .not_covered
            .checked_add(other.not_covered)
            .ok_or_else(overflow)?;
        for (date, value) in &other.days {
            let day = self.days.entry(*date).or_insert(Decimal::ZERO);
            *day = day.checked_add(*value).ok_or_else(overflow)?;
        }
        Ok(())
    }
}

/// The rows summed per currency and group, the largest groups first; with `top`, the groups
/// after the first `top` summed into one "other" group. With `not_covered`, each row carries
/// its publisher as a last grouping, and what credit never covers is summed apart: anything
/// not published by Microsoft (a `PublisherType` other than Azure or Microsoft), or a line its source says credit cannot pay for (`CostRow::covered`), and, grouped by service
/// or meter, the products of Microsoft's list (`not_covered_product`).
pub(crate) fn summarise(
    rows: &[CostRow],
    by: &[GroupBy],
    top: Option<usize>,
    daily: bool,
    not_covered: bool,
) -> Result<Vec<Spend>, String> {
    let by_product = matches!(by, [GroupBy::Service] | [GroupBy::Meter]);
    let mut per_currency: BTreeMap<Option<String>, BTreeMap<String, Sum>> = BTreeMap::new();
    for row in rows {
        let (key, name) = group_of(row, by);
        let uncovered = not_covered
            && match row.covered {
                Some(covered) => !covered,
                None => {
                    let publisher = row.groups.last().and_then(Option::as_deref).unwrap_or("");
                    let third_party = !publisher.is_empty() && !first_party(publisher);
                    third_party || (by_product && not_covered_product(&name).is_some())
                }
            };
        let one = Sum {
            name: name.clone(),
            cost: row.cost,
            // Nothing of it, in the cost's own digits (0.00, not 0).
            not_covered: if uncovered {
                row.cost
            } else {
                Decimal::new(0, row.cost.scale())
            },
            days: row.date.map(|d| (d, row.cost)).into_iter().collect(),
        };
        per_currency
            .entry(row.currency.clone())
            .or_default()
            .entry(key)
            .or_insert_with(|| Sum {
                name,
                ..Sum::default()
            })
            .add(&one)?;
    }
    let mut out = Vec::new();
    for (currency, sums) in per_currency {
        let amount = |value: Decimal| Amount::new(value, currency.as_deref());
        let mut groups: Vec<(String, Sum)> = sums.into_iter().collect();
        groups.sort_by(|a, b| {
            b.1.cost
                .cmp(&a.1.cost)
                .then_with(|| a.1.name.cmp(&b.1.name))
        });
        let mut total = Sum::default();
        for (_, group) in &groups {
            total.add(group)?;
        }
        if let Some(top) = top.filter(|top| groups.len() > *top) {
            let rest = groups.split_off(top);
            let mut other = Sum {
                name: format!(
                    "Other ({} group{})",
                    rest.len(),
                    if rest.len() == 1 { "" } else { "s" }
                ),
                ..Sum::default()
            };
            for (_, group) in &rest {
                other.add(group)?;
            }
            groups.push(("other".into(), other));
        }
        let days = |sum: &Sum| -> Vec<DailyCost> {
            sum.days
                .iter()
                .map(|(date, cost)| DailyCost {
                    date: *date,
                    cost: amount(*cost),
                })
                .collect()
        };
        out.push(Spend {
            total: amount(total.cost),
            not_covered: not_covered.then(|| amount(total.not_covered)),
            daily: daily.then(|| days(&total)),
            groups: groups
                .iter()
                .map(|(key, sum)| SpendGroup {
                    key: key.clone(),
                    name: sum.name.clone(),
                    cost: amount(sum.cost),
                    not_covered: not_covered.then(|| amount(sum.not_covered)),
                    daily: daily.then(|| days(sum)),
                })
                .collect(),
            currency,
        });
    }
    Ok(out)
}

/// A publisher type of Microsoft's own products: `Azure` in queries, `Microsoft` in the cost
/// details of Microsoft Customer Agreements.
fn first_party(publisher: &str) -> bool {
    ["Azure", "Microsoft"]
        .iter()
        .any(|name| publisher.trim().eq_ignore_ascii_case(name))
}

/// Microsoft's list of products credit never pays for (`not_covered.txt`: the source is
/// cited there), one name a line.
const NOT_COVERED: &str = include_str!("not_covered.txt");

/// The entry of Microsoft's list a product, service or meter name is, when it is one:
/// matched without regard to case, as whole words. (A subscription's name is never matched:
/// "Visual Studio Enterprise Subscription" holds ordinary, covered usage.)
pub(crate) fn not_covered_product(name: &str) -> Option<&'static str> {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let name = words(name);
    NOT_COVERED
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .find(|entry| {
            let entry = words(entry);
            !entry.is_empty() && name.windows(entry.len()).any(|w| w == entry.as_slice())
        })
}

/// A row's group: its key and its name for people.
fn group_of(row: &CostRow, by: &[GroupBy]) -> (String, String) {
    let mut values = row.groups.iter();
    let mut keys = Vec::new();
    let mut names = Vec::new();
    for group in by {
        let value = |v: Option<&Option<String>>| {
            v.and_then(Option::as_deref).unwrap_or("(none)").to_string()
        };
        match group {
            GroupBy::Subscription => {
                let name = value(values.next());
                let id = value(values.next());
                names.push(if name == "(none)" { id.clone() } else { name });
                keys.push(id);
            }
            _ => {
                let v = value(values.next());
                names.push(v.clone());
                keys.push(v);
            }
        }
    }
    if by.is_empty() {
        return ("total".into(), "Total".into());
    }
    (keys.join(" / "), names.join(" / "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn row(groups: &[&str], cost: &str, currency: &str) -> CostRow {
        CostRow {
            groups: groups.iter().map(|g| Some(g.to_string())).collect(),
            cost: Decimal::from_str(cost).unwrap(),
            currency: Some(currency.into()),
            date: None,
            covered: None,
        }
    }

    #[test]
    fn groups_are_summed_per_currency_largest_first_and_the_rest_is_other() {
        let rows = [
            row(&["Storage"], "10.005", "USD"),
            row(&["VMs"], "100.10", "USD"),
            row(&["Storage"], "0.005", "USD"),
            row(&["SQL"], "5", "USD"),
            row(&["VMs"], "7", "EUR"),
        ];
        let spend = summarise(&rows, &[GroupBy::Service], Some(1), false, false).unwrap();
        assert_eq!(spend.len(), 2, "EUR and USD apart");
        let usd = &spend[1];
        assert_eq!(usd.currency.as_deref(), Some("USD"));
        assert_eq!(usd.groups[0].name, "VMs");
        assert_eq!(usd.groups[1].key, "other");
        assert_eq!(usd.groups[1].cost.to_string(), "15.010 USD");
        assert_eq!(usd.total.to_string(), "115.110 USD");
    }

    #[test]
    fn what_credit_never_covers_is_summed_apart() {
        let rows = [
            row(&["Virtual Machines", "Azure"], "100", "USD"),
            row(&["Contoso Firewall", "Marketplace"], "30", "USD"),
            row(
                &["Visual Studio Enterprise (Monthly)", "Azure"],
                "45",
                "USD",
            ),
        ];
        let spend = summarise(&rows, &[GroupBy::Service], None, false, true).unwrap();
        let usd = &spend[0];
        assert_eq!(usd.not_covered.as_ref().unwrap().to_string(), "75 USD");
        let vm = usd
            .groups
            .iter()
            .find(|g| g.name == "Virtual Machines")
            .unwrap();
        assert_eq!(
            vm.not_covered.as_ref().unwrap().to_string(),
            "0 USD",
            "as the cost is written"
        );
        // A subscription's name never matches the list.
        assert_eq!(
            not_covered_product("Visual Studio Enterprise (Monthly)"),
            Some("Visual Studio Enterprise (Monthly)")
        );
        assert_eq!(
            not_covered_product("Ubuntu Advantage for servers"),
            Some("Ubuntu Advantage")
        );
        assert_eq!(not_covered_product("Storage"), None);
        let by_subscription = [row(
            &["Visual Studio Enterprise (Monthly)", "sub-1", "Azure"],
            "45",
            "USD",
        )];
        let spend = summarise(
            &by_subscription,
            &[GroupBy::Subscription],
            None,
            false,
            true,
        )
        .unwrap();
        assert_eq!(spend[0].not_covered.as_ref().unwrap().to_string(), "0 USD");
    }

    #[test]
    fn by_takes_at_most_two_dimensions() {
        assert_eq!(parse_group_by("service").unwrap(), vec![GroupBy::Service]);
        assert!(parse_group_by("service,location").is_ok());
        assert!(parse_group_by("subscription,service").is_err());
        assert!(parse_group_by("colour").is_err());
        assert!(parse_group_by("service,service").is_err());
        let subscription = [row(&["Prod", "0000-1"], "1", "USD")];
        let spend = summarise(&subscription, &[GroupBy::Subscription], None, false, false).unwrap();
        assert_eq!(spend[0].groups[0].key, "0000-1");
        assert_eq!(spend[0].groups[0].name, "Prod");
    }
}
