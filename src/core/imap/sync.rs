//! Keeping the store in step with the server, per folder (RFC 4549): UIDVALIDITY checked, new
//! mail fetched by UID above the highest we hold (in batches, with BODY.PEEK so nothing is
//! marked read), flag changes via CONDSTORE when offered, expunges removed. Fetching, parsing
//! and storing run on three threads, so the connection keeps streaming. Every batch commits
//! with its UIDs, so a crash at any point loses nothing and duplicates nothing. A first load
//! indexes for search in steps of thousands of messages instead of row by row.

use super::bulk;
use super::connect::{Conn, ImapError, Link, Session, describe};
use crate::core::ingest::RawMessage;
use crate::core::store::{Location, Store, StoreError};
use imap_proto::NameAttribute;
use std::collections::BTreeSet;
use std::sync::mpsc::sync_channel;

/// Parsed batches that may wait for the writer (they are small next to the raw ones).
const PARSED_WAITING: usize = 6;

/// Messages written in one transaction at most, when batches are waiting for the writer.
const WRITE_AT_MOST: usize = 2000;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Imap(#[from] ImapError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl From<imap::Error> for SyncError {
    fn from(e: imap::Error) -> Self {
        SyncError::Imap(e.into())
    }
}

impl SyncError {
    pub fn is_permanent(&self) -> bool {
        match self {
            SyncError::Imap(e) => e.is_permanent(),
            SyncError::Store(_) => false,
        }
    }
}

/// Reported while a folder syncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub folder: String,
    pub done: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderReport {
    pub name: String,
    pub new: usize,
    /// Already stored (the same message in another folder, or fetched again).
    pub known: usize,
    pub expunged: usize,
    pub flags_changed: usize,
    /// UIDVALIDITY changed and the folder was fetched anew.
    pub reset: bool,
}

/// A folder to sync and its role ("inbox", "sent", "other").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderSpec {
    pub name: String,
    pub role: String,
}

/// The folders to sync: the configured ones, else INBOX plus the folder marked \Sent by
/// SPECIAL-USE, else one named "Sent".
pub fn resolve_folders(
    session: &mut Session,
    configured: &[String],
) -> Result<Vec<FolderSpec>, SyncError> {
    let names = session.list(Some(""), Some("*"))?;
    let sent_marked = names
        .iter()
        .find(|n| n.attributes().contains(&NameAttribute::Sent))
        .map(|n| n.name().to_string());
    let role = |name: &str| -> String {
        if name.eq_ignore_ascii_case("INBOX") {
            "inbox".into()
        } else if Some(name) == sent_marked.as_deref() || name.eq_ignore_ascii_case("sent") {
            "sent".into()
        } else {
            "other".into()
        }
    };
    if !configured.is_empty() {
        return Ok(configured
            .iter()
            .map(|n| FolderSpec {
                name: n.clone(),
                role: role(n),
            })
            .collect());
    }
    let mut out = vec![FolderSpec {
        name: "INBOX".into(),
        role: "inbox".into(),
    }];
    let sent = sent_marked.or_else(|| {
        names
            .iter()
            .find(|n| n.name().eq_ignore_ascii_case("sent"))
            .map(|n| n.name().to_string())
    });
    if let Some(s) = sent {
        out.push(FolderSpec {
            name: s,
            role: "sent".into(),
        });
    }
    Ok(out)
}

/// Turns on CONDSTORE when the server has it, so SELECT reports HIGHESTMODSEQ.
pub fn enable_condstore(session: &mut Session) -> Result<bool, SyncError> {
    let caps = session.capabilities()?;
    let has = caps.has_str("CONDSTORE") && caps.has_str("ENABLE");
    drop(caps);
    if has {
        session.run_command_and_check_ok("ENABLE CONDSTORE")?;
    }
    Ok(has)
}

fn flags_text(f: &imap::types::Fetch) -> String {
    f.flags()
        .iter()
        .map(|f| f.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Compresses sorted UIDs into an IMAP sequence set ("1:5,9,12:14").
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// Syncs one folder.
pub fn sync_folder(
    link: &mut Link,
    store: &mut Store,
    folder: &FolderSpec,
    condstore: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<FolderReport, SyncError> {
    let mut report = FolderReport {
        name: folder.name.clone(),
        ..Default::default()
    };
    let session = &mut link.session;
    let mbox = session.select(&folder.name)?;
    let uidvalidity = mbox.uid_validity.unwrap_or(0);
    let mut state = store.folder_state(&folder.name, &folder.role)?;
    if state.uidvalidity.is_some_and(|v| v != uidvalidity) {
        tracing::warn!(
            "{}: UIDVALIDITY changed, fetching the folder anew",
            folder.name
        );
        store.reset_folder(state.id, uidvalidity)?;
        state = store.folder_state(&folder.name, &folder.role)?;
        report.reset = true;
    }

    // Flags of what we already hold: only what changed since our HIGHESTMODSEQ, or all.
    let unchanged =
        condstore && state.highestmodseq.is_some() && state.highestmodseq == mbox.highest_mod_seq;
    if state.max_uid > 0 && !unchanged {
        let query = match (condstore, state.highestmodseq) {
            (true, Some(m)) => format!("(UID FLAGS) (CHANGEDSINCE {m})"),
            _ => "(UID FLAGS)".to_string(),
        };
        let fetches = session.uid_fetch(format!("1:{}", state.max_uid), query)?;
        let changes: Vec<(u32, String, Option<u64>)> = fetches
            .iter()
            .filter_map(|f| f.uid.map(|u| (u, flags_text(f), f.mod_seq())))
            .collect();
        report.flags_changed = changes.len();
        store.update_flags(state.id, &changes)?;
    }

    // New mail: every UID above the highest we hold. ("n:*" always returns the highest
    // message, even when it is below n: filter it out.)
    let new_uids: Vec<u32> = if mbox.uid_next.is_some_and(|n| n <= state.max_uid + 1) {
        Vec::new()
    } else {
        let found = session.uid_search(format!("UID {}:*", state.max_uid + 1))?;
        let mut v: Vec<u32> = found.into_iter().filter(|u| *u > state.max_uid).collect();
        v.sort_unstable();
        v
    };
    let total = new_uids.len();
    crate::core::ingest::begin_load(store, total)?;
    if total > 0 {
        let (new, known) = fetch_new(
            &link.wire,
            store,
            (state.id, &folder.name),
            &new_uids,
            condstore,
            progress,
        )?;
        report.new = new;
        report.known = known;
    }

    // Expunged: we hold more than the server has.
    let held = store.folder_state(&folder.name, &folder.role)?;
    if held.count > mbox.exists {
        let server: BTreeSet<u32> = session.uid_search("ALL")?.into_iter().collect();
        let gone: Vec<u32> = store
            .folder_uids(state.id)?
            .difference(&server)
            .copied()
            .collect();
        store.expunge(state.id, &gone)?;
        report.expunged = gone.len();
    }
    if report.reset {
        store.remove_orphans()?;
    }
    store.set_folder_synced(state.id, uidvalidity, mbox.uid_next, mbox.highest_mod_seq)?;
    // Unsolicited EXISTS/EXPUNGE responses pile up otherwise.
    drop(session.take_all_unsolicited());
    Ok(report)
}

/// Fetches `uids` on one thread (our own reader: see `super::bulk`), parses them on a second
/// and stores them on this one: the connection keeps streaming while the previous batches are
/// parsed and written. Returns (new, already known).
fn fetch_new(
    wire: &Conn,
    store: &mut Store,
    folder: (i64, &str),
    uids: &[u32],
    condstore: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(usize, usize), SyncError> {
    let (folder_id, name) = folder;
    // Two batches in flight per stage bound memory (a batch is bulk::HANDOVER messages).
    let (raw_tx, raw_rx) = sync_channel::<Result<Vec<RawMessage>, SyncError>>(2);
    let (tx, rx) =
        sync_channel::<Result<Vec<crate::core::store::Incoming>, SyncError>>(PARSED_WAITING);
    let total = uids.len();
    let team = store.team_address_set()?;
    let team = &team;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut deliver = |batch: Vec<bulk::Fetched>| {
                let raw = batch
                    .into_iter()
                    .map(|f| RawMessage {
                        bytes: f.body,
                        location: Some(Location {
                            folder_id,
                            uid: f.uid,
                            flags: f.flags,
                            modseq: f.modseq,
                        }),
                        received_at: f.internal_date.unwrap_or_else(crate::core::store::now),
                    })
                    .collect();
                raw_tx.send(Ok(raw)).is_ok()
            };
            if let Err(e) = bulk::fetch(wire, uids, condstore, &mut deliver) {
                let _ = raw_tx.send(Err(e.into()));
            }
        });
        scope.spawn(move || {
            for batch in raw_rx {
                if tx
                    .send(batch.map(|b| crate::core::ingest::parse_batch(b, team)))
                    .is_err()
                {
                    return;
                }
            }
        });
        let (spent_tx, spent_rx) = std::sync::mpsc::channel::<Vec<crate::core::store::Incoming>>();
        scope.spawn(move || spent_rx.into_iter().for_each(drop));
        let (mut new, mut known, mut done, mut unindexed) = (0, 0, 0, 0);
        while let Ok(first) = rx.recv() {
            // When the writer is behind, the batches waiting go into one transaction: fewer
            // commits, and each candidate's summary refreshed once for all of them.
            let mut batch = first?;
            while batch.len() < WRITE_AT_MOST {
                match rx.try_recv() {
                    Ok(more) => batch.extend(more?),
                    Err(_) => break,
                }
            }
            done += batch.len();
            let out = store.write_batch(&batch)?;
            // Freeing thousands of strings is not the writer's job either.
            let _ = spent_tx.send(batch);
            new += out.inserted;
            known += out.duplicates;
            // A deferred search index catches up in steps, while the next batches download,
            // instead of all at the end (a no-op when not deferred).
            unindexed += out.inserted;
            if unindexed >= crate::core::ingest::INDEX_EVERY {
                store.catch_up_search_index()?;
                unindexed = 0;
            }
            progress(&Progress {
                folder: name.to_string(),
                done,
                total,
            });
        }
        Ok((new, known))
    })
}

/// Syncs every folder once over an open session.
pub fn sync_all(
    link: &mut Link,
    store: &mut Store,
    configured: &[String],
    progress: &mut dyn FnMut(&Progress),
) -> Result<Vec<FolderReport>, SyncError> {
    let condstore = enable_condstore(&mut link.session)?;
    let folders = resolve_folders(&mut link.session, configured)?;
    let mut out = Vec::new();
    let mut synced = || -> Result<(), SyncError> {
        for f in &folders {
            out.push(sync_folder(link, store, f, condstore, progress)?);
        }
        Ok(())
    };
    let result = synced();
    // Search covers everything stored so far, also when the sync failed half-way (and after
    // an earlier sync was killed during a first load).
    let indexed = store.complete_search_index();
    result?;
    indexed?;
    Ok(out)
}

impl std::fmt::Display for FolderReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} new", self.name, self.new)?;
        if self.known > 0 {
            write!(f, ", {} already stored", self.known)?;
        }
        if self.expunged > 0 {
            write!(f, ", {} expunged", self.expunged)?;
        }
        if self.flags_changed > 0 {
            write!(f, ", {} flag changes", self.flags_changed)?;
        }
        if self.reset {
            write!(f, " (UIDVALIDITY changed: fetched anew)")?;
        }
        Ok(())
    }
}

#[allow(dead_code)]
fn _describe(e: &imap::Error) -> String {
    describe(e)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(super::uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(super::uid_set(&[42]), "42");
        assert_eq!(super::uid_set(&[]), "");
    }
}
