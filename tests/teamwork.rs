//! Several recruiters on one data dir, at the store level: assignment and the "whose" filter,
//! snooze (and coming back from it), internal notes (timeline, export, erase), presence across
//! two handles, and the colleague collision check when queuing a reply.

mod common;

use rapport_core::consent::policy::Conflict;
use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
use rapport_core::mail_out::outbox::{Confirmation, Outgoing, SendError, enqueue};
use rapport_core::model::{Channel, ContactEntry, Direction, Outcome};
use rapport_core::responses::timeline::{TimelineItem, timeline};
use rapport_core::store::{
    Activity, AssigneeFilter, InboxFilter, InboxQuery, Presence, STALE_AFTER, Store, TeamMember,
    now,
};

const TEAM: &str = "talent@team.example";
const HOUR: i64 = 3600;

fn store_at(dir: &std::path::Path) -> Store {
    Store::open_in(dir).unwrap()
}

fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store_at(dir.path());
    s.set_team(&[TeamMember {
        address: TEAM.into(),
        name: "Team".into(),
        shared: true,
    }])
    .unwrap();
    (dir, s)
}

fn mail(s: &mut Store, from: &str, to: &str, id: &str, date: i64, subject: &str, body: &str) {
    let raw = common::message::Mail::new(from, to, id, date)
        .subject(subject)
        .body(body)
        .raw();
    let out = ingest_batch(
        s,
        vec![RawMessage {
            bytes: raw,
            location: None,
            received_at: date,
            parts: None,
        }],
    )
    .unwrap();
    assert_eq!(out.inserted, 1);
}

/// Two candidates who wrote and wait for a reply: (jane, omar).
fn two_waiting(s: &mut Store) -> (i64, i64) {
    let t = now();
    mail(
        s,
        "Jane <jane@x.example>",
        TEAM,
        "j1@x",
        t - 5 * HOUR,
        "Job?",
        "Any roles?",
    );
    mail(
        s,
        "Omar <omar@y.example>",
        TEAM,
        "o1@y",
        t - 4 * HOUR,
        "Hi",
        "Hello there",
    );
    (
        s.candidate_by_address("jane@x.example").unwrap().unwrap(),
        s.candidate_by_address("omar@y.example").unwrap().unwrap(),
    )
}

fn q(filter: InboxFilter, assignee: AssigneeFilter) -> InboxQuery {
    InboxQuery {
        keep: None,
        filter,
        search: None,
        assignee,
    }
}

fn ids(s: &Store, query: &InboxQuery) -> Vec<i64> {
    s.inbox_page(query, 0, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn audit(s: &Store, action: &str) -> Vec<(String, Option<i64>, String)> {
    let c = rusqlite::Connection::open(s.path()).unwrap();
    let mut st = c
        .prepare("SELECT actor, candidate_id, detail FROM audit_log WHERE action = ?1 ORDER BY id")
        .unwrap();
    st.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn assignment_filters_mine_and_unassigned_and_is_audited() {
    let (_d, mut s) = setup();
    let (jane, omar) = two_waiting(&mut s);
    s.assign(jane, Some("Alice"), "Bob").unwrap();
    let mine = AssigneeFilter::Mine("Alice".into());
    assert_eq!(ids(&s, &q(InboxFilter::All, mine.clone())), vec![jane]);
    assert_eq!(
        s.inbox_count(&q(InboxFilter::Awaiting, mine.clone()))
            .unwrap(),
        1
    );
    assert_eq!(
        ids(&s, &q(InboxFilter::All, AssigneeFilter::Unassigned)),
        vec![omar]
    );
    assert_eq!(
        ids(&s, &q(InboxFilter::All, AssigneeFilter::Mine("Bob".into()))),
        Vec::<i64>::new()
    );
    // The row says who owns it; reassigning and unassigning are audited with the actor.
    let row = &s
        .inbox_page(&q(InboxFilter::All, mine.clone()), 0, 1)
        .unwrap()[0];
    assert_eq!(row.assigned_to.as_deref(), Some("Alice"));
    s.assign(jane, Some("Carol"), "Alice").unwrap();
    s.assign(jane, None, "Carol").unwrap();
    assert_eq!(s.assignment(jane).unwrap(), None);
    assert_eq!(
        audit(&s, "assign"),
        vec![
            ("Bob".into(), Some(jane), "Alice".into()),
            ("Alice".into(), Some(jane), "Alice → Carol".into())
        ]
    );
    assert_eq!(
        audit(&s, "unassign"),
        vec![("Carol".into(), Some(jane), "Carol".into())]
    );
    // A search combines with the filter (parameters numbered after the search's).
    s.assign(omar, Some("Alice"), "Alice").unwrap();
    let searched = InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: Some(
            "hello"
                .parse::<rapport_core::query::Query>()
                .unwrap()
                .into(),
        ),
        assignee: mine,
    };
    assert_eq!(ids(&s, &searched), vec![omar]);
    assert!(s.assign(9999, Some("Alice"), "Bob").is_err());
}

#[test]
fn snooze_hides_from_awaiting_until_it_ends_then_marks_the_return() {
    let (_d, mut s) = setup();
    let (jane, omar) = two_waiting(&mut s);
    let awaiting = q(InboxFilter::Awaiting, AssigneeFilter::Anyone);
    let t = now();
    s.snooze(jane, Some(t + 3 * 86_400), "Alice", t).unwrap();
    assert_eq!(
        ids(&s, &awaiting),
        vec![omar],
        "snoozed: out of awaiting reply"
    );
    assert_eq!(s.status().unwrap().awaiting_reply, 1);
    // Still listed under All, marked as snoozed.
    let all = s
        .inbox_page(&q(InboxFilter::All, AssigneeFilter::Anyone), 0, 10)
        .unwrap();
    let row = all.iter().find(|r| r.id == jane).unwrap();
    assert_eq!(row.snoozed_until, Some(t + 3 * 86_400));
    assert!(!row.back_from_snooze);
    assert_eq!(audit(&s, "snooze")[0].0, "Alice");

    // A snooze whose time has passed (set two hours ago, until an hour ago): back in the
    // list, with the marker, in its waiting order.
    s.snooze(jane, Some(t - HOUR), "Alice", t - 2 * HOUR)
        .unwrap();
    let rows = s.inbox_page(&awaiting, 0, 10).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![jane, omar]
    );
    assert!(rows[0].back_from_snooze && rows[0].snoozed_until.is_none());
    assert!(!rows[1].back_from_snooze);

    // Our reply ends the wait, and the marker goes with it.
    let reply = format!(
        "From: {TEAM}\r\nTo: jane@x.example\r\nSubject: Re: Job?\r\nMessage-ID: <r1@team>\r\nDate: {}\r\n\r\nYes\r\n",
        jiff::Timestamp::from_second(t - 60)
            .unwrap()
            .strftime("%a, %d %b %Y %H:%M:%S +0000")
    );
    ingest_batch(
        &mut s,
        vec![RawMessage {
            bytes: reply.into_bytes(),
            location: None,
            received_at: t,
            parts: None,
        }],
    )
    .unwrap();
    let all = s
        .inbox_page(&q(InboxFilter::All, AssigneeFilter::Anyone), 0, 10)
        .unwrap();
    assert!(!all.iter().find(|r| r.id == jane).unwrap().back_from_snooze);

    // Ending a snooze by hand is audited too.
    s.snooze(omar, Some(t + HOUR), "Bob", t).unwrap();
    s.snooze(omar, None, "Bob", t).unwrap();
    assert_eq!(ids(&s, &awaiting), vec![omar]);
    assert_eq!(
        audit(&s, "unsnooze"),
        vec![("Bob".into(), Some(omar), String::new())]
    );
}

#[test]
fn new_mail_from_a_snoozed_candidate_ends_the_snooze_early() {
    let (_d, mut s) = setup();
    let (jane, _) = two_waiting(&mut s);
    let t = now();
    s.snooze(jane, Some(t + 7 * 86_400), "Alice", t - HOUR)
        .unwrap();
    let awaiting = q(InboxFilter::Awaiting, AssigneeFilter::Anyone);
    assert!(!ids(&s, &awaiting).contains(&jane));
    mail(
        &mut s,
        "Jane <jane@x.example>",
        TEAM,
        "j2@x",
        t - 60,
        "Job?",
        "Still there?",
    );
    let rows = s.inbox_page(&awaiting, 0, 10).unwrap();
    let row = rows
        .iter()
        .find(|r| r.id == jane)
        .expect("back when she writes");
    assert!(row.back_from_snooze);
}

#[test]
fn notes_join_the_timeline_the_export_and_go_with_an_erase() {
    let (_d, mut s) = setup();
    let (jane, _) = two_waiting(&mut s);
    let t = now();
    s.add_note(
        jane,
        "Alice",
        &"Prefers calls after 5pm.\nSalary: see call"
            .parse()
            .unwrap(),
        t - 4 * HOUR,
    )
    .unwrap();
    assert!(
        "  \n ".parse::<rapport_core::values::NoteText>().is_err(),
        "empty notes are refused"
    );
    let conv = s.conversation(jane, 100).unwrap();
    let items = timeline(&conv);
    // Her mail (5 h ago), then the note (4 h ago), attributed.
    assert!(matches!(items[0], TimelineItem::Message { .. }));
    match &items[1] {
        TimelineItem::Note(n) => {
            assert_eq!(n.author, "Alice");
            assert!(n.text.contains("after 5pm.\nSalary"), "{:?}", n.text);
        }
        other => panic!("expected the note, got {other:?}"),
    }
    assert_eq!(audit(&s, "note").len(), 1);
    assert!(
        !audit(&s, "note")[0].2.contains("5pm"),
        "the audit does not copy the text"
    );
    let export = s.export(jane).unwrap().to_string();
    assert!(export.contains("Prefers calls after 5pm"), "{export}");
    s.assign(jane, Some("Alice"), "Alice").unwrap();
    s.snooze(jane, Some(t + HOUR), "Alice", t).unwrap();
    s.erase(jane, "Alice", "").unwrap();
    let c = rusqlite::Connection::open(s.path()).unwrap();
    for table in ["notes", "assignments", "snoozes"] {
        let n: i64 = c
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} kept rows of an erased person");
    }
}

fn presence(session: &str, name: &str, c: Option<i64>, a: Activity, at: i64) -> Presence {
    Presence {
        session: session.into(),
        user: name.to_lowercase(),
        name: name.into(),
        candidate_id: c,
        activity: a,
        since: at,
        heartbeat_at: at,
    }
}

#[test]
fn presence_is_seen_from_another_handle_and_goes_stale() {
    let (d, mut s) = setup();
    let (jane, omar) = two_waiting(&mut s);
    let mut other = store_at(d.path());
    let t = now();
    s.set_presence(&presence(
        "1@box",
        "Alice",
        Some(jane),
        Activity::Replying,
        t,
    ))
    .unwrap();
    other
        .set_presence(&presence("2@box", "Bob", Some(omar), Activity::Viewing, t))
        .unwrap();
    // Each sees the other, not itself.
    let seen = other.presence_of_others("2@box", t).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].describe(), "Alice is replying");
    assert_eq!(seen[0].candidate_id, Some(jane));
    assert_eq!(
        s.presence_of_others("1@box", t).unwrap()[0].describe(),
        "Bob is viewing"
    );
    // Without a heartbeat for STALE_AFTER seconds a session is gone.
    assert!(
        other
            .presence_of_others("2@box", t + STALE_AFTER + 1)
            .unwrap()
            .is_empty()
    );
    // Closing the candidate, then quitting.
    s.set_presence(&presence("1@box", "Alice", None, Activity::Viewing, t))
        .unwrap();
    assert!(other.presence_of_others("2@box", t).unwrap().is_empty());
    other.clear_presence("2@box").unwrap();
    assert!(s.presence_of_others("1@box", t).unwrap().is_empty());
}

fn reply(c: i64, mid: &str, by: &str, opened_at: Option<i64>) -> Outgoing {
    Outgoing {
        candidate_id: Some(c),
        from: TEAM.into(),
        to: vec!["jane@x.example".into()],
        message_id: mid.into(),
        raw: format!(
            "From: {TEAM}\r\nTo: jane@x.example\r\nSubject: Re: Job?\r\nMessage-ID: <{mid}>\r\n\r\nWe have roles for you\r\n"
        )
        .into_bytes(),
        topics: vec![],
        created_by: by.into(),
        opened_at,
    }
}

#[test]
fn a_colleagues_reply_after_opening_needs_a_confirmation_showing_it() {
    let (d, mut alice) = setup();
    let (jane, _) = two_waiting(&mut alice);
    let mut bob = store_at(d.path());
    let opened = now() - 60;
    // Alice opened Jane a minute ago; meanwhile Bob (another process) queues a reply.
    enqueue(
        &mut bob,
        &reply(jane, "bob1@team", "Bob", Some(opened)),
        None,
        now(),
    )
    .unwrap();
    let err = enqueue(
        &mut alice,
        &reply(jane, "al1@team", "Alice", Some(opened)),
        None,
        now(),
    )
    .unwrap_err();
    let SendError::NeedsConfirmation(conflicts) = err else {
        panic!("expected a confirmation, got {err:?}");
    };
    let Conflict::Colleague(a) = &conflicts[0] else {
        panic!("{conflicts:?}");
    };
    assert_eq!(
        (a.who.as_str(), a.what.as_str()),
        ("Bob", "queued a message")
    );
    assert_eq!(a.subject, "Re: Job?");
    assert!(a.snippet.contains("We have roles"), "{a:?}");
    let text = conflicts[0].to_string();
    assert!(
        text.contains("Bob queued a message") && text.contains("Re: Job?"),
        "{text}"
    );
    // A deliberate confirmation sends, and its reason is recorded with the conflict.
    let confirm = Confirmation {
        actor: "Alice".into(),
        reason: "adding the salary range".into(),
    };
    enqueue(
        &mut alice,
        &reply(jane, "al1@team", "Alice", Some(opened)),
        Some(&confirm),
        now(),
    )
    .unwrap();
    let ledger = alice.ledger(jane).unwrap();
    assert!(
        ledger
            .iter()
            .any(|e| e.note.contains("adding the salary range")),
        "{ledger:?}"
    );
    // One's own mail, mail before opening, and no opening time are no collision.
    enqueue(
        &mut bob,
        &reply(jane, "bob2@team", "Bob", Some(opened)),
        None,
        now(),
    )
    .expect_err("Alice's reply is Bob's collision now");
    enqueue(
        &mut alice,
        &reply(jane, "al2@team", "Alice", Some(now() + 5)),
        None,
        now(),
    )
    .expect("nothing happened after opening");
    enqueue(
        &mut bob,
        &reply(jane, "bob3@team", "Bob", None),
        None,
        now(),
    )
    .unwrap();
}

#[test]
fn a_colleagues_logged_call_is_a_collision_too() {
    let (d, mut alice) = setup();
    let (jane, _) = two_waiting(&mut alice);
    let mut bob = store_at(d.path());
    let opened = now() - 60;
    bob.log_contact(
        jane,
        &ContactEntry {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            outcome: Outcome::Talked,
            at: now(),
            note: "Discussed the Berlin role".into(),
            recorded_by: "Bob".into(),
        },
    )
    .unwrap();
    // A call from before the opening, logged only now, is history rather than a new answer.
    bob.log_contact(
        jane,
        &ContactEntry {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            outcome: Outcome::Voicemail,
            at: opened - HOUR,
            note: "old call".into(),
            recorded_by: "Carol".into(),
        },
    )
    .unwrap();
    let Err(SendError::NeedsConfirmation(c)) = enqueue(
        &mut alice,
        &reply(jane, "al1@team", "Alice", Some(opened)),
        None,
        now(),
    ) else {
        panic!("a call Bob logged after Alice opened Jane needs a confirmation");
    };
    assert_eq!(c.len(), 1, "{c:?}");
    let text = c[0].to_string();
    assert!(
        text.contains("Bob logged a phone contact (talked)") && text.contains("Berlin role"),
        "{text}"
    );
}

/// A recruiter withdrawing a queued message is on the record like retrying it: who, which
/// candidate and which message (it used to leave no audit entry).
#[test]
fn cancelling_queued_mail_is_audited_with_the_cancel() {
    let (_d, mut s) = setup();
    let (jane, _) = two_waiting(&mut s);
    let id = enqueue(&mut s, &reply(jane, "c1@team", "Alice", None), None, now()).unwrap();
    s.outbox_cancel(id, "Bob").unwrap();
    let o = s.outbox().unwrap();
    assert_eq!(o[0].state, rapport_core::values::OutboxState::Cancelled);
    assert_eq!(
        audit(&s, "outbox-cancel"),
        [("Bob".to_string(), Some(jane), "c1@team".to_string())]
    );
    // Jane is waiting again: the cancelled reply answers nothing.
    let p = s.profile(jane).unwrap().unwrap();
    assert!(p.waiting_since.is_some(), "{p:?}");
}
