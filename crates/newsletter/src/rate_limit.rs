//! Signups per client network in a sliding window (IPv4 per address, IPv6 per /64), with the
//! memory it takes bounded, and the client address read behind trusted reverse proxies.

use http::HeaderMap;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most client networks remembered at once. Each costs about 200 bytes with the default limit,
/// so a flood from many networks holds at most about 10 MB.
pub const MAX_CLIENTS: usize = 50_000;

/// The address a request counts as coming from. With no proxy of ours in front (`hops` = 0)
/// it is the peer. Behind `hops` proxies, each of which appends the address it saw to
/// `X-Forwarded-For`, it is the entry `hops` places from the right, read across all header
/// lines in order (a client can send its own lines and entries, but only to the left of what
/// our proxies add). The peer stands in when the header is missing or that entry is not an
/// address, so such requests share the proxy's bucket instead of choosing their own.
pub fn forwarded_client(headers: &HeaderMap, peer: Option<IpAddr>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|line| line.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    // Fewer entries than proxies: every entry was added by one of ours; the first is the client.
    let entry = entries.len().checked_sub(hops).and_then(|index| entries.get(index)).or(entries.first());
    let parsed = entry.and_then(|entry| {
        entry.parse::<IpAddr>().ok().or_else(|| entry.parse::<SocketAddr>().ok().map(|with_port| with_port.ip()))
    });
    parsed.or(peer)
}

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
    max_clients: usize,
    seen: Mutex<HashMap<u128, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `limit` signups per `window` (0 = unlimited), remembering at most
    /// [`MAX_CLIENTS`] networks.
    pub fn new(limit: usize, window: Duration) -> RateLimiter {
        RateLimiter::with_capacity(limit, window, MAX_CLIENTS)
    }

    /// [`RateLimiter::new`] remembering at most `max_clients` networks.
    pub fn with_capacity(limit: usize, window: Duration, max_clients: usize) -> RateLimiter {
        RateLimiter { limit, window, max_clients: max_clients.max(2), seen: Mutex::new(HashMap::new()) }
    }

    /// Signups allowed per window (0: no limit).
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The sliding window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// How many client networks are remembered now.
    pub fn remembered(&self) -> usize {
        self.seen.lock().map_or(0, |seen| seen.len())
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
        if seen.len() >= self.max_clients && !seen.contains_key(&key) {
            self.make_room(&mut seen, now);
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

    /// Forgets the networks not seen within the window and, if that is not enough (a flood
    /// from more networks than we remember), the half seen longest ago. Those start again
    /// from zero: an attacker with that many networks gets past any per-network limit anyway,
    /// while the memory stays bounded and the work per signup stays constant on average.
    fn make_room(&self, seen: &mut HashMap<u128, VecDeque<Instant>>, now: Instant) {
        seen.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < self.window));
        if seen.len() < self.max_clients {
            return;
        }
        let mut last_seen: Vec<Instant> = seen.values().filter_map(|times| times.back().copied()).collect();
        let middle = last_seen.len() / 2;
        let (_, cutoff, _) = last_seen.select_nth_unstable(middle);
        let cutoff = *cutoff;
        seen.retain(|_, times| times.back().is_some_and(|last| *last > cutoff));
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
    fn memory_stays_bounded_and_the_most_recent_networks_are_kept() {
        let limiter = RateLimiter::with_capacity(2, Duration::from_secs(600), 100);
        let start = Instant::now();
        let network = |n: u32| Some(IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + n)));
        for n in 0..10_000 {
            assert!(limiter.allow_at(network(n), start + Duration::from_millis(u64::from(n))));
            assert!(limiter.remembered() <= 100, "{} networks remembered after {n}", limiter.remembered());
        }
        // The latest network is still counted: one more signup reaches its limit of 2.
        let last = start + Duration::from_secs(10);
        assert!(limiter.allow_at(network(9_999), last));
        assert!(!limiter.allow_at(network(9_999), last));
        // A window later, networks idle since are forgotten first, and all of them: the new
        // ones arriving now are all still counted.
        let later = last + Duration::from_secs(601);
        for n in 20_000..20_099 {
            assert!(limiter.allow_at(network(n), later));
        }
        assert!(limiter.remembered() <= 100);
        for n in 20_000..20_099 {
            assert!(limiter.allow_at(network(n), later));
            assert!(!limiter.allow_at(network(n), later), "network {n} was forgotten");
        }
    }

    #[test]
    fn forwarded_for_trusts_exactly_the_configured_hops_across_header_lines() {
        let peer: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        let headers = |lines: &[&str]| {
            let mut map = HeaderMap::new();
            for line in lines {
                map.append("x-forwarded-for", line.parse().unwrap());
            }
            map
        };
        let ip = |text: &str| Some(text.parse::<IpAddr>().unwrap());
        // A client forges two lines; our two proxies append the address each saw.
        let forged = headers(&["6.6.6.6", "7.7.7.7, 8.8.8.8", "203.0.113.9, 192.168.1.2"]);
        assert_eq!(forwarded_client(&forged, peer, 0), peer, "no proxy: the header is ignored");
        assert_eq!(forwarded_client(&forged, peer, 1), ip("192.168.1.2"));
        assert_eq!(forwarded_client(&forged, peer, 2), ip("203.0.113.9"));
        // Each proxy may also add its own line.
        let lines = headers(&["6.6.6.6", "203.0.113.9", "192.168.1.2"]);
        assert_eq!(forwarded_client(&lines, peer, 2), ip("203.0.113.9"));
        // Fewer entries than proxies: the first is what the outermost proxy saw.
        assert_eq!(forwarded_client(&headers(&["203.0.113.9"]), peer, 2), ip("203.0.113.9"));
        // Ports and IPv6, as some proxies write them.
        assert_eq!(forwarded_client(&headers(&["203.0.113.9:4711"]), peer, 1), ip("203.0.113.9"));
        assert_eq!(forwarded_client(&headers(&["[2001:db8::7]:4711"]), peer, 1), ip("2001:db8::7"));
        assert_eq!(forwarded_client(&headers(&["2001:db8::7"]), peer, 1), ip("2001:db8::7"));
        // Missing or garbage: the peer (the proxy) stands in.
        assert_eq!(forwarded_client(&HeaderMap::new(), peer, 1), peer);
        assert_eq!(forwarded_client(&headers(&["unknown"]), peer, 1), peer);
        assert_eq!(forwarded_client(&headers(&[" , "]), peer, 1), peer);
    }

    #[test]
    fn a_zero_limit_is_off() {
        let limiter = RateLimiter::new(0, Duration::from_secs(600));
        assert!((0..100).all(|_| limiter.allow(None)));
    }
}
