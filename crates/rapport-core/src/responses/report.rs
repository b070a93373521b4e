//! Response-time reports for team leads: first response and reply times per recruiter and per
//! week, their distribution, the weekly trend, and who is waiting now against the target.
//! Read from the stored waits (see core::waits); nothing here replays mail.

use crate::responses::hours::{BusinessClock, Schedule};
use crate::store::{EndKind, OpenWait, Store, WaitRow};
use std::collections::{BTreeMap, HashMap};

/// Calendar time, or business hours of the team's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    Calendar,
    Business,
}

impl Clock {
    pub fn as_str(self) -> &'static str {
        match self {
            Clock::Calendar => "calendar",
            Clock::Business => "business",
        }
    }
}

/// The response-time target ("SLA").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub secs: i64,
    pub clock: Clock,
}

impl Default for Target {
    /// 24 business hours.
    fn default() -> Target {
        Target {
            secs: 24 * 3600,
            clock: Clock::Business,
        }
    }
}

/// Share of the target at which a wait counts as near it.
pub const NEAR: f64 = 0.75;

/// Where a wait stands against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Near,
    Over,
}

impl Target {
    pub fn level(&self, calendar: i64, business: i64) -> Level {
        let t = match self.clock {
            Clock::Calendar => calendar,
            Clock::Business => business,
        };
        if t >= self.secs {
            Level::Over
        } else if t as f64 >= self.secs as f64 * NEAR {
            Level::Near
        } else {
            Level::Ok
        }
    }

    /// The latest instant a wait can have started and be at or over the target at `now`
    /// (what [`Target::level`] calls `Over`); `None` when no wait of the last ten years is.
    pub fn over_since(&self, schedule: &Schedule, now: i64) -> Option<i64> {
        if self.clock == Clock::Calendar {
            return now.checked_sub(self.secs);
        }
        // Business time from `t` to `now` shrinks as `t` moves towards `now`: lay out enough
        // days to hold the target, then search for the last start that still reaches it.
        let mut days = 14;
        while days <= 3700 {
            let from = now - days * 86_400;
            let clock = BusinessClock::new(schedule, from, now);
            if clock.between(from, now) >= self.secs {
                let (mut over, mut not) = (from, now);
                while not - over > 1 {
                    let mid = over + (not - over) / 2;
                    if clock.between(mid, now) >= self.secs {
                        over = mid;
                    } else {
                        not = mid;
                    }
                }
                return Some(over);
            }
            days *= 4;
        }
        None
    }

    /// "24 business hours", "2 days".
    pub fn describe(&self) -> String {
        let h = self.secs as f64 / 3600.0;
        let n = if h.fract() == 0.0 {
            format!("{h:.0}")
        } else {
            format!("{h:.1}")
        };
        match self.clock {
            Clock::Business => format!("{n} business hours"),
            Clock::Calendar => format!("{n} hours"),
        }
    }
}

/// The distribution buckets' upper bounds, in seconds (the last is open-ended).
pub const BUCKETS: [(&str, i64); 6] = [
    ("0-1h", 3600),
    ("1-4h", 4 * 3600),
    ("4-8h", 8 * 3600),
    ("8-24h", 24 * 3600),
    ("1-3d", 72 * 3600),
    (">3d", i64::MAX),
];

/// Count, median and 90th percentile (nearest rank) of a set of durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    pub count: usize,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Stats {
    pub fn of(mut v: Vec<i64>) -> Stats {
        v.sort_unstable();
        let rank = |q: f64| -> Option<i64> {
            let n = v.len();
            (n > 0).then(|| v[((q * n as f64).ceil() as usize).clamp(1, n) - 1])
        };
        Stats {
            count: v.len(),
            median: rank(0.5),
            p90: rank(0.9),
        }
    }
}

/// One line of the table: a recruiter, a week, or everyone.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub group: String,
    pub first_response: Stats,
    pub reply: Stats,
    /// Waits closed as done (no reply needed), credited to who marked them: not replies.
    pub closed_done: usize,
    /// Waits closed by the candidate's opt-out of all contact (credited to who recorded it).
    pub closed_opted_out: usize,
}

/// A candidate waiting now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Waiting {
    pub candidate_id: i64,
    pub name: String,
    pub address: String,
    pub since: i64,
    pub calendar_secs: i64,
    pub business_secs: i64,
    pub level: Level,
    /// The recruiter they are assigned to, if anyone.
    pub assigned_to: Option<String>,
}

/// What a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// `None`: since the first wait.
    pub since: Option<i64>,
    pub until: i64,
}

impl Period {
    /// A calendar month in `tz`: `back` 0 is this month (from its first day to `now`), 1 the
    /// month before it (whole), and so on.
    pub fn month(tz: &jiff::tz::TimeZone, now: i64, back: i32) -> Period {
        let start_of = |back: i32| -> Option<i64> {
            let today = jiff::Timestamp::from_second(now)
                .ok()?
                .to_zoned_datetime(tz.clone())
                .date();
            let first = today.first_of_month();
            let month = first.checked_sub(jiff::Span::new().months(back)).ok()?;
            Some(
                month
                    .to_zoned_datetime(tz.clone())
                    .ok()?
                    .timestamp()
                    .as_second(),
            )
        };
        let since = start_of(back);
        let until = if back == 0 {
            now
        } else {
            start_of(back - 1).unwrap_or(now).min(now)
        };
        Period { since, until }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub clock: Clock,
    pub since: i64,
    pub until: i64,
    pub total: Row,
    pub by_recruiter: Vec<Row>,
    /// Every week of the period, oldest first, including weeks with no waits.
    pub by_week: Vec<Row>,
    /// Reply times per bucket of [`BUCKETS`].
    pub distribution: [usize; 6],
    /// Waiting now (whatever the period), longest first.
    pub waiting: Vec<Waiting>,
}

/// What one group of waits adds up to while a report is built.
#[derive(Default)]
struct Tally {
    firsts: Vec<i64>,
    replies: Vec<i64>,
    done: usize,
    opted_out: usize,
}

/// Label for waits answered by nobody we can name (the shared box with no recruiter).
pub const UNCREDITED: &str = "(shared box)";

/// Builds a report from stored waits. `names` maps recruiter addresses to display names.
pub fn build(
    waits: &[WaitRow],
    open: &[OpenWait],
    schedule: &Schedule,
    target: Target,
    clock: Clock,
    period: Period,
    names: &HashMap<String, String>,
) -> Report {
    let since = period
        .since
        .or_else(|| waits.iter().map(|w| w.started_at).min())
        .unwrap_or(period.until)
        .min(period.until);
    let earliest = open
        .iter()
        .map(|o| o.since)
        .chain([since])
        .min()
        .unwrap_or(since);
    let hours = BusinessClock::new(schedule, earliest, period.until);
    let span = |a: i64, b: i64| match clock {
        Clock::Calendar => (b - a).max(0),
        Clock::Business => hours.between(a, b),
    };

    let mut total = Tally::default();
    let mut per_recruiter: BTreeMap<String, Tally> = BTreeMap::new();
    let mut per_week: BTreeMap<String, Tally> = BTreeMap::new();
    let mut distribution = [0usize; 6];
    // Every week of the period appears, so the trend shows quiet weeks as gaps.
    let mut w = schedule.week_start(since);
    while w < period.until {
        per_week.entry(hours.week_of(w.max(since))).or_default();
        w += 7 * 86_400;
    }
    for wt in waits
        .iter()
        .filter(|w| w.started_at >= since && w.started_at < period.until)
    {
        let Some(end) = wt.ended_at.filter(|&e| e <= period.until) else {
            continue;
        };
        let d = span(wt.started_at, end);
        let who = match &wt.responder {
            Some(r) => names.get(r).cloned().unwrap_or_else(|| r.clone()),
            None => UNCREDITED.to_string(),
        };
        let week = hours.week_of(wt.started_at);
        let kind = EndKind::parse(wt.ended_by.as_deref().unwrap_or(""));
        for t in [
            &mut total,
            per_recruiter.entry(who).or_default(),
            per_week.entry(week).or_default(),
        ] {
            match kind {
                EndKind::Done => t.done += 1,
                EndKind::OptedOut => t.opted_out += 1,
                EndKind::Mail | EndKind::Talked => {
                    if wt.first {
                        t.firsts.push(d);
                    }
                    t.replies.push(d);
                }
            }
        }
        if kind.is_response() {
            let b = BUCKETS.iter().position(|(_, up)| d < *up).unwrap_or(5);
            distribution[b] += 1;
        }
    }
    let row = |group: String, t: Tally| Row {
        group,
        first_response: Stats::of(t.firsts),
        reply: Stats::of(t.replies),
        closed_done: t.done,
        closed_opted_out: t.opted_out,
    };
    let mut waiting: Vec<Waiting> = open
        .iter()
        .map(|o| {
            let cal = (period.until - o.since).max(0);
            let bus = hours.between(o.since, period.until);
            Waiting {
                candidate_id: o.candidate_id,
                name: o.name.clone(),
                address: o.address.clone(),
                since: o.since,
                calendar_secs: cal,
                business_secs: bus,
                level: target.level(cal, bus),
                assigned_to: o.assigned_to.clone(),
            }
        })
        .collect();
    waiting.sort_by_key(|w| (w.since, w.candidate_id));
    Report {
        clock,
        since,
        until: period.until,
        total: row("all".into(), total),
        by_recruiter: per_recruiter.into_iter().map(|(k, v)| row(k, v)).collect(),
        by_week: per_week.into_iter().map(|(k, v)| row(k, v)).collect(),
        distribution,
        waiting,
    }
}

/// The schedule and target in force: the configuration's `[reports]`, else the demo team's
/// week for the demo mailbox, else Monday to Friday 09:00-17:00 in the system zone.
pub fn settings(cfg: Option<&crate::config::Config>, store: &Store) -> (Schedule, Target) {
    match cfg {
        Some(c) if c.reports.is_some() => (c.schedule(), c.target()),
        _ if store.meta("demo").ok().flatten().as_deref() == Some("1") => {
            (Schedule::demo(), Target::default())
        }
        Some(c) => (c.schedule(), c.target()),
        None => (
            Schedule::office(jiff::tz::TimeZone::system()),
            Target::default(),
        ),
    }
}

/// Reads the waits and builds the report.
pub fn from_store(
    store: &Store,
    schedule: &Schedule,
    target: Target,
    clock: Clock,
    period: Period,
) -> crate::store::Result<Report> {
    let waits = store.waits_between(period.since.unwrap_or(i64::MIN), period.until)?;
    let open = store.open_waits()?;
    let names: HashMap<String, String> = store
        .team()?
        .into_iter()
        .filter(|m| !m.shared && !m.name.is_empty())
        .map(|m| (m.address, m.name))
        .collect();
    Ok(build(
        &waits, &open, schedule, target, clock, period, &names,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_median_and_p90() {
        let s = Stats::of(vec![5, 1, 4, 2, 3]);
        assert_eq!((s.count, s.median, s.p90), (5, Some(3), Some(5)));
        let s = Stats::of((1..=10).collect());
        assert_eq!((s.median, s.p90), (Some(5), Some(9)));
        assert_eq!(Stats::of(vec![]).median, None);
    }

    #[test]
    fn waits_closed_without_a_reply_are_counted_apart() {
        let wait = |start: i64, end: i64, by: &str, who: &str| WaitRow {
            candidate_id: 1,
            started_at: start,
            first: true,
            ended_at: Some(end),
            ended_by: Some(by.into()),
            responder: Some(who.into()),
        };
        let r = build(
            &[
                wait(0, 3600, "mail", "Bob"),
                wait(100, 200, "done", "Alice"),
                wait(300, 400, "opted-out", "Bob"),
            ],
            &[],
            &Schedule::demo(),
            Target::default(),
            Clock::Calendar,
            Period {
                since: Some(0),
                until: 10_000,
            },
            &HashMap::new(),
        );
        assert_eq!((r.total.first_response.count, r.total.reply.count), (1, 1));
        assert_eq!((r.total.closed_done, r.total.closed_opted_out), (1, 1));
        assert_eq!(r.distribution.iter().sum::<usize>(), 1);
        let alice = r.by_recruiter.iter().find(|x| x.group == "Alice").unwrap();
        assert_eq!((alice.reply.count, alice.closed_done), (0, 1));
    }

    #[test]
    fn levels_against_the_target() {
        let t = Target {
            secs: 24 * 3600,
            clock: Clock::Business,
        };
        assert_eq!(t.level(100 * 3600, 17 * 3600), Level::Ok);
        assert_eq!(t.level(0, 18 * 3600), Level::Near);
        assert_eq!(t.level(0, 24 * 3600), Level::Over);
        assert_eq!(t.describe(), "24 business hours");
    }

    #[test]
    fn over_since_is_the_last_start_over_the_target() {
        let s = Schedule::demo();
        // Fri 20 Nov 2026 15:00 UTC (16:00 in Berlin).
        let now = 1_795_186_800;
        let t = Target::default();
        let over = t.over_since(&s, now).unwrap();
        let business = |from: i64| s.between(from, now);
        assert_eq!(t.level(now - over, business(over)), Level::Over);
        assert_ne!(t.level(now - over - 1, business(over + 1)), Level::Over);
        // 24 business hours of 9 a day back from Friday 16:00 (Berlin): 7 on Friday, 9 on
        // Thursday, 8 on Wednesday, from 10:00.
        assert_eq!(over, now - 2 * 86_400 - 6 * 3600);
        let cal = Target {
            secs: 3600,
            clock: Clock::Calendar,
        };
        assert_eq!(cal.over_since(&s, now), Some(now - 3600));
        let never = Target {
            secs: i64::MAX / 2,
            clock: Clock::Business,
        };
        assert_eq!(never.over_since(&s, now), None);
    }

    #[test]
    fn months_are_calendar_months_in_the_team_zone() {
        let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        let at = |t: &str| {
            t.parse::<jiff::civil::DateTime>()
                .unwrap()
                .to_zoned_datetime(tz.clone())
                .unwrap()
                .timestamp()
                .as_second()
        };
        let now = at("2026-03-10T12:00");
        let this = Period::month(&tz, now, 0);
        assert_eq!(this.since, Some(at("2026-03-01T00:00")));
        assert_eq!(this.until, now);
        let last = Period::month(&tz, now, 1);
        assert_eq!(last.since, Some(at("2026-02-01T00:00")));
        assert_eq!(last.until, at("2026-03-01T00:00"));
        // January's "last month" is December of the year before.
        let jan = Period::month(&tz, at("2026-01-05T08:00"), 1);
        assert_eq!(jan.since, Some(at("2025-12-01T00:00")));
    }
}
