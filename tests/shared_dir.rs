//! A data dir shared through a group: files the group can use whatever the umask, users
//! outside the group refused with the reason, `rapport doctor` naming each fix, and the audit
//! trail of who did what.

mod common;

use common::team::*;
use serde_json::Value;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn a_user_outside_the_group_cannot_read_the_database() {
    if !users_or_skip() {
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
    demo_into(&data);
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
    std::fs::set_permissions(&data, PermissionsExt::from_mode(0o3775)).unwrap();
    let out = doctor();
    assert!(
        out.contains(&format!(
            "users outside the team can reach the database; fix: chmod 3770 {}",
            data.display()
        )),
        "{out}"
    );
}

#[test]
fn a_private_data_dir_keeps_its_files_to_the_user() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    demo_into(&data);
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
fn audit_lists_who_did_what_per_candidate_and_since_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    demo_into(&data);
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
        &["audit", "--since", "2035-01-01 00:00", "--json"],
    );
    assert_eq!(later, Value::Array(vec![]));
    let text = run(&["audit", "--since", "1h"]);
    assert!(
        text.lines()
            .any(|l| l.contains("rename") && l.contains("Someone Else") && l.contains(me.trim())),
        "{text}"
    );
}
