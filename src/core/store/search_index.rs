//! Deferring the search index during a first load. Indexing row by row (the triggers) made up
//! half of an initial sync; one rebuild over the whole table at the end costs a fraction. While
//! deferred (the `search_index_deferred` meta key, see schema v3) the triggers skip; completing
//! rebuilds the index and clears the key in one transaction. The key is written in its own
//! committed transaction before any unindexed row, so a crash at any point leaves either a
//! complete index or the key, and the next completion (every sync ends with one) catches up.

use super::{Result, Store};
use rusqlite::Transaction;

const KEY: &str = "search_index_deferred";

impl Store {
    /// Stops indexing new messages one by one until [`Store::complete_search_index`].
    pub fn defer_search_index(&mut self) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
            rusqlite::params![KEY, super::now().to_string()],
        )?;
        Ok(())
    }

    /// True while messages may be missing from search (a load in progress, or one that was
    /// interrupted and has not been completed yet).
    pub fn search_index_deferred(&self) -> Result<bool> {
        Ok(self.meta(KEY)?.is_some())
    }

    /// Indexes everything when indexing was deferred. Returns whether it had to.
    pub fn complete_search_index(&mut self) -> Result<bool> {
        let tx = self.write_tx()?;
        let rebuilt = complete(&tx)?;
        tx.commit()?;
        Ok(rebuilt)
    }

    /// How many messages are stored (a first load is one bringing at least as many).
    pub fn message_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// Rebuilds the index inside `tx` when it was deferred, and ends the deferral.
pub(super) fn complete(tx: &Transaction) -> Result<bool> {
    let deferred = tx.execute("DELETE FROM meta WHERE key = ?1", [KEY])? > 0;
    if deferred {
        tx.execute(
            "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
            [],
        )?;
    }
    Ok(deferred)
}
