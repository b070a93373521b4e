//! Replying and writing from the TUI: the draft is saved first (never lost), edited in
//! $VISUAL/$EDITOR or the built-in editor, then built, checked and queued by the queue use
//! case (`rapport_core::actions::queue`). The header's Topics line shows what it is about.

use crate::ui::action::Bound;
use crate::ui::form::{Field, Form, Purpose};
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use crate::ui::write::{Outcome, Write};
use rapport_core::actions::queue::{self, Built, Limit};
use rapport_core::consent::policy::{Refusal, Verdict};
use rapport_core::mail_out::compose::{self, Draft};
use rapport_core::mail_out::outbox::Confirmation;
use rapport_core::model::Direction;

/// A draft being written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub candidate: i64,
    pub parent: Option<i64>,
    pub draft_id: i64,
    pub draft: Draft,
    /// The text as first handed to the editor: unchanged means "do not send".
    pub original: String,
    /// Built and waiting for a confirmation.
    pub pending: Option<Built>,
    /// Started from a snippet, or reviewed once already: it may be sent unchanged (after
    /// the review).
    pub from_template: bool,
}

/// The message `r` answers: inside the conversation, the one highlighted on screen; from the
/// inbox or the profile, the candidate's newest message to us (or the newest at all), never
/// a position left over from an earlier visit.
pub fn selected_message<D: Reads>(s: &State<D>) -> Option<&rapport_core::store::MessageView> {
    let conv = s.conversation.as_ref()?;
    if s.focus == crate::ui::state::Focus::Conversation
        && let Some(id) = s.selected_message
    {
        return conv.messages.iter().find(|m| m.id == id);
    }
    conv.messages
        .iter()
        .rev()
        .find(|m| m.direction == Direction::Inbound && !m.automated)
        .or_else(|| {
            conv.messages
                .iter()
                .rev()
                .find(|m| m.direction == Direction::Inbound)
        })
        .or(conv.messages.last())
}

/// Before a picker or editor opens: a message the candidate's wishes refuse is refused at
/// once, with the reason and date; conflicts that will need a recorded reason, and what
/// colleagues did since the candidate last wrote, are shown first for the recruiter to
/// read. False when nothing may be written.
fn precheck<D: Reads>(s: &mut State<D>, p: &rapport_core::store::Profile, reply: bool) -> bool {
    let to: Vec<String> = p.addresses.first().cloned().into_iter().collect();
    let mut warnings = Vec::new();
    match s.store.send_verdict(p.id, &to, &[], s.now) {
        Ok(Verdict::Refused(Refusal::AskedToStop { evidence })) => {
            let k = |b| {
                s.keymap
                    .keys_for(s.context(), b)
                    .first()
                    .cloned()
                    .unwrap_or_default()
            };
            s.notice = Some(format!(
                "they asked to stop (“{evidence}”): {} records the opt-out, {} dismisses it; nothing can be sent until then",
                k(Bound::AcceptOptOut),
                k(Bound::DismissOptOut)
            ));
            return false;
        }
        Ok(Verdict::Refused(r)) => {
            s.notice = Some(format!("nothing can be sent: {r}"));
            return false;
        }
        Ok(Verdict::Confirm(conflicts)) => {
            warnings.extend(conflicts.iter().map(|c| format!("• {c}")));
        }
        Ok(Verdict::Allowed) => {}
        Err(e) => {
            s.notice = Some(format!("error: {e}"));
            return false;
        }
    }
    let since = s
        .conversation
        .as_ref()
        .and_then(|c| {
            c.messages
                .iter()
                .rev()
                .find(|m| m.direction == Direction::Inbound)
        })
        .map_or(0, |m| m.date);
    if let Ok(done) = s.store.colleague_activity(p.id, since, &s.actor) {
        warnings.extend(done.iter().map(|a| format!("• {a}")));
    }
    if warnings.is_empty() {
        return true;
    }
    let mut form = Form::new(
        &format!("Before you write to {}", p.name),
        Purpose::WriteAnyway { reply },
        Vec::new(),
    );
    form.intro = warnings;
    form.intro
        .push("Enter writes anyway (sending asks for a reason), Esc goes back.".into());
    s.mode = Mode::Form(form);
    false
}

/// `r` / `c`: with snippets configured, a picker comes first (those matching the candidate's
/// interests on top); a saved draft is reopened without asking.
pub fn start<D: Reads>(s: &mut State<D>, reply: bool) -> Vec<Command> {
    let Some(p) = s.profile.clone() else {
        return Vec::new();
    };
    if !precheck(s, &p, reply) {
        return Vec::new();
    }
    pick(s, reply)
}

/// After the precheck (or the recruiter's "write anyway"): the snippet picker, or the editor.
pub fn pick<D: Reads>(s: &mut State<D>, reply: bool) -> Vec<Command> {
    let Some(p) = s.profile.clone() else {
        return Vec::new();
    };
    let has_draft =
        matches!(s.store.latest_draft(p.id), Ok(Some((_, parent, _))) if parent.is_some() == reply);
    if s.templates.is_empty() || has_draft {
        return start_with_template(s, reply, None);
    }
    let interests = p.preferences.map(|x| x.interests).unwrap_or_default();
    let ranked = rapport_core::mail_out::templates::ranked(&s.templates, &interests);
    // The best match for their interests is chosen to start with; none matching: no snippet.
    let best = ranked.first().is_some_and(|t| {
        t.tags
            .iter()
            .any(|tag| interests.iter().any(|i| i.eq_ignore_ascii_case(tag)))
    });
    let names: Vec<String> = ranked.into_iter().map(|t| t.name.clone()).collect();
    let mut options = vec!["(no snippet)".to_string()];
    options.extend(names.iter().map(|n| {
        let t = s.templates.iter().find(|t| &t.name == n);
        match t.map(|t| &t.tags) {
            Some(tags) if !tags.is_empty() => format!("{n} [{}]", tags.join(", ")),
            _ => n.clone(),
        }
    }));
    let mut form = Form::new(
        "Start from a snippet?",
        Purpose::PickTemplate { names, reply },
        vec![Field::choice("Template", options, usize::from(best))],
    );
    form.intro.push(
        "Snippets for their interests come first; up/down choose, the preview shows the text."
            .into(),
    );
    s.mode = Mode::Form(form);
    Vec::new()
}

/// Starts the reply or new message, with the chosen snippet's text at the top and its tags
/// among the topics.
pub fn start_with_template<D: Reads>(
    s: &mut State<D>,
    reply: bool,
    template: Option<String>,
) -> Vec<Command> {
    s.template = template.and_then(|name| s.templates.iter().find(|t| t.name == name).cloned());
    if reply { start_reply(s) } else { start_new(s) }
}

pub fn start_reply<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    let Some(p) = s.profile.clone() else {
        return Vec::new();
    };
    let Some(parent) = selected_message(s).cloned() else {
        s.notice = Some("no message to reply to: c writes a new one".into());
        return Vec::new();
    };
    if let Ok(Some((id, Some(reply_to), text))) = s.store.latest_draft(p.id)
        && reply_to == parent.id
    {
        return reopen(s, p.id, Some(parent.id), id, &text);
    }
    let when = rapport_core::timefmt::long_date(parent.date, &s.tz);
    let mut draft = s
        .store
        .reply_draft(&parent, &when)
        .unwrap_or_else(|_| compose::reply_draft(&parent, &[], &[], &when));
    if parent.direction == Direction::Outbound {
        draft.to = p.addresses.first().cloned().unwrap_or_default();
    }
    begin(s, p.id, Some(parent.id), draft)
}

pub fn start_new<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    let Some(p) = s.profile.clone() else {
        return Vec::new();
    };
    if let Ok(Some((id, None, text))) = s.store.latest_draft(p.id) {
        return reopen(s, p.id, None, id, &text);
    }
    let draft = queue::new_draft(&p.addresses.first().cloned().unwrap_or_default());
    begin(s, p.id, None, draft)
}

fn reopen<D: Reads>(
    s: &mut State<D>,
    candidate: i64,
    parent: Option<i64>,
    draft_id: i64,
    text: &str,
) -> Vec<Command> {
    // Threading comes from the parent again; the text is the saved one.
    let base = match parent.and_then(|pid| {
        s.conversation
            .as_ref()?
            .messages
            .iter()
            .find(|m| m.id == pid)
            .cloned()
    }) {
        Some(pm) => s
            .store
            .reply_draft(&pm, "")
            .unwrap_or_else(|_| compose::reply_draft(&pm, &[], &[], "")),
        None => Draft::default(),
    };
    let draft = compose::parse_editor_text(text, &base).unwrap_or(base);
    s.notice = Some("reopened your saved draft".into());
    open_editor(
        s,
        Session {
            candidate,
            parent,
            draft_id,
            draft,
            original: text.to_string(),
            pending: None,
            from_template: false,
        },
    )
}

fn begin<D: Reads>(
    s: &mut State<D>,
    candidate: i64,
    parent: Option<i64>,
    mut draft: Draft,
) -> Vec<Command> {
    let from_template = s.template.is_some();
    if let Some(t) = s.template.take() {
        let name = s.profile.as_ref().map(|p| p.name.as_str()).unwrap_or("");
        let vars = queue::template_vars(name, s.identity.as_ref(), &s.actor);
        queue::apply_template(&mut draft, &t, &vars);
    }
    let text = compose::editor_text(&draft);
    // The draft is saved first; the editor opens when the runner answers with its id.
    s.compose = Some(Session {
        candidate,
        parent,
        draft_id: 0,
        draft,
        original: text.clone(),
        pending: None,
        from_template,
    });
    vec![Command::Write(Write::CreateDraft {
        candidate,
        parent,
        text,
    })]
}

/// The built-in editor over `lines`: long lines wrap on screen at word boundaries (a word
/// wider than the pane is split), the cursor moving by screen rows; the text keeps the
/// writer's own lines.
pub fn editor(lines: Vec<String>) -> ratatui_textarea::TextArea<'static> {
    let mut ta = ratatui_textarea::TextArea::from(lines);
    ta.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    ta
}

pub(crate) fn open_editor<D: Reads>(s: &mut State<D>, session: Session) -> Vec<Command> {
    let text = compose::editor_text(&session.draft);
    let text = if session.original.is_empty() {
        text
    } else {
        session.original.clone()
    };
    s.compose = Some(session);
    match &s.editor {
        Some(_) => vec![Command::Edit(text)],
        None => {
            let mut ta = editor(text.lines().map(String::from).collect());
            // Start typing above the quote, on the first body line.
            let first_body = text
                .lines()
                .position(|l| l.is_empty())
                .map(|i| i + 1)
                .unwrap_or(0);
            ta.move_cursor(ratatui_textarea::CursorMove::Jump(first_body as u16, 0));
            s.mode = Mode::Compose(Box::new(ta));
            s.focus = crate::ui::state::Focus::Conversation;
            s.show_profile = false;
            Vec::new()
        }
    }
}

/// The editor is done (external, or the built-in one submitted) with `text`.
pub fn finish<D: Reads>(s: &mut State<D>, text: String) -> Vec<Command> {
    let Some(mut session) = s.compose.take() else {
        return Vec::new();
    };
    s.mode = Mode::Normal;
    let unchanged = text.trim_end() == session.original.trim_end();
    if unchanged && !session.from_template {
        s.notice =
            Some("nothing changed: nothing sent, the draft is kept (r or c reopens it)".into());
        return Vec::new();
    }
    let parsed = queue::edited(&text, &session.draft);
    // The saved draft lists every topic the message carries, also one kept against an edit
    // (reopening it must not lose a snippet's tags).
    let text = match &parsed {
        Ok(d)
            if compose::parse_editor_text(&text, &Draft::default())
                .is_ok_and(|h| h.topics != d.topics) =>
        {
            compose::editor_text(d)
        }
        _ => text,
    };
    // What was written is kept as the draft before anything else happens to it.
    let save = Command::Write(Write::SaveDraft {
        draft: session.draft_id,
        candidate: session.candidate,
        parent: session.parent,
        text: text.clone(),
    });
    session.original = text.clone();
    match parsed {
        Ok(d) => session.draft = d,
        Err(e) => {
            s.notice = Some(format!("not sent: {e}; the draft is kept"));
            return vec![save];
        }
    }
    s.compose = Some(session);
    review(s);
    vec![save]
}

/// What a review offers, in order.
pub const REVIEW_CHOICES: [&str; 4] = ["send", "edit again", "keep as draft", "discard"];

/// The review after the editor, as mutt's compose menu: who it goes to, what it is about,
/// whether their wishes allow it, and its first lines; then send, edit again, keep or
/// discard. Something to look at twice (no subject, no words of one's own, a refusal) makes
/// "edit again" (or "keep") the preselected choice, so Enter never sends it by accident.
pub fn review<D: Reads>(s: &mut State<D>) {
    let Some(session) = &mut s.compose else {
        return;
    };
    // Back from "edit again", an unchanged text comes back to the review.
    session.from_template = true;
    let session = &*session;
    let d = &session.draft;
    let mut intro = vec![format!("To:      {}", d.to)];
    if !d.cc.trim().is_empty() {
        intro.push(format!("Cc:      {}", d.cc));
    }
    intro.push(format!("Subject: {}", d.subject));
    if !d.topics.as_slice().is_empty() {
        intro.push(format!("Topics:  {}", d.topics));
    }
    if !d.answering.is_empty() {
        intro.push(format!("Answers: {}", d.answering));
    }
    let recipients: Vec<String> =
        d.to.split(',')
            .chain(d.cc.split(','))
            .map(|a| {
                let a = a.trim();
                match (a.rfind('<'), a.rfind('>')) {
                    (Some(i), Some(j)) if i < j => a[i + 1..j].to_string(),
                    _ => a.to_string(),
                }
            })
            .filter(|a| !a.is_empty())
            .collect();
    let mut choice = 0;
    match s
        .store
        .send_verdict(session.candidate, &recipients, d.topics.as_slice(), s.now)
    {
        Ok(Verdict::Allowed) => intro.push("✓ their wishes allow it".into()),
        Ok(Verdict::Confirm(conflicts)) => {
            for c in conflicts {
                intro.push(format!("⚠ asks for a reason: {c}"));
            }
        }
        Ok(Verdict::Refused(r)) => {
            intro.push(format!("✗ will be refused: {r}"));
            choice = 2;
        }
        Err(e) => intro.push(format!("? cannot check their wishes: {e}")),
    }
    if d.subject.trim().is_empty() {
        intro.push("⚠ no subject".into());
        choice = choice.max(1);
    }
    let own: Vec<&str> = d
        .body
        .lines()
        .filter(|l| !(l.starts_with('>') || (l.starts_with("On ") && l.ends_with("wrote:"))))
        .filter(|l| !l.trim().is_empty())
        .collect();
    if own.is_empty() {
        intro.push("⚠ the message has no text of your own".into());
        choice = choice.max(1);
    }
    intro.push(String::new());
    intro.extend(own.iter().take(4).map(|l| format!("│ {l}")));
    if own.len() > 4 {
        intro.push(format!("│ … {} more lines", own.len() - 4));
    }
    let mut form = Form::new(
        "Review before sending",
        Purpose::Review,
        vec![Field::choice(
            "Then",
            REVIEW_CHOICES.iter().map(|c| c.to_string()).collect(),
            choice,
        )],
    );
    form.intro = intro;
    s.mode = Mode::Form(form);
}

/// Builds the draft and asks the runner to check and queue it; conflicts come back as a
/// confirmation asking for a reason (see [`answered`]).
pub fn send<D: Reads>(s: &mut State<D>, confirm: Option<Confirmation>) -> Vec<Command> {
    let Some(mut session) = s.compose.take() else {
        return Vec::new();
    };
    let Some(identity) = s.identity.clone() else {
        s.notice = Some("not sent: no sending identity is configured (see config.example.toml); the draft is kept".into());
        return Vec::new();
    };
    let built = match session.pending.take() {
        Some(b) => b,
        None => {
            let limit = Limit {
                bytes: s.max_message_size,
                source: "[smtp] max_message_size".into(),
            };
            match queue::build(&identity, &session.draft, &limit) {
                Ok(b) => b,
                Err(e) => {
                    s.notice = Some(format!("not sent: {e}; the draft is kept"));
                    return Vec::new();
                }
            }
        }
    };
    let write = Write::Queue {
        candidate: session.candidate,
        draft: session.draft_id,
        sender: Box::new(identity),
        message: Box::new(built),
        opened_at: s
            .opened
            .filter(|(c, _)| *c == session.candidate)
            .map(|(_, at)| at),
        confirm,
    };
    s.compose = Some(session);
    vec![Command::Write(write)]
}

/// The runner's answer to a draft or a send: the editor opens on the saved draft, the sent
/// message's conversation follows its progress, or a confirmation asks for a reason. `Err`
/// hands back what is not about composing.
pub fn answered<D: Reads>(
    s: &mut State<D>,
    write: &Write,
    outcome: Outcome,
) -> Result<Vec<Command>, Outcome> {
    match (write, outcome) {
        (Write::CreateDraft { .. }, Outcome::DraftCreated(id)) => {
            let Some(mut session) = s.compose.take() else {
                return Ok(Vec::new());
            };
            session.draft_id = id;
            Ok(open_editor(s, session))
        }
        (Write::Queue { candidate, .. }, Outcome::Queued) => {
            s.compose = None;
            // Whatever colleagues did before this send was seen and confirmed.
            s.opened = Some((*candidate, rapport_core::store::now()));
            s.notice = Some("queued: sending now (the conversation shows its progress)".into());
            crate::ui::update::reload_keeping(s, Some(*candidate));
            Ok(vec![Command::Deliver])
        }
        (Write::Queue { message, .. }, Outcome::NeedsConfirmation(conflicts)) => {
            let Some(mut session) = s.compose.take() else {
                return Ok(Vec::new());
            };
            let topics = message.topics.clone();
            session.pending = Some((**message).clone());
            let mut form = Form::new(
                "Send anyway?",
                Purpose::SendConfirm,
                vec![Field::text(
                    "Reason",
                    "",
                    "why this is right (recorded in their history)",
                )],
            );
            form.intro = conflicts.iter().map(|c| format!("⚠ {c}")).collect();
            if !topics.is_empty() {
                form.intro.push(format!("Topics: {topics}"));
            }
            form.intro
                .push("Enter sends with your reason; esc keeps the draft.".into());
            s.compose = Some(session);
            s.mode = Mode::Form(form);
            Ok(Vec::new())
        }
        (_, o) => Err(o),
    }
}
