//! The candidate's own answers in the TUI: the "They answered" banner (their answer to the
//! question mail, read at ingest by the core) with its keys, asking by mail (`A`), and their
//! open data requests. Every write is a core use case (`actions::answers`, `actions::ask`)
//! run by the runner; nothing here decides policy.

use crate::ui::action::Bound;
use crate::ui::form::{Field, Form, Purpose};
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use crate::ui::write::{Outcome, Write};
use rapport_core::consent::policy::{Refusal, Verdict};
use rapport_core::mail_out::outbox::Confirmation;
use rapport_core::model::Direction;
use rapport_core::sanitize::sanitize_line;
use rapport_core::store::{DataRequest, Profile};
use rapport_core::values::DataRequestKind;

/// The first key bound to `b` where the recruiter is.
fn key_of<D: Reads>(s: &State<D>, b: Bound) -> String {
    s.keymap
        .keys_for(s.context(), b)
        .first()
        .cloned()
        .unwrap_or_else(|| b.name().to_string())
}

/// The banner's text: what they answered (their words as the core read them, sanitised),
/// and the keys. None when no answer waits.
pub fn banner<D: Reads>(s: &State<D>, p: &Profile) -> Option<(String, String)> {
    let (_, proposal) = p.answer_request.as_ref()?;
    Some((
        format!("✉ They answered: {}", sanitize_line(&proposal.to_string())),
        format!(
            "  {} accept all · {} edit first · {} dismiss",
            key_of(s, Bound::AcceptAnswer),
            key_of(s, Bound::EditAnswer),
            key_of(s, Bound::DismissAnswer)
        ),
    ))
}

/// What the profile says of a data request: "Asked for a copy of their data on 3 Dec 2026 —
/// due 2 Jan 2027; E exports it".
pub fn request_line<D: Reads>(s: &State<D>, r: &DataRequest) -> String {
    // The day is what the legal clock counts: "19 Sep 2026".
    let date = |t: i64| {
        jiff::Timestamp::from_second(t)
            .map(|t| {
                t.to_zoned_datetime(s.tz.clone())
                    .strftime("%-d %b %Y")
                    .to_string()
            })
            .unwrap_or_else(|_| "?".into())
    };
    // The keys of the profile, where exporting and erasing are bound (not the conversation).
    let k = |b: Bound| {
        s.keymap
            .keys_for(crate::ui::action::Context::Profile, b)
            .first()
            .cloned()
            .unwrap_or_else(|| b.name().to_string())
    };
    let then = match r.kind {
        DataRequestKind::Copy => format!("{} exports it", k(Bound::Export)),
        DataRequestKind::Erasure => format!("{} erases them", k(Bound::Erase)),
    };
    let overdue = if r.due_at < s.now { " (overdue)" } else { "" };
    format!(
        "Asked for {} on {} — due {}{overdue}; {then}",
        r.kind.label(),
        date(r.at),
        date(r.due_at)
    )
}

/// The title bar's team notice: "2 data requests due" (None when none is open).
pub fn requests_notice<D: Reads>(s: &State<D>) -> Option<String> {
    match s.open_requests {
        0 => None,
        1 => Some("· 1 data request due ".into()),
        n => Some(format!("· {n} data requests due ")),
    }
}

/// Reads the team's open data requests and the shown candidate's own (open ones).
pub fn load_requests<D: Reads>(s: &mut State<D>) {
    let open = s.store.open_data_requests().unwrap_or_default();
    s.open_requests = open.len();
    s.data_requests = match &s.profile {
        Some(p) => open
            .into_iter()
            .filter(|r| r.candidate_id == p.id)
            .collect(),
        None => Vec::new(),
    };
}

/// `Y`: everything their answer proposes, citing their message.
pub fn accept<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    match &s.profile {
        Some(p) if p.answer_request.is_some() => {
            vec![Command::Write(Write::AcceptAnswer { candidate: p.id })]
        }
        Some(_) => {
            s.notice = Some(format!(
                "no answer to the question mail is waiting on this candidate ({} asks them)",
                key_of(s, Bound::Ask)
            ));
            Vec::new()
        }
        None => Vec::new(),
    }
}

/// `D`: the answer was not read right; nothing is recorded.
pub fn dismiss<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    match &s.profile {
        Some(p) if p.answer_request.is_some() => {
            vec![Command::Write(Write::DismissAnswer { candidate: p.id })]
        }
        _ => Vec::new(),
    }
}

/// `I`: the preferences form, filled with what their answer proposes over what we hold;
/// saving it accepts the answer as edited.
pub fn edit<D: Reads>(s: &mut State<D>) {
    let Some(p) = &s.profile else { return };
    let Some((_, proposal)) = &p.answer_request else {
        s.notice = Some("no answer to the question mail is waiting on this candidate".into());
        return;
    };
    let prefs = rapport_core::actions::answers::apply(p.preferences.clone(), proposal);
    crate::ui::form::relationship::open_answer(s, prefs);
}

/// `A`: asks them by mail. A send their wishes refuse is said at once, as `c` says it;
/// conflicts that need a recorded reason ask for one first.
pub fn ask<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    let Some(p) = s.profile.clone() else {
        return Vec::new();
    };
    if s.identity.is_none() {
        s.notice =
            Some("cannot ask: no sending identity is configured (see config.example.toml)".into());
        return Vec::new();
    }
    let to: Vec<String> = p.addresses.first().cloned().into_iter().collect();
    match s.store.send_verdict(p.id, &to, &[], s.now) {
        Ok(Verdict::Refused(Refusal::AskedToStop { evidence })) => {
            s.notice = Some(format!(
                "not asked: they asked to stop (“{evidence}”): {} records the opt-out, {} dismisses it",
                key_of(s, Bound::AcceptOptOut),
                key_of(s, Bound::DismissOptOut)
            ));
            Vec::new()
        }
        Ok(Verdict::Refused(r)) => {
            s.notice = Some(format!("not asked: {r}"));
            Vec::new()
        }
        Ok(Verdict::Confirm(conflicts)) => {
            confirm_form(s, p.id, conflicts.iter().map(|c| c.to_string()).collect());
            Vec::new()
        }
        Ok(Verdict::Allowed) => vec![Command::Write(ask_write(s, p.id, None))],
        Err(e) => {
            s.notice = Some(format!("error: {e}"));
            Vec::new()
        }
    }
}

/// The write that queues the question mail for `candidate`.
pub fn ask_write<D: Reads>(s: &State<D>, candidate: i64, confirm: Option<Confirmation>) -> Write {
    let (dir, origin) = s.ask_dir.clone().unwrap_or_else(|| {
        (
            s.data_dir.clone().unwrap_or_default().join("templates"),
            rapport_core::mail_out::templates::Origin::DataDir,
        )
    });
    // Colleagues' mail since their newest message needs a confirmation, as for any message.
    let opened_at = s
        .conversation
        .as_ref()
        .filter(|c| c.candidate_id == candidate)
        .and_then(|c| {
            c.messages
                .iter()
                .rev()
                .find(|m| m.direction == Direction::Inbound)
        })
        .map(|m| m.date);
    Write::Ask {
        candidate,
        sender: Box::new(s.identity.clone().unwrap_or_default()),
        dir,
        origin,
        limit: s.max_message_size,
        opened_at,
        confirm,
    }
}

fn confirm_form<D: Reads>(s: &mut State<D>, candidate: i64, conflicts: Vec<String>) {
    let mut form = Form::new(
        "Ask anyway?",
        Purpose::AskConfirm { candidate },
        vec![Field::text(
            "Reason",
            "",
            "why this is right (recorded in their history)",
        )],
    );
    form.intro = conflicts.iter().map(|c| format!("⚠ {c}")).collect();
    form.intro
        .push("Enter sends the question mail with your reason; esc cancels.".into());
    s.mode = Mode::Form(form);
}

/// The runner's answer to asking: queued (the outbox sends it), or a confirmation with a
/// reason. `Err` hands back what is not about asking.
pub fn answered<D: Reads>(
    s: &mut State<D>,
    write: &Write,
    outcome: Outcome,
) -> Result<Vec<Command>, Outcome> {
    match (write, outcome) {
        (Write::Ask { candidate, .. }, Outcome::Asked { language, to }) => {
            if matches!(&s.mode, Mode::Form(f) if matches!(f.purpose, Purpose::AskConfirm { .. })) {
                s.mode = Mode::Normal;
            }
            s.notice = Some(format!(
                "question mail ({language}) queued to {}: their reply will be read as an answer",
                sanitize_line(&to)
            ));
            crate::ui::update::reload_keeping(s, Some(*candidate));
            Ok(vec![Command::Deliver])
        }
        (Write::Ask { candidate, .. }, Outcome::NeedsConfirmation(conflicts)) => {
            confirm_form(s, *candidate, conflicts);
            Ok(Vec::new())
        }
        (_, o) => Err(o),
    }
}

/// The confirmation's reason, as the write that asks with it.
pub fn submit_confirm<D: Reads>(
    s: &State<D>,
    form: &Form,
    candidate: i64,
) -> Result<Write, String> {
    let reason = form.text("Reason");
    if reason.trim().is_empty() {
        return Err("give a reason: it is recorded in their history".into());
    }
    Ok(ask_write(
        s,
        candidate,
        Some(Confirmation {
            actor: s.actor.clone(),
            reason,
        }),
    ))
}
