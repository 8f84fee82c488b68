//! A picture of a balance for a terminal: the history as solid blocks, the projection to
//! zero as light blocks, lot expiries marked under the axis. Plain text, no colour (so
//! NO_COLOR has nothing to turn off), as wide as it is asked to be. Pure.
//!
//! Only the position of a block is computed from an amount (exactly, in decimals); amounts
//! themselves are printed as they are.

use crate::model::amount::Amount;
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// What a balance chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BalanceChart {
    /// The balance after each event, oldest first, from `start`.
    pub(crate) history: Vec<(NaiveDate, Decimal)>,
    pub(crate) start: NaiveDate,
    pub(crate) as_of: NaiveDate,
    /// The balance on `as_of` and the burn a day, when there is a projection.
    pub(crate) projection: Option<(Decimal, Decimal)>,
    /// The last day drawn.
    pub(crate) end: NaiveDate,
    /// Lot expiry days to mark.
    pub(crate) expiries: Vec<NaiveDate>,
    /// The currency of the axis labels.
    pub(crate) currency: Option<String>,
}

const ROWS: usize = 8;
const SOLID: char = '█';
const LIGHT: char = '░';

/// The balance on `day`: the last event's balance on or before it, then the projection.
pub(crate) fn value_on(chart: &BalanceChart, day: NaiveDate) -> Option<(Decimal, bool)> {
    if day <= chart.as_of {
        let last = chart.history.iter().rev().find(|(d, _)| *d <= day);
        return last.map(|(_, v)| (*v, false)).or_else(|| {
            // Before the first event of the window: the first event's balance.
            chart.history.first().map(|(_, v)| (*v, false))
        });
    }
    let (balance, per_day) = chart.projection?;
    let days = Decimal::from((day - chart.as_of).num_days());
    let spent = per_day.checked_mul(days).unwrap_or(Decimal::MAX);
    Some((
        balance
            .checked_sub(spent)
            .unwrap_or(Decimal::ZERO)
            .max(Decimal::ZERO),
        true,
    ))
}

/// The chart as lines of text, `width` characters wide (at least 40).
pub(crate) fn render(chart: &BalanceChart, width: usize) -> String {
    let label_width = 16;
    let columns = width.max(40) - label_width - 1;
    let span = (chart.end - chart.start).num_days().max(1);
    let day_of = |column: usize| {
        chart.start + chrono::Duration::days(span * column as i64 / (columns as i64 - 1).max(1))
    };
    let values: Vec<Option<(Decimal, bool)>> =
        (0..columns).map(|c| value_on(chart, day_of(c))).collect();
    let top = values
        .iter()
        .flatten()
        .map(|(v, _)| *v)
        .max()
        .unwrap_or(Decimal::ZERO)
        .max(Decimal::ONE);
    // How many eighths of the height a column fills.
    let fill: Vec<Option<(usize, bool)>> = values
        .iter()
        .map(|v| {
            v.map(|(value, projected)| {
                // value <= top, so this is at most ROWS * 8; the division goes first so
                // no amount, however large, can overflow.
                let eighths = (value.max(Decimal::ZERO) / top)
                    .checked_mul(Decimal::from(ROWS * 8))
                    .unwrap_or(Decimal::ZERO)
                    .round()
                    .to_usize()
                    .unwrap_or(0);
                (eighths, projected)
            })
        })
        .collect();
    let unit = chart
        .currency
        .as_deref()
        .map(|c| format!(" {c}"))
        .unwrap_or_default();
    let top_label = format!("{}{unit}", Amount::new(top.round_dp(0), None));
    let mut out = String::new();
    for row in (0..ROWS).rev() {
        let label = match row {
            r if r == ROWS - 1 => top_label.clone(),
            0 => format!("0{unit}"),
            _ => String::new(),
        };
        out.push_str(&format!("{label:>label_width$}"));
        out.push(if row == 0 { '┼' } else { '│' });
        for cell in &fill {
            out.push(match cell {
                Some((eighths, projected)) if *eighths > row * 8 => {
                    if *projected {
                        LIGHT
                    } else {
                        SOLID
                    }
                }
                _ => ' ',
            });
        }
        out.push('\n');
    }
    // Under the axis: today (|) and lot expiries (^).
    let mut marks = vec![' '; columns];
    for (column, mark) in marks.iter_mut().enumerate() {
        let (from, to) = (day_of(column), day_of(column + 1));
        if chart.expiries.iter().any(|e| *e >= from && *e < to) {
            *mark = '^';
        }
        if chart.as_of >= from && chart.as_of < to {
            *mark = '|';
        }
    }
    out.push_str(&" ".repeat(label_width + 1));
    out.extend(marks);
    out.push('\n');
    let dates = format!("{} … {} (today) … {}", chart.start, chart.as_of, chart.end);
    let legend = vec![
        dates,
        format!("{SOLID} balance after each transaction  {LIGHT} projected at the burn rate"),
        "| today  ^ a lot expires".to_string(),
    ];
    // Under the plot where there is room; on a narrow terminal from the left edge, the key
    // split in two, so no line is wider than the terminal.
    let longest = |lines: &[String]| lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let (indent, legend) = if label_width + 1 + longest(&legend) <= width {
        (" ".repeat(label_width + 1), legend)
    } else {
        let narrow = vec![
            legend[0].clone(),
            format!("{SOLID} balance after each transaction"),
            format!("{LIGHT} projected at the burn rate"),
            legend[2].clone(),
        ];
        (String::new(), narrow)
    };
    for line in legend {
        out.push_str(&indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn chart() -> BalanceChart {
        BalanceChart {
            history: vec![(day(1), Decimal::from(100)), (day(11), Decimal::from(50))],
            start: day(1),
            as_of: day(11),
            projection: Some((Decimal::from(50), Decimal::from(5))),
            end: day(21),
            expiries: vec![day(16)],
            currency: Some("USD".into()),
        }
    }

    #[test]
    fn history_is_solid_the_projection_light_and_it_fits_the_width() {
        let text = render(&chart(), 60);
        assert!(text.contains(SOLID) && text.contains(LIGHT), "{text}");
        assert!(text.contains('^') && text.contains('|'), "{text}");
        assert!(text.contains("100 USD"), "{text}");
        for line in text.lines().take(ROWS + 1) {
            assert_eq!(line.chars().count(), 60, "{line:?}");
        }
    }

    #[test]
    fn the_projection_reaches_zero() {
        let chart = chart();
        assert_eq!(value_on(&chart, day(21)), Some((Decimal::ZERO, true)));
        assert_eq!(value_on(&chart, day(16)), Some((Decimal::from(25), true)));
        assert_eq!(value_on(&chart, day(5)), Some((Decimal::from(100), false)));
    }
}
