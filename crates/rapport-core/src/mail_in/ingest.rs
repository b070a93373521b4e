//! The one ingest path for every source (Maildir, IMAP, the demo, our own sent mail):
//! raw RFC 5322 bytes → `parse::parse_message` → `Store::write_batch`.

use crate::mail_in::parse::parse_message;
use crate::store::{BatchOutcome, Incoming, Location, Prepared, Result, Store};
use std::collections::HashSet;

/// Raw bytes of one message and where they came from.
#[derive(Debug, Clone)]
pub struct RawMessage {
    pub bytes: Vec<u8>,
    pub location: Option<Location>,
    /// When it arrived (file mtime, INTERNALDATE, or now): the date of last resort.
    pub received_at: i64,
    /// For a large message read in part (`bytes` are its first bytes): the server's
    /// description of its parts (see `parse::structure`).
    pub parts: Option<Vec<crate::mail_in::parse::Leaf>>,
}

/// Totals of an ingest run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestStats {
    pub seen: usize,
    pub inserted: usize,
    pub duplicates: usize,
}

impl IngestStats {
    fn add(&mut self, b: &BatchOutcome) {
        self.seen += b.inserted + b.duplicates;
        self.inserted += b.inserted;
        self.duplicates += b.duplicates;
    }
}

/// How many messages are committed together: a crash loses at most one uncommitted batch,
/// which the next run ingests again.
pub const BATCH: usize = 500;

/// Parses a batch and prepares what the writer needs (no storage: this can run on another
/// thread than the writer). `team`: the team's addresses.
pub fn parse_batch(batch: Vec<RawMessage>, team: &HashSet<String>) -> Vec<Incoming> {
    let now = crate::store::now();
    batch
        .into_iter()
        .map(|m| {
            let mut parsed = match &m.parts {
                Some(leaves) => crate::mail_in::parse::parse_cut_message(&m.bytes, leaves),
                None => parse_message(&m.bytes),
            };
            crate::mail_in::parse::settle_date(&mut parsed, m.received_at, now);
            let prepared = Prepared::of(&parsed, team);
            Incoming {
                parsed,
                // Mail with a folder and UID is fetched again when needed, never stored twice:
                // free it here rather than on the writer's thread.
                raw: if m.location.is_some() {
                    Vec::new()
                } else {
                    m.bytes
                },
                location: m.location,
                received_at: m.received_at,
                from_outbox: false,
                prepared,
            }
        })
        .collect()
}

/// Parses and stores one batch in a single transaction.
pub fn ingest_batch(store: &mut Store, batch: Vec<RawMessage>) -> Result<BatchOutcome> {
    let team = store.team_address_set()?;
    store.write_batch(&parse_batch(batch, &team))
}

/// A load bringing at least this many new messages, and at least as many as the store holds,
/// is a first load: the search index is deferred and caught up in steps (see
/// `Store::defer_search_index`).
pub const BULK_LOAD: usize = 1000;

/// During a first load, the search index catches up after this many new messages.
pub const INDEX_EVERY: usize = 2500;

/// Counts the messages a load stored since the search index last caught up, and catches it
/// up every [`INDEX_EVERY`] (a no-op when the index is not deferred).
#[derive(Debug, Default)]
pub struct IndexSteps(usize);

impl IndexSteps {
    pub fn stored(&mut self, store: &mut Store, inserted: usize) -> Result<()> {
        self.0 += inserted;
        if self.0 >= INDEX_EVERY {
            store.catch_up_search_index()?;
            self.0 = 0;
        }
        Ok(())
    }
}

/// Before storing `total` new messages: a first load defers the search index. Whoever calls it
/// ends the load with `Store::complete_search_index` (also when the load fails).
pub fn begin_load(store: &mut Store, total: usize) -> Result<()> {
    if total >= BULK_LOAD && total as u64 >= store.message_count()? {
        store.defer_search_index()?;
    }
    Ok(())
}

/// Ingests everything from an iterator, committing every `BATCH` messages. `progress` is
/// called after each batch with the running totals. During a first load the search index
/// catches up every `INDEX_EVERY` messages.
pub fn ingest_all(
    store: &mut Store,
    messages: impl IntoIterator<Item = RawMessage>,
    mut progress: impl FnMut(&IngestStats),
) -> Result<IngestStats> {
    // Read once: it only decides which messages are checked for opt-outs ahead of the write,
    // and the writer checks again with the team it reads in its transaction.
    let team = store.team_address_set()?;
    let mut stats = IngestStats::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut steps = IndexSteps::default();
    for m in messages {
        batch.push(m);
        if batch.len() == BATCH {
            let out = store.write_batch(&parse_batch(std::mem::take(&mut batch), &team))?;
            stats.add(&out);
            progress(&stats);
            steps.stored(store, out.inserted)?;
        }
    }
    if !batch.is_empty() {
        let out = store.write_batch(&parse_batch(batch, &team))?;
        stats.add(&out);
        progress(&stats);
    }
    Ok(stats)
}

/// What importing a Maildir tree did, per folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub folders: Vec<(String, IngestStats)>,
}

impl ImportReport {
    pub fn total(&self) -> IngestStats {
        let mut t = IngestStats::default();
        for (_, s) in &self.folders {
            t.seen += s.seen;
            t.inserted += s.inserted;
            t.duplicates += s.duplicates;
        }
        t
    }
}

/// Imports every folder of a Maildir tree (the root as INBOX, subfolders by name). Files that
/// cannot be read are skipped with a warning in the log; nothing already stored is touched.
pub fn import_maildir(
    store: &mut Store,
    root: &std::path::Path,
    mut progress: impl FnMut(&str, &IngestStats, usize),
) -> crate::error::Result<ImportReport> {
    let folders =
        crate::mail_in::maildir::folders(root).map_err(|source| crate::error::Error::Io {
            what: "cannot read the Maildir",
            path: root.to_path_buf(),
            source,
        })?;
    let mut report = ImportReport::default();
    let result = import_folders(store, folders, &mut report, &mut progress);
    // A large first import builds the search index once at the end (as sync does).
    let indexed = store.complete_search_index();
    result?;
    indexed?;
    Ok(report)
}

fn import_folders(
    store: &mut Store,
    folders: Vec<crate::mail_in::maildir::MaildirFolder>,
    report: &mut ImportReport,
    progress: &mut impl FnMut(&str, &IngestStats, usize),
) -> crate::error::Result<()> {
    for folder in folders {
        store.folder_id(&folder.name, folder.role())?;
        let files = crate::mail_in::maildir::message_files(&folder.path).map_err(|source| {
            crate::error::Error::Io {
                what: "cannot list",
                path: folder.path.clone(),
                source,
            }
        })?;
        let total = files.len();
        begin_load(store, total)?;
        let messages =
            files
                .into_iter()
                .filter_map(|p| match crate::mail_in::maildir::read_message(&p) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        tracing::warn!("skipping {}: {e}", p.display());
                        None
                    }
                });
        let name = folder.name.clone();
        let stats = ingest_all(store, messages, |s| progress(&name, s, total))?;
        report.folders.push((folder.name, stats));
    }
    Ok(())
}
