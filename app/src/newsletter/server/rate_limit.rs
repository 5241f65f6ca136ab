//! Signups per client network in a sliding window (IPv4 per address, IPv6 per /64).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The key a client is counted under: its IPv4 address or its IPv6 /64 network.
pub fn client_key(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => client_key(IpAddr::V4(v4)),
            None => u128::from(v6) & !((1u128 << 64) - 1),
        },
    }
}

/// Allows `limit` signups per `window` per client key; a limit of 0 turns it off.
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    seen: Mutex<HashMap<u128, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `limit` signups per `window` (0 = unlimited).
    pub fn new(limit: usize, window: Duration) -> RateLimiter {
        RateLimiter { limit, window, seen: Mutex::new(HashMap::new()) }
    }

    /// Counts one attempt from `client` and says whether it is allowed. Requests without a
    /// known peer share one bucket.
    pub fn allow(&self, client: Option<IpAddr>) -> bool {
        self.allow_at(client, Instant::now())
    }

    fn allow_at(&self, client: Option<IpAddr>, now: Instant) -> bool {
        if self.limit == 0 {
            return true;
        }
        let key = client.map_or(0, client_key);
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        if seen.len() > 100_000 {
            // Keep memory bounded under a flood from many networks.
            seen.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < self.window));
        }
        let times = seen.entry(key).or_default();
        while times.front().is_some_and(|first| now.duration_since(*first) >= self.window) {
            times.pop_front();
        }
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_in_one_64_share_a_key_ipv4_clients_do_not() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let d: IpAddr = "192.0.2.1".parse().unwrap();
        let e: IpAddr = "192.0.2.2".parse().unwrap();
        assert_ne!(client_key(d), client_key(e));
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), client_key(d));
    }

    #[test]
    fn allows_the_limit_then_refuses_until_the_window_passes() {
        let limiter = RateLimiter::new(5, Duration::from_secs(600));
        let client = Some("2001:db8::1".parse().unwrap());
        let neighbour = Some("2001:db8::2".parse().unwrap());
        let other = Some("2001:db9::1".parse().unwrap());
        let start = Instant::now();
        for _ in 0..5 {
            assert!(limiter.allow_at(client, start));
        }
        assert!(!limiter.allow_at(neighbour, start), "same /64");
        assert!(limiter.allow_at(other, start));
        assert!(limiter.allow_at(client, start + Duration::from_secs(601)));
    }

    #[test]
    fn a_zero_limit_is_off() {
        let limiter = RateLimiter::new(0, Duration::from_secs(600));
        assert!((0..100).all(|_| limiter.allow(None)));
    }
}
