//! Sharing content (#19): one individual message to each candidate who asked for its topic,
//! allows email and is due under the frequency they chose, and to nobody else; at a humane
//! pace, inside working hours, each message checked again against their wishes when it is
//! released into the outbox. Nothing here can override a candidate's wishes.
//!
//! Written once here: the CLI (and a TUI view) only turn arguments into these calls.

use super::queue::{self, Limit};
use crate::consent::policy::{self, Conflict, Facts, Refusal, Verdict};
use crate::error::{Error, Result};
use crate::mail_out::compose::{Draft, Sender};
use crate::mail_out::outbox::SendError;
use crate::mail_out::templates::{self, Template};
use crate::mail_out::topics::Topics;
use crate::model::Channel;
use crate::responses::hours::Schedule;
use crate::store::{InboxFilter, InboxRow, NewShare, ShareItem, ShareRow, Store};
use crate::timefmt::rfc3339;
use crate::values::OptOutScope;
use std::collections::{BTreeMap, HashSet};

/// How fast a share may go: at most this many messages an hour and a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub per_hour: u32,
    pub per_day: u32,
}

impl Default for Pace {
    /// Conservative: a recruiter's own rhythm, not a mailing list's.
    fn default() -> Pace {
        Pace {
            per_hour: 30,
            per_day: 200,
        }
    }
}

/// Why a candidate does not receive a share (the one wording, for preview, CLI and report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    Erased,
    OptedOut,
    TopicOptedOut(String),
    AskedToStop,
    ChannelNotAllowed,
    NotDue(i64),
    OnlyWhenTheyWrite,
    WaitingForReply,
    Snoozed(i64),
    NoMatchingInterest,
    NotInQuery,
    /// A colleague's recent contact or another conflict a recruiter would have to confirm.
    NeedsConfirmation(String),
}

impl Skip {
    /// Every kind, as [`Skip::kind`] writes them.
    pub const KINDS: [&'static str; 12] = [
        "erased",
        "opted out",
        "topic opted out",
        "asked to stop",
        "channel not allowed",
        "not due",
        "only when they write",
        "waiting for our reply",
        "snoozed",
        "no matching interest",
        "not in the query",
        "needs a recruiter",
    ];

    /// The reason's kind, for totals.
    pub fn kind(&self) -> &'static str {
        match self {
            Skip::Erased => "erased",
            Skip::OptedOut => "opted out",
            Skip::TopicOptedOut(_) => "topic opted out",
            Skip::AskedToStop => "asked to stop",
            Skip::ChannelNotAllowed => "channel not allowed",
            Skip::NotDue(_) => "not due",
            Skip::OnlyWhenTheyWrite => "only when they write",
            Skip::WaitingForReply => "waiting for our reply",
            Skip::Snoozed(_) => "snoozed",
            Skip::NoMatchingInterest => "no matching interest",
            Skip::NotInQuery => "not in the query",
            Skip::NeedsConfirmation(_) => "needs a recruiter",
        }
    }
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::TopicOptedOut(t) => write!(f, "topic opted out ({t})"),
            Skip::NotDue(t) => write!(f, "not due until {}", &rfc3339(*t)[..10]),
            Skip::Snoozed(t) => write!(f, "snoozed until {}", &rfc3339(*t)[..10]),
            Skip::NeedsConfirmation(c) => write!(f, "needs a recruiter ({c})"),
            other => f.write_str(other.kind()),
        }
    }
}

/// What to share.
#[derive(Debug, Clone)]
pub struct Spec {
    pub template: Template,
    pub subject: String,
    /// A candidate query (`core::query`); None: everyone whose interests overlap the tags.
    pub query: Option<String>,
    pub pace: Pace,
}

impl Spec {
    /// The share of the snippet `name` among `all`: subject (the snippet's name unless given),
    /// audience query and pace (the conservative default unless given). A snippet without
    /// tags cannot be shared: it would go to everyone.
    pub fn of_snippet(
        all: &[Template],
        name: &str,
        subject: Option<&str>,
        query: Option<&str>,
        per_hour: Option<u32>,
        per_day: Option<u32>,
    ) -> Result<Spec> {
        let t = queue::find_template(all, name).ok_or_else(|| {
            Error::NotFound(format!(
                "no snippet {name:?} (snippets: {})",
                all.iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        if t.tags.is_empty() {
            return Err(Error::Invalid(format!(
                "the snippet {name:?} has no tags: add a first line such as `tags: rust, remote` so that it goes only to those who asked for it"
            )));
        }
        let d = Pace::default();
        Ok(Spec {
            template: t.clone(),
            subject: subject
                .map(str::to_string)
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| t.name.clone()),
            query: query.map(str::to_string).filter(|q| !q.trim().is_empty()),
            pace: Pace {
                per_hour: per_hour.unwrap_or(d.per_hour).max(1),
                per_day: per_day.unwrap_or(d.per_day).max(1),
            },
        })
    }
}

/// A candidate as the preview lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub address: String,
}

/// Who will receive it, who will not and why, a sample, and when it would go.
#[derive(Debug, Clone)]
pub struct Preview {
    pub planned: Vec<Person>,
    pub skipped: Vec<(Person, Skip)>,
    /// The message to the first planned candidate, as it would be written.
    pub sample: Option<String>,
    /// When the first message can be released, and roughly the last one at this pace.
    pub first_release: Option<i64>,
    pub last_release: Option<i64>,
    /// Recipients whose time zone we know: they receive it in working hours where they are,
    /// the others in the team's.
    pub in_their_zone: usize,
    /// Addresses erased on request: never contacted, and not named (nothing is kept to name
    /// them by).
    pub erased: i64,
}

impl Preview {
    /// The line about those erased on request, when there are any.
    pub fn erased_note(&self) -> Option<String> {
        (self.erased > 0).then(|| {
            format!(
                "{} address(es) erased on request: never contacted, not listed",
                self.erased
            )
        })
    }

    /// The send window, in the one wording the front ends show.
    pub fn window(&self) -> String {
        match self.in_their_zone {
            0 => "in the team's working hours".into(),
            n if n == self.planned.len() => {
                "in working hours where each of them is (their time zone)".into()
            }
            n => format!(
                "in working hours where they are for the {n} whose time zone we know, the team's for the others"
            ),
        }
    }

    /// Skips counted by kind, the most common first.
    pub fn totals(&self) -> Vec<(&'static str, usize)> {
        let mut m: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (_, s) in &self.skipped {
            *m.entry(s.kind()).or_default() += 1;
        }
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

fn tags_of(t: &Template) -> Vec<String> {
    Topics::parse(&t.tags.join(",")).as_slice().to_vec()
}

/// The skip a refusal of the send policy means.
fn refused(r: Refusal) -> Skip {
    match r {
        Refusal::Erased { .. } => Skip::Erased,
        Refusal::OptedOut {
            scope: OptOutScope::Topic(t),
            ..
        } => Skip::TopicOptedOut(t),
        Refusal::OptedOut { .. } => Skip::OptedOut,
        Refusal::AskedToStop { .. } => Skip::AskedToStop,
    }
}

/// The skip the first conflict means: a share never confirms a conflict for anyone.
fn conflicted(cs: &[Conflict]) -> Skip {
    match cs.first() {
        Some(Conflict::ChannelNotAllowed { .. } | Conflict::Never) => Skip::ChannelNotAllowed,
        Some(Conflict::TooSoon { next, .. }) => Skip::NotDue(*next),
        Some(Conflict::WhenTheyWrite) => Skip::OnlyWhenTheyWrite,
        Some(other) => Skip::NeedsConfirmation(other.to_string()),
        None => Skip::NeedsConfirmation(String::new()),
    }
}

/// The kind of a stored reason (its text starts with the kind).
pub fn kind_of(reason: &str) -> &str {
    Skip::KINDS
        .iter()
        .filter(|k| reason.starts_with(**k))
        .max_by_key(|k| k.len())
        .copied()
        .unwrap_or(reason)
}

/// Whether the candidate may receive content tagged `tags` now, under their wishes (the
/// send policy) and the share's own rules; `by_interest` asks for an overlapping interest.
fn skip_of(
    facts: &Facts,
    row: &InboxRow,
    tags: &[String],
    by_interest: bool,
    now: i64,
) -> Option<Skip> {
    if row.suppressed {
        return Some(Skip::Erased);
    }
    let to = [row.address.clone()];
    match policy::decide(facts, &to, Channel::Email, tags, now) {
        Verdict::Refused(r) => return Some(refused(r)),
        Verdict::Confirm(cs) if !cs.is_empty() => return Some(conflicted(&cs)),
        _ => {}
    }
    if row.waiting_since.is_some() {
        return Some(Skip::WaitingForReply);
    }
    if let Some(until) = row.snoozed_until.filter(|u| *u > now) {
        return Some(Skip::Snoozed(until));
    }
    if by_interest {
        let theirs = facts
            .preferences
            .as_ref()
            .map(|p| p.interests.as_slice())
            .unwrap_or_default();
        if !theirs.iter().any(|i| tags.contains(i)) {
            return Some(Skip::NoMatchingInterest);
        }
    }
    None
}

/// The personalised text for one candidate: `{first_name}`, `{interests}` (theirs that the
/// content is about), `{recruiter}` and the other snippet placeholders.
fn body_for(
    store: &Store,
    spec_template: &Template,
    candidate: i64,
    name: &str,
    identity: &Sender,
) -> Result<String> {
    let tags = tags_of(spec_template);
    let theirs = store
        .preferences(candidate)?
        .map(|p| p.interests)
        .unwrap_or_default();
    let mut matching: Vec<String> = theirs.into_iter().filter(|i| tags.contains(i)).collect();
    if matching.is_empty() {
        matching = tags;
    }
    let mut t = spec_template.clone();
    t.body = t.body.replace(
        "{interests}",
        &crate::sanitize::sanitize_line(&matching.join(", ")),
    );
    let vars = queue::template_vars(name, Some(identity), &identity.recruiter_name);
    Ok(templates::render(&t, &vars))
}

fn person(r: &InboxRow) -> Person {
    Person {
        id: r.id,
        name: r.name.clone(),
        address: r.address.clone(),
    }
}

/// Who would receive `spec` now and who would not, and why; nothing is written.
pub fn preview(
    store: &Store,
    spec: &Spec,
    identity: &Sender,
    actor: &str,
    schedule: &Schedule,
    target: crate::responses::report::Target,
    now: i64,
) -> Result<Preview> {
    let tags = tags_of(&spec.template);
    let everyone = super::candidates::matching(store, InboxFilter::All, None)?;
    let in_query: Option<HashSet<i64>> =
        match spec.query.as_deref().filter(|q| !q.trim().is_empty()) {
            None => None,
            Some(q) => {
                let f = super::candidates::parse(q, actor, schedule, target, now)
                    .map_err(|e| Error::Invalid(format!("--query: {e}")))?;
                Some(
                    super::candidates::matching(store, InboxFilter::All, f)?
                        .into_iter()
                        .map(|r| r.id)
                        .collect(),
                )
            }
        };
    let mut p = Preview {
        planned: Vec::new(),
        skipped: Vec::new(),
        sample: None,
        first_release: None,
        last_release: None,
        in_their_zone: 0,
        erased: store.suppressed_addresses()?,
    };
    // Everyone's wishes in a few statements rather than a few for each person.
    let mut facts = store.all_contact_facts()?;
    for r in &everyone {
        let skip = match &in_query {
            Some(ids) if !ids.contains(&r.id) => Some(Skip::NotInQuery),
            _ => {
                let f = match facts.remove(&r.id) {
                    Some(f) => f,
                    None => store.contact_facts(r.id)?,
                };
                skip_of(&f, r, &tags, in_query.is_none(), now)
            }
        };
        match skip {
            None => p.planned.push(person(r)),
            Some(s) => p.skipped.push((person(r), s)),
        }
    }
    let zones = their_zones(store)?;
    p.in_their_zone = p
        .planned
        .iter()
        .filter(|c| zones.contains_key(&c.id))
        .count();
    if let Some(first) = p.planned.first() {
        p.sample = Some(format!(
            "To: {} <{}>\nSubject: {}\n\n{}",
            first.name,
            first.address,
            spec.subject,
            body_for(store, &spec.template, first.id, &first.name, identity)?
        ));
        let start = next_open(schedule, now);
        p.first_release = Some(start);
        p.last_release = Some(estimate_end(schedule, start, p.planned.len(), spec.pace));
    }
    Ok(p)
}

/// Records the share as previewed: its planned candidates and those skipped with the reason.
/// There is no way to add anyone the preview left out.
pub fn create(
    store: &mut Store,
    spec: &Spec,
    preview: &Preview,
    actor: &str,
    now: i64,
) -> Result<i64> {
    let tags = tags_of(&spec.template);
    let mut items: Vec<(i64, Option<String>)> =
        preview.planned.iter().map(|p| (p.id, None)).collect();
    items.extend(
        preview
            .skipped
            .iter()
            .map(|(p, s)| (p.id, Some(s.to_string()))),
    );
    let nonce = crate::web::token::new_nonce()?;
    Ok(store.create_share(
        &NewShare {
            template: &spec.template.name,
            subject: &spec.subject,
            body: &spec.template.body,
            tags: &tags,
            query: spec.query.as_deref().unwrap_or(""),
            per_hour: i64::from(spec.pace.per_hour),
            per_day: i64::from(spec.pace.per_day),
            nonce: &nonce,
            items: &items,
        },
        actor,
        now,
    )?)
}

/// Whether `at` is inside the working hours of `s`.
pub fn open_at(s: &Schedule, at: i64) -> bool {
    let Ok(ts) = jiff::Timestamp::from_second(at) else {
        return false;
    };
    let local = ts.to_zoned_datetime(s.tz.clone());
    let day = local.weekday().to_monday_zero_offset() as usize;
    let secs = i32::from(local.hour()) * 3600 + i32::from(local.minute()) * 60;
    s.working_days[day] && !s.holidays.contains(&local.date()) && secs >= s.open && secs < s.close
}

/// The first moment at or after `at` inside working hours (15-minute steps, two weeks ahead
/// at most).
pub fn next_open(s: &Schedule, at: i64) -> i64 {
    let mut t = at;
    for _ in 0..(14 * 96) {
        if open_at(s, t) {
            return t;
        }
        t = (t / 900 + 1) * 900;
    }
    at
}

fn estimate_end(s: &Schedule, start: i64, n: usize, pace: Pace) -> i64 {
    // Walk the hours: each open hour releases up to per_hour, each day up to per_day.
    let (mut left, mut t, mut today, mut day) = (n as i64, start, 0i64, start / 86_400);
    while left > 0 {
        t = next_open(s, t);
        if t / 86_400 != day {
            day = t / 86_400;
            today = 0;
        }
        let here = i64::from(pace.per_hour)
            .min(i64::from(pace.per_day) - today)
            .max(0)
            .min(left);
        left -= here;
        today += here;
        if left > 0 {
            t += 3600;
        }
    }
    t
}

/// What one release step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Released {
    pub queued: usize,
    pub skipped: usize,
    /// Still planned after this step.
    pub planned_left: usize,
    /// When to try again (outside the window or over the throttle); None when nothing is left
    /// or the share is not active.
    pub next_at: Option<i64>,
    pub state: String,
}

/// Releases the share's due messages into the outbox: inside working hours, under the
/// throttle, each checked against the candidate's wishes at this moment. A message released
/// before a crash is found again by its Message-ID, never queued twice.
pub fn release(
    store: &mut Store,
    share_id: i64,
    identity: &Sender,
    limit: &Limit,
    schedule: &Schedule,
    now: i64,
) -> Result<Released> {
    let share = store
        .share(share_id)?
        .ok_or_else(|| Error::NotFound(format!("there is no share {share_id}")))?;
    let items = store.share_items(share_id)?;
    let planned: Vec<&ShareItem> = items.iter().filter(|i| i.state == "planned").collect();
    let mut r = Released {
        planned_left: planned.len(),
        state: share.state.clone(),
        ..Released::default()
    };
    if share.state != "active" || planned.is_empty() {
        return Ok(r);
    }
    // Each candidate's send window: working hours in their own time zone when we know it,
    // else the team's. Those outside theirs wait for a later step.
    let zones = their_zones(store)?;
    let window = |c: i64| match zones.get(&c) {
        Some(tz) => Schedule {
            tz: tz.clone(),
            ..schedule.clone()
        },
        None => schedule.clone(),
    };
    let mut later: Option<i64> = None;
    let planned: Vec<&ShareItem> = planned
        .into_iter()
        .filter(|i| {
            let w = window(i.candidate_id);
            let open = open_at(&w, now);
            if !open {
                let at = next_open(&w, now);
                later = Some(later.map_or(at, |l| l.min(at)));
            }
            open
        })
        .collect();
    // Signed by the recruiter who created it, whoever's session releases it.
    let identity = &Sender {
        recruiter_name: share.created_by.clone(),
        ..identity.clone()
    };
    let template = Template {
        name: share.template.clone(),
        tags: share.tags.clone(),
        body: share.body.clone(),
    };
    let domain = identity
        .shared_address
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "localhost".into());
    let one = One {
        share: &share,
        template: &template,
        identity,
        limit,
        domain: &domain,
        now,
    };
    // A few hundred messages per transaction: far fewer commits, and a colleague's write
    // waits only a moment. The state and the throttle are read again inside each, under the
    // write lock, so a pause lands between two batches and two runners never both spend the
    // same hour's budget.
    for chunk in planned.chunks(BATCH) {
        let stop = store.batch(|store| -> Result<bool> {
            let state = store.share(share_id)?.map(|s| s.state).unwrap_or_default();
            if state != "active" {
                r.state = state;
                return Ok(true);
            }
            // Two shares running at once share one pace: it is the shared address's.
            let hour = share.per_hour - store.shares_released_since(now - 3600)?;
            let day = share.per_day - store.shares_released_since(now - 86_400)?;
            let mut budget = hour.min(day).max(0);
            for item in chunk {
                if budget == 0 {
                    return Ok(true);
                }
                match release_one(store, &one, item)? {
                    Outcome::Queued => {
                        budget -= 1;
                        r.queued += 1;
                    }
                    Outcome::Skipped => r.skipped += 1,
                }
            }
            Ok(false)
        })?;
        if stop {
            break;
        }
    }
    r.planned_left = store
        .share_items(share_id)?
        .iter()
        .filter(|i| i.state == "planned")
        .count();
    // Those in an open window that are still planned wait for the next hour's budget; the
    // rest for their window to open.
    let open_left = planned.len() - (r.queued + r.skipped);
    r.next_at = match (open_left > 0 && r.planned_left > 0, later) {
        (true, Some(l)) => Some(l.min((now / 3600 + 1) * 3600)),
        (true, None) => Some((now / 3600 + 1) * 3600),
        (false, l) if r.planned_left > 0 => l,
        _ => None,
    };
    Ok(r)
}

/// The time zones candidates told us, by candidate; a zone we cannot read is left out (the
/// team's hours apply).
fn their_zones(store: &Store) -> Result<std::collections::HashMap<i64, jiff::tz::TimeZone>> {
    Ok(store
        .timezones()?
        .into_iter()
        .filter_map(|(id, name)| Some((id, jiff::tz::TimeZone::get(&name).ok()?)))
        .collect())
}

/// Messages released per write transaction.
const BATCH: usize = 100;

/// What releasing one message needs besides the store.
struct One<'a> {
    share: &'a ShareRow,
    template: &'a Template,
    identity: &'a Sender,
    limit: &'a Limit,
    domain: &'a str,
    now: i64,
}

enum Outcome {
    Queued,
    Skipped,
}

/// Queues one candidate's message of a share, or settles it as skipped with the reason.
fn release_one(store: &mut Store, o: &One, item: &ShareItem) -> Result<Outcome> {
    let (share, now) = (o.share, o.now);
    let Some(row) = store.inbox_row_of(item.candidate_id)? else {
        store.settle_share_item(item.id, None, Some("erased"), now)?;
        return Ok(Outcome::Skipped);
    };
    let mid = format!("share{}.{}.{}@{}", share.id, row.id, share.nonce, o.domain);
    if let Some(ob) = store.outbox_id_of(&mid)? {
        // Queued before a crash, or by another runner: settle it, do not queue it again.
        store.settle_share_item(item.id, Some(ob), None, now)?;
        return Ok(Outcome::Queued);
    }
    let facts = store.contact_facts(row.id)?;
    if let Some(skip) = skip_of(&facts, &row, &share.tags, false, now) {
        store.settle_share_item(item.id, None, Some(&skip.to_string()), now)?;
        return Ok(Outcome::Skipped);
    }
    let draft = Draft {
        to: row.address.clone(),
        subject: share.subject.clone(),
        body: body_for(store, o.template, row.id, &row.name, o.identity)?,
        topics: Topics::parse(&share.tags.join(",")),
        ..Draft::default()
    };
    let mut built =
        queue::build(o.identity, &draft, o.limit).map_err(|e| Error::Invalid(e.to_string()))?;
    built.message_id = mid;
    let req = queue::Request {
        candidate: Some(row.id),
        identity: o.identity,
        message: &built,
        actor: &share.created_by,
        opened_at: None,
        confirm: None,
    };
    let skip = match queue::queue(store, &req, now) {
        Ok(ob) => {
            store.settle_share_item(item.id, Some(ob), None, now)?;
            return Ok(Outcome::Queued);
        }
        Err(SendError::Refused(why)) => refused(why),
        Err(SendError::NeedsConfirmation(cs)) => conflicted(&cs),
        Err(SendError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(Error::Invalid(e.to_string())),
    };
    store.settle_share_item(item.id, None, Some(&skip.to_string()), now)?;
    Ok(Outcome::Skipped)
}

/// Releases what is due of every active share (see [`release`]): what a long-running
/// front end (the TUI's outbox worker, `rapport share run`) calls on each pass.
pub fn release_due(
    store: &mut Store,
    identity: &Sender,
    limit: &Limit,
    schedule: &Schedule,
    now: i64,
) -> Result<Vec<(i64, Released)>> {
    let mut out = Vec::new();
    for id in store.shares_to_release()? {
        out.push((id, release(store, id, identity, limit, schedule, now)?));
    }
    Ok(out)
}

/// What the outbox worker runs before each pass so that shares go out while any rapport
/// that delivers (an open inbox, `rapport sync --watch`) runs: [`release_due`] with the
/// session's identity, size limit and working hours. None when this session cannot send.
pub fn releaser(
    session: &crate::actions::session::Session,
    store: &Store,
) -> Option<crate::mail_out::delivery::BeforePass> {
    let identity = session.identity(store).ok()?;
    let limit = Limit {
        bytes: session.max_message_size(),
        source: session.size_source(),
    };
    let schedule = crate::responses::report::settings(session.config(), store).0;
    Some(Box::new(move |store: &mut Store| {
        release_due(store, &identity, &limit, &schedule, crate::store::now())
            .map(|_| ())
            .map_err(|e| format!("releasing a share: {e}"))
    }))
}

/// Pauses a share: nothing more is released until it is resumed.
pub fn pause(store: &mut Store, id: i64, actor: &str) -> Result<()> {
    store.set_share_state(id, "paused", actor)?;
    Ok(())
}

pub fn resume(store: &mut Store, id: i64, actor: &str) -> Result<()> {
    store.set_share_state(id, "active", actor)?;
    Ok(())
}

/// Cancels a share: its planned messages and those still queued are cancelled. Returns how
/// many were stopped.
pub fn cancel(store: &mut Store, id: i64, actor: &str) -> Result<usize> {
    Ok(store.set_share_state(id, "cancelled", actor)?)
}

/// A share's progress and, afterwards, what followed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub share: ShareRow,
    pub planned: usize,
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
    /// Cut off while the server was taking it: may have been sent; never sent again by
    /// itself (`rapport outbox mark-sent` or `retry` decides).
    pub unknown: usize,
    pub skipped: usize,
    pub cancelled: usize,
    /// Skips by reason kind.
    pub skipped_by: BTreeMap<String, usize>,
    /// Candidates who wrote to us within 14 days of their message.
    pub replies: usize,
    pub reply_rate: f64,
    /// Opt-outs and preference changes they made within 14 days of their message.
    pub opt_outs: usize,
    pub preference_changes: usize,
    /// Per interest tag: (delivered, replies).
    pub by_interest: BTreeMap<String, (usize, usize)>,
}

/// The follow-up window of the report.
pub const FOLLOW_UP_SECS: i64 = 14 * 86_400;

pub fn report(store: &Store, id: i64) -> Result<Report> {
    let share = store
        .share(id)?
        .ok_or_else(|| Error::NotFound(format!("there is no share {id}")))?;
    let items = store.share_items(id)?;
    let mut r = Report {
        share: share.clone(),
        planned: 0,
        queued: 0,
        sent: 0,
        failed: 0,
        unknown: 0,
        skipped: 0,
        cancelled: 0,
        skipped_by: BTreeMap::new(),
        replies: 0,
        reply_rate: 0.0,
        opt_outs: 0,
        preference_changes: 0,
        by_interest: BTreeMap::new(),
    };
    for i in &items {
        match (i.state.as_str(), i.outbox_state.as_deref()) {
            ("planned", _) => r.planned += 1,
            ("skipped", _) => {
                r.skipped += 1;
                let kind = kind_of(&i.reason).to_string();
                *r.skipped_by.entry(kind).or_default() += 1;
            }
            ("cancelled", _) | (_, Some("cancelled")) => r.cancelled += 1,
            (_, Some("sent")) => r.sent += 1,
            (_, Some("failed")) => r.failed += 1,
            (_, Some("unknown")) => r.unknown += 1,
            _ => r.queued += 1,
        }
        if let (Some(at), Some("sent")) = (i.released_at, i.outbox_state.as_deref()) {
            let mid = i.message_id.as_deref().unwrap_or("");
            let f = store.share_follow_up(i.candidate_id, mid, at, at + FOLLOW_UP_SECS)?;
            r.replies += usize::from(f.replied);
            r.opt_outs += f.opt_outs;
            r.preference_changes += f.preference_changes;
            let theirs = store
                .preferences(i.candidate_id)?
                .map(|p| p.interests)
                .unwrap_or_default();
            for t in share.tags.iter().filter(|t| theirs.contains(t)) {
                let e = r.by_interest.entry(t.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(f.replied);
            }
        }
    }
    if r.sent > 0 {
        r.reply_rate = r.replies as f64 / r.sent as f64;
    }
    Ok(r)
}
