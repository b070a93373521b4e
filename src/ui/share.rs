//! The Share view (#19): the shares with their progress, one share's progress and report,
//! and a new share: pick a tagged snippet, say subject, audience query and pace, read the
//! preview (computed off the UI thread: it reads every candidate), confirm by typing the
//! number of recipients. Its state, and what its keys do; drawn by `render_share`. The rules
//! are `core::actions::share`'s: this module only turns keys into its calls.

use crate::ui::action::Bound;
use crate::ui::form::{Field, Form, Purpose};
use crate::ui::reads::Reads;
use crate::ui::state::{Command, Mode, State};
use crate::ui::write::{Outcome, Write};
use rapport_core::actions::share::{self, Preview, Report, Spec};
use rapport_core::mail_out::compose::Sender;
use rapport_core::responses::hours::Schedule;
use rapport_core::responses::report::Target;
use rapport_core::store::Store;

/// A share as previewed: what would be sent, and to whom (the core's own values).
#[derive(Debug, Clone)]
pub struct Planned {
    pub spec: Spec,
    pub preview: Preview,
}

fn same_spec(a: &Spec, b: &Spec) -> bool {
    a.template == b.template && a.subject == b.subject && a.query == b.query && a.pace == b.pace
}

impl PartialEq for Planned {
    fn eq(&self, o: &Planned) -> bool {
        let (a, b) = (&self.preview, &o.preview);
        same_spec(&self.spec, &o.spec)
            && a.planned == b.planned
            && a.skipped == b.skipped
            && a.sample == b.sample
            && a.first_release == b.first_release
            && a.last_release == b.last_release
            && a.in_their_zone == b.in_their_zone
            && a.erased == b.erased
    }
}
impl Eq for Planned {}

/// A preview to compute off the UI thread.
#[derive(Debug, Clone)]
pub struct Job {
    pub spec: Spec,
    pub now: i64,
}

impl PartialEq for Job {
    fn eq(&self, o: &Job) -> bool {
        same_spec(&self.spec, &o.spec) && self.now == o.now
    }
}
impl Eq for Job {}

/// What a preview needs besides the share: who sends, who acts, the team's hours and target
/// (the query language's `due:` and `waiting:` read them).
#[derive(Debug, Clone)]
pub struct PreviewContext {
    pub identity: Option<Sender>,
    pub actor: String,
    pub schedule: Schedule,
    pub target: Target,
}

impl PreviewContext {
    pub fn of<D: Reads>(s: &State<D>) -> PreviewContext {
        PreviewContext {
            identity: s.identity.clone(),
            actor: s.actor.clone(),
            schedule: s.schedule.clone(),
            target: s.target,
        }
    }
}

/// Computes the preview (the runner calls this on a thread with a connection of its own).
pub fn run_preview(store: &Store, job: &Job, ctx: &PreviewContext) -> Result<Box<Planned>, String> {
    let identity = ctx
        .identity
        .as_ref()
        .ok_or("this data dir cannot send (no sender configured): nothing can be shared")?;
    let preview = share::preview(
        store,
        &job.spec,
        identity,
        &ctx.actor,
        &ctx.schedule,
        ctx.target,
        job.now,
    )
    .map_err(|e| e.to_string())?;
    Ok(Box::new(Planned {
        spec: job.spec.clone(),
        preview,
    }))
}

/// What the view shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// Every share with its progress.
    List,
    /// One share's progress and report.
    Detail {
        id: i64,
        report: Option<Box<Report>>,
        scroll: u16,
    },
    /// The preview of a new share is being computed.
    Computing { subject: String },
    /// Who receives it, who does not and why, the sample and the schedule; Enter asks for the
    /// number of recipients.
    Preview {
        planned: Box<Planned>,
        scroll: usize,
    },
}

/// How often an open Shares view reads the progress again when another connection (the
/// outbox worker) writes: a share's report reads every item.
const REREAD: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Clone, PartialEq)]
pub struct SharesView {
    pub screen: Screen,
    /// Every share's progress, newest first.
    pub list: Vec<Report>,
    pub selected: usize,
    pub loaded_at: i64,
    /// When the progress was last read (for [`REREAD`]).
    pub read_at: Option<std::time::Instant>,
}

impl SharesView {
    fn new() -> SharesView {
        SharesView {
            screen: Screen::List,
            list: Vec::new(),
            selected: 0,
            loaded_at: 0,
            read_at: None,
        }
    }
}

/// Opens the view on the list of shares.
pub fn open<D: Reads>(s: &mut State<D>) {
    s.reports = None;
    s.shares = Some(Box::new(SharesView::new()));
    load(s);
}

/// Reads the list, and the open share's report.
pub fn load<D: Reads>(s: &mut State<D>) {
    let Some(v) = s.shares.as_deref() else {
        return;
    };
    let detail = match &v.screen {
        Screen::Detail { id, .. } => Some(*id),
        Screen::List => None,
        // The preview is not read again: it is what the recruiter confirms.
        Screen::Computing { .. } | Screen::Preview { .. } => return,
    };
    let mut list = Vec::new();
    let mut error = None;
    match s.store.shares() {
        Ok(rows) => {
            for r in rows {
                match s.store.share_report(r.id) {
                    Ok(rep) => list.push(rep),
                    Err(e) => error = Some(e.to_string()),
                }
            }
        }
        Err(e) => error = Some(e.to_string()),
    }
    let report = detail.and_then(|id| list.iter().find(|r| r.share.id == id).cloned());
    let now = s.now;
    let v = s.shares.as_deref_mut().expect("checked above");
    v.selected = v.selected.min(list.len().saturating_sub(1));
    v.list = list;
    v.loaded_at = now;
    v.read_at = Some(std::time::Instant::now());
    if let Screen::Detail { report: r, .. } = &mut v.screen {
        *r = report.map(Box::new);
    }
    if let Some(e) = error {
        s.notice = Some(format!("error: cannot read the shares: {e}"));
    }
}

/// The tick: the progress is read again.
pub fn tick<D: Reads>(s: &mut State<D>) {
    if s.shares.is_some() {
        load(s);
    }
}

/// Another connection wrote (the outbox worker releasing or sending a share's messages): the
/// progress is read again, at most every [`REREAD`].
pub fn changed<D: Reads>(s: &mut State<D>) {
    let due = s
        .shares
        .as_deref()
        .is_some_and(|v| v.read_at.is_none_or(|t| t.elapsed() >= REREAD));
    if due {
        load(s);
    }
}

fn selected_report<D: Reads>(s: &State<D>) -> Option<&Report> {
    let v = s.shares.as_deref()?;
    match &v.screen {
        Screen::Detail { report, .. } => report.as_deref(),
        Screen::List => v.list.get(v.selected),
        _ => None,
    }
}

/// A key in the Shares context. Returns commands for the runner.
pub fn key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    match b {
        Bound::Quit => return vec![Command::Quit],
        Bound::Help => {
            s.mode = Mode::Help { scroll: 0 };
            return Vec::new();
        }
        _ => {}
    }
    // The lines a screen shows between the title, the status line and the borders.
    let page = s.height.saturating_sub(4).max(1) as usize;
    let Some(v) = s.shares.as_deref_mut() else {
        return Vec::new();
    };
    match &mut v.screen {
        Screen::List => {
            let last = v.list.len().saturating_sub(1);
            match b {
                Bound::Back | Bound::Shares => s.shares = None,
                Bound::Next => v.selected = (v.selected + 1).min(last),
                Bound::Prev => v.selected = v.selected.saturating_sub(1),
                Bound::PageDown => v.selected = (v.selected + page / 2).min(last),
                Bound::PageUp => v.selected = v.selected.saturating_sub(page / 2),
                Bound::Top => v.selected = 0,
                Bound::Bottom => v.selected = last,
                Bound::Open => {
                    if let Some(id) = v.list.get(v.selected).map(|r| r.share.id) {
                        v.screen = Screen::Detail {
                            id,
                            report: None,
                            scroll: 0,
                        };
                        load(s);
                    }
                }
                Bound::NewShare => new_share(s),
                Bound::PauseShare => return pause_or_resume(s),
                Bound::CancelShare => ask_cancel(s),
                _ => {}
            }
        }
        Screen::Detail { scroll, .. } => match b {
            Bound::Back | Bound::Shares => {
                v.screen = Screen::List;
                load(s);
            }
            Bound::Next => *scroll = scroll.saturating_add(1),
            Bound::Prev => *scroll = scroll.saturating_sub(1),
            Bound::PageDown => *scroll = scroll.saturating_add(page as u16),
            Bound::PageUp => *scroll = scroll.saturating_sub(page as u16),
            Bound::Top => *scroll = 0,
            Bound::NewShare => new_share(s),
            Bound::PauseShare => return pause_or_resume(s),
            Bound::CancelShare => ask_cancel(s),
            _ => {}
        },
        Screen::Computing { .. } => {
            if matches!(b, Bound::Back | Bound::Shares) {
                // Its answer is dropped when it comes.
                v.screen = Screen::List;
                s.notice = Some("preview abandoned: nothing was created".into());
                load(s);
            }
        }
        Screen::Preview { planned, scroll } => {
            let max = preview_len(planned, s.width).saturating_sub(page);
            match b {
                Bound::Back | Bound::Shares => {
                    v.screen = Screen::List;
                    s.notice = Some("not confirmed: nothing was created".into());
                    load(s);
                }
                Bound::Next => *scroll = (*scroll + 1).min(max),
                Bound::Prev => *scroll = scroll.saturating_sub(1),
                Bound::PageDown => *scroll = (*scroll + page).min(max),
                Bound::PageUp => *scroll = scroll.saturating_sub(page),
                Bound::Top => *scroll = 0,
                Bound::Bottom => *scroll = max,
                Bound::Open => {
                    let n = planned.preview.planned.len();
                    if n == 0 {
                        s.notice = Some("nobody would receive it: nothing can be created".into());
                    } else {
                        ask_confirm(s, n);
                    }
                }
                _ => {}
            }
        }
    }
    Vec::new()
}

/// `n`: the snippet picker, tagged snippets first; an untagged one says why it cannot be
/// shared when chosen.
fn new_share<D: Reads>(s: &mut State<D>) {
    if s.identity.is_none() {
        s.notice =
            Some("this data dir cannot send (no sender configured): nothing can be shared".into());
        return;
    }
    if s.templates.is_empty() {
        s.notice = Some(
            "no snippets: a share starts from a snippet with tags (a first line such as `tags: rust, remote`) in the templates folder".into(),
        );
        return;
    }
    let mut ts: Vec<&rapport_core::mail_out::templates::Template> = s.templates.iter().collect();
    ts.sort_by_key(|t| t.tags.is_empty());
    let names: Vec<String> = ts.iter().map(|t| t.name.clone()).collect();
    let options: Vec<String> = ts
        .iter()
        .map(|t| {
            if t.tags.is_empty() {
                format!("{} (no tags: cannot be shared)", t.name)
            } else {
                format!("{} [{}]", t.name, t.tags.join(", "))
            }
        })
        .collect();
    let mut form = Form::new(
        "Share a snippet",
        Purpose::SharePick { names },
        vec![Field::choice("Snippet", options, 0)],
    );
    form.intro.push(
        "It goes, one message each, only to those whose interests match its tags and whose wishes allow it now."
            .into(),
    );
    s.mode = Mode::Form(form);
}

fn pause_or_resume<D: Reads>(s: &mut State<D>) -> Vec<Command> {
    let Some(r) = selected_report(s) else {
        return Vec::new();
    };
    let (id, state) = (r.share.id, r.share.state.clone());
    match state.as_str() {
        "active" => vec![Command::Write(Write::PauseShare { id })],
        "paused" => vec![Command::Write(Write::ResumeShare { id })],
        other => {
            s.notice = Some(format!("share {id} is {other}: nothing to pause or resume"));
            Vec::new()
        }
    }
}

fn ask_cancel<D: Reads>(s: &mut State<D>) {
    let Some(r) = selected_report(s) else {
        return;
    };
    let id = r.share.id;
    if !matches!(r.share.state.as_str(), "active" | "paused") {
        s.notice = Some(format!(
            "share {id} is {}: nothing to cancel",
            r.share.state
        ));
        return;
    }
    let mut form = Form::new(
        &format!("Cancel share {id}?"),
        Purpose::ShareCancel { id },
        Vec::new(),
    );
    form.intro.push(format!(
        "“{}”: its {} planned and {} queued message(s) will not be sent; the {} already sent stay sent.",
        rapport_core::sanitize::sanitize_line(&r.share.subject),
        r.planned,
        r.queued,
        r.sent
    ));
    s.mode = Mode::Form(form);
}

fn ask_confirm<D: Reads>(s: &mut State<D>, n: usize) {
    let mut form = Form::new(
        "Create the share?",
        Purpose::ShareConfirm { recipients: n },
        vec![Field::text("Recipients", "", "")],
    );
    form.intro.push(format!(
        "Type {n} to send it to {n} candidate(s), at its pace, in working hours; anything else: nothing is created."
    ));
    s.mode = Mode::Form(form);
}

/// Keys in the Share view's forms: the snippet picker, the share's form, the confirmation by
/// the number and the y/n of a cancellation.
pub fn form_key<D: Reads>(s: &mut State<D>, b: Bound) -> Vec<Command> {
    let Mode::Form(f) = &mut s.mode else {
        return Vec::new();
    };
    if b == Bound::Quit {
        return vec![Command::Quit];
    }
    let purpose = f.purpose.clone();
    match (purpose, b) {
        (Purpose::SharePick { .. }, Bound::NextOption | Bound::NextField | Bound::Toggle) => {
            f.step(true)
        }
        (Purpose::SharePick { .. }, Bound::PrevOption | Bound::PrevField) => f.step(false),
        (Purpose::ShareSpec { .. }, Bound::NextField | Bound::NextOption) => f.next_field(),
        (Purpose::ShareSpec { .. }, Bound::PrevField | Bound::PrevOption) => f.prev_field(),
        (Purpose::ShareSpec { .. }, Bound::Toggle) => f.toggle(),
        (Purpose::ShareConfirm { .. }, Bound::Cancel | Bound::Back) => {
            s.mode = Mode::Normal;
            s.notice = Some("not confirmed: nothing was created".into());
        }
        (Purpose::ShareCancel { id }, Bound::Cancel | Bound::Back) => {
            s.mode = Mode::Normal;
            s.notice = Some(format!("share {id} goes on"));
        }
        (_, Bound::Cancel | Bound::Back) => s.mode = Mode::Normal,
        (Purpose::SharePick { names }, Bound::Submit) => {
            let name = names.get(f.choice("Snippet")).cloned().unwrap_or_default();
            match Spec::of_snippet(&s.templates, &name, None, None, None, None) {
                Ok(spec) => s.mode = Mode::Form(spec_form(&spec)),
                Err(e) => f.error = Some(e.to_string()),
            }
        }
        (Purpose::ShareSpec { template }, Bound::Submit) => {
            let form = f.clone();
            match spec_of(s, &template, &form) {
                Ok(spec) => {
                    s.mode = Mode::Normal;
                    if let Some(v) = s.shares.as_deref_mut() {
                        v.screen = Screen::Computing {
                            subject: spec.subject.clone(),
                        };
                    }
                    return vec![Command::SharePreview(Box::new(Job { spec, now: s.now }))];
                }
                Err(e) => {
                    if let Mode::Form(f) = &mut s.mode {
                        f.error = Some(e);
                    }
                }
            }
        }
        (Purpose::ShareConfirm { recipients }, Bound::Submit) => {
            let typed = f.text("Recipients");
            s.mode = Mode::Normal;
            let planned = match s.shares.as_deref().map(|v| &v.screen) {
                Some(Screen::Preview { planned, .. }) => planned.clone(),
                _ => return Vec::new(),
            };
            if typed != recipients.to_string() {
                s.notice = Some(format!(
                    "not confirmed (typed {:?}, not {recipients}): nothing was created",
                    typed
                ));
                return Vec::new();
            }
            s.slow_write = true;
            s.notice = Some("creating the share…".into());
            return vec![Command::Write(Write::CreateShare(planned))];
        }
        (Purpose::ShareCancel { id }, Bound::Submit) => {
            s.mode = Mode::Normal;
            return vec![Command::Write(Write::CancelShare { id })];
        }
        _ => {}
    }
    Vec::new()
}

/// The share's form: subject, audience query, pace.
fn spec_form(spec: &Spec) -> Form {
    let t = &spec.template;
    let mut form = Form::new(
        &format!("Share “{}”", t.name),
        Purpose::ShareSpec {
            template: t.name.clone(),
        },
        vec![
            Field::text("Subject", &spec.subject, ""),
            Field::text(
                "Query",
                "",
                &format!("default: interested in {}", t.tags.join(" or ")),
            ),
            Field::text("Per hour", &spec.pace.per_hour.to_string(), ""),
            Field::text("Per day", &spec.pace.per_day.to_string(), ""),
        ],
    );
    form.intro.push(
        "Query: who it is for, in the search language (e.g. interest:rust lang:de); nobody's wishes can be overridden. Enter previews it: nothing is sent yet."
            .into(),
    );
    form
}

/// The form as the core's share: the query must read (the error names the term, as `/`
/// says), the pace is whole numbers.
fn spec_of<D: Reads>(s: &State<D>, template: &str, form: &Form) -> Result<Spec, String> {
    let query = form.text("Query");
    if !query.is_empty() {
        rapport_core::actions::candidates::parse(&query, &s.actor, &s.schedule, s.target, s.now)
            .map_err(|e| format!("query: {e}"))?;
    }
    let number = |label: &str| -> Result<u32, String> {
        let t = form.text(label);
        match t.parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "{}: a whole number of messages, at least 1 (not {t:?})",
                label.to_lowercase()
            )),
        }
    };
    let (per_hour, per_day) = (number("Per hour")?, number("Per day")?);
    Spec::of_snippet(
        &s.templates,
        template,
        Some(&form.text("Subject")),
        Some(&query),
        Some(per_hour),
        Some(per_day),
    )
    .map_err(|e| e.to_string())
}

/// The preview's answer: shown, unless the recruiter went back meanwhile.
pub fn previewed<D: Reads>(s: &mut State<D>, answer: Result<Box<Planned>, String>) {
    let Some(v) = s.shares.as_deref_mut() else {
        return;
    };
    if !matches!(v.screen, Screen::Computing { .. }) {
        return;
    }
    match answer {
        Ok(planned) => v.screen = Screen::Preview { planned, scroll: 0 },
        Err(e) => {
            v.screen = Screen::List;
            s.notice = Some(format!("no preview: {e}"));
            load(s);
        }
    }
}

/// The answer of a share's write: the status line and the view read again. `Err` hands
/// every other write back.
pub fn answered<D: Reads>(
    s: &mut State<D>,
    write: &Write,
    outcome: Outcome,
) -> Result<Vec<Command>, Outcome> {
    let mut then = Vec::new();
    let said = match (write, outcome) {
        (Write::CreateShare(p), Outcome::ShareCreated(id)) => {
            if s.shares.is_none() {
                s.shares = Some(Box::new(SharesView::new()));
            }
            if let Some(v) = s.shares.as_deref_mut() {
                v.screen = Screen::Detail {
                    id,
                    report: None,
                    scroll: 0,
                };
            }
            // The outbox worker releases it at its pace.
            then.push(Command::Deliver);
            format!(
                "share {id} created: {} planned, released at {} an hour, {} a day, in working hours",
                p.preview.planned.len(),
                p.spec.pace.per_hour,
                p.spec.pace.per_day
            )
        }
        (Write::PauseShare { id }, _) => {
            format!("share {id} paused: nothing more goes out until it is resumed")
        }
        (Write::ResumeShare { id }, _) => {
            then.push(Command::Deliver);
            format!("share {id} resumed: it goes on at its pace")
        }
        (Write::CancelShare { id }, Outcome::ShareCancelled(n)) => {
            format!("share {id} cancelled; {n} message(s) not sent")
        }
        (_, o) => return Err(o),
    };
    s.notice = Some(said);
    load(s);
    Ok(then)
}

/// How many lines the preview has at this width (for scrolling): its head, then everyone
/// left out and everyone who receives it, a line each.
pub fn preview_len(p: &Planned, width: u16) -> usize {
    use crate::ui::render_share::{WIDE, head_width, preview_head};
    let head = preview_head(p, head_width(width), &jiff::tz::TimeZone::UTC).len();
    if width >= WIDE {
        head.max(preview_people(p))
    } else {
        head + preview_people(p)
    }
}

/// The list's lines: headings and a line per candidate.
pub fn preview_people(p: &Planned) -> usize {
    p.preview.skipped.len() + p.preview.planned.len() + 4
}
