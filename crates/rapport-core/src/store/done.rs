//! "Done, no reply needed": a recruiter closes a candidate's wait without answering (a thank
//! you, an out-of-office the filters missed). Recorded with who, when and an optional note; it
//! joins the timeline, ends the wait as `done` (see `responses::waits`) and is counted apart
//! from replies in reports. Their next message opens a new wait as usual.

use super::data_rights::PERSON;
use super::relations::audit;
use super::write::refresh_candidate;
use super::{Result, Store, StoreError};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// A wait closed without a reply, as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoneView {
    pub id: i64,
    /// The recruiter credited with it.
    pub actor: String,
    pub at: i64,
    /// Why no reply was needed (may be empty).
    pub note: String,
}

impl Store {
    /// Marks the candidate's open wait done at `at` (never before the wait began), credited to
    /// `actor`. Audited. Refused when they are not waiting.
    pub fn mark_done(
        &mut self,
        candidate_id: i64,
        actor: &str,
        at: i64,
        note: &str,
    ) -> Result<i64> {
        let tx = self.write_tx()?;
        let wait: Option<(Option<i64>, Option<i64>)> = tx
            .query_row(
                "SELECT waiting_since, merged_into FROM candidates WHERE id = ?1",
                [candidate_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let since = match wait {
            None => {
                return Err(StoreError::Invalid(format!(
                    "there is no candidate {candidate_id}"
                )));
            }
            Some((_, Some(into))) => {
                return Err(StoreError::Invalid(format!(
                    "candidate {candidate_id} was merged into candidate {into}; use that one"
                )));
            }
            Some((None, None)) => {
                return Err(StoreError::Invalid(
                    "they are not waiting for a reply: nothing to mark done".into(),
                ));
            }
            Some((Some(since), None)) => since,
        };
        tx.execute(
            "INSERT INTO done_marks(candidate_id, at, actor, note) VALUES (?1, ?2, ?3, ?4)",
            params![candidate_id, at.max(since), actor, note],
        )?;
        let id = tx.last_insert_rowid();
        refresh_candidate(&tx, candidate_id)?;
        let detail = if note.is_empty() {
            "no reply needed".to_string()
        } else {
            format!(
                "no reply needed: {}",
                note.chars().take(80).collect::<String>()
            )
        };
        audit(&tx, actor, "done", Some(candidate_id), &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Waits of the person (records merged into them included) closed as done, oldest first.
    pub fn done_marks(&self, candidate_id: i64) -> Result<Vec<DoneView>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{PERSON} SELECT id, actor, at, note FROM done_marks WHERE candidate_id IN person
             ORDER BY at, id"
        ))?;
        let rows = st.query_map([candidate_id], |r| {
            Ok(DoneView {
                id: r.get(0)?,
                actor: r.get(1)?,
                at: r.get(2)?,
                note: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
