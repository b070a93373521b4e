//! Teamwork keys: assign (`a`), snooze (`z`), internal note (`N`), done (`d`), the "whose"
//! filter, and marks (space, `*`): with candidates marked, assign, snooze, note and done act
//! on every one of them, one use-case call (and audit entry) each, in one `Write::Bulk`.

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
        Bound::Mark => mark(s),
        Bound::MarkAll => mark_all(s),
        Bound::Assign | Bound::Snooze | Bound::Note | Bound::Done => {
            let Some(targets) = targets(s) else {
                s.notice = Some("select a candidate first".into());
                return true;
            };
            match b {
                Bound::Assign => open_assign(s, targets),
                Bound::Snooze => open_snooze(s, targets),
                Bound::Note => open_note(s, targets),
                _ => {
                    let writes = targets
                        .into_iter()
                        .map(|candidate| Write::Done {
                            candidate,
                            note: None,
                        })
                        .collect();
                    s.pending.push(Command::Write(bulk(writes)));
                }
            }
        }
        _ => return false,
    }
    true
}

/// Who the teamwork keys act on: the marked candidates when there are any, else the one
/// shown.
fn targets<D: Reads>(s: &State<D>) -> Option<Vec<i64>> {
    if !s.marked.is_empty() {
        return Some(s.marked.iter().copied().collect());
    }
    s.profile.as_ref().map(|p| vec![p.id])
}

/// One write, or all of them as one command.
fn bulk(mut writes: Vec<Write>) -> Write {
    if writes.len() == 1 {
        writes.remove(0)
    } else {
        Write::Bulk(writes)
    }
}

/// Space: marks or unmarks the selected candidate and moves to the next one.
fn mark<D: Reads>(s: &mut State<D>) {
    let Some(c) = s.selected_row().map(|r| r.id) else {
        return;
    };
    if !s.marked.remove(&c) {
        s.marked.insert(c);
    }
    s.notice = Some(marked_notice(s));
    crate::ui::update::select(s, s.selected.saturating_add(1));
}

/// `*`: marks everyone the list shows (the filter and search as they are); when they all are
/// marked already, clears the marks.
fn mark_all<D: Reads>(s: &mut State<D>) {
    let ids: Vec<i64> = match s.store.inbox_page(&s.query(), 0, s.total) {
        Ok(rows) => rows.into_iter().map(|r| r.id).collect(),
        Err(e) => {
            s.notice = Some(format!("error: {e}"));
            return;
        }
    };
    if !ids.is_empty() && ids.iter().all(|c| s.marked.contains(c)) {
        s.marked.clear();
        s.notice = Some("marks cleared".into());
        return;
    }
    s.marked.extend(ids);
    s.notice = Some(marked_notice(s));
}

fn marked_notice<D: Reads>(s: &State<D>) -> String {
    match s.marked.len() {
        0 => "no candidate marked".into(),
        n => format!("{n} marked: a, z, d and N act on all of them (* twice clears)"),
    }
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

fn open_assign<D: Reads>(s: &mut State<D>, candidates: Vec<i64>) {
    let current = match candidates.as_slice() {
        [c] => s.store.assignment(*c).ok().flatten().map(|a| a.assignee),
        _ => None,
    };
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
    let n = candidates.len();
    let mut form = Form::new(
        "Assign",
        Purpose::Assign {
            candidates,
            choices,
        },
        vec![Field::choice("Assign to", options, selected)],
    );
    form.intro.push(match (&current, n) {
        (_, n) if n > 1 => format!("All {n} marked candidates."),
        (Some(a), _) => format!("Assigned to {a} now."),
        (None, _) => "Nobody is assigned now.".into(),
    });
    s.mode = Mode::Form(form);
}

fn open_snooze<D: Reads>(s: &mut State<D>, candidates: Vec<i64>) {
    let current = match candidates.as_slice() {
        [c] => s.store.snooze_of(*c).ok().flatten(),
        _ => None,
    };
    let n = candidates.len();
    let mut form = Form::new(
        "Snooze",
        Purpose::Snooze { candidates },
        vec![Field::text(
            "Until",
            "",
            "3d, mon, tomorrow, 2026-12-01 or 2026-12-01 14:00",
        )],
    );
    if n > 1 {
        form.intro.push(format!("All {n} marked candidates."));
    }
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
fn open_note<D: Reads>(s: &mut State<D>, candidates: Vec<i64>) {
    s.note_for = candidates.first().copied();
    s.note_targets = candidates;
    s.mode = Mode::Compose(Box::new(crate::ui::compose::editor(Vec::new())));
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
            let mut targets = s.note_targets.clone();
            if targets.is_empty() {
                targets.push(c);
            }
            let writes = targets
                .into_iter()
                .map(|candidate| Write::Note {
                    candidate,
                    text: text.clone(),
                })
                .collect();
            return vec![Command::Write(bulk(writes))];
        }
        Bound::Cancel => {
            s.note_for = None;
            s.note_targets.clear();
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
        Purpose::Assign {
            candidates,
            choices,
        } => {
            let to = choices.get(form.choice("Assign to")).cloned().flatten();
            Ok(bulk(
                candidates
                    .iter()
                    .map(|&candidate| Write::Assign {
                        candidate,
                        to: to.clone(),
                    })
                    .collect(),
            ))
        }
        Purpose::Snooze { candidates } => {
            let text = form.text("Until");
            let now = rapport_core::store::now();
            let until = if text.trim().is_empty() {
                None
            } else {
                Some(rapport_core::team::until::parse_until(&text, &s.tz, now)?)
            };
            Ok(bulk(
                candidates
                    .iter()
                    .map(|&candidate| Write::Snooze { candidate, until })
                    .collect(),
            ))
        }
        _ => Err("not a teamwork form".into()),
    }
}
