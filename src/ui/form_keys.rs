//! Keys while a form or the built-in editor is open: the relationship forms, the snippet
//! picker, the "write anyway" warnings, the review after the editor and the send
//! confirmations.

use crate::ui::action::Bound;
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use crate::ui::update::reload_keeping;
use crate::ui::write::Write;

pub(crate) fn compose_key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    let Mode::Compose(ta) = &s.mode else {
        return Vec::new();
    };
    if s.note_for.is_some() {
        return crate::ui::teamwork::note_key(s, b);
    }
    let text = ta.lines().join("\n");
    if b != Bound::Quit {
        s.quit_asked = false;
    }
    match b {
        // A draft is open: the first quit asks, the second keeps the draft and quits.
        Bound::Quit if !s.quit_asked => {
            s.quit_asked = true;
            s.notice =
                Some("a draft is open: quit again to keep it and quit, or go on writing".into());
            Vec::new()
        }
        Bound::Quit => {
            let mut out: Vec<Command> = s
                .compose
                .take()
                .map(|sess| {
                    Command::Write(Write::SaveDraft {
                        draft: sess.draft_id,
                        candidate: sess.candidate,
                        parent: sess.parent,
                        text,
                    })
                })
                .into_iter()
                .collect();
            out.push(Command::Quit);
            out
        }
        Bound::Submit => {
            let out = crate::ui::compose::finish(s, text);
            let c = s.profile.as_ref().map(|p| p.id);
            reload_keeping(s, c);
            out
        }
        Bound::Cancel => {
            // Closing keeps what was written as the draft.
            s.mode = Mode::Normal;
            s.notice = Some("draft kept, not sent (r or c reopens it)".into());
            s.compose
                .take()
                .map(|sess| {
                    Command::Write(Write::SaveDraft {
                        draft: sess.draft_id,
                        candidate: sess.candidate,
                        parent: sess.parent,
                        text,
                    })
                })
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}

pub(crate) fn form_key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    let Mode::Form(f) = &mut s.mode else {
        return Vec::new();
    };
    if matches!(
        f.purpose,
        crate::ui::form::Purpose::Review | crate::ui::form::Purpose::SendConfirm
    ) {
        return send_form_key(s, b);
    }
    if matches!(
        f.purpose,
        crate::ui::form::Purpose::SharePick { .. }
            | crate::ui::form::Purpose::ShareSpec { .. }
            | crate::ui::form::Purpose::ShareConfirm { .. }
            | crate::ui::form::Purpose::ShareCancel { .. }
    ) {
        return crate::ui::share::form_key(s, b);
    }
    if let crate::ui::form::Purpose::WriteAnyway { reply } = f.purpose {
        match b {
            Bound::Cancel | Bound::Back => s.mode = Mode::Normal,
            Bound::Quit => return vec![Command::Quit],
            Bound::Submit => {
                s.mode = Mode::Normal;
                return crate::ui::compose::pick(s, reply);
            }
            _ => {}
        }
        return Vec::new();
    }
    if let crate::ui::form::Purpose::PickAttachment { wanted, ids } = &f.purpose {
        let (wanted, ids) = (*wanted, ids.clone());
        match b {
            Bound::NextOption | Bound::NextField | Bound::Toggle => f.step(true),
            Bound::PrevOption | Bound::PrevField => f.step(false),
            Bound::Cancel | Bound::Back => s.mode = Mode::Normal,
            Bound::Quit => return vec![Command::Quit],
            Bound::Submit => {
                let i = f.choice("Attachment");
                return crate::ui::attachments::chosen(s, wanted, &ids, i);
            }
            _ => {}
        }
        return Vec::new();
    }
    if let crate::ui::form::Purpose::PickTemplate { names, reply } = &f.purpose {
        let (names, reply) = (names.clone(), *reply);
        match b {
            Bound::NextOption | Bound::NextField | Bound::Toggle => f.step(true),
            Bound::PrevOption | Bound::PrevField => f.step(false),
            Bound::Cancel | Bound::Back => s.mode = Mode::Normal,
            Bound::Quit => return vec![Command::Quit],
            Bound::Submit => {
                let i = f.choice("Template");
                s.mode = Mode::Normal;
                let chosen = i.checked_sub(1).and_then(|j| names.get(j)).cloned();
                return crate::ui::compose::start_with_template(s, reply, chosen);
            }
            _ => {}
        }
        return Vec::new();
    }
    match b {
        Bound::NextField => f.next_field(),
        Bound::PrevField => f.prev_field(),
        Bound::NextOption => f.step(true),
        Bound::PrevOption => f.step(false),
        Bound::Toggle => f.toggle(),
        Bound::Cancel | Bound::Back => s.mode = Mode::Normal,
        Bound::Quit => return vec![Command::Quit],
        // The form stays open until the write is done (a refusal shows in it).
        Bound::Submit if s.slow_write => {
            s.notice = Some("still working on the last change…".into());
        }
        Bound::Submit => {
            let form = f.clone();
            match crate::ui::form::relationship::submit(s, &form) {
                Ok(w) => {
                    if let Mode::Form(f) = &mut s.mode {
                        f.error = None;
                    }
                    s.slow_write = w.is_slow();
                    return vec![Command::Write(w)];
                }
                Err(e) => {
                    if let Mode::Form(f) = &mut s.mode {
                        f.error = Some(e);
                    }
                }
            }
        }
        _ => {}
    }
    Vec::new()
}

/// The empty-message and conflict confirmations of the compose flow.
fn send_form_key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    let Mode::Form(f) = &mut s.mode else {
        return Vec::new();
    };
    match b {
        Bound::NextField => f.next_field(),
        Bound::PrevField => f.prev_field(),
        Bound::Toggle => f.toggle(),
        Bound::Quit => return vec![Command::Quit],
        Bound::Cancel | Bound::Back => {
            s.mode = Mode::Normal;
            s.compose = None;
            s.notice = Some("not sent; the draft is kept (r or c reopens it)".into());
        }
        Bound::NextOption => f.step(true),
        Bound::PrevOption => f.step(false),
        Bound::Submit if f.purpose == crate::ui::form::Purpose::Review => {
            let choice = f.choice("Then");
            s.mode = Mode::Normal;
            match crate::ui::compose::REVIEW_CHOICES[choice] {
                "edit again" => {
                    let Some(session) = s.compose.take() else {
                        return Vec::new();
                    };
                    return crate::ui::compose::open_editor(s, session);
                }
                "keep as draft" => {
                    s.compose = None;
                    s.notice = Some("not sent; the draft is kept (r or c reopens it)".into());
                }
                "discard" => {
                    let Some(session) = s.compose.take() else {
                        return Vec::new();
                    };
                    return vec![Command::Write(Write::DiscardDraft {
                        draft: session.draft_id,
                        candidate: session.candidate,
                    })];
                }
                _ => {
                    let out = crate::ui::compose::send(s, None);
                    let c = s.profile.as_ref().map(|p| p.id);
                    reload_keeping(s, c);
                    return out;
                }
            }
        }
        Bound::Submit => {
            let form = f.clone();
            let confirm = match form.purpose {
                crate::ui::form::Purpose::SendConfirm => {
                    let reason = form.text("Reason");
                    if reason.is_empty() {
                        f.error =
                            Some("give a reason: it is recorded in the candidate's history".into());
                        return Vec::new();
                    }
                    Some(rapport_core::mail_out::outbox::Confirmation {
                        actor: s.actor.clone(),
                        reason,
                    })
                }
                _ => None,
            };
            s.mode = Mode::Normal;
            let out = crate::ui::compose::send(s, confirm);
            let c = s.profile.as_ref().map(|p| p.id);
            reload_keeping(s, c);
            return out;
        }
        _ => {}
    }
    Vec::new()
}
