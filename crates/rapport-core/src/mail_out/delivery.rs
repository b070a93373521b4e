//! Delivering the outbox: SMTP (or the demo's folder of .eml files), then a copy in the Sent
//! folder over IMAP. Delivery and the Sent copy are separate states: a failed copy is retried
//! on its own and never sends the mail again.
//!
//! At most one extra copy, and never silently. A message stays `queued` through connecting,
//! MAIL and RCPT; it becomes `sending` (committed) only when the server has said it is ready
//! for the data, just before a byte of it is written, and `sent` the moment the server's reply
//! arrives. So `sending` means exactly "the server may have it". Its Sent copy is made right
//! after its own delivery. A message found in `sending` (the process died in the data phase,
//! or the connection broke there) is looked up in Sent by Message-ID; if it is not there its
//! outcome is unknown: it is sent once more automatically, and after a second unknown outcome
//! it waits in `unknown` ("may have been sent at TIME") until a recruiter sends it again or
//! marks it sent.
//!
//! One delivery pass at a time per data dir: `recover` and `run_once` hold an exclusive lock
//! on a file beside the database (released by the OS if the process dies). Without it, a second
//! process (a CLI `reply` while the TUI's worker sends) would take the first one's in-flight
//! `sending` message for an interrupted one and send it again, or both would send the same
//! queued message.

use crate::consent::policy::{Verdict, check};
use crate::mail_in::imap::connect::{Endpoint, connect};
use crate::mail_out::smtp;
use crate::store::{OutboxJob, Store, StoreError};
use crate::values::{OutboxState, SentCopyState};
use lettre::address::Envelope;
use std::path::PathBuf;
use std::time::Duration;

/// Where mail goes.
pub enum Transport {
    /// The demo: .eml files in a folder.
    File(PathBuf),
    Smtp(smtp::Submission),
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
pub struct FlushReport {
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
    /// The server may have it: the connection broke during the data phase.
    Unknown(String),
    /// Taken by another pass or cancelled meanwhile: left alone.
    Skipped,
}

fn envelope(job: &OutboxJob) -> Result<Envelope, String> {
    let parse = |a: &str| a.parse::<lettre::Address>();
    let from = parse(&job.envelope_from)
        .map_err(|e| format!("invalid sender {}: {e}", job.envelope_from))?;
    let to: Vec<_> = job
        .envelope_to
        .iter()
        .map(|a| parse(a))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("invalid recipients: {e}"))?;
    Envelope::new(Some(from), to).map_err(|e| format!("invalid recipients: {e}"))
}

/// An SMTP session opened when the first message of a pass needs it, kept for the rest.
struct Link<'a> {
    transport: &'a smtp::Submission,
    session: Option<smtp::Connection>,
}

impl Link<'_> {
    async fn session(&mut self) -> Result<&mut smtp::Connection, lettre::transport::smtp::Error> {
        if !self.session.as_ref().is_some_and(smtp::Connection::usable) {
            self.session = Some(self.transport.connect().await?);
        }
        Ok(self.session.as_mut().expect("just connected"))
    }
}

/// Sends one claimed-when-handed-over message: `claim` marks it `sending`.
async fn send(
    t: &Transport,
    link: &mut Option<Link<'_>>,
    job: &OutboxJob,
    claim: impl FnOnce() -> bool,
) -> Outcome {
    let envelope = match envelope(job) {
        Ok(e) => e,
        Err(e) => return Outcome::Permanent(e),
    };
    match t {
        Transport::File(dir) => {
            // The addresses were checked above; the demo keeps only the message.
            let _ = envelope;
            if !claim() {
                return Outcome::Skipped;
            }
            match crate::mail_out::eml_folder::write_eml(dir, &job.raw) {
                Ok(_) => Outcome::Sent,
                Err(e) => Outcome::Temporary(e.to_string()),
            }
        }
        Transport::Smtp(_) => {
            let link = link.as_mut().expect("an SMTP transport has a link");
            let session = match link.session().await {
                Ok(s) => s,
                Err(e) if e.is_permanent() => return Outcome::Permanent(smtp::explain(&e)),
                Err(e) => return Outcome::Temporary(smtp::explain(&e)),
            };
            match session.send(&envelope, &job.raw, claim).await {
                smtp::Sent::Accepted => Outcome::Sent,
                smtp::Sent::Skipped => Outcome::Skipped,
                smtp::Sent::NotHandedOver(e) | smtp::Sent::Refused(e) => {
                    if e.is_permanent() {
                        Outcome::Permanent(smtp::explain(&e))
                    } else {
                        Outcome::Temporary(smtp::explain(&e))
                    }
                }
                smtp::Sent::Unknown(e) => {
                    link.session = None;
                    Outcome::Unknown(smtp::explain(&e))
                }
            }
        }
    }
}

/// The account's Sent folder; `None` when it has none.
fn sent_folder(
    s: &mut crate::mail_in::imap::connect::Session,
    configured: &[String],
) -> Result<Option<String>, String> {
    let folders =
        crate::mail_in::imap::sync::resolve_folders(s, configured).map_err(|e| e.to_string())?;
    Ok(folders
        .into_iter()
        .find(|f| f.role == "sent")
        .map(|f| f.name))
}

/// Whether the examined folder holds a message with this Message-ID (only we make ours).
fn holds(s: &mut crate::mail_in::imap::connect::Session, message_id: &str) -> Result<bool, String> {
    let q = format!(
        "HEADER Message-ID \"{}\"",
        message_id.replace(['"', '\\'], "")
    );
    s.uid_search(q)
        .map(|u| !u.is_empty())
        .map_err(|e| crate::mail_in::imap::connect::describe(&e))
}

/// Looks the interrupted messages up in Sent. `Err` when Sent could not be searched.
fn look_in_sent(
    s: &mut crate::mail_in::imap::connect::Session,
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
        .map_err(|e| crate::mail_in::imap::connect::describe(&e))?;
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
    let f = crate::shared_dir::open_lock(&path).map_err(io)?;
    f.lock().map_err(io)?;
    Ok(PassLock(f))
}

/// Start-up recovery: messages cut off in `sending` are looked up in Sent; found ones are sent,
/// the rest go back to the queue. Queued messages missing from the conversation are shown.
pub fn recover(store: &mut Store, d: &Deliverer) -> Result<(), StoreError> {
    // Under the lock, a message in `sending` belongs to no running pass: it was cut off.
    let _lock = lock(store)?;
    let now = crate::store::now();
    for job in store.outbox()? {
        if matches!(
            job.state,
            OutboxState::Queued | OutboxState::Sending | OutboxState::Failed
        ) && let Some(raw) = store.outbox_raw(job.id)?
        {
            crate::mail_out::outbox::show_queued(store, &raw, now)?;
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
            store.outbox_sent(job.id, SentCopyState::Done)?;
        } else {
            let resent = store.outbox_outcome_unknown(
                job.id,
                "cut off while the server was taking it",
                now,
            )?;
            tracing::warn!(
                "outbox message {} was cut off in the SMTP data phase and is not in Sent: {}",
                job.id,
                if resent {
                    "sending it once more"
                } else {
                    "waiting for a recruiter (second time)"
                }
            );
        }
    }
    Ok(())
}

/// One pass: every due message is checked against the candidate's wishes again (an opt-out may
/// have come in since it was queued), sent, and copied to Sent right after its own delivery.
pub async fn run_once(store: &mut Store, d: &Deliverer) -> Result<FlushReport, StoreError> {
    run_pass(store, d, false).await
}

/// A pass that also sends what waits for its backoff (`rapport outbox flush --now`).
pub async fn run_now(store: &mut Store, d: &Deliverer) -> Result<FlushReport, StoreError> {
    run_pass(store, d, true).await
}

async fn run_pass(
    store: &mut Store,
    d: &Deliverer,
    ignore_backoff: bool,
) -> Result<FlushReport, StoreError> {
    let _lock = lock(store)?;
    let mut r = FlushReport::default();
    let now = crate::store::now();
    let due_at = if ignore_backoff { i64::MAX } else { now };
    let mut link = match &d.transport {
        Transport::Smtp(t) => Some(Link {
            transport: t,
            session: None,
        }),
        Transport::File(_) => None,
    };
    let mut sent = SentFolder::new(d);
    for job in store.due_outbox(due_at)? {
        if let Verdict::Refused(why) = check(
            store,
            job.candidate_id,
            &job.envelope_to,
            crate::model::Channel::Email,
            &job.topics,
            now,
        )? {
            store.outbox_failed(job.id, &format!("not sent: {why}"))?;
            store.conn_cancel(job.id)?;
            r.cancelled += 1;
            continue;
        }
        let mut claimed = Ok(false);
        let outcome = send(&d.transport, &mut link, &job, || {
            claimed = store.outbox_sending(job.id);
            matches!(claimed, Ok(true))
        })
        .await;
        claimed?;
        match outcome {
            Outcome::Sent => {
                // Committed the moment the reply came; the copy follows at once.
                let copy = if d.sent.is_some() {
                    SentCopyState::Pending
                } else {
                    SentCopyState::Local
                };
                store.outbox_sent(job.id, copy)?;
                r.sent += 1;
                if d.sent.is_some() {
                    r.copies += sent.copy(store, &job)?;
                }
            }
            Outcome::Temporary(e) => {
                tracing::warn!(
                    "SMTP: outbox message {} not sent, will retry: {}",
                    job.id,
                    crate::logging::server_text(&e)
                );
                let next = now + retry_delay(job.attempts).as_secs() as i64;
                store.outbox_retry(job.id, &e, next)?;
                r.retrying += 1;
            }
            Outcome::Permanent(e) => {
                tracing::warn!(
                    "SMTP: outbox message {} refused for good: {}",
                    job.id,
                    crate::logging::server_text(&e)
                );
                store.outbox_failed(job.id, &e)?;
                r.failed += 1;
            }
            Outcome::Unknown(e) => {
                store.outbox_outcome_unknown(job.id, &e, now)?;
                r.retrying += 1;
            }
            Outcome::Skipped => {}
        }
    }
    if let Some(Link {
        session: Some(s), ..
    }) = link
    {
        s.quit().await;
    }
    // Copies an earlier pass could not make.
    r.copies += sent.copy_pending(store)?;
    sent.close();
    Ok(r)
}

/// The account's Sent folder over one IMAP session, opened when the first copy is due.
struct SentFolder<'a> {
    d: &'a Deliverer,
    /// The session and the folder, or why there is none (said once per pass).
    open: Option<Result<(crate::mail_in::imap::connect::Session, String), String>>,
}

impl<'a> SentFolder<'a> {
    fn new(d: &'a Deliverer) -> SentFolder<'a> {
        SentFolder { d, open: None }
    }

    fn session(&mut self) -> Result<&mut (crate::mail_in::imap::connect::Session, String), String> {
        if self.open.is_none() {
            let Some(ep) = &self.d.sent else {
                return Err("no IMAP account for the Sent folder".into());
            };
            let opened = (|| {
                let mut s = connect(ep).map_err(|e| e.to_string())?;
                let folder = match sent_folder(&mut s, &self.d.sent_folders)? {
                    Some(f) => f,
                    None => return Err("no Sent folder found".to_string()),
                };
                s.examine(&folder)
                    .map_err(|e| crate::mail_in::imap::connect::describe(&e))?;
                Ok((s, folder))
            })();
            if let Err(e) = &opened {
                tracing::warn!("Sent copies wait: {e}");
            }
            self.open = Some(opened);
        }
        match self.open.as_mut().expect("set above") {
            Ok(o) => Ok(o),
            Err(e) => Err(e.clone()),
        }
    }

    /// Appends one sent message to Sent (\Seen), unless a pass that died before recording it
    /// made the copy already. Returns 1 when the copy is there now.
    fn copy(&mut self, store: &mut Store, j: &OutboxJob) -> Result<usize, StoreError> {
        let made = self
            .session()
            .and_then(|(s, folder)| match holds(s, &j.message_id) {
                Ok(true) => Ok(()),
                Ok(false) => s
                    .append(folder.as_str(), &j.raw)
                    .flag(imap::types::Flag::Seen)
                    .finish()
                    .map(|_| ())
                    .map_err(|e| crate::mail_in::imap::connect::describe(&e)),
                Err(e) => Err(e),
            });
        match made {
            Ok(()) => {
                store.outbox_copy(j.id, SentCopyState::Done, None)?;
                Ok(1)
            }
            Err(e) => {
                store.outbox_copy(
                    j.id,
                    SentCopyState::Pending,
                    Some(&format!("Sent copy not made yet: {e}")),
                )?;
                Ok(0)
            }
        }
    }

    /// Every copy still to be made.
    fn copy_pending(&mut self, store: &mut Store) -> Result<usize, StoreError> {
        if self.d.sent.is_none() {
            return Ok(0);
        }
        let mut done = 0;
        for j in store.pending_sent_copies()? {
            done += self.copy(store, &j)?;
        }
        Ok(done)
    }

    fn close(self) {
        if let Some(Ok((mut s, _))) = self.open {
            let _ = s.logout();
        }
    }
}

/// What the delivery worker reports to the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryEvent {
    /// Something in the outbox changed: the conversation should be read again.
    Changed(FlushReport),
    Error(String),
}

/// How often the worker looks at the outbox when nobody wakes it.
pub const OUTBOX_POLL: Duration = Duration::from_secs(15);

/// Work the worker does on its own connection before each delivery pass (releasing what is
/// due of a share into the outbox); an error is reported and the pass goes on.
pub type BeforePass = Box<dyn FnMut(&mut Store) -> std::result::Result<(), String> + Send>;

/// Starts the delivery worker. Send `()` on the returned sender to wake it (a new message).
pub fn spawn_worker(
    data_dir: PathBuf,
    deliverer: Deliverer,
    mut before_pass: Option<BeforePass>,
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
            let run = crate::guard::guarded(move || {
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
                    if let Some(f) = before_pass.as_mut()
                        && let Err(e) = f(&mut store)
                        && events.send(DeliveryEvent::Error(e)).is_err()
                    {
                        return;
                    }
                    match rt.block_on(run_once(&mut store, &deliverer)) {
                        Ok(r) if r != FlushReport::default() => {
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
