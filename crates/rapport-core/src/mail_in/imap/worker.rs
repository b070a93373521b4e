//! Background sync for the TUI: one thread syncs (and retries with capped exponential
//! backoff), another keeps an IDLE connection on INBOX and wakes the first on new mail. Both
//! report by message; the UI never waits on the network.

use super::connect::{Endpoint, ImapError, Link, connect, link};
use super::sync::{Progress, sync_all};
use crate::mail_in::sync_lease::{LeaseStatus, LeaseView};
use crate::store::Store;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

/// What the sync worker reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    Progress(Progress),
    /// A sync finished; `new` messages arrived.
    UpToDate {
        new: usize,
    },
    /// The server cannot be reached; the next attempt is in `retry_in`.
    Offline {
        reason: String,
        retry_in: Duration,
    },
    /// A problem retrying will not fix (a wrong password, an untrusted certificate).
    Stopped {
        reason: String,
    },
    /// Another process holds the sync lease and syncs for everyone (`holder` names it, e.g.
    /// "alice's session"); this one takes over if that one goes away.
    Standby {
        holder: String,
    },
}

/// How often folders IDLE does not watch (Sent) are checked.
pub const POLL: Duration = Duration::from_secs(120);
/// IDLE is re-issued well before servers' 30-minute timeout.
pub const IDLE_RENEW: Duration = Duration::from_secs(10 * 60);
/// How often a process without the sync lease looks whether it got it.
pub const STANDBY_CHECK: Duration = Duration::from_millis(250);
/// Backoff: 1.8^attempt seconds, at most this.
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);

pub fn backoff(attempt: u32) -> Duration {
    let secs = 1.8f64.powi(attempt.min(20) as i32);
    Duration::from_secs_f64(secs).min(BACKOFF_MAX)
}

/// Settings the worker needs, resolved before the TUI takes the terminal (a password
/// command may prompt).
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub endpoint: Endpoint,
    pub folders: Vec<String>,
    pub data_dir: PathBuf,
    /// The sync lease of this process (`core::sync_lease`): the worker syncs and idles only
    /// while it holds it. None: sync without asking (a single process).
    pub lease: Option<LeaseView>,
    /// `[web]`: what mail to the unsubscribe address opts out of.
    pub web: crate::web::WebSettings,
}

/// Starts the sync and IDLE threads; events arrive on the returned receiver.
pub fn spawn(cfg: WorkerConfig) -> Receiver<SyncEvent> {
    let (events, rx) = channel();
    let (wake, wakeups) = channel();
    let idle_cfg = cfg.endpoint.clone();
    let idle_lease = cfg.lease.clone().unwrap_or_else(LeaseView::always);
    std::thread::Builder::new()
        .name("rapport-sync".into())
        .spawn(move || {
            let ev = events.clone();
            if let Err(p) = crate::guard::guarded(|| sync_loop(&cfg, &events, &wakeups)) {
                let _ = ev.send(SyncEvent::Stopped {
                    reason: format!("the sync stopped unexpectedly: {}", panic_text(&p)),
                });
            }
        })
        .expect("spawning a thread");
    std::thread::Builder::new()
        .name("rapport-idle".into())
        .spawn(move || {
            let _ = crate::guard::guarded(|| idle_loop(&idle_cfg, &idle_lease, &wake));
        })
        .expect("spawning a thread");
    rx
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

fn sync_loop(cfg: &WorkerConfig, events: &Sender<SyncEvent>, wakeups: &Receiver<()>) {
    let mut store = match Store::open_in(&cfg.data_dir) {
        Ok(s) => s,
        Err(e) => {
            let _ = events.send(SyncEvent::Stopped {
                reason: e.to_string(),
            });
            return;
        }
    };
    let mut session: Option<Link> = None;
    let mut attempt = 0u32;
    let lease = cfg.lease.clone().unwrap_or_else(LeaseView::always);
    let mut standby: Option<String> = None;
    loop {
        match lease.status() {
            LeaseStatus::Held => standby = None,
            other => {
                // Someone else syncs: drop our connection and check again shortly.
                session = None;
                let holder = match other {
                    LeaseStatus::Other(l) => l.describe_short(),
                    LeaseStatus::Failed(e) => format!("nobody yet ({e})"),
                    _ => "another session".into(),
                };
                if standby.as_ref() != Some(&holder) {
                    if events
                        .send(SyncEvent::Standby {
                            holder: holder.clone(),
                        })
                        .is_err()
                    {
                        return;
                    }
                    standby = Some(holder);
                }
                std::thread::sleep(STANDBY_CHECK);
                while wakeups.try_recv().is_ok() {}
                continue;
            }
        }
        let result = (|| {
            if session.is_none() {
                session = Some(link(&cfg.endpoint)?);
            }
            let s = session.as_mut().expect("connected above");
            let mut progress = |p: &Progress| {
                let _ = events.send(SyncEvent::Progress(p.clone()));
            };
            sync_all(s, &mut store, &cfg.folders, &cfg.web, &mut progress)
        })();
        let wait = match result {
            Ok(reports) => {
                attempt = 0;
                let new = reports.iter().map(|r| r.new).sum();
                if events.send(SyncEvent::UpToDate { new }).is_err() {
                    return;
                }
                POLL
            }
            Err(e) if e.is_permanent() => {
                tracing::error!(
                    "IMAP: sync stopped: {}",
                    crate::logging::server_text(&e.for_log())
                );
                lease.resign();
                let _ = events.send(SyncEvent::Stopped {
                    reason: e.to_string(),
                });
                return;
            }
            Err(e) => {
                session = None;
                let retry_in = backoff(attempt);
                attempt += 1;
                tracing::warn!(
                    "IMAP: sync failed (retrying in {retry_in:?}): {}",
                    crate::logging::server_text(&e.for_log())
                );
                if events
                    .send(SyncEvent::Offline {
                        reason: e.to_string(),
                        retry_in,
                    })
                    .is_err()
                {
                    return;
                }
                retry_in
            }
        };
        match wakeups.recv_timeout(wait) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {
                // Coalesce a burst of wake-ups into one sync.
                while wakeups.try_recv().is_ok() {}
            }
            Err(RecvTimeoutError::Disconnected) => std::thread::sleep(wait),
        }
    }
}

fn idle_once(ep: &Endpoint, wake: &Sender<()>) -> Result<(), ImapError> {
    let mut s = connect(ep)?;
    if !s.capabilities()?.has_str("IDLE") {
        return Err(ImapError::Protocol("the server does not offer IDLE".into()));
    }
    s.select("INBOX")?;
    // Mail that arrived before IDLE started would wait for the next poll: have the sync
    // thread look once now (a no-change sync is cheap). This matters after a take-over, when
    // the sync ran the moment the lease was ours.
    if wake.send(()).is_err() {
        return Ok(());
    }
    loop {
        let outcome = s
            .idle()
            .timeout(IDLE_RENEW)
            .keepalive(false)
            .wait_while(|r| {
                !matches!(
                    r,
                    imap::types::UnsolicitedResponse::Exists(_)
                        | imap::types::UnsolicitedResponse::Expunge(_)
                        | imap::types::UnsolicitedResponse::Vanished { .. }
                )
            })?;
        if outcome == imap::extensions::idle::WaitOutcome::MailboxChanged && wake.send(()).is_err()
        {
            return Ok(());
        }
        drop(s.take_all_unsolicited());
    }
}

fn idle_loop(ep: &Endpoint, lease: &LeaseView, wake: &Sender<()>) {
    let mut attempt = 0;
    loop {
        // Only the lease holder keeps an IDLE connection to the server.
        while !lease.held() {
            std::thread::sleep(STANDBY_CHECK);
        }
        match idle_once(ep, wake) {
            Ok(()) => return,
            Err(e) if e.is_permanent() => return,
            Err(e) => {
                tracing::warn!(
                    "IMAP: IDLE connection lost: {}",
                    crate::logging::server_text(&e.to_string())
                );
                // The sync thread is told too: mail may have arrived while we were away.
                if wake.send(()).is_err() {
                    return;
                }
                std::thread::sleep(backoff(attempt));
                attempt += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert!(backoff(3) > backoff(2));
        assert_eq!(backoff(10), BACKOFF_MAX);
        assert_eq!(backoff(1000), BACKOFF_MAX);
    }
}
