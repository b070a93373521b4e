//! The Reports view: response times for team leads. Its state, and what its keys do; drawn by
//! `render_reports`. The report is read from the stored waits when the view opens, when the
//! period or clock changes, and every half minute while it is open.

use crate::ui::action::Bound;
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Focus, State};
use rapport_core::responses::report::{Clock, Level, Period, Report, Waiting};
use rapport_core::store::InboxFilter;

/// The periods the view offers, in the order `period` cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    Days(i64),
    /// A calendar month in the team's time zone: 0 this month (so far), 1 last month.
    Month(i32),
    All,
}

pub const PERIODS: [PeriodChoice; 6] = [
    PeriodChoice::Days(7),
    PeriodChoice::Days(30),
    PeriodChoice::Days(90),
    PeriodChoice::Month(0),
    PeriodChoice::Month(1),
    PeriodChoice::All,
];

impl PeriodChoice {
    pub fn label(self) -> String {
        match self {
            PeriodChoice::Days(d) => format!("last {d} days"),
            PeriodChoice::Month(0) => "this month".into(),
            PeriodChoice::Month(1) => "last month".into(),
            PeriodChoice::Month(n) => format!("{n} months ago"),
            PeriodChoice::All => "all time".into(),
        }
    }

    /// The period it covers at `now`, months in the team's time zone.
    pub fn period(self, tz: &jiff::tz::TimeZone, now: i64) -> Period {
        match self {
            PeriodChoice::Days(d) => Period {
                since: Some(now - d * 86_400),
                until: now,
            },
            PeriodChoice::Month(back) => Period::month(tz, now, back),
            PeriodChoice::All => Period {
                since: None,
                until: now,
            },
        }
    }
}

/// How often an open Reports view reads the waits again.
const REFRESH_SECS: i64 = 30;

#[derive(Debug, Clone, PartialEq)]
pub struct ReportsView {
    pub period: PeriodChoice,
    pub clock: Clock,
    /// The table groups by week instead of by recruiter (narrow terminals show one).
    pub by_week: bool,
    pub report: Option<Report>,
    /// Candidates over or near the target, longest wait first.
    pub sla: Vec<Waiting>,
    pub selected: usize,
    pub loaded_at: i64,
}

impl ReportsView {
    /// Opens on the last 30 days, counted in the target's clock (as `rapport report` does).
    pub fn new(clock: Clock) -> ReportsView {
        ReportsView {
            period: PeriodChoice::Days(30),
            clock,
            by_week: false,
            report: None,
            sla: Vec::new(),
            selected: 0,
            loaded_at: 0,
        }
    }
}

/// Opens the view (or refreshes it).
pub fn open<D: Reads>(s: &mut State<D>) {
    s.from_reports = None;
    s.shares = None;
    let clock = s.target.clock;
    s.reports
        .get_or_insert_with(|| Box::new(ReportsView::new(clock)));
    load(s);
}

/// Back from a candidate opened from the view: the view as it was, read again.
pub fn back<D: Reads>(s: &mut State<D>) -> bool {
    let Some(v) = s.from_reports.take() else {
        return false;
    };
    s.reports = Some(v);
    load(s);
    true
}

/// Reads the report for the view's period and clock.
pub fn load<D: Reads>(s: &mut State<D>) {
    let Some(v) = s.reports.as_deref() else {
        return;
    };
    let period = v.period.period(&s.schedule.tz, s.now);
    let result = s.store.report(&s.schedule, s.target, v.clock, period);
    match result {
        Ok(r) => {
            let v = s.reports.as_deref_mut().expect("checked above");
            v.sla = r
                .waiting
                .iter()
                .filter(|w| w.level >= Level::Near)
                .cloned()
                .collect();
            v.selected = v.selected.min(v.sla.len().saturating_sub(1));
            v.report = Some(r);
            v.loaded_at = s.now;
        }
        Err(e) => s.notice = Some(format!("error: cannot read the report: {e}")),
    }
}

/// Refreshes an open view that has not been read for a while.
pub fn tick<D: Reads>(s: &mut State<D>) {
    if s.reports
        .as_deref()
        .is_some_and(|v| s.now - v.loaded_at >= REFRESH_SECS)
    {
        load(s);
    }
}

/// A key in the Reports context. Returns commands for the runner.
pub fn key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    let Some(v) = s.reports.as_deref_mut() else {
        return Vec::new();
    };
    let last = v.sla.len().saturating_sub(1);
    match b {
        Bound::Quit => return vec![Command::Quit],
        Bound::Back | Bound::Reports => s.reports = None,
        Bound::Next => v.selected = (v.selected + 1).min(last),
        Bound::Prev => v.selected = v.selected.saturating_sub(1),
        Bound::PageDown => v.selected = (v.selected + 10).min(last),
        Bound::PageUp => v.selected = v.selected.saturating_sub(10),
        Bound::Top => v.selected = 0,
        Bound::Bottom => v.selected = last,
        Bound::Period => {
            let i = PERIODS.iter().position(|p| *p == v.period).unwrap_or(0);
            v.period = PERIODS[(i + 1) % PERIODS.len()];
            load(s);
        }
        Bound::ToggleClock => {
            v.clock = match v.clock {
                Clock::Calendar => Clock::Business,
                Clock::Business => Clock::Calendar,
            };
            load(s);
        }
        Bound::ToggleGroup => v.by_week = !v.by_week,
        Bound::Open => {
            if let Some(c) = v.sla.get(v.selected).map(|w| w.candidate_id) {
                open_conversation(s, c);
            }
        }
        Bound::Help => s.mode = crate::ui::state::Mode::Help { scroll: 0 },
        _ => {}
    }
    Vec::new()
}

/// Leaves the view with the candidate selected in the inbox and their conversation focused.
fn open_conversation<D: Reads>(s: &mut State<D>, candidate: i64) {
    // Esc or q from the candidate comes back here.
    s.from_reports = s.reports.take();
    s.search = None;
    s.filter = InboxFilter::Awaiting;
    let pos = match s.store.inbox_position(&s.query(), candidate) {
        Ok(Some(p)) => Some(p),
        Ok(None) => {
            s.filter = InboxFilter::All;
            s.store.inbox_position(&s.query(), candidate).ok().flatten()
        }
        Err(e) => {
            s.notice = Some(format!("error: {e}"));
            None
        }
    };
    crate::ui::update::reload_list(s);
    if let Some(p) = pos {
        crate::ui::update::select(s, p);
        s.focus = if s.show_profile {
            Focus::Profile
        } else {
            Focus::Conversation
        };
        crate::ui::update::relayout(s);
    }
}
