//! Exactly one process syncs a data dir: the holder of the `imap` lease (see
//! `store::lease`). A `SyncLease` keeps trying to take the lease and renews it while it holds
//! it, from its own thread with its own connection, so a long sync batch never lets it lapse.
//! Dropping it (a clean exit) gives the lease up at once; a killed holder's lease expires and
//! another process takes over within the TTL plus one renewal interval.

use crate::store::{Lease, LeaseHolder, SYNC_LEASE, Store};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a lease lasts without renewal, unless `RAPPORT_SYNC_LEASE_SECS` says otherwise
/// (tests use a short one).
pub const DEFAULT_TTL: Duration = Duration::from_secs(20);

/// The lease TTL in effect.
pub fn ttl() -> Duration {
    std::env::var("RAPPORT_SYNC_LEASE_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s <= 3600.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_TTL)
}

/// Renewal (and, for the others, take-over attempts) four times per TTL.
fn interval(ttl: Duration) -> Duration {
    (ttl / 4).clamp(Duration::from_millis(100), Duration::from_secs(5))
}

/// Where the lease stands, as this process sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseStatus {
    /// Not asked yet.
    Unknown,
    /// This process holds it: it syncs.
    Held,
    /// Another live process holds it.
    Other(Lease),
    /// The database could not be asked (the last error).
    Failed(String),
}

struct Shared {
    stop: AtomicBool,
    /// This process cannot sync (a wrong password): give the lease to someone who can.
    resigned: AtomicBool,
    status: Mutex<LeaseStatus>,
}

/// A read-only view of the lease for the sync threads.
#[derive(Clone)]
pub struct LeaseView(Arc<Shared>);

impl std::fmt::Debug for LeaseView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LeaseView({:?})", self.status())
    }
}

impl LeaseView {
    pub fn status(&self) -> LeaseStatus {
        self.0
            .status
            .lock()
            .map(|s| s.clone())
            .unwrap_or(LeaseStatus::Unknown)
    }
    pub fn held(&self) -> bool {
        self.status() == LeaseStatus::Held
    }
    /// Stops taking or renewing the lease, and releases it: this process's sync stopped for
    /// good, and a colleague's session may still be able to sync.
    pub fn resign(&self) {
        self.0.resigned.store(true, Ordering::SeqCst);
    }
    /// A view that always holds: for a sync that needs no coordination (tests).
    pub fn always() -> LeaseView {
        LeaseView(Arc::new(Shared {
            stop: AtomicBool::new(false),
            resigned: AtomicBool::new(false),
            status: Mutex::new(LeaseStatus::Held),
        }))
    }
}

/// Owns the lease thread; dropping it releases the lease.
pub struct SyncLease {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    pub me: LeaseHolder,
}

/// This process as a lease holder.
pub fn me(actor: &str, kind: &str) -> LeaseHolder {
    LeaseHolder {
        holder: format!("{}@{}", std::process::id(), crate::shared_dir::host()),
        actor: actor.to_string(),
        kind: kind.to_string(),
    }
}

impl SyncLease {
    /// Starts asking for the lease in `data_dir` and returns once the first answer is in.
    pub fn start(data_dir: &Path, actor: &str, kind: &str) -> SyncLease {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            resigned: AtomicBool::new(false),
            status: Mutex::new(LeaseStatus::Unknown),
        });
        let me = me(actor, kind);
        let ttl = ttl();
        let (dir, who, sh) = (data_dir.to_owned(), me.clone(), shared.clone());
        let (first_tx, first_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("rapport-lease".into())
            .spawn(move || keep(&dir, &who, ttl, &sh, first_tx))
            .expect("spawning a thread");
        let _ = first_rx.recv_timeout(Duration::from_secs(30));
        SyncLease {
            shared,
            thread: Some(thread),
            me,
        }
    }

    pub fn view(&self) -> LeaseView {
        LeaseView(self.shared.clone())
    }

    pub fn status(&self) -> LeaseStatus {
        self.view().status()
    }
}

impl Drop for SyncLease {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Sleeps in small steps so a drop (quit) is not kept waiting.
fn nap(shared: &Shared, step: Duration) {
    let mut slept = Duration::ZERO;
    while slept < step && !shared.stop.load(Ordering::SeqCst) {
        let d = Duration::from_millis(50).min(step - slept);
        std::thread::sleep(d);
        slept += d;
    }
}

fn keep(
    dir: &Path,
    me: &LeaseHolder,
    ttl: Duration,
    shared: &Shared,
    first: std::sync::mpsc::Sender<()>,
) {
    let set = |s: LeaseStatus| {
        if let Ok(mut g) = shared.status.lock() {
            if *g != s {
                tracing::info!("sync lease: {s:?}");
            }
            *g = s;
        }
    };
    let ttl_ms = ttl.as_millis() as i64;
    let step = interval(ttl);
    let mut first = Some(first);
    let mut store: Option<Store> = None;
    while !shared.stop.load(Ordering::SeqCst) {
        // Opened (again) here so that a failure is retried, never fatal to the lease.
        if store.is_none() && !shared.resigned.load(Ordering::SeqCst) {
            match Store::open_in(dir) {
                Ok(s) => store = Some(s),
                Err(e) => {
                    tracing::warn!(
                        "cannot open the database for the sync lease: {}",
                        e.for_log()
                    );
                    set(LeaseStatus::Failed(e.to_string()));
                }
            }
        }
        if shared.resigned.load(Ordering::SeqCst) {
            if let Some(db) = store.take()
                && let Err(e) = db.release_lease(SYNC_LEASE, &me.holder)
            {
                tracing::warn!("cannot release the sync lease: {}", e.for_log());
            }
            set(LeaseStatus::Failed("this session's sync stopped".into()));
            nap(shared, step);
            continue;
        }
        let Some(db) = &store else {
            if let Some(f) = first.take() {
                let _ = f.send(());
            }
            nap(shared, step);
            continue;
        };
        match db.acquire_lease(SYNC_LEASE, me, ttl_ms) {
            Ok(l) if l.who.holder == me.holder => set(LeaseStatus::Held),
            Ok(l) => set(LeaseStatus::Other(l)),
            Err(e) => {
                tracing::warn!("cannot renew the sync lease: {}", e.for_log());
                set(LeaseStatus::Failed(e.to_string()))
            }
        }
        if let Some(f) = first.take() {
            let _ = f.send(());
        }
        nap(shared, step);
    }
    if let Some(db) = &store
        && let Err(e) = db.release_lease(SYNC_LEASE, &me.holder)
    {
        tracing::warn!("cannot release the sync lease: {}", e.for_log());
    }
}
