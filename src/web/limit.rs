//! Per-client rate limits for the candidate page: a flood of requests, or repeated failures
//! (guessing tokens), gets 429 until the window has passed. Kept in memory: a restart forgets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much one client may do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Requests per window.
    pub requests: u32,
    /// Failed requests (unknown tokens, bad forms) per window.
    pub failures: u32,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            requests: 120,
            failures: 20,
            window: Duration::from_secs(600),
        }
    }
}

#[derive(Debug)]
struct Bucket {
    since: Instant,
    requests: u32,
    failures: u32,
}

/// The clients seen in the current windows.
#[derive(Debug, Default)]
pub struct Limiter {
    limits: Limits,
    clients: Mutex<HashMap<IpAddr, Bucket>>,
}

impl Limiter {
    pub fn new(limits: Limits) -> Limiter {
        Limiter {
            limits,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `ip` at `now`; false when the client is over a limit.
    pub fn admit(&self, ip: IpAddr, now: Instant) -> bool {
        let mut m = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() > 100_000 {
            // Bound the memory a flood from many addresses can take.
            m.retain(|_, b| now.duration_since(b.since) < self.limits.window);
        }
        let b = m.entry(ip).or_insert(Bucket {
            since: now,
            requests: 0,
            failures: 0,
        });
        if now.duration_since(b.since) >= self.limits.window {
            *b = Bucket {
                since: now,
                requests: 0,
                failures: 0,
            };
        }
        b.requests += 1;
        b.requests <= self.limits.requests && b.failures < self.limits.failures
    }

    /// Counts a failure of `ip`'s.
    pub fn failed(&self, ip: IpAddr) {
        let mut m = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(b) = m.get_mut(&ip) {
            b.failures += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_and_floods_are_refused_until_the_window_passes() {
        let l = Limiter::new(Limits {
            requests: 5,
            failures: 2,
            window: Duration::from_secs(60),
        });
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        assert!(l.admit(a, t));
        l.failed(a);
        assert!(l.admit(a, t));
        l.failed(a);
        assert!(!l.admit(a, t), "two failures: refused");
        assert!(l.admit(b, t), "another client is not affected");
        for _ in 0..4 {
            assert!(l.admit(b, t));
        }
        assert!(!l.admit(b, t), "the sixth request in a window");
        assert!(l.admit(a, t + Duration::from_secs(61)), "a new window");
    }
}
