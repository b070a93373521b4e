//! Who did what: the audit log as `rapport audit` lists it. Rows are written by every write
//! path in the same transaction as the change (see `relations::audit`).

use super::{Result, Store};
use rusqlite::params;
use serde::Serialize;

/// One recorded action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    /// The acting user (display name from the config, else the OS user).
    pub actor: String,
    pub action: String,
    pub candidate_id: Option<i64>,
    /// The candidate's first address, when the action concerned one still on record.
    pub candidate: Option<String>,
    pub candidate_name: Option<String>,
    pub detail: String,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only this candidate (and candidates merged into it).
    pub candidate_id: Option<i64>,
    /// Only entries at or after this unix time.
    pub since: Option<i64>,
    pub actor: Option<String>,
    /// At most the newest this many (0: all).
    pub limit: usize,
}

impl Store {
    /// Records an action that changes nothing else in the store by itself (an import).
    pub fn record_action(
        &self,
        actor: &str,
        action: &str,
        candidate_id: Option<i64>,
        detail: &str,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        super::relations::audit(&tx, actor, action, candidate_id, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Audit entries, oldest first.
    pub fn audit_entries(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut st = self.conn.prepare_cached(
            "SELECT * FROM (
               SELECT l.id, l.at, l.actor, l.action, l.candidate_id,
                 (SELECT address FROM candidate_addresses a WHERE a.candidate_id = l.candidate_id
                  ORDER BY first_seen, address LIMIT 1),
                 c.name, l.detail
               FROM audit_log l LEFT JOIN candidates c ON c.id = l.candidate_id
               WHERE (?1 IS NULL OR l.candidate_id IN
                        (SELECT id FROM candidates WHERE id = ?1 OR merged_into = ?1))
                 AND (?2 IS NULL OR l.at >= ?2)
                 AND (?3 IS NULL OR l.actor = ?3)
               ORDER BY l.at DESC, l.id DESC
               LIMIT ?4)
             ORDER BY at, id",
        )?;
        let limit = if q.limit == 0 { -1 } else { q.limit as i64 };
        let rows = st.query_map(params![q.candidate_id, q.since, q.actor, limit], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                candidate_id: r.get(4)?,
                candidate: r.get(5)?,
                candidate_name: r.get(6)?,
                detail: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
