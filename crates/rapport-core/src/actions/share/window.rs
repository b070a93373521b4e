//! When a share's messages may go: working hours, in the candidate's time zone when known.

use super::*;

/// Whether `at` is inside the working hours of `s`.
pub fn open_at(s: &Schedule, at: i64) -> bool {
    let Ok(ts) = jiff::Timestamp::from_second(at) else {
        return false;
    };
    let local = ts.to_zoned_datetime(s.tz.clone());
    let day = local.weekday().to_monday_zero_offset() as usize;
    let secs = i32::from(local.hour()) * 3600 + i32::from(local.minute()) * 60;
    s.working_days[day] && !s.holidays.contains(&local.date()) && secs >= s.open && secs < s.close
}

/// The first moment at or after `at` inside working hours (15-minute steps, two weeks ahead
/// at most).
pub fn next_open(s: &Schedule, at: i64) -> i64 {
    let mut t = at;
    for _ in 0..(14 * 96) {
        if open_at(s, t) {
            return t;
        }
        t = (t / 900 + 1) * 900;
    }
    at
}

pub(super) fn estimate_end(s: &Schedule, start: i64, n: usize, pace: Pace) -> i64 {
    // Walk the hours: each open hour releases up to per_hour, each day up to per_day.
    let (mut left, mut t, mut today, mut day) = (n as i64, start, 0i64, start / 86_400);
    while left > 0 {
        t = next_open(s, t);
        if t / 86_400 != day {
            day = t / 86_400;
            today = 0;
        }
        let here = i64::from(pace.per_hour)
            .min(i64::from(pace.per_day) - today)
            .max(0)
            .min(left);
        left -= here;
        today += here;
        if left > 0 {
            t += 3600;
        }
    }
    t
}

/// The time zones candidates told us, by candidate; a zone we cannot read is left out (the
/// team's hours apply).
pub(super) fn their_zones(
    store: &Store,
) -> Result<std::collections::HashMap<i64, jiff::tz::TimeZone>> {
    Ok(store
        .timezones()?
        .into_iter()
        .filter_map(|(id, name)| Some((id, jiff::tz::TimeZone::get(&name).ok()?)))
        .collect())
}
