//! The one clock of rapport's domain: waits, frequency rules, snoozes, the demo's "now", the
//! dates of mail we write. `RAPPORT_NOW` (RFC 3339, or unix seconds) starts it at a chosen
//! instant, from which it runs at the real pace: the demo and the tests use it so that nothing
//! depends on today's date. Leases between processes keep the real clock (`store::lease`):
//! they measure whether another process is alive, not what day it is.

use std::sync::OnceLock;

/// The environment variable that sets the clock.
pub const ENV: &str = "RAPPORT_NOW";

/// Milliseconds to add to the real clock: zero unless `RAPPORT_NOW` set it.
fn offset_ms() -> i64 {
    static OFFSET: OnceLock<i64> = OnceLock::new();
    *OFFSET.get_or_init(|| match std::env::var(ENV) {
        Ok(v) => match parse(&v) {
            Ok(t) => t * 1000 - real_ms(),
            // `check` reports it at start-up; a library caller gets the real clock.
            Err(_) => 0,
        },
        Err(_) => 0,
    })
}

fn real_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Reads a `RAPPORT_NOW` value: an RFC 3339 time or unix seconds.
pub fn parse(v: &str) -> Result<i64, String> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<i64>() {
        // Only times jiff can represent: the rest of rapport formats them.
        return jiff::Timestamp::from_second(secs)
            .map(|t| t.as_second())
            .map_err(|e| format!("{ENV}={v}: {e}"));
    }
    v.parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .map_err(|_| {
            format!("{ENV}={v}: expected an RFC 3339 time (2026-11-20T15:00:00Z) or unix seconds")
        })
}

/// Checks `RAPPORT_NOW` and starts the clock; called once at start-up so that a bad value is an
/// error naming the variable, and the clock starts when the process does.
pub fn check() -> Result<(), String> {
    if let Ok(v) = std::env::var(ENV) {
        parse(&v)?;
    }
    offset_ms();
    Ok(())
}

/// Now, as unix seconds.
pub fn now() -> i64 {
    now_ms().div_euclid(1000)
}

/// Now, as unix milliseconds.
pub fn now_ms() -> i64 {
    real_ms() + offset_ms()
}

/// Now, for headers and file times.
pub fn system_time() -> std::time::SystemTime {
    let ms = now_ms();
    if ms >= 0 {
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms as u64)
    } else {
        std::time::UNIX_EPOCH
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_rfc3339_and_unix_seconds() {
        assert_eq!(parse("2026-11-20T15:00:00Z"), Ok(1_795_186_800));
        assert_eq!(parse("1795186800"), Ok(1_795_186_800));
        let e = parse("next tuesday").unwrap_err();
        assert!(e.contains("RAPPORT_NOW=next tuesday"), "{e}");
        assert!(parse("99999999999999999").is_err());
    }
}
