//! Erasure on request: every row about a person goes, across merges and splits, and the bytes
//! go from the database file and its write-ahead log too. What stays is a keyed hash of each
//! address (so new mail is recognised and sending is refused) and where their mail sits on the
//! server (so a sync never fetches it again).

use super::data_rights::{OUTBOX_OF_PERSON, PERSON};
use super::relations::audit;
use super::{Result, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use std::collections::BTreeSet;

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub messages: usize,
    /// Their addresses, for the caller's own clean-up (files, the server); not kept.
    pub addresses: Vec<String>,
    /// Where their mail is on the IMAP server: folder and UID.
    pub server_copies: Vec<(String, u32)>,
    /// `None`: nothing of theirs is left in the database file or its log. Otherwise what
    /// still holds old bytes and why; rapport finishes the job at the next opportunity.
    pub pending: Option<String>,
}

/// Meta key set while an erasure's old bytes may still be on disk.
const PENDING: &str = "erase_pending_since";

/// How long an erasure waits for colleagues' reads to end before it leaves the rest for later.
const COMPACT_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

impl Store {
    /// Erases the person behind `candidate_id`: every record merged into it, every candidate
    /// that once held one of their addresses (merged away, then split off), what moved in those
    /// merges, their mail and its search entries, and the audit details that name them.
    pub fn erase(&mut self, candidate_id: i64, actor: &str, reason: &str) -> Result<Erased> {
        let hasher = super::suppression::Suppressor::with_key(self.suppression_key_for_erasure()?);
        let now = super::now();
        let tx = self.write_tx()?;
        let person = person_of(&tx, candidate_id)?;
        if person.ids.is_empty() {
            return Err(StoreError::Invalid(format!(
                "there is no candidate {candidate_id}"
            )));
        }
        let hashes: Vec<String> = person
            .addresses
            .iter()
            .filter_map(|a| hasher.hash(a))
            .collect();
        let first_hash = hashes.first().cloned().unwrap_or_default();

        // Their mail's ids and threads (also of mail that moved in their merges): the threading
        // index must forget them too.
        let mut threaded: Vec<(i64, String)> = Vec::new();
        {
            let mut st =
                tx.prepare("SELECT thread_id, message_id FROM messages WHERE candidate_id = ?1")?;
            for id in &person.ids {
                threaded.extend(
                    st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                        .collect::<rusqlite::Result<Vec<_>>>()?,
                );
            }
            let mut st = tx.prepare("SELECT thread_id, message_id FROM messages WHERE id = ?1")?;
            for m in &person.merges {
                for id in m.moved["messages"].as_array().into_iter().flatten() {
                    threaded.extend(
                        st.query_row([id.as_i64()], |r| Ok((r.get(0)?, r.get(1)?)))
                            .optional()?,
                    );
                }
            }
        }
        // Where their mail sits on the server: kept (without content) so no sync brings it back.
        let mut server_copies = Vec::new();
        for id in &person.ids {
            let mut st = tx.prepare("SELECT id FROM messages WHERE candidate_id = ?1")?;
            let mail: Vec<i64> = st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            server_copies.extend(hold_on_server(&tx, &mail, &first_hash, now)?);
        }
        // What moved in merges of theirs goes wherever it is now.
        for m in &person.merges {
            server_copies.extend(forget_merge(&tx, m, &first_hash, now)?);
        }
        // Merges that took some of their addresses along with someone else's keep the rest.
        scrub_shared_merges(&tx, &person.addresses)?;

        // Mail queued for them or to one of their addresses, whoever it was queued for.
        let mut outbox: Vec<(i64, String)> = Vec::new();
        for id in &person.ids {
            let mut st = tx.prepare(&format!(
                "{PERSON} SELECT o.id, o.message_id FROM outbox o WHERE {OUTBOX_OF_PERSON}"
            ))?;
            outbox.extend(
                st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            );
        }
        for (id, mid) in &outbox {
            tx.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
            tx.execute(
                "DELETE FROM audit_log WHERE action = 'queue-mail' AND detail = ?1",
                [mid],
            )?;
        }
        let mut deleted = 0;
        for id in &person.ids {
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
                "done_marks",
                "presence",
                "waits",
                "data_requests",
                "share_items",
                "preference_asks",
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
        forget_threads(&tx, &threaded)?;
        forget_audit_details(&tx, &person)?;
        for id in person.ids.iter().rev() {
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
        // Candidates who kept what moved back and forth have their summaries recomputed.
        for c in &person.touched {
            if tx
                .query_row("SELECT 1 FROM candidates WHERE id = ?1", [c], |_| Ok(()))
                .optional()?
                .is_some()
            {
                super::write::refresh_candidate(&tx, *c)?;
            }
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
        tx.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![PENDING, now.to_string()],
        )?;
        tx.commit()?;
        let pending = self.compact(COMPACT_PATIENCE, true).err();
        Ok(Erased {
            messages: deleted,
            addresses: person.addresses.into_iter().collect(),
            server_copies,
            pending,
        })
    }

    /// When an erasure's old bytes may still be in the database file or its log (a colleague's
    /// session held an old snapshot), since when.
    pub fn pending_erasure(&self) -> Result<Option<i64>> {
        Ok(self.meta(PENDING)?.and_then(|v| v.parse().ok()))
    }

    /// Finishes an erasure left pending, if any, waiting at most `patience` for readers.
    /// Returns what is still left, if anything.
    pub fn finish_pending_erasure(&self, patience: std::time::Duration) -> Result<Option<String>> {
        if self.pending_erasure()?.is_none() {
            return Ok(None);
        }
        Ok(self.compact(patience, false).err())
    }

    /// Makes the deletion real on disk: merges the search index, rewrites the file (free pages
    /// hold old rows otherwise) and empties the write-ahead log, which holds old copies of every
    /// page written since the last checkpoint. A checkpoint cannot pass a colleague's open read
    /// snapshot, so it is retried for `patience`; Err says what is left.
    fn compact(
        &self,
        patience: std::time::Duration,
        vacuum: bool,
    ) -> std::result::Result<(), String> {
        let start = std::time::Instant::now();
        let mut vacuumed = !vacuum;
        let mut last;
        loop {
            let step = || -> Result<bool> {
                if !vacuumed {
                    self.conn.execute(
                        "INSERT INTO messages_fts(messages_fts) VALUES ('optimize')",
                        [],
                    )?;
                    self.conn.execute_batch("VACUUM")?;
                }
                let (busy, log, done): (i64, i64, i64) =
                    self.conn
                        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })?;
                Ok(busy == 0 && log <= 0 && done <= 0)
            };
            match step() {
                Ok(true) => {
                    let _ = super::retry_busy(|| {
                        Ok(self
                            .conn
                            .execute("DELETE FROM meta WHERE key = ?1", [PENDING])?)
                    });
                    // The meta row's own deletion is in the log again: empty it once more.
                    let _ = self
                        .conn
                        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
                    return Ok(());
                }
                Ok(false) => {
                    vacuumed = true;
                    last = "another session is still reading an older state of the database".into();
                }
                Err(e) => last = e.to_string(),
            }
            if start.elapsed() >= patience {
                let wal = self.path.with_extension("db-wal");
                return Err(format!(
                    "their data is deleted from the database, but old copies of its pages are still in {} and free space of {} ({last}); rapport removes them as soon as no session holds the old state (at the next start of any rapport command, or `rapport doctor`)",
                    wal.display(),
                    self.path.display()
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// Everything that is the person: candidate rows and addresses, and the merges that moved
/// records of theirs.
struct Person {
    ids: Vec<i64>,
    addresses: BTreeSet<String>,
    /// Merges whose source was wholly theirs.
    merges: Vec<Merge>,
    /// Other candidates whose records change (merge targets).
    touched: BTreeSet<i64>,
}

struct Merge {
    id: i64,
    target: i64,
    moved: Value,
}

fn person_of(tx: &Connection, candidate_id: i64) -> Result<Person> {
    let mut p = Person {
        ids: Vec::new(),
        addresses: BTreeSet::new(),
        merges: Vec::new(),
        touched: BTreeSet::new(),
    };
    let mut queue = vec![candidate_id];
    let mut seen_merges = BTreeSet::new();
    while let Some(c) = queue.pop() {
        let ids: Vec<i64> = {
            let mut st = tx.prepare(&format!(
                "{PERSON} SELECT p.id FROM person p JOIN candidates c ON c.id = p.id"
            ))?;
            st.query_map([c], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for id in ids {
            if p.ids.contains(&id) {
                continue;
            }
            p.ids.push(id);
            let mut st =
                tx.prepare("SELECT address FROM candidate_addresses WHERE candidate_id = ?1")?;
            let addrs: Vec<String> = st
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            p.addresses.extend(addrs);
        }
        // A candidate merged away whose addresses were all theirs is them too (merged, then
        // their address split off again): it still holds their name, notes and snippet.
        let mut st = tx.prepare("SELECT id, target_id, source_id, moved FROM merges")?;
        let merges: Vec<(i64, i64, i64, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, target, source, moved) in merges {
            if seen_merges.contains(&id) {
                continue;
            }
            let moved: Value = serde_json::from_str(&moved).map_err(|e| {
                StoreError::Invalid(format!(
                    "merge {id} has an unreadable record (merges.moved): {e}"
                ))
            })?;
            let addrs = addresses_of(&moved);
            let theirs = p.ids.contains(&source)
                || (!addrs.is_empty() && addrs.iter().all(|a| p.addresses.contains(a)));
            if theirs {
                seen_merges.insert(id);
                p.touched.insert(target);
                p.merges.push(Merge { id, target, moved });
                if !p.ids.contains(&source) {
                    queue.push(source);
                }
            }
        }
    }
    p.touched.retain(|c| !p.ids.contains(c));
    Ok(p)
}

fn addresses_of(moved: &Value) -> Vec<String> {
    moved["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(|s| s.to_lowercase()))
        .collect()
}

/// Deletes what a merge of theirs moved (wherever it is now), gives the target back its own
/// preferences when it still has theirs, and drops the merge with its audit entries.
fn forget_merge(tx: &Connection, m: &Merge, hash: &str, now: i64) -> Result<Vec<(String, u32)>> {
    let mail: Vec<i64> = m.moved["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect();
    let copies = hold_on_server(tx, &mail, hash, now)?;
    for (key, table) in [
        ("messages", "messages"),
        ("contacts", "contact_log"),
        ("opt_outs", "opt_outs"),
        ("ledger", "ledger"),
        ("drafts", "drafts"),
        ("outbox", "outbox"),
    ] {
        for id in m.moved[key].as_array().into_iter().flatten() {
            tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id.as_i64()])?;
        }
    }
    if m.moved["source_preferences_moved"].as_bool() == Some(true) {
        let current: Option<i64> = tx
            .query_row(
                "SELECT updated_at FROM preferences WHERE candidate_id = ?1",
                [m.target],
                |r| r.get(0),
            )
            .optional()?;
        if current.is_some() && current == m.moved["source_preferences"]["updated_at"].as_i64() {
            tx.execute(
                "DELETE FROM preferences WHERE candidate_id = ?1",
                [m.target],
            )?;
            let own = &m.moved["target_preferences"];
            if own.is_object() {
                super::people::restore_prefs(tx, m.target, own)?;
            }
        }
    }
    tx.execute(
        "DELETE FROM audit_log WHERE candidate_id = ?1 AND action IN ('merge', 'unmerge')
           AND (detail LIKE ?2 OR detail LIKE ?3)",
        params![
            m.target,
            format!("%(merge {})", m.id),
            format!("undid merge {}:%", m.id)
        ],
    )?;
    tx.execute("DELETE FROM merges WHERE id = ?1", [m.id])?;
    Ok(copies)
}

/// Records where messages about to be erased sit on the server (folder, UID, the person's
/// hash; never content) and returns those places.
fn hold_on_server(
    tx: &Connection,
    messages: &[i64],
    hash: &str,
    now: i64,
) -> Result<Vec<(String, u32)>> {
    let mut places = Vec::new();
    let mut find = tx.prepare_cached(
        "SELECT f.name, l.uid FROM message_locations l JOIN folders f ON f.id = l.folder_id
         WHERE l.message_id = ?1",
    )?;
    let mut hold = tx.prepare_cached(
        "INSERT OR IGNORE INTO suppressed_mail(folder_id, uid, address_hash, at, arrived)
         SELECT folder_id, uid, ?2, ?3, 0 FROM message_locations WHERE message_id = ?1",
    )?;
    for id in messages {
        places.extend(
            find.query_map([id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u32)))?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        );
        hold.execute(params![id, hash, now])?;
    }
    Ok(places)
}

/// Merges whose source had other addresses too: the erased ones leave their record.
fn scrub_shared_merges(tx: &Connection, erased: &BTreeSet<String>) -> Result<()> {
    let rows: Vec<(i64, String)> = tx
        .prepare("SELECT id, moved FROM merges")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, moved) in rows {
        let Ok(mut v) = serde_json::from_str::<Value>(&moved) else {
            continue;
        };
        let before = addresses_of(&v);
        if !before.iter().any(|a| erased.contains(a)) {
            continue;
        }
        let kept: Vec<String> = before.into_iter().filter(|a| !erased.contains(a)).collect();
        v["addresses"] = serde_json::json!(kept);
        tx.execute(
            "UPDATE merges SET moved = ?2 WHERE id = ?1",
            params![id, v.to_string()],
        )?;
    }
    Ok(())
}

/// Their message ids leave the threading index; a thread left without mail goes entirely.
fn forget_threads(tx: &Connection, threaded: &[(i64, String)]) -> Result<()> {
    for (thread, mid) in threaded {
        tx.execute(
            "DELETE FROM thread_ids WHERE message_id = ?1
               AND NOT EXISTS (SELECT 1 FROM messages WHERE message_id = ?1)",
            [mid],
        )?;
        if !tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM messages WHERE thread_id = ?1)",
            [thread],
            |r| r.get::<_, bool>(0),
        )? {
            tx.execute("DELETE FROM thread_ids WHERE thread_id = ?1", [thread])?;
            tx.execute("DELETE FROM threads WHERE id = ?1", [thread])?;
        }
    }
    Ok(())
}

/// Audit entries about other candidates that name them: an address, or one of their
/// candidate numbers ("address moved to candidate 12").
fn forget_audit_details(tx: &Connection, p: &Person) -> Result<()> {
    let rows: Vec<(i64, String)> = tx
        .prepare("SELECT id, lower(detail) FROM audit_log")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, detail) in rows {
        let names_them = p.addresses.iter().any(|a| detail.contains(a.as_str()))
            || p.ids.iter().any(|c| mentions_candidate(&detail, *c));
        if names_them {
            tx.execute("DELETE FROM audit_log WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}

fn mentions_candidate(detail: &str, id: i64) -> bool {
    let needle = format!("candidate {id}");
    detail.match_indices(&needle).any(|(i, _)| {
        !detail[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}
