//! Business hours: the team's working week (time zone, working days and hours, holidays) and
//! the business time between two instants. Days are laid out through the time zone, so a
//! day with a daylight-saving change has the hours it really has.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::collections::BTreeSet;

/// When the team works.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub tz: TimeZone,
    /// Monday first.
    pub working_days: [bool; 7],
    /// Opening time, seconds after local midnight.
    pub open: i32,
    /// Closing time, seconds after local midnight (86,400 for "24:00").
    pub close: i32,
    pub holidays: BTreeSet<Date>,
}

impl Schedule {
    /// Monday to Friday, 09:00-17:00 in `tz`, no holidays.
    pub fn office(tz: TimeZone) -> Schedule {
        Schedule {
            tz,
            working_days: [true, true, true, true, true, false, false],
            open: 9 * 3600,
            close: 17 * 3600,
            holidays: BTreeSet::new(),
        }
    }

    /// The demo team's week: Berlin, Monday to Friday, 09:00-18:00.
    pub fn demo() -> Schedule {
        Schedule {
            close: 18 * 3600,
            ..Schedule::office(TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC))
        }
    }

    /// "09:00-17:30"; "24:00" is allowed as a closing time.
    pub fn parse_hours(s: &str) -> Result<(i32, i32), String> {
        let bad = || format!("{s:?} is not a range of hours like \"09:00-17:30\"");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let hm = |t: &str| -> Option<i32> {
            let (h, m) = t.trim().split_once(':')?;
            let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
            ((0..=24).contains(&h) && (0..60).contains(&m) && (h < 24 || m == 0))
                .then_some(h * 3600 + m * 60)
        };
        let (open, close) = (hm(a).ok_or_else(bad)?, hm(b).ok_or_else(bad)?);
        if open >= close {
            return Err(format!("{s:?}: the day must open before it closes"));
        }
        Ok((open, close))
    }

    /// "mon", "Tuesday", ... → 0..7 (Monday first).
    pub fn parse_day(s: &str) -> Result<usize, String> {
        crate::timefmt::weekday(s)
            .map(|d| d.to_monday_zero_offset() as usize)
            .ok_or_else(|| format!("{s:?} is not a day of the week (mon, tue, ... sun)"))
    }

    fn works_on(&self, d: Date) -> bool {
        self.working_days[d.weekday().to_monday_zero_offset() as usize]
            && !self.holidays.contains(&d)
    }

    /// The instant a local wall-clock time happens (the later reading in a gap).
    fn instant(&self, d: Date, secs: i32) -> i64 {
        let (d, secs) = if secs >= 86_400 {
            (d.tomorrow().unwrap_or(d), secs - 86_400)
        } else {
            (d, secs)
        };
        let t = Time::new((secs / 3600) as i8, (secs % 3600 / 60) as i8, 0, 0).unwrap_or_default();
        d.to_datetime(t)
            .to_zoned_datetime(self.tz.clone())
            .map(|z| z.timestamp().as_second())
            .unwrap_or(0)
    }

    fn local_date(&self, at: i64) -> Date {
        Timestamp::from_second(at)
            .unwrap_or_default()
            .to_zoned_datetime(self.tz.clone())
            .date()
    }

    /// The business time between two instants, laid out day by day (for one-off questions;
    /// reports over many waits use [`BusinessClock`]).
    pub fn between(&self, from: i64, to: i64) -> i64 {
        BusinessClock::new(self, from, to).between(from, to)
    }

    /// ISO week label ("2026-W47") of an instant, in the team's zone.
    pub fn week_of(&self, at: i64) -> String {
        week_label(self.local_date(at))
    }

    /// Monday 00:00 local of the week holding `at`.
    pub fn week_start(&self, at: i64) -> i64 {
        let d = self.local_date(at);
        let monday = d
            .checked_sub((d.weekday().to_monday_zero_offset() as i64).days())
            .unwrap_or(d);
        self.instant(monday, 0)
    }
}

fn week_label(d: Date) -> String {
    let w = d.iso_week_date();
    format!("{}-W{:02}", w.year(), w.week())
}

#[derive(Debug, Clone, Copy)]
struct Day {
    midnight: i64,
    open: i64,
    close: i64,
    /// Business seconds in the days before this one.
    before: i64,
}

/// Business time over a span of days, laid out once: each question is then a binary search
/// and two subtractions, so a report over a hundred thousand waits stays fast.
#[derive(Debug, Clone)]
pub struct BusinessClock {
    days: Vec<Day>,
    first: Date,
}

impl BusinessClock {
    /// Covers every instant from `from` to `to` (one extra day either side).
    pub fn new(s: &Schedule, from: i64, to: i64) -> BusinessClock {
        let (from, to) = (from.min(to), from.max(to));
        let first = s.local_date(from).yesterday().unwrap_or(Date::MIN);
        let last = s.local_date(to).tomorrow().unwrap_or(Date::MAX);
        let mut days = Vec::new();
        let mut before = 0;
        let mut d = first;
        while d <= last {
            let midnight = s.instant(d, 0);
            let (open, close) = if s.works_on(d) {
                (s.instant(d, s.open), s.instant(d, s.close))
            } else {
                (midnight, midnight)
            };
            days.push(Day {
                midnight,
                open,
                close,
                before,
            });
            before += close - open;
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        BusinessClock { days, first }
    }

    /// Business seconds from the start of the clock's span to `at`.
    fn elapsed(&self, at: i64) -> i64 {
        let i = self.days.partition_point(|d| d.midnight <= at);
        let Some(day) = i.checked_sub(1).map(|i| self.days[i]) else {
            return 0;
        };
        day.before + (at.clamp(day.open, day.close) - day.open)
    }

    /// Business seconds between two instants (0 when `to` is not after `from`).
    pub fn between(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        self.elapsed(to) - self.elapsed(from)
    }

    /// ISO week label of an instant inside the span, without a time-zone lookup.
    pub fn week_of(&self, at: i64) -> String {
        let i = self
            .days
            .partition_point(|d| d.midnight <= at)
            .saturating_sub(1);
        let d = self
            .first
            .checked_add((i as i64).days())
            .unwrap_or(self.first);
        week_label(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(tz: &str, s: &str) -> i64 {
        s.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned_datetime(TimeZone::get(tz).unwrap())
            .unwrap()
            .timestamp()
            .as_second()
    }

    fn berlin() -> Schedule {
        Schedule::office(TimeZone::get("Europe/Berlin").unwrap())
    }

    const H: i64 = 3600;

    #[test]
    fn overnight_counts_only_working_hours() {
        let s = berlin();
        // Tue 16:00 -> Wed 10:00: one hour on Tuesday, one on Wednesday.
        let (a, b) = (
            at("Europe/Berlin", "2026-11-17T16:00"),
            at("Europe/Berlin", "2026-11-18T10:00"),
        );
        assert_eq!(s.between(a, b), 2 * H);
        assert_eq!(b - a, 18 * H);
    }

    #[test]
    fn weekend_is_skipped() {
        let s = berlin();
        // Fri 16:30 -> Mon 09:30: half an hour each side.
        let (a, b) = (
            at("Europe/Berlin", "2026-11-20T16:30"),
            at("Europe/Berlin", "2026-11-23T09:30"),
        );
        assert_eq!(s.between(a, b), H);
        // Written on Saturday, answered Monday 11:00: two hours.
        let sat = at("Europe/Berlin", "2026-11-21T12:00");
        assert_eq!(
            s.between(sat, at("Europe/Berlin", "2026-11-23T11:00")),
            2 * H
        );
    }

    #[test]
    fn daylight_saving_both_ways() {
        // A seven-day, round-the-clock desk: business time is real elapsed time, so the
        // spring-forward day has 23 hours and the fall-back day 25.
        let mut s = berlin();
        s.working_days = [true; 7];
        s.open = 0;
        s.close = 86_400;
        let spring = (
            at("Europe/Berlin", "2026-03-28T12:00"),
            at("Europe/Berlin", "2026-03-29T12:00"),
        );
        assert_eq!(s.between(spring.0, spring.1), 23 * H);
        let fall = (
            at("Europe/Berlin", "2026-10-24T12:00"),
            at("Europe/Berlin", "2026-10-25T12:00"),
        );
        assert_eq!(s.between(fall.0, fall.1), 25 * H);
        // An office week across the change: Fri 16:00 -> Mon 10:00 is still 2 hours.
        let s = berlin();
        for (a, b) in [
            ("2026-03-27T16:00", "2026-03-30T10:00"),
            ("2026-10-23T16:00", "2026-10-26T10:00"),
        ] {
            let (a, b) = (at("Europe/Berlin", a), at("Europe/Berlin", b));
            assert_eq!(s.between(a, b), 2 * H, "{a} -> {b}");
        }
    }

    #[test]
    fn holidays_do_not_count() {
        let mut s = berlin();
        s.holidays.insert("2026-12-25".parse().unwrap());
        // Thu 24 Dec 16:00 -> Mon 28 Dec 10:00: Friday is a holiday.
        let (a, b) = (
            at("Europe/Berlin", "2026-12-24T16:00"),
            at("Europe/Berlin", "2026-12-28T10:00"),
        );
        assert_eq!(s.between(a, b), 2 * H);
    }

    #[test]
    fn hours_and_days_parse_with_clear_errors() {
        assert_eq!(
            Schedule::parse_hours("09:00-17:30"),
            Ok((9 * 3600, 17 * 3600 + 1800))
        );
        assert_eq!(Schedule::parse_hours("00:00-24:00"), Ok((0, 86_400)));
        assert!(Schedule::parse_hours("17:00-09:00").is_err());
        assert!(
            Schedule::parse_hours("9-5")
                .unwrap_err()
                .contains("09:00-17:30")
        );
        assert_eq!(Schedule::parse_day("Tuesday"), Ok(1));
        assert_eq!(Schedule::parse_day("sun"), Ok(6));
        assert!(Schedule::parse_day("funday").is_err());
    }

    #[test]
    fn weeks_are_iso_weeks_in_the_team_zone() {
        let s = berlin();
        // Sunday 23:30 Berlin is still week 47 though it is Sunday 22:30 UTC.
        let t = at("Europe/Berlin", "2026-11-22T23:30");
        assert_eq!(s.week_of(t), "2026-W47");
        assert_eq!(s.week_of(t + H), "2026-W48");
        let c = BusinessClock::new(&s, t - 86_400, t + 86_400);
        assert_eq!(c.week_of(t), "2026-W47");
        assert_eq!(c.week_of(t + H), "2026-W48");
    }
}
