//! A partner's customer's value: the profile's shape, `customer` in place of `billingProfile`.

use crate::model::row::ProfileRow;
use crate::output::flat::FlatTable;
use crate::output::metrics::Metrics;
use crate::output::view::{Block, View};
use serde::Serialize;

/// A partner's customer's value (`balance`, `forecast`): the profile's shape with a
/// `customer` object in place of `billingProfile` (JSON); tables title it by its scope.
pub(crate) struct ForCustomer<'a, V>(pub &'a V);

impl<V: Serialize> Serialize for ForCustomer<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::model::row::as_customer(self.0, s)
    }
}

impl<V: View> View for ForCustomer<'_, V> {
    fn blocks(&self) -> Vec<Block<'_>> {
        self.0.blocks()
    }

    fn flat(&self) -> FlatTable<'_> {
        self.0.flat()
    }

    fn metrics(&self, out: &mut Metrics) -> bool {
        self.0.metrics(out)
    }
}

/// Rows of profiles and customers alike (`report`), each in its own JSON shape.
pub(crate) fn rows_by_scope<S: serde::Serializer>(
    rows: &[ProfileRow<crate::forecast::ProfileForecast>],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(rows.len()))?;
    for row in rows {
        if row.profile.kind() == crate::model::scope::ScopeKind::Customer {
            seq.serialize_element(&ForCustomer(row))?;
        } else {
            seq.serialize_element(row)?;
        }
    }
    seq.end()
}
