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

/// When the first and roughly the last message go, as [`super::release`] sends them: hour by
/// hour, each group (a send window, and how many wait for it) while its window is open, all
/// under the one pace (per rolling hour and day). None when nobody waits or no window opens
/// within 60 days.
pub(super) fn estimate(groups: &[(Schedule, usize)], now: i64, pace: Pace) -> Option<(i64, i64)> {
    let mut left: Vec<i64> = groups.iter().map(|g| g.1 as i64).collect();
    // What went in the last day: (when, how many).
    let mut day: std::collections::VecDeque<(i64, i64)> = Default::default();
    let (mut t, mut first, mut last) = (now, None, now);
    for _ in 0..60 * 24 {
        t = groups
            .iter()
            .zip(&left)
            .filter(|(_, n)| **n > 0)
            .map(|((w, _), _)| next_open(w, t))
            .min()?;
        while day.front().is_some_and(|(at, _)| *at <= t - 86_400) {
            day.pop_front();
        }
        let today: i64 = day.iter().map(|d| d.1).sum();
        let mut budget = i64::from(pace.per_hour)
            .min(i64::from(pace.per_day) - today)
            .max(0);
        let mut here = 0;
        for ((w, _), n) in groups.iter().zip(left.iter_mut()) {
            if *n > 0 && budget > 0 && open_at(w, t) {
                let k = (*n).min(budget);
                *n -= k;
                budget -= k;
                here += k;
            }
        }
        if here > 0 {
            first.get_or_insert(t);
            last = t;
            day.push_back((t, here));
        }
        if left.iter().all(|n| *n == 0) {
            break;
        }
        t += 3600;
    }
    Some((first?, last))
}

/// Who waits for which window: the planned candidates grouped by their time zone (when we
/// know it), the rest under the team's hours.
pub(super) fn windows(
    team: &Schedule,
    zones: &std::collections::HashMap<i64, jiff::tz::TimeZone>,
    planned: impl IntoIterator<Item = i64>,
) -> Vec<(Schedule, usize)> {
    let mut by_zone: BTreeMap<String, (Schedule, usize)> = BTreeMap::new();
    for c in planned {
        let (key, w) = match zones.get(&c) {
            Some(tz) => (
                tz.iana_name().unwrap_or("").to_string(),
                Schedule {
                    tz: tz.clone(),
                    ..team.clone()
                },
            ),
            None => (String::new(), team.clone()),
        };
        by_zone.entry(key).or_insert((w, 0)).1 += 1;
    }
    by_zone.into_values().collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    /// Monday 30 November 2026, 08:00 UTC.
    const MONDAY_8: i64 = 1_796_025_600;
    const H: i64 = 3600;

    fn pace(per_hour: u32, per_day: u32) -> Pace {
        Pace { per_hour, per_day }
    }

    #[test]
    fn the_estimate_follows_the_window_and_the_pace() {
        let team = Schedule::office(TimeZone::UTC);
        // The window opens at 09:00; 70 at 30 an hour go at 09:00, 10:00 and 11:00.
        assert_eq!(
            estimate(&[(team.clone(), 70)], MONDAY_8, pace(30, 200)),
            Some((MONDAY_8 + H, MONDAY_8 + 3 * H))
        );
        // 40 a day: 30 at 09:00, 10 at 10:00, the last 10 once the first 30 are a day old.
        assert_eq!(
            estimate(&[(team.clone(), 50)], MONDAY_8, pace(30, 40)),
            Some((MONDAY_8 + H, MONDAY_8 + 25 * H))
        );
        assert_eq!(estimate(&[(team, 0)], MONDAY_8, pace(30, 200)), None);
    }

    #[test]
    fn candidates_in_another_zone_wait_for_their_own_morning() {
        let team = Schedule::office(TimeZone::UTC);
        let zones = [(1, TimeZone::get("Pacific/Auckland").unwrap())]
            .into_iter()
            .collect();
        let groups = windows(&team, &zones, [1, 2, 3]);
        assert_eq!(groups.iter().map(|g| g.1).sum::<usize>(), 3);
        // Monday 08:00 UTC is 21:00 in Auckland: the team's two go at 09:00 UTC, theirs at
        // 09:00 Tuesday in Auckland, 20:00 Monday UTC.
        assert_eq!(
            estimate(&groups, MONDAY_8, pace(30, 200)),
            Some((MONDAY_8 + H, MONDAY_8 + 12 * H))
        );
        // Only them: the first goes then too, not at the team's 09:00.
        let only = windows(&team, &zones, [1]);
        assert_eq!(
            estimate(&only, MONDAY_8, pace(30, 200)),
            Some((MONDAY_8 + 12 * H, MONDAY_8 + 12 * H))
        );
    }
}
