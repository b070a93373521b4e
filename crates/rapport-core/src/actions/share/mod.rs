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

mod release;
mod report;
mod skip;
mod window;

pub use release::{Released, release, release_due, releaser};
pub use report::{FOLLOW_UP_SECS, Report, report};
pub use skip::kind_of;
use skip::{body_for, conflicted, person, refused, skip_of, tags_of};
use window::{estimate, their_zones, windows};
pub use window::{next_open, open_at};

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
    }
    let groups = windows(schedule, &zones, p.planned.iter().map(|c| c.id));
    if let Some((first, last)) = estimate(&groups, now, spec.pace) {
        p.first_release = Some(first);
        p.last_release = Some(last);
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
