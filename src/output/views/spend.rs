//! `credits spend`: per scope and currency, the groups (largest first) and their costs, the
//! total, and the credit beside it; gauges per group.

use super::profile_title;
use crate::model::amount::Amount;
use crate::model::domain::ScopeRef;
use crate::model::spend::{GroupBy, ScopeSpend, Spend, SpendGroup};
use crate::output::cell::{Cell, Column};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::metrics::Metrics;
use crate::output::tone;
use crate::output::view::{Block, TableBlock, View};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;

/// One scope's spend, as read.
pub(crate) struct SpendScope<'a> {
    pub(crate) scope: &'a ScopeRef,
    pub(crate) spent: &'a ScopeSpend,
}

/// The page of `credits spend`.
pub(crate) struct SpendPage<'a> {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    pub(crate) by: Vec<GroupBy>,
    /// `--not-covered`: a column for what credit never covers.
    pub(crate) not_covered: bool,
    pub(crate) scopes: Vec<SpendScope<'a>>,
    /// `--all`: JSON is an array even of one document.
    pub(crate) many: bool,
    /// `--exact`: from Cost Details reports, line by line.
    pub(crate) exact: bool,
}

/// What the figures are, said on every page for people.
const ESTIMATE: &str = "Estimated costs before credit and tax, from Cost Management (refreshed about every 4 hours; the newest may be 8 to 24 hours old).";
const EXACT: &str = "Costs before credit and tax, summed line by line from Cost Details reports; what credit covers is each line's own isAzureCreditEligible.";
const EXACT_OPEN: &str = "Costs before credit and tax, summed line by line from Cost Details reports; what credit covers is each line's own isAzureCreditEligible. A month not yet invoiced is an estimate (its newest lines may be 8 to 24 hours old).";

/// One document: a scope in one currency.
struct Document<'a> {
    scope: &'a ScopeRef,
    spend: Option<&'a Spend>,
    spent: &'a ScopeSpend,
    from: NaiveDate,
    to: NaiveDate,
    exact: bool,
}

impl SpendPage<'_> {
    /// What the figures are, for people.
    fn what(&self) -> &'static str {
        let estimate = self.scopes.iter().any(|one| one.spent.estimate);
        match (self.exact, estimate) {
            (false, _) => ESTIMATE,
            (true, false) => EXACT,
            (true, true) => EXACT_OPEN,
        }
    }

    fn documents(&self) -> Vec<Document<'_>> {
        let mut out = Vec::new();
        for one in &self.scopes {
            if one.spent.spend.is_empty() {
                out.push(Document {
                    scope: one.scope,
                    spend: None,
                    spent: one.spent,
                    from: self.from,
                    to: self.to,
                    exact: self.exact,
                });
            }
            for spend in &one.spent.spend {
                out.push(Document {
                    scope: one.scope,
                    spend: Some(spend),
                    spent: one.spent,
                    from: self.from,
                    to: self.to,
                    exact: self.exact,
                });
            }
        }
        out
    }

    fn grouping(&self) -> String {
        let words: Vec<&str> = self.by.iter().map(|g| g.word()).collect();
        words.join(" and ")
    }
}

impl Serialize for Document<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Period {
            from: String,
            to: String,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Totals<'a> {
            cost: Option<&'a Amount>,
            not_covered: Option<&'a Amount>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            scope: &'a ScopeRef,
            currency: Option<&'a str>,
            period: Period,
            source: &'static str,
            estimate: bool,
            groups: &'a [SpendGroup],
            totals: Totals<'a>,
            credit_balance: Option<&'a Amount>,
            credit_applied: Option<&'a Amount>,
        }
        let (from, to) = (self.from, self.to);
        Shape {
            scope: self.scope,
            currency: self
                .spend
                .and_then(|s| s.currency.as_deref())
                .or(self.scope.currency.as_deref()),
            period: Period {
                from: from.to_string(),
                to: to.to_string(),
            },
            source: if self.exact { "costDetails" } else { "query" },
            estimate: self.spent.estimate,
            groups: self.spend.map_or(&[], |s| s.groups.as_slice()),
            totals: Totals {
                cost: self.spend.map(|s| &s.total),
                not_covered: self.spend.and_then(|s| s.not_covered.as_ref()),
            },
            credit_balance: self.spent.credit_balance.as_ref(),
            credit_applied: self.spent.credit_applied.as_ref(),
        }
        .serialize(s)
    }
}

impl Serialize for SpendPage<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let documents = self.documents();
        match documents.as_slice() {
            [one] if !self.many => one.serialize(s),
            all => all.serialize(s),
        }
    }
}

const GROUP_COLUMNS: &[Column] = &[
    Column::prose("Group"),
    Column::money("Cost"),
    Column::count("Share"),
];
const GROUP_COLUMNS_NOT_COVERED: &[Column] = &[
    Column::prose("Group"),
    Column::money("Cost"),
    Column::count("Share"),
    Column::money("Not covered"),
];
const DAILY_COLUMNS: &[Column] = &[Column::day("Day"), Column::money("Cost")];

/// `12.3%` of the total, or `-` for no total.
fn share(cost: &Amount, total: &Amount) -> String {
    if total.value.is_zero() {
        return "-".into();
    }
    let percent = (cost.value * Decimal::from(100) / total.value).round_dp(1);
    format!("{percent}%")
}

impl View for SpendPage<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let mut blocks = Vec::new();
        for document in self.documents() {
            if !blocks.is_empty() {
                blocks.push(Block::Line(String::new()));
            }
            blocks.push(Block::Line(profile_title(document.scope)));
            blocks.push(Block::Line(String::new()));
            blocks.push(Block::Line(format!(
                "Spend from {} to {} by {}. {}",
                self.from,
                self.to,
                self.grouping(),
                self.what()
            )));
            let Some(spend) = document.spend else {
                blocks.push(Block::Line("No cost in this period.".into()));
                blocks.extend(credit_lines(document.spent, None));
                continue;
            };
            let rows = spend
                .groups
                .iter()
                .map(|group| {
                    let mut cells = vec![
                        Cell::Text(Some(Cow::Borrowed(group.name.as_str()))),
                        Cell::Amount(Some(&group.cost)),
                        Cell::owned(share(&group.cost, &spend.total)),
                    ];
                    if self.not_covered {
                        let part = group.not_covered.as_ref();
                        cells.push(Cell::Amount(part).toned(tone::unused(part)));
                    }
                    cells
                })
                .collect();
            blocks.push(Block::Table(TableBlock {
                retitle: None,
                columns: if self.not_covered {
                    GROUP_COLUMNS_NOT_COVERED
                } else {
                    GROUP_COLUMNS
                },
                rows,
            }));
            if let Some(days) = &spend.daily {
                blocks.push(Block::Line(String::new()));
                blocks.push(Block::Line("Per day:".into()));
                let rows = days
                    .iter()
                    .map(|day| vec![Cell::date(Some(day.date)), Cell::Amount(Some(&day.cost))])
                    .collect();
                blocks.push(Block::Table(TableBlock {
                    retitle: None,
                    columns: DAILY_COLUMNS,
                    rows,
                }));
            }
            blocks.extend(credit_lines(document.spent, Some(spend)));
        }
        blocks
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut rows: Vec<Vec<Field<'_>>> = Vec::new();
        for document in self.documents() {
            let Some(spend) = document.spend else {
                continue;
            };
            for group in &spend.groups {
                let base = |date: Option<NaiveDate>,
                            cost: &Amount,
                            part: Option<&Amount>|
                 -> Vec<Field<'_>> {
                    vec![
                        flat::str(document.scope.id()),
                        document.scope.display_name.as_deref().map(Cow::Borrowed),
                        spend.currency.as_deref().map(Cow::Borrowed),
                        Some(Cow::Owned(self.from.to_string())),
                        Some(Cow::Owned(self.to.to_string())),
                        flat::str(&group.key),
                        flat::str(&group.name),
                        flat::day(date),
                        flat::decimal(Some(cost.value)),
                        flat::decimal(part.map(|a| a.value)),
                    ]
                };
                match &group.daily {
                    Some(days) if !days.is_empty() => {
                        for day in days {
                            rows.push(base(Some(day.date), &day.cost, None));
                        }
                    }
                    _ => rows.push(base(None, &group.cost, group.not_covered.as_ref())),
                }
            }
        }
        FlatTable {
            header: SPEND_FIELDS,
            rows,
        }
    }

    fn metrics(&self, out: &mut Metrics) -> bool {
        for document in self.documents() {
            let Some(spend) = document.spend else {
                continue;
            };
            for group in &spend.groups {
                out.gauge(
                    "credits_spend_cost",
                    "What the group cost in the period, before credit and tax (an estimate).",
                    &[
                        ("scope_id", document.scope.id()),
                        ("scope", document.scope.label()),
                        ("group", group.name.as_str()),
                        ("currency", spend.currency.as_deref().unwrap_or("")),
                    ],
                    &group.cost.value.to_string(),
                );
                if let Some(part) = &group.not_covered {
                    out.gauge(
                        "credits_spend_not_covered",
                        "The part of the group's cost that credit never covers.",
                        &[
                            ("scope_id", document.scope.id()),
                            ("scope", document.scope.label()),
                            ("group", group.name.as_str()),
                            ("currency", spend.currency.as_deref().unwrap_or("")),
                        ],
                        &part.value.to_string(),
                    );
                }
            }
        }
        true
    }
}

const SPEND_FIELDS: &[&str] = &[
    "scope",
    "scopeDisplayName",
    "currency",
    "from",
    "to",
    "key",
    "name",
    "date",
    "cost",
    "notCovered",
];

/// The total (and what credit never covers of it), and the credit beside it.
fn credit_lines<'a>(spent: &'a ScopeSpend, spend: Option<&'a Spend>) -> Vec<Block<'a>> {
    let mut parts = Vec::new();
    if let Some(spend) = spend {
        parts.push(format!("Total: {}", spend.total.rounded()));
        if let Some(part) = &spend.not_covered {
            parts.push(format!("not covered by credit: {}", part.rounded()));
        }
    }
    if let Some(balance) = &spent.credit_balance {
        parts.push(format!("credit balance: {}", balance.rounded()));
    }
    if let Some(applied) = &spent.credit_applied {
        parts.push(format!(
            "credit applied on the month's invoice: {}",
            applied.rounded()
        ));
    }
    if parts.is_empty() {
        return Vec::new();
    }
    vec![Block::Line(parts.join("; "))]
}
