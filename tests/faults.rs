//! Faults without surprises, each as the failure it prevents: a disk that fills up in the
//! middle of a sync stops it with a clear message instead of hanging, and leaves a database
//! that the next sync completes.

mod common;

use common::mail::{MailServers, PASSWORD_ENV};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_disk_that_fills_up_during_a_sync_stops_it_with_a_clear_message() {
    if !common::root_or_skip() {
        return;
    }
    let s = MailServers::start();
    s.seed_maildir(12000, "full");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let disk = common::Tmpfs::mount(&data, "4m");
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        s.config("tls", &format!("ca_file = \"{}\"", s.ca().display())),
    )
    .unwrap();
    let sync = |limit: u64| {
        let started = Instant::now();
        let mut child = common::rapport_bin()
            .args(["sync"])
            .env("RAPPORT_CONFIG", &config)
            .env("RAPPORT_DATA_DIR", &data)
            .env(PASSWORD_ENV, s.password())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Never hangs: it has ended within `limit` seconds, one way or another.
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(limit) {
                let _ = child.kill();
                panic!("rapport sync still runs after {limit} s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A full disk stops it within 10 s.
    let (ok, err) = sync(10);
    assert!(!ok, "a sync into a full disk succeeded");
    assert!(
        err.contains("the disk holding the data dir is full"),
        "{err}"
    );
    assert_eq!(
        err.matches("database or disk is full").count(),
        1,
        "the error is printed once: {err}"
    );
    // Besides progress lines (`INBOX: 750/12000`, printed when a slow sync takes a while), one
    // line says what happened.
    let said: Vec<&str> = err
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("INBOX:"))
        .collect();
    assert_eq!(said.len(), 1, "{err}");
    let conn = rusqlite::Connection::open(data.join("rapport.db")).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    // Space freed: the next sync completes, nothing lost or twice.
    disk.resize("200m");
    // The whole sync, on a loaded machine, may take longer than stopping does.
    let (ok, err) = sync(300);
    assert!(ok, "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["status", "--json"])
        .env("RAPPORT_DATA_DIR", &data)
        .output()
        .unwrap();
    let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st["messages"], 12000);
}
