//! Diagnostics go to `rapport.log` in the data dir (level from `RAPPORT_LOG`), never to the
//! terminal while the TUI runs.

use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

pub const LOG_FILE: &str = "rapport.log";

/// Starts logging to the data dir's log file. Safe to call once per process; later calls are
/// ignored. Failing to open the log is not fatal: rapport runs without one.
pub fn init(data_dir: &Path) {
    let filter = EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    // 0600, or 0660 when the data dir is shared with the team: every member appends to it.
    let Ok(file) = crate::core::shared_dir::open(&data_dir.join(LOG_FILE), &mut o) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
}

/// Logs to the data dir only when it already exists: scripting commands must not create
/// directories as a side effect of logging.
pub fn init_if_exists(data_dir: &Path) {
    if data_dir.is_dir() {
        init(data_dir);
    }
}
