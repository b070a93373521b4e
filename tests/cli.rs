//! The scripting CLI over the demo data dir: JSON output, errors on stderr with a non-zero
//! exit, and the relationship commands.

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn rapport(dir: &Path, args: &[&str]) -> Output {
    common::rapport_bin()
        .args(args)
        .env("RAPPORT_DATA_DIR", dir)
        .env("RAPPORT_CONFIG", dir.join("no-config.toml"))
        .env("USER", "cli-tester")
        .output()
        .unwrap()
}

/// The OS user running the tests: the actor recorded, whatever `$USER` says (set above to
/// something else on purpose).
fn os_user() -> String {
    let o = Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = rapport(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

fn fail(dir: &Path, args: &[&str]) -> String {
    let o = rapport(dir, args);
    assert!(!o.status.success(), "{args:?} should fail");
    let e = String::from_utf8(o.stderr).unwrap();
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
    assert!(e.starts_with("rapport: error: "), "{e}");
    e
}

fn demo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = common::rapport_bin()
        .args(["demo", "--no-tui", "--data-dir"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    d
}

#[test]
fn scripting_commands_answer_in_json() {
    let d = demo();
    let st = json(d.path(), &["status", "--json"]);
    assert!(
        st["messages"].as_i64().unwrap() > 1000 && st["candidates"].as_i64().unwrap() > 100,
        "{st}"
    );
    let cands = json(d.path(), &["candidates", "--json"]);
    let list = cands.as_array().unwrap();
    assert_eq!(list.len() as i64, st["candidates"].as_i64().unwrap());
    // Awaiting reply first, longest wait first.
    let waits: Vec<i64> = list
        .iter()
        .map_while(|c| c["waiting_seconds"].as_i64())
        .collect();
    assert!(
        waits.len() >= 5 && waits.windows(2).all(|w| w[0] >= w[1]),
        "{waits:?}"
    );
    let email = list[0]["address"].as_str().unwrap();
    let show = json(d.path(), &["show", email, "--json"]);
    assert_eq!(show["name"], list[0]["name"]);
    let tl = show["timeline"].as_array().unwrap();
    assert!(
        tl.iter().any(|i| i["direction"] == "inbound")
            && tl.iter().any(|i| i["direction"] == "outbound")
    );
    let hits = json(d.path(), &["search", "unsubscribe", "--json"]);
    assert!(!hits.as_array().unwrap().is_empty());
    assert!(ok(d.path(), &["--help"]).contains("demo"));
    assert!(ok(d.path(), &["show", "--help"]).contains("EMAIL"));
}

#[test]
fn errors_are_one_line_with_a_non_zero_exit() {
    let d = demo();
    let e = fail(d.path(), &["show", "nobody@nowhere.example"]);
    assert!(e.contains("nobody@nowhere.example"), "{e}");
    let empty = tempfile::tempdir().unwrap();
    let e = fail(empty.path(), &["candidates"]);
    assert!(e.contains("no rapport database"), "{e}");
    // Without config or data, plain `rapport` says what to do next.
    let o = rapport(&empty.path().join("fresh"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("rapport demo"));
}

/// The demo and every command read one clock, which `RAPPORT_NOW` sets: the mailbox ends just
/// before it whatever today is, and a bad value is refused with the variable named.
#[test]
fn the_clock_is_set_by_rapport_now_and_a_bad_value_is_refused() {
    let d = demo();
    let list = json(d.path(), &["candidates", "--json"]);
    let newest = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["last_activity"].as_str())
        .max()
        .unwrap()
        .to_string();
    // ANCHOR is 2026-11-20 15:00 UTC.
    assert!(newest.as_str() < "2026-11-20T15:00:00Z", "{newest}");
    assert!(newest.as_str() > "2026-11-19T15:00:00Z", "{newest}");
    let o = common::rapport_bin()
        .args(["status"])
        .env("RAPPORT_DATA_DIR", d.path())
        .env("RAPPORT_NOW", "next tuesday")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("RAPPORT_NOW=next tuesday"), "{e}");
}

#[test]
fn relationship_commands_change_and_record() {
    let d = demo();
    let list = json(d.path(), &["candidates", "--json"]);
    let a = list[0]["address"].as_str().unwrap().to_string();
    let b = list[1]["address"].as_str().unwrap().to_string();
    let p = json(
        d.path(),
        &[
            "prefs",
            &a,
            "--channel",
            "email",
            "--channel",
            "phone",
            "--frequency",
            "monthly",
            "--interest",
            "Rust",
            "--note",
            "call on Monday",
            "--history",
            "--json",
        ],
    );
    assert_eq!(p["preferences"]["frequency"], "monthly");
    assert!(
        p["preferences"]["interests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i == "rust"),
        "{p}"
    );
    let h = p["history"].as_array().unwrap();
    assert!(
        h.iter().any(|e| e["field"] == "frequency"
            && e["actor"] == os_user().as_str()
            && e["note"] == "call on Monday"),
        "{h:?}"
    );
    let e = fail(d.path(), &["prefs", &a, "--frequency", "hourly"]);
    assert!(e.contains("hourly"), "{e}");
    let e = fail(d.path(), &["prefs", &a, "--timezone", "Mars/Base"]);
    assert!(e.contains("Mars/Base"), "{e}");

    ok(
        d.path(),
        &[
            "log-contact",
            &a,
            "--channel",
            "phone",
            "--outcome",
            "talked",
            "--at",
            "2026-11-20 10:30",
            "--note",
            "good chat",
        ],
    );
    let show = json(d.path(), &["show", &a, "--json"]);
    assert!(
        show["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "contact" && i["note"] == "good chat")
    );
    assert_eq!(
        show["waiting_since"],
        Value::Null,
        "a talked call answers them"
    );

    ok(
        d.path(),
        &[
            "opt-out",
            &a,
            "--scope",
            "email",
            "--reason",
            "asked on the phone",
        ],
    );
    assert_eq!(json(d.path(), &["show", &a, "--json"])["opted_out"], true);
    std::fs::write(d.path().join("body.txt"), "Hello again").unwrap();
    let e = fail(
        d.path(),
        &[
            "send",
            &a,
            "--subject",
            "Hi",
            "--body-file",
            d.path().join("body.txt").to_str().unwrap(),
        ],
    );
    assert!(e.contains("opted out"), "{e}");

    ok(d.path(), &["merge", &a, &b]);
    assert_eq!(
        json(d.path(), &["show", &b, "--json"])["name"],
        json(d.path(), &["show", &a, "--json"])["name"]
    );
    ok(d.path(), &["unmerge", &a]);
    assert_ne!(
        json(d.path(), &["show", &b, "--json"])["name"],
        json(d.path(), &["show", &a, "--json"])["name"]
    );

    let export = json(d.path(), &["export", &a]);
    for key in [
        "candidates",
        "preferences",
        "ledger",
        "contact_log",
        "opt_outs",
        "messages",
    ] {
        assert!(
            !export[key].as_array().unwrap().is_empty(),
            "{key} is empty in the export"
        );
    }
    let e = fail(d.path(), &["erase", &a]);
    assert!(e.contains("--yes"), "{e}");
    ok(d.path(), &["erase", &a, "--yes"]);
    let e = fail(d.path(), &["show", &a]);
    assert!(e.contains(&a), "{e}");
}

#[test]
fn import_maildir_reads_folders_and_is_idempotent() {
    let d = tempfile::tempdir().unwrap();
    let md = d.path().join("Mail");
    let inbox = vec![
        b"From: Jane Doe <jane@x.example>\r\nTo: team@co.example\r\nSubject: Hello\r\nMessage-ID: <j1@x>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nIs the role open?\r\n".to_vec(),
        b"garbage without headers \x00\x1b[31m".to_vec(),
    ];
    let sent = vec![b"From: Team <team@co.example>\r\nTo: jane@x.example\r\nSubject: Re: Hello\r\nMessage-ID: <t1@co>\r\nIn-Reply-To: <j1@x>\r\nDate: Mon, 02 Nov 2026 11:00:00 +0000\r\n\r\nYes!\r\n".to_vec()];
    rapport_core::mail_in::maildir::write_folder(&md, "i", &inbox).unwrap();
    rapport_core::mail_in::maildir::write_folder(&md.join(".Sent"), "s", &sent).unwrap();
    let data = d.path().join("data");
    let out = ok(
        &data,
        &[
            "import-maildir",
            md.to_str().unwrap(),
            "--team-address",
            "team@co.example",
        ],
    );
    assert!(
        out.contains("INBOX: 2 new") && out.contains("Sent: 1 new"),
        "{out}"
    );
    let out = ok(&data, &["import-maildir", md.to_str().unwrap()]);
    assert!(out.contains("INBOX: 0 new, 2 already stored"), "{out}");
    let jane = json(&data, &["show", "jane@x.example", "--json"]);
    let tl = jane["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), 2);
    assert_eq!(tl[1]["direction"], "outbound");
    assert_eq!(jane["waiting_since"], Value::Null);
    let e = fail(
        &data,
        &["import-maildir", d.path().join("nope").to_str().unwrap()],
    );
    assert!(e.contains("nope"), "{e}");
}

/// The first waiting demo candidate with nothing (opt-out, frequency) in the way.
fn free_waiting_candidate(d: &Path) -> String {
    json(d, &["candidates", "--awaiting", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["opted_out"] == false)
        .map(|c| c["address"].as_str().unwrap().to_string())
        .find(|a| {
            let show = json(d, &["show", a, "--json"]);
            show["preferences"].is_null() || show["preferences"]["frequency"].is_null()
        })
        .expect("a waiting demo candidate without a frequency")
}

#[test]
fn a_topic_opt_out_refuses_a_snippet_or_a_named_topic_from_the_cli() {
    let d = demo();
    let a = free_waiting_candidate(d.path());
    std::fs::create_dir_all(d.path().join("templates")).unwrap();
    std::fs::write(
        d.path().join("templates/rust_roles.txt"),
        "tags: Rust, remote\nHi {first_name}, a Rust role for you.\n",
    )
    .unwrap();
    let body = d.path().join("body.txt");
    std::fs::write(&body, "Are you free on Tuesday?\n").unwrap();
    let body = body.to_str().unwrap();
    ok(
        d.path(),
        &[
            "opt-out",
            &a,
            "--scope",
            "topic:rust",
            "--reason",
            "no Rust",
        ],
    );
    // From the snippet: its tags are the message's topics.
    let e = fail(
        d.path(),
        &[
            "send",
            &a,
            "--subject",
            "A role",
            "--template",
            "rust roles",
        ],
    );
    assert!(
        e.contains("not sent") && e.contains("opted out of the topic rust"),
        "{e}"
    );
    // A topic named by hand, in any case, on a reply.
    let e = fail(
        d.path(),
        &["reply", &a, "--body-file", body, "--topic", "RUST"],
    );
    assert!(e.contains("opted out of the topic rust"), "{e}");
    assert!(
        json(d.path(), &["outbox", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    let e = fail(d.path(), &["reply", &a, "--template", "ml roles"]);
    assert!(e.contains("no snippet \"ml roles\""), "{e}");
    // Another topic is not covered: the reply goes, the snippet's text above the body.
    let out = ok(
        d.path(),
        &["reply", &a, "--body-file", body, "--topic", "remote"],
    );
    assert!(out.contains("topics: remote"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("sent")), "{out}");
    let outbox = json(d.path(), &["outbox", "--json"]);
    assert_eq!(outbox.as_array().unwrap().len(), 1, "{outbox}");
}

#[test]
fn import_maildir_with_a_config_counts_our_replies_as_ours() {
    let d = tempfile::tempdir().unwrap();
    let md = d.path().join("Mail");
    let inbox = vec![
        b"From: Jane Doe <jane@x.example>\r\nTo: team@co.example\r\nSubject: Hello\r\nMessage-ID: <j1@x>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nIs the role open?\r\n".to_vec(),
        b"From: Max Roe <max@y.example>\r\nTo: team@co.example\r\nSubject: Applying\r\nMessage-ID: <m1@y>\r\nDate: Tue, 03 Nov 2026 09:00:00 +0000\r\n\r\nMy CV is attached.\r\n".to_vec(),
    ];
    let sent = vec![
        b"From: Team <team@co.example>\r\nTo: jane@x.example\r\nSubject: Re: Hello\r\nMessage-ID: <t1@co>\r\nIn-Reply-To: <j1@x>\r\nDate: Mon, 02 Nov 2026 11:00:00 +0000\r\n\r\nYes!\r\n".to_vec(),
        b"From: Ana Lima <ana@co.example>\r\nTo: max@y.example\r\nSubject: Re: Applying\r\nMessage-ID: <t2@co>\r\nIn-Reply-To: <m1@y>\r\nDate: Tue, 03 Nov 2026 12:00:00 +0000\r\n\r\nThanks, Max.\r\n".to_vec(),
    ];
    rapport_core::mail_in::maildir::write_folder(&md, "i", &inbox).unwrap();
    rapport_core::mail_in::maildir::write_folder(&md.join(".Sent"), "s", &sent).unwrap();
    let cfg = d.path().join("config.toml");
    std::fs::write(
        &cfg,
        "[identity]\nteam = \"Co Talent\"\naddress = \"team@co.example\"\n\n\
         [[team]]\nname = \"Ana Lima\"\naddress = \"ana@co.example\"\n",
    )
    .unwrap();
    let data = d.path().join("data");
    let run = |args: &[&str]| {
        let o = common::rapport_bin()
            .args(args)
            .env("RAPPORT_DATA_DIR", &data)
            .env("RAPPORT_CONFIG", &cfg)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    run(&["import-maildir", md.to_str().unwrap()]);
    let cands: Value = serde_json::from_str(&run(&["candidates", "--json"])).unwrap();
    let addrs: Vec<&str> = cands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert_eq!(addrs.len(), 2, "{addrs:?}");
    assert!(
        !addrs.contains(&"team@co.example") && !addrs.contains(&"ana@co.example"),
        "{addrs:?}"
    );
    let report = run(&["report", "--since", "all", "--format", "json"]);
    let v: Value = serde_json::from_str(&report).unwrap();
    let all = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "all")
        .unwrap_or_else(|| panic!("{v:#}"));
    // Jane answered in an hour by the shared box, Max in three by Ana.
    assert_eq!(all["first_response_count"], 2, "{v:#}");
    assert_eq!(all["first_response_median_secs"], 3600, "{v:#}");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|r| r["group"] == "Ana Lima"),
        "{v:#}"
    );
}

/// Candidates of the demo whose message was read at ingest as asking to stop, oldest id
/// first: (an address, the scope stored with the request).
fn pending_requests(d: &Path) -> Vec<(String, String)> {
    let db = rusqlite::Connection::open(d.join("rapport.db")).unwrap();
    let mut st = db
        .prepare(
            "SELECT (SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id
                     ORDER BY first_seen, address LIMIT 1), m.optout_scope
             FROM candidates c JOIN messages m ON m.id = c.optout_request ORDER BY c.id",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Fails with exit code 1 and one line naming what is wrong.
fn fail_1(dir: &Path, args: &[&str], says: &str) {
    let o = rapport(dir, args);
    assert_eq!(o.status.code(), Some(1), "{args:?}");
    let e = String::from_utf8(o.stderr).unwrap();
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
    assert!(e.contains(says), "{args:?}: {e}");
}

#[test]
fn accept_and_dismiss_opt_out_record_the_detected_request_or_say_there_is_none() {
    let d = demo();
    let requests = pending_requests(d.path());
    assert!(requests.len() >= 2, "the demo has requests: {requests:?}");
    let (a, scope) = requests[0].clone();
    let (b, _) = requests[1].clone();
    // Their words are stored text: a terminal sequence slipped into them is not printed.
    let db = rusqlite::Connection::open(d.path().join("rapport.db")).unwrap();
    db.execute(
        "UPDATE messages SET optout_evidence = 'stop \u{1b}]0;owned\u{7}mailing me'
         WHERE id = (SELECT c.optout_request FROM candidates c
                     JOIN candidate_addresses x ON x.candidate_id = c.id WHERE x.address = ?1)",
        [&a],
    )
    .unwrap();
    drop(db);
    let opt_outs = |who: &str| {
        json(d.path(), &["show", who, "--json"])["opt_outs"]
            .as_array()
            .unwrap()
            .clone()
    };
    let (before_a, before_b) = (opt_outs(&a).len(), opt_outs(&b).len());

    let out = ok(d.path(), &["accept-opt-out", &a]);
    assert!(
        out.starts_with(&format!("opt-out recorded ({scope}) from their message")),
        "{out}"
    );
    assert!(out.contains("stop") && out.contains("mailing me"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    let recorded = opt_outs(&a);
    assert_eq!(recorded.len(), before_a + 1, "{recorded:?}");
    let new = recorded.last().unwrap();
    assert_eq!(new["scope"], scope.as_str());
    assert_eq!(new["source"], "message");
    assert_eq!(
        new["reason"], "stop \u{1b}]0;owned\u{7}mailing me",
        "their words"
    );
    assert_eq!(new["recorded_by"], os_user());
    // Nothing waits any more.
    fail_1(
        d.path(),
        &["accept-opt-out", &a],
        &format!("no opt-out request is waiting on {a}"),
    );
    fail_1(d.path(), &["dismiss-opt-out", &a], "no opt-out request");

    let out = ok(d.path(), &["dismiss-opt-out", &b]);
    assert!(out.starts_with("dismissed: "), "{out}");
    assert_eq!(
        opt_outs(&b).len(),
        before_b,
        "a dismissal records no opt-out"
    );
    assert_eq!(pending_requests(d.path()).len(), requests.len() - 2);
    fail_1(d.path(), &["dismiss-opt-out", &b], "no opt-out request");
    fail_1(d.path(), &["accept-opt-out", &b], "no opt-out request");

    // Someone rapport does not know.
    for cmd in ["accept-opt-out", "dismiss-opt-out"] {
        fail_1(
            d.path(),
            &[cmd, "nobody@nowhere.example"],
            "no candidate has the address nobody@nowhere.example",
        );
    }
}

#[test]
fn export_writes_a_new_private_file_and_never_an_existing_one_or_through_a_link() {
    let d = demo();
    let a = pending_requests(d.path())[0].0.clone();
    let out = tempfile::tempdir().unwrap();
    let new = out.path().join("a.json");
    ok(d.path(), &["export", &a, "-o", new.to_str().unwrap()]);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&new).unwrap()).unwrap();
    assert_eq!(doc["format"], "rapport-export-2");
    assert!(
        doc["messages"][0]["date"].as_str().unwrap().ends_with('Z'),
        "times are RFC 3339"
    );
    use std::os::unix::fs::PermissionsExt;
    for f in [&new, &new.with_extension("txt")] {
        let mode = std::fs::metadata(f).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", f.display());
    }
    // The summary beside it is what `--summary` prints, ready to send to the person.
    let summary = ok(d.path(), &["export", &a, "--summary"]);
    assert!(summary.starts_with("What we hold about you"), "{summary}");
    assert_eq!(
        std::fs::read_to_string(new.with_extension("txt"))
            .unwrap()
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        summary.lines().skip(1).collect::<Vec<_>>(),
        "the same summary (but for the time it was made)"
    );
    // Again to the same file: refused, the first export kept.
    let before = std::fs::read(&new).unwrap();
    let e = fail(d.path(), &["export", &a, "-o", new.to_str().unwrap()]);
    assert!(e.contains("already exists"), "{e}");
    assert_eq!(std::fs::read(&new).unwrap(), before);
    // A link planted where the export goes is not followed.
    let theirs = out.path().join("theirs.txt");
    std::fs::write(&theirs, "theirs").unwrap();
    let link = out.path().join("link.json");
    std::os::unix::fs::symlink(&theirs, &link).unwrap();
    let e = fail(d.path(), &["export", &a, "-o", link.to_str().unwrap()]);
    assert!(e.contains("symbolic link"), "{e}");
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs");
}

#[test]
fn completions_and_the_manual_come_from_the_same_definitions_as_the_help() {
    let d = tempfile::tempdir().unwrap();
    let bash = ok(d.path(), &["completions", "bash"]);
    assert!(
        bash.contains("add-candidate") && bash.contains("--summary"),
        "every command and option"
    );
    // Bash accepts it and registers the completion.
    let f = d.path().join("rapport.bash");
    std::fs::write(&f, &bash).unwrap();
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p rapport", f.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for shell in ["zsh", "fish"] {
        assert!(
            ok(d.path(), &["completions", shell]).contains("accept-opt-out"),
            "{shell}"
        );
    }
    let man = ok(d.path(), &["man"]);
    assert!(
        man.contains(".TH rapport 1") && man.contains("add\\-candidate"),
        "{man}"
    );
}
