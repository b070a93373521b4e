//! Writing: every write holds the write lock from its first statement, and a batch commits
//! many writes at once.

use super::{Result, Rules, Store, StoreError, WRITE_PATIENCE, is_busy, jitter};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::cell::Cell;

/// A write transaction (see [`Store::write_tx`]) with the rules for derived data. Inside a
/// [`Store::batch`] it writes straight into the batch's transaction: no savepoint, because
/// SQLite's full-text index flushes at every savepoint release, which made each message of a
/// share's release cost a flush and a merge. A write abandoned there after changing
/// something spoils the batch, which then rolls back whole (see [`Store::batch`]), so each
/// write still applies whole or not at all.
pub(crate) struct WriteTx<'a> {
    conn: &'a Connection,
    /// None inside a batch, or once committed.
    tx: Option<Transaction<'a>>,
    /// Inside a batch and not yet committed: the batch's flag to raise when dropped so, and
    /// the connection's change count at the start.
    in_batch: Option<(&'a Cell<bool>, u64)>,
    /// A savepoint inside another write transaction that is not a batch.
    savepoint_open: bool,
    pub(crate) rules: Rules,
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl WriteTx<'_> {
    pub(crate) fn commit(mut self) -> rusqlite::Result<()> {
        self.in_batch = None;
        if self.savepoint_open {
            self.savepoint_open = false;
            return self.conn.execute_batch("RELEASE rapport_write");
        }
        match self.tx.take() {
            Some(tx) => tx.commit(),
            None => Ok(()),
        }
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.savepoint_open {
            let _ = self
                .conn
                .execute_batch("ROLLBACK TO rapport_write; RELEASE rapport_write");
        }
        // Outside a batch the transaction rolls itself back. Inside one, a write that gave up
        // after changing rows cannot be undone alone: the whole batch is.
        if let Some((spoilt, before)) = self.in_batch
            && self.conn.total_changes() != before
        {
            spoilt.set(true);
        }
    }
}

impl Store {
    /// Starts a write transaction that holds the write lock from its first statement (BEGIN
    /// IMMEDIATE): a deferred transaction that reads and then writes fails with "database is
    /// locked" when another process committed in between, and no busy wait can save it.
    /// Waiting for the lock is retried well past the busy timeout.
    /// It carries the rules that derive a candidate's summary, so every write that changes
    /// what the summary reads rewrites it in the same transaction.
    pub(crate) fn write_tx(&self) -> Result<WriteTx<'_>> {
        let conn = &self.conn;
        if !conn.is_autocommit() {
            // Inside a batch or another write, which hold the write lock already.
            if self.batching.get() {
                return Ok(WriteTx {
                    conn,
                    tx: None,
                    in_batch: Some((&self.batch_spoilt, conn.total_changes())),
                    savepoint_open: false,
                    rules: self.rules,
                });
            }
            conn.execute_batch("SAVEPOINT rapport_write")?;
            return Ok(WriteTx {
                conn,
                tx: None,
                in_batch: None,
                savepoint_open: true,
                rules: self.rules,
            });
        }
        let start = std::time::Instant::now();
        loop {
            match Transaction::new_unchecked(conn, TransactionBehavior::Immediate) {
                Ok(tx) => {
                    return Ok(WriteTx {
                        conn,
                        tx: Some(tx),
                        in_batch: None,
                        savepoint_open: false,
                        rules: self.rules,
                    });
                }
                Err(e) if is_busy(&e) && start.elapsed() < WRITE_PATIENCE => {
                    tracing::warn!("database busy for {:?}; still waiting", start.elapsed());
                    std::thread::sleep(jitter());
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Runs `f` in one write transaction: the writes it makes through the store commit
    /// together, or none of them when it fails, or when one of them failed part-way (even if
    /// `f` went on). Many small writes in a row (a share's release) are much cheaper so.
    /// Holds the write lock throughout: keep batches short.
    pub fn batch<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self.write_tx()?;
        // The transaction stays open by hand: the store's writes inside `f` need `&mut self`.
        std::mem::forget(tx);
        let deferred = match super::search_index::defer(&self.conn) {
            Ok(d) => d,
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        };
        self.batch_spoilt.set(false);
        self.batching.set(true);
        let mut out = f(self);
        self.batching.set(false);
        if deferred
            && out.is_ok()
            && let Err(e) = super::search_index::end_batch(&self.conn)
        {
            out = Err(e.into());
        }
        let spoilt = self.batch_spoilt.replace(false);
        match out {
            Ok(_) if spoilt => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(StoreError::Invalid(
                    "a write in a batch failed part-way; none of the batch was written".into(),
                )
                .into())
            }
            Ok(v) => {
                self.conn
                    .execute_batch("COMMIT")
                    .map_err(StoreError::from)?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// A bookkeeping write (meta, folders, presence: no action on a candidate, so no audit
    /// entry) through the same helper as every other write: the lock, and waiting on busy.
    pub(crate) fn write_with<T>(&self, f: impl FnOnce(&WriteTx) -> Result<T>) -> Result<T> {
        let tx = self.write_tx()?;
        let v = f(&tx)?;
        tx.commit()?;
        Ok(v)
    }
}

/// `execute` and `query_row` through the connection's statement cache, for statements run
/// once per message on a busy path (a share's release queues thousands): preparing them
/// again each time cost more than running them.
pub(crate) trait Cached {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    fn row<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T>;
}

impl Cached for Connection {
    fn exec<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open_in(d.path()).unwrap();
        (d, s)
    }

    #[test]
    fn a_batch_commits_its_writes_together_or_not_at_all() {
        let (d, mut s) = store();
        let other = Store::open_in(d.path()).unwrap();
        s.batch(|s| -> Result<()> {
            s.set_meta("a", "1")?;
            s.set_meta("b", "2")?;
            // Not visible to another connection before the batch commits.
            assert_eq!(other.meta("a").unwrap(), None);
            Ok(())
        })
        .unwrap();
        assert_eq!(other.meta("b").unwrap().as_deref(), Some("2"));

        let failed = s.batch(|s| -> Result<()> {
            s.set_meta("c", "3")?;
            Err(StoreError::Invalid("stop".into()))
        });
        assert!(failed.is_err());
        assert_eq!(other.meta("c").unwrap(), None);
        // The store writes normally afterwards.
        s.set_meta("d", "4").unwrap();
        assert_eq!(other.meta("d").unwrap().as_deref(), Some("4"));
    }

    #[test]
    fn a_write_that_fails_part_way_inside_a_batch_undoes_the_whole_batch() {
        let (d, mut s) = store();
        let r = s.batch(|s| -> Result<()> {
            s.set_meta("before", "1")?;
            // The caller swallows the failure and goes on: the half write must not land.
            let r = s.write_with(|tx| {
                tx.execute("INSERT INTO meta(key, value) VALUES ('half', 'x')", [])?;
                Err::<(), _>(StoreError::Invalid("refused".into()))
            });
            assert!(r.is_err());
            s.set_meta("after", "2")?;
            Ok(())
        });
        assert!(r.unwrap_err().to_string().contains("failed part-way"));
        let other = Store::open_in(d.path()).unwrap();
        for key in ["before", "half", "after"] {
            assert_eq!(other.meta(key).unwrap(), None, "{key}");
        }
        // A write that gave up before changing anything spoils nothing.
        s.batch(|s| -> Result<()> {
            let r = s.write_with(|_| Err::<(), _>(StoreError::Invalid("no".into())));
            assert!(r.is_err());
            s.set_meta("kept", "3")
        })
        .unwrap();
        assert_eq!(other.meta("kept").unwrap().as_deref(), Some("3"));
        // And the store writes normally afterwards.
        s.set_meta("later", "4").unwrap();
        assert_eq!(other.meta("later").unwrap().as_deref(), Some("4"));
    }
}
