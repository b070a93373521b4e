//! `rapport sync`: one sync, with a progress bar on a terminal and log lines otherwise.

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use rapport_core::actions::session::Session;
use rapport_core::actions::share;
use rapport_core::config::Config;
use rapport_core::mail_in::imap::connect::{self, Endpoint};
use rapport_core::mail_in::imap::sync::{Progress, sync_all};
use rapport_core::mail_in::sync_lease::{LeaseStatus, SyncLease};
use rapport_core::store::Store;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn endpoint(cfg: &Config) -> anyhow::Result<Endpoint> {
    let imap = cfg.imap.as_ref().with_context(|| {
        format!(
            "{}: there is no [imap] section, so there is nothing to sync",
            cfg.path.display()
        )
    })?;
    Ok(Endpoint::from_config(imap.get_ref())?)
}

#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Keep syncing (IDLE on INBOX, Sent every two minutes) until stopped, for a box where no
    /// inbox stays open; only one process syncs at a time (see `rapport status`)
    #[arg(long)]
    pub watch: bool,
}

pub fn run(cfg: &Config, data_dir: &Path, args: SyncArgs) -> anyhow::Result<ExitCode> {
    let mut store = Store::open_in(data_dir)?;
    let session = Session::open(Some(cfg.clone()), data_dir);
    session.apply_team(&mut store)?;
    let ep = endpoint(cfg)?;
    let actor = session.actor.clone();
    if args.watch {
        return watch(cfg, data_dir, ep, &actor);
    }
    // Exactly one process syncs a data dir: wait for a one-off sync that holds the lease;
    // an open inbox (or a --watch) keeps the mailbox in sync anyway.
    let lease = SyncLease::start(data_dir, &actor, "sync");
    let mut said = false;
    loop {
        match lease.status() {
            LeaseStatus::Held => break,
            LeaseStatus::Other(l) if l.who.kind != "sync" => {
                println!(
                    "the mailbox is kept in sync by {}; nothing to do",
                    super::output::clean(&l.describe())
                );
                return Ok(ExitCode::SUCCESS);
            }
            LeaseStatus::Other(l) => {
                if !said {
                    eprintln!(
                        "waiting for the sync run by {} to finish…",
                        super::output::clean(&l.describe())
                    );
                    said = true;
                }
            }
            LeaseStatus::Failed(e) => anyhow::bail!("cannot take the sync lease: {e}"),
            LeaseStatus::Unknown => {}
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let folders = cfg
        .imap
        .as_ref()
        .map(|i| i.get_ref().folders.clone())
        .unwrap_or_default();
    let tty = std::io::stderr().is_terminal();
    let bar = ProgressBar::hidden();
    if tty {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
    }
    let start = Instant::now();
    let mut folder_start = Instant::now();
    let mut current = String::new();
    let mut last_line = Instant::now();
    let mut progress = |p: &Progress| {
        if p.folder != current {
            current = p.folder.clone();
            folder_start = Instant::now();
            bar.set_prefix(current.clone());
            bar.set_length(p.total as u64);
        }
        let rate = rate_text(p.done, folder_start.elapsed());
        if tty {
            bar.set_position(p.done as u64);
            bar.set_message(rate.unwrap_or_default());
        } else if last_line.elapsed().as_secs() >= 1 || p.done == p.total {
            last_line = Instant::now();
            let rate = rate.map(|r| format!(" ({r})")).unwrap_or_default();
            eprintln!("{}: {}/{}{rate}", p.folder, p.done, p.total);
        }
    };
    // Failures go to the log too: the terminal that saw them may be gone.
    let log = |e: &dyn std::fmt::Display| {
        tracing::warn!(
            "IMAP: sync failed: {}",
            rapport_core::logging::server_text(&e.to_string())
        )
    };
    let mut link = connect::link(&ep).inspect_err(|e| log(e))?;
    let reports = sync_all(
        &mut link,
        &mut store,
        &folders,
        &session.web(),
        &mut progress,
    )
    .inspect_err(|e| log(e))?;
    let _ = link.session.logout();
    bar.finish_and_clear();
    for r in &reports {
        println!("{r}");
    }
    tracing::info!("sync finished in {:.2}s", start.elapsed().as_secs_f64());
    drop(lease);
    Ok(ExitCode::SUCCESS)
}

/// The rate for the progress line, once it means something: a batch stored a few
/// milliseconds after the folder started would read as millions of messages a second.
fn rate_text(done: usize, elapsed: std::time::Duration) -> Option<String> {
    (elapsed >= std::time::Duration::from_secs(1) && done > 0)
        .then(|| format!("{:.0} messages/s", done as f64 / elapsed.as_secs_f64()))
}

/// Set by SIGINT, SIGTERM or SIGHUP while `--watch` runs.
static STOP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, std::sync::atomic::Ordering::SeqCst);
}

fn stop_on_signals() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(sig, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// `rapport sync --watch`: the TUI's sync worker without the TUI; one line per event on
/// stderr. Another process holding the lease makes this one wait (and take over if it dies).
fn watch(
    cfg: &Config,
    data_dir: &Path,
    endpoint: Endpoint,
    actor: &str,
) -> anyhow::Result<ExitCode> {
    use rapport_core::mail_in::imap::worker::{SyncEvent, WorkerConfig, spawn};
    let lease = SyncLease::start(data_dir, actor, "watch");
    let rx = spawn(WorkerConfig {
        endpoint,
        folders: cfg
            .imap
            .as_ref()
            .map(|i| i.get_ref().folders.clone())
            .unwrap_or_default(),
        data_dir: data_dir.to_owned(),
        lease: Some(lease.view()),
        web: cfg.web(),
    });
    // The outbox is delivered here too: on a box where no inbox stays open, queued mail and its
    // retries would otherwise wait for ever.
    let session = Session::open(Some(cfg.clone()), data_dir);
    let delivery = match Store::open_in(data_dir)
        .map(|store| (session.deliverer(&store), share::releaser(&session, &store)))
    {
        Ok((Ok(d), releaser)) => Some(rapport_core::mail_out::delivery::spawn_worker(
            data_dir.to_owned(),
            d,
            releaser,
        )),
        Ok((Err(e), _)) => {
            eprintln!(
                "not delivering the outbox: {}",
                super::output::clean(&format!("{e:#}"))
            );
            None
        }
        Err(e) => return Err(e.into()),
    };
    let mut folder = String::new();
    stop_on_signals();
    loop {
        if let Some((_, events)) = &delivery {
            while let Ok(ev) = events.try_recv() {
                match ev {
                    rapport_core::mail_out::delivery::DeliveryEvent::Changed(r) => eprintln!(
                        "outbox: {} sent, {} to retry, {} failed, {} cancelled, {} copied to Sent",
                        r.sent, r.retrying, r.failed, r.cancelled, r.copies
                    ),
                    rapport_core::mail_out::delivery::DeliveryEvent::Error(e) => {
                        eprintln!("outbox: {}", super::output::clean(&e))
                    }
                }
            }
        }
        if STOP.load(std::sync::atomic::Ordering::SeqCst) {
            // A clean stop hands the sync to another session at once (the lease is released
            // when `lease` drops) instead of after the lease expires.
            eprintln!("stopping");
            return Ok(ExitCode::SUCCESS);
        }
        let ev = match rx.recv_timeout(std::time::Duration::from_millis(200)) {
            Ok(ev) => ev,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        match ev {
            SyncEvent::Progress(p) => {
                if p.folder != folder || p.done == p.total {
                    folder = p.folder.clone();
                    eprintln!("syncing {}: {}/{}", p.folder, p.done, p.total);
                }
            }
            SyncEvent::UpToDate { new } => eprintln!("up to date ({new} new)"),
            SyncEvent::Offline { reason, retry_in } => {
                eprintln!(
                    "offline: {}; retrying in {}s",
                    super::output::clean(&reason),
                    retry_in.as_secs()
                )
            }
            SyncEvent::Standby { holder } => {
                eprintln!(
                    "standing by: {} syncs; taking over if it stops",
                    super::output::clean(&holder)
                )
            }
            SyncEvent::Stopped { reason } => {
                drop(lease);
                anyhow::bail!("sync stopped: {reason}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn no_rate_over_a_tiny_elapsed_time() {
        // 2000 messages 1 ms after the start used to show "2000000 messages/s".
        assert_eq!(super::rate_text(2000, Duration::from_millis(1)), None);
        assert_eq!(super::rate_text(0, Duration::from_secs(5)), None);
        assert_eq!(
            super::rate_text(2000, Duration::from_secs(2)).as_deref(),
            Some("1000 messages/s")
        );
    }
}
