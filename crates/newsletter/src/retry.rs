//! What the outbox does after a failed delivery: a mail the server refused for good fails at
//! once; anything else is tried again after a wait that doubles up to an hour, until the mail
//! is three days old, when it is given up (a confirmation link that old has long expired).

/// The wait after the first failed attempt.
pub const FIRST_BACKOFF_SECS: i64 = 60;
/// The longest wait between two attempts, so that mail goes out within the hour once the
/// mail server is back.
pub const MAX_BACKOFF_SECS: i64 = 3600;
/// A mail still not delivered this long after it was queued is given up.
pub const GIVE_UP_AFTER_SECS: i64 = 3 * 24 * 3600;

/// How a delivery attempt failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Trying again may work: no connection, a timeout, a 4xx reply, a full disk.
    Transient,
    /// The server refused this very mail for good (a 5xx reply): it would refuse it again.
    Permanent,
}

/// What happens to a mail after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    /// Try again at this time (seconds since the epoch).
    RetryAt(i64),
    /// Never try again.
    GiveUp,
}

/// The failure an SMTP reply code stands for (`None`: there was no reply, e.g. the connection
/// failed). 5xx is permanent, except the replies about our own login (530, 534, 535, 538): the
/// operator fixes those, after which the mail should still go out.
pub fn classify(reply_code: Option<u16>) -> Failure {
    match reply_code {
        Some(530 | 534 | 535 | 538) => Failure::Transient,
        Some(code) if (500..600).contains(&code) => Failure::Permanent,
        _ => Failure::Transient,
    }
}

/// The wait after `attempts` failed attempts (1 or more): 1 minute, doubling, at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let doublings = (attempts - 1).clamp(0, 20);
    (FIRST_BACKOFF_SECS << doublings).min(MAX_BACKOFF_SECS)
}

/// What to do with a mail queued at `queued_at` whose attempt number `attempts` just failed.
pub fn next_step(failure: Failure, attempts: i64, queued_at: i64, now: i64) -> NextStep {
    if failure == Failure::Permanent || now - queued_at >= GIVE_UP_AFTER_SECS {
        NextStep::GiveUp
    } else {
        NextStep::RetryAt(now + backoff_secs(attempts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_a_minute_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(backoff_secs).collect();
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(backoff_secs(0), 60);
        assert_eq!(backoff_secs(i64::MAX), 3600, "no overflow however many attempts");
    }

    #[test]
    fn replies_are_classified_by_their_first_digit_except_our_own_login() {
        for (code, expected) in [
            (None, Failure::Transient),
            (Some(421), Failure::Transient),
            (Some(450), Failure::Transient),
            (Some(452), Failure::Transient),
            (Some(550), Failure::Permanent),
            (Some(551), Failure::Permanent),
            (Some(552), Failure::Permanent),
            (Some(553), Failure::Permanent),
            (Some(554), Failure::Permanent),
            (Some(535), Failure::Transient),
            (Some(530), Failure::Transient),
        ] {
            assert_eq!(classify(code), expected, "{code:?}");
        }
    }

    #[test]
    fn permanent_failures_give_up_at_once_transient_ones_after_three_days() {
        let queued = 1_800_000_000;
        assert_eq!(next_step(Failure::Permanent, 1, queued, queued), NextStep::GiveUp);
        assert_eq!(next_step(Failure::Transient, 1, queued, queued), NextStep::RetryAt(queued + 60));
        assert_eq!(next_step(Failure::Transient, 3, queued, queued + 500), NextStep::RetryAt(queued + 500 + 240));
        let almost = queued + GIVE_UP_AFTER_SECS - 1;
        assert_eq!(next_step(Failure::Transient, 80, queued, almost), NextStep::RetryAt(almost + 3600));
        assert_eq!(next_step(Failure::Transient, 81, queued, queued + GIVE_UP_AFTER_SECS), NextStep::GiveUp);
        // The whole schedule: about 78 attempts over the three days, never more than an hour apart.
        let (mut now, mut attempts) = (queued, 0);
        while let NextStep::RetryAt(at) = next_step(Failure::Transient, attempts + 1, queued, now) {
            assert!(at - now <= MAX_BACKOFF_SECS);
            attempts += 1;
            now = at;
        }
        assert!((70..=80).contains(&attempts), "{attempts} attempts");
    }
}
