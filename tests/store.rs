//! Storage and ingest: migrations, idempotent ingest, JWZ threading, candidate resolution and
//! the inbox summary, through the public core API.

mod common;

use common::message::{Mail, raw};

use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
use rapport_core::store::{InboxFilter, InboxQuery, Store, StoreError, schema};

const TEAM: &str = "talent@team.example";
const ALICE: &str = "alice@team.example";

fn store() -> (tempfile::TempDir, Store) {
    common::store_with_team(TEAM, ALICE)
}

fn ingest(s: &mut Store, mails: &[Mail]) -> usize {
    let batch = mails
        .iter()
        .map(|m| RawMessage {
            bytes: raw(m),
            location: None,
            received_at: 1_790_000_000,
            parts: None,
        })
        .collect();
    ingest_batch(s, batch).unwrap().inserted
}

fn thread_of(s: &Store, addr: &str, subject: &str) -> i64 {
    let c = s.candidate_by_address(addr).unwrap().unwrap();
    let conv = s.conversation(c, 100).unwrap();
    conv.messages
        .iter()
        .find(|m| m.subject == subject)
        .unwrap()
        .thread_id
}

#[test]
fn fresh_database_is_private_and_at_the_latest_schema() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_in(dir.path()).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema::LATEST);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("rapport.db"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn older_database_is_upgraded_keeping_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        schema::migrations().to_version(&mut conn, 1).unwrap();
        conn.execute(
            "INSERT INTO candidates(name, created_at) VALUES ('Old Timer', 1)",
            [],
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema::LATEST);
    assert_eq!(s.status().unwrap().candidates, 1);
    // The v2 tables exist after the upgrade.
    assert_eq!(s.preferences(1).unwrap(), None);
}

/// v7 indexes a message's own words, not the lines it quotes: upgrading a v6 database fills
/// them for the mail it holds (including mail a v6 first load left unindexed).
#[test]
fn upgrading_from_v6_indexes_own_words_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        schema::migrations().to_version(&mut conn, 6).unwrap();
        let add = |conn: &rusqlite::Connection, id: &str, body: &str| {
            conn.execute(
                "INSERT INTO messages(message_id, dedup_key, content_hash, thread_id, direction,
                    subject, date, ingested_at, body)
                 VALUES (?1, ?1, 'h', 1, 'inbound', 'Role', 1, 1, ?2)",
                [id, body],
            )
            .unwrap();
        };
        conn.execute("INSERT INTO threads(id, subject) VALUES (1, 'Role')", [])
            .unwrap();
        add(&conn, "orig@m", "The zanzibar office opens in May.");
        add(
            &conn,
            "reply@m",
            "Sounds lovely!\n> The zanzibar office opens in May.\n",
        );
        // A first load v6 never completed: its rows are not in the index yet.
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('search_index_deferred', '1')",
            [],
        )
        .unwrap();
        add(&conn, "late@m", "Loaded in bulk: walrus");
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema::LATEST);
    assert!(!s.search_index_deferred().unwrap());
    let subjects = |w: &str| -> Vec<i64> {
        s.search_messages(w, 10)
            .unwrap()
            .iter()
            .map(|h| h.message_id)
            .collect()
    };
    assert_eq!(
        subjects("zanzibar"),
        vec![1],
        "only the message that says it"
    );
    assert_eq!(subjects("lovely"), vec![2]);
    assert_eq!(subjects("walrus"), vec![3]);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
        .unwrap();
}

/// Search finds a message by what it says, not by what it quotes of others.
/// A request to stop stored before v10 kept only its evidence: the migration (plain SQL, no
/// detection run again) gives it the safe scope, everything, so the banner still records an
/// opt-out; requests detected since carry the scope they asked for.
#[test]
fn upgrading_to_v10_reads_an_older_request_as_all() {
    use rapport_core::values::OptOutScope;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        schema::migrations().to_version(&mut conn, 9).unwrap();
        conn.execute_batch(
            "INSERT INTO threads(id, subject) VALUES (1, 'Role');
             INSERT INTO candidates(id, name, created_at) VALUES (1, 'Nora', 1);
             INSERT INTO messages(id, message_id, dedup_key, content_hash, thread_id, candidate_id,
                direction, subject, date, ingested_at, body, optout_evidence)
             VALUES (1, 'n@m', 'n@m', 'h', 1, 1, 'inbound', 'Role', 1, 1,
                'Please don''t call me anymore.', 'Please don''t call me anymore.');
             UPDATE candidates SET optout_request = 1 WHERE id = 1;",
        )
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    let (msg, request) = s.profile(1).unwrap().unwrap().optout_request.unwrap();
    assert_eq!(msg, 1);
    assert_eq!(request.evidence, "Please don't call me anymore.");
    assert_eq!(request.scope, OptOutScope::All);
}

#[test]
fn search_finds_the_message_that_said_it_not_the_replies_quoting_it() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default().from("Alice <alice@team.example>").to("Jane Doe <jane@mail.example>").body("Would a platypus-themed offsite appeal?").id("ask@m"),
            Mail::default().body("Absolutely.\n\nOn Monday Alice wrote:\n> Would a platypus-themed offsite appeal?\n").id("answer@m").refs("<ask@m>"),
        ],
    );
    let hits = s.search_messages("platypus", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0].excerpt.contains("[platypus]"),
        "{}",
        hits[0].excerpt
    );
    assert_eq!(s.search_messages("absolutely", 10).unwrap().len(), 1);
}

#[test]
fn newer_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future(x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let err = match Store::open(&path) {
        Err(e) => e,
        Ok(_) => panic!("a newer database must be refused"),
    };
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }));
    assert!(err.to_string().contains("newer rapport"), "{err}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 99);
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'future'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn the_same_message_twice_is_stored_once() {
    let (_d, mut s) = store();
    let m = Mail::default().id("a@x");
    assert_eq!(ingest(&mut s, &[m]), 1);
    let m = Mail::default()
        .id("a@x")
        .headers("Received: from elsewhere\r\n");
    assert_eq!(ingest(&mut s, &[m]), 0);
    // Without a Message-ID, identical content is still recognised.
    let m = Mail::default().subject("no id");
    assert_eq!(ingest(&mut s, &[m]), 1);
    let m = Mail::default().subject("no id");
    assert_eq!(ingest(&mut s, &[m]), 0);
    assert_eq!(s.status().unwrap().messages, 2);
}

#[test]
fn a_reused_message_id_with_other_content_is_a_second_message() {
    let (_d, mut s) = store();
    let a = Mail::default().id("dup@x").body("first");
    let b = Mail::default().id("dup@x").body("second, different");
    assert_eq!(ingest(&mut s, &[a, b]), 2);
}

#[test]
fn replies_thread_by_references_and_placeholders_join_later_mail() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default()
                .from(TEAM)
                .to("jane@mail.example")
                .subject("Role")
                .id("1@t"),
            Mail::default().subject("Re: Role").id("2@j").refs("<1@t>"),
            // Replies to a message we never saw: both hang on the same placeholder.
            Mail::default()
                .subject("Other A")
                .id("3@j")
                .refs("<missing@x>"),
            Mail::default()
                .subject("Other B")
                .id("4@j")
                .refs("<missing@x>"),
            // Same subject, no references: never merged by subject.
            Mail::default().subject("Role").id("5@j"),
        ],
    );
    let j = "jane@mail.example";
    assert_eq!(thread_of(&s, j, "Role"), thread_of(&s, j, "Re: Role"));
    assert_eq!(thread_of(&s, j, "Other A"), thread_of(&s, j, "Other B"));
    assert_ne!(thread_of(&s, j, "Other A"), thread_of(&s, j, "Re: Role"));
    let c = s.candidate_by_address(j).unwrap().unwrap();
    let conv = s.conversation(c, 100).unwrap();
    let roles: Vec<i64> = conv
        .messages
        .iter()
        .filter(|m| m.subject == "Role")
        .map(|m| m.thread_id)
        .collect();
    assert_eq!(roles.len(), 2);
    assert_ne!(
        roles[0], roles[1],
        "same subject without references must not merge"
    );
}

#[test]
fn a_message_linking_two_threads_merges_them() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default().subject("T1").id("a@j"),
            Mail::default().subject("T2").id("b@j"),
        ],
    );
    let j = "jane@mail.example";
    assert_ne!(thread_of(&s, j, "T1"), thread_of(&s, j, "T2"));
    ingest(
        &mut s,
        &[Mail::default()
            .subject("Both")
            .id("c@j")
            .refs("<a@j> <b@j>")],
    );
    assert_eq!(thread_of(&s, j, "T1"), thread_of(&s, j, "T2"));
    assert_eq!(thread_of(&s, j, "T1"), thread_of(&s, j, "Both"));
}

#[test]
fn looping_references_do_not_hang_or_break_threading() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default()
                .subject("Loop 1")
                .id("l1@j")
                .refs("<l2@j> <l1@j>"),
            Mail::default()
                .subject("Loop 2")
                .id("l2@j")
                .refs("<l1@j> <l2@j>"),
        ],
    );
    let j = "jane@mail.example";
    assert_eq!(thread_of(&s, j, "Loop 1"), thread_of(&s, j, "Loop 2"));
}

#[test]
fn team_mail_is_outbound_and_credits_the_recruiter() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[Mail::default()
            .from("Alice (Team) <talent@team.example>")
            .to("Jane Doe <jane@mail.example>")
            .headers("Sender: alice@team.example\r\n")
            .id("o@t")],
    );
    let c = s
        .candidate_by_address("jane@mail.example")
        .unwrap()
        .expect("recipient becomes the candidate");
    let conv = s.conversation(c, 10).unwrap();
    assert_eq!(
        conv.messages[0].direction,
        rapport_core::model::Direction::Outbound
    );
    assert_eq!(conv.messages[0].recruiter.as_deref(), Some(ALICE));
    assert!(
        s.candidate_by_address(TEAM).unwrap().is_none(),
        "the team is never a candidate"
    );
    assert!(s.candidate_by_address(ALICE).unwrap().is_none());
}

#[test]
fn a_second_address_replying_in_thread_with_the_same_name_joins_the_candidate() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default()
                .from(TEAM)
                .to("Jane Doe <jane@work.example>")
                .subject("Role")
                .id("r@t"),
            Mail::default()
                .from("Jane Doe <jane@home.example>")
                .subject("Re: Role")
                .id("h@j")
                .refs("<r@t>"),
            // A different person in the same thread stays separate.
            Mail::default()
                .from("Bob Roe <bob@x.example>")
                .subject("Re: Role")
                .id("b@b")
                .refs("<r@t>"),
        ],
    );
    let a = s.candidate_by_address("jane@work.example").unwrap();
    assert_eq!(a, s.candidate_by_address("jane@home.example").unwrap());
    assert_ne!(a, s.candidate_by_address("bob@x.example").unwrap());
    let p = s.profile(a.unwrap()).unwrap().unwrap();
    assert_eq!(p.addresses.len(), 2);
}

#[test]
fn waits_start_at_the_oldest_unanswered_human_message() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default()
                .subject("Q1")
                .id("q1@j")
                .date("Mon, 02 Nov 2026 10:00:00 +0000"),
            Mail::default()
                .subject("Q2")
                .id("q2@j")
                .date("Mon, 02 Nov 2026 12:00:00 +0000"),
        ],
    );
    let c = s
        .candidate_by_address("jane@mail.example")
        .unwrap()
        .unwrap();
    let since = s.profile(c).unwrap().unwrap().waiting_since;
    assert_eq!(since, Some(1_793_613_600)); // 10:00, the older one
    let awaiting = InboxQuery {
        keep: None,
        filter: InboxFilter::Awaiting,
        search: None,
        assignee: Default::default(),
    };
    assert_eq!(s.inbox_count(&awaiting).unwrap(), 1);

    // An auto-reply neither starts nor stops the clock; our reply stops it.
    ingest(
        &mut s,
        &[Mail::default()
            .from(TEAM)
            .to("jane@mail.example")
            .subject("Re: Q2")
            .id("a1@t")
            .date("Mon, 02 Nov 2026 15:00:00 +0000")],
    );
    assert_eq!(s.profile(c).unwrap().unwrap().waiting_since, None);
    ingest(
        &mut s,
        &[Mail::default()
            .subject("Automatic reply: Re: Q2")
            .id("ooo@j")
            .date("Mon, 02 Nov 2026 15:01:00 +0000")
            .headers("Auto-Submitted: auto-replied\r\n")],
    );
    assert_eq!(s.profile(c).unwrap().unwrap().waiting_since, None);
    assert_eq!(s.inbox_count(&awaiting).unwrap(), 0);
}

#[test]
fn out_of_order_arrival_gives_the_same_summary() {
    let mails = || {
        vec![
            Mail::default()
                .subject("Q")
                .id("q@j")
                .date("Mon, 02 Nov 2026 10:00:00 +0000"),
            Mail::default()
                .from(TEAM)
                .to("jane@mail.example")
                .subject("Re: Q")
                .id("r@t")
                .refs("<q@j>")
                .date("Mon, 02 Nov 2026 11:00:00 +0000"),
            Mail::default()
                .subject("Q again")
                .id("q2@j")
                .refs("<r@t>")
                .date("Tue, 03 Nov 2026 09:00:00 +0000"),
        ]
    };
    let (_d1, mut a) = store();
    let (_d2, mut b) = store();
    for m in mails() {
        ingest(&mut a, &[m]);
    }
    for m in mails().into_iter().rev() {
        ingest(&mut b, &[m]);
    }
    let q = InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: None,
        assignee: Default::default(),
    };
    let (ra, rb) = (
        a.inbox_page(&q, 0, 10).unwrap(),
        b.inbox_page(&q, 0, 10).unwrap(),
    );
    assert_eq!(ra.len(), 1);
    assert_eq!(ra[0].waiting_since, rb[0].waiting_since);
    assert_eq!(ra[0].waiting_since, Some(1_793_696_400));
    assert_eq!(
        thread_of(&b, "jane@mail.example", "Q"),
        thread_of(&b, "jane@mail.example", "Q again")
    );
}

#[test]
fn search_narrows_the_inbox_by_mail_name_and_address() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[
            Mail::default()
                .body("I love writing Rust compilers")
                .id("1@j"),
            Mail::default()
                .from("Max Mustermann <max@x.example>")
                .body("Kotlin only")
                .id("2@m"),
        ],
    );
    let q = |t: &str| InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: Some(t.parse::<rapport_core::query::Query>().unwrap().into()),
        assignee: Default::default(),
    };
    assert_eq!(s.inbox_count(&q("compil")).unwrap(), 1);
    assert_eq!(s.inbox_page(&q("rust"), 0, 10).unwrap()[0].name, "Jane Doe");
    assert_eq!(s.inbox_count(&q("mustermann")).unwrap(), 1);
    assert_eq!(s.inbox_count(&q("x.example")).unwrap(), 1);
    assert_eq!(s.inbox_count(&q("python")).unwrap(), 0);
    // FTS syntax in a word or phrase is taken literally, never an error.
    use rapport_core::query::{Expr, Query, Term};
    for t in [
        Term::Word("\"AND OR (".into()),
        Term::Phrase("NEAR(a b) OR *".into()),
    ] {
        let q = InboxQuery {
            keep: None,
            filter: InboxFilter::All,
            search: Some(
                Query {
                    expr: Expr::Term(t),
                }
                .into(),
            ),
            assignee: Default::default(),
        };
        assert_eq!(s.inbox_count(&q).unwrap(), 0);
    }
    assert_eq!(s.search_messages("kotlin", 10).unwrap().len(), 1);
}

#[test]
fn a_deferred_search_index_is_complete_once_the_load_completes() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[Mail::default()
            .body("indexed kotlin row by row")
            .id("early@m")],
    );
    s.defer_search_index().unwrap();
    assert!(s.search_index_deferred().unwrap());
    ingest(
        &mut s,
        &[Mail::default()
            .from("Max <max@mail.example>")
            .body("loaded with haskell in bulk")
            .id("bulk@m")],
    );
    // Meanwhile search says it is behind rather than being silently wrong.
    assert_eq!(s.search_messages("haskell", 10).unwrap().len(), 0);
    assert!(s.complete_search_index().unwrap());
    assert!(!s.search_index_deferred().unwrap());
    assert_eq!(s.search_messages("haskell", 10).unwrap().len(), 1);
    assert_eq!(s.search_messages("kotlin", 10).unwrap().len(), 1);
    // Completing again does nothing; new mail is indexed row by row again.
    assert!(!s.complete_search_index().unwrap());
    ingest(&mut s, &[Mail::default().body("later erlang").id("late@m")]);
    assert_eq!(s.search_messages("erlang", 10).unwrap().len(), 1);
}

/// During a first load the log is copied into the database by a thread of its own (the
/// writer's own checkpoints are off): once the writer pauses, everything it wrote is in the
/// database, and after the load the writer checkpoints as usual again.
#[test]
fn a_first_load_checkpoints_in_the_background() {
    let (_d, mut s) = store();
    s.defer_search_index().unwrap();
    let body = "lorem ipsum dolor sit amet ".repeat(400);
    let ids: Vec<String> = (0..3000).map(|i| format!("bulk{i}@m")).collect();
    for chunk in ids.chunks(500) {
        let mails: Vec<Mail> = chunk
            .iter()
            .map(|id| Mail::default().body(&body).id(id))
            .collect();
        assert_eq!(ingest(&mut s, &mails), 500);
    }
    let db = rusqlite::Connection::open(s.path()).unwrap();
    let log = || -> (i64, i64) {
        db.query_row("PRAGMA wal_checkpoint(NOOP)", [], |r| {
            Ok((r.get(1)?, r.get(2)?))
        })
        .unwrap()
    };
    let start = std::time::Instant::now();
    loop {
        let (pages, copied) = log();
        if pages > 0 && copied == pages {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "the log was not copied in the background: {copied} of {pages} pages"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(s.complete_search_index().unwrap());
    assert_eq!(s.search_messages("lorem", 5000).unwrap().len(), 3000);
}

/// A first load indexes in steps while it downloads: what was caught up is searchable at
/// once, rows deleted or stored meanwhile keep the index sound, and a v6 deferral (which
/// indexed nothing) completes by a rebuild.
#[test]
fn a_deferred_search_index_catches_up_in_steps_and_stays_sound() {
    let (_d, mut s) = store();
    let mail = |body, id| Mail::default().body(body).id(id);
    ingest(&mut s, &[mail("indexed kotlin row by row", "a@m")]);
    s.defer_search_index().unwrap();
    ingest(
        &mut s,
        &[mail("bulk haskell", "b@m"), mail("bulk ocaml", "c@m")],
    );
    assert_eq!(s.search_messages("haskell", 10).unwrap().len(), 0);
    assert_eq!(s.catch_up_search_index().unwrap(), 2);
    assert!(s.search_index_deferred().unwrap());
    assert_eq!(s.search_messages("haskell", 10).unwrap().len(), 1);
    assert_eq!(s.catch_up_search_index().unwrap(), 0);

    // Another session deletes a caught-up row and the newest one, then a new row takes the
    // freed id (rowids are reused): the index follows all three.
    ingest(&mut s, &[mail("bulk erlang", "d@m")]);
    let db = rusqlite::Connection::open(s.path()).unwrap();
    db.execute_batch(
        "DELETE FROM messages WHERE message_id IN ('b@m', 'd@m');
         DELETE FROM messages WHERE message_id = 'c@m';",
    )
    .unwrap();
    ingest(&mut s, &[mail("bulk fortran", "e@m")]);
    assert_eq!(s.search_messages("haskell", 10).unwrap().len(), 0);
    assert!(s.complete_search_index().unwrap());
    assert!(!s.search_index_deferred().unwrap());
    for (word, hits) in [
        ("kotlin", 1),
        ("haskell", 0),
        ("ocaml", 0),
        ("erlang", 0),
        ("fortran", 1),
    ] {
        assert_eq!(s.search_messages(word, 10).unwrap().len(), hits, "{word}");
    }
    let check = "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)";
    db.execute_batch(check).unwrap();

    // A load a v6 binary deferred and never finished: completed by a rebuild.
    s.set_meta("search_index_deferred", "1700000000").unwrap();
    ingest(&mut s, &[mail("legacy cobol", "f@m")]);
    assert!(s.search_index_deferred().unwrap());
    assert_eq!(s.search_messages("cobol", 10).unwrap().len(), 0);
    assert!(s.complete_search_index().unwrap());
    assert_eq!(s.search_messages("cobol", 10).unwrap().len(), 1);
    assert_eq!(s.search_messages("fortran", 10).unwrap().len(), 1);
    db.execute_batch(check).unwrap();
}

#[test]
fn erasing_someone_while_the_search_index_is_deferred_leaves_no_words_of_theirs() {
    let (_d, mut s) = store();
    s.defer_search_index().unwrap();
    ingest(
        &mut s,
        &[
            Mail::default()
                .from("Max <max@mail.example>")
                .body("my secret zanzibar plans")
                .id("max@m"),
            Mail::default()
                .body("jane writes about zanzibar too")
                .id("jane@m"),
        ],
    );
    let max = s.candidate_by_address("max@mail.example").unwrap().unwrap();
    s.erase(max, "test", "").unwrap();
    assert!(!s.search_index_deferred().unwrap());
    let hits = s.search_messages("zanzibar", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].excerpt.contains("jane"));
}

// ---------------------------------------------------------------------------------------------
// The fixture corpus of tests/fixtures/mail in one store
// ---------------------------------------------------------------------------------------------

/// The arrival time the fixtures are stored with (2026-12-01).
const FIXTURE_ARRIVAL: i64 = 1_795_996_800;

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Ingests one fixture as it arrived on [`FIXTURE_ARRIVAL`].
fn ingest_fixture(s: &mut Store, bytes: &[u8]) -> rapport_core::store::BatchOutcome {
    ingest_batch(
        s,
        vec![RawMessage {
            bytes: bytes.to_vec(),
            location: None,
            received_at: FIXTURE_ARRIVAL,
            parts: None,
        }],
    )
    .unwrap()
}

#[test]
fn no_two_distinct_fixtures_fold_together() {
    let (_d, mut s) = store();
    let mut folded = Vec::new();
    let files = fixture_files();
    for (name, bytes) in &files {
        let out = ingest_fixture(&mut s, bytes);
        assert_eq!(out.inserted + out.duplicates, 1, "{name}: {out:?}");
        if out.duplicates == 1 {
            folded.push(name.as_str());
        }
    }
    // Only true copies fold: the same Message-ID, sender, date, subject and text. RFC 5322's
    // A.3 is A.1.1 resent, and A.6.1 and A.6.3 write A.1.2 and A.1.1 in obsolete syntax.
    assert_eq!(
        folded,
        [
            "06-rfc5322-a3-resent.eml",
            "09-rfc5322-a6.1-obsolete-addressing.eml",
            "11-rfc5322-a6.3-obsolete-white-space.eml",
        ]
    );
    assert_eq!(
        s.status().unwrap().messages as usize,
        files.len() - folded.len()
    );
    // Storing the corpus again folds everything and stores nothing.
    let again: Vec<RawMessage> = files
        .iter()
        .map(|(_, b)| RawMessage {
            bytes: b.clone(),
            location: None,
            received_at: FIXTURE_ARRIVAL,
            parts: None,
        })
        .collect();
    let out = ingest_batch(&mut s, again).unwrap();
    assert_eq!((out.inserted, out.duplicates), (0, files.len()));
}

#[test]
fn a_message_without_a_sender_is_stored_and_found_by_search() {
    let (_d, mut s) = store();
    let files = fixture_files();
    let (_, bytes) = files
        .iter()
        .find(|(n, _)| n.ends_with("no-sender.eml"))
        .unwrap();
    let out = ingest_fixture(&mut s, bytes);
    assert_eq!(out.inserted, 1);
    let hits = s.search_messages("zebra", 10).unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].subject, "Nobody sent this");
    // It has a place in the inbox, "(no sender)", that opens like any conversation.
    let c = hits[0]
        .candidate_id
        .expect("a place for mail without a sender");
    let p = s.profile(c).unwrap().unwrap();
    assert_eq!(p.name, "(no sender)");
    assert!(p.addresses.is_empty());
    let all = rapport_core::store::InboxQuery {
        keep: None,
        filter: rapport_core::store::InboxFilter::All,
        search: None,
        assignee: Default::default(),
    };
    let rows = s.inbox_page(&all, 0, 10).unwrap();
    assert!(rows.iter().any(|r| r.id == c), "{rows:?}");
    // Nobody can answer it: it does not wait for a reply.
    assert_eq!(p.waiting_since, None);
}

#[test]
fn an_implausible_date_gives_way_to_the_arrival_time() {
    let (_d, mut s) = store();
    let files = fixture_files();
    let raws: Vec<RawMessage> = files
        .iter()
        .filter(|(n, _)| n.contains("date-year-1") || n.contains("date-far-future"))
        .map(|(_, b)| RawMessage {
            bytes: b.clone(),
            location: None,
            received_at: FIXTURE_ARRIVAL,
            parts: None,
        })
        .collect();
    assert_eq!(raws.len(), 2);
    ingest_batch(&mut s, raws).unwrap();
    for (addr, word) in [("fay@example.test", "past"), ("gus@example.test", "future")] {
        let hits = s.search_messages(word, 10).unwrap();
        assert_eq!(hits.len(), 1, "{word}");
        assert_eq!(hits[0].date, FIXTURE_ARRIVAL, "{addr}");
        let c = s.candidate_by_address(addr).unwrap().unwrap();
        let conv = s.conversation(c, 10).unwrap();
        assert_eq!(conv.messages.len(), 1);
    }
}

/// Issue 15: the same large message read in part (sizes estimated from BODYSTRUCTURE, off by
/// up to about 3%) and read whole (an import) is stored once; a message that differs in more
/// than its sizes is not folded into it.
#[test]
fn a_message_read_in_part_and_whole_is_stored_once_despite_size_estimates() {
    use rapport_core::model::Attachment;
    use rapport_core::store::{Incoming, Prepared};
    let (_d, mut s) = store();
    let raw = b"From: Ann <ann@x.example>\r\nTo: team@x.example\r\nSubject: CV\r\n\
Message-ID: <cv1@x.example>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nMy CV.\r\n";
    let item = |size: u64, body: &str| {
        let mut p = rapport_core::mail_in::parse::parse_message(raw);
        p.body = body.into();
        p.attachments = vec![Attachment {
            name: "cv.pdf".into(),
            mime: "application/pdf".into(),
            size,
        }];
        // Another hash, as a message read another way gets.
        p.content_hash = format!("{size:064x}{}", body.len());
        Incoming {
            prepared: Prepared::of(&p, &Default::default()),
            parsed: p,
            raw: raw.to_vec(),
            location: None,
            received_at: 0,
            from_outbox: false,
        }
    };
    let first = s.write_batch(&[item(600_000, "My CV.")]).unwrap();
    assert_eq!(first.inserted, 1);
    // Estimated 2.6% low: the same message.
    let again = s.write_batch(&[item(584_400, "My CV.")]).unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 1));
    // Same id and sizes, other text: a different message, kept.
    let other = s.write_batch(&[item(584_400, "Another text.")]).unwrap();
    assert_eq!(other.inserted, 1);
}
