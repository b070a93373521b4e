//! Live updates without a restart: every TUI watches `PRAGMA data_version`, which moves when
//! any other connection (a colleague's process, a CLI command, our own sync worker) commits.
//! Asking costs one tiny query, so the runner asks twice a second and reloads what is on
//! screen only when something changed. While changes keep coming (a share being delivered,
//! a long sync) it asks less and less often, up to every few seconds: each reload costs the
//! keys pressed meanwhile a few milliseconds, and a list that moves by itself every half
//! second is hard to read anyway.

use rapport_core::store::Store;
use std::time::{Duration, Instant};

pub struct Watch {
    last: Option<i64>,
    asked: Instant,
    /// How long to wait after a change was seen: doubles while changes keep coming.
    backoff: Duration,
}

/// The longest wait between two reloads while changes keep coming.
pub const BUSIEST: Duration = Duration::from_secs(4);

impl Watch {
    pub fn new(store: &Store) -> Watch {
        Watch {
            last: store.data_version().ok(),
            asked: Instant::now(),
            backoff: Duration::ZERO,
        }
    }

    /// Whether `every` (or the longer wait while changes keep coming) has passed since the
    /// last question (and starts the next period).
    pub fn due(&mut self, every: Duration) -> bool {
        if self.asked.elapsed() < every.max(self.backoff) {
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
                self.backoff = (self.backoff * 2).clamp(Duration::from_millis(500), BUSIEST);
                true
            }
            Ok(_) => {
                self.backoff = Duration::ZERO;
                false
            }
            Err(e) => {
                tracing::warn!("cannot ask the database for changes: {}", e.for_log());
                false
            }
        }
    }
}
