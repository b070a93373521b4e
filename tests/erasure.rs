//! Erasure that stays complete, each test written as the failure it prevents: a sync bringing
//! an erased person back, merges and splits leaving pieces of them, a colleague's read keeping
//! their bytes on disk, the server's copies deleted before (or without) the confirmation.

mod common;

use common::mail::{MailServers, candidate_mail};
use common::runner::Rapport;
use common::terminal::Terminal;
use serde_json::Value;
use std::path::Path;

/// Where `needle` occurs in any file of the data dir (database, its log and shared memory,
/// the log file, the demo's files), as `strings` would find it. A child process reads them:
/// closing a file this process opened would drop the SQLite locks of a reader it holds.
fn found_in_data_dir(data: &Path, needle: &str) -> Vec<String> {
    let out = std::process::Command::new("grep")
        .args(["-r", "-l", "-a", "-i", "-F", "--", needle])
        .arg(data)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(String::from)
        .collect()
}

fn assert_gone(data: &Path, needles: &[&str]) {
    for n in needles {
        let hits = found_in_data_dir(data, n);
        assert!(hits.is_empty(), "{n:?} is still in {hits:?}");
    }
}

const ZED: &str = "zed.quinlan@example.test";

#[test]
fn erasing_the_newest_sender_then_syncing_brings_nothing_back() {
    let s = MailServers::start();
    s.deliver(
        "jane@example.test",
        "talent@example.test",
        &candidate_mail(
            "jane@example.test",
            "Jane Doe",
            "Rust role?",
            "j1@example.test",
            "Is the Rust role still open?",
        ),
    );
    // Their own "delete my data" mail and our reply in Sent hold each folder's highest UID.
    s.deliver(
        ZED,
        "talent@example.test",
        &candidate_mail(
            ZED,
            "Zed Quinlan",
            "Delete my data",
            "z1@example.test",
            "Please delete everything about me, Zed Quinlan, xylophonic request.",
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 2);
    let mut c =
        rapport_core::mail_in::imap::connect::connect(&s.endpoint("talent@example.test")).unwrap();
    let reply = format!(
        "From: Alice Recruiter <alice@example.test>\r\nTo: Zed Quinlan <{ZED}>\r\nSubject: Re: Delete my data\r\n\
         Message-ID: <a9@example.test>\r\nIn-Reply-To: <z1@example.test>\r\n\
         Date: Mon, 02 Nov 2026 11:00:00 +0000\r\n\r\nDone, Zed: xylophonic data removed.\r\n"
    );
    c.append("Sent", reply.as_bytes()).finish().unwrap();

    let r = Rapport::with_servers(&s, "").pinned();
    r.ok(&["sync"]);
    assert_eq!(r.json(&["status", "--json"])["messages"], 3);
    r.ok(&["erase", ZED, "--yes"]);
    r.ok(&["sync"]);
    // Nothing of theirs came back.
    let e = r.fail(&["show", ZED]);
    assert!(e.contains("erased on request on 2026-11-20"), "{e}");
    assert_eq!(r.json(&["status", "--json"])["messages"], 1);
    assert!(
        r.json(&["search", "xylophonic", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
    // They write again: recorded as an arrival from an erased address, flagged, no content.
    s.deliver(
        ZED,
        "talent@example.test",
        &candidate_mail(
            ZED,
            "Zed Quinlan",
            "Me again",
            "z2@example.test",
            "Zed here once more, marimbaphonic.",
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 3);
    let said = r.ok(&["sync"]);
    assert!(
        said.contains("INBOX: 0 new, 1 about addresses erased on request (not stored)"),
        "{said}"
    );
    let st = r.json(&["status", "--json"]);
    assert_eq!(st["messages"], 1);
    assert_eq!(st["mail_from_erased_addresses"], 1);
    let arrivals = r.json(&["erased-mail", "--json"]);
    let new: Vec<&Value> = arrivals
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["arrived_after_erasure"] == true)
        .collect();
    assert_eq!(new.len(), 1, "{arrivals}");
    assert_eq!(new[0]["folder"], "INBOX");
    assert_eq!(new[0]["uid"], 3);
    assert_eq!(new[0]["address_hash"].as_str().unwrap().len(), 64);
    assert!(r.ok(&["erased-mail"]).contains("NEW"));
    r.ok(&["erased-mail", "--ack"]);
    assert_eq!(
        r.json(&["status", "--json"])["mail_from_erased_addresses"],
        0
    );
    assert_gone(
        &r.data,
        &[
            ZED,
            "Quinlan",
            "xylophonic",
            "marimbaphonic",
            "Delete my data",
            "z2@example.test",
        ],
    );
    // The server still has it all (erase_on_server is off), and a full resync (a new
    // UIDVALIDITY would do the same) stores nothing of them either.
    assert_eq!(s.count("talent@example.test", "INBOX"), 3);
    drop(r);
}

#[test]
fn erase_declined_on_a_terminal_leaves_the_server_alone_and_confirmed_deletes_there() {
    let s = MailServers::start();
    for (i, who) in [("1", ZED), ("2", "omar@example.test")] {
        s.deliver(
            who,
            "talent@example.test",
            &candidate_mail(
                who,
                "Some One",
                "Hello",
                &format!("m{i}@example.test"),
                "Hi",
            ),
        );
    }
    s.wait_count("talent@example.test", "INBOX", 2);
    let r = Rapport::with_servers(&s, "erase_on_server = true").pinned();
    r.ok(&["sync"]);
    let term = Terminal::run(r.dir.path(), &r.shell(&format!("erase {ZED}")));
    term.wait_for("Type the address", 10);
    term.type_text("no");
    term.keys(&["Enter"]);
    let screen = term.wait_for("exited with", 10);
    assert!(
        screen.contains("not confirmed; nothing was erased"),
        "{screen}"
    );
    assert_eq!(
        s.count("talent@example.test", "INBOX"),
        2,
        "declined, yet deleted on the server"
    );
    assert!(r.ok(&["show", ZED]).contains("Hello"));
    drop(term);

    let term = Terminal::run(r.dir.path(), &r.shell(&format!("erase {ZED}")));
    term.wait_for("and their mail on the IMAP server", 10);
    term.type_text(ZED);
    term.keys(&["Enter"]);
    let screen = term.wait_for("exited with", 20);
    assert!(screen.contains("exited with 0"), "{screen}");
    assert!(
        screen.contains("deleted 1 message(s) from INBOX on the server"),
        "{screen}"
    );
    assert_eq!(s.count("talent@example.test", "INBOX"), 1);
    // The expunge is seen by the next sync; nothing comes back.
    r.ok(&["sync"]);
    assert!(r.fail(&["show", ZED]).contains("erased on request"));
}

#[test]
fn x_in_the_inbox_deletes_on_the_server_when_the_team_asked_for_it() {
    let s = MailServers::start();
    s.deliver(
        ZED,
        "talent@example.test",
        &candidate_mail(ZED, "Zed Quinlan", "Hello", "m1@example.test", "Hi"),
    );
    s.wait_count("talent@example.test", "INBOX", 1);
    let r = Rapport::with_servers(&s, "erase_on_server = true").pinned();
    r.ok(&["sync"]);
    let term = Terminal::run(r.dir.path(), &r.shell(""));
    term.wait_for("Zed Quinlan", 20);
    term.keys(&["X"]);
    term.wait_for("Erase", 5);
    term.type_text(ZED);
    term.keys(&["Enter"]);
    term.wait_for("deleted on the IMAP server: 1 in INBOX", 20);
    term.keys(&["q"]);
    term.wait_for("exited with 0", 10);
    assert_eq!(s.count("talent@example.test", "INBOX"), 0);
    let audit = r.ok(&["audit"]);
    assert!(audit.contains("erase-on-server"), "{audit}");
}

/// `merge A B`, `split B`, `erase B`: nothing of B is left anywhere in the data dir.
#[test]
fn merge_split_erase_leaves_no_byte_of_the_person() {
    let r = Rapport::demo();
    let list = r.json(&["candidates", "--json"]);
    let a = list[0]["address"].as_str().unwrap().to_string();
    let b = list[1]["address"].as_str().unwrap().to_string();
    let b_show = r.json(&["show", &b, "--json"]);
    let b_name = b_show["name"].as_str().unwrap().to_string();
    let b_local = b.split('@').next().unwrap().to_string();
    r.ok(&["note", &b, "Bee note: prefers quokka-themed interviews"]);
    r.ok(&[
        "log-contact",
        &b,
        "--channel",
        "phone",
        "--outcome",
        "talked",
        "--at",
        "2026-11-19 10:00",
        "--note",
        "called about the wombat project",
    ]);
    r.ok(&[
        "prefs",
        &b,
        "--frequency",
        "monthly",
        "--note",
        "said so on the narwhal call",
    ]);
    r.ok(&["rename", &b, "Beatrix Narwhalsdottir"]);
    r.ok(&["merge", &a, &b]);
    r.ok(&["split", &b]);
    r.ok(&["erase", &b, "--yes"]);
    assert_gone(
        &r.data,
        &[
            &b,
            &b_local,
            &b_name,
            "Narwhalsdottir",
            "quokka",
            "wombat",
            "narwhal call",
        ],
    );
    // A is still there, whole.
    assert!(r.json(&["show", &a, "--json"])["name"].is_string());
    // Sending to them says why it cannot.
    std::fs::write(r.dir.path().join("body.txt"), "Hello").unwrap();
    let body = r.dir.path().join("body.txt");
    let e = r.fail(&[
        "send",
        &b,
        "--subject",
        "Hi",
        "--body-file",
        body.to_str().unwrap(),
    ]);
    assert!(
        e.contains(&format!("{b} was erased on request on 2026-11-20")),
        "{e}"
    );
}

#[test]
fn erase_with_a_colleague_reading_says_what_is_left_and_finishes_later() {
    let r = Rapport::demo();
    let list = r.json(&["candidates", "--json"]);
    let b = list[2]["address"].as_str().unwrap().to_string();
    let name = r.json(&["show", &b, "--json"])["name"]
        .as_str()
        .unwrap()
        .to_string();
    // A colleague's session in the middle of a read.
    let reader = rusqlite::Connection::open(r.data.join("rapport.db")).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let _: i64 = reader
        .query_row("SELECT count(*) FROM messages", [], |row| row.get(0))
        .unwrap();
    let e = r.fail(&["erase", &b, "--yes"]);
    assert!(e.contains("not complete on disk"), "{e}");
    assert!(e.contains("rapport.db-wal"), "{e}");
    let doctor = String::from_utf8(r.run(&["doctor"]).stdout).unwrap();
    assert!(doctor.contains("FAIL  erasure"), "{doctor}");
    assert!(
        !found_in_data_dir(&r.data, &name).is_empty(),
        "the test reads the bytes"
    );
    let st = r.json(&["status", "--json"]);
    assert!(st["erasure_pending_since"].is_string(), "{st}");
    // The reader lets go: the next command finishes the job.
    reader.execute_batch("COMMIT").unwrap();
    drop(reader);
    r.ok(&["status"]);
    assert_gone(&r.data, &[&b, &name]);
    let doctor = String::from_utf8(r.run(&["doctor"]).stdout).unwrap();
    assert!(doctor.contains("ok    erasure"), "{doctor}");
    assert!(r.json(&["status", "--json"])["erasure_pending_since"].is_null());
}

#[test]
fn the_suppression_key_lives_beside_the_database_and_old_keys_move_there() {
    use std::os::unix::fs::PermissionsExt;
    let r = Rapport::demo();
    let b = r.json(&["candidates", "--json"])[0]["address"]
        .as_str()
        .unwrap()
        .to_string();
    r.ok(&["erase", &b, "--yes"]);
    let key_path = r.data.join("rapport.key");
    let key = std::fs::read_to_string(&key_path).unwrap();
    assert_eq!(key.trim().len(), 64);
    assert_eq!(
        std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let db = std::fs::read(r.data.join("rapport.db")).unwrap();
    assert!(
        !String::from_utf8_lossy(&db).contains(key.trim()),
        "the key is in the database"
    );
    // An older rapport kept it in the database: it moves to the file on upgrade.
    std::fs::remove_file(&key_path).unwrap();
    let conn = rusqlite::Connection::open(r.data.join("rapport.db")).unwrap();
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('suppression_key', ?1)",
        [key.trim()],
    )
    .unwrap();
    drop(conn);
    assert!(r.fail(&["show", &b]).contains("erased on request"));
    assert_eq!(std::fs::read_to_string(&key_path).unwrap(), key);
    let conn = rusqlite::Connection::open(r.data.join("rapport.db")).unwrap();
    let left: i64 = conn
        .query_row(
            "SELECT count(*) FROM meta WHERE key = 'suppression_key'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    drop(conn);
    // Without the key nobody's erasure could be recognised: rapport refuses to guess.
    std::fs::remove_file(&key_path).unwrap();
    let e = r.fail(&["show", &b]);
    assert!(e.contains("rapport.key is missing"), "{e}");
}
