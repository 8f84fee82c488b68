//! One lenient date parser for everything Azure sends, and ISO 8601 for everything we print.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses the date forms Azure has been seen to send:
/// RFC 3339 with 0-7 fraction digits (`2021-03-24T16:26:46.0000000Z`), the same without a zone
/// (taken as UTC), a plain `YYYY-MM-DD`, and the US forms of the 2019-10-01 API
/// (`09/18/2019 21:47:31`, `10/11/2019`).
pub fn parse_azure_date(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(with_zone) = DateTime::parse_from_rfc3339(text) {
        return Ok(with_zone.with_timezone(&Utc));
    }
    // chrono's `%.f` accepts any number of fraction digits, so 7 (.NET ticks) works too.
    const NAIVE_FORMATS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %I:%M:%S %p",
    ];
    for format in NAIVE_FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Utc.from_utc_datetime(&naive));
        }
    }
    for format in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(text, format) {
            return Ok(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default()));
        }
    }
    Err(format!("{text:?} is not a date in any form Azure uses"))
}

/// Parses a date the user typed: `YYYY-MM-DD`, nothing else, so there is no doubt about
/// which number is the month.
/// The window of `events`: `--end` defaults to the reference day, `--start` to one year
/// before the end; a start after the end is refused.
pub(crate) fn event_window(
    today: NaiveDate,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), String> {
    let end = match end {
        Some(text) => parse_user_date("--end", text)?,
        None => today,
    };
    let start = match start {
        Some(text) => parse_user_date("--start", text)?,
        None => end
            .checked_sub_months(chrono::Months::new(12))
            .unwrap_or(end),
    };
    if start > end {
        return Err(format!(
            "--start {start} is after --end {end}; give a start on or before the end"
        ));
    }
    Ok((start, end))
}

/// A window of whole calendar months (invoice billing periods), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MonthWindow {
    /// The first day of the first month.
    pub(crate) from: NaiveDate,
    /// The first day of the last month.
    pub(crate) to: NaiveDate,
}

impl MonthWindow {
    /// The last day of the last month.
    pub(crate) fn last_day(&self) -> NaiveDate {
        self.to
            .checked_add_months(chrono::Months::new(1))
            .and_then(|next| next.pred_opt())
            .unwrap_or(self.to)
    }

    /// Whether `day` lies in the window.
    pub(crate) fn holds(&self, day: NaiveDate) -> bool {
        day >= self.from && day <= self.last_day()
    }
}

/// `YYYY-MM`, as the window is named.
pub(crate) fn format_month(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

/// The invoice window: `--from` and `--to` name months (both included); `--to` defaults to
/// the month before the reference day's (whose period is still open), `--from` to eleven
/// months before `--to`: twelve billing periods.
pub(crate) fn month_window(
    today: NaiveDate,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<MonthWindow, String> {
    use chrono::Datelike;
    let this_month = today.with_day(1).unwrap_or(today);
    let to = match to {
        Some(text) => parse_user_month("--to", text)?,
        None => this_month
            .checked_sub_months(chrono::Months::new(1))
            .unwrap_or(this_month),
    };
    let from = match from {
        Some(text) => parse_user_month("--from", text)?,
        None => to.checked_sub_months(chrono::Months::new(11)).unwrap_or(to),
    };
    if from > to {
        return Err(format!(
            "--from {} is after --to {}; give a first month on or before the last (--to defaults to the month before the reference day)",
            format_month(from),
            format_month(to)
        ));
    }
    Ok(MonthWindow { from, to })
}

/// The days of `credits spend`: `--month` (to the reference day when it is this month), or
/// `--from`/`--to` (defaults: the first of the reference day's month, the reference day).
/// Cost Management answers at most about a year, and only 13 months back; no day after the
/// reference day has a cost yet.
pub(crate) fn spend_window(
    today: NaiveDate,
    month: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), String> {
    use chrono::Datelike;
    let this_month = today.with_day(1).unwrap_or(today);
    let (from, to) = match month {
        Some(text) => {
            let first = parse_user_month("--month", text)?;
            let last = MonthWindow {
                from: first,
                to: first,
            }
            .last_day();
            if first > today {
                return Err(format!(
                    "--month {} has not begun on {today}: give a month up to {}",
                    format_month(first),
                    format_month(this_month)
                ));
            }
            (first, last.min(today))
        }
        None => (
            match from {
                Some(text) => parse_user_date("--from", text)?,
                None => this_month,
            },
            match to {
                Some(text) => parse_user_date("--to", text)?,
                None => today,
            },
        ),
    };
    if from > to {
        return Err(format!(
            "--from {from} is after --to {to}; give a first day on or before the last"
        ));
    }
    if to > today {
        return Err(format!(
            "--to {to} is after the reference day {today}: there is no cost yet; give a day up to {today}"
        ));
    }
    if (to - from).num_days() > 365 {
        return Err(format!(
            "{from} to {to} is {} days; Cost Management answers at most 366 days at once: split the window",
            (to - from).num_days() + 1
        ));
    }
    let oldest = this_month
        .checked_sub_months(chrono::Months::new(13))
        .unwrap_or(this_month);
    if from < oldest {
        return Err(format!(
            "--from {from} is more than 13 months before {today}: Cost Management keeps costs from {oldest} on"
        ));
    }
    Ok((from, to))
}

/// A month the user typed: `YYYY-MM`; its first day.
pub(crate) fn parse_user_month(flag: &str, text: &str) -> Result<NaiveDate, String> {
    let bad = || {
        format!(
            "{flag} {text:?} is not a month; write it as YYYY-MM with a year from 1900 to 9999, for example 2026-01"
        )
    };
    let trimmed = text.trim();
    let shape_ok = trimmed.len() == 7
        && trimmed.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && trimmed.as_bytes()[4] == b'-';
    if !shape_ok {
        return Err(bad());
    }
    parse_user_date(flag, &format!("{trimmed}-01")).map_err(|_| bad())
}

pub(crate) fn parse_user_date(flag: &str, text: &str) -> Result<NaiveDate, String> {
    let bad = || {
        format!(
            "{flag} {text:?} is not a valid date; write it as YYYY-MM-DD with a year from 1900 to 9999, for example 2026-01-31"
        )
    };
    let trimmed = text.trim();
    // Exactly four year digits: chrono alone would take `+262142-12-31`, and day arithmetic
    // near the end of its calendar would overflow.
    let shape_ok = trimmed.len() == 10 && trimmed.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if !shape_ok {
        return Err(bad());
    }
    let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d").map_err(|_| bad())?;
    use chrono::Datelike;
    if date.year() < 1900 {
        return Err(bad());
    }
    Ok(date)
}

/// RFC 3339 in UTC with a `Z`, and fraction digits only when there are any.
pub(crate) fn format_iso(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// The calendar day for a table cell.
pub(crate) fn format_day(value: &DateTime<Utc>) -> String {
    use chrono::Datelike;
    // Hand-formatted: chrono's format machinery is the slow part of long tables.
    format!(
        "{:04}-{:02}-{:02}",
        value.year(),
        value.month(),
        value.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(text: &str) -> String {
        format_iso(&parse_azure_date(text).unwrap())
    }

    #[test]
    fn reads_every_form_azure_sends() {
        assert_eq!(iso("2019-10-01T00:00:00Z"), "2019-10-01T00:00:00Z");
        assert_eq!(iso("2021-03-24T16:26:46.0000000Z"), "2021-03-24T16:26:46Z");
        assert_eq!(
            iso("2021-03-24T16:26:46.1234567Z"),
            "2021-03-24T16:26:46.123456700Z"
        );
        assert_eq!(iso("2021-03-24T16:26:46"), "2021-03-24T16:26:46Z");
        assert_eq!(iso("2021-03-24T18:26:46+02:00"), "2021-03-24T16:26:46Z");
        assert_eq!(iso("09/18/2019 21:47:31"), "2019-09-18T21:47:31Z");
        assert_eq!(iso("10/11/2019"), "2019-10-11T00:00:00Z");
        assert_eq!(iso("2019-10-11"), "2019-10-11T00:00:00Z");
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for text in ["", "13/01/2019", "2019-13-01", "yesterday", "2019-02-30"] {
            assert!(parse_azure_date(text).is_err(), "{text}");
        }
    }

    #[test]
    fn user_dates_are_iso_only() {
        assert!(parse_user_date("--as-of", "+262142-12-31").is_err());
        assert!(parse_user_date("--as-of", "0001-01-01").is_err());
        assert!(parse_user_date("--as-of", "9999-12-31").is_ok());
        assert!(parse_user_date("--start", "2019-13-01").is_err());
        assert!(parse_user_date("--start", "10/11/2019").is_err());
        assert_eq!(
            parse_user_date("--start", "2024-02-29")
                .unwrap()
                .to_string(),
            "2024-02-29"
        );
    }
}
