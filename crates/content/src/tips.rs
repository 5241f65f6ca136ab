//! The daily tip rotation.

use super::dates::Date;

/// Index of the tip shown on `date`: advances by one each UTC day and wraps around, so the tip
/// is the same all day and every tip gets its turn.
pub fn tip_index(date: Date, tip_count: usize) -> usize {
    if tip_count == 0 {
        return 0;
    }
    date.days_since_epoch().rem_euclid(tip_count as i64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_daily_and_cycles_through_every_tip() {
        let start = Date::parse("2026-02-15").unwrap().days_since_epoch();
        let picks: Vec<usize> = (0..14).map(|d| tip_index(Date::from_days_since_epoch(start + d), 14)).collect();
        let mut sorted = picks.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..14).collect::<Vec<_>>(), "each tip once in 14 days");
        assert!(picks.windows(2).all(|w| w[0] != w[1]), "consecutive days differ");
    }

    #[test]
    fn is_stable_within_a_day() {
        let day = Date::parse("2026-11-23").unwrap();
        assert_eq!(tip_index(day, 30), tip_index(Date::parse("2026-11-23").unwrap(), 30));
    }

    #[test]
    fn handles_an_empty_list() {
        assert_eq!(tip_index(Date::parse("2026-11-23").unwrap(), 0), 0);
    }
}
