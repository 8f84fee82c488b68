//! Records listed for many profiles (`lots --all`, `events --all`): the profile in front.

use crate::model::domain::ScopeRef;
use crate::output::cell::{Cell, Column};
use crate::output::flat::Field;
use crate::output::metrics::Metrics;
use crate::output::view::Record;
use serde::Serialize;

/// A record of `lots --all` or `events --all`: the record with its profile's name in front
/// (tables only; JSON and csv already carry `billingProfileId`).
pub(crate) struct OfProfile<'a, R> {
    pub(crate) profile: &'a ScopeRef,
    pub(crate) record: &'a R,
}

impl<R: Serialize> Serialize for OfProfile<'_, R> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.record.serialize(s)
    }
}

/// A record that can be listed for many profiles: its columns behind a Profile column (both
/// lists are made by one `table!`, so they cannot drift apart).
pub(crate) trait ListedPerProfile: Record {
    const WITH_PROFILE: &'static [Column];
}

impl<R: ListedPerProfile> Record for OfProfile<'_, R> {
    fn columns() -> &'static [Column] {
        R::WITH_PROFILE
    }

    fn retitled(&self) -> Option<(&'static str, &'static str)> {
        (self.profile.kind() == crate::model::scope::ScopeKind::Customer)
            .then_some(("Profile", "Customer"))
    }

    fn cells<'a>(&'a self, row: &mut Vec<Cell<'a>>) {
        row.push(Cell::owned(self.profile.label()));
        self.record.cells(row);
    }

    fn header() -> &'static [&'static str] {
        R::header()
    }

    fn fields<'a>(&'a self, row: &mut Vec<Field<'a>>) {
        self.record.fields(row);
    }

    const HAS_METRICS: bool = R::HAS_METRICS;

    fn metrics(&self, out: &mut Metrics) {
        self.record.metrics(out);
    }
}

#[cfg(test)]
mod per_profile_tests {
    use super::*;
    use crate::model::domain::CreditEvent;
    use crate::output::views::LotRow;

    /// `--all` tables start with the profile, a column that may wrap (names have spaces)
    /// and is never left out.
    #[test]
    fn the_profile_column_comes_first_and_is_kept() {
        for columns in [LotRow::WITH_PROFILE, CreditEvent::WITH_PROFILE] {
            assert_eq!(columns[0].title, "Profile");
            assert_eq!(columns[0].drop_order, 0);
            assert_eq!(columns[0].kind, crate::output::cell::ColumnKind::Prose);
        }
        assert_eq!(LotRow::columns().len() + 1, LotRow::WITH_PROFILE.len());
    }
}
