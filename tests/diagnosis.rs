//! The right diagnosis for each fault: every test is the failure it prevents. A read-only
//! data dir said "join group root"; `--data-dir FILE` said "File exists"; a dead process's
//! sync lease blocked syncs for 20 s; a resumed sync reported every stored message as a flag
//! change; config errors did not name the key; IMAP failures were not in the log.

mod common;

use common::team::{self, MEMBERS, rapport_as};
use rapport_core::mail_in::ingest::{RawMessage, ingest_all};
use rapport_core::store::{LeaseHolder, Location, SYNC_LEASE, Store};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The commands that only read, as a recruiter would run them.
const READERS: &[&[&str]] = &[
    &["status"],
    &["candidates", "--json"],
    &["search", "role"],
    &["report", "--since", "all"],
];

/// Reading commands work on `data` as `user`; writing ones say the dir is read-only.
fn check_read_only(user: Option<&str>, data: &Path) {
    let list = rapport_as(user, data, &["candidates", "--json"])
        .output()
        .unwrap();
    let (out, err) = text(&list);
    assert!(list.status.success(), "candidates: {err}");
    let cands: serde_json::Value = serde_json::from_str(&out).unwrap();
    let email = cands[0]["address"]
        .as_str()
        .unwrap_or_else(|| panic!("no address in {}", cands[0]))
        .to_string();
    for args in READERS
        .iter()
        .copied()
        .chain([&["show", email.as_str()][..]])
    {
        let o = rapport_as(user, data, args).output().unwrap();
        let (out, err) = text(&o);
        assert!(
            o.status.success(),
            "{args:?} failed in a read-only dir: {err}"
        );
        assert!(!out.is_empty(), "{args:?} printed nothing");
    }
    for args in [
        &["note", email.as_str(), "a note"][..],
        &["snooze", email.as_str(), "3d"][..],
    ] {
        let o = rapport_as(user, data, args).output().unwrap();
        let (_, err) = text(&o);
        assert!(!o.status.success(), "{args:?} succeeded in a read-only dir");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("{} is read-only", data.display())),
            "{args:?}: {err}"
        );
        assert!(!err.contains("usermod") && !err.contains("group"), "{err}");
    }
}

/// A tmpfs at `dir`, unmounted when dropped (also when the test fails).
struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = team::sh("umount", &["-l", self.0.to_str().unwrap()]);
    }
}

#[test]
fn a_read_only_file_system_is_read_and_named() {
    if !common::root_or_skip() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    let m = mnt.to_str().unwrap();
    let o = team::sh("mount", &["-t", "tmpfs", "-o", "size=64m", "tmpfs", m]);
    assert!(o.status.success(), "mount: {o:?}");
    let _mount = Mount(mnt.clone());
    let data = mnt.join("data");
    team::demo_into(&data);
    assert!(team::sh("mount", &["-o", "remount,ro", m]).status.success());
    // As root: only the file system can stop a write.
    check_read_only(None, &data);
}

#[test]
fn a_data_dir_without_write_permission_is_read_and_named() {
    if !team::users_or_skip() {
        return;
    }
    let (_tmp, data) = team::shared_data_dir();
    team::demo_into(&data);
    // Every file readable by the team, nothing writable by anyone.
    for e in std::fs::read_dir(&data).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            assert!(
                team::sh("chgrp", &[team::GROUP, p.to_str().unwrap()])
                    .status
                    .success()
            );
            std::fs::set_permissions(&p, PermissionsExt::from_mode(0o444)).unwrap();
        }
    }
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o2555)).unwrap();
    check_read_only(Some(MEMBERS[0]), &data);
}

#[test]
fn a_data_dir_that_is_a_file_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    for args in [&["status"][..], &["note", "a@x.example", "n"][..]] {
        let o = rapport_as(None, &file, args).output().unwrap();
        let (_, err) = text(&o);
        assert!(!o.status.success());
        assert!(
            err.contains(&format!("{} is a file, not a directory", file.display())),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_lease_of_a_process_gone_from_this_host_is_taken_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in(dir.path()).unwrap();
    let host = rapport_core::shared_dir::host();
    // A pid that existed and is gone: a child we waited for.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let holder = |h: String| LeaseHolder {
        holder: h,
        actor: "alice".into(),
        kind: "sync".into(),
    };
    let ttl = 20_000;
    store
        .acquire_lease(SYNC_LEASE, &holder(format!("{dead}@{host}")), ttl)
        .unwrap();
    let me = holder(format!("{}@{host}", std::process::id()));
    let got = store.acquire_lease(SYNC_LEASE, &me, ttl).unwrap();
    assert_eq!(
        got.who.holder, me.holder,
        "the dead holder's lease was not taken"
    );

    // A live process keeps it (pid 1 always exists), and so does a process on another host,
    // which this host cannot check.
    for other in [format!("1@{host}"), format!("{dead}@another-host")] {
        store.release_lease(SYNC_LEASE, &me.holder).unwrap();
        store
            .acquire_lease(SYNC_LEASE, &holder(other.clone()), ttl)
            .unwrap();
        let got = store.acquire_lease(SYNC_LEASE, &me, ttl).unwrap();
        assert_eq!(got.who.holder, other);
        store.release_lease(SYNC_LEASE, &other).unwrap();
    }
}

#[test]
fn flags_fetched_again_are_not_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let folder = store.folder_id("INBOX", "inbox").unwrap();
    let msgs: Vec<RawMessage> = (1..=3u32)
        .map(|uid| RawMessage {
            bytes: format!(
                "From: c{uid}@x.example\r\nTo: team@co.example\r\nSubject: s\r\nMessage-ID: <m{uid}@x>\r\n\r\nhi\r\n"
            )
            .into_bytes(),
            location: Some(Location {
                folder_id: folder,
                uid,
                flags: "\\Seen $Label".into(),
                modseq: Some(1),
            }),
            received_at: 0,
            parts: None,
        })
        .collect();
    ingest_all(&mut store, msgs, |_| {}).unwrap();
    // A resumed sync fetches FLAGS of everything held: the same flags, in another order.
    let same: Vec<(u32, String, Option<u64>)> = (1..=3)
        .map(|u| (u, "$Label \\Seen".to_string(), Some(2)))
        .collect();
    assert_eq!(store.update_flags(folder, &same).unwrap(), 0);
    let one = vec![(2, "\\Seen $Label \\Flagged".to_string(), Some(3))];
    assert_eq!(store.update_flags(folder, &one).unwrap(), 1);
}

#[test]
fn a_config_error_names_the_key_and_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    let head = "[identity]\nteam = \"Co\"\naddress = \"team@co.example\"\n\n[imap]\nhost = \"127.0.0.1\"\n";
    let cases = [
        (
            "security = 5\nusername = \"u\"\npassword_env = \"P\"\n",
            "config.toml:7: imap.security: ",
            r#"expected one of "tls", "starttls", "none""#,
        ),
        (
            "security = \"tls\"\nusername = \"u\"\nusername = \"v\"\npassword_env = \"P\"\n",
            "config.toml:9: ",
            "username",
        ),
    ];
    for (tail, at, what) in cases {
        std::fs::write(&cfg, format!("{head}{tail}")).unwrap();
        let o = common::rapport_bin()
            .args(["status", "--config"])
            .arg(&cfg)
            .arg("--data-dir")
            .arg(tmp.path().join("data"))
            .output()
            .unwrap();
        let (_, err) = text(&o);
        assert!(!o.status.success());
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(at) && err.contains(what), "{err}");
    }
}

#[test]
fn an_imap_failure_is_in_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[identity]\nteam = \"Co\"\naddress = \"team@co.example\"\n\n[imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nusername = \"u\"\npassword_env = \"RAPPORT_TEST_IMAP_PW\"\n"
        ),
    )
    .unwrap();
    let data = tmp.path().join("data");
    let o = common::rapport_bin()
        .args(["sync", "--config"])
        .arg(&cfg)
        .arg("--data-dir")
        .arg(&data)
        .env("RAPPORT_TEST_IMAP_PW", "hunter2-secret")
        .env("RAPPORT_SYNC_LEASE_SECS", "1")
        .output()
        .unwrap();
    assert!(!o.status.success(), "{o:?}");
    let log = std::fs::read_to_string(data.join("rapport.log")).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("IMAP: sync failed"))
        .unwrap_or_else(|| panic!("no IMAP line in the log:\n{log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(!log.contains("hunter2-secret"), "{log}");
}

#[test]
fn a_resumed_sync_reports_no_flag_changes_for_what_it_holds() {
    use common::mail::{MailServers, PASSWORD_ENV};
    let s = MailServers::start();
    s.seed("INBOX", 30, "resume");
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(
        &cfg,
        s.config("tls", &format!("ca_file = \"{}\"", s.ca().display())),
    )
    .unwrap();
    let data = tmp.path().join("data");
    let sync = || {
        let o = common::rapport_bin()
            .arg("sync")
            .env("RAPPORT_CONFIG", &cfg)
            .env("RAPPORT_DATA_DIR", &data)
            .env(PASSWORD_ENV, s.password())
            .output()
            .unwrap();
        let (out, err) = text(&o);
        assert!(o.status.success(), "{out}{err}");
        out
    };
    let first = sync();
    assert!(first.contains("30 new"), "{first}");
    // As after a sync cut off before its folder was done: no HIGHESTMODSEQ recorded, so the
    // next sync fetches the flags of everything it holds.
    let db = rusqlite::Connection::open(data.join("rapport.db")).unwrap();
    db.execute("UPDATE folders SET highestmodseq = NULL", [])
        .unwrap();
    drop(db);
    let resumed = sync();
    assert!(!resumed.contains("flag change"), "{resumed}");
    // A real change is still reported.
    let mut c =
        rapport_core::mail_in::imap::connect::connect(&s.endpoint("talent@example.test")).unwrap();
    c.select("INBOX").unwrap();
    c.uid_store("1", "+FLAGS (\\Flagged)").unwrap();
    let _ = c.logout();
    let changed = sync();
    assert!(changed.contains("1 flag changes"), "{changed}");
}
