//! Trust on a shared box (issue 13): what candidates wrote never reaches the log or a
//! terminal raw, a malformed database value is an error rather than a panic, a session whose
//! terminal is gone ends, and absurd dates are refused.

mod common;

use common::rapport_bin;
use std::path::Path;
use std::process::Output;

/// A data dir holding the demo mailbox.
fn demo_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    common::team::demo_into(d.path());
    d
}

/// `rapport --data-dir DIR ARGS…` with no configuration and stdin closed.
fn run(dir: &Path, args: &[&str]) -> Output {
    rapport_bin()
        .arg("--data-dir")
        .arg(dir)
        .arg("--config")
        .arg(dir.join("no-config.toml"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The first candidate of the demo that is waiting for a reply: (address, name).
fn some_candidate(dir: &Path) -> (String, String) {
    let o = run(dir, &["candidates", "--json", "--awaiting"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let c = &v[0];
    (
        c["address"].as_str().unwrap().to_owned(),
        c["name"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn absurd_snooze_and_dates_are_refused_and_nothing_is_stored() {
    let d = demo_dir();
    let (who, _) = some_candidate(d.path());
    let refused = |args: &[&str], says: &str| {
        let o = run(d.path(), args);
        let e = stderr(&o);
        assert!(!o.status.success(), "{args:?} was accepted: {}", stdout(&o));
        assert!(
            e.starts_with("rapport: error: ") && e.trim_end().lines().count() == 1,
            "{args:?}: {e}"
        );
        assert!(e.contains(says), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{e}");
    };
    let future = "too far in the future";
    let past = "too far in the past";
    refused(&["snooze", &who, "99999999999999d"], future);
    refused(&["snooze", &who, "9999999999w"], future);
    refused(&["snooze", &who, "2999-01-01"], future);
    refused(&["snooze", &who, "9999-12-31 23:59"], future);
    refused(&["audit", "--since", "99999999999999d"], past);
    refused(&["report", "--since", "99999999999999d"], past);
    refused(&["report", "--until", "9999-12-31"], future);
    refused(
        &[
            "log-contact",
            &who,
            "--channel",
            "phone",
            "--outcome",
            "talked",
            "--at",
            "9999-01-01 10:00",
        ],
        future,
    );
    refused(
        &[
            "log-contact",
            &who,
            "--channel",
            "phone",
            "--outcome",
            "talked",
            "--at",
            "0001-01-01T00:00:00Z",
        ],
        past,
    );
    // Nothing was stored: no snooze, no contact logged, no audit entry for either.
    let v: serde_json::Value =
        serde_json::from_slice(&run(d.path(), &["show", &who, "--json"]).stdout).unwrap();
    assert!(v["snoozed_until"].is_null(), "{}", v["snoozed_until"]);
    let audit = stdout(&run(d.path(), &["audit", "--candidate", &who]));
    assert!(
        !audit.contains("snooze") && !audit.contains("log-contact"),
        "{audit}"
    );
    // A sane one still works.
    let o = run(d.path(), &["snooze", &who, "520w"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The database of a data dir, opened directly (as a hand edit or another tool would).
fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("rapport.db")).unwrap()
}

/// A command that must fail with one clear line naming `says`, and not panic.
fn fails_clearly(o: &Output, says: &str) {
    let e = stderr(o);
    assert!(!o.status.success(), "accepted: {}", stdout(o));
    assert!(!e.contains("panicked"), "{e}");
    assert!(
        e.starts_with("rapport: error: ") && e.trim_end().lines().count() == 1,
        "{e}"
    );
    assert!(e.contains(says), "{e}");
}

#[test]
fn malformed_database_values_are_errors_not_panics() {
    let d = demo_dir();
    let (who, _) = some_candidate(d.path());
    // A suppression key that is not hex (a multi-byte character used to panic on slicing,
    // other text silently shortened the key).
    for bad in ["zz", "abcΩ", "abc"] {
        db(d.path())
            .execute(
                "INSERT INTO meta(key, value) VALUES ('suppression_key', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [bad],
            )
            .unwrap();
        fails_clearly(
            &run(d.path(), &["erase", &who, "--yes"]),
            "meta.suppression_key",
        );
        let body = d.path().join("body.txt");
        std::fs::write(&body, "Hello").unwrap();
        let o = run(
            d.path(),
            &[
                "send",
                &who,
                "--subject",
                "Hi",
                "--body-file",
                body.to_str().unwrap(),
            ],
        );
        fails_clearly(&o, "meta.suppression_key");
    }
    // Nothing was erased.
    assert!(run(d.path(), &["show", &who]).status.success());

    // An unknown enum value in a column read into a typed value.
    let c: i64 = db(d.path())
        .query_row(
            "SELECT candidate_id FROM candidate_addresses WHERE address = ?1",
            [&who],
            |r| r.get(0),
        )
        .unwrap();
    db(d.path())
        .execute(
            "INSERT INTO contact_log(candidate_id, channel, direction, outcome, at, note, recorded_by,
                                     recorded_at)
             VALUES (?1, 'fax', 'outbound', 'talked', 1795100000, '', 'x', 1795100000)",
            [c],
        )
        .unwrap();
    fails_clearly(&run(d.path(), &["show", &who]), "contact_log.channel");
    db(d.path())
        .execute("DELETE FROM contact_log WHERE channel = 'fax'", [])
        .unwrap();
    db(d.path())
        .execute(
            "INSERT INTO preferences(candidate_id, channels, frequency, updated_at, no_channel)
             VALUES (?1, 'email', 'fortnightly', 0, 0)
             ON CONFLICT(candidate_id) DO UPDATE SET frequency = 'fortnightly'",
            [c],
        )
        .unwrap();
    fails_clearly(&run(d.path(), &["prefs", &who]), "preferences.frequency");

    // A merge whose record of what moved is not JSON cannot be undone, and says so.
    let o = run(d.path(), &["candidates", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let (a, b) = (
        v[1]["address"].as_str().unwrap(),
        v[2]["address"].as_str().unwrap(),
    );
    assert!(run(d.path(), &["merge", a, b]).status.success());
    db(d.path())
        .execute("UPDATE merges SET moved = '{not json'", [])
        .unwrap();
    fails_clearly(&run(d.path(), &["unmerge", a]), "merges.moved");
}

#[test]
fn a_trace_log_of_the_demo_and_commands_holds_no_candidate_content() {
    let d = tempfile::tempdir().unwrap();
    let trace = |args: &[&str]| {
        let o = rapport_bin()
            .arg("--data-dir")
            .arg(d.path())
            .args(args)
            .env(
                "RAPPORT_LOG",
                "trace,rustls=trace,imap_proto=trace,mailparse=trace",
            )
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        o
    };
    trace(&["demo", "--no-tui", "--data-dir", d.path().to_str().unwrap()]);
    let (who, name) = some_candidate(d.path());
    let shown = stdout(&trace(&["show", &who]));
    // The subject of their latest message, from the timeline's last "←" line.
    let subject = shown
        .lines()
        .rfind(|l| l.starts_with('←'))
        .and_then(|l| l.rsplit_once(">: "))
        .map(|(_, s)| s.to_owned())
        .unwrap();
    let body = d.path().join("body.txt");
    std::fs::write(&body, "Our answer").unwrap();
    trace(&[
        "reply",
        &who,
        "--body-file",
        body.to_str().unwrap(),
        "--yes",
        "--reason",
        "test",
    ]);
    trace(&["search", &subject]);
    trace(&["note", &who, "an internal note"]);
    trace(&["snooze", &who, "3d"]);
    trace(&["audit", "--candidate", &who]);
    let log = std::fs::read_to_string(d.path().join("rapport.log")).unwrap();
    let local = who.split('@').next().unwrap();
    for secret in [
        name.as_str(),
        &who,
        local,
        &subject,
        "an internal note",
        "Our answer",
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
}

#[test]
fn a_log_past_its_size_is_rotated_at_start_up() {
    let d = demo_dir();
    let log = d.path().join("rapport.log");
    std::fs::write(&log, "old line\n".repeat(600_000)).unwrap();
    std::fs::write(d.path().join("rapport.log.1"), "older\n").unwrap();
    let o = rapport_bin()
        .arg("--data-dir")
        .arg(d.path())
        .args(["status"])
        .env("RAPPORT_LOG", "info")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::metadata(&log).unwrap().len() < 1024);
    let first = std::fs::read_to_string(d.path().join("rapport.log.1")).unwrap();
    assert!(
        first.starts_with("old line"),
        "the big log is not generation 1"
    );
    let second = std::fs::read_to_string(d.path().join("rapport.log.2")).unwrap();
    assert_eq!(second, "older\n");
}

/// What an attacker puts in a name, subject or body: a window-title OSC, a screen clear, a
/// bidi override, an 8-bit CSI, and a line that imitates the output of another row.
const EVIL: &str =
    "Mallory\x1b]0;pwned\x07 \u{202e}gnp.exe\x1b[2J\u{9b}31m\n2026-01-01 ERROR forged";

fn assert_no_terminal_controls(what: &str, o: &Output) {
    for (stream, text) in [("stdout", stdout(o)), ("stderr", stderr(o))] {
        for bad in ['\x1b', '\x07', '\u{202e}', '\u{9b}'] {
            assert!(
                !text.contains(bad),
                "{what}: {bad:?} reached {stream}:\n{text:?}"
            );
        }
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("2026-01-01 ERROR forged")),
            "{what}: a stored line break forged a line on {stream}:\n{text}"
        );
    }
}

#[test]
fn cli_output_never_carries_terminal_controls_from_stored_text() {
    let d = demo_dir();
    let (who, _) = some_candidate(d.path());
    let conn = db(d.path());
    let c: i64 = conn
        .query_row(
            "SELECT candidate_id FROM candidate_addresses WHERE address = ?1",
            [&who],
            |r| r.get(0),
        )
        .unwrap();
    // Stored raw, as another tool, an older rapport or a hand edit could leave it.
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute(
        "UPDATE candidates SET name = ?1 WHERE id = ?2",
        rusqlite::params![EVIL, c],
    )
    .unwrap();
    conn.execute(
        "UPDATE messages SET subject = ?1 || ' Zebra', from_name = ?1, body = ?1 || char(10) || ?1
         WHERE candidate_id = ?2",
        rusqlite::params![EVIL, c],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO ledger(candidate_id, at, actor, field, old_value, new_value, note)
         VALUES (?2, 1795100000, ?1, 'frequency', ?1, 'monthly', ?1)",
        rusqlite::params![EVIL, c],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO audit_log(at, actor, action, candidate_id, detail)
         VALUES (1795100000, ?1, 'rename', ?2, ?1)",
        rusqlite::params![EVIL, c],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO notes(candidate_id, author, text, at) VALUES (?2, ?1, ?1, 1795100000)",
        rusqlite::params![EVIL, c],
    )
    .unwrap();
    // A colleague (by name) is replying to them right now.
    conn.execute(
        "INSERT INTO presence(session, user, name, candidate_id, activity, since, heartbeat_at)
         VALUES ('1@elsewhere', 'mallory', ?1, ?2, 'replying', ?3, ?3)",
        rusqlite::params![EVIL, c, common::ANCHOR],
    )
    .unwrap();
    let body = d.path().join("body.txt");
    std::fs::write(&body, "Our answer").unwrap();
    for args in [
        &["show", &who][..],
        &["prefs", &who, "--history"],
        &["audit"],
        &["audit", "--candidate", &who],
        &["candidates"],
        &["search", "Zebra"],
        &["waiting"],
        &["report", "--since", "all"],
        &["outbox"],
        &["erase", &who],
        &[
            "reply",
            &who,
            "--body-file",
            body.to_str().unwrap(),
            "--yes",
            "--reason",
            "x",
        ],
    ] {
        let o = run(d.path(), args);
        assert_no_terminal_controls(&format!("{args:?}"), &o);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        if args[0] == "reply" {
            assert!(all.contains("is replying this candidate"), "{all}");
        }
        if args[0] == "show" {
            assert!(all.contains("Mallory") && all.contains("gnp.exe"), "{all}");
        }
    }
}
