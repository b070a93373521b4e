//! Asking by mail: the question mails we sent, and answers to them waiting for a recruiter.
//! The store keeps what `consent::answers` read at ingest; it reads nothing itself.

use super::relations::audit;
use super::{Result, Store};
use crate::model::ParsedMessage;
use crate::values::Proposal;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A candidate's answer waiting on the banner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingAnswer {
    pub candidate_id: i64,
    pub name: String,
    pub address: String,
    /// Their message (row id) and when it was written.
    pub message: i64,
    pub at: i64,
    pub proposal: Proposal,
}

/// The message replies to a question mail we recorded (by In-Reply-To or References).
pub(crate) fn answers_an_ask(tx: &Connection, p: &ParsedMessage) -> Result<bool> {
    let mut st = tx.prepare_cached("SELECT 1 FROM preference_asks WHERE message_id = ?1")?;
    for id in p.in_reply_to.iter().chain(&p.references) {
        if st.query_row([id], |_| Ok(())).optional()?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn proposal(s: Option<String>) -> rusqlite::Result<Proposal> {
    let s = s.unwrap_or_default();
    Proposal::from_json(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("messages.answer_proposal: {e}").into(),
        )
    })
}

impl Store {
    /// Records that `message_id` (our queued message) asked `candidate_id` the questions, so a
    /// reply to it is read as an answer.
    pub fn record_ask(
        &mut self,
        candidate_id: i64,
        message_id: &str,
        language: &str,
        actor: &str,
        at: i64,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT OR REPLACE INTO preference_asks(message_id, candidate_id, language, asked_by, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![message_id, candidate_id, language, actor, at],
        )?;
        audit(
            &tx,
            actor,
            "ask-preferences",
            Some(candidate_id),
            &format!("question mail in {language}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// When we last asked the candidate (None: never).
    pub fn last_ask(&self, candidate_id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT max(at) FROM preference_asks WHERE candidate_id = ?1")?
            .query_row([candidate_id], |r| r.get(0))?)
    }

    /// The candidate's answer waiting on the banner: (their message, what it proposes).
    pub fn answer_request(&self, candidate_id: i64) -> Result<Option<(i64, Proposal)>> {
        let row: Option<(Option<i64>, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT c.answer_request, m.answer_proposal FROM candidates c
                 LEFT JOIN messages m ON m.id = c.answer_request WHERE c.id = ?1",
            )?
            .query_row([candidate_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match row {
            Some((Some(m), json)) => Ok(Some((m, proposal(json)?))),
            _ => Ok(None),
        }
    }

    /// Every answer waiting, the oldest first.
    pub fn pending_answers(&self) -> Result<Vec<PendingAnswer>> {
        let mut st = self.conn.prepare_cached(
            "SELECT c.id, c.name,
               coalesce((SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id
                         ORDER BY first_seen, address LIMIT 1), ''),
               m.id, m.date, m.answer_proposal
             FROM candidates c JOIN messages m ON m.id = c.answer_request
             WHERE c.merged_into IS NULL ORDER BY m.date, c.id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(PendingAnswer {
                    candidate_id: r.get(0)?,
                    name: r.get(1)?,
                    address: r.get(2)?,
                    message: r.get(3)?,
                    at: r.get(4)?,
                    proposal: proposal(r.get(5)?)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The banner goes: the answer was accepted (`accept-answer`) or dismissed
    /// (`dismiss-answer`), audited with `detail`.
    pub fn settle_answer(
        &mut self,
        candidate_id: i64,
        action: &str,
        detail: &str,
        actor: &str,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE candidates SET answer_request = NULL WHERE id = ?1",
            [candidate_id],
        )?;
        audit(&tx, actor, action, Some(candidate_id), detail)?;
        tx.commit()?;
        Ok(())
    }
}
