//! "Done, no reply needed", waits closed by an opt-out of all contact, and the one rule for
//! who is waiting: the inbox, the Reports view, `rapport waiting` and the profile list the same
//! people. Bulk actions on marked candidates, in the TUI and on the command line.
//!
//! Times are relative to the clock the store and the binary share: `RAPPORT_NOW` is not set
//! here, so the test and the binary it runs read the same one.

mod common;

use common::message::Mail;
use rapport::ui::action::Bound;
use rapport_core::actions::{Acting, done, optout, teamwork};
use rapport_core::consent::policy::Conflict;
use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
use rapport_core::mail_out::outbox::{Outgoing, SendError, enqueue};
use rapport_core::model::{Channel, ContactEntry, Direction, Frequency, Outcome, Preferences};
use rapport_core::responses::timeline::{TimelineItem, timeline};
use rapport_core::store::{ChangeMeta, InboxFilter, InboxQuery, Store, TeamMember, now, schema};
use rapport_core::values::{ChangeSource, OptOutScope};
use serde_json::Value;
use std::path::Path;

const TEAM: &str = "talent@team.example";
const DAY: i64 = 86_400;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_in(dir.path()).unwrap();
    s.set_team(&[TeamMember {
        address: TEAM.into(),
        name: "Team".into(),
        shared: true,
    }])
    .unwrap();
    (dir, s)
}

fn message(from: &str, id: &str, ago: i64) -> RawMessage {
    let t = now() - ago;
    RawMessage {
        bytes: Mail::new(from, TEAM, id, t)
            .subject("A role?")
            .body("Any news about the role?")
            .raw(),
        location: None,
        received_at: t,
        parts: None,
    }
}

/// `address` writes to the team `ago` seconds before now; returns their candidate.
fn writes(s: &mut Store, address: &str, ago: i64) -> i64 {
    let id = format!("{}-{}@x.example", address, now() - ago);
    ingest_batch(s, vec![message(address, &id, ago)]).unwrap();
    s.candidate_by_address(address).unwrap().unwrap()
}

fn awaiting() -> InboxQuery {
    InboxQuery {
        keep: None,
        filter: InboxFilter::Awaiting,
        search: None,
        assignee: Default::default(),
    }
}

fn inbox(s: &Store) -> Vec<i64> {
    let q = awaiting();
    let n = s.inbox_count(&q).unwrap();
    s.inbox_page(&q, 0, n)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

fn audit(path: &Path, action: &str) -> usize {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row(
        "SELECT count(*) FROM audit_log WHERE action = ?1",
        [action],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as usize
}

/// The binary on `dir`, at the same clock as the test (no configuration).
fn rapport(dir: &Path, args: &[&str]) -> std::process::Output {
    common::binary()
        .args(args)
        .env("RAPPORT_DATA_DIR", dir)
        .env("RAPPORT_CONFIG", dir.join("no-config.toml"))
        .env_remove(rapport_core::clock::ENV)
        .output()
        .unwrap()
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

#[test]
fn the_inbox_the_reports_rapport_waiting_and_the_profile_list_the_same_people() {
    let (dir, mut s) = store();
    let who = Acting::now("Alice");
    // Ten days: over the target in any working week.
    let nora = writes(&mut s, "nora@x.example", 10 * DAY);
    let emil = writes(&mut s, "emil@x.example", 9 * DAY);
    let sam = writes(&mut s, "sam@x.example", 10 * DAY);
    let olga = writes(&mut s, "olga@x.example", 10 * DAY);
    let dan = writes(&mut s, "dan@x.example", 10 * DAY);
    let erin = writes(&mut s, "erin@x.example", 10 * DAY);
    teamwork::snooze(&mut s, sam, Some(now() + 30 * DAY), &who).unwrap();
    optout::record(
        &mut s,
        olga,
        OptOutScope::All,
        "no more contact, said on the phone",
        optout::Source::CallNote,
        &who,
    )
    .unwrap();
    // Out of email only: she may still be answered by phone, so she still waits.
    optout::record(
        &mut s,
        emil,
        OptOutScope::Channel(Channel::Email),
        "calls only",
        optout::Source::CallNote,
        &who,
    )
    .unwrap();
    done::done(&mut s, dan, Some("just said thanks"), &who).unwrap();
    s.erase(erin, "Alice", "").unwrap();
    // Longest wait first.
    let expected = vec![nora, emil];

    assert_eq!(inbox(&s), expected, "the inbox's Awaiting reply");
    let profiles: Vec<i64> = [nora, emil, sam, olga, dan]
        .into_iter()
        .filter(|&c| s.profile(c).unwrap().unwrap().waiting_since.is_some())
        .collect();
    assert_eq!(profiles, expected, "the profiles that say they wait");
    assert_eq!(s.status().unwrap().awaiting_reply, 2, "rapport status");
    let opted = s.profile(olga).unwrap().unwrap();
    assert_eq!(
        opted.next_contact,
        Some(-2),
        "opted out of everything: never"
    );

    let addresses = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|w| w["address"].as_str().unwrap().to_string())
            .collect()
    };
    let want = vec!["nora@x.example".to_string(), "emil@x.example".to_string()];
    let waiting: Value = serde_json::from_str(&ok(dir.path(), &["waiting", "--json"])).unwrap();
    assert_eq!(addresses(&waiting), want, "rapport waiting");
    let listed: Value =
        serde_json::from_str(&ok(dir.path(), &["candidates", "--awaiting", "--json"])).unwrap();
    assert_eq!(addresses(&listed), want, "rapport candidates --awaiting");

    // The TUI: the inbox as it opens, then the Reports view's waiting list.
    let mut st = common::state_over(s, 80, 24);
    st.now = now();
    let rows: Vec<i64> = st.rows.iter().map(|r| r.id).collect();
    assert_eq!(rows, expected, "the TUI inbox");
    common::key(&mut st, Bound::Reports);
    let view = st.reports.as_deref().unwrap();
    let report = view.report.as_ref().unwrap();
    let listed: Vec<i64> = report.waiting.iter().map(|w| w.candidate_id).collect();
    assert_eq!(listed, expected, "the Reports view's waiting now");
    let over: Vec<i64> = view.sla.iter().map(|w| w.candidate_id).collect();
    assert_eq!(over, expected, "over the target");
    // Closed without a reply: counted apart, not as replies.
    assert_eq!(report.total.closed_done, 1);
    assert_eq!(report.total.closed_opted_out, 1);
    assert_eq!(report.total.reply.count, 0);
}

#[test]
fn done_is_recorded_credited_shown_and_counted_apart_and_their_next_message_waits_again() {
    let (dir, mut s) = store();
    let jane = writes(&mut s, "jane@x.example", 3 * DAY);
    let omar = writes(&mut s, "omar@x.example", 2 * DAY);
    drop(s);
    let out = ok(
        dir.path(),
        &[
            "done",
            "jane@x.example",
            "omar@x.example",
            "--note",
            "thanked us; nothing to answer",
        ],
    );
    assert!(
        out.contains("jane@x.example: done, no reply needed")
            && out.contains("omar@x.example: done, no reply needed"),
        "{out}"
    );
    let mut s = Store::open_in(dir.path()).unwrap();
    assert!(inbox(&s).is_empty());
    assert_eq!(audit(s.path(), "done"), 2, "one audit entry each");
    // In the timeline, with who and why.
    let conv = s.conversation(jane, 100).unwrap();
    let marks: Vec<_> = timeline(&conv)
        .into_iter()
        .filter_map(|i| match i {
            TimelineItem::Done(d) => Some(d.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].note, "thanked us; nothing to answer");
    let shown = ok(dir.path(), &["show", "jane@x.example"]);
    assert!(
        shown.contains("done, no reply needed") && shown.contains("thanked us"),
        "{shown}"
    );
    // Counted apart in the report: done, not replies.
    let rows: Value = serde_json::from_str(&ok(
        dir.path(),
        &["report", "--since", "30d", "--format", "json"],
    ))
    .unwrap();
    let all = rows.as_array().unwrap().last().unwrap();
    assert_eq!(all["group"], "all");
    assert_eq!(all["closed_done_count"], 2);
    assert_eq!(all["reply_count"], 0);
    let table = ok(dir.path(), &["report", "--since", "30d"]);
    assert!(
        table.contains("closed without a reply: 2 as done"),
        "{table}"
    );
    // Nothing waits now, so a second mark is refused, and says why.
    let o = rapport(dir.path(), &["done", "jane@x.example"]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("not waiting for a reply"), "{e}");
    // Her next message (a minute after the mark) opens a new wait as usual.
    ingest_batch(
        &mut s,
        vec![message("jane@x.example", "again@x.example", -60)],
    )
    .unwrap();
    assert_eq!(inbox(&s), vec![jane]);
    assert!(!inbox(&s).contains(&omar));
}

#[test]
fn an_opt_out_of_all_contact_closes_the_wait_when_it_is_recorded() {
    let (_dir, mut s) = store();
    let who = Acting::now("Bilal");
    let ines = writes(&mut s, "ines@x.example", 2 * DAY);
    assert_eq!(inbox(&s), vec![ines]);
    optout::record(
        &mut s,
        ines,
        OptOutScope::All,
        "asked us to stop",
        optout::Source::CallNote,
        &who,
    )
    .unwrap();
    assert!(inbox(&s).is_empty());
    let w = s.all_waits().unwrap();
    assert_eq!(w[0].ended_by.as_deref(), Some("opted-out"));
    assert_eq!(w[0].responder.as_deref(), Some("Bilal"));
    let row = s
        .inbox_page(
            &InboxQuery {
                filter: InboxFilter::All,
                ..awaiting()
            },
            0,
            10,
        )
        .unwrap()
        .remove(0);
    assert_eq!(row.next_contact, Some(-2), "the list says never");
    // The maintained rows are what a full recomputation gives.
    let kept = s.all_waits().unwrap();
    s.recompute_all_waits().unwrap();
    assert_eq!(s.all_waits().unwrap(), kept);
}

fn weekly(s: &mut Store, c: i64) {
    let meta = ChangeMeta {
        actor: "Alice".into(),
        at: now() - 30 * DAY,
        source: ChangeSource::Candidate,
        source_message_id: None,
        legal_basis: None,
        note: String::new(),
    };
    let p = Preferences {
        channels: vec![Channel::Email, Channel::Phone],
        frequency: Some(Frequency::Weekly),
        ..Default::default()
    };
    s.set_preferences(c, &p, &meta).unwrap();
}

fn to(c: i64, address: &str, mid: &str) -> Outgoing {
    Outgoing {
        candidate_id: Some(c),
        from: TEAM.into(),
        to: vec![address.into()],
        message_id: mid.into(),
        raw: format!(
            "From: {TEAM}\r\nTo: {address}\r\nSubject: Roles\r\nMessage-ID: <{mid}>\r\n\r\nNew roles\r\n"
        )
        .into_bytes(),
        topics: vec![],
        created_by: "Alice".into(),
        opened_at: None,
    }
}

fn too_soon(e: Result<i64, SendError>) -> bool {
    matches!(e, Err(SendError::NeedsConfirmation(c)) if c.iter().any(|c| matches!(c, Conflict::TooSoon { .. })))
}

#[test]
fn the_frequency_counts_queued_mail_and_logged_contacts() {
    let (_dir, mut s) = store();
    // Fay wrote three weeks ago and wants mail weekly at most.
    let fay = writes(&mut s, "fay@x.example", 21 * DAY);
    weekly(&mut s, fay);
    let t = now();
    enqueue(&mut s, &to(fay, "fay@x.example", "q1@team"), None, t).unwrap();
    let p = s.profile(fay).unwrap().unwrap();
    let next = p.next_contact.expect("a date");
    assert!(
        next >= t + 7 * DAY - 5 && next <= t + 7 * DAY + 60,
        "{next}"
    );
    assert!(p.waiting_since.is_some(), "queued mail answers nothing yet");
    assert!(
        too_soon(enqueue(
            &mut s,
            &to(fay, "fay@x.example", "q2@team"),
            None,
            t
        )),
        "a second message the same day is too soon"
    );

    // Gus: no mail from us, but a call logged yesterday.
    let gus = writes(&mut s, "gus@x.example", 21 * DAY);
    weekly(&mut s, gus);
    s.log_contact(
        gus,
        &ContactEntry {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            outcome: Outcome::Voicemail,
            at: t - DAY,
            note: "left a message".into(),
            recorded_by: "Alice".into(),
        },
    )
    .unwrap();
    assert_eq!(
        s.profile(gus).unwrap().unwrap().next_contact,
        Some(t - DAY + 7 * DAY)
    );
    assert!(too_soon(enqueue(
        &mut s,
        &to(gus, "gus@x.example", "g1@team"),
        None,
        t
    )));
}

/// Upgrading a database whose candidate opted out of everything while waiting closes that
/// wait: they leave "Awaiting reply". One who opted out and wrote again still waits.
#[test]
fn upgrading_closes_the_waits_of_those_who_opted_out_of_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.db");
    let t = now() - 10 * DAY;
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        schema::migrations().to_version(&mut conn, 10).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO threads(id, subject) VALUES (1, 'Role');
             INSERT INTO candidates(id, name, created_at, waiting_since, inbox_rank, last_message_at)
               VALUES (1, 'Olga', {t}, {t}, {t}, {t}), (2, 'Paul', {t}, {late}, {late}, {late});
             INSERT INTO candidate_addresses(address, candidate_id, first_seen)
               VALUES ('olga@x.example', 1, {t}), ('paul@x.example', 2, {t});
             INSERT INTO messages(id, message_id, dedup_key, content_hash, thread_id, candidate_id,
                 direction, subject, date, ingested_at, body)
               VALUES (1, 'o@x', 'o@x', 'h1', 1, 1, 'inbound', 'Role', {t}, {t}, 'Hi'),
                      (2, 'p@x', 'p@x', 'h2', 1, 2, 'inbound', 'Role', {late}, {late}, 'Hi again');
             INSERT INTO waits(candidate_id, started_at, start_message, first)
               VALUES (1, {t}, 1, 1), (2, {late}, 2, 1);
             INSERT INTO opt_outs(candidate_id, scope, reason, source, recorded_by, at)
               VALUES (1, 'all', 'stop', 'call-note', 'Bilal', {stop}),
                      (2, 'all', 'stop', 'call-note', 'Bilal', {t});",
            late = t + DAY,
            stop = t + 3600,
        ))
        .unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema::LATEST);
    assert_eq!(inbox(&s), vec![2], "only Paul, who wrote after opting out");
    let w = s.all_waits().unwrap();
    assert_eq!(
        (
            w[0].ended_at,
            w[0].ended_by.as_deref(),
            w[0].responder.as_deref()
        ),
        (Some(t + 3600), Some("opted-out"), Some("Bilal"))
    );
    assert_eq!(w[1].ended_at, None);
    assert_eq!(s.profile(1).unwrap().unwrap().next_contact, Some(-2));
}

#[test]
fn fifty_candidates_assigned_in_one_action_give_fifty_audit_entries() {
    let (_dir, mut s) = store();
    let batch = (0..50)
        .map(|i| {
            message(
                &format!("c{i}@x.example"),
                &format!("m{i}@x.example"),
                DAY + i,
            )
        })
        .collect();
    ingest_batch(&mut s, batch).unwrap();
    let path = s.path().to_owned();
    let mut st = common::state_over(s, 80, 24);
    assert_eq!(st.total, 50);
    common::key(&mut st, Bound::MarkAll);
    assert_eq!(st.marked.len(), 50);
    common::key(&mut st, Bound::Assign);
    // "me" is offered first.
    common::key(&mut st, Bound::Submit);
    assert_eq!(
        st.notice.as_deref(),
        Some("assigned 50 candidates to recruiter")
    );
    assert_eq!(audit(&path, "assign"), 50, "one audit entry each");
    assert!(st.marked.is_empty(), "the marks go once done");
    let q = InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: None,
        assignee: rapport_core::store::AssigneeFilter::Mine("recruiter".into()),
    };
    assert_eq!(st.store.inbox_count(&q).unwrap(), 50);
}

#[test]
fn several_candidates_on_the_command_line() {
    let (dir, mut s) = store();
    writes(&mut s, "ada@x.example", 2 * DAY);
    writes(&mut s, "bo@x.example", DAY);
    drop(s);
    let d = dir.path();
    let out = ok(d, &["assign", "ada@x.example", "bo@x.example", "me"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    let out = ok(
        d,
        &["note", "ada@x.example", "bo@x.example", "met at the meetup"],
    );
    assert!(
        out.lines().all(|l| l.contains("(internal, never sent)")),
        "{out}"
    );
    ok(d, &["snooze", "ada@x.example", "bo@x.example", "3d"]);
    let s = Store::open_in(d).unwrap();
    assert!(inbox(&s).is_empty(), "both snoozed");
    for action in ["assign", "note", "snooze"] {
        assert_eq!(audit(s.path(), action), 2, "{action}");
    }
    // An unknown address changes nothing, for anyone.
    let o = rapport(
        d,
        &["snooze", "ada@x.example", "nobody@x.example", "--none"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("nobody@x.example"));
    assert_eq!(audit(s.path(), "unsnooze"), 0);
    // Without the recruiter, the usage says what is missing.
    let o = rapport(d, &["assign", "ada@x.example"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("rapport assign EMAIL... USER"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
