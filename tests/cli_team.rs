//! Teamwork from the command line, as separate processes on one demo data dir: `assign`,
//! `snooze`, `note`, and two recruiters replying to the same candidate (the second is asked to
//! confirm and shown what the first sent).

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;

/// The shared data dir (`d.path()` reads like the tempdir it was).
struct Dir(std::path::PathBuf);
impl Dir {
    fn path(&self) -> &Path {
        &self.0
    }
}

/// The recruiters are real OS users (an actor is the OS user running rapport, never `$USER`);
/// the config names them alice and bob. "x" is ourselves.
const CONFIG: &str = r#"
[identity]
team = "Northwind Talent"
address = "talent@northwind-recruiting.example"

[[team]]
address = "alice@northwind-recruiting.example"
name = "alice"
user = "rapport-t1"

[[team]]
address = "bob@northwind-recruiting.example"
name = "bob"
user = "rapport-t2"

[[team]]
address = "dana@northwind-recruiting.example"
name = "Dana Kowalski"
"#;

fn rapport_as(user: &str, dir: &Path, args: &[&str]) -> Output {
    let os_user = match user {
        "alice" => Some(common::team::MEMBERS[0]),
        "bob" => Some(common::team::MEMBERS[1]),
        _ => None,
    };
    common::team::rapport_as(os_user, dir, args)
        .env("RAPPORT_CONFIG", dir.join("config.toml"))
        .env_remove("RAPPORT_DATA_DIR")
        .output()
        .unwrap()
}

fn ok(user: &str, dir: &Path, args: &[&str]) -> String {
    let o = rapport_as(user, dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn fail(user: &str, dir: &Path, args: &[&str]) -> String {
    let o = rapport_as(user, dir, args);
    assert!(!o.status.success(), "{args:?} should fail");
    let e = String::from_utf8(o.stderr).unwrap();
    assert!(e.starts_with("rapport: error: "), "{e}");
    e
}

/// The demo in a group-shared data dir, or `None` (and why) when other OS users cannot be
/// made here.
fn demo() -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    if !common::team::users_or_skip() {
        return None;
    }
    let (tmp, data) = common::team::shared_data_dir();
    std::fs::write(data.join("config.toml"), CONFIG).unwrap();
    let o = common::rapport_bin()
        .args(["demo", "--no-tui", "--data-dir"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(o.status.success());
    Some((tmp, data))
}

/// Candidates awaiting a reply, longest wait first.
fn awaiting(dir: &Path) -> Vec<String> {
    let v: Value =
        serde_json::from_str(&ok("x", dir, &["candidates", "--awaiting", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["opted_out"].as_bool().unwrap())
        .map(|c| c["address"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_second_recruiters_reply_is_held_and_shows_what_the_first_sent() {
    let Some((_tmp, data)) = demo() else { return };
    let d = Dir(data);
    let body = d.path().join("body.txt");
    std::fs::write(
        &body,
        "Alice here: the role is still open, shall we talk Monday?\n",
    )
    .unwrap();
    let body = body.to_str().unwrap();
    // Alice answers first (one process), someone her reply reaches without a policy question ...
    let who = awaiting(d.path())
        .into_iter()
        .find(|who| {
            rapport_as("alice", d.path(), &["reply", who, "--body-file", body])
                .status
                .success()
        })
        .expect("the demo has someone to answer");
    // ... then Bob, in another process, replies to the same message.
    std::fs::write(
        d.path().join("bob.txt"),
        "Bob here: are you free Tuesday?\n",
    )
    .unwrap();
    let bob = d.path().join("bob.txt");
    let bob = bob.to_str().unwrap();
    let e = fail("bob", d.path(), &["reply", &who, "--body-file", bob]);
    assert!(e.contains("needs confirmation"), "{e}");
    assert!(e.contains("alice sent a message at "), "who and when: {e}");
    assert!(e.contains("“Re: "), "the subject: {e}");
    assert!(e.contains("the role is still open"), "a snippet: {e}");
    assert!(e.contains("--yes --reason"), "how to go ahead: {e}");
    // Nothing of Bob's was queued.
    let outbox = ok("bob", d.path(), &["outbox", "--json"]);
    let rows: Value = serde_json::from_str(&outbox).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1, "{outbox}");
    // A deliberate confirmation sends it, with the reason in the candidate's history.
    ok(
        "bob",
        d.path(),
        &[
            "reply",
            &who,
            "--body-file",
            bob,
            "--yes",
            "--reason",
            "different role",
        ],
    );
    let history = ok("bob", d.path(), &["prefs", &who, "--history"]);
    assert!(history.contains("different role"), "{history}");
    // Alice's own earlier reply is no collision for Alice.
    ok(
        "alice",
        d.path(),
        &["reply", &who, "--body-file", body, "--yes", "--reason", "x"],
    );
}

#[test]
fn assign_snooze_and_note_from_the_command_line() {
    let Some((_tmp, data)) = demo() else { return };
    let d = Dir(data);
    let who = awaiting(d.path()).remove(0);
    let out = ok("alice", d.path(), &["assign", &who, "me"]);
    assert_eq!(out.trim(), format!("{who} is assigned to alice"));
    let shown = ok("x", d.path(), &["show", &who]);
    assert!(shown.contains("assigned to alice (by alice)"), "{shown}");
    // Without a config, the recruiters known to the database are the team.
    let e = fail("alice", d.path(), &["assign", &who, "carol"]);
    assert!(
        e.contains("\"carol\" is not in the team") && e.contains("Dana Kowalski"),
        "{e}"
    );
    let out = ok("alice", d.path(), &["assign", &who, "dana kowalski"]);
    assert!(out.contains("is assigned to Dana Kowalski"), "{out}");
    ok("alice", d.path(), &["assign", &who, "--none"]);
    assert!(!ok("x", d.path(), &["show", &who]).contains("assigned to"));
    // Whom to assign to must be said, after the candidates.
    let o = rapport_as("alice", d.path(), &["assign", &who]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("rapport assign EMAIL... USER"));

    let before: Value = serde_json::from_str(&ok("x", d.path(), &["status", "--json"])).unwrap();
    let out = ok("alice", d.path(), &["snooze", &who, "3d"]);
    assert!(out.contains("is snoozed until "), "{out}");
    let after: Value = serde_json::from_str(&ok("x", d.path(), &["status", "--json"])).unwrap();
    assert_eq!(
        after["awaiting_reply"].as_i64().unwrap(),
        before["awaiting_reply"].as_i64().unwrap() - 1,
        "snoozed: out of awaiting reply"
    );
    let awaiting = ok("x", d.path(), &["candidates", "--awaiting", "--json"]);
    assert!(!awaiting.contains(&format!("\"{who}\"")));
    let e = fail("alice", d.path(), &["snooze", &who, "someday"]);
    assert!(
        e.contains("\"someday\" is not a time to snooze until"),
        "{e}"
    );
    ok("alice", d.path(), &["snooze", &who, "--none"]);

    ok(
        "alice",
        d.path(),
        &["note", &who, "Prefers calls after 5pm"],
    );
    let shown = ok("x", d.path(), &["show", &who]);
    assert!(
        shown.contains("note by alice (internal):") && shown.contains("Prefers calls after 5pm"),
        "{shown}"
    );
    let export = ok("x", d.path(), &["export", &who]);
    assert!(export.contains("Prefers calls after 5pm"));
    // Nothing was sent.
    let outbox: Value = serde_json::from_str(&ok("x", d.path(), &["outbox", "--json"])).unwrap();
    assert!(outbox.as_array().unwrap().is_empty());
}
