//! When the weekly issue goes out: a weekday and a UTC time (default Monday 07:00), or never.
//! Pure functions of the time given, so tests move a clock instead of sleeping.

use super::week::IsoWeek;
use jiff::civil::{Time, Weekday};
use nv_content::dates::Date;

/// How late a missed issue may still go out (the server was down at the due time).
pub const CATCH_UP_SECS: i64 = 24 * 3600;

/// The weekly send time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// The day of the issue's ISO week it goes out on.
    weekday: Weekday,
    /// The time of day, UTC (whole minutes).
    time: Time,
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule { weekday: Weekday::Monday, time: Time::constant(7, 0, 0, 0) }
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Schedule {
    /// Parses `mon 07:00` (a weekday's first three letters and a 24-hour UTC time); `off` is
    /// `Ok(None)`.
    pub fn parse(text: &str) -> Result<Option<Schedule>, String> {
        let text = text.trim().to_ascii_lowercase();
        if text == "off" {
            return Ok(None);
        }
        let wrong = || format!("expected a weekday and a UTC time like \"mon 07:00\", or \"off\"; found {text:?}");
        let (day, time) = text.split_once(' ').ok_or_else(wrong)?;
        let weekday = DAYS.iter().position(|name| day.trim().starts_with(name) && day.len() >= 3).ok_or_else(wrong)?;
        let weekday = Weekday::from_monday_zero_offset(weekday as i8).map_err(|_| wrong())?;
        let (hour, minute) = time.trim().split_once(':').ok_or_else(wrong)?;
        let (hour, minute): (i8, i8) = (hour.parse().map_err(|_| wrong())?, minute.parse().map_err(|_| wrong())?);
        // jiff refuses hours past 23 and minutes past 59.
        let time = Time::new(hour, minute, 0, 0).map_err(|_| wrong())?;
        Ok(Some(Schedule { weekday, time }))
    }

    /// The day `week`'s issue goes out.
    pub fn send_date(self, week: IsoWeek) -> Date {
        week.day(self.weekday)
    }

    /// When `week`'s issue is due (seconds since the epoch).
    pub fn due_at(self, week: IsoWeek) -> i64 {
        let time_of_day = i64::from(self.time.hour()) * 3600 + i64::from(self.time.minute()) * 60;
        self.send_date(week).days_since_epoch() * 86_400 + time_of_day
    }

    /// The week whose issue should go out at `now`: due at or before `now` and less than
    /// [`CATCH_UP_SECS`] ago. `None` between that window and the next due time.
    pub fn due_week(self, now: i64) -> Option<IsoWeek> {
        let mut week = IsoWeek::containing(Date::from_days_since_epoch(now.div_euclid(86_400)));
        if self.due_at(week) > now {
            week = week.previous();
        }
        (now - self.due_at(week) < CATCH_UP_SECS).then_some(week)
    }

    /// The first due time after `now`.
    pub fn next_due_after(self, now: i64) -> i64 {
        let week = IsoWeek::containing(Date::from_days_since_epoch(now.div_euclid(86_400)));
        let due = self.due_at(week);
        if due > now {
            due
        } else {
            self.due_at(week.next())
        }
    }

    /// The week whose issue goes out next after `now` (the archive's preview).
    pub fn coming_week(self, now: i64) -> IsoWeek {
        IsoWeek::containing(Date::from_days_since_epoch(self.next_due_after(now).div_euclid(86_400)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-23 (a Monday) at `hh:mm` UTC, plus `days`.
    fn at(days: i64, hour: i64, minute: i64) -> i64 {
        (Date::parse("2026-11-23").unwrap().days_since_epoch() + days) * 86_400 + hour * 3600 + minute * 60
    }

    #[test]
    fn the_default_is_monday_seven_utc_and_off_turns_it_off() {
        assert_eq!(Schedule::parse("mon 07:00"), Ok(Some(Schedule::default())));
        assert_eq!(Schedule::parse("Off"), Ok(None));
        assert_eq!(
            Schedule::parse("friday 16:30").unwrap().unwrap().due_at(IsoWeek::parse("2026-W48").unwrap()),
            at(4, 16, 30)
        );
        for bad in ["mon", "monday 7", "xyz 07:00", "mon 24:00", "mon 07:60", ""] {
            assert!(Schedule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_issue_is_due_from_its_time_for_one_day_then_the_next_week_waits() {
        let schedule = Schedule::default();
        let w48 = IsoWeek::parse("2026-W48").unwrap();
        assert_eq!(schedule.due_week(at(0, 6, 59)), None, "a minute early; last week's window is long over");
        assert_eq!(schedule.due_week(at(0, 7, 0)), Some(w48));
        // The server was down at the due time: it catches up if it is back within a day.
        assert_eq!(schedule.due_week(at(1, 6, 59)), Some(w48));
        assert_eq!(schedule.due_week(at(1, 7, 0)), None, "a day late is too late");
        assert_eq!(schedule.due_week(at(6, 23, 0)), None);
        assert_eq!(schedule.next_due_after(at(0, 6, 0)), at(0, 7, 0));
        assert_eq!(schedule.next_due_after(at(0, 7, 0)), at(7, 7, 0));
        assert_eq!(schedule.coming_week(at(2, 0, 0)), w48.next());
        assert_eq!(schedule.send_date(w48).iso(), "2026-11-23");
    }

    #[test]
    fn a_sunday_schedule_wraps_into_the_next_iso_week() {
        let schedule = Schedule::parse("sun 20:00").unwrap().unwrap();
        assert_eq!(schedule.due_week(at(6, 21, 0)).map(|week| week.to_string()).as_deref(), Some("2026-W48"));
        assert_eq!(schedule.due_week(at(7, 19, 0)).map(|week| week.to_string()).as_deref(), Some("2026-W48"));
        assert_eq!(schedule.due_week(at(7, 21, 0)), None);
        // Week 53 ends in the next calendar year.
        let w53 = IsoWeek::parse("2026-W53").unwrap();
        assert_eq!(schedule.send_date(w53).iso(), "2027-01-03");
        assert_eq!(schedule.due_week(at(41, 20, 0)), Some(w53));
        assert_eq!(schedule.coming_week(at(41, 20, 0)).to_string(), "2027-W01");
    }
}
