//! ISO 8601 weeks (`2026-W48`): what an issue is named after, and the dates inside one.

use crate::dates::Date;
use std::fmt;

/// One ISO week: Monday to Sunday, numbered within the ISO year of its Thursday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoWeek {
    year: i32,
    week: u32,
}

impl IsoWeek {
    /// The week `date` falls in.
    pub fn containing(date: Date) -> IsoWeek {
        let days = date.days_since_epoch();
        // 1970-01-01 was a Thursday; Monday is 0.
        let weekday = (days + 3).rem_euclid(7);
        let thursday = Date::from_days_since_epoch(days - weekday + 3);
        let year = year_of(thursday);
        let january_first = Date::new(year, 1, 1).map_or(0, Date::days_since_epoch);
        let week = ((thursday.days_since_epoch() - january_first) / 7 + 1) as u32;
        IsoWeek { year, week }
    }

    /// Parses `2026-W48` (also `2026-w48`); `None` if it is not a week that exists.
    pub fn parse(text: &str) -> Option<IsoWeek> {
        let (year, week) = text.trim().split_once(['W', 'w'])?;
        let year: i32 = year.strip_suffix('-')?.parse().ok()?;
        if week.len() != 2 || !(1000..=9999).contains(&year) {
            return None;
        }
        let week: u32 = week.parse().ok()?;
        let candidate = IsoWeek { year, week };
        (week >= 1 && IsoWeek::containing(candidate.monday()) == candidate).then_some(candidate)
    }

    /// The Monday the week starts on.
    pub fn monday(self) -> Date {
        // January 4th is always in week 1.
        let january_fourth = Date::new(self.year, 1, 4).map_or(0, Date::days_since_epoch);
        let weekday = (january_fourth + 3).rem_euclid(7);
        Date::from_days_since_epoch(january_fourth - weekday + 7 * (i64::from(self.week) - 1))
    }

    /// The week after this one.
    pub fn next(self) -> IsoWeek {
        IsoWeek::containing(Date::from_days_since_epoch(self.monday().days_since_epoch() + 7))
    }

    /// The week before this one.
    pub fn previous(self) -> IsoWeek {
        IsoWeek::containing(Date::from_days_since_epoch(self.monday().days_since_epoch() - 7))
    }

    /// The `YYYY-wWW` form used in URLs (`/newsletter/issues/2026-w48`).
    pub fn slug(self) -> String {
        format!("{:04}-w{:02}", self.year, self.week)
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

/// The calendar year of `date`.
fn year_of(date: Date) -> i32 {
    date.iso().get(..4).and_then(|year| year.parse().ok()).unwrap_or(1970)
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
        assert_eq!(IsoWeek::parse("2026-w48"), Some(week));
        assert_eq!(week.slug(), "2026-w48");
        for bad in ["2026-W54", "2026-W00", "2026-48", "W48", "2026-W4", "2025-W53"] {
            assert_eq!(IsoWeek::parse(bad), None, "{bad}");
        }
    }
}
