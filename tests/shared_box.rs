//! Several recruiters on one box: many processes (some as other OS users) writing while a
//! sync runs, the sync lease and its take-over, and live updates between processes.

mod common;

use common::mail::{MailServers, PASSWORD_ENV, candidate_mail};
use common::team::*;
use rapport::ui::action::Action;
use rapport::ui::update::update;
use rapport_core::store::{LeaseHolder, SYNC_LEASE, Store};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

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

#[test]
fn eight_writers_and_a_sync_lose_nothing_and_see_no_lock_error() {
    let servers = MailServers::start();
    let (tmp, data) = shared_data_dir();
    let config = write_config(&servers, tmp.path());
    // Candidates to write to (the demo mailbox), and mail waiting on the server.
    demo_into(&data);
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
        assert!(!ci(), "CI=true, yet other OS users cannot be made: {why}");
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
    colleague
        .rename(c, &"Renamed By Bob".parse().unwrap(), "bob")
        .unwrap();
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
        Action::Sync(rapport_core::mail_in::imap::worker::SyncEvent::Standby {
            holder: "alice's session".into(),
        }),
    );
    let screen = common::screen(&s);
    assert!(screen.contains("sync by alice's session"), "{screen}");
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
    use rapport_core::mail_in::imap::worker::{SyncEvent, WorkerConfig, spawn};
    let servers = MailServers::start();
    let dir = tempfile::tempdir().unwrap();
    let lease = rapport_core::mail_in::sync_lease::SyncLease::start(dir.path(), "alice", "inbox");
    let store = Store::open_in(dir.path()).unwrap();
    assert_eq!(store.lease(SYNC_LEASE).unwrap().unwrap().who, lease.me);
    // Alice's configuration has a wrong password: her sync stops for good.
    let mut endpoint = servers.endpoint("talent@example.test");
    endpoint.secret = rapport_core::credentials::Secret::new("wrong".into());
    let rx = spawn(WorkerConfig {
        endpoint,
        folders: vec![],
        data_dir: dir.path().to_owned(),
        lease: Some(lease.view()),
        web: Default::default(),
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
