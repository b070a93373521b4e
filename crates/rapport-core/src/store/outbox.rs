//! The outbox table: mail is written here before any network I/O.

use super::tx::Cached;
use super::{Result, Store};
use crate::values::{OutboxState, SentCopyState};
use rusqlite::params;
use serde::Serialize;

/// A row of the outbox as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub candidate_id: Option<i64>,
    pub message_id: String,
    pub to: String,
    pub state: OutboxState,
    pub sent_copy_state: SentCopyState,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    /// When it was last handed to the server (its data sent).
    pub data_at: Option<i64>,
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
        let tx = self.write_tx()?;
        tx.exec(
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
                source: crate::values::ChangeSource::Recruiter,
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
                    last_error, created_by, created_at, data_at FROM outbox ORDER BY id DESC",
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
                data_at: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A queued message the delivery worker works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxJob {
    pub id: i64,
    pub candidate_id: Option<i64>,
    pub message_id: String,
    pub raw: Vec<u8>,
    pub envelope_from: String,
    pub envelope_to: Vec<String>,
    pub topics: Vec<String>,
    pub attempts: i64,
}

/// How an outbox message is doing, as the conversation shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub state: OutboxState,
    pub sent_copy_state: SentCopyState,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub last_error: Option<String>,
    /// When it was last handed to the server.
    pub data_at: Option<i64>,
}

fn job(r: &rusqlite::Row) -> rusqlite::Result<OutboxJob> {
    let split = |s: String| {
        s.split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    Ok(OutboxJob {
        id: r.get(0)?,
        candidate_id: r.get(1)?,
        message_id: r.get(2)?,
        raw: r.get(3)?,
        envelope_from: r.get(4)?,
        envelope_to: split(r.get(5)?),
        topics: split(r.get(6)?),
        attempts: r.get(7)?,
    })
}

const JOB_COLUMNS: &str =
    "id, candidate_id, message_id, raw, envelope_from, envelope_to, topics, attempts";

impl Store {
    /// Queued messages whose time has come, oldest first.
    pub fn due_outbox(&self, now: i64) -> Result<Vec<OutboxJob>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM outbox WHERE state = 'queued' AND coalesce(next_attempt_at, 0) <= ?1 ORDER BY id"
        ))?;
        let rows = st.query_map([now], job)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Messages left in 'sending' by a process that died: their SMTP outcome is unknown.
    pub fn interrupted_outbox(&self) -> Result<Vec<OutboxJob>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM outbox WHERE state = 'sending' ORDER BY id"
        ))?;
        let rows = st.query_map([], job)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sent messages whose copy in the Sent folder is still to be made.
    pub fn pending_sent_copies(&self) -> Result<Vec<OutboxJob>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {JOB_COLUMNS} FROM outbox WHERE state = 'sent' AND sent_copy_state = 'pending' ORDER BY id"
        ))?;
        let rows = st.query_map([], job)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn set_outbox(&mut self, id: i64, sql_set: &str, args: &[&dyn rusqlite::ToSql]) -> Result<()> {
        let tx = self.write_tx()?;
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&id];
        params.extend_from_slice(args);
        tx.execute(
            &format!("UPDATE outbox SET {sql_set}, updated_at = rapport_now() WHERE id = ?1"),
            params.as_slice(),
        )?;
        let cand: Option<i64> =
            tx.query_row("SELECT candidate_id FROM outbox WHERE id = ?1", [id], |r| {
                r.get(0)
            })?;
        if let Some(c) = cand {
            // A reply counts as an answer once it is sent (or no longer, if cancelled).
            super::write::refresh_candidate(&tx, c)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Claims a queued message as it is handed to the server: committed after the server said
    /// it is ready for the data and before any of it is written, so `sending` means "the server
    /// may have it". False when it is no longer queued (another delivery pass took it, or it
    /// was cancelled since it was listed): the caller must then leave it alone.
    pub fn outbox_sending(&mut self, id: i64) -> Result<bool> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, data_at = rapport_now(),
                updated_at = rapport_now()
             WHERE id = ?1 AND state = 'queued'",
            [id],
        )?;
        tx.commit()?;
        Ok(n == 1)
    }

    /// The server may or may not have the message (the process or the connection died in the
    /// data phase, and it is not in Sent). The first time it is sent once more at once; after
    /// that it waits in `unknown` for a recruiter. Returns whether it is sent again.
    pub fn outbox_outcome_unknown(&mut self, id: i64, why: &str, now: i64) -> Result<bool> {
        // A share's message is never sent again on an unknown outcome: content sent to many
        // would rather wait for a recruiter than reach someone twice.
        let (resends, shared): (i64, bool) = self.conn.query_row(
            "SELECT unknown_resends,
                    EXISTS (SELECT 1 FROM share_items i WHERE i.outbox_id = outbox.id)
             FROM outbox WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if resends == 0 && !shared {
            self.set_outbox(
                id,
                "state = 'queued', unknown_resends = 1, next_attempt_at = ?3,
                 last_error = 'outcome unknown (' || ?2 || '); sent once more'",
                &[&why, &now],
            )?;
            Ok(true)
        } else {
            self.set_outbox(
                id,
                "state = 'unknown', next_attempt_at = NULL,
                 last_error = 'outcome unknown again (' || ?2 || '): may have been sent'",
                &[&why],
            )?;
            Ok(false)
        }
    }

    /// `rapport outbox mark-sent`: a recruiter knows a message whose outcome was unknown
    /// arrived; it is not sent again, and its Sent copy is made if missing.
    pub fn outbox_mark_sent(&mut self, id: i64, actor: &str) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE outbox SET state = 'sent', sent_copy_state = 'pending', next_attempt_at = NULL,
                last_error = 'marked sent by ' || ?2, updated_at = rapport_now()
             WHERE id = ?1 AND state = 'unknown'",
            rusqlite::params![id, actor],
        )?;
        if n == 0 {
            return Err(super::StoreError::Invalid(format!(
                "outbox message {id} is not waiting with an unknown outcome"
            )));
        }
        audit_outbox(&tx, id, actor, "outbox-mark-sent")?;
        if let Some(c) = outbox_candidate(&tx, id)? {
            super::write::refresh_candidate(&tx, c)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// When the next queued message is due, and how many are queued.
    pub fn outbox_backlog(&self) -> Result<(i64, Option<i64>)> {
        Ok(self.conn.query_row(
            "SELECT count(*), min(coalesce(next_attempt_at, 0)) FROM outbox WHERE state = 'queued'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
    /// The server accepted it. Committed on its own first, the moment the reply is in (one
    /// short statement: a crash before it is the one window that sends a message twice); the
    /// candidate's summary (their wait is answered) follows.
    pub fn outbox_sent(&mut self, id: i64, copy_state: SentCopyState) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE outbox SET state = 'sent', last_error = NULL, next_attempt_at = NULL,
                sent_copy_state = ?2, updated_at = rapport_now() WHERE id = ?1",
            params![id, copy_state],
        )?;
        tx.commit()?;
        self.set_outbox(id, "state = 'sent'", &[])
    }
    /// A temporary failure: tried again at `next`. A try that ended before the data phase
    /// (still `queued`) counts as an attempt too, so the backoff grows.
    pub fn outbox_retry(&mut self, id: i64, error: &str, next: i64) -> Result<()> {
        self.set_outbox(
            id,
            "attempts = attempts + (state = 'queued'), state = 'queued', last_error = ?2, next_attempt_at = ?3",
            &[&error, &next],
        )
    }
    /// A permanent failure: stays until a recruiter retries or cancels it.
    pub fn outbox_failed(&mut self, id: i64, error: &str) -> Result<()> {
        self.set_outbox(
            id,
            "attempts = attempts + (state = 'queued'), state = 'failed', last_error = ?2, next_attempt_at = NULL",
            &[&error],
        )
    }
    pub fn outbox_copy(
        &mut self,
        id: i64,
        state: SentCopyState,
        error: Option<&str>,
    ) -> Result<()> {
        self.set_outbox(
            id,
            "sent_copy_state = ?2, last_error = coalesce(?3, last_error)",
            &[&state, &error],
        )
    }

    /// `rapport outbox retry`: a failed (or waiting) message is queued for now.
    pub fn outbox_requeue(&mut self, id: i64, actor: &str) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE outbox SET state = 'queued', next_attempt_at = NULL, updated_at = rapport_now()
             WHERE id = ?1 AND state IN ('failed', 'queued', 'unknown')",
            [id],
        )?;
        if n == 0 {
            return Err(super::StoreError::Invalid(format!(
                "outbox message {id} is not failed, queued or waiting with an unknown outcome"
            )));
        }
        audit_outbox(&tx, id, actor, "outbox-retry")?;
        tx.commit()?;
        Ok(())
    }

    /// `rapport outbox cancel`: only what has not been handed to the server can be cancelled.
    pub fn outbox_cancel(&mut self, id: i64, actor: &str) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE outbox SET state = 'cancelled', last_error = 'cancelled by ' || ?2, updated_at = rapport_now()
             WHERE id = ?1 AND state IN ('failed', 'queued', 'unknown')",
            rusqlite::params![id, actor],
        )?;
        if n == 0 {
            return Err(super::StoreError::Invalid(format!(
                "outbox message {id} cannot be cancelled (only queued or failed messages can)"
            )));
        }
        audit_outbox(&tx, id, actor, "outbox-cancel")?;
        if let Some(c) = outbox_candidate(&tx, id)? {
            super::write::refresh_candidate(&tx, c)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The delivery state of one of our messages, by Message-ID.
    pub fn delivery(&self, message_id: &str) -> Result<Option<Delivery>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT state, sent_copy_state, attempts, next_attempt_at, last_error, data_at FROM outbox WHERE message_id = ?1")?
            .query_row([message_id], |r| {
                Ok(Delivery { state: r.get(0)?, sent_copy_state: r.get(1)?, attempts: r.get(2)?, next_attempt_at: r.get(3)?, last_error: r.get(4)?, data_at: r.get(5)? })
            })
            .optional()?)
    }

    /// Saves a draft (new when `id` is None); drafts are never lost to a crash or a refusal.
    pub fn save_draft(
        &mut self,
        id: Option<i64>,
        candidate_id: i64,
        in_reply_to: Option<i64>,
        text: &str,
        author: &str,
    ) -> Result<i64> {
        let now = super::now();
        // A draft is the recruiter's own working copy, not an action on the candidate: it
        // takes the write lock like every write, and is not audited.
        let tx = self.write_tx()?;
        let id = match id {
            Some(id) => {
                tx.execute(
                    "UPDATE drafts SET text = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id, text, now],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO drafts(candidate_id, in_reply_to, text, author, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    params![candidate_id, in_reply_to, text, author, now],
                )?;
                tx.last_insert_rowid()
            }
        };
        tx.commit()?;
        Ok(id)
    }

    pub fn delete_draft(&mut self, id: i64) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM drafts WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }

    /// The newest draft for a candidate: (id, replying to, text).
    pub fn latest_draft(&self, candidate_id: i64) -> Result<Option<(i64, Option<i64>, String)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT id, in_reply_to, text FROM drafts WHERE candidate_id = ?1 ORDER BY updated_at DESC, id DESC LIMIT 1",
                [candidate_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// References and In-Reply-To of a stored message (for replying to it).
    pub fn threading_of(&self, id: i64) -> Result<(Vec<String>, Vec<String>)> {
        let (refs, irt): (String, String) = self.conn.query_row(
            "SELECT refs, in_reply_to FROM messages WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let split = |s: String| s.split_whitespace().map(String::from).collect();
        Ok((split(refs), split(irt)))
    }
}

impl Store {
    /// The raw message of an outbox entry.
    pub fn outbox_raw(&self, id: i64) -> Result<Option<Vec<u8>>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT raw FROM outbox WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// Marks a message refused at delivery time as cancelled (the reason is already set).
    pub(crate) fn conn_cancel(&mut self, id: i64) -> Result<()> {
        self.set_outbox(id, "state = 'cancelled'", &[])
    }
}

/// The audit entry of a recruiter's decision about an outbox message, in its transaction.
fn audit_outbox(tx: &rusqlite::Connection, id: i64, actor: &str, action: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO audit_log(at, actor, action, candidate_id, detail)
         SELECT rapport_now(), ?2, ?3, candidate_id, message_id FROM outbox WHERE id = ?1",
        params![id, actor, action],
    )?;
    Ok(())
}

fn outbox_candidate(tx: &rusqlite::Connection, id: i64) -> Result<Option<i64>> {
    Ok(
        tx.query_row("SELECT candidate_id FROM outbox WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    )
}
