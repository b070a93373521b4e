//! Several recruiters on one box: many processes (some as other OS users) writing while a
//! sync runs, the sync lease and its take-over, a data dir shared through a group, and live
//! updates between processes.

mod common;

use common::mail::{MailServers, PASSWORD_ENV, candidate_mail};
use rapport::core::store::{LeaseHolder, SYNC_LEASE, Store};
use rapport::ui::action::Action;
use rapport::ui::update::update;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_rapport");
/// The team's group and its members, created for the test when it runs as root.
const GROUP: &str = "rapport-test";
const MEMBERS: [&str; 3] = ["rapport-t1", "rapport-t2", "rapport-t3"];
/// A user of the box who is not in the team.
const OUTSIDER: &str = "rapport-tout";

fn sh(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd).args(args).output().unwrap()
}

fn is_root() -> bool {
    String::from_utf8_lossy(&sh("id", &["-u"]).stdout).trim() == "0"
}

/// Creates the group and users once; Err says why other OS users cannot be used here.
fn users() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        if !is_root() {
            return Err("not running as root, so no OS users can be created".into());
        }
        for tool in ["useradd", "groupadd", "runuser"] {
            if !sh("sh", &["-c", &format!("command -v {tool}")])
                .status
                .success()
            {
                return Err(format!("{tool} is not installed"));
            }
        }
        let ok = |o: Output, what: &str| {
            if o.status.success() {
                Ok(())
            } else {
                Err(format!("{what}: {}", String::from_utf8_lossy(&o.stderr)))
            }
        };
        ok(sh("groupadd", &["-f", GROUP]), "groupadd")?;
        for m in MEMBERS {
            if !sh("id", &["-u", m]).status.success() {
                ok(
                    sh(
                        "useradd",
                        &["-M", "-N", "-g", GROUP, "-s", "/usr/sbin/nologin", m],
                    ),
                    "useradd",
                )?;
            }
        }
        if !sh("id", &["-u", OUTSIDER]).status.success() {
            ok(
                sh(
                    "useradd",
                    &["-M", "-N", "-s", "/usr/sbin/nologin", OUTSIDER],
                ),
                "useradd",
            )?;
        }
        Ok(())
    })
    .clone()
}

/// A data dir set up as the README says (group-owned, setgid, 2770), inside a folder other
/// users can traverse. Without root it is shared with the user's own group.
fn shared_data_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::Builder::new()
        .prefix("rapport-box-")
        .tempdir()
        .unwrap();
    std::fs::set_permissions(tmp.path(), PermissionsExt::from_mode(0o755)).unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    if users().is_ok() {
        assert!(
            sh("chgrp", &[GROUP, data.to_str().unwrap()])
                .status
                .success()
        );
    }
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o2770)).unwrap();
    (tmp, data)
}

/// The binary as `user` (through runuser), or as ourselves.
fn rapport_as(user: Option<&str>, data: &Path, args: &[&str]) -> Command {
    let mut c = match user {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.args(["-u", u, "--", BIN]);
            c
        }
        None => Command::new(BIN),
    };
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .current_dir("/")
        .stdin(Stdio::null());
    c
}

fn ok(o: Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(data: &Path, config: &Path, args: &[&str]) -> Value {
    let o = rapport_as(None, data, args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    serde_json::from_str(&ok(o, &format!("{args:?}"))).unwrap()
}

fn write_config(servers: &MailServers, dir: &Path) -> PathBuf {
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        servers.config("tls", &format!("ca_file = \"{}\"", servers.ca().display())),
    )
    .unwrap();
    std::fs::set_permissions(&path, PermissionsExt::from_mode(0o644)).unwrap();
    path
}

/// The marks ("w3-17") in the audit details.
fn marks(detail: &str) -> Vec<String> {
    detail
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|t| t.starts_with('w') && t.contains('-'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn eight_writers_and_a_sync_lose_nothing_and_see_no_lock_error() {
    let servers = MailServers::start();
    let (tmp, data) = shared_data_dir();
    let config = write_config(&servers, tmp.path());
    // Candidates to write to (the demo mailbox), and mail waiting on the server.
    ok(
        rapport_as(None, &data, &["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap(),
        "demo",
    );
    const SEEDED: i64 = 3000;
    let seeding = Instant::now();
    servers.seed_maildir(SEEDED as usize, "stress");
    println!(
        "seeded {SEEDED} messages in {:.1}s",
        seeding.elapsed().as_secs_f64()
    );
    let before = json(&data, &config, &["status", "--json"])["messages"]
        .as_i64()
        .unwrap();
    let other_users = users();
    if let Err(why) = &other_users {
        println!("all writers run as this user: {why}");
    }
    let start = Instant::now();
    let sync = rapport_as(None, &data, &["sync"])
        .arg("--config")
        .arg(&config)
        .env(PASSWORD_ENV, servers.password())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let sync = std::thread::spawn(move || {
        let o = sync.wait_with_output().unwrap();
        (o, start.elapsed())
    });
    // The writers start once the sync holds the lease (it is running).
    wait_for("the sync takes the lease", Duration::from_secs(30), || {
        holder(&data, &config).is_some()
    });
    let me = String::from_utf8(sh("id", &["-un"]).stdout).unwrap();
    let mut writers: Vec<(String, String, Child)> = Vec::new();
    for k in 0..8 {
        // Every other writer is another member of the team, when users can be made.
        let user = (other_users.is_ok() && k % 2 == 1).then(|| MEMBERS[(k / 2) % 3]);
        let tag = format!("w{k}");
        let child = rapport_as(
            user,
            &data,
            &[
                "--config",
                "/nonexistent",
                "write-burst",
                "--count",
                "500",
                "--tag",
                &tag,
            ],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        writers.push((tag, user.unwrap_or(me.trim()).to_string(), child));
    }
    for (tag, user, child) in writers.drain(..) {
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            o.status.success() && err.is_empty(),
            "writer {tag} ({user}) failed: {err}"
        );
    }
    let writes_done = start.elapsed();
    let (o, sync_done) = sync.join().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && !err.contains("locked"),
        "the sync failed: {err}"
    );
    println!(
        "sync of {SEEDED} messages done after {:.1}s; 8 × 500 writes (started once the sync ran) done after {:.1}s",
        sync_done.as_secs_f64(),
        writes_done.as_secs_f64(),
    );
    let status = json(&data, &config, &["status", "--json"]);
    assert_eq!(status["messages"].as_i64().unwrap(), before + SEEDED);
    // A finished sync gave the lease back.
    assert_eq!(status["sync_lease"], Value::Null, "{status}");
    // Every write is there, attributed to the OS user who made it.
    let audit = json(&data, &config, &["audit", "--json"]);
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut actors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in audit.as_array().unwrap() {
        for m in marks(e["detail"].as_str().unwrap()) {
            let tag = m.split('-').next().unwrap().to_string();
            actors
                .entry(tag.clone())
                .or_default()
                .insert(e["actor"].as_str().unwrap().to_string());
            found.entry(tag).or_default().insert(m);
        }
    }
    for k in 0..8 {
        let tag = format!("w{k}");
        let want: BTreeSet<String> = (0..500).map(|i| format!("{tag}-{i}")).collect();
        assert_eq!(found.get(&tag), Some(&want), "writes of {tag}");
    }
    if other_users.is_ok() {
        assert_eq!(
            actors["w1"],
            BTreeSet::from([MEMBERS[0].to_string()]),
            "the audit names the OS user"
        );
        assert_eq!(actors["w0"], BTreeSet::from([me.trim().to_string()]));
    }
}

/// The process holding the sync lease (none before the database exists).
fn holder(data: &Path, config: &Path) -> Option<String> {
    let o = rapport_as(None, data, &["status", "--json"])
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).ok()?;
    v["sync_lease"]["holder"].as_str().map(str::to_owned)
}

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    start.elapsed()
}

#[test]
fn another_process_takes_the_sync_over_after_the_holder_is_killed() {
    let servers = MailServers::start();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let config = write_config(&servers, tmp.path());
    let watcher = |log: &str| {
        rapport_as(None, &data, &["sync", "--watch"])
            .arg("--config")
            .arg(&config)
            .env(PASSWORD_ENV, servers.password())
            .env("RAPPORT_SYNC_LEASE_SECS", "2")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(tmp.path().join(log)).unwrap())
            .spawn()
            .unwrap()
    };
    let mut a = watcher("a.log");
    let a_id = format!("{}@", a.id());
    let log = |name: &str| std::fs::read_to_string(tmp.path().join(name)).unwrap_or_default();
    let start = Instant::now();
    while !holder(&data, &config).is_some_and(|h| h.starts_with(&a_id)) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the first process does not hold the lease; its output: {}",
            log("a.log")
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // A one-off sync leaves it to the holder.
    let once = rapport_as(None, &data, &["sync"])
        .arg("--config")
        .arg(&config)
        .env(PASSWORD_ENV, servers.password())
        .output()
        .unwrap();
    let said = ok(once, "sync while another process holds the lease");
    assert!(
        said.contains("kept in sync by") && said.contains(&format!("pid {}", a.id())),
        "{said}"
    );
    let mut b = watcher("b.log");
    let b_id = format!("{}@", b.id());
    wait_for(
        "the second process stands by",
        Duration::from_secs(30),
        || {
            std::fs::read_to_string(tmp.path().join("b.log"))
                .unwrap_or_default()
                .contains("standing by")
        },
    );
    assert!(holder(&data, &config).is_some_and(|h| h.starts_with(&a_id)));
    a.kill().unwrap();
    a.wait().unwrap();
    let took = wait_for(
        "the second process takes the lease over",
        Duration::from_secs(30),
        || holder(&data, &config).is_some_and(|h| h.starts_with(&b_id)),
    );
    println!("take-over after SIGKILL: {:.1}s", took.as_secs_f64());
    // And it syncs: new mail arrives through it.
    servers.deliver(
        "late@example.test",
        "talent@example.test",
        &candidate_mail(
            "late@example.test",
            "Late Candidate",
            "After the take-over",
            "late.1@example.test",
            "Hello",
        ),
    );
    wait_for(
        "the new holder syncs new mail",
        Duration::from_secs(30),
        || {
            json(&data, &config, &["search", "take-over", "--json"])
                .as_array()
                .is_some_and(|a| !a.is_empty())
        },
    );
    // A clean stop (SIGTERM) gives the lease back at once.
    assert!(sh("kill", &["-TERM", &b.id().to_string()]).status.success());
    assert!(b.wait().unwrap().success(), "{}", log("b.log"));
    assert_eq!(holder(&data, &config), None);
}

#[test]
fn a_user_outside_the_group_cannot_read_the_database() {
    if let Err(why) = users() {
        println!("skipped: {why}");
        return;
    }
    let (_tmp, data) = shared_data_dir();
    ok(
        rapport_as(Some(MEMBERS[1]), &data, &["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap(),
        "demo as a member",
    );
    // Files made by one member are the group's, whatever that member's umask.
    for f in ["rapport.db", "rapport.log"] {
        let m = std::fs::metadata(data.join(f)).unwrap();
        assert_eq!(m.mode() & 0o777, 0o660, "{f}");
        let gid = String::from_utf8(sh("getent", &["group", GROUP]).stdout).unwrap();
        assert_eq!(
            m.gid().to_string(),
            gid.split(':').nth(2).unwrap(),
            "{f} is in group {GROUP}"
        );
    }
    // Another member works on it.
    ok(
        rapport_as(Some(MEMBERS[2]), &data, &["candidates", "--json"])
            .arg("--config")
            .arg("/nonexistent")
            .output()
            .unwrap(),
        "candidates as another member",
    );
    // The delivery lock works across users: one member creates it, another takes it (also
    // when it lost its group write bit: a lock needs only reading).
    let flush = |u: &str| {
        ok(
            rapport_as(
                Some(u),
                &data,
                &["--config", "/nonexistent", "outbox", "flush"],
            )
            .output()
            .unwrap(),
            &format!("outbox flush as {u}"),
        )
    };
    flush(MEMBERS[0]);
    let lock = data.join("rapport.outbox-lock");
    assert_eq!(std::fs::metadata(&lock).unwrap().mode() & 0o777, 0o660);
    flush(MEMBERS[2]);
    std::fs::set_permissions(&lock, PermissionsExt::from_mode(0o640)).unwrap();
    flush(MEMBERS[2]);
    // The outsider is refused, and told why and what to ask for.
    let o = rapport_as(Some(OUTSIDER), &data, &["candidates"])
        .arg("--config")
        .arg("/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "an outsider listed candidates");
    assert!(
        err.contains("not in that group")
            && err.contains(&format!("usermod -aG {GROUP} {OUTSIDER}")),
        "{err}"
    );
    // A member whose database file lost its group bits is told the exact fix.
    let db = data.join("rapport.db");
    std::fs::set_permissions(&db, PermissionsExt::from_mode(0o600)).unwrap();
    let o = rapport_as(
        Some(MEMBERS[2]),
        &data,
        &["--config", "/nonexistent", "candidates"],
    )
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success()
            && err.contains(&format!("chgrp {GROUP} {} && chmod 0660", db.display())),
        "{err}"
    );
    std::fs::set_permissions(&db, PermissionsExt::from_mode(0o660)).unwrap();
    let o = Command::new("runuser")
        .args(["-u", OUTSIDER, "--", "cat"])
        .arg(data.join("rapport.db"))
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success(), "the outsider read the database file");
}

#[test]
fn doctor_says_how_to_fix_modes_and_groups() {
    let (_tmp, data) = shared_data_dir();
    ok(
        rapport_as(None, &data, &["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap(),
        "demo",
    );
    let doctor = || {
        let o = rapport_as(None, &data, &["--config", "/nonexistent", "doctor"])
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap()
    };
    let out = doctor();
    assert!(
        out.lines().any(|l| l.starts_with("ok")
            && l.contains("access")
            && l.contains("is shared with group")),
        "{out}"
    );
    let db = data.join("rapport.db");
    std::fs::set_permissions(&db, PermissionsExt::from_mode(0o644)).unwrap();
    let out = doctor();
    assert!(
        out.lines().any(|l| l.starts_with("FAIL")
            && l.contains("access")
            && l.contains(&format!("fix: chmod 0660 {}", db.display()))),
        "{out}"
    );
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o2775)).unwrap();
    let out = doctor();
    assert!(
        out.contains(&format!(
            "users outside the team can reach the database; fix: chmod 2770 {}",
            data.display()
        )),
        "{out}"
    );
}

#[test]
fn a_private_data_dir_keeps_its_files_to_the_user() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(
        rapport_as(None, &data, &["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap(),
        "demo",
    );
    assert_eq!(std::fs::metadata(&data).unwrap().mode() & 0o7777, 0o700);
    for f in ["rapport.db", "rapport.log"] {
        assert_eq!(
            std::fs::metadata(data.join(f)).unwrap().mode() & 0o777,
            0o600,
            "{f}"
        );
    }
}

#[test]
fn the_lease_has_one_holder_until_it_expires_or_is_released() {
    let (_dir, store) = common::demo_store();
    let other = Store::open(store.path()).unwrap();
    let who = |h: &str| LeaseHolder {
        holder: h.into(),
        actor: h.into(),
        kind: "inbox".into(),
    };
    let (alice, bob) = (who("1@box"), who("2@box"));
    let l = store.acquire_lease(SYNC_LEASE, &alice, 60_000).unwrap();
    assert_eq!(l.who, alice);
    // Bob sees Alice's live lease and does not get it.
    let l = other.acquire_lease(SYNC_LEASE, &bob, 60_000).unwrap();
    assert_eq!(l.who, alice);
    assert_eq!(l.describe_short(), "1@box's session");
    // Alice renews; a clean exit releases it and Bob gets it at once.
    assert_eq!(
        store.acquire_lease(SYNC_LEASE, &alice, 60_000).unwrap().who,
        alice
    );
    store.release_lease(SYNC_LEASE, &alice.holder).unwrap();
    assert_eq!(other.lease(SYNC_LEASE).unwrap(), None);
    assert_eq!(other.acquire_lease(SYNC_LEASE, &bob, 0).unwrap().who, bob);
    // Bob's lease (TTL 0) expired the moment it was taken: Alice takes over.
    assert_eq!(store.lease(SYNC_LEASE).unwrap(), None);
    assert_eq!(
        store.acquire_lease(SYNC_LEASE, &alice, 60_000).unwrap().who,
        alice
    );
    // Releasing someone else's lease does nothing.
    other.release_lease(SYNC_LEASE, &bob.holder).unwrap();
    assert_eq!(store.lease(SYNC_LEASE).unwrap().unwrap().who, alice);
}

#[test]
fn a_colleague_s_change_shows_in_an_open_inbox_without_a_restart() {
    let (_dir, store) = common::demo_store();
    let path = store.path().to_owned();
    let mut s = common::state_over(store, 100, 30);
    let mut watch = rapport::ui::live::Watch::new(&s.store);
    assert!(!watch.changed(&s.store), "nothing changed yet");
    let c = s.profile.as_ref().unwrap().id;
    // Another process renames the selected candidate.
    let mut colleague = Store::open(&path).unwrap();
    colleague.rename(c, "Renamed By Bob", "bob").unwrap();
    assert!(watch.changed(&s.store), "the change is seen");
    assert!(!common::screen(&s).contains("Renamed By Bob"));
    update(&mut s, Action::DataChanged);
    let screen = common::screen(&s);
    assert!(screen.contains("Renamed By Bob"), "{screen}");
    assert!(!watch.changed(&s.store), "seen once");
}

#[test]
fn an_inbox_without_the_lease_says_who_syncs() {
    let (_dir, mut s) = common::demo_state(100, 30);
    update(
        &mut s,
        Action::Sync(rapport::core::imap::worker::SyncEvent::Standby {
            holder: "alice's session".into(),
        }),
    );
    let screen = common::screen(&s);
    assert!(screen.contains("sync by alice's session"), "{screen}");
}

#[test]
fn audit_lists_who_did_what_per_candidate_and_since_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(
        rapport_as(None, &data, &["demo", "--no-tui", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap(),
        "demo",
    );
    let none = Path::new("/nonexistent");
    let list = json(&data, none, &["candidates", "--json"]);
    let (a, b) = (
        list[0]["address"].as_str().unwrap(),
        list[1]["address"].as_str().unwrap(),
    );
    let run = |args: &[&str]| {
        ok(
            rapport_as(None, &data, args)
                .args(["--config", "/nonexistent"])
                .output()
                .unwrap(),
            &format!("{args:?}"),
        )
    };
    run(&[
        "log-contact",
        a,
        "--channel",
        "phone",
        "--outcome",
        "talked",
        "--note",
        "asked about Berlin",
    ]);
    run(&["rename", b, "Someone Else"]);
    run(&[
        "opt-out",
        a,
        "--scope",
        "email",
        "--reason",
        "prefers phone",
    ]);
    let me = String::from_utf8(sh("id", &["-un"]).stdout).unwrap();
    // The demo's own history is recorded too, by "demo": ask for ours.
    let mine = json(
        &data,
        none,
        &[
            "audit",
            "--candidate",
            a,
            "--since",
            "1h",
            "--actor",
            me.trim(),
            "--json",
        ],
    );
    let entries = mine.as_array().unwrap();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["log-contact", "opt-out"], "{mine}");
    for e in entries {
        assert_eq!(e["actor"], me.trim());
        assert_eq!(e["candidate"], a);
        assert!(e["at"].as_str().unwrap().ends_with('Z'), "{e}");
    }
    assert!(
        entries[0]["detail"]
            .as_str()
            .unwrap()
            .contains("asked about Berlin")
    );
    // Times filter; the text form names the action and the candidate.
    let later = json(
        &data,
        none,
        &["audit", "--since", "2099-01-01 00:00", "--json"],
    );
    assert_eq!(later, Value::Array(vec![]));
    let text = run(&["audit", "--since", "1h"]);
    assert!(
        text.lines()
            .any(|l| l.contains("rename") && l.contains("Someone Else") && l.contains(me.trim())),
        "{text}"
    );
}

#[test]
fn many_processes_creating_the_database_at_once_all_open_it() {
    for _ in 0..5 {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let children: Vec<Child> = (0..8)
            .map(|_| {
                rapport_as(None, &data, &["--config", "/nonexistent", "doctor"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(
                out.lines()
                    .any(|l| l.starts_with("ok") && l.contains("schema v")),
                "{out}"
            );
        }
    }
}

#[test]
fn a_session_whose_sync_cannot_work_gives_the_lease_up() {
    use rapport::core::imap::worker::{SyncEvent, WorkerConfig, spawn};
    let servers = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let lease = rapport::core::sync_lease::SyncLease::start(dir.path(), "alice", "inbox");
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(store.lease(SYNC_LEASE).unwrap().unwrap().who, lease.me);
    // Alice's configuration has a wrong password: her sync stops for good.
    let mut endpoint = servers.endpoint("talent@example.test");
    endpoint.secret = rapport::core::credentials::Secret::new("wrong".into());
    let rx = spawn(WorkerConfig {
        endpoint,
        folders: vec![],
        data_dir: dir.path().to_owned(),
        lease: Some(lease.view()),
    });
    loop {
        match rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the sync reports")
        {
            SyncEvent::Stopped { .. } => break,
            _ => continue,
        }
    }
    // So a colleague's session, which may have the right one, can take over.
    wait_for("the lease is released", Duration::from_secs(10), || {
        store.lease(SYNC_LEASE).unwrap().is_none()
    });
}
