//! Calendar dates for articles: parsed from front matter, shown as "Feb 15, 2026". The
//! calendar itself (month lengths, leap years, days since the epoch, ISO weeks) is jiff's.

use jiff::civil;
use std::fmt;

/// Day 0 of [`Date::days_since_epoch`].
const EPOCH: civil::Date = civil::Date::constant(1970, 1, 1);

/// A proleptic Gregorian calendar date (no time, no zone), from year -9999 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub(crate) civil::Date);

/// Why a date string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not in `YYYY-MM-DD` form.
    #[error("expected a date like 2026-02-15, found `{0}`")]
    Format(String),
    /// The month is not 1–12.
    #[error("month {0} does not exist")]
    Month(u32),
    /// The day does not exist in that month.
    #[error("day {day} does not exist in {year}-{month:02}")]
    Day { year: i32, month: u32, day: u32 },
    /// The year is outside -9999 to 9999 (a `YYYY-MM-DD` text never is).
    #[error("year {0} is outside -9999 to 9999")]
    Year(i32),
}

impl Date {
    /// The date as a page shows it: ISO for `<time datetime>` and the reader's text.
    pub fn view(self) -> nv_model::content::DateView {
        nv_model::content::DateView { iso: self.iso(), display: self.display() }
    }

    /// Builds a date after checking the month and the day exist.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        let month_number = i8::try_from(month).ok().filter(|month| (1..=12).contains(month));
        let month_number = month_number.ok_or(DateError::Month(month))?;
        let year_number = i16::try_from(year).map_err(|_| DateError::Year(year))?;
        // jiff refuses a day the month lacks, and a year outside its range (checked first).
        let day_number = i8::try_from(day).map_err(|_| DateError::Day { year, month, day })?;
        civil::Date::new(year_number, month_number, day_number).map(Date).map_err(|_| {
            if civil::Date::new(year_number, 1, 1).is_err() {
                DateError::Year(year)
            } else {
                DateError::Day { year, month, day }
            }
        })
    }

    /// Parses the ISO 8601 calendar form `YYYY-MM-DD`, and only that form: jiff's own parser
    /// also takes `20260215` and `+002026-02-15`, which front matter must not use.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let format_error = || DateError::Format(text.to_string());
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(format_error());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format_error());
            }
            part.parse().map_err(|_| format_error())
        };
        Date::new(number(0..4)? as i32, number(5..7)?, number(8..10)?)
    }

    /// The date `days` after 1970-01-01 (before it if negative); past jiff's years -9999 to
    /// 9999, the nearest end of that range.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let date = jiff::Span::new().try_days(days).and_then(|span| EPOCH.checked_add(span));
        Date(date.unwrap_or(if days < 0 { civil::Date::MIN } else { civil::Date::MAX }))
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Civil days are 86,400 seconds each: the division is exact.
        self.0.duration_since(EPOCH).as_secs() / 86_400
    }

    /// The date `days` later (earlier if negative), at most to the end of the range.
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// The weekday's short English name, "Mon" to "Sun".
    pub fn weekday_short(self) -> String {
        self.0.strftime("%a").to_string()
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> Date {
        Date::from_days_since_epoch(unix_now().div_euclid(86_400))
    }

    /// The `YYYY-MM-DD` form used in `<time datetime>`.
    pub fn iso(self) -> String {
        self.to_string()
    }

    /// The reader-facing form, e.g. "Feb 15, 2026".
    pub fn display(self) -> String {
        self.0.strftime("%b %-d, %-Y").to_string()
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD` (years 0 to 9999 in four digits, so the text sorts as the dates do).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// The server's one clock: whole seconds since 1970-01-01 UTC (0 if the system clock is set
/// before it). Dates, tokens, the outbox and the commands all read the time here.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_short_month_day_and_year() {
        assert_eq!(Date::parse("2026-02-15").unwrap().display(), "Feb 15, 2026");
        assert_eq!(Date::parse("2026-12-01").unwrap().display(), "Dec 1, 2026");
        assert_eq!(Date::parse("0999-07-04").unwrap().display(), "Jul 4, 999");
        let weekdays: Vec<String> =
            (0..7).map(|day| Date::parse("2026-11-23").unwrap().add_days(day).weekday_short()).collect();
        assert_eq!(weekdays, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
    }

    #[test]
    fn iso_form_round_trips() {
        assert_eq!(Date::parse("2026-02-24").unwrap().iso(), "2026-02-24");
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        assert_eq!(Date::parse("2026-02-30"), Err(DateError::Day { year: 2026, month: 2, day: 30 }));
        assert_eq!(Date::parse("2026-13-01"), Err(DateError::Month(13)));
        assert!(matches!(Date::parse("Feb 15, 2026"), Err(DateError::Format(_))));
        assert!(matches!(Date::parse("2026-2-15"), Err(DateError::Format(_))));
        assert!(Date::parse("2024-02-29").is_ok(), "2024 is a leap year");
        assert!(Date::parse("2100-02-29").is_err(), "2100 is not a leap year");
        assert!(Date::parse("2000-02-29").is_ok(), "2000 is a leap year");
        assert!(matches!(Date::parse("20260215"), Err(DateError::Format(_))));
        assert!(matches!(Date::parse("+02026-02-15"), Err(DateError::Format(_))));
        assert_eq!(Date::new(2026, 0, 1), Err(DateError::Month(0)));
        assert_eq!(Date::new(2026, 4, 31), Err(DateError::Day { year: 2026, month: 4, day: 31 }));
        assert_eq!(Date::new(10_000, 1, 1), Err(DateError::Year(10_000)));
    }

    #[test]
    fn converts_to_and_from_days_since_epoch() {
        assert_eq!(Date::from_days_since_epoch(0).iso(), "1970-01-01");
        let date = Date::parse("2026-02-15").unwrap();
        assert_eq!(date.days_since_epoch(), 20_499);
        assert_eq!(Date::from_days_since_epoch(20_499), date);
        for days in [-800_000, -1, 59, 365 * 30, 100_000] {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::from_days_since_epoch(-1).iso(), "1969-12-31");
        assert_eq!(Date::parse("2024-02-28").unwrap().add_days(1).iso(), "2024-02-29");
        assert_eq!(Date::parse("2025-12-31").unwrap().add_days(1).iso(), "2026-01-01");
        assert_eq!(Date::from_days_since_epoch(i64::MAX).iso(), "9999-12-31", "the end of the range, no panic");
    }

    #[test]
    fn orders_chronologically() {
        assert!(Date::parse("2026-02-15").unwrap() < Date::parse("2026-02-24").unwrap());
        assert!(Date::parse("2025-12-31").unwrap() < Date::parse("2026-01-01").unwrap());
    }
}
