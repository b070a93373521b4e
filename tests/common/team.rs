//! OS users and a group-shared data dir for the shared-box tests: the group and users are
//! created once when the tests run as root; without root the tests say why they skip.
#![allow(dead_code)]

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_rapport");

/// The team's group and its members, created for the test when it runs as root.
pub const GROUP: &str = "rapport-test";

pub const MEMBERS: [&str; 3] = ["rapport-t1", "rapport-t2", "rapport-t3"];

/// A user of the box who is not in the team.
pub const OUTSIDER: &str = "rapport-tout";

pub fn sh(cmd: &str, args: &[&str]) -> Output {
    Command::new(cmd).args(args).output().unwrap()
}

pub fn is_root() -> bool {
    String::from_utf8_lossy(&sh("id", &["-u"]).stdout).trim() == "0"
}

/// Creates the group and users once; Err says why other OS users cannot be used here.
pub fn users() -> Result<(), String> {
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

/// Whether a test that needs other OS users can run: false (after saying why) when it cannot,
/// except under CI (`CI=true`), where a test that cannot run fails instead of passing.
pub fn users_or_skip() -> bool {
    match users() {
        Ok(()) => true,
        Err(why) if ci() => panic!("this test needs other OS users and CI=true: {why}"),
        Err(why) => {
            eprintln!("skipped: {why}");
            false
        }
    }
}

/// Whether the tests run under CI, where nothing may be skipped.
pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A data dir set up as the README says (group-owned, setgid and sticky, 3770), inside a folder other
/// users can traverse. Without root it is shared with the user's own group.
pub fn shared_data_dir() -> (tempfile::TempDir, PathBuf) {
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
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o3770)).unwrap();
    (tmp, data)
}

/// The binary as `user` (through runuser), or as ourselves.
pub fn rapport_as(user: Option<&str>, data: &Path, args: &[&str]) -> Command {
    let mut c = match user {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.args(["-u", u, "--", BIN]);
            c
        }
        None => Command::new(BIN),
    };
    c.env(super::CLOCK.0, super::CLOCK.1);
    c.arg("--data-dir")
        .arg(data)
        .args(args)
        .current_dir("/")
        .stdin(Stdio::null());
    c
}

pub fn ok(o: Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

pub fn json(data: &Path, config: &Path, args: &[&str]) -> Value {
    let o = rapport_as(None, data, args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    serde_json::from_str(&ok(o, &format!("{args:?}"))).unwrap()
}

pub fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    start.elapsed()
}

/// Generates the demo mailbox into `data` as the user running the tests.
pub fn demo_into(data: &Path) {
    ok(
        rapport_as(None, data, &["demo", "--no-tui", "--data-dir"])
            .arg(data)
            .output()
            .unwrap(),
        "demo",
    );
}
