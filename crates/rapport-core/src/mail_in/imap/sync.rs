//! Keeping the store in step with the server, per folder (RFC 4549): UIDVALIDITY checked, new
//! mail fetched by UID above the highest we hold (in batches, with BODY.PEEK so nothing is
//! marked read; large messages read in part, see `pipeline`), flag changes via CONDSTORE when
//! offered, expunges removed. Fetching, parsing and storing run on three threads, so the
//! connection keeps streaming. Every batch commits with its UIDs, so a crash at any point
//! loses nothing and duplicates nothing. A first load indexes for search in steps of
//! thousands of messages instead of row by row.

use super::connect::{ImapError, Link, Session};
use super::pipeline::{Wanted, bring_in};
use crate::store::{Store, StoreError};
use imap_proto::NameAttribute;
use std::collections::BTreeSet;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Imap(#[from] ImapError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// The error as the log may hold it (see `StoreError::for_log`); server text in IMAP
    /// errors is escaped by the log writer.
    pub fn for_log(&self) -> String {
        match self {
            SyncError::Store(e) => e.for_log(),
            e => e.to_string(),
        }
    }
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
    /// About someone erased on request: only where it is was recorded.
    pub suppressed: usize,
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

/// A folder's state on the server and what it needs, found before anything is downloaded.
struct Plan {
    id: i64,
    uidvalidity: u32,
    uid_next: Option<u32>,
    highest_mod_seq: Option<u64>,
    new_uids: Vec<u32>,
    report: FolderReport,
}

/// Selects a folder and brings what is known of it up to date: UIDVALIDITY, flags,
/// expunges. Returns what is new on the server.
fn plan_folder(
    session: &mut Session,
    store: &mut Store,
    folder: &FolderSpec,
    condstore: bool,
) -> Result<Plan, SyncError> {
    let mut report = FolderReport {
        name: folder.name.clone(),
        ..Default::default()
    };
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
        report.flags_changed = store.update_flags(state.id, &changes)?;
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

    // Expunged: the server has fewer messages than we hold plus the new ones.
    if state.count + new_uids.len() as u32 > mbox.exists {
        let server: BTreeSet<u32> = session.uid_search("ALL")?.into_iter().collect();
        let gone: Vec<u32> = store
            .folder_uids(state.id)?
            .difference(&server)
            .copied()
            .collect();
        store.expunge(state.id, &gone)?;
        report.expunged = gone.len();
    }
    Ok(Plan {
        id: state.id,
        uidvalidity,
        uid_next: mbox.uid_next,
        highest_mod_seq: mbox.highest_mod_seq,
        new_uids,
        report,
    })
}

/// Syncs every folder once over an open session: each folder's state first, then the new
/// mail of all of them through one pipeline (`pipeline::bring_in`). Mail that came in for
/// the unsubscribe address is then settled (`actions::unsubscribe`, under `web`).
pub fn sync_all(
    link: &mut Link,
    store: &mut Store,
    configured: &[String],
    web: &crate::web::WebSettings,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Vec<FolderReport>, SyncError> {
    let condstore = enable_condstore(&mut link.session)?;
    let folders = resolve_folders(&mut link.session, configured)?;
    let mut synced = || -> Result<Vec<FolderReport>, SyncError> {
        let mut plans = Vec::with_capacity(folders.len());
        for f in &folders {
            plans.push(plan_folder(&mut link.session, store, f, condstore)?);
        }
        crate::mail_in::ingest::begin_load(store, plans.iter().map(|p| p.new_uids.len()).sum())?;
        let wanted: Vec<Wanted> = folders
            .iter()
            .zip(&plans)
            .map(|(f, p)| Wanted {
                name: &f.name,
                folder_id: p.id,
                uidvalidity: p.uidvalidity,
                uids: &p.new_uids,
            })
            .collect();
        let brought = bring_in(link, store, &wanted, condstore, progress)?;
        let mut reports = Vec::with_capacity(plans.len());
        for (plan, b) in plans.into_iter().zip(brought) {
            // Mail no folder holds any more (after UIDVALIDITY changed and everything still
            // there was fetched again) is gone from the server.
            if plan.report.reset {
                store.remove_orphans()?;
            }
            store.set_folder_synced(
                plan.id,
                plan.uidvalidity,
                plan.uid_next,
                plan.highest_mod_seq,
            )?;
            reports.push(FolderReport {
                new: b.new,
                known: b.known,
                suppressed: b.suppressed,
                ..plan.report
            });
        }
        // Unsolicited EXISTS/EXPUNGE responses pile up otherwise.
        drop(link.session.take_all_unsolicited());
        Ok(reports)
    };
    let result = synced();
    // Search covers everything stored so far, also when the sync failed half-way (and after
    // an earlier sync was killed during a first load).
    let indexed = store.complete_search_index();
    let reports = result?;
    indexed?;
    crate::actions::unsubscribe::settle_pending(store, web, crate::store::now()).map_err(|e| {
        match e {
            crate::error::Error::Store(s) => SyncError::from(s),
            other => SyncError::from(crate::store::StoreError::Invalid(other.to_string())),
        }
    })?;
    Ok(reports)
}

impl std::fmt::Display for FolderReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} new", self.name, self.new)?;
        if self.known > 0 {
            write!(
                f,
                ", {} already stored (duplicates folded, each one logged)",
                self.known
            )?;
        }
        if self.suppressed > 0 {
            write!(
                f,
                ", {} about addresses erased on request (not stored)",
                self.suppressed
            )?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn uid_sets_compress_runs() {
        assert_eq!(super::uid_set(&[1, 2, 3, 5, 7, 8]), "1:3,5,7:8");
        assert_eq!(super::uid_set(&[42]), "42");
        assert_eq!(super::uid_set(&[]), "");
    }
}
