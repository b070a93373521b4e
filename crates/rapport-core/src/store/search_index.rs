//! Deferring the search index during a first load. Indexing row by row (the triggers) made up
//! half of an initial sync; indexing thousands of rows in one statement costs a fraction.
//!
//! While deferred, the meta key `search_indexed_upto` holds the highest message id in the
//! index: every row up to it is indexed and kept in step by the triggers (schema v7), rows
//! above it wait. [`Store::catch_up_search_index`] indexes the waiting rows in one statement
//! (a sync calls it every few thousand messages, so indexing overlaps the download);
//! [`Store::complete_search_index`] catches up and ends the deferral. The key and the rows it
//! covers change in one transaction, so a crash at any point leaves a sound index and the
//! next completion (every sync ends with one) picks up where it stopped.
//!
//! Binaries of schema v6 deferred with the key `search_index_deferred` and indexed nothing
//! until the end; the v7 migration's rebuild completes a load they left unfinished (and a
//! full rebuild here, should the key appear again).

use super::checkpoints::Checkpointer;
use super::{Result, Store};
use rusqlite::{Connection, OptionalExtension};

const UPTO: &str = "search_indexed_upto";
const LEGACY: &str = "search_index_deferred";

/// SQLite's default: checkpoint when the log reaches 1,000 pages.
const DEFAULT_CHECKPOINT_PAGES: i64 = 1000;
/// During a first load (about 80 MB of log).
const BULK_CHECKPOINT_PAGES: i64 = 20_000;

impl Store {
    /// Stops indexing new messages one by one until [`Store::complete_search_index`], and
    /// tunes this connection for a first load until then.
    pub fn defer_search_index(&mut self) -> Result<()> {
        self.write_with(|tx| defer(tx).map(|_| ()))?;
        // The log is copied into the database on another thread meanwhile; failing that, in
        // fewer, larger checkpoints: pages written again and again (indexes) are copied once
        // per checkpoint rather than every 4 MB of log.
        if self.checkpointer.is_none() {
            match Checkpointer::start(&self.path) {
                Ok(c) => {
                    self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
                    self.checkpointer = Some(c);
                }
                Err(e) => {
                    tracing::warn!("no background checkpoints: {e}");
                    self.conn
                        .pragma_update(None, "wal_autocheckpoint", BULK_CHECKPOINT_PAGES)?;
                }
            }
        }
        // What this connection deletes during a load is its own scratch (replaced summary
        // rows, merged index segments), never a person's data: erasing runs elsewhere and
        // on other connections, where secure_delete stays on. Zeroing it cost ~5%.
        self.conn.pragma_update(None, "secure_delete", "OFF")?;
        Ok(())
    }

    /// Runs `f` with the log checkpointed every ~80 MB rather than every 4 MB (as during a
    /// first load): a share's release writes the same index pages in every batch, and
    /// copying them back after each batch (and syncing) took a quarter of its time.
    pub fn with_fewer_checkpoints<T>(&mut self, f: impl FnOnce(&mut Store) -> T) -> T {
        if self.checkpointer.is_some() {
            // A first load's settings stay as they are.
            return f(self);
        }
        let set = |s: &Store, pages: i64| {
            if let Err(e) = s.conn.pragma_update(None, "wal_autocheckpoint", pages) {
                tracing::warn!("could not set the checkpoint interval: {e}");
            }
        };
        let before: i64 = self
            .conn
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap_or(DEFAULT_CHECKPOINT_PAGES);
        set(self, BULK_CHECKPOINT_PAGES.max(before));
        let out = f(self);
        set(self, before);
        out
    }

    /// True while messages may be missing from search (a load in progress, or one that was
    /// interrupted and has not been completed yet).
    pub fn search_index_deferred(&self) -> Result<bool> {
        Ok(self.meta(UPTO)?.is_some() || self.meta(LEGACY)?.is_some())
    }

    /// While deferred, indexes the messages stored since the last catch-up. Returns how many.
    pub fn catch_up_search_index(&mut self) -> Result<usize> {
        let tx = self.write_tx()?;
        let n = catch_up(&tx)?;
        tx.commit()?;
        Ok(n)
    }

    /// Indexes everything when indexing was deferred, and ends the deferral. Returns whether
    /// it was deferred.
    pub fn complete_search_index(&mut self) -> Result<bool> {
        let tx = self.write_tx()?;
        let deferred = complete(&tx)?;
        tx.commit()?;
        self.checkpointer = None;
        self.conn
            .pragma_update(None, "wal_autocheckpoint", DEFAULT_CHECKPOINT_PAGES)?;
        self.conn.pragma_update(None, "secure_delete", "ON")?;
        Ok(deferred)
    }

    /// How many messages are stored (a first load is one bringing at least as many).
    pub fn message_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// Defers indexing: for a first load, or inside one [`Store::batch`] (indexing each message
/// as it was written flushed the index once per message: SQLite's full-text index flushes at
/// every statement that may need undoing). False when it was deferred already (a first load
/// in progress, whose completion then indexes a batch's rows too).
pub(super) fn defer(tx: &Connection) -> Result<bool> {
    Ok(tx.execute(
        "INSERT INTO meta(key, value)
         SELECT ?1, coalesce(max(id), 0) FROM messages WHERE true
         ON CONFLICT(key) DO NOTHING",
        [UPTO],
    )? > 0)
}

/// Indexes the batch's rows in one statement and ends its deferral, before it commits: no
/// other connection ever sees the index behind.
pub(super) fn end_batch(tx: &Connection) -> Result<()> {
    catch_up(tx)?;
    tx.execute("DELETE FROM meta WHERE key = ?1", [UPTO])?;
    Ok(())
}

/// Indexes the rows above the deferral's mark and moves the mark; 0 when not deferred.
fn catch_up(tx: &Connection) -> Result<usize> {
    let upto: Option<i64> = tx
        .query_row(
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = ?1",
            [UPTO],
            |r| r.get(0),
        )
        .optional()?;
    let Some(upto) = upto else { return Ok(0) };
    let legacy: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
        [LEGACY],
        |r| r.get(0),
    )?;
    if legacy {
        // Nothing is known to be indexed: leave it to the rebuild at completion.
        return Ok(0);
    }
    let n = tx.execute(
        "INSERT INTO messages_fts(rowid, subject, search_text, sender)
         SELECT id, subject, search_text, sender FROM messages WHERE id > ?1 ORDER BY id",
        [upto],
    )?;
    if n > 0 {
        tx.execute(
            "UPDATE meta SET value = (SELECT max(id) FROM messages) WHERE key = ?1",
            [UPTO],
        )?;
    }
    Ok(n)
}

/// Completes the index inside `tx` when it was deferred, and ends the deferral.
pub(super) fn complete(tx: &Connection) -> Result<bool> {
    if tx.execute("DELETE FROM meta WHERE key = ?1", [LEGACY])? > 0 {
        tx.execute("DELETE FROM meta WHERE key = ?1", [UPTO])?;
        tx.execute(
            "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
            [],
        )?;
        return Ok(true);
    }
    catch_up(tx)?;
    Ok(tx.execute("DELETE FROM meta WHERE key = ?1", [UPTO])? > 0)
}
