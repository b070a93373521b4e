//! The background sync against real servers: IDLE delivery, outage and reconnect, and
//! SIGKILL in the middle of a sync.

mod common;

use common::mail::{MailServers, PASSWORD_ENV, candidate_mail};
use rapport_core::mail_in::imap::worker::{SyncEvent, WorkerConfig, spawn};
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

fn wait_for(
    rx: &Receiver<SyncEvent>,
    secs: u64,
    what: &str,
    pred: impl Fn(&SyncEvent) -> bool,
) -> SyncEvent {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(ev) if pred(&ev) => return ev,
            Ok(_) => {}
            Err(_) => panic!("no {what} within {secs}s"),
        }
    }
}

fn messages(data: &std::path::Path) -> i64 {
    rapport_core::store::Store::open_in(data)
        .unwrap()
        .status()
        .unwrap()
        .messages
}

#[test]
fn idle_brings_new_mail_within_seconds_and_reconnects_after_an_outage() {
    let s = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let rx = spawn(WorkerConfig {
        lease: None,
        web: Default::default(),
        endpoint: s.endpoint("talent@example.test"),
        folders: vec![],
        data_dir: dir.path().to_owned(),
    });
    wait_for(&rx, 20, "first sync", |e| {
        matches!(e, SyncEvent::UpToDate { .. })
    });
    // Give the IDLE connection a moment to be in IDLE.
    std::thread::sleep(Duration::from_millis(500));

    let sent = Instant::now();
    s.deliver(
        "jane@example.test",
        "talent@example.test",
        &candidate_mail(
            "jane@example.test",
            "Jane",
            "Live",
            "live1@example.test",
            "hello",
        ),
    );
    wait_for(&rx, 10, "the new mail", |e| {
        matches!(e, SyncEvent::UpToDate { new: 1 })
    });
    println!("delivered → stored: {:.2} s", sent.elapsed().as_secs_f64());
    assert_eq!(messages(dir.path()), 1);

    // The server goes away: the worker says so, then comes back by itself.
    s.stop_imap();
    let ev = wait_for(&rx, 30, "offline", |e| {
        matches!(e, SyncEvent::Offline { .. })
    });
    if let SyncEvent::Offline { reason, retry_in } = ev {
        assert!(!reason.is_empty() && retry_in <= Duration::from_secs(30));
    }
    s.start_imap();
    wait_for(&rx, 60, "reconnect", |e| {
        matches!(e, SyncEvent::UpToDate { .. })
    });
    // The IDLE connection came back too: new mail arrives without any prompting.
    s.deliver(
        "omar@example.test",
        "talent@example.test",
        &candidate_mail(
            "omar@example.test",
            "Omar",
            "After",
            "after1@example.test",
            "hi",
        ),
    );
    wait_for(&rx, 40, "mail after the outage", |e| {
        matches!(e, SyncEvent::UpToDate { new: 1 })
    });
    assert_eq!(messages(dir.path()), 2);
}

#[test]
fn sigkill_mid_sync_then_sync_again_gives_exactly_the_servers_messages() {
    let s = MailServers::start();
    // One in five carries a CV and is read in part (its text, then its parts' description).
    s.seed_with_cvs("INBOX", 1200, "k", 5);
    s.seed("Sent", 300, "ks");
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        s.config("tls", &format!("ca_file = \"{}\"", s.ca().display())),
    )
    .unwrap();
    let data = dir.path().join("data");
    let rapport = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_rapport"));
        c.args(args)
            .env("RAPPORT_CONFIG", &config)
            .env("RAPPORT_DATA_DIR", &data)
            .env(PASSWORD_ENV, s.password());
        c
    };
    // Kill at several points; each run makes some progress.
    let mut last = 0;
    for delay_ms in [150u64, 400, 700, 1000] {
        let mut child = rapport(&["sync"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-9", &child.id().to_string()])
            .status();
        let _ = child.wait();
        if data.join("rapport.db").exists() {
            let n = messages(&data);
            assert!(n >= last, "a killed sync lost committed messages");
            last = n;
        }
    }
    let out = rapport(&["sync"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = rusqlite::Connection::open(data.join("rapport.db")).unwrap();
    let q = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM messages"), 1500);
    assert_eq!(q("SELECT count(DISTINCT message_id) FROM messages"), 1500);
    assert_eq!(q("SELECT count(*) FROM message_locations"), 1500);
    assert_eq!(
        q("SELECT count(*) FROM messages WHERE attachments LIKE '%\"cv-k-%.pdf\"%'"),
        240
    );
    assert_eq!(
        q(
            "SELECT count(*) FROM messages m JOIN message_locations l ON l.message_id = m.id JOIN folders f ON f.id = l.folder_id WHERE f.name = 'Sent' AND m.message_id LIKE 'ks.%'"
        ),
        300
    );
    // The first run was a first load (search indexed at the end, never reached): every
    // message is searchable all the same, and the index is sound.
    assert_eq!(
        q("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'realistic'"),
        1500
    );
    assert_eq!(
        q("SELECT count(*) FROM meta WHERE key LIKE 'search_index%'"),
        0
    );
    db.execute_batch("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
        .unwrap();
    let hits = rapport(&["search", "--json", "message 1199"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&hits.stdout).contains("Message 1199"));
    // And nothing more arrives on a further sync.
    let out = rapport(&["sync"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("INBOX: 0 new"));
}

#[test]
fn a_server_restart_in_the_middle_of_a_sync_is_survived() {
    const SEEDED: i64 = 30_000;
    let s = MailServers::start();
    // Enough that the server dies while most of the mail is still to come.
    s.seed_maildir(SEEDED as usize, "r");
    let dir = tempfile::tempdir().unwrap();
    let rx = spawn(WorkerConfig {
        lease: None,
        web: Default::default(),
        endpoint: s.endpoint("talent@example.test"),
        folders: vec![],
        data_dir: dir.path().to_owned(),
    });
    wait_for(
        &rx,
        30,
        "progress",
        |e| matches!(e, SyncEvent::Progress(p) if p.done > 0 && p.done < p.total),
    );
    // The server dies in the middle of a response: the worker says it is offline, in words,
    // and what it stored so far stays.
    s.kill_imap();
    let ev = wait_for(&rx, 30, "offline", |e| {
        matches!(e, SyncEvent::Offline { .. } | SyncEvent::UpToDate { .. })
    });
    let SyncEvent::Offline { reason, .. } = ev else {
        panic!("the sync was not cut off: {ev:?}");
    };
    assert!(
        reason.contains("the server closed the connection"),
        "{reason}"
    );
    let kept = messages(dir.path());
    assert!(
        kept > 0 && kept < SEEDED,
        "{kept} stored when the server died"
    );

    s.start_imap();
    // It reconnects by itself and ends with exactly the server's messages.
    let start = Instant::now();
    while messages(dir.path()) < SEEDED {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "the sync did not complete after the restart"
        );
        let _ = rx.recv_timeout(Duration::from_secs(1));
    }
    let db = rusqlite::Connection::open(dir.path().join("rapport.db")).unwrap();
    let q = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT count(*) FROM messages"), SEEDED);
    assert_eq!(q("SELECT count(DISTINCT message_id) FROM messages"), SEEDED);
}
