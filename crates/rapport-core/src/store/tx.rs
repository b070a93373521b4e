//! Writing: every write holds the write lock from its first statement, and a batch commits
//! many writes at once.

use super::{Result, Rules, Store, StoreError, WRITE_PATIENCE, is_busy, jitter};
use rusqlite::{Connection, Transaction, TransactionBehavior};

/// A write transaction (see [`Store::write_tx`]) with the rules for derived data. Inside a
/// [`Store::batch`] it is a savepoint of the batch's transaction: each write still applies
/// whole or not at all, and the batch commits them together.
pub(crate) struct WriteTx<'a> {
    conn: &'a Connection,
    /// None inside a batch (a savepoint), or once committed.
    tx: Option<Transaction<'a>>,
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
        if let Some(tx) = self.tx.take() {
            return tx.commit();
        }
        self.savepoint_open = false;
        self.conn.execute_batch("RELEASE rapport_write")
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.savepoint_open {
            // Not committed: this write is undone, the batch's earlier ones stay.
            let _ = self
                .conn
                .execute_batch("ROLLBACK TO rapport_write; RELEASE rapport_write");
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
            // Inside a batch, which holds the write lock already.
            conn.execute_batch("SAVEPOINT rapport_write")?;
            return Ok(WriteTx {
                conn,
                tx: None,
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
    /// together (each as a savepoint), or none of them when it fails. Many small writes in a
    /// row (a share's release) are much cheaper so. Holds the write lock throughout: keep
    /// batches short.
    pub fn batch<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self.write_tx()?;
        // The transaction stays open by hand: the store's writes inside `f` need `&mut self`.
        std::mem::forget(tx);
        match f(self) {
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
    fn a_failed_write_inside_a_batch_is_undone_alone() {
        let (d, mut s) = store();
        s.batch(|s| -> Result<()> {
            s.set_meta("kept", "1")?;
            let r = s.write_with(|tx| {
                tx.execute("INSERT INTO meta(key, value) VALUES ('half', 'x')", [])?;
                Err::<(), _>(StoreError::Invalid("refused".into()))
            });
            assert!(r.is_err());
            s.set_meta("after", "2")?;
            Ok(())
        })
        .unwrap();
        let other = Store::open_in(d.path()).unwrap();
        assert_eq!(other.meta("kept").unwrap().as_deref(), Some("1"));
        assert_eq!(other.meta("half").unwrap(), None);
        assert_eq!(other.meta("after").unwrap().as_deref(), Some("2"));
    }
}
