//! Several recruiters on one data dir: assignment, snooze, internal notes, and what a
//! colleague did to a candidate since a given time (the reply collision check). Presence is in
//! `presence.rs`.

use super::data_rights::PERSON;
use super::relations::audit;
use super::{Result, Store, StoreError};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// Who owns a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub assignee: String,
    pub assigned_by: String,
    pub at: i64,
}

/// A candidate kept out of "awaiting reply" until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snooze {
    pub until: i64,
    pub snoozed_by: String,
    /// When it was set: mail from them after this ends the snooze early.
    pub at: i64,
}

/// An internal note, never sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteView {
    pub id: i64,
    pub author: String,
    pub text: String,
    pub at: i64,
}

/// Something a colleague did to a candidate that a reply should not cross unknowingly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColleagueActivity {
    pub who: String,
    /// "queued a message", "sent a message", or "logged a phone call (talked)".
    pub what: String,
    pub at: i64,
    pub subject: String,
    pub snippet: String,
}

impl std::fmt::Display for ColleagueActivity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} at {}",
            self.who,
            self.what,
            crate::timefmt::rfc3339(self.at)
        )?;
        if !self.subject.is_empty() {
            write!(f, ": “{}”", self.subject)?;
        }
        if !self.snippet.is_empty() {
            write!(f, " — {}", self.snippet)?;
        }
        Ok(())
    }
}

/// The inbox's "whose" dimension, next to `InboxFilter`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    /// Assigned to this recruiter (display name).
    Mine(String),
    Unassigned,
}

impl AssigneeFilter {
    pub fn label(&self) -> &'static str {
        match self {
            AssigneeFilter::Anyone => "everyone's",
            AssigneeFilter::Mine(_) => "mine",
            AssigneeFilter::Unassigned => "unassigned",
        }
    }
    /// everyone's → mine → unassigned → everyone's.
    pub fn next(&self, me: &str) -> AssigneeFilter {
        match self {
            AssigneeFilter::Anyone => AssigneeFilter::Mine(me.to_string()),
            AssigneeFilter::Mine(_) => AssigneeFilter::Unassigned,
            AssigneeFilter::Unassigned => AssigneeFilter::Anyone,
        }
    }
}

/// SQL (over `candidates c`) true while a snooze keeps the candidate out of "awaiting reply":
/// its time has not come and they have not written since it was set.
pub(super) const SNOOZED: &str = "EXISTS (SELECT 1 FROM snoozes z WHERE z.candidate_id = c.id
    AND z.until > rapport_now() AND coalesce(c.last_inbound_at, 0) <= z.at)";

/// SQL (over `candidates c`) true when a snooze ended and the wait it hid is still on.
pub(super) const BACK_FROM_SNOOZE: &str =
    "EXISTS (SELECT 1 FROM snoozes z WHERE z.candidate_id = c.id
    AND NOT (z.until > rapport_now() AND coalesce(c.last_inbound_at, 0) <= z.at)
    AND c.waiting_since IS NOT NULL AND c.waiting_since < z.until)";

fn exists(store: &Store, candidate_id: i64) -> Result<()> {
    let ok: bool = store.conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM candidates WHERE id = ?1)",
        [candidate_id],
        |r| r.get(0),
    )?;
    if ok {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "there is no candidate {candidate_id}"
        )))
    }
}

impl Store {
    /// Assigns a candidate to `assignee`, or unassigns with None. Audited.
    pub fn assign(&mut self, candidate_id: i64, assignee: Option<&str>, actor: &str) -> Result<()> {
        exists(self, candidate_id)?;
        let tx = self.write_tx()?;
        let old: Option<String> = tx
            .query_row(
                "SELECT assignee FROM assignments WHERE candidate_id = ?1",
                [candidate_id],
                |r| r.get(0),
            )
            .optional()?;
        match assignee.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => {
                tx.execute(
                    "INSERT INTO assignments(candidate_id, assignee, assigned_by, at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(candidate_id) DO UPDATE SET assignee = excluded.assignee,
                        assigned_by = excluded.assigned_by, at = excluded.at",
                    params![candidate_id, a, actor, super::now()],
                )?;
                let detail = match old {
                    Some(o) => format!("{o} → {a}"),
                    None => a.to_string(),
                };
                audit(&tx, actor, "assign", Some(candidate_id), &detail)?;
            }
            None => {
                tx.execute(
                    "DELETE FROM assignments WHERE candidate_id = ?1",
                    [candidate_id],
                )?;
                audit(
                    &tx,
                    actor,
                    "unassign",
                    Some(candidate_id),
                    old.as_deref().unwrap_or(""),
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn assignment(&self, candidate_id: i64) -> Result<Option<Assignment>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT assignee, assigned_by, at FROM assignments WHERE candidate_id = ?1",
            )?
            .query_row([candidate_id], |r| {
                Ok(Assignment {
                    assignee: r.get(0)?,
                    assigned_by: r.get(1)?,
                    at: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Snoozes a candidate until `until` (set at `at`), or ends the snooze with None. Audited.
    pub fn snooze(
        &mut self,
        candidate_id: i64,
        until: Option<i64>,
        actor: &str,
        at: i64,
    ) -> Result<()> {
        exists(self, candidate_id)?;
        let tx = self.write_tx()?;
        match until {
            Some(u) => {
                tx.execute(
                    "INSERT INTO snoozes(candidate_id, until, snoozed_by, at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(candidate_id) DO UPDATE SET until = excluded.until,
                        snoozed_by = excluded.snoozed_by, at = excluded.at",
                    params![candidate_id, u, actor, at],
                )?;
                let detail = format!("until {}", crate::timefmt::rfc3339(u));
                audit(&tx, actor, "snooze", Some(candidate_id), &detail)?;
            }
            None => {
                tx.execute(
                    "DELETE FROM snoozes WHERE candidate_id = ?1",
                    [candidate_id],
                )?;
                audit(&tx, actor, "unsnooze", Some(candidate_id), "")?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn snooze_of(&self, candidate_id: i64) -> Result<Option<Snooze>> {
        Ok(self
            .conn
            .prepare_cached("SELECT until, snoozed_by, at FROM snoozes WHERE candidate_id = ?1")?
            .query_row([candidate_id], |r| {
                Ok(Snooze {
                    until: r.get(0)?,
                    snoozed_by: r.get(1)?,
                    at: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Adds an internal note (kept as written, trailing blank lines aside). Audited without
    /// its text: the note itself is the record.
    pub fn add_note(
        &mut self,
        candidate_id: i64,
        author: &str,
        text: &crate::values::NoteText,
        at: i64,
    ) -> Result<i64> {
        exists(self, candidate_id)?;
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO notes(candidate_id, author, text, at) VALUES (?1, ?2, ?3, ?4)",
            params![candidate_id, author, text, at],
        )?;
        let id = tx.last_insert_rowid();
        audit(
            &tx,
            author,
            "note",
            Some(candidate_id),
            &format!("note {id}"),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The notes of the person (records merged into them included), oldest first.
    pub fn notes(&self, candidate_id: i64) -> Result<Vec<NoteView>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{PERSON} SELECT id, author, text, at FROM notes WHERE candidate_id IN person ORDER BY at, id"
        ))?;
        let rows = st.query_map([candidate_id], |r| {
            Ok(NoteView {
                id: r.get(0)?,
                author: r.get(1)?,
                text: r.get(2)?,
                at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What others than `me` did to the candidate after `since`: mail they queued, mail sent
    /// from another client (synced from Sent), and contacts that happened and were logged
    /// after it (an old call logged late is not a new answer). Oldest first.
    pub fn colleague_activity(
        &self,
        candidate_id: i64,
        since: i64,
        me: &str,
    ) -> Result<Vec<ColleagueActivity>> {
        let mut out = Vec::new();
        let mut st = self.conn.prepare_cached(&format!(
            "{PERSON} SELECT o.created_by, o.state, o.created_at, coalesce(m.subject, ''), coalesce(m.snippet, '')
             FROM outbox o LEFT JOIN messages m ON m.message_id = o.message_id
             WHERE o.candidate_id IN person AND o.created_at > ?2 AND o.created_by != ?3
               AND o.state != 'cancelled'"
        ))?;
        let rows = st.query_map(params![candidate_id, since, me], |r| {
            let state: crate::values::OutboxState = r.get(1)?;
            Ok(ColleagueActivity {
                who: r.get(0)?,
                what: if state == crate::values::OutboxState::Sent {
                    "sent a message".into()
                } else {
                    "queued a message".into()
                },
                at: r.get(2)?,
                subject: r.get(3)?,
                snippet: r.get(4)?,
            })
        })?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        // Mail from other clients: outbound, newer, and not one of rapport's own.
        let mut st = self.conn.prepare_cached(&format!(
            "{PERSON} SELECT coalesce(nullif(m.recruiter, ''), nullif(m.from_name, ''), m.from_addr), m.date,
                    m.subject, m.snippet
             FROM messages m WHERE m.candidate_id IN person AND m.direction = 'outbound' AND m.date > ?2
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.message_id = m.message_id)"
        ))?;
        let rows = st.query_map(params![candidate_id, since], |r| {
            Ok(ColleagueActivity {
                who: r.get(0)?,
                what: "sent a message".into(),
                at: r.get(1)?,
                subject: r.get(2)?,
                snippet: r.get(3)?,
            })
        })?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        let mut st = self.conn.prepare_cached(&format!(
            "{PERSON} SELECT recorded_by, channel, outcome, recorded_at, note FROM contact_log
             WHERE candidate_id IN person AND at > ?2 AND recorded_at > ?2 AND recorded_by != ?3"
        ))?;
        let rows = st.query_map(params![candidate_id, since, me], |r| {
            let (ch, outcome): (String, String) = (r.get(1)?, r.get(2)?);
            Ok(ColleagueActivity {
                who: r.get(0)?,
                what: format!("logged a {ch} contact ({outcome})"),
                at: r.get(3)?,
                subject: String::new(),
                snippet: r.get(4)?,
            })
        })?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        out.sort_by_key(|a| a.at);
        Ok(out)
    }
}
