//! Data rights: everything about a person as one JSON document, or erased, keeping only a keyed
//! hash of each address in a suppression list so the opt-out survives the erasure.

use super::relations::audit;
use super::{Result, Store, StoreError};
use hmac::{KeyInit, Mac};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Value, json};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

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
    "presence",
];

/// Tables without personal data (sync state, search index internals, threading ids).
pub const NOT_PERSONAL: &[&str] = &[
    "meta",
    "folders",
    "team_members",
    "threads",
    "thread_ids",
    "suppressions",
    "messages_fts",
    "messages_fts_data",
    "messages_fts_idx",
    "messages_fts_config",
    // Which recruiter's process syncs: nothing about candidates.
    "leases",
];

/// `person`: the candidate `?1` and every record merged into it, however deep.
pub(super) const PERSON: &str = "WITH RECURSIVE person(id) AS (SELECT ?1 UNION SELECT c.id FROM candidates c JOIN person p ON c.merged_into = p.id)";

/// Outbox rows (`o`) of the person: queued for them, or to one of their addresses.
pub(super) const OUTBOX_OF_PERSON: &str = "(o.candidate_id IN person OR EXISTS (SELECT 1 FROM candidate_addresses a
    WHERE a.candidate_id IN person
      AND instr(',' || replace(lower(o.envelope_to), ' ', '') || ',', ',' || a.address || ',') > 0))";

impl Store {
    /// The key of the suppression hashes, made on first use and kept in the database.
    fn suppression_key(&self) -> Result<Vec<u8>> {
        if let Some(hex) = self.meta("suppression_key")? {
            return Ok(hex_decode(&hex));
        }
        let mut key = vec![0u8; 32];
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut key))
            .map_err(|e| StoreError::Invalid(format!("cannot read /dev/urandom: {e}")))?;
        self.set_meta("suppression_key", &hex_encode(&key))?;
        Ok(key)
    }

    /// The keyed hash of an address, as kept after erasure.
    pub fn address_hash(&self, address: &str) -> Result<String> {
        let key = self.suppression_key()?;
        let mut mac = HmacSha256::new_from_slice(&key).expect("HMAC takes any key length");
        mac.update(address.trim().to_lowercase().as_bytes());
        Ok(hex_encode(&mac.finalize().into_bytes()))
    }

    /// When `address` was erased on request, if it was.
    pub fn suppressed_since(&self, address: &str) -> Result<Option<i64>> {
        let h = self.address_hash(address)?;
        Ok(self
            .conn
            .query_row(
                "SELECT at FROM suppressions WHERE address_hash = ?1",
                [h],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Everything held about the person behind `candidate_id` (with every record merged
    /// into it), as one JSON document.
    pub fn export(&self, candidate_id: i64) -> Result<Value> {
        let q = |sql: &str| -> Result<Value> {
            rows_json(&self.conn, &format!("{PERSON} {sql}"), candidate_id)
        };
        Ok(json!({
            "format": "rapport-export-1",
            "exported_at": crate::core::timefmt::rfc3339(super::now()),
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
            "presence": q("SELECT session, user, name, candidate_id, activity, since, heartbeat_at FROM presence WHERE candidate_id IN person")?,
        }))
    }

    /// Erases the person: every row about them, their mail and its search entries. Each address
    /// stays only as a keyed hash, so new mail is flagged and sending is refused. Returns the
    /// number of messages deleted.
    pub fn erase(&mut self, candidate_id: i64, actor: &str, reason: &str) -> Result<usize> {
        // The person: the candidate and every record merged into it, however deep.
        let ids: Vec<i64> = {
            let mut st = self.conn.prepare(&format!(
                "{PERSON} SELECT p.id FROM person p JOIN candidates c ON c.id = p.id"
            ))?;
            st.query_map([candidate_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        if ids.is_empty() {
            return Err(StoreError::Invalid(format!(
                "there is no candidate {candidate_id}"
            )));
        }
        let mut hashes = Vec::new();
        for id in &ids {
            let mut st = self
                .conn
                .prepare("SELECT address FROM candidate_addresses WHERE candidate_id = ?1")?;
            let addrs: Vec<String> = st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for a in addrs {
                hashes.push(self.address_hash(&a)?);
            }
        }
        let now = super::now();
        let tx = self.write_tx()?;
        let list = |sql: &str| -> Result<Vec<(i64, String)>> {
            let mut st = tx.prepare(&format!("{PERSON} {sql}"))?;
            let v = st
                .query_map([candidate_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(v)
        };
        // Mail queued for them or to one of their addresses, whoever it was queued for.
        let outbox = list(&format!(
            "SELECT o.id, o.message_id FROM outbox o WHERE {OUTBOX_OF_PERSON}"
        ))?;
        // Their mail's ids and threads: the threading index must forget them too.
        let threaded =
            list("SELECT thread_id, message_id FROM messages WHERE candidate_id IN person")?;
        for (id, mid) in &outbox {
            tx.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
            tx.execute(
                "DELETE FROM audit_log WHERE action = 'queue-mail' AND detail = ?1",
                [mid],
            )?;
        }
        let mut deleted = 0;
        for id in &ids {
            deleted += tx.execute("DELETE FROM messages WHERE candidate_id = ?1", [id])?;
            for table in [
                "ledger",
                "contact_log",
                "opt_outs",
                "drafts",
                "outbox",
                "audit_log",
                "preferences",
                "interests",
                "candidate_addresses",
                "assignments",
                "snoozes",
                "notes",
                "presence",
            ] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE candidate_id = ?1"),
                    [id],
                )?;
            }
            tx.execute(
                "DELETE FROM merges WHERE target_id = ?1 OR source_id = ?1",
                [id],
            )?;
        }
        for (thread, mid) in &threaded {
            tx.execute(
                "DELETE FROM thread_ids WHERE message_id = ?1
                   AND NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?1)",
                [mid],
            )?;
            // A thread left without mail goes entirely: its subject and every id in it.
            if !tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM messages WHERE thread_id = ?1)",
                [thread],
                |r| r.get::<_, bool>(0),
            )? {
                tx.execute("DELETE FROM thread_ids WHERE thread_id = ?1", [thread])?;
                tx.execute("DELETE FROM threads WHERE id = ?1", [thread])?;
            }
        }
        for id in ids.iter().rev() {
            tx.execute(
                "UPDATE candidates SET merged_into = NULL WHERE merged_into = ?1",
                [id],
            )?;
            tx.execute("DELETE FROM candidates WHERE id = ?1", [id])?;
        }
        for h in &hashes {
            tx.execute(
                "INSERT INTO suppressions(address_hash, at, reason) VALUES (?1, ?2, 'erased on request')
                 ON CONFLICT(address_hash) DO UPDATE SET at = excluded.at",
                params![h, now],
            )?;
        }
        audit(
            &tx,
            actor,
            "erase",
            None,
            &format!(
                "{} address(es), {deleted} message(s); {}",
                hashes.len(),
                if reason.is_empty() {
                    "on request"
                } else {
                    "on request (reason kept with the request)"
                }
            ),
        )?;
        // While the search index is deferred the triggers did not remove their words: rebuild.
        super::search_index::complete(&tx)?;
        tx.commit()?;
        // Make the deletion real on disk: merge the search index, rewrite the file, empty the
        // WAL. The erasure itself is committed (and secure_delete overwrote the rows); when
        // colleagues' sessions keep the file busy, this compaction waits for a later erase.
        let compact = super::retry_busy(|| {
            self.conn.execute(
                "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')",
                [],
            )?;
            self.conn.execute_batch("VACUUM")?;
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        });
        if let Err(e) = compact {
            tracing::warn!("erase committed, but compacting the database failed: {e}");
        }
        Ok(deleted)
    }
}

/// Whether `address` was erased on request (inside a write transaction; no key means nobody
/// was ever erased).
pub(crate) fn is_suppressed(tx: &Transaction, address: &str) -> Result<bool> {
    let key: Option<String> = tx
        .query_row(
            "SELECT value FROM meta WHERE key = 'suppression_key'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let Some(key) = key else { return Ok(false) };
    let mut mac = HmacSha256::new_from_slice(&hex_decode(&key)).expect("HMAC takes any key length");
    mac.update(address.trim().to_lowercase().as_bytes());
    let h = hex_encode(&mac.finalize().into_bytes());
    Ok(tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM suppressions WHERE address_hash = ?1)",
        [h],
        |r| r.get(0),
    )?)
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

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}
