//! ISO 8601 weeks (`2026-W48`): what an issue is named after, and the dates inside one. The
//! numbering (week 53, weeks across a year's end) is jiff's.

use crate::dates::Date;
use jiff::civil::{ISOWeekDate, Weekday};
use std::fmt;

/// One ISO week: Monday to Sunday, numbered within the ISO year of its Thursday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    /// The week's Monday, so that every `IsoWeek` is a week that exists.
    monday: ISOWeekDate,
}

impl IsoWeek {
    /// The week `date` falls in.
    pub fn containing(date: Date) -> IsoWeek {
        let day = date.0.iso_week_date();
        // Never fails (-9999-01-01, the first date, is a Monday): jiff's signature is fallible
        // only to match `last_of_week`.
        IsoWeek { monday: day.first_of_week().unwrap_or(day) }
    }

    /// Parses `2026-W48` (also `2026-w48`); `None` if it is not a week that exists.
    pub fn parse(text: &str) -> Option<IsoWeek> {
        let (year, week) = text.trim().split_once(['W', 'w'])?;
        let year: i16 = year.strip_suffix('-')?.parse().ok()?;
        if week.len() != 2 || !(1000..=9999).contains(&year) {
            return None;
        }
        let week: i8 = week.parse().ok()?;
        // jiff refuses week 0, and week 53 in a year that has 52.
        ISOWeekDate::new(year, week, Weekday::Monday).ok().map(|monday| IsoWeek { monday })
    }

    /// The Monday the week starts on.
    pub fn monday(self) -> Date {
        Date(self.monday.date())
    }

    /// The week's `weekday` (Monday is its first day, Sunday its last).
    pub fn day(self, weekday: Weekday) -> Date {
        self.monday().add_days(i64::from(weekday.to_monday_zero_offset()))
    }

    /// The week after this one.
    pub fn next(self) -> IsoWeek {
        IsoWeek::containing(self.monday().add_days(7))
    }

    /// The week before this one.
    pub fn previous(self) -> IsoWeek {
        IsoWeek::containing(self.monday().add_days(-7))
    }

    /// The `YYYY-wWW` form used in URLs (`/newsletter/issues/2026-w48`).
    pub fn slug(self) -> String {
        format!("{:04}-w{:02}", self.monday.year(), self.monday.week())
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.monday.year(), self.monday.week())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn weeks_follow_iso_8601_across_year_ends() {
        for (day, week) in [
            ("2026-11-23", "2026-W48"),
            ("2026-11-29", "2026-W48"),
            ("2026-11-30", "2026-W49"),
            ("2021-01-03", "2020-W53"),
            ("2024-12-30", "2025-W01"),
            ("2026-01-01", "2026-W01"),
            ("2026-12-31", "2026-W53"),
            ("2027-01-03", "2026-W53"),
            ("2027-01-04", "2027-W01"),
            ("2008-12-29", "2009-W01"),
            ("2024-02-29", "2024-W09"),
        ] {
            assert_eq!(IsoWeek::containing(date(day)).to_string(), week, "{day}");
        }
    }

    #[test]
    fn parse_monday_and_neighbours_round_trip() {
        let week = IsoWeek::parse("2026-W48").unwrap();
        assert_eq!(week.monday(), date("2026-11-23"));
        assert_eq!(week.next().to_string(), "2026-W49");
        assert_eq!(IsoWeek::parse("2021-W01").unwrap().previous().to_string(), "2020-W53");
        assert_eq!(IsoWeek::parse("2020-W53").unwrap().next().to_string(), "2021-W01");
        assert_eq!(IsoWeek::parse("2026-W53").unwrap().monday(), date("2026-12-28"));
        assert_eq!(week.day(Weekday::Sunday), date("2026-11-29"));
        assert_eq!(IsoWeek::parse("2026-w48"), Some(week));
        assert_eq!(week.slug(), "2026-w48");
        for bad in ["2026-W54", "2026-W00", "2026-48", "W48", "2026-W4", "2025-W53"] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
    }
}
