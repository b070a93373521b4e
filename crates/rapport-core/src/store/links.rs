//! What the candidate's links need from the database: the per-candidate secret their tokens
//! are signed over, and mail that arrived at the unsubscribe address, waiting to be settled.
//! Plain reads and writes; signing and verifying are in `crate::web::token`.

use super::relations::audit;
use super::tx::Cached;
use super::{Result, Store};
use rusqlite::{OptionalExtension, params};

/// A message sent to the unsubscribe address, not settled yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUnsubscribe {
    /// The message's row id.
    pub message: i64,
    /// The token as read from the address (not verified).
    pub token: String,
}

impl Store {
    /// The secret the candidate's links are signed over; None when no link was ever made for
    /// them, or when there is no such candidate (an erased one).
    pub fn link_nonce(&self, candidate: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT link_nonce FROM candidates WHERE id = ?1")?
            .query_row([candidate], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// The candidate's link secret, set to `fresh` first when they have none (the first link
    /// made for them). None when there is no such candidate.
    pub fn ensure_link_nonce(
        &mut self,
        candidate: i64,
        fresh: &str,
        actor: &str,
    ) -> Result<Option<String>> {
        if let Some(n) = self.link_nonce(candidate)? {
            return Ok(Some(n));
        }
        let tx = self.write_tx()?;
        let n = tx.exec(
            "UPDATE candidates SET link_nonce = ?2 WHERE id = ?1 AND link_nonce IS NULL",
            params![candidate, fresh],
        )?;
        if n > 0 {
            audit(
                &tx,
                actor,
                "links-issued",
                Some(candidate),
                "first preference-page and unsubscribe links",
            )?;
        }
        let now: Option<Option<String>> = tx
            .row(
                "SELECT link_nonce FROM candidates WHERE id = ?1",
                [candidate],
                |r| r.get(0),
            )
            .optional()?;
        tx.commit()?;
        Ok(now.flatten())
    }

    /// Gives `candidate` and every candidate merged into it (at any depth) a new link secret:
    /// every link made for them before stops working. Returns how many candidates changed.
    pub fn renew_link_nonces(
        &mut self,
        candidate: i64,
        mut fresh: impl FnMut() -> String,
        actor: &str,
    ) -> Result<usize> {
        let tx = self.write_tx()?;
        let ids: Vec<i64> = {
            let mut st = tx.prepare(
                "WITH RECURSIVE tree(id) AS (
                   SELECT ?1 UNION SELECT c.id FROM candidates c JOIN tree t ON c.merged_into = t.id)
                 SELECT id FROM tree WHERE id IN (SELECT id FROM candidates)",
            )?;
            st.query_map([candidate], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            tx.execute(
                "UPDATE candidates SET link_nonce = ?2 WHERE id = ?1",
                params![id, fresh()],
            )?;
        }
        if !ids.is_empty() {
            audit(
                &tx,
                actor,
                "revoke-links",
                Some(candidate),
                "every earlier preference-page and unsubscribe link stops working",
            )?;
        }
        tx.commit()?;
        Ok(ids.len())
    }

    /// Mail to the unsubscribe address that nobody has settled yet, oldest first.
    pub fn pending_unsubscribes(&self) -> Result<Vec<PendingUnsubscribe>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, unsubscribe_token FROM messages
             WHERE unsubscribe_token IS NOT NULL AND unsubscribe_settled_at IS NULL ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(PendingUnsubscribe {
                message: r.get(0)?,
                token: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a message to the unsubscribe address as settled (its opt-out recorded, or found
    /// to carry no valid link): it is not looked at again.
    pub fn settle_unsubscribe(&mut self, message: i64, at: i64) -> Result<()> {
        self.write_with(|tx| {
            tx.execute(
                "UPDATE messages SET unsubscribe_settled_at = ?2 WHERE id = ?1",
                params![message, at],
            )?;
            Ok(())
        })
    }

    /// The topics of the newest message queued or sent to the candidate (or anyone merged
    /// into them), for an unsubscribe scoped to "the topic of what we sent".
    pub fn last_sent_topics(&self, candidate: i64) -> Result<Vec<String>> {
        let t: Option<String> = self
            .conn
            .query_row(
                "SELECT topics FROM outbox WHERE candidate_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
                [candidate],
                |r| r.get(0),
            )
            .optional()?;
        Ok(t.unwrap_or_default()
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect())
    }
}
