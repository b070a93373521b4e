//! "Until when" as recruiters type it for a snooze: a span ("3d", "2w", "4h"), a weekday
//! ("mon": the next one), "tomorrow", a date ("2026-12-01"), or any time `parse_time` reads.
//! Days start at 09:00 local time, when the working day does.

use crate::timefmt::{in_range, offset, parse_duration, parse_time, weekday};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;

const MORNING: Time = Time::constant(9, 0, 0, 0);

/// A future time from `s`; an error naming the text and the accepted forms otherwise.
pub fn parse_until(s: &str, tz: &TimeZone, now: i64) -> Result<i64, String> {
    let t = s.trim().to_lowercase();
    let bad = || {
        format!(
            "{s:?} is not a time to snooze until: use a span (\"3d\", \"2w\", \"4h\"), a weekday (\"mon\"), \
             \"tomorrow\", a date (\"2026-12-01\") or \"YYYY-MM-DD HH:MM\""
        )
    };
    let at = if let Some(secs) = parse_duration(&t) {
        offset(s, now, secs)?
    } else {
        let today = jiff::Timestamp::from_second(now)
            .map_err(|_| bad())?
            .to_zoned_datetime(tz.clone())
            .date();
        let day = if t == "tomorrow" {
            Some(today.tomorrow().map_err(|_| bad())?)
        } else if let Some(wd) = weekday(&t) {
            // The next such day, never today.
            let mut d = today.tomorrow().map_err(|_| bad())?;
            while d.weekday() != wd {
                d = d.tomorrow().map_err(|_| bad())?;
            }
            Some(d)
        } else if t.len() == 10 {
            // A bare date; with a time it goes to `parse_time` below.
            t.parse::<Date>().ok()
        } else {
            None
        };
        match day {
            Some(d) => d
                .to_datetime(MORNING)
                .to_zoned_datetime(tz.clone())
                .map_err(|_| bad())?
                .timestamp()
                .as_second(),
            None => match parse_time(s, tz, now) {
                Err(e) if e.contains("too far") => return Err(e),
                r => r.map_err(|_| bad())?,
            },
        }
    };
    // No snooze longer than ten years: a typo, not a plan.
    let at = in_range(s, at, now)?;
    if at <= now {
        return Err(format!("{s:?} is not in the future"));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Mon 24 Nov 2025 16:00 UTC.
    const NOW: i64 = 1_764_000_000;

    #[test]
    fn spans_weekdays_and_dates() {
        let tz = TimeZone::UTC;
        assert_eq!(parse_until("3d", &tz, NOW), Ok(NOW + 3 * 86_400));
        assert_eq!(parse_until("4h", &tz, NOW), Ok(NOW + 4 * 3600));
        // The next Monday, not today, at 09:00.
        assert_eq!(parse_until("mon", &tz, NOW), Ok(1_764_579_600));
        assert_eq!(parse_until("Monday", &tz, NOW), Ok(1_764_579_600));
        assert_eq!(parse_until("tomorrow", &tz, NOW), Ok(1_764_061_200));
        assert_eq!(parse_until("2025-12-01", &tz, NOW), Ok(1_764_579_600));
        assert_eq!(parse_until("2025-12-01 14:30", &tz, NOW), Ok(1_764_599_400));
    }

    #[test]
    fn past_and_nonsense_are_refused() {
        let tz = TimeZone::UTC;
        assert!(
            parse_until("2020-01-01", &tz, NOW)
                .unwrap_err()
                .contains("future")
        );
        let e = parse_until("someday", &tz, NOW).unwrap_err();
        assert!(e.contains("someday") && e.contains("3d"), "{e}");
        assert!(parse_until("monk", &tz, NOW).is_err());
        assert!(parse_until("0d", &tz, NOW).is_err());
    }

    #[test]
    fn absurd_spans_and_dates_are_refused() {
        let tz = TimeZone::UTC;
        for s in [
            "99999999999999d",
            "9999999999w",
            "11y",
            "2999-01-01",
            "2040-01-01 10:00",
        ] {
            let r = parse_until(s, &tz, NOW);
            assert!(r.is_err(), "{s}: {r:?}");
        }
        let e = parse_until("99999999999999d", &tz, NOW).unwrap_err();
        assert!(e.contains("too far in the future"), "{e}");
        let e = parse_until("2999-01-01", &tz, NOW).unwrap_err();
        assert!(e.contains("too far in the future"), "{e}");
        assert!(parse_until("520w", &tz, NOW).is_ok());
    }
}
