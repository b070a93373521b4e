//! Bringing new mail in: one pipeline over every folder of a sync. Fetching runs on one thread
//! (our own reader: see `super::bulk`), parsing on a second, storing on the caller's; the
//! connection keeps streaming while earlier batches are parsed and written, and the next
//! folder's download starts while the last batches of the previous one are still being
//! stored. Every batch commits with its folder and UIDs, so a crash loses nothing and
//! duplicates nothing.

use super::bulk;
use super::connect::Link;
use super::sync::{Progress, SyncError};
use crate::mail_in::ingest::{IndexSteps, RawMessage, parse_batch};
use crate::store::{Incoming, Location, Store};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, channel, sync_channel};
use std::time::{Duration, Instant};

/// Parsed batches that may wait for the writer (they are small next to the raw ones): a
/// transaction's worth and a little more, so parsing goes on while the writer commits.
const PARSED_WAITING: usize = WRITE_AT_LEAST / bulk::HANDOVER + 2;

/// Messages gathered into one transaction when more are coming. What a transaction costs
/// besides its rows (index pages written again, candidate summaries refreshed, the commit)
/// is then paid less often: at 2,000 rather than 250, a first sync writes a fifth less.
const WRITE_AT_LEAST: usize = 2000;

/// On a slow connection, a transaction is written at least this often anyway, so progress
/// shows and an interrupted sync fetches little again.
const GATHER_AT_MOST: Duration = Duration::from_secs(1);

/// New mail of one folder.
pub struct Wanted<'a> {
    pub name: &'a str,
    pub folder_id: i64,
    /// The UIDVALIDITY the UIDs belong to: the folder is selected again before its download,
    /// and a change in between stops the sync (the next one starts the folder anew).
    pub uidvalidity: u32,
    pub uids: &'a [u32],
}

/// Counts per folder, in the order given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Brought {
    pub new: usize,
    /// Already stored (the same message in another folder, or fetched again).
    pub known: usize,
    /// About someone erased on request: only where it is was recorded.
    pub suppressed: usize,
}

type Batch<T> = Result<(usize, Vec<T>), SyncError>;

/// A large message's parts as the server describes them.
type Parts = Vec<crate::mail_in::parse::Leaf>;

/// Fetches, parses and stores the `wanted` mail of every folder.
pub fn bring_in(
    link: &mut Link,
    store: &mut Store,
    wanted: &[Wanted],
    condstore: bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Vec<Brought>, SyncError> {
    // Two raw batches in flight bound memory (a batch is bulk::HANDOVER messages).
    let (raw_tx, raw_rx) = sync_channel::<Batch<RawMessage>>(2);
    let (tx, rx) = sync_channel::<Batch<Incoming>>(PARSED_WAITING);
    let team = store.team_address_set()?;
    let team = &team;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for (i, w) in wanted.iter().enumerate() {
                if let Err(e) = fetch_folder(link, w, condstore, &mut |raw| {
                    raw_tx.send(Ok((i, raw))).is_ok()
                }) {
                    let _ = raw_tx.send(Err(e));
                    return;
                }
            }
        });
        scope.spawn(move || {
            for batch in raw_rx {
                let parsed = batch.map(|(i, b)| (i, parse_batch(b, team)));
                if tx.send(parsed).is_err() {
                    return;
                }
            }
        });
        // Freeing thousands of strings is not the writer's job either.
        let (spent_tx, spent_rx) = channel::<Vec<Incoming>>();
        scope.spawn(move || spent_rx.into_iter().for_each(drop));
        let written = write_all(rx, store, wanted, progress, spent_tx);
        // `rx` is gone now: when writing failed (disk full, a read-only file system), the
        // parser's next hand-over fails and it stops, then so does the fetcher, and the
        // scope ends instead of waiting for threads blocked on full channels.
        written
    })
}

/// The writer: stores every parsed batch until the others are done or a write fails. Takes
/// the receiver so that returning drops it.
fn write_all(
    rx: Receiver<Batch<Incoming>>,
    store: &mut Store,
    wanted: &[Wanted],
    progress: &mut dyn FnMut(&Progress),
    spent_tx: std::sync::mpsc::Sender<Vec<Incoming>>,
) -> Result<Vec<Brought>, SyncError> {
    let mut out = vec![Brought::default(); wanted.len()];
    let mut done = vec![0; wanted.len()];
    let mut steps = IndexSteps::default();
    let mut carry = None;
    while let Some((i, batch)) = next_write(&rx, &mut carry)? {
        done[i] += batch.len();
        let written = store.write_batch(&batch)?;
        let _ = spent_tx.send(batch);
        out[i].new += written.inserted;
        out[i].known += written.duplicates;
        out[i].suppressed += written.suppressed;
        // A deferred search index catches up in steps while the next batches download,
        // instead of all at the end.
        steps.stored(store, written.inserted)?;
        progress(&Progress {
            folder: wanted[i].name.to_string(),
            done: done[i],
            total: wanted[i].uids.len(),
        });
    }
    Ok(out)
}

/// The next transaction to write: the batches of one folder gathered until there are
/// [`WRITE_AT_LEAST`] messages, the folder's download ends or [`GATHER_AT_MOST`] has passed.
/// A batch of the next folder, or an error, waits in `carry` (written batches come first).
fn next_write(
    rx: &Receiver<Batch<Incoming>>,
    carry: &mut Option<Batch<Incoming>>,
) -> Result<Option<(usize, Vec<Incoming>)>, SyncError> {
    let first = match carry.take() {
        Some(c) => c,
        None => match rx.recv() {
            Ok(b) => b,
            Err(_) => return Ok(None),
        },
    };
    let (i, mut batch) = first?;
    let deadline = Instant::now() + GATHER_AT_MOST;
    while batch.len() < WRITE_AT_LEAST {
        let wait = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(wait) {
            Ok(Ok((j, more))) if j == i => batch.extend(more),
            Ok(other) => {
                *carry = Some(other);
                break;
            }
            Err(_) => break,
        }
    }
    Ok(Some((i, batch)))
}

/// Selects the folder again and downloads its new mail, handing it over in batches, in UID
/// order (a crash then leaves no gap below the highest UID stored).
///
/// One command per `bulk::UIDS_PER_COMMAND` UIDs reads all of small messages and the first
/// bytes of large ones. Once a large one has come, the rest of the command's messages wait
/// while the server describes its parts (BODYSTRUCTURE); one whose text the first bytes do not
/// hold (a large HTML newsletter, text after an attachment) is fetched whole.
fn fetch_folder(
    link: &mut Link,
    w: &Wanted,
    condstore: bool,
    deliver: &mut dyn FnMut(Vec<RawMessage>) -> bool,
) -> Result<(), SyncError> {
    if w.uids.is_empty() {
        return Ok(());
    }
    let mbox = link.session.select(w.name)?;
    if mbox.uid_validity.unwrap_or(0) != w.uidvalidity {
        return Err(SyncError::Imap(super::connect::ImapError::Protocol(
            format!(
                "{}: UIDVALIDITY changed during the sync; the next sync fetches it anew",
                w.name
            ),
        )));
    }
    let folder_id = w.folder_id;
    let raw = |f: bulk::Fetched, parts: Option<Parts>| RawMessage {
        bytes: f.body,
        location: Some(Location {
            folder_id,
            uid: f.uid,
            flags: f.flags,
            modseq: f.modseq,
        }),
        received_at: f.internal_date.unwrap_or_else(crate::store::now),
        parts,
    };
    for uids in w.uids.chunks(bulk::UIDS_PER_COMMAND) {
        let mut open = true;
        // From the first large message on, in order.
        let mut waiting: Vec<bulk::Fetched> = Vec::new();
        bulk::fetch(
            &link.wire,
            uids,
            bulk::What::Prefix { modseq: condstore },
            &mut |batch| {
                let mut ready = Vec::with_capacity(batch.len());
                for f in batch {
                    if waiting.is_empty() && !f.is_cut() {
                        ready.push(raw(f, None));
                    } else {
                        waiting.push(f);
                    }
                }
                open = ready.is_empty() || deliver(ready);
                open
            },
        )?;
        if !open {
            return Ok(());
        }
        if waiting.is_empty() {
            continue;
        }
        let mut parts = describe(link, &waiting)?;
        // A batch at a time: what is fetched whole stays as bounded as any other batch.
        let mut waiting = waiting.into_iter().peekable();
        while waiting.peek().is_some() {
            let some: Vec<bulk::Fetched> = waiting.by_ref().take(bulk::HANDOVER).collect();
            let whole: Vec<u32> = some
                .iter()
                .filter(|f| f.is_cut() && !parts.contains_key(&f.uid))
                .map(|f| f.uid)
                .collect();
            let mut fetched: HashMap<u32, bulk::Fetched> =
                bulk::fetch_all(&link.wire, &whole, bulk::What::Whole { modseq: condstore })?
                    .into_iter()
                    .map(|f| (f.uid, f))
                    .collect();
            let batch: Vec<RawMessage> = some
                .into_iter()
                .filter_map(|f| {
                    if !f.is_cut() {
                        return Some(raw(f, None));
                    }
                    if let Some(leaves) = parts.remove(&f.uid) {
                        return Some(raw(f, Some(leaves)));
                    }
                    // Gone from the server in between: the next sync notices.
                    fetched.remove(&f.uid).map(|w| raw(w, None))
                })
                .collect();
            if !batch.is_empty() && !deliver(batch) {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The parts of the large messages in `waiting` whose first bytes hold all their text; the
/// others are to be fetched whole.
fn describe(link: &mut Link, waiting: &[bulk::Fetched]) -> Result<HashMap<u32, Parts>, SyncError> {
    let cut: Vec<&bulk::Fetched> = waiting.iter().filter(|f| f.is_cut()).collect();
    let uids: Vec<u32> = cut.iter().map(|f| f.uid).collect();
    let mut parts: HashMap<u32, Parts> = bulk::fetch_all(&link.wire, &uids, bulk::What::Structure)?
        .into_iter()
        .filter_map(|f| Some((f.uid, f.structure?)))
        .collect();
    for f in &cut {
        let readable = parts
            .get(&f.uid)
            .is_some_and(|leaves| crate::mail_in::parse::prefix_has_text(&f.body, leaves));
        if !readable {
            parts.remove(&f.uid);
        }
    }
    tracing::debug!(
        "large messages: {} read in part, {} fetched whole",
        parts.len(),
        cut.len() - parts.len()
    );
    Ok(parts)
}
