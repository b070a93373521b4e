//! Shares (#19): a piece of content and the candidates it was planned for. The store keeps
//! what `actions::share` decided (who, skipped why, released when, which outbox row); the
//! rules live there.

use super::relations::audit;
use super::tx::Cached;
use super::{Result, Store, StoreError};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// A share as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareRow {
    pub id: i64,
    pub template: String,
    pub subject: String,
    pub body: String,
    pub tags: Vec<String>,
    pub query: String,
    pub created_by: String,
    pub created_at: i64,
    pub state: String,
    pub per_hour: i64,
    pub per_day: i64,
    pub nonce: String,
}

/// One candidate of a share, with the outbox state of their message when it was released.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareItem {
    pub id: i64,
    pub candidate_id: i64,
    pub state: String,
    pub reason: String,
    pub outbox_id: Option<i64>,
    pub released_at: Option<i64>,
    /// The outbox row's state ("queued", "sent", "cancelled", …) once released.
    pub outbox_state: Option<String>,
    /// The released message's Message-ID.
    pub message_id: Option<String>,
    /// The outbox row's note: why it failed or was cancelled.
    pub outbox_note: Option<String>,
}

/// What a candidate did within a share's follow-up window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowUp {
    pub replied: bool,
    pub opt_outs: usize,
    pub preference_changes: usize,
}

/// What a new share holds: its content and pace, and each candidate with "planned" or
/// "skipped" and the reason.
#[derive(Debug, Clone)]
pub struct NewShare<'a> {
    pub template: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub tags: &'a [String],
    pub query: &'a str,
    pub per_hour: i64,
    pub per_day: i64,
    pub nonce: &'a str,
    pub items: &'a [(i64, Option<String>)],
}

fn share_row(r: &rusqlite::Row) -> rusqlite::Result<ShareRow> {
    let tags: String = r.get(4)?;
    Ok(ShareRow {
        id: r.get(0)?,
        template: r.get(1)?,
        subject: r.get(2)?,
        body: r.get(3)?,
        tags: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        query: r.get(5)?,
        created_by: r.get(6)?,
        created_at: r.get(7)?,
        state: r.get(8)?,
        per_hour: r.get(9)?,
        per_day: r.get(10)?,
        nonce: r.get(11)?,
    })
}

const SHARE: &str =
    "SELECT id, template, subject, body, tags, query, created_by, created_at, state,
    per_hour, per_day, nonce FROM shares";

impl Store {
    /// Records a share and its items in one transaction. Audited.
    pub fn create_share(&mut self, s: &NewShare, actor: &str, at: i64) -> Result<i64> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO shares(template, subject, body, tags, query, created_by, created_at,
                per_hour, per_day, nonce) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                s.template,
                s.subject,
                s.body,
                s.tags.join(","),
                s.query,
                actor,
                at,
                s.per_hour,
                s.per_day,
                s.nonce
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut st = tx.prepare_cached(
                "INSERT INTO share_items(share_id, candidate_id, state, reason) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (c, skip) in s.items {
                let (state, reason) = match skip {
                    None => ("planned", ""),
                    Some(r) => ("skipped", r.as_str()),
                };
                st.execute(params![id, c, state, reason])?;
            }
        }
        let planned = s.items.iter().filter(|(_, r)| r.is_none()).count();
        audit(
            &tx,
            actor,
            "share-create",
            None,
            &format!("share {id}: {planned} planned of {}", s.items.len()),
        )?;
        tx.commit()?;
        Ok(id)
    }

    pub fn share(&self, id: i64) -> Result<Option<ShareRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{SHARE} WHERE id = ?1"))?
            .query_row([id], share_row)
            .optional()?)
    }

    /// Every share, newest first.
    pub fn shares(&self) -> Result<Vec<ShareRow>> {
        let mut st = self
            .conn
            .prepare_cached(&format!("{SHARE} ORDER BY id DESC"))?;
        let v = st
            .query_map([], share_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Active shares with messages still to release, oldest first.
    pub fn shares_to_release(&self) -> Result<Vec<i64>> {
        let mut st = self.conn.prepare_cached(
            "SELECT s.id FROM shares s WHERE s.state = 'active' AND EXISTS
               (SELECT 1 FROM share_items i WHERE i.share_id = s.id AND i.state = 'planned')
             ORDER BY s.id",
        )?;
        let v = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    pub fn share_items(&self, share_id: i64) -> Result<Vec<ShareItem>> {
        let mut st = self.conn.prepare_cached(
            "SELECT i.id, i.candidate_id, i.state, i.reason, i.outbox_id, i.released_at, o.state,
               o.message_id, o.last_error
             FROM share_items i LEFT JOIN outbox o ON o.id = i.outbox_id
             WHERE i.share_id = ?1 ORDER BY i.id",
        )?;
        let v = st
            .query_map([share_id], |r| {
                Ok(ShareItem {
                    id: r.get(0)?,
                    candidate_id: r.get(1)?,
                    state: r.get(2)?,
                    reason: r.get(3)?,
                    outbox_id: r.get(4)?,
                    released_at: r.get(5)?,
                    outbox_state: r.get(6)?,
                    message_id: r.get(7)?,
                    outbox_note: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Messages of every share released since `since`: the pace holds for the shared address,
    /// not for each share.
    pub fn shares_released_since(&self, since: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM share_items WHERE released_at > ?1",
            [since],
            |r| r.get(0),
        )?)
    }

    /// Items of one share released after `since`.
    pub fn share_released_since(&self, share_id: i64, since: i64) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM share_items WHERE share_id = ?1 AND released_at > ?2",
            params![share_id, since],
            |r| r.get(0),
        )?)
    }

    /// Marks an item released with its outbox row, or skipped at release with a reason.
    pub fn settle_share_item(
        &mut self,
        item: i64,
        outbox_id: Option<i64>,
        skipped: Option<&str>,
        at: i64,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        match skipped {
            None => tx.exec(
                "UPDATE share_items SET state = 'queued', outbox_id = ?2, released_at = ?3
                 WHERE id = ?1 AND state = 'planned'",
                params![item, outbox_id, at],
            )?,
            Some(why) => tx.exec(
                "UPDATE share_items SET state = 'skipped', reason = ?2 WHERE id = ?1 AND state = 'planned'",
                params![item, why],
            )?,
        };
        tx.commit()?;
        Ok(())
    }

    /// The outbox row holding `message_id` (a re-release after a crash finds its own).
    pub fn outbox_id_of(&self, message_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .row(
                "SELECT id FROM outbox WHERE message_id = ?1",
                [message_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Pauses, resumes or cancels a share; cancelling also cancels its messages still queued
    /// in the outbox and its planned items. Audited.
    pub fn set_share_state(&mut self, id: i64, state: &str, actor: &str) -> Result<usize> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE shares SET state = ?2 WHERE id = ?1 AND state <> 'cancelled'",
            params![id, state],
        )?;
        if n == 0 {
            return Err(StoreError::Invalid(format!(
                "there is no share {id}, or it was cancelled"
            )));
        }
        let mut stopped = 0;
        if state == "cancelled" {
            stopped += tx.execute(
                "UPDATE outbox SET state = 'cancelled', last_error = 'cancelled: the share was cancelled'
                 WHERE state IN ('queued', 'failed')
                   AND id IN (SELECT outbox_id FROM share_items WHERE share_id = ?1)",
                [id],
            )?;
            stopped += tx.execute(
                "UPDATE share_items SET state = 'cancelled', reason = 'the share was cancelled'
                 WHERE share_id = ?1 AND state = 'planned'",
                [id],
            )?;
        }
        audit(
            &tx,
            actor,
            &format!("share-{state}"),
            None,
            &format!("share {id}"),
        )?;
        tx.commit()?;
        Ok(stopped)
    }

    /// Whether the candidate answered the shared message `message_id` (in its thread) or
    /// wrote to us between `from` and `to`, and the opt-outs and preference changes they made
    /// themselves in that time.
    pub fn share_follow_up(
        &self,
        candidate_id: i64,
        message_id: &str,
        from: i64,
        to: i64,
    ) -> Result<FollowUp> {
        let replied: i64 = self.conn.query_row(
            "SELECT count(*) FROM messages WHERE candidate_id = ?1 AND direction = 'inbound'
             AND ((date >= ?2 AND date < ?3)
                  OR thread_id = (SELECT thread_id FROM messages WHERE message_id = ?4))",
            params![candidate_id, from, to, message_id],
            |r| r.get(0),
        )?;
        let opt_outs: i64 = self.conn.query_row(
            "SELECT count(*) FROM opt_outs WHERE candidate_id = ?1 AND at >= ?2 AND at < ?3",
            params![candidate_id, from, to],
            |r| r.get(0),
        )?;
        let changes: i64 = self.conn.query_row(
            "SELECT count(*) FROM ledger WHERE candidate_id = ?1 AND at >= ?2 AND at < ?3
             AND field NOT IN ('opt-out', 'address')
             AND source IN ('candidate', 'preference-page', 'message', 'unsubscribe-mail')",
            params![candidate_id, from, to],
            |r| r.get(0),
        )?;
        Ok(FollowUp {
            replied: replied > 0,
            opt_outs: opt_outs as usize,
            preference_changes: changes as usize,
        })
    }
}
