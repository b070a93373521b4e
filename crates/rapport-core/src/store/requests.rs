//! The candidate's own requests about their data (a copy of it, or its erasure), made on their
//! preference page. Each is a task for the team, due within a month (GDPR art. 12(3)); rapport
//! never exports or erases on the candidate's word alone: a recruiter does, and that settles it.

use super::relations::audit;
use super::{Result, Store, StoreError};
use crate::values::DataRequestKind;
use rusqlite::params;
use serde::Serialize;

/// An open or settled request, as the inbox, the CLI and the profile show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataRequest {
    pub id: i64,
    pub candidate_id: i64,
    pub name: String,
    pub address: String,
    pub kind: DataRequestKind,
    pub via: String,
    pub at: i64,
    pub due_at: i64,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.candidate_id, c.name,
    coalesce((SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id
              ORDER BY first_seen, address LIMIT 1), ''),
    r.kind, r.via, r.at, r.due_at, r.resolved_at, r.resolved_by, r.resolution
  FROM data_requests r JOIN candidates c ON c.id = r.candidate_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<DataRequest> {
    Ok(DataRequest {
        id: r.get(0)?,
        candidate_id: r.get(1)?,
        name: r.get(2)?,
        address: r.get(3)?,
        kind: r.get(4)?,
        via: r.get(5)?,
        at: r.get(6)?,
        due_at: r.get(7)?,
        resolved_at: r.get(8)?,
        resolved_by: r.get(9)?,
        resolution: r.get(10)?,
    })
}

impl Store {
    /// Records a request; one open request of a kind per candidate (asking twice is the same
    /// request, keeping the first date and its clock). Returns its id and whether it is new.
    pub fn add_data_request(
        &mut self,
        candidate_id: i64,
        kind: DataRequestKind,
        via: &str,
        at: i64,
        due_at: i64,
        actor: &str,
    ) -> Result<(i64, bool)> {
        let tx = self.write_tx()?;
        let open: Option<i64> = tx
            .query_row(
                "SELECT id FROM data_requests WHERE candidate_id = ?1 AND kind = ?2
                 AND resolved_at IS NULL",
                params![candidate_id, kind],
                |r| r.get(0),
            )
            .ok();
        if let Some(id) = open {
            return Ok((id, false));
        }
        let exists: bool = tx.query_row(
            "SELECT count(*) FROM candidates WHERE id = ?1 AND merged_into IS NULL",
            [candidate_id],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        if !exists {
            return Err(StoreError::Invalid(format!(
                "there is no candidate {candidate_id}"
            )));
        }
        tx.execute(
            "INSERT INTO data_requests(candidate_id, kind, via, at, due_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![candidate_id, kind, via, at, due_at],
        )?;
        let id = tx.last_insert_rowid();
        audit(
            &tx,
            actor,
            "data-request",
            Some(candidate_id),
            &format!("{kind} via {via}"),
        )?;
        tx.commit()?;
        Ok((id, true))
    }

    /// Open requests, the one due first first.
    pub fn open_data_requests(&self) -> Result<Vec<DataRequest>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.resolved_at IS NULL ORDER BY r.due_at, r.id"
        ))?;
        let v = st.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// A candidate's requests, open and settled, oldest first.
    pub fn data_requests_of(&self, candidate_id: i64) -> Result<Vec<DataRequest>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.candidate_id = ?1 ORDER BY r.at, r.id"
        ))?;
        let v = st
            .query_map([candidate_id], row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(v)
    }

    /// Settles the candidate's open requests of `kind`; returns how many. Audited.
    pub fn resolve_data_requests(
        &mut self,
        candidate_id: i64,
        kind: DataRequestKind,
        at: i64,
        actor: &str,
        resolution: &str,
    ) -> Result<usize> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE data_requests SET resolved_at = ?3, resolved_by = ?4, resolution = ?5
             WHERE candidate_id = ?1 AND kind = ?2 AND resolved_at IS NULL",
            params![candidate_id, kind, at, actor, resolution],
        )?;
        if n > 0 {
            audit(
                &tx,
                actor,
                "data-request-resolved",
                Some(candidate_id),
                &format!("{kind}: {resolution}"),
            )?;
        }
        tx.commit()?;
        Ok(n)
    }
}
