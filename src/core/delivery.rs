//! Delivering the outbox: SMTP (or the demo's folder of .eml files), then a copy in the Sent
//! folder over IMAP. Delivery and the Sent copy are separate states: a failed copy is retried
//! on its own and never sends the mail again.
//!
//! Exactly once: a message is marked `sending` (committed) before the SMTP conversation and
//! `sent` right after the server accepts it. A message found in `sending` at start-up had its
//! outcome cut off; it is looked up in the Sent folder by Message-ID before any resend. The one
//! window left: a crash after the server accepted the message and before `sent` was committed,
//! with the Sent copy not yet made; that message is sent again (a duplicate, never a loss).
//!
//! One delivery pass at a time per data dir: `recover` and `run_once` hold an exclusive lock
//! on a file beside the database (released by the OS if the process dies). Without it, a second
//! process (a CLI `reply` while the TUI's worker sends) would take the first one's in-flight
//! `sending` message for an interrupted one and send it again, or both would send the same
//! queued message.

use crate::core::imap::connect::{Endpoint, connect};
use crate::core::policy::{Verdict, check};
use crate::core::smtp;
use crate::core::store::{OutboxJob, Store, StoreError};
use lettre::AsyncTransport;
use lettre::address::Envelope;
use std::path::PathBuf;
use std::time::Duration;

/// Where mail goes.
pub enum Transport {
    /// The demo: .eml files in a folder.
    File(PathBuf),
    Smtp(smtp::Transport),
}

/// Delivery settings: the transport, and the IMAP account whose Sent folder gets copies.
pub struct Deliverer {
    pub transport: Transport,
    pub sent: Option<Endpoint>,
    pub sent_folders: Vec<String>,
}

/// Backoff for temporary failures: 30 s, 1 min, 2 min ... at most 30 min.
pub fn retry_delay(attempts: i64) -> Duration {
    Duration::from_secs((30u64 << attempts.clamp(0, 6) as u32).min(1800))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub cancelled: usize,
    pub copies: usize,
}

enum Outcome {
    Sent,
    Temporary(String),
    Permanent(String),
}

async fn send(t: &Transport, job: &OutboxJob) -> Outcome {
    let parse = |a: &str| a.parse::<lettre::Address>();
    let from = match parse(&job.envelope_from) {
        Ok(a) => a,
        Err(e) => return Outcome::Permanent(format!("invalid sender {}: {e}", job.envelope_from)),
    };
    let to: Result<Vec<_>, _> = job.envelope_to.iter().map(|a| parse(a)).collect();
    let envelope = match to
        .map_err(|e| e.to_string())
        .and_then(|to| Envelope::new(Some(from), to).map_err(|e| e.to_string()))
    {
        Ok(e) => e,
        Err(e) => return Outcome::Permanent(format!("invalid recipients: {e}")),
    };
    match t {
        Transport::File(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                return Outcome::Temporary(e.to_string());
            }
            match lettre::AsyncFileTransport::<lettre::Tokio1Executor>::new(dir)
                .send_raw(&envelope, &job.raw)
                .await
            {
                Ok(_) => Outcome::Sent,
                Err(e) => Outcome::Temporary(e.to_string()),
            }
        }
        Transport::Smtp(s) => match s.send_raw(&envelope, &job.raw).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Permanent(smtp::explain(&e)),
            Err(e) => Outcome::Temporary(smtp::explain(&e)),
        },
    }
}

/// The account's Sent folder; `None` when it has none.
fn sent_folder(
    s: &mut crate::core::imap::connect::Session,
    configured: &[String],
) -> Result<Option<String>, String> {
    let folders =
        crate::core::imap::sync::resolve_folders(s, configured).map_err(|e| e.to_string())?;
    Ok(folders
        .into_iter()
        .find(|f| f.role == "sent")
        .map(|f| f.name))
}

/// Whether the examined folder holds a message with this Message-ID (only we make ours).
fn holds(s: &mut crate::core::imap::connect::Session, message_id: &str) -> Result<bool, String> {
    let q = format!(
        "HEADER Message-ID \"{}\"",
        message_id.replace(['"', '\\'], "")
    );
    s.uid_search(q)
        .map(|u| !u.is_empty())
        .map_err(|e| crate::core::imap::connect::describe(&e))
}

/// Looks the interrupted messages up in Sent. `Err` when Sent could not be searched.
fn look_in_sent(
    s: &mut crate::core::imap::connect::Session,
    d: &Deliverer,
    jobs: &[OutboxJob],
    found: &mut std::collections::BTreeSet<i64>,
) -> Result<(), String> {
    let Some(folder) = sent_folder(s, &d.sent_folders)? else {
        tracing::warn!(
            "the account has no Sent folder: messages cut off while sending cannot be checked"
        );
        return Ok(());
    };
    s.examine(&folder)
        .map_err(|e| crate::core::imap::connect::describe(&e))?;
    for job in jobs {
        if holds(s, &job.message_id)? {
            found.insert(job.id);
        }
    }
    Ok(())
}

/// Held while a delivery pass runs; dropping it releases the lock.
pub struct PassLock(#[allow(dead_code)] std::fs::File);

/// Waits for the data dir's delivery lock (see the module documentation).
pub fn lock(store: &Store) -> Result<PassLock, StoreError> {
    let path = store.path().with_extension("outbox-lock");
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    // Every OS user of a shared data dir takes the same lock: the file gets the dir's mode
    // (0660 when shared), and a colleague's lock file we may not write is locked read-only.
    let f = crate::core::shared_dir::open_lock(&path).map_err(io)?;
    f.lock().map_err(io)?;
    Ok(PassLock(f))
}

/// Start-up recovery: messages cut off in `sending` are looked up in Sent; found ones are sent,
/// the rest go back to the queue. Queued messages missing from the conversation are shown.
pub fn recover(store: &mut Store, d: &Deliverer) -> Result<(), StoreError> {
    // Under the lock, a message in `sending` belongs to no running pass: it was cut off.
    let _lock = lock(store)?;
    let now = crate::core::store::now();
    for job in store.outbox()? {
        if matches!(job.state.as_str(), "queued" | "sending" | "failed")
            && let Some(raw) = store.outbox_raw(job.id)?
        {
            crate::core::outbox::show_queued(store, &raw, now)?;
        }
    }
    let interrupted = store.interrupted_outbox()?;
    if interrupted.is_empty() {
        return Ok(());
    }
    let mut found = std::collections::BTreeSet::new();
    if let Some(ep) = &d.sent {
        // Without the Sent folder we cannot tell: wait rather than risk a duplicate.
        let mut s = match connect(ep) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("recovery postponed, cannot reach IMAP: {e}");
                return Ok(());
            }
        };
        let looked = look_in_sent(&mut s, d, &interrupted, &mut found);
        let _ = s.logout();
        if let Err(e) = looked {
            tracing::warn!("recovery postponed, cannot search the Sent folder: {e}");
            return Ok(());
        }
    }
    for job in interrupted {
        if found.contains(&job.id) {
            store.outbox_sent(job.id, "done")?;
        } else {
            tracing::warn!(
                "message {} was cut off while sending and is not in Sent: sending it again",
                job.message_id
            );
            store.outbox_retry(job.id, "interrupted while sending; sending again", now)?;
        }
    }
    Ok(())
}

/// One pass: every due message is checked against the candidate's wishes again (an opt-out may
/// have come in since it was queued), sent, and copied to Sent.
pub async fn run_once(store: &mut Store, d: &Deliverer) -> Result<Report, StoreError> {
    let _lock = lock(store)?;
    let mut r = Report::default();
    let now = crate::core::store::now();
    for job in store.due_outbox(now)? {
        if let Verdict::Refused(why) = check(
            store,
            job.candidate_id,
            &job.envelope_to,
            crate::core::model::Channel::Email,
            &job.topics,
            now,
        )? {
            store.outbox_failed(job.id, &format!("not sent: {why}"))?;
            store.conn_cancel(job.id)?;
            r.cancelled += 1;
            continue;
        }
        if !store.outbox_sending(job.id)? {
            continue;
        }
        match send(&d.transport, &job).await {
            Outcome::Sent => {
                let copy = if d.sent.is_some() { "pending" } else { "local" };
                store.outbox_sent(job.id, copy)?;
                r.sent += 1;
            }
            Outcome::Temporary(e) => {
                let next = now + retry_delay(job.attempts).as_secs() as i64;
                store.outbox_retry(job.id, &e, next)?;
                r.retrying += 1;
            }
            Outcome::Permanent(e) => {
                store.outbox_failed(job.id, &e)?;
                r.failed += 1;
            }
        }
    }
    r.copies = copy_to_sent(store, d)?;
    Ok(r)
}

/// Appends sent messages to the Sent folder (\Seen). Failures leave them pending.
fn copy_to_sent(store: &mut Store, d: &Deliverer) -> Result<usize, StoreError> {
    let jobs = store.pending_sent_copies()?;
    let Some(ep) = &d.sent else { return Ok(0) };
    if jobs.is_empty() {
        return Ok(0);
    }
    let mut s = match connect(ep) {
        Ok(s) => s,
        Err(e) => {
            for j in &jobs {
                store.outbox_copy(
                    j.id,
                    "pending",
                    Some(&format!("Sent copy not made yet: {e}")),
                )?;
            }
            return Ok(0);
        }
    };
    let folder = match sent_folder(&mut s, &d.sent_folders) {
        Ok(Some(f)) => s
            .examine(&f)
            .map(|_| f)
            .map_err(|e| crate::core::imap::connect::describe(&e)),
        Ok(None) => Err("no Sent folder found".to_string()),
        Err(e) => Err(e),
    };
    let folder = match folder {
        Ok(f) => f,
        Err(e) => {
            for j in &jobs {
                store.outbox_copy(
                    j.id,
                    "pending",
                    Some(&format!("Sent copy not made yet: {e}")),
                )?;
            }
            let _ = s.logout();
            return Ok(0);
        }
    };
    let mut done = 0;
    for j in jobs {
        // A copy made by a pass that died before recording it: never a second one.
        let made = match holds(&mut s, &j.message_id) {
            Ok(true) => Ok(()),
            Ok(false) => s
                .append(&folder, &j.raw)
                .flag(imap::types::Flag::Seen)
                .finish()
                .map(|_| ())
                .map_err(|e| crate::core::imap::connect::describe(&e)),
            Err(e) => Err(e),
        };
        match made {
            Ok(()) => {
                store.outbox_copy(j.id, "done", None)?;
                done += 1;
            }
            Err(e) => store.outbox_copy(
                j.id,
                "pending",
                Some(&format!("Sent copy not made yet: {e}")),
            )?,
        }
    }
    let _ = s.logout();
    Ok(done)
}

/// What the delivery worker reports to the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryEvent {
    /// Something in the outbox changed: the conversation should be read again.
    Changed(Report),
    Error(String),
}

/// How often the worker looks at the outbox when nobody wakes it.
pub const OUTBOX_POLL: Duration = Duration::from_secs(15);

/// Starts the delivery worker. Send `()` on the returned sender to wake it (a new message).
pub fn spawn_worker(
    data_dir: PathBuf,
    deliverer: Deliverer,
) -> (
    std::sync::mpsc::Sender<()>,
    std::sync::mpsc::Receiver<DeliveryEvent>,
) {
    let (wake, wakeups) = std::sync::mpsc::channel::<()>();
    let (events, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("rapport-outbox".into())
        .spawn(move || {
            let ev = events.clone();
            let run = crate::core::guard::guarded(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        return events
                            .send(DeliveryEvent::Error(e.to_string()))
                            .unwrap_or(());
                    }
                };
                let _guard = rt.enter();
                // Owned inside the runtime's scope: lettre's pool must be dropped before it.
                let deliverer = deliverer;
                let mut store = match Store::open_in(&data_dir) {
                    Ok(s) => s,
                    Err(e) => {
                        return events
                            .send(DeliveryEvent::Error(e.to_string()))
                            .unwrap_or(());
                    }
                };
                if let Err(e) = recover(&mut store, &deliverer) {
                    let _ = events.send(DeliveryEvent::Error(e.to_string()));
                }
                loop {
                    match rt.block_on(run_once(&mut store, &deliverer)) {
                        Ok(r) if r != Report::default() => {
                            if events.send(DeliveryEvent::Changed(r)).is_err() {
                                return;
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            if events.send(DeliveryEvent::Error(e.to_string())).is_err() {
                                return;
                            }
                        }
                    }
                    match wakeups.recv_timeout(OUTBOX_POLL) {
                        Ok(()) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            while wakeups.try_recv().is_ok() {}
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
            });
            if run.is_err() {
                let _ = ev.send(DeliveryEvent::Error(
                    "the outbox worker stopped unexpectedly".into(),
                ));
            }
        })
        .expect("spawning a thread");
    (wake, rx)
}
