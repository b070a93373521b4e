//! Teamwork keys: assign (`a`), snooze (`z`), internal note (`N`) and the "whose" filter.

use crate::ui::action::Bound;
use crate::ui::form::{Field, Form, Purpose};
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use crate::ui::write::Write;
use rapport_core::store::AssigneeFilter;

/// Handles the teamwork keys; false when `b` is not one of them.
pub fn key<D: Reads>(s: &mut State<D>, b: Bound) -> bool {
    match b {
        Bound::FilterOwner => {
            s.assignee_filter = s.assignee_filter.next(&s.actor);
            // Another view was asked for: its list starts at the top.
            s.chosen = None;
            s.selected = 0;
            s.list_top = 0;
            crate::ui::update::reload_list(s);
            s.notice = Some(match &s.assignee_filter {
                AssigneeFilter::Anyone => "showing everyone's candidates".into(),
                AssigneeFilter::Mine(me) => format!("showing candidates assigned to {me}"),
                AssigneeFilter::Unassigned => "showing unassigned candidates".into(),
            });
        }
        Bound::Assign | Bound::Snooze | Bound::Note => {
            let Some(p) = &s.profile else {
                s.notice = Some("select a candidate first".into());
                return true;
            };
            let c = p.id;
            match b {
                Bound::Assign => open_assign(s, c),
                Bound::Snooze => open_snooze(s, c),
                _ => open_note(s, c),
            }
        }
        _ => return false,
    }
    true
}

/// The people a candidate can be assigned to, in offered order: me, the team, nobody.
fn assignees<D: Reads>(s: &State<D>) -> Vec<Option<String>> {
    let mut v = vec![Some(s.actor.clone())];
    v.extend(
        s.team_names
            .iter()
            .filter(|n| **n != s.actor)
            .map(|n| Some(n.clone())),
    );
    v.push(None);
    v
}

fn open_assign<D: Reads>(s: &mut State<D>, c: i64) {
    let current = s.store.assignment(c).ok().flatten().map(|a| a.assignee);
    let mut choices = assignees(s);
    // Someone no longer in [[team]] stays offered while assigned.
    if let Some(cur) = &current
        && !choices.contains(&Some(cur.clone()))
    {
        choices.insert(choices.len() - 1, Some(cur.clone()));
    }
    let options: Vec<String> = choices
        .iter()
        .map(|o| match o {
            Some(n) if *n == s.actor => format!("me ({n})"),
            Some(n) => n.clone(),
            None => "nobody (unassign)".into(),
        })
        .collect();
    // Unassigned: "me" is the likely choice.
    let selected = match &current {
        Some(_) => choices.iter().position(|o| *o == current).unwrap_or(0),
        None => 0,
    };
    let mut form = Form::new(
        "Assign",
        Purpose::Assign {
            candidate: c,
            choices,
        },
        vec![Field::choice("Assign to", options, selected)],
    );
    form.intro.push(match &current {
        Some(a) => format!("Assigned to {a} now."),
        None => "Nobody is assigned now.".into(),
    });
    s.mode = Mode::Form(form);
}

fn open_snooze<D: Reads>(s: &mut State<D>, c: i64) {
    let current = s.store.snooze_of(c).ok().flatten();
    let mut form = Form::new(
        "Snooze",
        Purpose::Snooze { candidate: c },
        vec![Field::text(
            "Until",
            "",
            "3d, mon, tomorrow, 2026-12-01 or 2026-12-01 14:00",
        )],
    );
    form.intro
        .push("Out of \"awaiting reply\" until then, or until they write.".into());
    if let Some(z) = current {
        form.intro.push(format!(
            "Snoozed until {} by {}; an empty time ends it.",
            rapport_core::timefmt::long_date(z.until, &s.tz),
            z.snoozed_by
        ));
    }
    s.mode = Mode::Form(form);
}

/// Notes are written in the built-in editor (several lines), never in $EDITOR: nothing about
/// them goes through a draft file.
fn open_note<D: Reads>(s: &mut State<D>, c: i64) {
    s.note_for = Some(c);
    s.mode = Mode::Compose(Box::default());
    s.focus = crate::ui::state::Focus::Conversation;
    s.show_profile = false;
}

/// The editor's submit and cancel while writing a note. The editor stays open until the
/// note is saved (a refusal is shown and the text kept).
pub fn note_key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    let Mode::Compose(ta) = &s.mode else {
        return Vec::new();
    };
    let text = ta.lines().join("\n");
    match b {
        Bound::Submit => {
            let Some(c) = s.note_for else {
                return Vec::new();
            };
            if text.parse::<rapport_core::values::NoteText>().is_err() {
                s.notice = Some("the note is empty: write something, or esc to discard".into());
                return Vec::new();
            }
            return vec![Command::Write(Write::Note { candidate: c, text })];
        }
        Bound::Cancel => {
            s.note_for = None;
            s.mode = Mode::Normal;
            s.notice = Some("note discarded".into());
        }
        _ => {}
    }
    Vec::new()
}

/// The assign and snooze forms as the writes they ask for.
pub fn submit<D: Reads>(s: &State<D>, form: &Form) -> Result<Write, String> {
    match &form.purpose {
        Purpose::Assign { candidate, choices } => Ok(Write::Assign {
            candidate: *candidate,
            to: choices.get(form.choice("Assign to")).cloned().flatten(),
        }),
        Purpose::Snooze { candidate } => {
            let text = form.text("Until");
            let now = rapport_core::store::now();
            let until = if text.trim().is_empty() {
                None
            } else {
                Some(rapport_core::team::until::parse_until(&text, &s.tz, now)?)
            };
            Ok(Write::Snooze {
                candidate: *candidate,
                until,
            })
        }
        _ => Err("not a teamwork form".into()),
    }
}
