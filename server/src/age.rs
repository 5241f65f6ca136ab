//! How the commands print an age.

/// A duration in `seconds` as the commands print an age: seconds, minutes, hours, then days.
pub fn age_text(seconds: i64) -> String {
    match seconds.max(0) {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}
