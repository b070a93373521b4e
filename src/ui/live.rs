//! Live updates without a restart: every TUI watches `PRAGMA data_version`, which moves when
//! any other connection (a colleague's process, a CLI command, our own sync worker) commits.
//! Asking costs one tiny query, so the runner asks twice a second and reloads what is on
//! screen only when something changed.

use rapport_core::store::Store;
use std::time::{Duration, Instant};

pub struct Watch {
    last: Option<i64>,
    asked: Instant,
}

impl Watch {
    pub fn new(store: &Store) -> Watch {
        Watch {
            last: store.data_version().ok(),
            asked: Instant::now(),
        }
    }

    /// Whether `every` has passed since the last question (and starts the next period).
    pub fn due(&mut self, every: Duration) -> bool {
        if self.asked.elapsed() < every {
            return false;
        }
        self.asked = Instant::now();
        true
    }

    /// Whether another connection committed since the last call.
    pub fn changed(&mut self, store: &Store) -> bool {
        match store.data_version() {
            Ok(v) if Some(v) != self.last => {
                self.last = Some(v);
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!("cannot ask the database for changes: {}", e.for_log());
                false
            }
        }
    }
}
