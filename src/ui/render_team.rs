//! What teamwork adds to the screen: the "whose" filter in titles, inbox markers for
//! colleagues' presence and snoozes, and the conversation's team banner. Reads state only.

use crate::ui::reads::Reads;
use crate::ui::state::State;
use crate::ui::text::truncate;
use rapport_core::store::{Activity, AssigneeFilter, InboxRow};
use rapport_core::timefmt::short_date;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// " · mine" / " · unassigned" after the filter's name (nothing for everyone's).
pub fn owner_suffix<D: Reads>(s: &State<D>) -> String {
    match s.assignee_filter {
        AssigneeFilter::Anyone => String::new(),
        ref f => format!(" · {}", f.label()),
    }
}

/// The row's marker when teamwork has one: back from a snooze, or snoozed.
pub fn row_marker<D: Reads>(s: &State<D>, row: &InboxRow) -> Option<Span<'static>> {
    if row.back_from_snooze {
        // Two cells wide, like the other markers with their space.
        Some(Span::styled("⏰", s.theme.warn()))
    } else if row.snoozed_until.is_some() {
        Some(Span::styled("z ", s.theme.dim()))
    } else {
        None
    }
}

/// Put before the snippet: who else is on this candidate ("✎ alice ", "◉ bob+1 ").
pub fn row_presence<D: Reads>(s: &State<D>, row: &InboxRow) -> Option<(String, Style)> {
    let on = crate::ui::presence::on(s, row.id);
    let first = on.first()?;
    let (sym, style) = match first.activity {
        Activity::Replying => ("✎", s.theme.danger()),
        Activity::Viewing => ("◉", s.theme.warn()),
    };
    let more = if on.len() > 1 {
        format!("+{}", on.len() - 1)
    } else {
        String::new()
    };
    Some((format!("{sym} {}{more} ", truncate(&first.name, 12)), style))
}

/// Lines above the conversation: colleagues on it, assignment and snooze.
pub fn banner<D: Reads>(s: &State<D>, candidate: i64, w: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for p in crate::ui::presence::on(s, candidate) {
        let (sym, style) = match p.activity {
            Activity::Replying => ("✎", s.theme.danger()),
            Activity::Viewing => ("◉", s.theme.warn()),
        };
        let text = match p.activity {
            Activity::Replying => format!("{sym} {} — check before you answer", p.describe()),
            Activity::Viewing => format!("{sym} {}", p.describe()),
        };
        out.push(Line::styled(truncate(&text, w), style));
    }
    let Some(row) = s.selected_row().filter(|r| r.id == candidate) else {
        return out;
    };
    let mut facts = Vec::new();
    if let Some(a) = &row.assigned_to {
        facts.push(format!("assigned to {a}"));
    }
    if let Some(u) = row.snoozed_until {
        facts.push(format!("z snoozed until {}", short_date(u, s.now, &s.tz)));
    }
    if row.back_from_snooze {
        out.push(Line::styled(
            truncate("⏰ back from snooze: still waiting for our reply", w),
            s.theme.warn(),
        ));
    }
    if !facts.is_empty() {
        out.push(Line::styled(truncate(&facts.join(" · "), w), s.theme.dim()));
    }
    out
}
