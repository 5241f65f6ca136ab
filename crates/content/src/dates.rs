//! Calendar dates for articles: parsed from front matter, shown as "Feb 15, 2026".

use std::fmt;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A proleptic Gregorian calendar date (no time, no zone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

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
}

impl Date {
    /// The date as a page shows it: ISO for `<time datetime>` and the reader's text.
    pub fn view(self) -> nv_model::content::DateView {
        nv_model::content::DateView { iso: self.iso(), display: self.display() }
    }

    /// Builds a date after checking the month and the day exist.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::Day { year, month, day });
        }
        Ok(Date { year, month: month as u8, day: day as u8 })
    }

    /// Parses the ISO 8601 calendar form `YYYY-MM-DD`.
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

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil-from-days).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year.rem_euclid(400);
        let month = i64::from(self.month);
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
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
        format!("{} {}, {}", MONTHS[usize::from(self.month - 1)], self.day, self.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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
    }

    #[test]
    fn orders_chronologically() {
        assert!(Date::parse("2026-02-15").unwrap() < Date::parse("2026-02-24").unwrap());
        assert!(Date::parse("2025-12-31").unwrap() < Date::parse("2026-01-01").unwrap());
    }
}
