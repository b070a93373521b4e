//! Human time: wait durations ("3d 4h") and message dates relative to now, in a time zone.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A wait or age in the largest two units: "45m", "3h 05m", "2d 4h", "5w 2d".
pub fn duration(secs: i64) -> String {
    let s = secs.max(0);
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if m < 60 {
        format!("{m}m")
    } else if h < 24 {
        format!("{h}h {:02}m", m % 60)
    } else if d < 14 {
        format!("{d}d {}h", h % 24)
    } else {
        format!("{}w {}d", d / 7, d % 7)
    }
}

/// Business time in hours, never days (a "day" of business hours is ambiguous): "45m",
/// "7h 30m", "63h".
pub fn hours(secs: i64) -> String {
    let m = secs.max(0) / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) if h < 10 => format!("{h}h {m:02}m"),
        (h, _) => format!("{h}h"),
    }
}

/// A compact date for lists: "14:05" today, "Mon 14:05" this week, "3 Nov" this year,
/// "3 Nov 2025" otherwise.
pub fn short_date(at: i64, now: i64, tz: &TimeZone) -> String {
    let (Ok(t), Ok(n)) = (Timestamp::from_second(at), Timestamp::from_second(now)) else {
        return "?".into();
    };
    let (t, n) = (
        t.to_zoned_datetime(tz.clone()),
        n.to_zoned_datetime(tz.clone()),
    );
    if t.date() == n.date() {
        t.strftime("%H:%M").to_string()
    } else if (n.timestamp().as_second() - at) < 6 * 86_400 && at <= now {
        t.strftime("%a %H:%M").to_string()
    } else if t.year() == n.year() {
        t.strftime("%-d %b").to_string()
    } else {
        t.strftime("%-d %b %Y").to_string()
    }
}

/// A full date for message headers: "Tue 3 Nov 2026 14:05".
pub fn long_date(at: i64, tz: &TimeZone) -> String {
    match Timestamp::from_second(at) {
        Ok(t) => t
            .to_zoned_datetime(tz.clone())
            .strftime("%a %-d %b %Y %H:%M")
            .to_string(),
        Err(_) => "?".into(),
    }
}

/// RFC 3339 in UTC, for JSON output.
pub fn rfc3339(at: i64) -> String {
    Timestamp::from_second(at)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_two_units() {
        assert_eq!(duration(59), "0m");
        assert_eq!(duration(45 * 60), "45m");
        assert_eq!(duration(3 * 3600 + 5 * 60), "3h 05m");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2d 4h");
        assert_eq!(duration(37 * 86_400), "5w 2d");
        assert_eq!(duration(-5), "0m");
    }

    #[test]
    fn short_dates_depend_on_distance() {
        let tz = TimeZone::UTC;
        let now = 1_764_000_000; // Mon 24 Nov 2025 16:00 UTC
        assert_eq!(short_date(now - 3600, now, &tz), "15:00");
        assert_eq!(short_date(now - 2 * 86_400, now, &tz), "Sat 16:00");
        assert_eq!(short_date(now - 30 * 86_400, now, &tz), "25 Oct");
        assert_eq!(short_date(now - 400 * 86_400, now, &tz), "20 Oct 2024");
    }
}

/// How far ahead a typed time may be (ten years): further is a typo, and storing it would
/// hide a candidate (a snooze) or skew every report for good.
pub const MAX_AHEAD_SECS: i64 = 10 * 366 * 86_400;

/// `at` when it lies between 1970 and [`MAX_AHEAD_SECS`] after `now`; an error naming the
/// typed text `s` otherwise. Every reader of typed times ends here.
pub fn in_range(s: &str, at: i64, now: i64) -> Result<i64, String> {
    if at < 0 {
        Err(format!("{s:?} is too far in the past (before 1970)"))
    } else if at > now.saturating_add(MAX_AHEAD_SECS) {
        Err(format!(
            "{s:?} is too far in the future (more than 10 years ahead)"
        ))
    } else {
        Ok(at)
    }
}

/// `now` moved by `secs` (a typed span), checked: an absurd span is an error, not an overflow.
pub fn offset(s: &str, now: i64, secs: i64) -> Result<i64, String> {
    match now.checked_add(secs) {
        Some(at) => in_range(s, at, now),
        None if secs < 0 => Err(format!("{s:?} is too far in the past (before 1970)")),
        None => Err(format!(
            "{s:?} is too far in the future (more than 10 years ahead)"
        )),
    }
}

/// Reads a time as people type it: "now", RFC 3339, or "YYYY-MM-DD HH:MM" in `tz`.
pub fn parse_time(s: &str, tz: &TimeZone, now: i64) -> Result<i64, String> {
    let s = s.trim();
    if s == "now" {
        return Ok(now);
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return in_range(s, t.as_second(), now);
    }
    let bad = || format!("{s:?} is not a time: use \"YYYY-MM-DD HH:MM\" (local) or RFC 3339");
    let civil: jiff::civil::DateTime = s.replace(' ', "T").parse().map_err(|_| bad())?;
    // Only the ends of jiff's range (years -9999 and 9999) fail to convert.
    let at = civil
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(if civil.year() < 1970 {
            i64::MIN
        } else {
            i64::MAX
        });
    in_range(s, at, now)
}

/// A typed duration: "90m", "24h", "2d", "1w", "1d 4h" (seconds); `None` when unreadable.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return None;
    }
    let mut total = 0i64;
    for part in s.split_whitespace() {
        let split = part.find(|c: char| !c.is_ascii_digit())?;
        let (n, unit) = part.split_at(split);
        let n: i64 = n.parse().ok()?;
        let mult = match unit {
            "m" | "min" | "mins" => 60,
            "h" | "hour" | "hours" => 3600,
            "d" | "day" | "days" => 86_400,
            "w" | "week" | "weeks" => 7 * 86_400,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
    }
    Some(total)
}

/// "mon", "Tuesday", "Wed." name a day of the week (at least three letters).
pub fn weekday(s: &str) -> Option<jiff::civil::Weekday> {
    use jiff::civil::Weekday::*;
    let t = s.trim().trim_end_matches('.').to_lowercase();
    if t.len() < 3 {
        return None;
    }
    [
        ("monday", Monday),
        ("tuesday", Tuesday),
        ("wednesday", Wednesday),
        ("thursday", Thursday),
        ("friday", Friday),
        ("saturday", Saturday),
        ("sunday", Sunday),
    ]
    .into_iter()
    .find(|(n, _)| n.starts_with(&t))
    .map(|(_, d)| d)
}

/// The start of a report period: "30d" (ago), a date "2026-11-01" (its local midnight) or a
/// time as [`parse_time`] reads it.
pub fn parse_since(s: &str, tz: &TimeZone, now: i64) -> Result<i64, String> {
    if let Some(d) = parse_duration(s) {
        return offset(s, now, -d);
    }
    end_of_date_or_time(s, tz, now, false)
}

/// The end of a report period: a date means the end of that day.
pub fn parse_until(s: &str, tz: &TimeZone, now: i64) -> Result<i64, String> {
    end_of_date_or_time(s, tz, now, true)
}

fn end_of_date_or_time(s: &str, tz: &TimeZone, now: i64, end: bool) -> Result<i64, String> {
    if let Ok(d) = s.trim().parse::<jiff::civil::Date>() {
        let d = if end { d.tomorrow().unwrap_or(d) } else { d };
        // Only the ends of jiff's range (years -9999 and 9999) fail to convert.
        let at = d
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or(if d.year() < 1970 { i64::MIN } else { i64::MAX });
        return in_range(s, at, now);
    }
    match parse_time(s, tz, now) {
        // A readable time out of range keeps its own message.
        Err(e) if e.contains("too far") => Err(e),
        Err(_) => Err(format!(
            "{s:?} is neither a duration like \"30d\" nor a date like \"2026-11-01\""
        )),
        ok => ok,
    }
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn typed_times_parse_in_the_zone() {
        let tz = TimeZone::UTC;
        let now = 1_790_000_000;
        assert_eq!(parse_time("now", &tz, 42), Ok(42));
        assert_eq!(parse_time("2026-11-20 15:00", &tz, now), Ok(1_795_186_800));
        assert_eq!(
            parse_time("2026-11-20T15:00:00Z", &tz, now),
            Ok(1_795_186_800)
        );
        assert!(
            parse_time("tuesday", &tz, now)
                .unwrap_err()
                .contains("tuesday")
        );
    }

    #[test]
    fn durations_and_periods() {
        assert_eq!(parse_duration("24h"), Some(86_400));
        assert_eq!(parse_duration("1d 4h"), Some(28 * 3600));
        assert_eq!(parse_duration("90m"), Some(5400));
        assert_eq!(parse_duration("2 days"), None);
        assert_eq!(parse_duration("soon"), None);
        let tz = TimeZone::UTC;
        assert_eq!(
            parse_since("7d", &tz, 1_000_000),
            Ok(1_000_000 - 7 * 86_400)
        );
        let now = 1_790_000_000;
        assert_eq!(parse_since("2026-11-20", &tz, now), Ok(1_795_132_800));
        assert_eq!(
            parse_until("2026-11-20", &tz, now),
            Ok(1_795_132_800 + 86_400)
        );
        assert!(parse_since("lately", &tz, 0).unwrap_err().contains("30d"));
    }

    #[test]
    fn absurd_times_are_refused_not_overflowed() {
        let tz = TimeZone::UTC;
        let now = 1_795_132_800;
        let e = parse_since("99999999999999d", &tz, now).unwrap_err();
        assert!(e.contains("too far in the past"), "{e}");
        let e = parse_until("9999-12-31", &tz, now).unwrap_err();
        assert!(e.contains("too far in the future"), "{e}");
        let e = parse_time("1900-01-01 00:00", &tz, now).unwrap_err();
        assert!(e.contains("too far in the past"), "{e}");
        assert!(offset("x", i64::MAX - 1, 10).is_err());
        assert_eq!(parse_since("3d", &tz, now), Ok(now - 3 * 86_400));
    }
}
