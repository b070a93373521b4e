//! Checkpoints on a thread of their own during a first load. Copying the write-ahead log into
//! the database was a sixth of the writer's time, and the writer is what a first sync waits
//! for once the download outpaces it. A second connection copies the log (a PASSIVE
//! checkpoint never blocks the writer) while the writer goes on appending; when it has
//! caught up, the writer's next commit starts the log from its beginning again.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the log is looked at.
const POLL: Duration = Duration::from_millis(25);
/// Log pages not yet in the database that make a checkpoint worth it (about 16 MB): fewer,
/// larger copies write pages changed again and again (indexes) into the database once.
const COPY_FROM_PAGES: i64 = 4000;

/// Runs until dropped.
#[derive(Debug)]
pub(super) struct Checkpointer {
    stop: Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the database at `path`. The caller turns its own connection's
    /// automatic checkpoints off meanwhile.
    pub(super) fn start(path: &Path) -> rusqlite::Result<Checkpointer> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let (stop, stopped) = channel();
        let thread = std::thread::Builder::new()
            .name("rapport-checkpoint".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
                    if let Err(e) = checkpoint_when_due(&conn) {
                        // The writer's own checkpoints take over after the load.
                        tracing::warn!("background checkpoint: {e}");
                        return;
                    }
                }
            })
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        Ok(Checkpointer {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let _ = self.stop.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn checkpoint_when_due(conn: &Connection) -> rusqlite::Result<()> {
    let counts = |mode: &str| {
        conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })
    };
    let (log, copied) = counts("NOOP")?;
    if log - copied >= COPY_FROM_PAGES {
        counts("PASSIVE")?;
    }
    Ok(())
}
