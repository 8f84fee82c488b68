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
    /// Not known from a query alone (what credit never covers comes with `--not-covered`).
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
}

/// The rows summed per currency and group, the largest groups first; with `top`, the groups
/// after the first `top` summed into one "other" group.
pub(crate) fn summarise(
    rows: &[CostRow],
    by: &[GroupBy],
    top: Option<usize>,
    daily: bool,
) -> Result<Vec<Spend>, String> {
    // (currency, key) -> (name, cost, per day)
    type Sums = BTreeMap<String, (String, Decimal, BTreeMap<NaiveDate, Decimal>)>;
    let mut per_currency: BTreeMap<Option<String>, Sums> = BTreeMap::new();
    for row in rows {
        let (key, name) = group_of(row, by);
        let sums = per_currency.entry(row.currency.clone()).or_default();
        let entry = sums
            .entry(key)
            .or_insert_with(|| (name, Decimal::ZERO, BTreeMap::new()));
        entry.1 = entry
            .1
            .checked_add(row.cost)
            .ok_or("a sum of costs overflows")?;
        if let Some(date) = row.date {
            let day = entry.2.entry(date).or_insert(Decimal::ZERO);
            *day = day
                .checked_add(row.cost)
                .ok_or("a sum of costs overflows")?;
        }
    }
    let mut out = Vec::new();
    for (currency, sums) in per_currency {
        let amount = |value: Decimal| Amount::new(value, currency.as_deref());
        let mut groups: Vec<(String, String, Decimal, BTreeMap<NaiveDate, Decimal>)> = sums
            .into_iter()
            .map(|(key, (name, cost, days))| (key, name, cost, days))
            .collect();
        groups.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        let mut total = Decimal::ZERO;
        let mut per_day: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
        for group in &groups {
            total = total
                .checked_add(group.2)
                .ok_or("a sum of costs overflows")?;
            for (date, value) in &group.3 {
                let day = per_day.entry(*date).or_insert(Decimal::ZERO);
                *day = day.checked_add(*value).ok_or("a sum of costs overflows")?;
            }
        }
        if let Some(top) = top.filter(|top| groups.len() > *top) {
            let rest = groups.split_off(top);
            let count = rest.len();
            let mut cost = Decimal::ZERO;
            let mut days: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
            for (_, _, c, d) in rest {
                cost = cost.checked_add(c).ok_or("a sum of costs overflows")?;
                for (date, value) in d {
                    let day = days.entry(date).or_insert(Decimal::ZERO);
                    *day = day.checked_add(value).ok_or("a sum of costs overflows")?;
                }
            }
            groups.push((
                "other".into(),
                format!("Other ({count} groups)"),
                cost,
                days,
            ));
        }
        out.push(Spend {
            total: amount(total),
            daily: daily.then(|| {
                per_day
                    .iter()
                    .map(|(date, cost)| DailyCost {
                        date: *date,
                        cost: amount(*cost),
                    })
                    .collect()
            }),
            groups: groups
                .into_iter()
                .map(|(key, name, cost, days)| SpendGroup {
                    key,
                    name,
                    cost: amount(cost),
                    not_covered: None,
                    daily: daily.then(|| {
                        days.into_iter()
                            .map(|(date, cost)| DailyCost {
                                date,
                                cost: amount(cost),
                            })
                            .collect()
                    }),
                })
                .collect(),
            currency,
        });
    }
    Ok(out)
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
        let spend = summarise(&rows, &[GroupBy::Service], Some(1), false).unwrap();
        assert_eq!(spend.len(), 2, "EUR and USD apart");
        let usd = &spend[1];
        assert_eq!(usd.currency.as_deref(), Some("USD"));
        assert_eq!(usd.groups[0].name, "VMs");
        assert_eq!(usd.groups[1].key, "other");
        assert_eq!(usd.groups[1].cost.to_string(), "15.010 USD");
        assert_eq!(usd.total.to_string(), "115.110 USD");
    }

    #[test]
    fn by_takes_at_most_two_dimensions() {
        assert_eq!(parse_group_by("service").unwrap(), vec![GroupBy::Service]);
        assert!(parse_group_by("service,location").is_ok());
        assert!(parse_group_by("subscription,service").is_err());
        assert!(parse_group_by("colour").is_err());
        assert!(parse_group_by("service,service").is_err());
        let subscription = [row(&["Prod", "0000-1"], "1", "USD")];
        let spend = summarise(&subscription, &[GroupBy::Subscription], None, false).unwrap();
        assert_eq!(spend[0].groups[0].key, "0000-1");
        assert_eq!(spend[0].groups[0].name, "Prod");
    }
}
