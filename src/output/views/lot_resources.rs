//! `credits lots --resources`: each lot beside its credit resource, then the credit
//! resources that match no lot (marked "unmatched", never added to a balance).

use super::lots::{source_cell, status_cell, LOT_FIELDS};
use super::LotRow;
use crate::model::credit_resource::{CreditResource, MatchedBy};
use crate::model::domain::ScopeRef;
use crate::output::cell::{Cell, Column, Tone};
use crate::output::flat::{self, Field, FlatTable};
use crate::output::metrics::Metrics;
use crate::output::view::{Block, Record, TableBlock, View};
use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;

/// A lot with its credit resource (when one joined it), and whether its expiry suspends
/// the billing profile within the window.
pub(crate) struct ResourcedLot<'a> {
    pub(crate) row: LotRow<'a>,
    pub(crate) resource: Option<(&'a CreditResource, MatchedBy)>,
    pub(crate) suspends: bool,
}

/// A credit resource that joined no lot, with its billing profile: the one read, or (at
/// account scope) the one the resource names.
pub(crate) struct UnmatchedResource<'a> {
    pub(crate) profile: Option<std::borrow::Cow<'a, ScopeRef>>,
    pub(crate) resource: &'a CreditResource,
}

/// What `lots --resources` writes.
pub(crate) struct LotResourcesPage<'a> {
    pub(crate) lots: Vec<ResourcedLot<'a>>,
    pub(crate) unmatched: Vec<UnmatchedResource<'a>>,
    /// A Profile column in front (`--all`, `--account`).
    pub(crate) with_profile: bool,
    /// Whether the credit resources could be read (a 403 leaves every lot without one).
    pub(crate) resources_read: bool,
}

/// The resource's JSON with how it was joined.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JoinedResource<'a> {
    #[serde(flatten)]
    resource: &'a CreditResource,
    matched_by: MatchedBy,
}

impl Serialize for ResourcedLot<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            #[serde(flatten)]
            lot: &'a LotRow<'a>,
            credit_resource: Option<JoinedResource<'a>>,
            suspends_billing_profile: bool,
        }
        Shape {
            lot: &self.row,
            credit_resource: self.resource.map(|(resource, matched_by)| JoinedResource {
                resource,
                matched_by,
            }),
            suspends_billing_profile: self.suspends,
        }
        .serialize(s)
    }
}

impl Serialize for LotResourcesPage<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape<'a> {
            lots: &'a [ResourcedLot<'a>],
            unmatched_credit_resources: Vec<&'a CreditResource>,
            credit_resources_read: bool,
        }
        Shape {
            lots: &self.lots,
            unmatched_credit_resources: self.unmatched.iter().map(|u| u.resource).collect(),
            credit_resources_read: self.resources_read,
        }
        .serialize(s)
    }
}

/// The lot's original amount is left to `lots` without `--resources` (and to JSON and
/// csv here): with it the table does not fit 80 columns.
const COLUMNS: [Column; 10] = [
    Column::prose("Source"),
    Column::text("Status").optional(6),
    Column::day("Start").optional(2),
    Column::day("Expires"),
    Column::money("Remaining"),
    Column::prose("Credit resource"),
    Column::id("Subscription").optional(1),
    Column::text("Resource group").optional(4),
    Column::text("Resource status").optional(5),
    Column::prose("At expiry"),
];

/// The columns, with and without a Profile column in front.
static COLUMN_SETS: LazyLock<[Vec<Column>; 2]> = LazyLock::new(|| {
    let mut with_profile = vec![Column::prose("Profile")];
    with_profile.extend(COLUMNS);
    [COLUMNS.to_vec(), with_profile]
});

/// The resource's own cells: name, subscription, group, status and what its expiry does.
fn resource_cells<'a>(
    resource: Option<&'a CreditResource>,
    suspends: bool,
    out: &mut Vec<Cell<'a>>,
) {
    let Some(resource) = resource else {
        out.extend([
            Cell::Text(None),
            Cell::Text(None),
            Cell::Text(None),
            Cell::Text(None),
            Cell::Text(None),
        ]);
        return;
    };
    // Flagged (the credit expires within the window): "suspends the billing profile", in
    // yellow; otherwise Azure's policy as sent, and nothing for `None`.
    let at_expiry = if suspends {
        Cell::owned("suspends the billing profile")
    } else {
        Cell::Text(
            resource
                .expiration_policy
                .as_deref()
                .filter(|p| !p.eq_ignore_ascii_case("None"))
                .map(Cow::Borrowed),
        )
    };
    out.extend([
        Cell::text(&resource.name),
        Cell::text(&resource.subscription_id),
        Cell::text(&resource.resource_group),
        Cell::text(&resource.status),
        if suspends {
            at_expiry.toned(Some(Tone::Warn))
        } else {
            at_expiry
        },
    ]);
}

fn lot_row<'a>(lot: &'a ResourcedLot<'a>, with_profile: bool) -> Vec<Cell<'a>> {
    let mut cells = Vec::with_capacity(12);
    if with_profile {
        cells.push(Cell::Text(
            lot.row.profile.map(|p| Cow::Owned(p.label().to_string())),
        ));
    }
    let credit = lot.row.lot.lot;
    cells.extend([
        source_cell(&lot.row),
        status_cell(&lot.row),
        Cell::Day(credit.start_date),
        Cell::Day(credit.expiration_date),
        Cell::money(&credit.closed_balance),
    ]);
    resource_cells(lot.resource.map(|(r, _)| r), lot.suspends, &mut cells);
    cells
}

fn unmatched_row<'a>(unmatched: &'a UnmatchedResource<'a>, with_profile: bool) -> Vec<Cell<'a>> {
    let resource = unmatched.resource;
    let mut cells = Vec::with_capacity(12);
    if with_profile {
        cells.push(Cell::Text(
            unmatched
                .profile
                .as_ref()
                .map(|p| Cow::Owned(p.label().to_string())),
        ));
    }
    // A resource says what was granted, not what is left: never a remaining figure.
    let granted = resource
        .credit
        .as_ref()
        .filter(|credit| credit.value.is_some())
        .map(|credit| credit.display());
    cells.extend([
        // Marked in the one column never left out, as well as in Status.
        Cell::Marked(
            Cow::Owned(format!(
                "unmatched credit resource: {}{}",
                resource.display_name.as_deref().unwrap_or("credit"),
                granted
                    .map(|g| format!(", {g} granted"))
                    .unwrap_or_default()
            )),
            Tone::Warn,
        ),
        Cell::Marked(Cow::Borrowed("unmatched"), Tone::Warn),
        Cell::Day(resource.start_at),
        Cell::Day(resource.end_at),
        Cell::Text(None),
    ]);
    resource_cells(Some(resource), false, &mut cells);
    cells
}

const RESOURCE_FIELDS: [&str; 7] = [
    "creditResourceMatch",
    "creditResourceId",
    "creditResourceSubscriptionId",
    "creditResourceGroup",
    "creditResourceStatus",
    "creditResourceExpirationPolicy",
    "suspendsBillingProfile",
];

/// The lot's csv fields, then the resource's (new columns after today's).
static FIELDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut all = LOT_FIELDS.to_vec();
    all.extend(RESOURCE_FIELDS);
    all
});

fn resource_fields<'a>(
    matched: &'static str,
    resource: Option<&'a CreditResource>,
    suspends: bool,
    out: &mut Vec<Field<'a>>,
) {
    let text = |value: Option<&'a Option<String>>| value.and_then(flat::text);
    out.extend([
        flat::str(matched),
        text(resource.map(|r| &r.id)),
        text(resource.map(|r| &r.subscription_id)),
        text(resource.map(|r| &r.resource_group)),
        text(resource.map(|r| &r.status)),
        text(resource.map(|r| &r.expiration_policy)),
        flat::flag(Some(suspends)),
    ]);
}

impl View for LotResourcesPage<'_> {
    fn blocks(&self) -> Vec<Block<'_>> {
        let columns: &'static [Column] = &COLUMN_SETS[usize::from(self.with_profile)];
        let mut rows: Vec<Vec<Cell<'_>>> = self
            .lots
            .iter()
            .map(|lot| lot_row(lot, self.with_profile))
            .collect();
        rows.extend(
            self.unmatched
                .iter()
                .map(|unmatched| unmatched_row(unmatched, self.with_profile)),
        );
        if rows.is_empty() {
            return Vec::new();
        }
        vec![Block::Table(TableBlock {
            columns,
            retitle: None,
            rows,
        })]
    }

    fn flat(&self) -> FlatTable<'_> {
        let mut rows = Vec::with_capacity(self.lots.len() + self.unmatched.len());
        for lot in &self.lots {
            let mut row = Vec::with_capacity(FIELDS.len());
            lot.row.fields(&mut row);
            let matched = match lot.resource {
                Some((_, MatchedBy::FundingSystemId)) => "fundingSystemId",
                Some((_, MatchedBy::Terms)) => "terms",
                None => "none",
            };
            resource_fields(
                matched,
                lot.resource.map(|(r, _)| r),
                lot.suspends,
                &mut row,
            );
            rows.push(row);
        }
        for unmatched in &self.unmatched {
            // A resource without a lot: the lot's fields are empty but for its profile.
            let mut row: Vec<Field<'_>> = vec![None; LOT_FIELDS.len()];
            row[0] = unmatched
                .resource
                .billing_profile_id
                .as_deref()
                .map(Cow::Borrowed);
            resource_fields("unmatched", Some(unmatched.resource), false, &mut row);
            rows.push(row);
        }
        FlatTable {
            header: FIELDS.as_slice(),
            rows,
        }
    }

    /// The lots' own gauges: a resource holds no balance.
    fn metrics(&self, out: &mut Metrics) -> bool {
        for lot in &self.lots {
            lot.row.metrics(out);
        }
        true
    }
}
