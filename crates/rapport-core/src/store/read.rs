//! Queries named for what they answer. Everything the inbox shows is indexed; nothing here
//! loads every message.

use super::write::RANK_AWAITING_BELOW;
use super::{Result, Store, typed};
use crate::model::{Attachment, Channel, ContactEntry, Direction, Outcome, Preferences};
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

/// Which candidates the inbox lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InboxFilter {
    /// Waiting for our reply, longest wait first.
    Awaiting,
    /// Everyone: awaiting first, then by latest activity.
    All,
    /// Candidates who opted out of email.
    OptedOut,
}

impl InboxFilter {
    pub fn label(self) -> &'static str {
        match self {
            InboxFilter::Awaiting => "Awaiting reply",
            InboxFilter::All => "All",
            InboxFilter::OptedOut => "Opted out",
        }
    }
    pub fn next(self) -> InboxFilter {
        match self {
            InboxFilter::Awaiting => InboxFilter::All,
            InboxFilter::All => InboxFilter::OptedOut,
            InboxFilter::OptedOut => InboxFilter::Awaiting,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxQuery {
    pub filter: InboxFilter,
    /// A query (`core::query`): words narrow to candidates with matching mail, name or
    /// address, fields by what we know of them.
    pub search: Option<crate::query::Filter>,
    /// Whose candidates: everyone's, mine, or nobody's.
    pub assignee: super::AssigneeFilter,
    /// Listed whatever the filter says: the candidate a recruiter is reading stays in their
    /// list when a colleague's change takes them out of the view.
    pub keep: Option<i64>,
}

/// One line of the candidate inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InboxRow {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub snippet: String,
    /// When their wait began, while they wait for our reply now (`waiting_now`): `None` when
    /// answered, marked done, opted out of all contact or snoozed.
    pub waiting_since: Option<i64>,
    pub last_activity: Option<i64>,
    pub last_direction: Option<Direction>,
    pub message_count: i64,
    pub opted_out: bool,
    /// See `candidates.next_contact`: None any time, >0 a time, -1 when they write, -2 never.
    pub next_contact: Option<i64>,
    /// Mail came from an address erased on request earlier.
    pub suppressed: bool,
    /// A message of theirs reads as a request to stop contact.
    pub optout_request: bool,
    /// The recruiter the candidate is assigned to.
    pub assigned_to: Option<String>,
    /// Snoozed until then (out of "awaiting reply" meanwhile).
    pub snoozed_until: Option<i64>,
    /// A snooze ended and they are still waiting for our reply.
    pub back_from_snooze: bool,
}

/// One email in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageView {
    pub id: i64,
    pub message_id: String,
    pub thread_id: i64,
    pub parent_message_id: Option<String>,
    pub direction: Direction,
    pub from_name: String,
    pub from_addr: String,
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub date: i64,
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub automated: bool,
    pub recruiter: Option<String>,
    /// For mail written in rapport: how its delivery is going.
    pub delivery: Option<super::Delivery>,
}

/// A logged contact with its row id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactView {
    pub id: i64,
    #[serde(flatten)]
    pub entry: ContactEntry,
}

/// The newest part of a candidate's history: emails and logged contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversation {
    pub candidate_id: i64,
    pub messages: Vec<MessageView>,
    pub contacts: Vec<ContactView>,
    /// Older messages exist beyond what was loaded.
    pub older_omitted: i64,
    /// Internal notes in the same span as `contacts`.
    pub notes: Vec<super::NoteView>,
    /// Waits marked done (no reply needed), in the same span.
    pub done: Vec<super::DoneView>,
}

/// An opt-out as shown on the profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptOutView {
    pub id: i64,
    pub scope: crate::values::OptOutScope,
    pub reason: String,
    pub source: crate::values::ChangeSource,
    pub recorded_by: String,
    pub at: i64,
    pub revoked_at: Option<i64>,
}

/// What we know about one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub addresses: Vec<String>,
    pub preferences: Option<Preferences>,
    pub opt_outs: Vec<OptOutView>,
    pub message_count: i64,
    pub last_inbound_at: Option<i64>,
    pub last_outbound_at: Option<i64>,
    /// Our last contact of any kind: an email we sent or a logged contact.
    pub last_contact_at: Option<i64>,
    /// As `InboxRow::waiting_since`: the same rule.
    pub waiting_since: Option<i64>,
    pub recent_contacts: Vec<ContactView>,
    /// See `InboxRow::next_contact`.
    pub next_contact: Option<i64>,
    pub suppressed: bool,
    /// A message of theirs that reads as a request to stop contact: (message id, request).
    pub optout_request: Option<(i64, super::StopRequest)>,
    /// Their answer to the question mail, waiting for a recruiter: (message id, proposal).
    pub answer_request: Option<(i64, crate::values::Proposal)>,
}

impl Profile {
    pub fn opted_out(&self) -> bool {
        self.opt_outs
            .iter()
            .any(|o| o.revoked_at.is_none() && o.scope.stops_email())
    }
}

/// A message matching a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub message_id: i64,
    pub candidate_id: Option<i64>,
    pub candidate: String,
    /// The candidate's first address (the sender's, for mail of no candidate).
    pub address: String,
    pub direction: Direction,
    pub subject: String,
    pub date: i64,
    /// The matching words in their context, marked `[…]`; may span lines (shown on one by the
    /// caller).
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderStatus {
    pub name: String,
    pub role: String,
    pub messages: i64,
    pub uidvalidity: Option<i64>,
    pub uidnext: Option<i64>,
    pub last_sync_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub database: String,
    pub schema_version: usize,
    pub messages: i64,
    pub candidates: i64,
    pub threads: i64,
    pub awaiting_reply: i64,
    pub opted_out: i64,
    pub folders: Vec<FolderStatus>,
    pub last_sync_at: Option<i64>,
}

/// Turns what a user typed into an FTS5 query: every word must match, as a prefix.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Who is waiting for our reply now: the one rule the inbox's "Awaiting reply", the Reports
/// view's and `rapport waiting`'s lists, the profile and `rapport status` all follow. SQL over
/// `candidates c`: they have an open wait (mail of theirs that nobody answered, marked done or
/// closed by their opt-out of all contact: see `responses::waits`), they were not merged into
/// someone else, and no snooze keeps them out for now. An erased person has no rows left.
///
/// `inbox_rank` is below `RANK_AWAITING_BELOW` exactly when `waiting_since` is set (see
/// `write::refresh_candidate`); the rank is what the inbox's index is ordered by.
pub(super) fn waiting_now() -> String {
    format!(
        "(c.merged_into IS NULL AND c.inbox_rank < {RANK_AWAITING_BELOW} AND NOT {})",
        super::teamwork::SNOOZED
    )
}

fn inbox_columns() -> String {
    format!(
        "c.id, c.name,
    (SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id ORDER BY first_seen, address LIMIT 1),
    c.last_snippet, CASE WHEN {WAITING} THEN c.waiting_since END, c.last_message_at, c.last_direction, c.message_count, c.opted_out,
    c.next_contact, c.suppressed, c.optout_request IS NOT NULL,
    (SELECT assignee FROM assignments x WHERE x.candidate_id = c.id),
    (SELECT until FROM snoozes z WHERE z.candidate_id = c.id AND {SNOOZED}),
    {BACK_FROM_SNOOZE}",
        WAITING = waiting_now(),
        SNOOZED = super::teamwork::SNOOZED,
        BACK_FROM_SNOOZE = super::teamwork::BACK_FROM_SNOOZE
    )
}

fn inbox_row(r: &Row) -> rusqlite::Result<InboxRow> {
    Ok(InboxRow {
        id: r.get(0)?,
        name: r.get(1)?,
        address: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        snippet: r.get(3)?,
        waiting_since: r.get(4)?,
        last_activity: r.get(5)?,
        last_direction: r.get::<_, Option<String>>(6)?.map(|d| Direction::parse(&d)),
        message_count: r.get(7)?,
        opted_out: r.get(8)?,
        next_contact: r.get(9)?,
        suppressed: r.get(10)?,
        optout_request: r.get(11)?,
        assigned_to: r.get(12)?,
        snoozed_until: r.get(13)?,
        back_from_snooze: r.get(14)?,
    })
}

/// WHERE clause and its parameters for an inbox query.
fn inbox_where(q: &InboxQuery) -> (String, Vec<Value>) {
    let mut p = super::filter::Params::new();
    let mut clauses = vec!["c.merged_into IS NULL".to_string()];
    clauses.push(match q.filter {
        InboxFilter::Awaiting => waiting_now(),
        InboxFilter::All => "1".to_string(),
        InboxFilter::OptedOut => "c.opted_out = 1".to_string(),
    });
    if let Some(f) = &q.search {
        clauses.push(format!("({})", super::filter::condition(f, &mut p)));
    }
    match &q.assignee {
        super::AssigneeFilter::Anyone => {}
        super::AssigneeFilter::Unassigned => clauses
            .push("NOT EXISTS (SELECT 1 FROM assignments x WHERE x.candidate_id = c.id)".into()),
        // A recruiter's name is data, so it goes in as a parameter.
        super::AssigneeFilter::Mine(me) => {
            let me = p.push(me.clone());
            clauses.push(format!(
                "EXISTS (SELECT 1 FROM assignments x WHERE x.candidate_id = c.id AND x.assignee = {me})"
            ));
        }
    }
    let mut w = clauses.join(" AND ");
    if let Some(k) = q.keep {
        // An id, not text: safe to write into the statement.
        w = format!("(({w}) OR (c.id = {k} AND c.merged_into IS NULL))");
    }
    (w, p.values)
}

impl Store {
    /// The ids a searched query finds, in inbox order, evaluated once while nothing changes
    /// (see `filter::Matches`).
    fn matching_ids(&self, q: &InboxQuery) -> Result<std::sync::Arc<Vec<i64>>> {
        let query = inbox_where(q);
        let state = (
            self.data_version()?,
            self.conn.total_changes(),
            crate::clock::now(),
        );
        if let Some(m) = self.matches.borrow().as_ref()
            && m.query == query
            && m.state == state
        {
            return Ok(m.ids.clone());
        }
        let sql = format!(
            "SELECT c.id FROM candidates c WHERE {} ORDER BY c.inbox_rank, c.id",
            query.0
        );
        let ids: Vec<i64> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(query.1.iter()), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let ids = std::sync::Arc::new(ids);
        *self.matches.borrow_mut() = Some(super::filter::Matches {
            query,
            state,
            ids: ids.clone(),
        });
        Ok(ids)
    }

    /// How many candidates the inbox lists for this query.
    pub fn inbox_count(&self, q: &InboxQuery) -> Result<usize> {
        if q.search.is_some() {
            return Ok(self.matching_ids(q)?.len());
        }
        let (w, args) = inbox_where(q);
        let sql = format!("SELECT count(*) FROM candidates c WHERE {w}");
        let n: i64 = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(n as usize)
    }

    /// One page of the inbox, in inbox order.
    /// One candidate's inbox row (None: unknown, merged away or erased).
    pub fn inbox_row_of(&self, candidate_id: i64) -> Result<Option<InboxRow>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM candidates c WHERE c.id = ?1 AND c.merged_into IS NULL",
                inbox_columns()
            ))?
            .query_row([candidate_id], inbox_row)
            .optional()?)
    }

    pub fn inbox_page(&self, q: &InboxQuery, offset: usize, limit: usize) -> Result<Vec<InboxRow>> {
        if q.search.is_some() {
            let ids = self.matching_ids(q)?;
            let mut st = self.conn.prepare_cached(&format!(
                "SELECT {} FROM candidates c WHERE c.id = ?1",
                inbox_columns()
            ))?;
            let mut rows = Vec::new();
            for id in ids.iter().skip(offset).take(limit) {
                rows.push(st.query_row([id], inbox_row)?);
            }
            return Ok(rows);
        }
        let (w, mut args) = inbox_where(q);
        let n = args.len();
        let sql = format!(
            "SELECT {} FROM candidates c WHERE {w}
             ORDER BY c.inbox_rank, c.id LIMIT ?{} OFFSET ?{}",
            inbox_columns(),
            n + 1,
            n + 2
        );
        args.push(Value::Integer(limit.min(i64::MAX as usize) as i64));
        args.push(Value::Integer(offset.min(i64::MAX as usize) as i64));
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args.iter()), inbox_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Where a candidate is in the list for this query (`None` when not listed).
    pub fn inbox_position(&self, q: &InboxQuery, candidate_id: i64) -> Result<Option<usize>> {
        if q.search.is_some() {
            return Ok(self
                .matching_ids(q)?
                .iter()
                .position(|&c| c == candidate_id));
        }
        let (w, mut args) = inbox_where(q);
        let n = args.len() + 1;
        let sql = format!(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM candidates c WHERE {w} AND c.id = ?{n})
               THEN (SELECT count(*) FROM candidates c WHERE {w} AND (c.inbox_rank, c.id) <
                     (SELECT inbox_rank, id FROM candidates WHERE id = ?{n})) END"
        );
        args.push(Value::Integer(candidate_id));
        let pos: Option<i64> = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        Ok(pos.map(|p| p as usize))
    }

    /// The candidate an address belongs to.
    pub fn candidate_by_address(&self, address: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT candidate_id FROM candidate_addresses WHERE address = ?1")?
            .query_row([address.trim().to_lowercase()], |r| r.get(0))
            .optional()?)
    }

    /// Every listed candidate (not merged away): id, name and first address, by name.
    pub fn candidate_names(&self) -> Result<Vec<(i64, String, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT c.id, c.name,
                    (SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id
                     ORDER BY first_seen, address LIMIT 1)
             FROM candidates c WHERE c.merged_into IS NULL ORDER BY c.name, c.id",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest `limit` messages of a candidate and their logged contacts, oldest first.
    pub fn conversation(&self, candidate_id: i64, limit: usize) -> Result<Conversation> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.id, m.message_id, m.thread_id, m.parent_message_id, m.direction, m.from_name, m.from_addr,
                    m.to_addrs, m.cc_addrs, m.subject, m.date, m.body, m.attachments, m.automated, m.recruiter,
                    o.state, o.sent_copy_state, o.attempts, o.next_attempt_at, o.last_error, o.data_at
             FROM messages m LEFT JOIN outbox o ON o.message_id = m.message_id
             WHERE m.candidate_id = ?1 ORDER BY m.date DESC, m.id DESC LIMIT ?2",
        )?;
        let mut messages: Vec<MessageView> = st
            .query_map(params![candidate_id, limit as i64], |r| {
                Ok(MessageView {
                    id: r.get(0)?,
                    message_id: r.get(1)?,
                    thread_id: r.get(2)?,
                    parent_message_id: r.get(3)?,
                    direction: Direction::parse(&r.get::<_, String>(4)?),
                    from_name: r.get(5)?,
                    from_addr: r.get(6)?,
                    to: r.get(7)?,
                    cc: r.get(8)?,
                    subject: r.get(9)?,
                    date: r.get(10)?,
                    body: r.get(11)?,
                    attachments: serde_json::from_str(&r.get::<_, String>(12)?).unwrap_or_default(),
                    automated: r.get(13)?,
                    recruiter: r.get(14)?,
                    delivery: match r.get::<_, Option<crate::values::OutboxState>>(15)? {
                        Some(state) => Some(super::Delivery {
                            state,
                            sent_copy_state: r.get(16)?,
                            attempts: r.get(17)?,
                            next_attempt_at: r.get(18)?,
                            last_error: r.get(19)?,
                            data_at: r.get(20)?,
                        }),
                        None => None,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        messages.reverse();
        let total: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM messages WHERE candidate_id = ?1")?
            .query_row([candidate_id], |r| r.get(0))?;
        let since = messages.first().map(|m| m.date).unwrap_or(i64::MIN);
        let older_omitted = total - messages.len() as i64;
        let contacts = self.contacts_since(
            candidate_id,
            if older_omitted > 0 { since } else { i64::MIN },
            1000,
        )?;
        let notes = self
            .notes(candidate_id)?
            .into_iter()
            .filter(|n| older_omitted == 0 || n.at >= since)
            .collect();
        let done = self
            .done_marks(candidate_id)?
            .into_iter()
            .filter(|d| older_omitted == 0 || d.at >= since)
            .collect();
        Ok(Conversation {
            candidate_id,
            messages,
            contacts,
            older_omitted,
            notes,
            done,
        })
    }

    fn contacts_since(
        &self,
        candidate_id: i64,
        since: i64,
        limit: usize,
    ) -> Result<Vec<ContactView>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, channel, direction, outcome, at, note, recorded_by FROM contact_log
             WHERE candidate_id = ?1 AND at >= ?2 ORDER BY at DESC, id DESC LIMIT ?3",
        )?;
        let mut v: Vec<ContactView> = st
            .query_map(params![candidate_id, since, limit as i64], |r| {
                Ok(ContactView {
                    id: r.get(0)?,
                    entry: ContactEntry {
                        channel: typed(&r.get::<_, String>(1)?, "contact_log", "channel", |s| {
                            s.parse::<Channel>().ok()
                        })?,
                        direction: typed(
                            &r.get::<_, String>(2)?,
                            "contact_log",
                            "direction",
                            direction,
                        )?,
                        outcome: typed(&r.get::<_, String>(3)?, "contact_log", "outcome", |s| {
                            s.parse::<Outcome>().ok()
                        })?,
                        at: r.get(4)?,
                        note: r.get(5)?,
                        recorded_by: r.get(6)?,
                    },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        v.reverse();
        Ok(v)
    }

    /// The profile pane: addresses, preferences, opt-outs, last contact and recent contacts.
    pub fn profile(&self, candidate_id: i64) -> Result<Option<Profile>> {
        let head = self
            .conn
            .prepare_cached(
                &format!(
                    "SELECT c.name, c.message_count, c.last_inbound_at, c.last_outbound_at,
                        CASE WHEN {} THEN c.waiting_since END,
                        c.next_contact, c.suppressed, c.optout_request, m.optout_evidence,
                        m.optout_scope
                     FROM candidates c LEFT JOIN messages m ON m.id = c.optout_request WHERE c.id = ?1",
                    waiting_now()
                ),
            )?
            .query_row([candidate_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<crate::values::OptOutScope>>(9)?,
                ))
            })
            .optional()?;
        let Some((
            name,
            message_count,
            last_in,
            last_out,
            waiting,
            next_contact,
            suppressed,
            req,
            evidence,
            scope,
        )) = head
        else {
            return Ok(None);
        };
        let addresses: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT address FROM candidate_addresses WHERE candidate_id = ?1 ORDER BY first_seen, address",
            )?
            .query_map([candidate_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let preferences = self.preferences(candidate_id)?;
        let opt_outs: Vec<OptOutView> = self
            .conn
            .prepare_cached(
                "SELECT id, scope, reason, source, recorded_by, at, revoked_at FROM opt_outs
                 WHERE candidate_id = ?1 ORDER BY at, id",
            )?
            .query_map([candidate_id], |r| {
                Ok(OptOutView {
                    id: r.get(0)?,
                    scope: r.get(1)?,
                    reason: r.get(2)?,
                    source: r.get(3)?,
                    recorded_by: r.get(4)?,
                    at: r.get(5)?,
                    revoked_at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let recent_contacts = {
            let mut v = self.contacts_since(candidate_id, i64::MIN, 5)?;
            v.reverse();
            v
        };
        let last_logged = recent_contacts.iter().map(|c| c.entry.at).max();
        let answer_request = self.answer_request(candidate_id)?;
        Ok(Some(Profile {
            id: candidate_id,
            name,
            addresses,
            preferences,
            opt_outs,
            message_count,
            last_inbound_at: last_in,
            last_outbound_at: last_out,
            last_contact_at: last_out.max(last_logged),
            waiting_since: waiting,
            recent_contacts,
            next_contact,
            suppressed,
            optout_request: req.map(|id| {
                let request = super::StopRequest {
                    evidence: evidence.unwrap_or_default(),
                    // Stored with the evidence since v10, which set older requests to "all".
                    scope: scope.unwrap_or(crate::values::OptOutScope::All),
                };
                (id, request)
            }),
            answer_request,
        }))
    }

    /// Current preferences and interests, or `None` when nothing was ever recorded.
    pub fn preferences(&self, candidate_id: i64) -> Result<Option<Preferences>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT channels, preferred, frequency, language, timezone, no_channel FROM preferences
                 WHERE candidate_id = ?1",
            )?
            .query_row([candidate_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })
            .optional()?;
        let interests: Vec<String> = self
            .conn
            .prepare_cached("SELECT tag FROM interests WHERE candidate_id = ?1 ORDER BY tag")?
            .query_map([candidate_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(super::facts::preferences_of(row, interests)?)
    }

    /// Messages matching a free-text search, best match first.
    pub fn search_messages(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>> {
        self.search_messages_of(text, None, limit)
    }

    /// Messages matching a free-text search, of one candidate or of everyone, best first.
    pub fn search_messages_of(
        &self,
        text: &str,
        candidate: Option<i64>,
        limit: usize,
    ) -> Result<Vec<SearchHit>> {
        let Some(q) = fts_query(text) else {
            return Ok(Vec::new());
        };
        let mut st = self.conn.prepare_cached(
            "SELECT m.id, m.candidate_id, coalesce(c.name, m.from_name), m.direction, m.subject, m.date,
                    snippet(messages_fts, 1, '[', ']', '…', 12),
                    coalesce((SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id
                              ORDER BY first_seen, address LIMIT 1), m.from_addr)
             FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
             LEFT JOIN candidates c ON c.id = m.candidate_id
             WHERE messages_fts MATCH ?1 AND (?3 IS NULL OR m.candidate_id = ?3)
             ORDER BY rank LIMIT ?2",
        )?;
        let rows = st.query_map(params![q, limit as i64, candidate], |r| {
            Ok(SearchHit {
                message_id: r.get(0)?,
                candidate_id: r.get(1)?,
                candidate: r.get(2)?,
                address: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                direction: Direction::parse(&r.get::<_, String>(3)?),
                subject: r.get(4)?,
                date: r.get(5)?,
                excerpt: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Counts for `rapport status`.
    pub fn status(&self) -> Result<Status> {
        let count = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        let folders: Vec<FolderStatus> = self
            .conn
            .prepare(
                "SELECT f.name, f.role, (SELECT count(*) FROM message_locations l WHERE l.folder_id = f.id),
                        f.uidvalidity, f.uidnext, f.last_sync_at FROM folders f ORDER BY f.name",
            )?
            .query_map([], |r| {
                Ok(FolderStatus {
                    name: r.get(0)?,
                    role: r.get(1)?,
                    messages: r.get(2)?,
                    uidvalidity: r.get(3)?,
                    uidnext: r.get(4)?,
                    last_sync_at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Status {
            database: self.path.display().to_string(),
            schema_version: self.schema_version()?,
            messages: count("SELECT count(*) FROM messages")?,
            candidates: count("SELECT count(*) FROM candidates WHERE merged_into IS NULL")?,
            threads: count("SELECT count(*) FROM threads")?,
            awaiting_reply: count(&format!(
                "SELECT count(*) FROM candidates c WHERE {}",
                waiting_now()
            ))?,
            opted_out: count(
                "SELECT count(*) FROM candidates WHERE opted_out = 1 AND merged_into IS NULL",
            )?,
            last_sync_at: folders.iter().filter_map(|f| f.last_sync_at).max(),
            folders,
        })
    }
}

impl Store {
    /// The candidate a merged candidate now lives on in (itself when not merged, or unknown).
    pub fn merged_root(&self, candidate_id: i64) -> Result<i64> {
        let mut id = candidate_id;
        // A merge chain is short; the bound only guards against a cycle in a damaged file.
        for _ in 0..64 {
            let next: Option<i64> = self
                .conn
                .prepare_cached("SELECT merged_into FROM candidates WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?
                .flatten();
            match next {
                Some(n) if n != id => id = n,
                _ => break,
            }
        }
        Ok(id)
    }

    /// When the newest mail to the candidate still on its way (queued, being sent, or perhaps
    /// sent) was written: it counts against their frequency before it leaves.
    pub fn last_queued(&self, candidate_id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT max(m.date) FROM messages m JOIN outbox o ON o.message_id = m.message_id
                 WHERE m.candidate_id = ?1 AND m.direction = 'outbound'
                   AND o.state IN ('queued', 'sending', 'unknown')",
            )?
            .query_row([candidate_id], |r| r.get(0))?)
    }

    /// The last logged contact (call, meeting…) each way: (outbound, inbound).
    pub fn last_logged_contacts(&self, candidate_id: i64) -> Result<(Option<i64>, Option<i64>)> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT max(CASE WHEN direction = 'outbound' THEN at END), max(CASE WHEN direction = 'inbound' THEN at END)
                 FROM contact_log WHERE candidate_id = ?1",
            )?
            .query_row([candidate_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
    }
}

impl Store {
    /// Our row id and candidate of a message, by its Message-ID header (with or without <>).
    pub fn message_by_message_id(
        &self,
        mid: &str,
    ) -> Result<Option<(i64, Option<i64>, Direction)>> {
        let mid = mid.trim().trim_start_matches('<').trim_end_matches('>');
        Ok(self
            .conn
            .prepare_cached("SELECT id, candidate_id, direction FROM messages WHERE message_id = ?1 ORDER BY id LIMIT 1")?
            .query_row([mid], |r| Ok((r.get(0)?, r.get(1)?, Direction::parse(&r.get::<_, String>(2)?))))
            .optional()?)
    }
}

impl Store {
    /// (folder, UID) of every synced message of a candidate.
    pub fn locations_of(&self, candidate_id: i64) -> Result<Vec<(String, u32)>> {
        let mut st = self.conn.prepare(
            "SELECT f.name, l.uid FROM message_locations l JOIN messages m ON m.id = l.message_id
             JOIN folders f ON f.id = l.folder_id WHERE m.candidate_id = ?1",
        )?;
        let rows = st.query_map([candidate_id], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u32))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A stored direction; only the two words are valid (`contact_log` has no CHECK for it).
fn direction(s: &str) -> Option<Direction> {
    match s {
        "inbound" => Some(Direction::Inbound),
        "outbound" => Some(Direction::Outbound),
        _ => None,
    }
}
