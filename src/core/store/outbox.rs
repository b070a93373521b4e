//! The outbox table: mail is written here before any network I/O.

use super::{Result, Store};
use rusqlite::params;
use serde::Serialize;

/// A row of the outbox as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub candidate_id: Option<i64>,
    pub message_id: String,
    pub to: String,
    pub state: String,
    pub sent_copy_state: String,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

/// A message ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutbox<'a> {
    pub candidate_id: Option<i64>,
    pub message_id: &'a str,
    pub raw: &'a [u8],
    pub envelope_from: &'a str,
    pub envelope_to: &'a [String],
    pub topics: &'a [String],
    pub created_by: &'a str,
}

impl Store {
    pub(crate) fn insert_outbox(
        &mut self,
        m: &NewOutbox,
        override_note: Option<(&str, &str, &str)>,
    ) -> Result<i64> {
        let now = super::now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO outbox(candidate_id, message_id, raw, envelope_from, envelope_to, topics, state,
                next_attempt_at, created_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?7, ?7)",
            params![
                m.candidate_id,
                m.message_id,
                m.raw,
                m.envelope_from,
                m.envelope_to.join(", "),
                m.topics.join(","),
                now,
                m.created_by
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let (Some(c), Some((actor, conflicts, reason))) = (m.candidate_id, override_note) {
            let meta = super::ChangeMeta {
                actor: actor.into(),
                at: now,
                source: "recruiter".into(),
                source_message_id: None,
                legal_basis: None,
                note: reason.into(),
            };
            super::relations::ledger_entry(
                &tx,
                c,
                &meta,
                "contact-override",
                None,
                Some(conflicts),
            )?;
        }
        super::relations::audit(
            &tx,
            m.created_by,
            "queue-mail",
            m.candidate_id,
            m.message_id,
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The outbox, newest first.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let mut st = self.conn.prepare(
            "SELECT id, candidate_id, message_id, envelope_to, state, sent_copy_state, attempts, next_attempt_at,
                    last_error, created_by, created_at FROM outbox ORDER BY id DESC",
        )?;
        let rows = st.query_map([], |r| {
            Ok(OutboxEntry {
                id: r.get(0)?,
                candidate_id: r.get(1)?,
                message_id: r.get(2)?,
                to: r.get(3)?,
                state: r.get(4)?,
                sent_copy_state: r.get(5)?,
                attempts: r.get(6)?,
                next_attempt_at: r.get(7)?,
                last_error: r.get(8)?,
                created_by: r.get(9)?,
                created_at: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
