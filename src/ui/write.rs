//! The UI's writes as commands. `update` never writes to the store: it returns
//! `Command::Write` naming the core use case and its typed arguments; the runner executes it
//! ([`execute`], an erasure off the UI thread) and feeds the answer back as `Action::Done`,
//! which [`done`] turns into the status line, a reload and what the form or editor shows.

use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use rapport_core::actions::{
    Acting, answers, contact, done as done_case, erase, export, identity, optout, preferences,
    teamwork as team,
};
use rapport_core::store::Store;
use std::path::Path;

/// A use case the UI asks for, with its typed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    SetPreferences {
        candidate: i64,
        change: preferences::Change,
    },
    LogContact {
        candidate: i64,
        contact: contact::Contact,
    },
    RecordOptOut {
        candidate: i64,
        scope: rapport_core::values::OptOutScope,
        reason: String,
        source: optout::Source,
    },
    /// The banner's request, recorded as the opt-out they asked for.
    AcceptOptOut {
        candidate: i64,
    },
    /// The banner's request was not one.
    DismissOptOut {
        candidate: i64,
    },
    /// The "They answered" banner: everything their answer proposes, citing their message.
    AcceptAnswer {
        candidate: i64,
    },
    /// Their answer as the recruiter edited it in the preferences form.
    AcceptEditedAnswer {
        candidate: i64,
        preferences: rapport_core::model::Preferences,
    },
    /// Their answer was not read right: the banner goes, nothing is recorded.
    DismissAnswer {
        candidate: i64,
    },
    /// The question mail ("How would you like to hear from us?"), queued as any message is
    /// (`actions::ask`); `dir` holds the team's version of it.
    Ask {
        candidate: i64,
        sender: Box<rapport_core::mail_out::compose::Sender>,
        dir: std::path::PathBuf,
        origin: rapport_core::mail_out::templates::Origin,
        /// `[smtp] max_message_size`.
        limit: u64,
        opened_at: Option<i64>,
        confirm: Option<rapport_core::mail_out::outbox::Confirmation>,
    },
    Assign {
        candidate: i64,
        to: Option<String>,
    },
    Snooze {
        candidate: i64,
        until: Option<i64>,
    },
    Note {
        candidate: i64,
        text: String,
    },
    /// Done, no reply needed: the candidate's wait ends without an answer.
    Done {
        candidate: i64,
        note: Option<String>,
    },
    /// The same change to several candidates (those marked): each is its own use-case call,
    /// with its own audit entry; one failing does not stop the others.
    Bulk(Vec<Write>),
    Merge {
        target: i64,
        source: i64,
    },
    UndoMerge {
        candidate: i64,
    },
    Split {
        candidate: i64,
        address: String,
    },
    Rename {
        candidate: i64,
        name: String,
    },
    AddCandidate {
        address: String,
        name: String,
        how: String,
    },
    /// Confirmed by typing the address. `on_server`: the team erases the server's copies too.
    Erase {
        candidate: i64,
        on_server: bool,
    },
    /// Everything held about the candidate, written to a new file at `path`.
    Export {
        candidate: i64,
        path: std::path::PathBuf,
    },
    /// What became of an erased person's mail on the IMAP server, for the audit log.
    RecordServerErase {
        server: erase::Server,
    },
    /// A new reply or message: its draft is saved before the editor opens (never lost).
    CreateDraft {
        candidate: i64,
        parent: Option<i64>,
        text: String,
    },
    /// The built message, checked against the candidate's wishes and queued; its draft goes
    /// once it is queued.
    Queue {
        candidate: i64,
        draft: i64,
        sender: Box<rapport_core::mail_out::compose::Sender>,
        message: Box<rapport_core::actions::queue::Built>,
        /// Colleagues' mail since then needs a confirmation.
        opened_at: Option<i64>,
        confirm: Option<rapport_core::mail_out::outbox::Confirmation>,
    },
    /// The built-in editor closed without sending: what was written stays the draft.
    SaveDraft {
        draft: i64,
        candidate: i64,
        parent: Option<i64>,
        text: String,
    },
    /// The recruiter threw the draft away after the review.
    DiscardDraft {
        draft: i64,
        candidate: i64,
    },
    /// A share as previewed and confirmed (`actions::share::create`): it starts active.
    CreateShare(Box<crate::ui::share::Planned>),
    PauseShare {
        id: i64,
    },
    ResumeShare {
        id: i64,
    },
    /// Confirmed with y: what has not gone out yet is cancelled.
    CancelShare {
        id: i64,
    },
}

impl Write {
    /// The candidate shown after the write (reselected after the reload).
    pub fn candidate(&self) -> Option<i64> {
        match self {
            Write::SetPreferences { candidate, .. }
            | Write::LogContact { candidate, .. }
            | Write::RecordOptOut { candidate, .. }
            | Write::AcceptOptOut { candidate }
            | Write::DismissOptOut { candidate }
            | Write::AcceptAnswer { candidate }
            | Write::AcceptEditedAnswer { candidate, .. }
            | Write::DismissAnswer { candidate }
            | Write::Ask { candidate, .. }
            | Write::Assign { candidate, .. }
            | Write::Snooze { candidate, .. }
            | Write::Note { candidate, .. }
            | Write::Done { candidate, .. }
            | Write::UndoMerge { candidate }
            | Write::Split { candidate, .. }
            | Write::Rename { candidate, .. }
            | Write::Export { candidate, .. }
            | Write::SaveDraft { candidate, .. }
            | Write::DiscardDraft { candidate, .. }
            | Write::CreateDraft { candidate, .. }
            | Write::Queue { candidate, .. } => Some(*candidate),
            Write::Merge { target, .. } => Some(*target),
            Write::AddCandidate { .. }
            | Write::CreateShare(_)
            | Write::PauseShare { .. }
            | Write::ResumeShare { .. }
            | Write::CancelShare { .. } => None,
            Write::Erase { .. } | Write::RecordServerErase { .. } | Write::Bulk(_) => None,
        }
    }

    /// Asked for by submitting a form, which stays open until the answer comes.
    fn asked_by_form(&self) -> bool {
        if let Write::Bulk(ws) = self {
            return ws.first().is_some_and(Write::asked_by_form);
        }
        !matches!(
            self,
            Write::AcceptOptOut { .. }
                | Write::DismissOptOut { .. }
                | Write::AcceptAnswer { .. }
                | Write::DismissAnswer { .. }
                | Write::UndoMerge { .. }
                | Write::Note { .. }
                | Write::Done { .. }
                | Write::SaveDraft { .. }
                | Write::DiscardDraft { .. }
                | Write::CreateDraft { .. }
                | Write::Queue { .. }
                | Write::RecordServerErase { .. }
                | Write::CreateShare(_)
                | Write::PauseShare { .. }
                | Write::ResumeShare { .. }
                | Write::CancelShare { .. }
        )
    }

    /// Slow writes the runner does off the UI thread (an erasure rewrites the file; a share
    /// writes a row for every candidate).
    pub fn is_slow(&self) -> bool {
        matches!(self, Write::Erase { .. } | Write::CreateShare(_))
    }
}

/// What a use case answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// The scope of the opt-out recorded.
    OptedOut(rapport_core::values::OptOutScope),
    /// A dismissal when nothing was waiting does nothing.
    Dismissed(bool),
    Merged(i64),
    /// The merge undone, if there was one.
    Unmerged(Option<i64>),
    Erased(erase::Outcome),
    /// The new draft's id.
    DraftCreated(i64),
    /// The new candidate's id.
    Added(i64),
    Queued,
    /// The question mail queued: in this language, to this address.
    Asked {
        language: String,
        to: String,
    },
    /// Not queued: these conflicts need the recruiter's confirmation with a reason.
    NeedsConfirmation(Vec<String>),
    /// A bulk change: how many were made, and each candidate it failed for, with why.
    Bulk {
        done: usize,
        failed: Vec<(i64, String)>,
    },
    /// The new share's id.
    ShareCreated(i64),
    /// A share cancelled: how many of its messages were stopped.
    ShareCancelled(usize),
}

/// A write and its answer, fed back to `update` as `Action::Done`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    pub write: Write,
    pub result: Result<Outcome, String>,
}

/// Runs the use case on `store` (the runner's; or a connection of its own off the UI thread).
pub fn execute(store: &mut Store, data_dir: &Path, actor: &str, write: Write) -> Finished {
    let who = Acting::now(actor);
    let result = run(store, data_dir, &who, &write).map_err(|e| e.to_string());
    Finished { write, result }
}

fn run(
    store: &mut Store,
    data_dir: &Path,
    who: &Acting,
    w: &Write,
) -> rapport_core::error::Result<Outcome> {
    Ok(match w.clone() {
        Write::SetPreferences { candidate, change } => {
            preferences::set(store, candidate, change, who)?;
            Outcome::Done
        }
        Write::LogContact { candidate, contact } => {
            contact::log(store, candidate, contact, who)?;
            Outcome::Done
        }
        Write::RecordOptOut {
            candidate,
            scope,
            reason,
            source,
        } => Outcome::OptedOut(optout::record(
            store, candidate, scope, &reason, source, who,
        )?),
        Write::AcceptOptOut { candidate } => {
            Outcome::OptedOut(optout::accept_request(store, candidate, who)?)
        }
        Write::DismissOptOut { candidate } => {
            Outcome::Dismissed(optout::dismiss_request(store, candidate, who)?)
        }
        Write::AcceptAnswer { candidate } => {
            answers::accept(store, candidate, who)?;
            Outcome::Done
        }
        Write::AcceptEditedAnswer {
            candidate,
            preferences,
        } => {
            answers::accept_edited(store, candidate, preferences, who)?;
            Outcome::Done
        }
        Write::DismissAnswer { candidate } => {
            Outcome::Dismissed(answers::dismiss(store, candidate, who)?)
        }
        Write::Ask {
            candidate,
            sender,
            dir,
            origin,
            limit,
            opened_at,
            confirm,
        } => ask(
            store, candidate, &sender, &dir, origin, limit, opened_at, confirm, who,
        )?,
        Write::Assign { candidate, to } => {
            team::assign(store, candidate, to.as_deref(), who)?;
            Outcome::Done
        }
        Write::Snooze { candidate, until } => {
            team::snooze(store, candidate, until, who)?;
            Outcome::Done
        }
        Write::Note { candidate, text } => {
            team::note(store, candidate, &text, who)?;
            Outcome::Done
        }
        Write::Done { candidate, note } => {
            done_case::done(store, candidate, note.as_deref(), who)?;
            Outcome::Done
        }
        Write::Bulk(writes) => {
            let (mut done, mut failed) = (0, Vec::new());
            for w in &writes {
                match run(store, data_dir, who, w) {
                    Ok(_) => done += 1,
                    Err(e) => failed.push((w.candidate().unwrap_or_default(), e.to_string())),
                }
            }
            Outcome::Bulk { done, failed }
        }
        Write::Merge { target, source } => {
            Outcome::Merged(identity::merge(store, target, source, who)?)
        }
        Write::UndoMerge { candidate } => {
            Outcome::Unmerged(identity::unmerge_last(store, candidate, who)?)
        }
        Write::Split { address, .. } => {
            identity::split(store, &address, who)?;
            Outcome::Done
        }
        Write::Rename { candidate, name } => {
            identity::rename(store, candidate, &name, who)?;
            Outcome::Done
        }
        Write::Erase {
            candidate,
            on_server,
        } => {
            let how = if on_server {
                erase::OnServer::Defer
            } else {
                erase::OnServer::Keep
            };
            Outcome::Erased(erase::erase(store, data_dir, candidate, &who.actor, how)?)
        }
        Write::Export { candidate, path } => {
            export::export_for_them(store, candidate, &path, who)?;
            Outcome::Done
        }
        Write::RecordServerErase { server } => {
            erase::record_server_outcome(store, &who.actor, &server);
            Outcome::Done
        }
        Write::CreateDraft {
            candidate,
            parent,
            text,
        } => Outcome::DraftCreated(store.save_draft(None, candidate, parent, &text, &who.actor)?),
        Write::Queue {
            candidate,
            draft,
            sender,
            message,
            opened_at,
            confirm,
        } => {
            use rapport_core::mail_out::outbox::SendError;
            let request = rapport_core::actions::queue::Request {
                candidate: Some(candidate),
                identity: &sender,
                message: &message,
                actor: &who.actor,
                opened_at,
                confirm: confirm.as_ref(),
            };
            match rapport_core::actions::queue::queue(store, &request, who.at) {
                Ok(_) => {
                    // Queued: the message is safe in the outbox, the draft is done with.
                    let _ = store.delete_draft(draft);
                    Outcome::Queued
                }
                Err(SendError::NeedsConfirmation(conflicts)) => {
                    Outcome::NeedsConfirmation(conflicts.iter().map(|c| c.to_string()).collect())
                }
                Err(e) => {
                    return Err(rapport_core::error::Error::Invalid(format!(
                        "{e}; the draft is kept"
                    )));
                }
            }
        }
        Write::AddCandidate { address, name, how } => {
            Outcome::Added(identity::add(store, &address, &name, &how, who)?)
        }
        Write::DiscardDraft { draft, .. } => {
            store.delete_draft(draft)?;
            Outcome::Done
        }
        Write::SaveDraft {
            draft,
            candidate,
            parent,
            text,
        } => {
            store.save_draft(Some(draft), candidate, parent, &text, &who.actor)?;
            Outcome::Done
        }
        Write::CreateShare(p) => Outcome::ShareCreated(rapport_core::actions::share::create(
            store, &p.spec, &p.preview, &who.actor, who.at,
        )?),
        Write::PauseShare { id } => {
            rapport_core::actions::share::pause(store, id, &who.actor)?;
            Outcome::Done
        }
        Write::ResumeShare { id } => {
            rapport_core::actions::share::resume(store, id, &who.actor)?;
            Outcome::Done
        }
        Write::CancelShare { id } => {
            Outcome::ShareCancelled(rapport_core::actions::share::cancel(store, id, &who.actor)?)
        }
    })
}

/// The question mail for the candidate, built and queued by `actions::ask`: refused or
/// needing a confirmation as any message is.
#[allow(clippy::too_many_arguments)]
fn ask(
    store: &mut Store,
    candidate: i64,
    sender: &rapport_core::mail_out::compose::Sender,
    dir: &Path,
    origin: rapport_core::mail_out::templates::Origin,
    limit: u64,
    opened_at: Option<i64>,
    confirm: Option<rapport_core::mail_out::outbox::Confirmation>,
    who: &Acting,
) -> rapport_core::error::Result<Outcome> {
    use rapport_core::actions::ask::{AskRequest, ask, mail_for};
    use rapport_core::mail_out::outbox::SendError;
    let invalid = |e: SendError| rapport_core::error::Error::Invalid(e.to_string());
    let (to, mail) =
        mail_for(store, candidate, sender, &who.actor, dir, origin).map_err(invalid)?;
    let limit = rapport_core::actions::queue::Limit {
        bytes: limit,
        source: "[smtp] max_message_size".into(),
    };
    let request = AskRequest {
        candidate,
        identity: sender,
        to: &to,
        mail: &mail,
        limit: &limit,
        actor: &who.actor,
        opened_at,
        confirm: confirm.as_ref(),
    };
    match ask(store, &request, who.at) {
        Ok(a) => Ok(Outcome::Asked {
            language: a.language,
            to: a.to,
        }),
        Err(SendError::NeedsConfirmation(conflicts)) => Ok(Outcome::NeedsConfirmation(
            conflicts.iter().map(|c| c.to_string()).collect(),
        )),
        Err(e) => Err(invalid(e)),
    }
}

/// Executes the writes (and share previews) among `commands` at once on the state's own
/// store, feeding each answer back through `update`; returns the other commands. What the runner does, without
/// threads: for tests and for callers that have no runner.
pub fn settle(s: &mut State, commands: Vec<Command>) -> Vec<Command> {
    let mut rest = Vec::new();
    let mut queue: std::collections::VecDeque<Command> = commands.into();
    while let Some(c) = queue.pop_front() {
        match c {
            Command::Write(w) => {
                let dir = s.data_dir.clone().unwrap_or_default();
                let actor = s.actor.clone();
                let f = execute(&mut s.store, &dir, &actor, w);
                queue.extend(crate::ui::update::update(
                    s,
                    crate::ui::action::Action::Done(Box::new(f)),
                ));
            }
            Command::SharePreview(job) => {
                let ctx = crate::ui::share::PreviewContext::of(s);
                let answer = crate::ui::share::run_preview(&s.store, &job, &ctx);
                queue.extend(crate::ui::update::update(
                    s,
                    crate::ui::action::Action::SharePreviewed(answer),
                ));
            }
            c => rest.push(c),
        }
    }
    rest
}

/// The answer of a write: the status line, the form or editor closed (or its error shown),
/// the list read again. Returns follow-up commands (deleting on the IMAP server).
pub fn done<D: Reads>(s: &mut State<D>, f: Finished) -> Vec<Command> {
    let Finished { write, result } = f;
    if write.is_slow() {
        s.slow_write = false;
    }
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            refused(s, &write, e);
            return Vec::new();
        }
    };
    let outcome = match crate::ui::compose::answered(s, &write, outcome) {
        Ok(then) => return then,
        Err(o) => o,
    };
    let outcome = match crate::ui::answers::answered(s, &write, outcome) {
        Ok(then) => return then,
        Err(o) => o,
    };
    let outcome = match crate::ui::share::answered(s, &write, outcome) {
        Ok(then) => return then,
        Err(o) => o,
    };
    let mut then = Vec::new();
    // A candidate marked for a bulk change that was made to them alone is done with too.
    if let Write::Assign { candidate, .. }
    | Write::Snooze { candidate, .. }
    | Write::Note { candidate, .. }
    | Write::Done { candidate, .. } = &write
    {
        s.marked.remove(candidate);
    }
    let said = match (&write, outcome) {
        (Write::SetPreferences { .. }, _) => "preferences saved".to_string(),
        (Write::LogContact { contact, .. }, _) => format!(
            "logged: {} {}",
            contact.channel.as_str(),
            contact.outcome.as_str()
        ),
        (Write::RecordOptOut { .. }, Outcome::OptedOut(scope)) => {
            format!("opt-out recorded ({scope})")
        }
        (Write::AcceptOptOut { .. }, _) => {
            "opt-out recorded from their message: no more mail will be sent".into()
        }
        (Write::DismissOptOut { .. }, Outcome::Dismissed(false)) => return Vec::new(),
        (Write::DismissOptOut { .. }, _) => "banner dismissed: not an opt-out".into(),
        (Write::AcceptAnswer { .. }, _) => {
            "their answer is recorded, citing their message: it applies from now".into()
        }
        (Write::AcceptEditedAnswer { .. }, _) => {
            "their answer is recorded as edited, citing their message".into()
        }
        (Write::DismissAnswer { .. }, Outcome::Dismissed(false)) => return Vec::new(),
        (Write::DismissAnswer { .. }, _) => "answer dismissed: nothing was recorded from it".into(),
        (Write::Assign { to: Some(n), .. }, _) => format!("assigned to {n}"),
        (Write::Assign { to: None, .. }, _) => "unassigned".into(),
        (Write::Snooze { until: Some(t), .. }, _) => format!(
            "snoozed until {}",
            rapport_core::timefmt::long_date(*t, &s.tz)
        ),
        (Write::Snooze { until: None, .. }, _) => "snooze ended".into(),
        (Write::Note { .. }, _) => {
            s.note_for = None;
            s.note_targets.clear();
            "note saved (internal, never sent)".into()
        }
        (Write::Done { .. }, _) => {
            "done, no reply needed: out of awaiting reply until they write again".into()
        }
        (Write::Bulk(writes), Outcome::Bulk { done, failed }) => bulk_done(s, writes, done, failed),
        (Write::Merge { .. }, Outcome::Merged(id)) => {
            s.merge_mark = None;
            format!("merged (merge {id}; U undoes it)")
        }
        (Write::UndoMerge { .. }, Outcome::Unmerged(None)) => {
            s.notice = Some("nothing was merged into this candidate".into());
            return Vec::new();
        }
        (Write::UndoMerge { .. }, _) => "merge undone".into(),
        (Write::Split { address, .. }, _) => format!("{address} is now a candidate of its own"),
        (Write::Rename { .. }, _) => "name saved".into(),
        (Write::AddCandidate { address, .. }, Outcome::Added(id)) => {
            // Shown at once, whatever the filter: the recruiter is about to write to them.
            s.mode = Mode::Normal;
            s.filter = rapport_core::store::InboxFilter::All;
            s.search = None;
            s.chosen = Some(id);
            crate::ui::update::reload_list(s);
            s.notice = Some(format!(
                "added {}; c writes to them",
                address.trim().to_lowercase()
            ));
            return then;
        }
        (Write::Export { path, .. }, _) => format!(
            "wrote {} and its summary .txt",
            rapport_core::sanitize::sanitize_line(&path.display().to_string())
        ),
        (Write::Erase { .. }, Outcome::Erased(out)) => erased(out, &mut then),
        // Said when the editor closed or the server answered: nothing more to show.
        (Write::SaveDraft { .. } | Write::RecordServerErase { .. }, _) => return Vec::new(),
        (Write::DiscardDraft { .. }, _) => "draft discarded: nothing was sent".into(),
        // Every write has its answer above; nothing else is ever paired.
        _ => "done".into(),
    };
    // Only the form or the note's editor that asked closes.
    let note = match &write {
        Write::Bulk(ws) => ws.first().is_some_and(|w| matches!(w, Write::Note { .. })),
        w => matches!(w, Write::Note { .. }),
    };
    match (&s.mode, &write) {
        (Mode::Compose(_), _) if note => s.mode = Mode::Normal,
        (Mode::Form(_), w) if w.asked_by_form() => s.mode = Mode::Normal,
        _ => {}
    }
    s.notice = Some(said);
    // A bulk change keeps the candidate on screen selected while they are still listed.
    let keep = match &write {
        Write::Bulk(_) => s.selected_row().map(|r| r.id),
        w => w.candidate(),
    };
    crate::ui::update::reload_keeping(s, keep);
    then
}

/// What the status line says of a bulk change ("assigned 50 candidates to Alice"). The marks
/// go from those it was made for; those it failed for stay marked.
fn bulk_done<D: Reads>(
    s: &mut State<D>,
    writes: &[Write],
    done: usize,
    failed: Vec<(i64, String)>,
) -> String {
    let failed_ids: Vec<i64> = failed.iter().map(|(c, _)| *c).collect();
    for w in writes {
        if let Some(c) = w.candidate()
            && !failed_ids.contains(&c)
        {
            s.marked.remove(&c);
        }
    }
    let n = match done {
        1 => "1 candidate".to_string(),
        n => format!("{n} candidates"),
    };
    let mut said = match writes.first() {
        Some(Write::Assign { to: Some(who), .. }) => format!("assigned {n} to {who}"),
        Some(Write::Assign { to: None, .. }) => format!("unassigned {n}"),
        Some(Write::Snooze { until: Some(t), .. }) => format!(
            "snoozed {n} until {}",
            rapport_core::timefmt::long_date(*t, &s.tz)
        ),
        Some(Write::Snooze { until: None, .. }) => format!("ended the snooze of {n}"),
        Some(Write::Done { .. }) => format!("marked {n} done, no reply needed"),
        Some(Write::Note { .. }) => {
            s.note_for = None;
            s.note_targets.clear();
            format!("added the note to {n} (internal, never sent)")
        }
        _ => format!("changed {n}"),
    };
    if let Some((_, why)) = failed.first() {
        said.push_str(&format!("; {} failed (still marked): {why}", failed.len()));
    }
    said
}

/// What the status line says of an erasure; the server's copies are deleted next.
fn erased(out: erase::Outcome, then: &mut Vec<Command>) -> String {
    let mut said = format!("erased ({} messages)", out.erased.messages);
    match out.server {
        erase::Server::Kept(n) => {
            said.push_str(&format!("; their {n} message(s) remain on the IMAP server"))
        }
        erase::Server::Deferred(copies) => {
            said.push_str(&format!(
                "; deleting their {} message(s) on the IMAP server…",
                copies.len()
            ));
            then.push(Command::EraseOnServer(copies));
        }
        erase::Server::Nothing | erase::Server::Deleted(_) | erase::Server::Failed(_) => {}
    }
    if let Some(left) = out.erased.pending {
        said.push_str(&format!("; not yet complete on disk: {left}"));
    }
    said
}

/// A refused write: the form (or the note's editor) stays open with the reason; otherwise the
/// status line says it.
fn refused<D: Reads>(s: &mut State<D>, write: &Write, e: String) {
    match (&mut s.mode, write) {
        (Mode::Form(f), w) if w.asked_by_form() => f.error = Some(e),
        (_, Write::Ask { .. }) => s.notice = Some(format!("not asked: {e}")),
        (_, Write::CreateShare(_)) => s.notice = Some(format!("the share was not created: {e}")),
        (Mode::Compose(_), Write::Note { .. }) => {
            s.notice = Some(format!("cannot save the note: {e}"))
        }
        (_, Write::SaveDraft { .. }) => s.notice = Some(format!("cannot keep the draft: {e}")),
        (_, Write::CreateDraft { .. }) => {
            s.compose = None;
            s.notice = Some(format!("cannot save the draft: {e}"))
        }
        (_, Write::Queue { .. }) => {
            s.compose = None;
            s.notice = Some(e)
        }
        _ => s.notice = Some(format!("error: {e}")),
    }
}
