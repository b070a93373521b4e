//! Data rights: everything about a person as one JSON document, or erased, keeping only a keyed
//! hash of each address in a suppression list so the opt-out survives the erasure.

use super::{Result, Store};
use serde_json::{Value, json};

/// Tables holding personal data, each covered by `export` (the schema test checks that every
/// table is either here or in `NOT_PERSONAL`).
pub const EXPORTED_TABLES: &[&str] = &[
    "candidates",
    "candidate_addresses",
    "preferences",
    "interests",
    "ledger",
    "contact_log",
    "opt_outs",
    "messages",
    "message_raw",
    "message_locations",
    "drafts",
    "outbox",
    "audit_log",
    "merges",
    "waits",
    "assignments",
    "snoozes",
    "notes",
    "done_marks",
    "presence",
    "data_requests",
    "share_items",
    "preference_asks",
];

/// Tables without personal data (sync state, search index internals, threading ids).
pub const NOT_PERSONAL: &[&str] = &[
    "meta",
    "folders",
    "team_members",
    "threads",
    "thread_ids",
    "suppressions",
    // Where mail about erased people sits on the server: folder, UID and keyed hashes only.
    "suppressed_mail",
    "messages_fts",
    "messages_fts_data",
    "messages_fts_idx",
    "messages_fts_config",
    // Which recruiter's process syncs: nothing about candidates.
    "leases",
    // Shared content and its pace; who received it is in share_items.
    "shares",
];

/// `person`: the candidate `?1` and every record merged into it, however deep.
pub(super) const PERSON: &str = "WITH RECURSIVE person(id) AS (SELECT ?1 UNION SELECT c.id FROM candidates c JOIN person p ON c.merged_into = p.id)";

/// Outbox rows (`o`) of the person: queued for them, or to one of their addresses.
pub(super) const OUTBOX_OF_PERSON: &str = "(o.candidate_id IN person OR EXISTS (SELECT 1 FROM candidate_addresses a
    WHERE a.candidate_id IN person
      AND instr(',' || replace(lower(o.envelope_to), ' ', '') || ',', ',' || a.address || ',') > 0))";

impl Store {
    /// Everything held about the person behind `candidate_id` (with every record merged
    /// into it), as one JSON document.
    pub fn export(&self, candidate_id: i64) -> Result<Value> {
        let q = |sql: &str| -> Result<Value> {
            rows_json(&self.conn, &format!("{PERSON} {sql}"), candidate_id)
        };
        Ok(json!({
            "format": "rapport-export-1",
            "exported_at": crate::timefmt::rfc3339(super::now()),
            "candidates": q("SELECT * FROM candidates WHERE id IN person")?,
            "candidate_addresses": q("SELECT * FROM candidate_addresses WHERE candidate_id IN person")?,
            "preferences": q("SELECT * FROM preferences WHERE candidate_id IN person")?,
            "interests": q("SELECT * FROM interests WHERE candidate_id IN person")?,
            "ledger": q("SELECT * FROM ledger WHERE candidate_id IN person ORDER BY at, id")?,
            "contact_log": q("SELECT * FROM contact_log WHERE candidate_id IN person ORDER BY at, id")?,
            "opt_outs": q("SELECT * FROM opt_outs WHERE candidate_id IN person ORDER BY at, id")?,
            "messages": q("SELECT * FROM messages WHERE candidate_id IN person ORDER BY date, id")?,
            "message_raw": q("SELECT r.message_id, CAST(r.raw AS TEXT) AS raw FROM message_raw r JOIN messages m ON m.id = r.message_id WHERE m.candidate_id IN person")?,
            "message_locations": q("SELECT l.* FROM message_locations l JOIN messages m ON m.id = l.message_id WHERE m.candidate_id IN person")?,
            "drafts": q("SELECT * FROM drafts WHERE candidate_id IN person")?,
            "outbox": q(&format!("SELECT o.id, o.candidate_id, o.message_id, CAST(o.raw AS TEXT) AS raw, o.envelope_from, o.envelope_to, o.topics, o.state, o.sent_copy_state, o.attempts, o.next_attempt_at, o.last_error, o.created_by, o.created_at, o.updated_at FROM outbox o WHERE {OUTBOX_OF_PERSON} ORDER BY o.id"))?,
            "audit_log": q("SELECT * FROM audit_log WHERE candidate_id IN person ORDER BY at, id")?,
            "merges": q("SELECT * FROM merges WHERE target_id IN person OR source_id IN person")?,
            "waits": q("SELECT * FROM waits WHERE candidate_id IN person ORDER BY started_at, id")?,
            "assignments": q("SELECT * FROM assignments WHERE candidate_id IN person")?,
            "snoozes": q("SELECT * FROM snoozes WHERE candidate_id IN person")?,
            "notes": q("SELECT * FROM notes WHERE candidate_id IN person ORDER BY at, id")?,
            "done_marks": q("SELECT * FROM done_marks WHERE candidate_id IN person ORDER BY at, id")?,
            "share_items": q("SELECT i.share_id, s.subject, i.state, i.reason, i.released_at FROM share_items i JOIN shares s ON s.id = i.share_id WHERE i.candidate_id IN person ORDER BY i.id")?,
            "preference_asks": q("SELECT message_id, language, asked_by, at FROM preference_asks WHERE candidate_id IN person ORDER BY at")?,
            "data_requests": q("SELECT * FROM data_requests WHERE candidate_id IN person ORDER BY at, id")?,
            "presence": q("SELECT session, user, name, candidate_id, activity, since, heartbeat_at FROM presence WHERE candidate_id IN person")?,
        }))
    }
}

pub(super) fn rows_json(conn: &rusqlite::Connection, sql: &str, id: i64) -> Result<Value> {
    let mut st = conn.prepare(sql)?;
    let names: Vec<String> = st.column_names().iter().map(|s| s.to_string()).collect();
    let rows = st.query_map([id], |r| {
        let mut obj = serde_json::Map::new();
        for (i, n) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Value::Null,
                rusqlite::types::ValueRef::Integer(x) => json!(x),
                rusqlite::types::ValueRef::Real(x) => json!(x),
                rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                rusqlite::types::ValueRef::Blob(b) => json!(String::from_utf8_lossy(b)),
            };
            obj.insert(n.clone(), v);
        }
        Ok(Value::Object(obj))
    })?;
    Ok(Value::Array(rows.collect::<rusqlite::Result<_>>()?))
}
