//! Typed cells: a view says what a value *is* (text, money, a day, a count, a flag); each
//! writer decides how it looks (grouped digits and currency in a table for people; later,
//! value and currency in their own columns for csv).

use crate::model::amount::Amount;
use crate::model::dates::format_day;
use crate::model::money::Money;
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// One value of a table row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Free text; `None` or blank is shown as `-`.
    Text(Option<Cow<'a, str>>),
    /// Text that should stand out on a colour terminal (an expired or expiring lot).
    Marked(Cow<'a, str>, Tone),
    /// An amount exactly as Azure sent it; `None` (or no value) is shown as `-`.
    Money(Option<&'a Money>),
    /// An amount `credits` computed (a sum, a rate): exact, with its currency.
    Amount(Option<&'a Amount>),
    /// A calendar day.
    Day(Option<DateTime<Utc>>),
    Count(u64),
    /// Deliberately nothing (a note that does not apply): shown as an empty cell.
    Blank,
    /// A value that stands out on a colour terminal, by one of the rules of `tone.rs`.
    Toned(Tone, Box<Cell<'a>>),
}

/// How a cell stands out on a colour terminal ("look here"); the rules are in `tone.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Failed checks, negative balances, credit expiring unused, expired credit: red.
    Bad,
    /// Credit expiring within the window: yellow.
    Warn,
}

impl<'a> Cell<'a> {
    /// Text borrowed from a domain value.
    pub(crate) fn text(value: &'a Option<String>) -> Self {
        Cell::Text(value.as_deref().map(Cow::Borrowed))
    }

    /// Text made for the view.
    pub(crate) fn owned(value: impl Into<String>) -> Self {
        Cell::Text(Some(Cow::Owned(value.into())))
    }

    pub(crate) fn money(value: &'a Option<Money>) -> Self {
        Cell::Money(value.as_ref())
    }

    /// This cell in `tone`, or as it is when no rule applies.
    pub(crate) fn toned(self, tone: Option<Tone>) -> Self {
        match tone {
            Some(tone) => Cell::Toned(tone, Box::new(self)),
            None => self,
        }
    }

    /// A calendar day given as a date.
    pub(crate) fn date(value: Option<chrono::NaiveDate>) -> Self {
        Cell::Day(value.map(crate::model::domain::start_of))
    }
}

/// What a column holds, known before any row arrives: writers align, shorten and wrap by
/// it. Only `Prose` ever wraps (at spaces); only `Id` is ever shortened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Names, statuses, codes: never broken.
    Text,
    /// Free text (descriptions): wraps at word boundaries when the terminal is narrow.
    Prose,
    /// A full Azure id: shortened to `…/last-segment` when the terminal is narrow.
    Id,
    Money,
    Day,
    Count,
}

impl ColumnKind {
    /// Numbers are right-aligned in tables for people.
    pub(crate) fn is_numeric(self) -> bool {
        matches!(self, ColumnKind::Money | ColumnKind::Count)
    }
}

/// A column of a view: its title, what it holds, and how readily it is left out when the
/// terminal is too narrow (0: never; higher numbers go first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub(crate) title: &'static str,
    pub(crate) kind: ColumnKind,
    pub(crate) drop_order: u8,
}

impl Column {
    const fn of(title: &'static str, kind: ColumnKind) -> Self {
        Column {
            title,
            kind,
            drop_order: 0,
        }
    }
    pub(crate) const fn text(title: &'static str) -> Self {
        Column::of(title, ColumnKind::Text)
    }
    pub(crate) const fn prose(title: &'static str) -> Self {
        Column::of(title, ColumnKind::Prose)
    }
    pub(crate) const fn id(title: &'static str) -> Self {
        Column::of(title, ColumnKind::Id)
    }
    pub(crate) const fn money(title: &'static str) -> Self {
        Column::of(title, ColumnKind::Money)
    }
    pub(crate) const fn day(title: &'static str) -> Self {
        Column::of(title, ColumnKind::Day)
    }
    pub(crate) const fn count(title: &'static str) -> Self {
        Column::of(title, ColumnKind::Count)
    }
    /// Left out on a narrow terminal, `order` 1 last, higher first.
    pub(crate) const fn optional(self, order: u8) -> Self {
        Column {
            drop_order: order,
            ..self
        }
    }
}

/// How a cell reads in a table for people: `-` for nothing, `1,234.50 USD` for money
/// (rounded to the currency's minor unit), the ISO day for dates. Not yet made safe for a terminal: the writers do that.
pub(crate) fn human_text<'c>(cell: &'c Cell<'_>) -> Cow<'c, str> {
    const NOTHING: Cow<'static, str> = Cow::Borrowed("-");
    match cell {
        Cell::Text(Some(text)) => {
            let trimmed = text.trim();
            if trimmed.is_empty() {
                NOTHING
            } else {
                Cow::Borrowed(trimmed)
            }
        }
        Cell::Text(None) | Cell::Money(None) | Cell::Amount(None) | Cell::Day(None) => NOTHING,
        Cell::Marked(text, _) => Cow::Borrowed(text.trim()),
        Cell::Amount(Some(amount)) => Cow::Owned(amount.rounded()),
        Cell::Money(Some(money)) => Cow::Owned(money.display()),
        Cell::Day(Some(day)) => Cow::Owned(format_day(day)),
        Cell::Count(count) => Cow::Owned(count.to_string()),
        Cell::Blank => Cow::Borrowed(""),
        Cell::Toned(_, inner) => human_text(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn cells_read_as_people_expect() {
        let money = Some(Money::new(Decimal::from_str("-1234.50").unwrap(), "USD"));
        assert_eq!(human_text(&Cell::money(&money)), "-1,234.50 USD");
        assert_eq!(human_text(&Cell::money(&None)), "-");
        assert_eq!(human_text(&Cell::text(&Some("  ".into()))), "-");
        assert_eq!(human_text(&Cell::owned(" PO-1 ")), "PO-1");
        assert_eq!(human_text(&Cell::Count(3)), "3");
        let noisy = Some(Money::new(
            Decimal::from_str("480.10000000000036").unwrap(),
            "USD",
        ));
        assert_eq!(human_text(&Cell::money(&noisy)), "480.10 USD");
        let yen = Some(Money::new(Decimal::from_str("1234.5").unwrap(), "JPY"));
        assert_eq!(human_text(&Cell::money(&yen)), "1,235 JPY");
        let dinar = Some(Money::new(Decimal::from_str("-0.0005").unwrap(), "BHD"));
        assert_eq!(human_text(&Cell::money(&dinar)), "-0.001 BHD");
    }
}
