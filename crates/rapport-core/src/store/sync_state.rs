//! What IMAP sync needs from the store: per-folder state (RFC 4549), the UIDs we hold, flag
//! updates and expunges. New mail goes through `write_batch` with a `Location`, in the same
//! transaction as its UID, so a crash never loses or duplicates a message.

use super::write::refresh_candidate;
use super::{Result, Store};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeSet;

/// The sync state of one folder as last committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderState {
    pub id: i64,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
    /// The highest UID we hold: new mail is everything above it.
    pub max_uid: u32,
    /// How many UIDs we hold.
    pub count: u32,
}

impl Store {
    pub fn folder_state(&self, name: &str, role: &str) -> Result<FolderState> {
        let id = self.folder_id(name, role)?;
        let (uidvalidity, uidnext, hms): (Option<i64>, Option<i64>, Option<i64>) =
            self.conn.query_row(
                "SELECT uidvalidity, uidnext, highestmodseq FROM folders WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
        // Mail about erased people counts as held: it is on the server, never fetched again.
        let (max_uid, count): (Option<i64>, i64) = self.conn.query_row(
            "SELECT max(uid), count(*) FROM (SELECT uid FROM message_locations WHERE folder_id = ?1
             UNION ALL SELECT uid FROM suppressed_mail WHERE folder_id = ?1 AND uid IS NOT NULL)",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(FolderState {
            id,
            uidvalidity: uidvalidity.map(|v| v as u32),
            uidnext: uidnext.map(|v| v as u32),
            highestmodseq: hms.map(|v| v as u64),
            max_uid: max_uid.unwrap_or(0) as u32,
            count: count as u32,
        })
    }

    /// The server's UIDVALIDITY changed: forget every UID of the folder (messages stay, and
    /// are matched again by content as the folder is fetched anew).
    pub fn reset_folder(&mut self, folder_id: i64, uidvalidity: u32) -> Result<()> {
        let tx = self.write_tx()?;
        for table in ["message_locations", "suppressed_mail"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE folder_id = ?1"),
                [folder_id],
            )?;
        }
        tx.execute(
            "UPDATE folders SET uidvalidity = ?2, uidnext = NULL, highestmodseq = NULL WHERE id = ?1",
            params![folder_id, uidvalidity],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn set_folder_synced(
        &mut self,
        folder_id: i64,
        uidvalidity: u32,
        uidnext: Option<u32>,
        highestmodseq: Option<u64>,
    ) -> Result<()> {
        self.write_with(|tx| {
            tx.execute(
                "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4, last_sync_at = ?5 WHERE id = ?1",
                params![folder_id, uidvalidity, uidnext, highestmodseq.map(|m| m as i64), super::now()],
            )?;
            Ok(())
        })
    }

    /// Every UID we hold in a folder.
    pub fn folder_uids(&self, folder_id: i64) -> Result<BTreeSet<u32>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT uid FROM message_locations WHERE folder_id = ?1
                 UNION ALL SELECT uid FROM suppressed_mail WHERE folder_id = ?1 AND uid IS NOT NULL",
            )?;
        let rows = st.query_map([folder_id], |r| r.get::<_, i64>(0))?;
        rows.map(|r| r.map(|u| u as u32).map_err(Into::into))
            .collect()
    }

    /// Records flag changes.
    pub fn update_flags(
        &mut self,
        folder_id: i64,
        changes: &[(u32, String, Option<u64>)],
    ) -> Result<usize> {
        let tx = self.write_tx()?;
        let mut changed = 0;
        {
            let mut get = tx.prepare_cached(
                "SELECT flags FROM message_locations WHERE folder_id = ?1 AND uid = ?2",
            )?;
            let mut st = tx.prepare_cached(
                "UPDATE message_locations SET flags = ?3, modseq = coalesce(?4, modseq) WHERE folder_id = ?1 AND uid = ?2",
            )?;
            for (uid, flags, modseq) in changes {
                // A FLAGS response is not a change: a resumed or full-flag sync gets one for
                // every message held. Only a different set of flags counts (order aside).
                let old: Option<String> = get
                    .query_row(params![folder_id, uid], |r| r.get(0))
                    .optional()?;
                if old.as_deref().is_some_and(|o| !same_flags(o, flags)) {
                    changed += 1;
                }
                st.execute(params![folder_id, uid, flags, modseq.map(|m| m as i64)])?;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Removes UIDs expunged on the server. A synced message gone from every folder is deleted;
    /// what recruiters recorded about the candidate stays.
    pub fn expunge(&mut self, folder_id: i64, uids: &[u32]) -> Result<usize> {
        let tx = self.write_tx()?;
        let mut touched = BTreeSet::new();
        let mut removed = 0;
        {
            let mut find = tx.prepare_cached(
                "SELECT message_id FROM message_locations WHERE folder_id = ?1 AND uid = ?2",
            )?;
            let mut del = tx.prepare_cached(
                "DELETE FROM message_locations WHERE folder_id = ?1 AND uid = ?2",
            )?;
            let mut del_suppressed =
                tx.prepare_cached("DELETE FROM suppressed_mail WHERE folder_id = ?1 AND uid = ?2")?;
            for uid in uids {
                del_suppressed.execute(params![folder_id, uid])?;
                let Some(mid): Option<i64> = find
                    .query_row(params![folder_id, uid], |r| r.get(0))
                    .optional()?
                else {
                    continue;
                };
                del.execute(params![folder_id, uid])?;
                let orphan: bool = tx.query_row(
                    "SELECT origin = 'imap' AND NOT EXISTS (SELECT 1 FROM message_locations WHERE message_id = ?1)
                     FROM messages WHERE id = ?1",
                    [mid],
                    |r| r.get(0),
                )?;
                if orphan {
                    let cand: Option<i64> = tx.query_row(
                        "SELECT candidate_id FROM messages WHERE id = ?1",
                        [mid],
                        |r| r.get(0),
                    )?;
                    tx.execute("DELETE FROM messages WHERE id = ?1", [mid])?;
                    touched.extend(cand);
                    removed += 1;
                }
            }
        }
        for c in touched {
            refresh_candidate(&tx, c)?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// After a folder was fetched anew: synced messages that no folder holds any more go.
    pub fn remove_orphans(&mut self) -> Result<usize> {
        let tx = self.write_tx()?;
        let ids: Vec<(i64, Option<i64>)> = tx
            .prepare(
                "SELECT id, candidate_id FROM messages m WHERE origin = 'imap'
                 AND NOT EXISTS (SELECT 1 FROM message_locations l WHERE l.message_id = m.id)",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut touched = BTreeSet::new();
        for (id, c) in &ids {
            tx.execute("DELETE FROM messages WHERE id = ?1", [id])?;
            touched.extend(*c);
        }
        for c in touched {
            refresh_candidate(&tx, c)?;
        }
        tx.commit()?;
        Ok(ids.len())
    }
}

/// Two IMAP flag lists hold the same flags (order and case of system flags aside).
fn same_flags(a: &str, b: &str) -> bool {
    let set = |s: &str| {
        s.split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect::<BTreeSet<_>>()
    };
    set(a) == set(b)
}
