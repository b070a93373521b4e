//! Candidate relationships through the public core API: the consent ledger, merge and undo,
//! split and rename, opting back in, contact policy enforced by the outbox, export and erasure.
//! Where a check must not trust the code under test it reads the database with its own SQL.

mod common;

use common::message::{Mail, raw};

use rapport_core::actions::queue;
use rapport_core::consent::policy::{Conflict, Refusal};
use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
use rapport_core::mail_out::outbox::{Confirmation, Outgoing, SendError, enqueue};
use rapport_core::model::{Channel, ContactEntry, Direction, Frequency, Outcome, Preferences};
use rapport_core::store::{
    ChangeMeta, EXPORTED_TABLES, InboxFilter, InboxQuery, LedgerEntry, NOT_PERSONAL, Store,
};
use rapport_core::values::{OptOutScope, OutboxState, PersonName};

const TEAM: &str = "talent@team.example";
const ALICE: &str = "alice@team.example";
const DAY: i64 = 86_400;
/// Fri, 20 Nov 2026 15:00:00 UTC.
const T0: i64 = 1_795_186_800;

fn store() -> (tempfile::TempDir, Store) {
    common::store_with_team(TEAM, ALICE)
}

/// Ingests the mails as one batch; returns the new message row ids in order.
fn ingest(s: &mut Store, mails: &[Mail]) -> Vec<i64> {
    let batch = mails
        .iter()
        .map(|m| RawMessage {
            bytes: raw(m),
            location: None,
            received_at: T0,
            parts: None,
        })
        .collect();
    let out = ingest_batch(s, batch).unwrap();
    assert_eq!(out.inserted, mails.len(), "every test mail is new");
    out.new_ids
}

/// The address in "Name <a@x>" (or the text itself).
fn bare(a: &str) -> &str {
    match (a.rfind('<'), a.rfind('>')) {
        (Some(i), Some(j)) if i < j => &a[i + 1..j],
        _ => a.trim(),
    }
}

fn cand(s: &Store, addr: &str) -> i64 {
    s.candidate_by_address(addr)
        .unwrap()
        .unwrap_or_else(|| panic!("no candidate for {addr}"))
}

fn meta(
    actor: &str,
    at: i64,
    source: &str,
    msg: Option<i64>,
    basis: Option<&str>,
    note: &str,
) -> ChangeMeta {
    ChangeMeta {
        actor: actor.into(),
        at,
        source: source.parse().unwrap(),
        source_message_id: msg,
        legal_basis: basis.map(|b| b.parse().unwrap()),
        note: note.into(),
    }
}

/// An opt-out scope from its stored text.
fn sc(scope: &str) -> OptOutScope {
    scope.parse().unwrap()
}

fn recruiter(at: i64) -> ChangeMeta {
    meta("alice", at, "recruiter", None, None, "")
}

fn contact(
    channel: Channel,
    direction: Direction,
    outcome: Outcome,
    at: i64,
    note: &str,
) -> ContactEntry {
    ContactEntry {
        channel,
        direction,
        outcome,
        at,
        note: note.into(),
        recorded_by: "alice".into(),
    }
}

fn outgoing(c: Option<i64>, to: &[&str], topics: &[&str], mid: &str) -> Outgoing {
    Outgoing {
        candidate_id: c,
        from: TEAM.into(),
        to: to.iter().map(|s| s.to_string()).collect(),
        message_id: mid.into(),
        raw: format!(
            "From: {TEAM}\r\nTo: {}\r\nSubject: An opening\r\nMessage-ID: <{mid}>\r\n\r\nHello\r\n",
            to.join(", ")
        )
        .into_bytes(),
        topics: topics.iter().map(|s| s.to_string()).collect(),
        created_by: "alice".into(),
        opened_at: None,
    }
}

fn confirmation() -> Confirmation {
    Confirmation {
        actor: "alice".into(),
        reason: "checked with the hiring manager".into(),
    }
}

fn all() -> InboxQuery {
    InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: None,
        assignee: Default::default(),
    }
}

/// A read-only connection of our own, for checks that must not go through the store.
fn sql(s: &Store) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(s.path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
}

fn prefs(
    channels: &[Channel],
    preferred: Option<Channel>,
    frequency: Option<Frequency>,
    interests: &[&str],
    language: Option<&str>,
    timezone: Option<&str>,
    no_channel: bool,
) -> Preferences {
    Preferences {
        channels: channels.to_vec(),
        preferred,
        frequency,
        interests: interests.iter().map(|s| s.to_string()).collect(),
        language: language.map(String::from),
        timezone: timezone.map(String::from),
        no_channel,
    }
}

fn entry(m: &ChangeMeta, field: &str, old: Option<&str>, new: Option<&str>) -> LedgerEntry {
    LedgerEntry {
        at: m.at,
        actor: m.actor.clone(),
        source: m.source,
        source_message_id: m.source_message_id,
        field: field.into(),
        old_value: old.map(String::from),
        new_value: new.map(String::from),
        legal_basis: m.legal_basis,
        note: m.note.clone(),
    }
}

/// The ledger entries written at `at`, by field (the order within one change is not promised).
fn entries_at(ledger: &[LedgerEntry], at: i64) -> Vec<LedgerEntry> {
    let mut v: Vec<_> = ledger.iter().filter(|e| e.at == at).cloned().collect();
    v.sort_by(|a, b| a.field.cmp(&b.field));
    v
}

fn sorted(mut v: Vec<LedgerEntry>) -> Vec<LedgerEntry> {
    v.sort_by(|a, b| a.field.cmp(&b.field));
    v
}

// ---------------------------------------------------------------------------------------------
// 1. The ledger
// ---------------------------------------------------------------------------------------------

#[test]
fn every_changed_field_is_one_ledger_entry_with_who_why_and_from_what() {
    let (_d, mut s) = store();
    let ids = ingest(
        &mut s,
        &[
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "j1@mail.example",
                T0 - 9 * DAY,
            )
            .body("Phone is better for me, and please no more than monthly."),
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "j2@mail.example",
                T0 + 6 * DAY,
            )
            .body("Happy to hear about phone roles again."),
        ],
    );
    let jane = cand(&s, "jane@mail.example");

    // 1: a recruiter records what Jane said on a call.
    let m1 = meta(
        "alice",
        T0,
        "recruiter",
        None,
        Some("legitimate-interest"),
        "intro call",
    );
    s.set_preferences(
        jane,
        &prefs(
            &[Channel::Email, Channel::Phone],
            Some(Channel::Email),
            Some(Frequency::Monthly),
            &["ml", "rust"],
            Some("en"),
            Some("Europe/Berlin"),
            false,
        ),
        &m1,
    )
    .unwrap();

    // 2: another recruiter changes frequency, language and interests (same channels, listed
    // in another order, and the same time zone: no entries for those).
    let m2 = meta(
        "bob",
        T0 + DAY,
        "recruiter",
        None,
        Some("consent"),
        "follow-up",
    );
    s.set_preferences(
        jane,
        &prefs(
            &[Channel::Phone, Channel::Email],
            Some(Channel::Email),
            Some(Frequency::Quarterly),
            &["rust", "ml", "go"],
            Some("de"),
            Some("Europe/Berlin"),
            false,
        ),
        &m2,
    )
    .unwrap();

    // 3: Jane wrote that she wants no contact at all; her message is the source.
    let m3 = meta(
        "carol",
        T0 + 2 * DAY,
        "candidate",
        Some(ids[0]),
        Some("consent"),
        "her email of the 11th",
    );
    s.set_preferences(
        jane,
        &prefs(
            &[],
            Some(Channel::Phone),
            Some(Frequency::Quarterly),
            &["go", "ml", "rust"],
            Some("de"),
            None,
            true,
        ),
        &m3,
    )
    .unwrap();

    // 4: saving the same preferences again (interests in another order) changes nothing.
    let m4 = meta("dave", T0 + 3 * DAY, "recruiter", None, None, "no-op");
    s.set_preferences(
        jane,
        &prefs(
            &[],
            Some(Channel::Phone),
            Some(Frequency::Quarterly),
            &["rust", "go", "ml"],
            Some("de"),
            None,
            true,
        ),
        &m4,
    )
    .unwrap();

    // An opt-out and, on her own later request, the opt-in.
    let m5 = meta(
        "alice",
        T0 + 4 * DAY,
        "call-note",
        None,
        None,
        "said so on the phone",
    );
    let opt = s
        .record_opt_out(jane, &sc("channel:phone"), "too many calls", &m5)
        .unwrap();
    let m6 = meta(
        "bob",
        T0 + 7 * DAY,
        "candidate",
        Some(ids[1]),
        Some("consent"),
        "she asked to hear from us again",
    );
    s.revoke_opt_out(opt, &m6).unwrap();

    let ledger = s.ledger(jane).unwrap();
    assert_eq!(
        entries_at(&ledger, m1.at),
        sorted(vec![
            entry(&m1, "channels", None, Some("email,phone")),
            entry(&m1, "preferred-channel", None, Some("email")),
            entry(&m1, "frequency", None, Some("monthly")),
            entry(&m1, "language", None, Some("en")),
            entry(&m1, "timezone", None, Some("Europe/Berlin")),
            entry(&m1, "interests", None, Some("ml,rust")),
        ])
    );
    assert_eq!(
        entries_at(&ledger, m2.at),
        sorted(vec![
            entry(&m2, "frequency", Some("monthly"), Some("quarterly")),
            entry(&m2, "language", Some("en"), Some("de")),
            entry(&m2, "interests", Some("ml,rust"), Some("go,ml,rust")),
        ])
    );
    assert_eq!(
        entries_at(&ledger, m3.at),
        sorted(vec![
            entry(&m3, "channels", Some("email,phone"), None),
            entry(&m3, "preferred-channel", Some("email"), Some("phone")),
            entry(&m3, "timezone", Some("Europe/Berlin"), None),
            entry(&m3, "contact", Some("allowed"), Some("none at all")),
        ])
    );
    assert_eq!(entries_at(&ledger, m4.at), vec![], "nothing changed");
    assert_eq!(
        entries_at(&ledger, m5.at),
        vec![entry(&m5, "opt-out", None, Some("channel:phone"))]
    );
    assert_eq!(
        entries_at(&ledger, m6.at),
        vec![entry(&m6, "opt-in", Some("channel:phone"), None)]
    );
    // Oldest first, and nothing else.
    assert_eq!(ledger.len(), 6 + 3 + 4 + 1 + 1);
    assert!(ledger.windows(2).all(|w| w[0].at <= w[1].at));

    // What is current is the last call.
    let p = s.preferences(jane).unwrap().unwrap();
    assert!(p.no_channel);
    assert_eq!(p.frequency, Some(Frequency::Quarterly));
    assert_eq!(p.interests, vec!["go", "ml", "rust"]);
    assert_eq!(p.timezone, None);
}

// ---------------------------------------------------------------------------------------------
// 2. Merge and undo
// ---------------------------------------------------------------------------------------------

/// Everything a user sees of one candidate.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    profile: rapport_core::store::Profile,
    messages: Vec<i64>,
    contacts: Vec<i64>,
    ledger: Vec<LedgerEntry>,
    inbox: Option<rapport_core::store::InboxRow>,
}

fn seen(s: &Store, c: i64) -> Seen {
    let conv = s.conversation(c, 10_000).unwrap();
    let mut messages: Vec<i64> = conv.messages.iter().map(|m| m.id).collect();
    messages.sort();
    Seen {
        profile: s.profile(c).unwrap().unwrap(),
        messages,
        contacts: conv.contacts.iter().map(|c| c.id).collect(),
        ledger: s.ledger(c).unwrap(),
        inbox: s
            .inbox_page(&all(), 0, 1000)
            .unwrap()
            .into_iter()
            .find(|r| r.id == c),
    }
}

/// Ann (ann@a.example) and Annie (annie@b.example), the same person under two addresses.
fn two_candidates(s: &mut Store) -> (i64, i64) {
    ingest(
        s,
        &[
            Mail::new(
                "Ann Lee <ann@a.example>",
                TEAM,
                "a1@a.example",
                T0 - 20 * DAY,
            )
            .subject("Rust role"),
            Mail::new(
                ALICE,
                "Ann Lee <ann@a.example>",
                "a2@team.example",
                T0 - 19 * DAY,
            )
            .subject("Re: Rust role")
            .refs("<a1@a.example>"),
            Mail::new(
                "Annie L <annie@b.example>",
                TEAM,
                "b1@b.example",
                T0 - 15 * DAY,
            )
            .subject("ML role"),
            Mail::new(
                "Annie L <annie@b.example>",
                TEAM,
                "b2@b.example",
                T0 - 3 * DAY,
            )
            .subject("Re: ML role")
            .refs("<b1@b.example>"),
        ],
    );
    let (a, b) = (cand(s, "ann@a.example"), cand(s, "annie@b.example"));
    assert_ne!(a, b);
    s.log_contact(
        a,
        &contact(
            Channel::Phone,
            Direction::Outbound,
            Outcome::Talked,
            T0 - 18 * DAY,
            "Rust role call",
        ),
    )
    .unwrap();
    s.log_contact(
        b,
        &contact(
            Channel::Linkedin,
            Direction::Inbound,
            Outcome::Delivered,
            T0 - 14 * DAY,
            "CV on LinkedIn",
        ),
    )
    .unwrap();
    s.set_preferences(
        a,
        &prefs(
            &[Channel::Email],
            None,
            Some(Frequency::Monthly),
            &["go", "rust"],
            None,
            None,
            false,
        ),
        &recruiter(T0 - 10 * DAY),
    )
    .unwrap();
    s.set_preferences(
        b,
        &prefs(
            &[Channel::Email, Channel::Phone],
            Some(Channel::Phone),
            Some(Frequency::Quarterly),
            &["ml", "rust"],
            Some("fr"),
            None,
            false,
        ),
        &recruiter(T0 - 2 * DAY),
    )
    .unwrap();
    s.record_opt_out(
        b,
        &sc("topic:sales"),
        "not interested in sales roles",
        &recruiter(T0 - DAY),
    )
    .unwrap();
    (a, b)
}

#[test]
fn merging_joins_everything_and_undo_restores_both_exactly() {
    let (_d, mut s) = store();
    let (a, b) = two_candidates(&mut s);
    let (before_a, before_b) = (seen(&s, a), seen(&s, b));
    assert_eq!(s.inbox_count(&all()).unwrap(), 2);

    let m = s.merge(a, b, "alice").unwrap();
    assert_eq!(s.last_merge(a).unwrap(), Some(m));
    let rows = s.inbox_page(&all(), 0, 100).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![a],
        "one candidate listed"
    );
    assert_eq!(s.inbox_count(&all()).unwrap(), 1);
    let now = seen(&s, a);
    let mut addrs = now.profile.addresses.clone();
    addrs.sort();
    assert_eq!(addrs, vec!["ann@a.example", "annie@b.example"]);
    let mut msgs = [before_a.messages.clone(), before_b.messages.clone()].concat();
    msgs.sort();
    assert_eq!(now.messages, msgs);
    let mut contacts = [before_a.contacts.clone(), before_b.contacts.clone()].concat();
    contacts.sort();
    let mut got = now.contacts.clone();
    got.sort();
    assert_eq!(got, contacts);
    assert!(
        now.profile
            .opt_outs
            .iter()
            .any(|o| o.scope == sc("topic:sales") && o.revoked_at.is_none())
    );
    // Annie's answers are newer: they win; the interests are joined.
    let mut want = before_b.profile.preferences.clone().unwrap();
    want.interests = vec!["go".into(), "ml".into(), "rust".into()];
    assert_eq!(now.profile.preferences, Some(want));
    assert_eq!(now.inbox.as_ref().unwrap().message_count, 4);
    assert_eq!(now.profile.waiting_since, Some(T0 - 15 * DAY));
    assert_eq!(s.candidate_by_address("annie@b.example").unwrap(), Some(a));
    // Annie's opt-out now protects Ann's address too.
    let err = enqueue(
        &mut s,
        &outgoing(Some(a), &["ann@a.example"], &["sales"], "q1@team.example"),
        Some(&confirmation()),
        T0,
    )
    .unwrap_err();
    assert!(
        matches!(err, SendError::Refused(Refusal::OptedOut { .. })),
        "{err}"
    );

    // Undo: both exactly as before.
    s.unmerge(s.last_merge(a).unwrap().unwrap(), "alice")
        .unwrap();
    assert_eq!(seen(&s, a), before_a);
    assert_eq!(seen(&s, b), before_b);
    assert_eq!(s.inbox_count(&all()).unwrap(), 2);
    assert_eq!(s.candidate_by_address("annie@b.example").unwrap(), Some(b));
    assert_eq!(s.last_merge(a).unwrap(), None);
    assert!(s.unmerge(m, "alice").is_err(), "a merge is undone once");
    assert!(
        s.merge(a, a, "alice").is_err(),
        "a candidate cannot absorb itself"
    );
    assert_eq!(seen(&s, a), before_a);
}

#[test]
fn mail_to_a_merged_address_goes_to_the_merged_candidate_and_back_on_undo() {
    let (_d, mut s) = store();
    let (a, b) = two_candidates(&mut s);
    let before_a = seen(&s, a);
    s.merge(a, b, "alice").unwrap();
    let new = ingest(
        &mut s,
        &[
            Mail::new(
                "Annie L <annie@b.example>",
                TEAM,
                "b3@b.example",
                T0 - 12 * 3600,
            )
            .subject("Any news?"),
            Mail::new(
                ALICE,
                "Annie L <annie@b.example>",
                "b4@team.example",
                T0 - 3600,
            )
            .subject("Re: Any news?")
            .refs("<b3@b.example>"),
        ],
    );
    let conv = s.conversation(a, 1000).unwrap();
    for id in &new {
        assert!(
            conv.messages.iter().any(|m| m.id == *id),
            "new mail joins the merged candidate"
        );
    }
    assert_eq!(s.inbox_count(&all()).unwrap(), 1);

    s.unmerge(s.last_merge(a).unwrap().unwrap(), "alice")
        .unwrap();
    assert_eq!(seen(&s, a), before_a, "Ann gets back exactly what she had");
    let conv_b = s.conversation(b, 1000).unwrap();
    for id in &new {
        assert!(
            conv_b.messages.iter().any(|m| m.id == *id),
            "mail from and to Annie's address goes back with her address"
        );
    }
    assert_eq!(s.profile(b).unwrap().unwrap().message_count, 4);
}

#[test]
fn preferences_edited_while_merged_survive_the_undo() {
    let (_d, mut s) = store();
    let (a, b) = two_candidates(&mut s);
    // Merge the older answers (Ann's) into Annie: Annie keeps hers.
    let before_a = seen(&s, a);
    s.merge(b, a, "alice").unwrap();
    let edited = prefs(
        &[Channel::Email],
        None,
        Some(Frequency::Weekly),
        &["ml"],
        Some("fr"),
        None,
        false,
    );
    s.set_preferences(b, &edited, &recruiter(T0)).unwrap();
    s.unmerge(s.last_merge(b).unwrap().unwrap(), "alice")
        .unwrap();
    assert_eq!(
        s.preferences(b).unwrap(),
        Some(edited.clone()),
        "the edit made on Annie stays hers"
    );
    assert_eq!(
        seen(&s, a).profile.preferences,
        before_a.profile.preferences
    );

    // Merge the newer answers (Annie's, now the edited ones) into Ann, edit, undo.
    let before_b = seen(&s, b);
    s.merge(a, b, "alice").unwrap();
    assert_eq!(
        s.preferences(a).unwrap().unwrap().frequency,
        Some(Frequency::Weekly)
    );
    let edited_a = prefs(
        &[Channel::Phone],
        None,
        Some(Frequency::Never),
        &["go"],
        None,
        None,
        false,
    );
    s.set_preferences(a, &edited_a, &recruiter(T0 + DAY))
        .unwrap();
    s.unmerge(s.last_merge(a).unwrap().unwrap(), "alice")
        .unwrap();
    assert_eq!(
        s.preferences(a).unwrap(),
        Some(edited_a),
        "the edit made on Ann stays hers"
    );
    assert_eq!(
        seen(&s, b).profile.preferences,
        before_b.profile.preferences
    );
}

#[test]
fn merged_candidates_cannot_be_merged_again_and_undo_goes_newest_first() {
    let (_d, mut s) = store();
    let (a, b) = two_candidates(&mut s);
    ingest(
        &mut s,
        &[Mail::new(
            "Cy <cy@c.example>",
            TEAM,
            "c1@c.example",
            T0 - 5 * DAY,
        )],
    );
    let c = cand(&s, "cy@c.example");
    let (before_a, before_b, before_c) = (seen(&s, a), seen(&s, b), seen(&s, c));
    let m1 = s.merge(a, b, "alice").unwrap();
    assert!(
        s.merge(b, c, "alice").is_err(),
        "Annie was merged into Ann: merge into Ann"
    );
    assert!(s.merge(c, b, "alice").is_err(), "Annie was merged already");
    let m2 = s.merge(c, a, "alice").unwrap();
    assert_eq!(s.candidate_by_address("annie@b.example").unwrap(), Some(c));
    assert!(
        s.unmerge(m1, "alice").is_err(),
        "Ann is merged into Cy: undo that first"
    );
    s.unmerge(m2, "alice").unwrap();
    s.unmerge(m1, "alice").unwrap();
    assert_eq!(seen(&s, a), before_a);
    assert_eq!(seen(&s, b), before_b);
    assert_eq!(seen(&s, c), before_c);
}

// ---------------------------------------------------------------------------------------------
// 3. Split and rename
// ---------------------------------------------------------------------------------------------

#[test]
fn splitting_an_address_takes_its_mail_along() {
    let (_d, mut s) = store();
    let ids = ingest(
        &mut s,
        &[
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "j1@mail.example",
                T0 - 10 * DAY,
            )
            .subject("Backend role"),
            // Her second address, replying in the same thread with the same name.
            Mail::new(
                "Jane Doe <jane@work.example>",
                TEAM,
                "j2@work.example",
                T0 - 9 * DAY,
            )
            .subject("Re: Backend role")
            .refs("<j1@mail.example>")
            .body("Please stop writing to this work address."),
            // Our answer to the work address, with a hiring manager in copy (no display names).
            Mail::new(ALICE, "jane@work.example", "r1@team.example", T0 - 8 * DAY)
                .cc("hm@client.example")
                .subject("Re: Backend role")
                .refs("<j1@mail.example> <j2@work.example>"),
            // To the work address and a colleague, both bare.
            Mail::new(
                ALICE,
                "jane@work.example, tom@work.example",
                "r2@team.example",
                T0 - 7 * DAY,
            )
            .subject("Team lunch"),
            // To both of her addresses: stays with the address she keeps.
            Mail::new(
                ALICE,
                "jane@mail.example, jane@work.example",
                "r3@team.example",
                T0 - 6 * DAY,
            )
            .subject("Re: Backend role")
            .refs("<j1@mail.example>"),
            Mail::new(
                ALICE,
                "Jane Doe <jane@mail.example>",
                "r4@team.example",
                T0 - 5 * DAY,
            )
            .subject("Re: Backend role")
            .refs("<j1@mail.example>"),
        ],
    );
    let jane = cand(&s, "jane@mail.example");
    assert_eq!(
        cand(&s, "jane@work.example"),
        jane,
        "one candidate, two addresses"
    );
    assert_eq!(s.profile(jane).unwrap().unwrap().message_count, 6);
    // The opt-out she sent from the work address.
    s.record_opt_out(
        jane,
        &sc("channel:email"),
        "asked from her work address",
        &meta("alice", T0 - 9 * DAY, "message", Some(ids[1]), None, ""),
    )
    .unwrap();

    let work = s.split_address("Jane@Work.example ", "alice").unwrap();
    assert_ne!(work, jane);
    assert_eq!(cand(&s, "jane@work.example"), work);
    let ids_of = |s: &Store, c: i64| {
        let mut v: Vec<i64> = s
            .conversation(c, 100)
            .unwrap()
            .messages
            .iter()
            .map(|m| m.id)
            .collect();
        v.sort();
        v
    };
    assert_eq!(ids_of(&s, work), vec![ids[1], ids[2], ids[3]]);
    assert_eq!(ids_of(&s, jane), vec![ids[0], ids[4], ids[5]]);
    let (pj, pw) = (
        s.profile(jane).unwrap().unwrap(),
        s.profile(work).unwrap().unwrap(),
    );
    assert_eq!(pj.addresses, vec!["jane@mail.example"]);
    assert_eq!(pw.addresses, vec!["jane@work.example"]);
    assert_eq!((pj.message_count, pw.message_count), (3, 3));
    assert_eq!(pw.name, "Jane Doe");
    // The opt-out came from the work address: it goes with it.
    assert!(
        pw.opted_out(),
        "the opt-out follows the message it came from"
    );
    assert!(!pj.opted_out());
    assert_eq!(s.inbox_count(&all()).unwrap(), 2);

    // New mail from the split address goes to the new candidate.
    let new = ingest(
        &mut s,
        &[Mail::new(
            "Jane Doe <jane@work.example>",
            TEAM,
            "j3@work.example",
            T0 - DAY,
        )],
    );
    assert!(ids_of(&s, work).contains(&new[0]));

    // Each now has one address: nothing left to split.
    let err = s.split_address("jane@mail.example", "alice").unwrap_err();
    assert!(err.to_string().contains("only address"), "{err}");
    assert!(s.split_address("nobody@x.example", "alice").is_err());
    assert_eq!(s.inbox_count(&all()).unwrap(), 2);
}

#[test]
fn renaming_sanitizes_and_refuses_empty_names() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        &[Mail::new("jdoe@mail.example", TEAM, "n1@mail.example", T0)],
    );
    let c = cand(&s, "jdoe@mail.example");
    let name: PersonName = "\u{1b}[31mJane\u{1b}[0m \u{1b}]0;pwned\u{7}Doe\r\n"
        .parse()
        .unwrap();
    s.rename(c, &name, "alice").unwrap();
    assert_eq!(s.profile(c).unwrap().unwrap().name, "Jane Doe");
    let row = &s.inbox_page(&all(), 0, 10).unwrap()[0];
    assert_eq!(row.name, "Jane Doe");
    for bad in ["", "   ", "\u{1b}[2J\u{1b}[H", "\u{200b}\t\n"] {
        let e = bad.parse::<PersonName>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "a name cannot be empty",
            "{bad:?} is no name"
        );
    }
    assert_eq!(s.profile(c).unwrap().unwrap().name, "Jane Doe");
    assert!(
        s.rename(c + 100, &"Someone".parse().unwrap(), "alice")
            .is_err(),
        "no such candidate"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Opting back in
// ---------------------------------------------------------------------------------------------

#[test]
fn only_the_candidates_own_later_request_ends_an_opt_out() {
    let (_d, mut s) = store();
    let now = rapport_core::store::now();
    let ids = ingest(
        &mut s,
        &[
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "stop@mail.example",
                now - 10 * DAY,
            )
            .body("Please stop emailing me."),
            Mail::new(
                ALICE,
                "jane@mail.example",
                "sorry@team.example",
                now - 9 * DAY,
            )
            .refs("<stop@mail.example>")
            .body("Sorry, we will not write again."),
            Mail::new(
                "Bob Roe <bob@mail.example>",
                TEAM,
                "bob@mail.example",
                now - 2 * DAY,
            )
            .body("Keep me posted!"),
        ],
    );
    let (stop, ours, bobs) = (ids[0], ids[1], ids[2]);
    let jane = cand(&s, "jane@mail.example");
    let older = ingest(
        &mut s,
        &[Mail::new(
            "Jane Doe <jane@mail.example>",
            TEAM,
            "first@mail.example",
            now - 30 * DAY,
        )
        .body("Yes, send me roles!")],
    )[0];
    let opt = s
        .record_opt_out(
            jane,
            &sc("all"),
            "asked to stop",
            &meta(
                "alice",
                now - 10 * DAY + 3600,
                "message",
                Some(stop),
                None,
                "",
            ),
        )
        .unwrap();
    let send = |s: &mut Store, n: usize| {
        enqueue(
            s,
            &outgoing(
                Some(jane),
                &["jane@mail.example"],
                &[],
                &format!("o{n}@team.example"),
            ),
            Some(&confirmation()),
            now,
        )
    };
    assert!(matches!(
        send(&mut s, 1),
        Err(SendError::Refused(Refusal::OptedOut { .. }))
    ));

    let attempts = [
        (
            "a recruiter's say-so",
            meta("alice", now, "recruiter", None, Some("consent"), ""),
        ),
        (
            "a recruiter citing her message",
            meta("alice", now, "recruiter", Some(stop), Some("consent"), ""),
        ),
        (
            "no message",
            meta("alice", now, "candidate", None, Some("consent"), ""),
        ),
        (
            "another candidate's message",
            meta("alice", now, "candidate", Some(bobs), Some("consent"), ""),
        ),
        (
            "our own message",
            meta("alice", now, "candidate", Some(ours), Some("consent"), ""),
        ),
        (
            "the very message in which she asked to stop",
            meta("alice", now, "candidate", Some(stop), Some("consent"), ""),
        ),
        (
            "a message she wrote before opting out",
            meta("alice", now, "candidate", Some(older), Some("consent"), ""),
        ),
        (
            "a message that does not exist",
            meta("alice", now, "candidate", Some(9999), None, ""),
        ),
    ];
    for (what, m) in &attempts {
        assert!(
            s.revoke_opt_out(opt, m).is_err(),
            "{what} must not opt her back in"
        );
    }
    assert!(s.profile(jane).unwrap().unwrap().opted_out());
    assert!(!s.ledger(jane).unwrap().iter().any(|e| e.field == "opt-in"));
    assert!(matches!(send(&mut s, 2), Err(SendError::Refused(_))));

    // She writes again and asks to hear from us.
    let again = ingest(
        &mut s,
        &[Mail::new(
            "Jane Doe <jane@mail.example>",
            TEAM,
            "again@mail.example",
            now - DAY,
        )
        .body("I am looking again, feel free to send roles.")],
    )[0];
    let m = meta(
        "bob",
        now,
        "candidate",
        Some(again),
        Some("consent"),
        "she asked",
    );
    s.revoke_opt_out(opt, &m).unwrap();
    let p = s.profile(jane).unwrap().unwrap();
    assert!(!p.opted_out());
    assert_eq!(p.opt_outs[0].revoked_at, Some(now));
    let l = s.ledger(jane).unwrap();
    assert_eq!(l.last().unwrap(), &entry(&m, "opt-in", Some("all"), None));
    assert!(
        !s.inbox_page(&all(), 0, 10)
            .unwrap()
            .iter()
            .any(|r| r.id == jane && r.opted_out)
    );
    assert!(s.revoke_opt_out(opt, &m).is_err(), "already ended");
    send(&mut s, 3).expect("she may be written to again");
}

// ---------------------------------------------------------------------------------------------
// 8. An opt-out cancels the queued mail it covers
// ---------------------------------------------------------------------------------------------

fn states(s: &Store) -> std::collections::BTreeMap<String, (String, Option<String>)> {
    s.outbox()
        .unwrap()
        .into_iter()
        .map(|e| (e.message_id, (e.state.to_string(), e.last_error)))
        .collect()
}

#[test]
fn an_opt_out_cancels_exactly_the_queued_mail_it_covers() {
    let (_d, mut s) = store();
    let now = rapport_core::store::now();
    ingest(
        &mut s,
        &[
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "j1@mail.example",
                now - DAY,
            ),
            Mail::new(
                "Bob Roe <bob@mail.example>",
                TEAM,
                "b1@mail.example",
                now - DAY,
            ),
        ],
    );
    let (jane, bob) = (cand(&s, "jane@mail.example"), cand(&s, "bob@mail.example"));
    let q = |s: &mut Store, c: Option<i64>, to: &[&str], topics: &[&str], mid: &str| {
        enqueue(s, &outgoing(c, to, topics, mid), None, now)
            .unwrap_or_else(|e| panic!("{mid}: {e}"));
    };
    q(
        &mut s,
        Some(jane),
        &["jane@mail.example"],
        &["ML"],
        "ml@team.example",
    );
    q(
        &mut s,
        Some(jane),
        &["jane@mail.example"],
        &["rust"],
        "rust@team.example",
    );
    // Written to her address without picking the candidate first.
    q(
        &mut s,
        None,
        &["Jane@Mail.example"],
        &[],
        "bare@team.example",
    );
    // To Bob, with Jane in copy (confirmed: she is not Bob's address).
    enqueue(
        &mut s,
        &outgoing(
            Some(bob),
            &["bob@mail.example", "jane@mail.example"],
            &[],
            "both@team.example",
        ),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    q(
        &mut s,
        Some(bob),
        &["bob@mail.example"],
        &["ml"],
        "bob@team.example",
    );
    assert!(states(&s).values().all(|(st, _)| st == "queued"));

    s.record_opt_out(jane, &sc("topic:ml"), "no ML roles", &recruiter(now))
        .unwrap();
    let st = states(&s);
    assert_eq!(st["ml@team.example"].0, "cancelled");
    let why = st["ml@team.example"].1.clone().unwrap_or_default();
    assert!(
        why.contains("opted out") && why.contains("topic:ml"),
        "{why}"
    );
    for mid in [
        "rust@team.example",
        "bare@team.example",
        "both@team.example",
        "bob@team.example",
    ] {
        assert_eq!(st[mid].0, "queued", "{mid} is not about ML or not to Jane");
    }

    s.record_opt_out(jane, &sc("channel:phone"), "no calls", &recruiter(now))
        .unwrap();
    assert_eq!(states(&s), st, "a phone opt-out cancels no email");

    s.record_opt_out(jane, &sc("all"), "no contact at all", &recruiter(now))
        .unwrap();
    let st = states(&s);
    for mid in [
        "ml@team.example",
        "rust@team.example",
        "bare@team.example",
        "both@team.example",
    ] {
        assert_eq!(st[mid].0, "cancelled", "{mid} would reach Jane");
        assert!(
            st[mid].1.as_deref().unwrap_or("").contains("opted out"),
            "{mid}: {:?}",
            st[mid].1
        );
    }
    assert_eq!(
        st["bob@team.example"].0, "queued",
        "Bob's own mail is not Jane's business"
    );
    let cancelled = s
        .outbox()
        .unwrap()
        .iter()
        .filter(|e| e.state == OutboxState::Cancelled)
        .count();
    assert_eq!(cancelled, 4);
}

// ---------------------------------------------------------------------------------------------
// 9. Frequency, from what the store knows
// ---------------------------------------------------------------------------------------------

fn plus_one_month(t: i64) -> i64 {
    use jiff::ToSpan;
    jiff::Timestamp::from_second(t)
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .checked_add(1.month())
        .unwrap()
        .timestamp()
        .as_second()
}

#[test]
fn frequency_counts_our_mail_and_logged_contacts_and_yields_to_their_reply() {
    let (_d, mut s) = store();
    let now = rapport_core::store::now();
    ingest(
        &mut s,
        &[
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "j1@mail.example",
                now - 40 * DAY,
            ),
            Mail::new(
                ALICE,
                "Jane Doe <jane@mail.example>",
                "r1@team.example",
                now - 10 * DAY,
            )
            .refs("<j1@mail.example>"),
        ],
    );
    let jane = cand(&s, "jane@mail.example");
    s.set_preferences(
        jane,
        &prefs(
            &[Channel::Email],
            None,
            Some(Frequency::Monthly),
            &[],
            None,
            None,
            false,
        ),
        &recruiter(now - 50 * DAY),
    )
    .unwrap();
    let mut n = 0;
    let mut try_send = |s: &mut Store| {
        n += 1;
        enqueue(
            s,
            &outgoing(
                Some(jane),
                &["jane@mail.example"],
                &[],
                &format!("f{n}@team.example"),
            ),
            None,
            now,
        )
    };
    let too_soon = |r: Result<i64, SendError>| match r {
        Err(SendError::NeedsConfirmation(c)) => match c.as_slice() {
            [
                Conflict::TooSoon {
                    next,
                    frequency: Frequency::Monthly,
                },
            ] => *next,
            other => panic!("expected only TooSoon, got {other:?}"),
        },
        other => panic!("expected TooSoon, got {other:?}"),
    };
    assert_eq!(too_soon(try_send(&mut s)), plus_one_month(now - 10 * DAY));
    // The inbox and the profile say so as soon as the frequency is recorded.
    let row = s
        .inbox_page(&all(), 0, 10)
        .unwrap()
        .into_iter()
        .find(|r| r.id == jane)
        .unwrap();
    assert_eq!(row.next_contact, Some(plus_one_month(now - 10 * DAY)));
    assert_eq!(
        s.profile(jane).unwrap().unwrap().next_contact,
        Some(plus_one_month(now - 10 * DAY))
    );
    // With a recorded reason it may go anyway; the override is in the ledger.
    let overridden = enqueue(
        &mut s,
        &outgoing(
            Some(jane),
            &["jane@mail.example"],
            &[],
            "override@team.example",
        ),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    assert!(
        s.ledger(jane)
            .unwrap()
            .iter()
            .any(|e| e.field == "contact-override" && e.note == confirmation().reason)
    );
    let empty_reason = Confirmation {
        actor: "alice".into(),
        reason: "  ".into(),
    };
    assert!(matches!(
        enqueue(
            &mut s,
            &outgoing(
                Some(jane),
                &["jane@mail.example"],
                &[],
                "empty@team.example"
            ),
            Some(&empty_reason),
            now
        ),
        Err(SendError::EmptyReason)
    ));

    // Mail still queued counts against her frequency before it leaves; withdrawn, it does not.
    assert!(too_soon(try_send(&mut s)) >= plus_one_month(now));
    s.outbox_cancel(overridden, "alice").unwrap();
    assert_eq!(too_soon(try_send(&mut s)), plus_one_month(now - 10 * DAY));

    // She writes: answering her is not unsolicited.
    ingest(
        &mut s,
        &[Mail::new(
            "Jane Doe <jane@mail.example>",
            TEAM,
            "j2@mail.example",
            now - 2 * DAY,
        )
        .refs("<r1@team.example>")],
    );
    let answer = try_send(&mut s).expect("answering someone who wrote");
    s.outbox_cancel(answer, "alice").unwrap();

    // A call we logged after her message is contact too.
    s.log_contact(
        jane,
        &contact(
            Channel::Phone,
            Direction::Outbound,
            Outcome::Voicemail,
            now - DAY,
            "left a voicemail",
        ),
    )
    .unwrap();
    assert_eq!(too_soon(try_send(&mut s)), plus_one_month(now - DAY));

    // Logged inbound contact (she called back) lets us answer again.
    s.log_contact(
        jane,
        &contact(
            Channel::Phone,
            Direction::Inbound,
            Outcome::Talked,
            now - 3600,
            "she called back",
        ),
    )
    .unwrap();
    try_send(&mut s).expect("she called us after our last contact");
}

// ---------------------------------------------------------------------------------------------
// 6. Export
// ---------------------------------------------------------------------------------------------

fn tables(s: &Store) -> Vec<String> {
    let conn = sql(s);
    let mut st = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn every_table_is_either_exported_or_declared_impersonal() {
    let (_d, s) = store();
    let tables = tables(&s);
    assert!(tables.len() > 10, "{tables:?}");
    for t in &tables {
        assert!(
            EXPORTED_TABLES.contains(&t.as_str()) || NOT_PERSONAL.contains(&t.as_str()),
            "table {t} is neither exported (EXPORTED_TABLES, with a section in Store::export) \
             nor declared free of personal data (NOT_PERSONAL)"
        );
        assert!(
            !(EXPORTED_TABLES.contains(&t.as_str()) && NOT_PERSONAL.contains(&t.as_str())),
            "{t} is in both lists"
        );
    }
    for t in EXPORTED_TABLES.iter().chain(NOT_PERSONAL) {
        assert!(
            tables.iter().any(|x| x == t),
            "{t} is listed but no such table exists"
        );
    }
}

#[test]
fn an_export_holds_everything_about_the_person() {
    let (_d, mut s) = store();
    let now = rapport_core::store::now();
    let ids = ingest(
        &mut s,
        &[
            Mail::new(
                "Jane Doe <jane@mail.example>",
                TEAM,
                "j1@mail.example",
                now - 10 * DAY,
            )
            .header("X-Raw-Only: rawmarker4417")
            .body("bodymarker1 I would like to hear about platform roles."),
            Mail::new(ALICE, "jane@mail.example", "r1@team.example", now - 9 * DAY)
                .refs("<j1@mail.example>")
                .body("bodymarker2 Here are two platform roles."),
            // Her old address, found to be her later and merged.
            Mail::new(
                "J. Doe <jd@old.example>",
                TEAM,
                "old1@old.example",
                now - 400 * DAY,
            )
            .body("bodymarker3 from the old address"),
            Mail::new(
                "Somebody Else <else@x.example>",
                TEAM,
                "e1@x.example",
                now - DAY,
            )
            .body("othermarker9 not hers"),
        ],
    );
    let jane = cand(&s, "jane@mail.example");
    let old = cand(&s, "jd@old.example");
    s.set_preferences(
        old,
        &prefs(
            &[],
            None,
            None,
            &["oldinterest"],
            Some("tlh"),
            Some("Antarctica/Troll"),
            false,
        ),
        &meta(
            "bob",
            now - 300 * DAY,
            "recruiter",
            None,
            None,
            "oldledgernote5",
        ),
    )
    .unwrap();
    s.log_contact(
        jane,
        &contact(
            Channel::Phone,
            Direction::Outbound,
            Outcome::Talked,
            now - 8 * DAY,
            "contactnote7 call about roles",
        ),
    )
    .unwrap();
    s.set_preferences(
        jane,
        &prefs(
            &[Channel::Email],
            None,
            Some(Frequency::Monthly),
            &["platform"],
            None,
            None,
            false,
        ),
        &meta(
            "alice",
            now - 8 * DAY,
            "candidate",
            Some(ids[0]),
            Some("consent"),
            "ledgernote8",
        ),
    )
    .unwrap();
    enqueue(
        &mut s,
        &outgoing(
            Some(jane),
            &["jane@mail.example"],
            &["platform"],
            "outboxmarker6@team.example",
        ),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    // Written to her address without picking the candidate.
    enqueue(
        &mut s,
        &outgoing(None, &["Jane@Mail.example"], &[], "bareoutbox@team.example"),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    s.record_opt_out(jane, &sc("topic:sales"), "optoutreason3", &recruiter(now))
        .unwrap();
    s.merge(jane, old, "alice").unwrap();

    let export = s.export(jane).unwrap();
    for t in EXPORTED_TABLES {
        assert!(
            export.get(*t).is_some_and(|v| v.is_array()),
            "no section {t}"
        );
    }
    let text = export.to_string();
    for needle in [
        "bodymarker1",
        "bodymarker2",
        "bodymarker3",
        "rawmarker4417",
        "contactnote7",
        "ledgernote8",
        "oldledgernote5",
        "optoutreason3",
        "outboxmarker6",
        "bareoutbox",
        "jane@mail.example",
        "jd@old.example",
        "Antarctica/Troll",
        "oldinterest",
    ] {
        assert!(text.contains(needle), "the export lacks {needle}");
    }
    assert!(
        !text.contains("othermarker9"),
        "someone else's mail is not hers"
    );
    assert!(!text.contains("else@x.example"));
    let section = |k: &str| export[k].as_array().unwrap().len();
    // Three received or sent, and the two queued ones (shown in her conversation).
    assert_eq!(section("messages"), 5);
    assert_eq!(section("message_raw"), 5);
    assert_eq!(section("contact_log"), 1);
    assert_eq!(section("opt_outs"), 1);
    assert_eq!(section("outbox"), 2);
    assert_eq!(section("merges"), 1);
    assert_eq!(section("candidates"), 2);
    // Her old record keeps its own (older) answers after the merge: they are hers too.
    assert!(
        export["preferences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["timezone"] == "Antarctica/Troll"),
        "preferences of the merged record: {}",
        export["preferences"]
    );
    assert!(
        export["audit_log"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["candidate_id"] == old && a["action"] == "set-preferences"),
        "history of the merged record: {}",
        export["audit_log"]
    );
    // What the outbox row was about is hers too.
    assert_eq!(export["outbox"][0]["topics"], "platform");
}

// ---------------------------------------------------------------------------------------------
// 7. Erasure
// ---------------------------------------------------------------------------------------------

/// Every file of the database, lower-cased.
fn db_bytes(s: &Store) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{}{suffix}", s.path().display());
        if let Ok(b) = std::fs::read(&p) {
            v.push((p, b.to_ascii_lowercase()));
        }
    }
    v
}

fn find(files: &[(String, Vec<u8>)], needle: &str) -> Option<String> {
    let n = needle.to_ascii_lowercase().into_bytes();
    files
        .iter()
        .find(|(_, b)| b.windows(n.len()).any(|w| w == n.as_slice()))
        .map(|(p, _)| p.clone())
}

#[test]
fn erasing_leaves_nothing_but_a_keyed_hash() {
    let (_d, mut s) = store();
    let now = rapport_core::store::now();
    const HOME: &str = "zebulon.quxworthy@quxmail.example";
    const WORK: &str = "zq.vendelmoor@plinkcorp.example";
    ingest(
        &mut s,
        &[
            Mail::new(
                &format!("Zebulon Quxworthy <{HOME}>"),
                TEAM,
                "m-801@quxmail.example",
                now - 20 * DAY,
            )
            .subject("Zebulon Quxworthy: application")
            .body("Hello, I am Zebulon Quxworthy and I would like the SRE role."),
            Mail::new(
                ALICE,
                &format!("Zebulon Quxworthy <{HOME}>"),
                "m-802@team.example",
                now - 19 * DAY,
            )
            .subject("Re: Zebulon Quxworthy: application")
            .refs("<m-801@quxmail.example>")
            .body("Dear Zebulon Quxworthy, thanks for applying."),
            Mail::new(
                &format!("Zebulon Quxworthy <{WORK}>"),
                TEAM,
                "m-803@plinkcorp.example",
                now - 18 * DAY,
            )
            .subject("Re: Zebulon Quxworthy: application")
            .refs("<m-801@quxmail.example> <m-802@team.example>")
            .body("Zebulon Quxworthy here again, from work."),
            Mail::new(ALICE, WORK, "m-804@team.example", now - 17 * DAY)
                .subject("Quick question")
                .body("Hi Zebulon, are you free on Monday?"),
            // Someone else, in a thread of their own.
            Mail::new(
                "Olga Ortiz <olga@ortiz.example>",
                TEAM,
                "o-1@ortiz.example",
                now - 5 * DAY,
            )
            .subject("Data role")
            .body("Olga here."),
        ],
    );
    let zeb = cand(&s, HOME);
    assert_eq!(
        cand(&s, WORK),
        zeb,
        "second address joined by name in the thread"
    );
    let olga = cand(&s, "olga@ortiz.example");
    s.log_contact(
        zeb,
        &contact(
            Channel::Phone,
            Direction::Outbound,
            Outcome::Talked,
            now - 16 * DAY,
            "Zebulon Quxworthy wants remote",
        ),
    )
    .unwrap();
    s.set_preferences(
        zeb,
        &prefs(
            &[Channel::Email],
            None,
            Some(Frequency::Monthly),
            &["sre"],
            Some("en"),
            None,
            false,
        ),
        &meta(
            "alice",
            now - 16 * DAY,
            "recruiter",
            None,
            Some("consent"),
            "per call with Zebulon Quxworthy",
        ),
    )
    .unwrap();
    enqueue(
        &mut s,
        &outgoing(Some(zeb), &[HOME], &["sre"], "q-1@team.example"),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    enqueue(
        &mut s,
        &outgoing(None, &[WORK], &[], "q-2@team.example"),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    s.record_opt_out(
        zeb,
        &sc("topic:sales"),
        "Zebulon Quxworthy hates sales",
        &recruiter(now),
    )
    .unwrap();
    s.log_contact(
        olga,
        &contact(
            Channel::Phone,
            Direction::Outbound,
            Outcome::Talked,
            now - 4 * DAY,
            "Olga call",
        ),
    )
    .unwrap();
    let olga_before = seen(&s, olga);
    let olga_export = s.export(olga).unwrap();
    let erased_ids = [
        "m-801@quxmail.example",
        "m-802@team.example",
        "m-803@plinkcorp.example",
        "m-804@team.example",
    ];
    let before = db_bytes(&s);
    assert!(
        find(&before, "Quxworthy").is_some(),
        "the needle search works"
    );
    assert!(find(&before, "zq.vendelmoor").is_some());

    let n = s.erase(zeb, "alice", "GDPR art. 17 request").unwrap();
    assert_eq!(n.messages, 6, "four received or sent, two queued");

    let after = db_bytes(&s);
    for needle in [
        "Zebulon Quxworthy",
        "Zebulon",
        "Quxworthy",
        HOME,
        WORK,
        "zebulon.quxworthy",
        "zq.vendelmoor",
        "wants remote",
        "hates sales",
        "GDPR art. 17",
    ] {
        assert_eq!(
            find(&after, needle),
            None,
            "{needle:?} is still in the database files"
        );
    }
    for mid in erased_ids
        .iter()
        .chain(&["q-1@team.example", "q-2@team.example"])
    {
        assert_eq!(
            find(&after, mid),
            None,
            "the id of erased mail {mid} is still stored"
        );
    }
    for a in [
        HOME,
        WORK,
        "Zebulon.Quxworthy@QuxMail.example",
        " zq.vendelmoor@plinkcorp.example ",
    ] {
        assert!(
            s.suppressed_since(a).unwrap().is_some(),
            "{a} is remembered as erased"
        );
    }
    assert_eq!(s.suppressed_since("olga@ortiz.example").unwrap(), None);
    assert!(s.search_messages("Quxworthy", 10).unwrap().is_empty());
    assert!(s.search_messages("Zebulon", 10).unwrap().is_empty());
    let q = InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: Some(
            "Zebulon"
                .parse::<rapport_core::query::Query>()
                .unwrap()
                .into(),
        ),
        assignee: Default::default(),
    };
    assert_eq!(s.inbox_count(&q).unwrap(), 0);
    assert!(
        s.outbox().unwrap().is_empty(),
        "queued mail to them is gone"
    );

    // Someone else is untouched.
    assert_eq!(seen(&s, olga), olga_before);
    let mut e = s.export(olga).unwrap();
    e["exported_at"] = olga_export["exported_at"].clone();
    assert_eq!(e, olga_export);
    assert_eq!(s.inbox_count(&all()).unwrap(), 1);

    // They write again: only that mail arrived from an erased address is kept, flagged for the
    // team; nothing of it (sender, subject, text) is stored.
    let out = ingest_batch(
        &mut s,
        vec![RawMessage {
            bytes: raw(&Mail::new(
                &format!("Zebulon Again <{WORK}>"),
                TEAM,
                "m-900@plinkcorp.example",
                now - 3600,
            )
            .body("Zebulon writes again about plinkwork")),
            location: None,
            received_at: T0,
            parts: None,
        }],
    )
    .unwrap();
    assert_eq!((out.inserted, out.suppressed), (0, 1));
    assert_eq!(s.candidate_by_address(WORK).unwrap(), None);
    assert_eq!(s.unacknowledged_suppressed_arrivals().unwrap(), 1);
    let after = db_bytes(&s);
    for needle in ["Zebulon", "plinkwork", "m-900@plinkcorp", WORK] {
        assert_eq!(find(&after, needle), None, "{needle:?} was stored");
    }
    for (c, to) in [
        (None, WORK),
        (None, HOME),
        (None, "ZEBULON.QUXWORTHY@quxmail.example"),
    ] {
        let err = enqueue(
            &mut s,
            &outgoing(c, &[to], &[], &format!("again-{to}@team.example")),
            Some(&confirmation()),
            now,
        )
        .unwrap_err();
        assert!(
            matches!(err, SendError::Refused(Refusal::Erased { .. })),
            "{to}: {err}"
        );
    }
}

#[test]
fn erasing_a_person_erases_every_record_merged_into_them() {
    let (_d, mut s) = store();
    let (a, b) = two_candidates(&mut s);
    ingest(
        &mut s,
        &[Mail::new(
            "Cy <cy@c.example>",
            TEAM,
            "c1@c.example",
            T0 - 5 * DAY,
        )],
    );
    let c = cand(&s, "cy@c.example");
    s.merge(a, b, "alice").unwrap();
    s.merge(c, a, "alice").unwrap();
    s.erase(c, "alice", "").unwrap();
    let conn = sql(&s);
    for table in [
        "candidates",
        "candidate_addresses",
        "preferences",
        "interests",
        "ledger",
        "opt_outs",
        "contact_log",
        "messages",
        "merges",
        "threads",
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} still has rows");
    }
    drop(conn);
    for addr in ["ann@a.example", "annie@b.example", "cy@c.example"] {
        assert!(s.suppressed_since(addr).unwrap().is_some(), "{addr}");
    }
    let files = db_bytes(&s);
    for needle in ["Annie L", "Ann Lee", "annie@b", "ann@a.example"] {
        assert_eq!(find(&files, needle), None, "{needle:?} survived");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Property: no mail is queued against an opt-out or to an erased address
// ---------------------------------------------------------------------------------------------

/// splitmix64: small, seedable, good enough to shuffle operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Clone>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())].clone()
    }
}

const PEOPLE: usize = 5;
const TOPICS: [&str; 4] = ["ml", "rust", "sales", "go"];
const SCOPES: [&str; 7] = [
    "all",
    "channel:email",
    "channel:phone",
    "channel:sms",
    "topic:ml",
    "topic:sales",
    "topic:rust",
];

/// Addresses mail comes from or goes to, with the display name they write under.
fn address_pool() -> Vec<(String, String)> {
    let mut v = Vec::new();
    for i in 0..PEOPLE {
        v.push((format!("c{i}@p{i}.example"), format!("Person {i}")));
        // A second address of the same person, joining by name when replying in their thread.
        v.push((format!("c{i}.alt@q.example"), format!("Person {i}")));
    }
    for k in 0..3 {
        v.push((format!("s{k}@x.example"), format!("Stranger {k}")));
    }
    v
}

/// The candidate and every candidate it was merged into, by our own SQL.
fn chain(conn: &rusqlite::Connection, start: i64) -> Vec<i64> {
    let mut v = vec![start];
    loop {
        let next: Option<i64> = conn
            .query_row(
                "SELECT merged_into FROM candidates WHERE id = ?1",
                [*v.last().unwrap()],
                |r| r.get(0),
            )
            .ok()
            .flatten();
        match next {
            Some(n) if !v.contains(&n) => v.push(n),
            _ => return v,
        }
    }
}

/// Active opt-outs that forbid an email about `topics` to any of `candidates`.
fn covering_opt_outs(
    conn: &rusqlite::Connection,
    candidates: &[i64],
    topics: &[String],
) -> Vec<(i64, String)> {
    let mut found = Vec::new();
    for c in candidates {
        let mut st = conn
            .prepare(
                "SELECT id, scope FROM opt_outs WHERE candidate_id = ?1 AND revoked_at IS NULL",
            )
            .unwrap();
        let rows: Vec<(i64, String)> = st
            .query_map([c], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (id, scope) in rows {
            let scope_l = scope.to_lowercase();
            if scope_l == "all"
                || scope_l == "channel:email"
                || topics
                    .iter()
                    .any(|t| scope_l == format!("topic:{}", t.to_lowercase()))
            {
                found.push((*c, format!("opt-out {id} ({scope})")));
            }
        }
    }
    found
}

/// Every candidate a mail concerns: the owners of its recipients and the candidate it is
/// queued for, each with whatever they were merged into.
fn concerned(
    conn: &rusqlite::Connection,
    candidate: Option<i64>,
    recipients: &[String],
) -> Vec<i64> {
    let mut v = Vec::new();
    for r in recipients {
        let owner: Option<i64> = conn
            .query_row(
                "SELECT candidate_id FROM candidate_addresses WHERE address = ?1",
                [r.trim().to_lowercase()],
                |r| r.get(0),
            )
            .ok();
        if let Some(o) = owner {
            v.extend(chain(conn, o));
        }
    }
    if let Some(c) = candidate {
        v.extend(chain(conn, c));
    }
    v.sort();
    v.dedup();
    v
}

fn suppressed(s: &Store, conn: &rusqlite::Connection, r: &str) -> bool {
    let h = s.address_hash(r).unwrap();
    conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM suppressions WHERE address_hash = ?1)",
        [h],
        |r| r.get(0),
    )
    .unwrap()
}

fn ids_where(conn: &rusqlite::Connection, q: &str) -> Vec<i64> {
    let mut st = conn.prepare(q).unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The rows that matter to the property, for the failure message.
fn dump(conn: &rusqlite::Connection) -> String {
    let mut out = String::new();
    for q in [
        "SELECT id, merged_into, suppressed FROM candidates",
        "SELECT address, candidate_id FROM candidate_addresses ORDER BY candidate_id",
        "SELECT id, candidate_id, scope, revoked_at IS NULL FROM opt_outs",
        "SELECT id, candidate_id, envelope_to, topics, state FROM outbox",
        "SELECT id, target_id, source_id, undone_at IS NULL FROM merges",
    ] {
        let mut st = conn.prepare(q).unwrap();
        let n = st.column_count();
        let rows: Vec<String> = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        v => format!("{v:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(" | "))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        out += &format!("\n{q}:\n    {}", rows.join("\n    "));
    }
    out
}

/// No queued mail concerns someone with an opt-out covering it.
fn check_queue(s: &Store, conn: &rusqlite::Connection) -> Result<(), String> {
    let mut st = conn
        .prepare("SELECT id, candidate_id, envelope_to, topics FROM outbox WHERE state IN ('queued', 'failed')")
        .unwrap();
    let rows: Vec<(i64, Option<i64>, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (id, c, to, topics) in rows {
        let recipients: Vec<String> = to.split(',').map(|a| a.trim().to_lowercase()).collect();
        let topics: Vec<String> = topics
            .split(',')
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        let who = concerned(conn, c, &recipients);
        let cover = covering_opt_outs(conn, &who, &topics);
        if !cover.is_empty() {
            return Err(format!(
                "outbox {id} (for {c:?}, to {to}, topics {topics:?}) is still queued despite {cover:?}{}",
                dump(conn)
            ));
        }
        if let Some(r) = recipients.iter().find(|r| suppressed(s, conn, r)) {
            return Err(format!(
                "outbox {id} is still queued to the erased address {r}"
            ));
        }
    }
    Ok(())
}

struct World {
    _dir: tempfile::TempDir,
    s: Store,
    /// Our own connection, for reading what the store did.
    db: rusqlite::Connection,
    rng: Rng,
    clock: i64,
    now: i64,
    n: u64,
    log: Vec<String>,
}

impl World {
    fn conn(&self) -> &rusqlite::Connection {
        &self.db
    }
    fn tick(&mut self) {
        self.clock += 3600 * (1 + self.rng.below(30) as i64);
        assert!(self.clock < self.now);
    }
    fn mid(&mut self) -> String {
        self.n += 1;
        format!("g{}@gen.example", self.n)
    }
    fn all_candidates(&self) -> Vec<i64> {
        ids_where(self.conn(), "SELECT id FROM candidates ORDER BY id")
    }
    fn roots(&self) -> Vec<i64> {
        ids_where(
            self.conn(),
            "SELECT id FROM candidates WHERE merged_into IS NULL ORDER BY id",
        )
    }
    fn is_root(&self, c: i64) -> bool {
        self.conn()
            .query_row(
                "SELECT merged_into IS NULL FROM candidates WHERE id = ?1",
                [c],
                |r| r.get(0),
            )
            .unwrap_or(false)
    }
    /// The new message's id, or `None` when it concerns someone erased (only its place is
    /// recorded then; the check below makes sure that is the reason).
    fn ingest_one(&mut self, m: Mail) -> Option<i64> {
        let erased = [&m.from, &m.to, &m.cc]
            .iter()
            .flat_map(|l| l.split(','))
            .filter(|a| !a.trim().is_empty())
            .any(|a| self.s.suppressed_since(bare(a)).unwrap().is_some());
        let out = ingest_batch(
            &mut self.s,
            vec![RawMessage {
                bytes: raw(&m),
                location: None,
                received_at: T0,
                parts: None,
            }],
        )
        .unwrap();
        assert_eq!(
            out.suppressed == 1,
            erased,
            "mail is suppressed exactly when it concerns an erased address"
        );
        out.new_ids.first().copied()
    }
    fn recipient(&mut self) -> String {
        let (a, _) = self.rng.pick(&address_pool());
        match self.rng.below(4) {
            0 => a.to_uppercase(),
            1 => format!(" {a} "),
            _ => a,
        }
    }
    fn topics(&mut self) -> Vec<String> {
        (0..self.rng.below(3))
            .map(|_| self.rng.pick(&TOPICS).to_string())
            .collect()
    }

    fn step(&mut self) -> Result<(), String> {
        self.tick();
        let roots = self.roots();
        let all_ids = self.all_candidates();
        match self.rng.below(22) {
            0..=2 => {
                let c = self.rng.pick(&roots);
                let mut channels: Vec<Channel> = [
                    Channel::Email,
                    Channel::Phone,
                    Channel::Sms,
                    Channel::Linkedin,
                ]
                .into_iter()
                .filter(|_| self.rng.chance(50))
                .collect();
                channels.dedup();
                let frequency = if self.rng.chance(25) {
                    None
                } else {
                    Some(self.rng.pick(&Frequency::ALL))
                };
                let interests: Vec<&str> = TOPICS
                    .iter()
                    .copied()
                    .filter(|_| self.rng.chance(40))
                    .collect();
                let no_channel = self.rng.chance(10);
                let p = prefs(
                    &channels, None, frequency, &interests, None, None, no_channel,
                );
                self.log.push(format!("prefs {c} {p:?}"));
                self.s
                    .set_preferences(c, &p, &recruiter(self.clock))
                    .map_err(|e| e.to_string())?;
            }
            3..=5 => {
                let c = self.rng.pick(&roots);
                let scope = self.rng.pick(&SCOPES);
                let theirs = ids_where(
                    self.conn(),
                    &format!(
                        "SELECT id FROM messages WHERE candidate_id = {c} AND direction = 'inbound'"
                    ),
                );
                let m = if !theirs.is_empty() && self.rng.chance(50) {
                    meta(
                        "alice",
                        self.clock,
                        "message",
                        Some(self.rng.pick(&theirs)),
                        None,
                        "",
                    )
                } else {
                    meta("alice", self.clock, "call-note", None, None, "")
                };
                self.log.push(format!("opt-out {c} {scope}"));
                self.s
                    .record_opt_out(c, &sc(scope), "random", &m)
                    .map_err(|e| e.to_string())?;
            }
            6..=7 => {
                let active = {
                    let conn = self.conn();
                    let mut st = conn
                        .prepare("SELECT id, candidate_id FROM opt_outs WHERE revoked_at IS NULL AND candidate_id IS NOT NULL")
                        .unwrap();
                    st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                        .unwrap()
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .unwrap()
                };
                if active.is_empty() {
                    return Ok(());
                }
                let (opt, c) = self.rng.pick(&active);
                let addrs: Vec<String> = {
                    let conn = self.conn();
                    let mut st = conn
                        .prepare("SELECT address FROM candidate_addresses WHERE candidate_id = ?1")
                        .unwrap();
                    st.query_map([c], |r| r.get(0))
                        .unwrap()
                        .collect::<rusqlite::Result<_>>()
                        .unwrap()
                };
                if addrs.is_empty() {
                    return Ok(());
                }
                let a = self.rng.pick(&addrs);
                let mid = self.mid();
                let clock = self.clock;
                let Some(m) = self
                    .ingest_one(Mail::new(&a, TEAM, &mid, clock).body("Please write to me again."))
                else {
                    return Ok(());
                };
                self.log
                    .push(format!("opt-in {opt} of {c} with message {m} from {a}"));
                self.s
                    .revoke_opt_out(
                        opt,
                        &meta("bob", self.clock, "candidate", Some(m), Some("consent"), ""),
                    )
                    .map_err(|e| format!("a valid opt-in was refused: {e}"))?;
            }
            8..=9 => {
                let (a, b) = (self.rng.pick(&all_ids), self.rng.pick(&all_ids));
                let ok = a != b && self.is_root(a) && self.is_root(b);
                self.log
                    .push(format!("merge {b} into {a} (expected ok: {ok})"));
                let r = self.s.merge(a, b, "alice");
                if r.is_ok() != ok {
                    return Err(format!("merge {b} into {a}: {r:?}, expected ok: {ok}"));
                }
            }
            10..=11 => {
                // Undo the last merge into someone who has one (perhaps merged on since).
                let targets = ids_where(
                    self.conn(),
                    "SELECT DISTINCT target_id FROM merges WHERE undone_at IS NULL",
                );
                if targets.is_empty() {
                    return Ok(());
                }
                let c = self.rng.pick(&targets);
                if let Some(m) = self.s.last_merge(c).unwrap() {
                    let ok = self.is_root(c);
                    self.log
                        .push(format!("unmerge {m} of {c} (expected ok: {ok})"));
                    let r = self.s.unmerge(m, "alice");
                    if r.is_ok() != ok {
                        return Err(format!("unmerge {m}: {r:?}, expected ok: {ok}"));
                    }
                }
            }
            12 => {
                let c = self.rng.pick(&roots);
                let e = contact(
                    self.rng
                        .pick(&[Channel::Phone, Channel::Linkedin, Channel::Sms]),
                    self.rng.pick(&[Direction::Inbound, Direction::Outbound]),
                    self.rng
                        .pick(&[Outcome::Talked, Outcome::Voicemail, Outcome::Delivered]),
                    self.clock,
                    "",
                );
                self.log.push(format!("contact {c} {e:?}"));
                self.s.log_contact(c, &e).map_err(|e| e.to_string())?;
            }
            13..=14 => {
                let (a, name) = self.rng.pick(&address_pool());
                let mid = self.mid();
                let earlier = ids_where(self.conn(), "SELECT id FROM messages");
                let refs = if !earlier.is_empty() && self.rng.chance(60) {
                    let id = self.rng.pick(&earlier);
                    let m: String = self
                        .conn()
                        .query_row("SELECT message_id FROM messages WHERE id = ?1", [id], |r| {
                            r.get(0)
                        })
                        .unwrap();
                    format!("<{m}>")
                } else {
                    String::new()
                };
                let clock = self.clock;
                let m = if self.rng.chance(70) {
                    Mail::new(&format!("{name} <{a}>"), TEAM, &mid, clock)
                } else {
                    Mail::new(ALICE, &format!("{name} <{a}>"), &mid, clock)
                };
                let line = format!("mail {} -> {} refs {refs:?}", m.from, m.to);
                let Some(id) = self.ingest_one(m.refs(&refs)) else {
                    self.log
                        .push(format!("{line}: suppressed (erased address)"));
                    return Ok(());
                };
                let c: Option<i64> = self
                    .conn()
                    .query_row(
                        "SELECT candidate_id FROM messages WHERE id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .unwrap();
                self.log
                    .push(format!("{line}: message {id} of candidate {c:?}"));
            }
            15..=20 => {
                let c = if self.rng.chance(20) {
                    None
                } else {
                    Some(self.rng.pick(&all_ids))
                };
                let to: Vec<String> = (0..1 + self.rng.below(2))
                    .map(|_| self.recipient())
                    .collect();
                let topics = self.topics();
                let mid = self.mid();
                // Through the use case, as the TUI and the CLI send: the topics come from a
                // snippet's tags or are named by hand.
                // (A To field is trimmed per address, as the editor's header is.)
                let field: Vec<&str> = to.iter().map(|a| a.trim()).collect();
                let mut draft = queue::new_draft(&field.join(", "));
                draft.body = format!("Hi ({mid})\n");
                if self.rng.chance(50) {
                    let tags = format!("tags: {}\nA role\n", topics.join(", "));
                    let snippet = rapport_core::mail_out::templates::parse("s", &tags);
                    queue::apply_template(&mut draft, &snippet, &Default::default());
                } else {
                    draft.topics.extend(&topics);
                }
                let identity = rapport_core::mail_out::compose::Sender {
                    team: "Team".into(),
                    shared_address: TEAM.into(),
                    recruiter_name: "alice".into(),
                    ..Default::default()
                };
                let limit = queue::Limit {
                    bytes: 1 << 20,
                    source: "test".into(),
                };
                let built = queue::build(&identity, &draft, &limit).map_err(|e| e.to_string())?;
                let r = queue::queue(
                    &mut self.s,
                    &queue::Request {
                        candidate: c,
                        identity: &identity,
                        message: &built,
                        actor: "alice",
                        opened_at: None,
                        confirm: Some(&confirmation()),
                    },
                    self.now,
                );
                self.log
                    .push(format!("send for {c:?} to {to:?} about {topics:?}: {r:?}"));
                let conn = self.conn();
                let who = concerned(conn, c, &to);
                let cover = covering_opt_outs(conn, &who, &topics);
                let erased: Vec<&String> =
                    to.iter().filter(|r| suppressed(&self.s, conn, r)).collect();
                match r {
                    Ok(_) => {
                        if !cover.is_empty() {
                            return Err(format!("queued despite {cover:?}"));
                        }
                        if !erased.is_empty() {
                            return Err(format!("queued to erased {erased:?}"));
                        }
                    }
                    Err(SendError::Refused(why)) => {
                        if cover.is_empty() && erased.is_empty() {
                            return Err(format!("refused without cause: {why:?}"));
                        }
                    }
                    Err(e) => return Err(format!("send failed: {e}")),
                }
            }
            _ => {
                let with_addr = ids_where(
                    self.conn(),
                    "SELECT DISTINCT c.id FROM candidates c JOIN candidate_addresses a ON a.candidate_id = c.id WHERE c.merged_into IS NULL",
                );
                if with_addr.is_empty() || !self.rng.chance(30) {
                    return Ok(());
                }
                let c = self.rng.pick(&with_addr);
                self.log.push(format!("erase {c}"));
                self.s.erase(c, "alice", "").map_err(|e| e.to_string())?;
            }
        }
        check_queue(&self.s, self.conn())
    }
}

fn run_seed(seed: u64, ops: usize, log: &std::cell::RefCell<Vec<String>>) {
    let (dir, s) = store();
    let now = rapport_core::store::now();
    let mut w = World {
        _dir: dir,
        db: sql(&s),
        s,
        rng: Rng(seed),
        // Each operation moves the clock by at most 30 hours; everything stays in the past.
        clock: now - (ops as i64 + 1) * 31 * 3600,
        now,
        n: 0,
        log: Vec::new(),
    };
    for i in 0..PEOPLE {
        let clock = w.clock;
        w.ingest_one(Mail::new(
            &format!("Person {i} <c{i}@p{i}.example>"),
            TEAM,
            &format!("init-{i}@p{i}.example"),
            clock,
        ));
    }
    for op in 0..ops {
        let r = w.step();
        log.borrow_mut().clone_from(&w.log);
        if let Err(e) = r {
            panic!("seed {seed}, operation {op}: {e}");
        }
    }
}

/// 300 sequences of 40 random operations over five people (and their second addresses and a
/// few strangers). Sends go through the queue use case, with topics from a snippet's tags or
/// named by hand. After each operation no queued mail may concern anyone with an opt-out
/// covering it; every send that goes through must be allowed by our own reading of the
/// database, and every refusal must have a cause there. Environment: `RELTEST_SEED=n` runs
/// one seed, `RELTEST_SEEDS=n` the first n, `RELTEST_OPS=n` sets the sequence length.
#[test]
fn property_no_mail_is_queued_against_an_opt_out_or_to_an_erased_address() {
    let env = |k: &str, default: u64| -> u64 {
        std::env::var(k)
            .map(|v| v.parse().unwrap_or_else(|_| panic!("{k} is a number")))
            .unwrap_or(default)
    };
    let seeds: Vec<u64> = match std::env::var("RELTEST_SEED") {
        Ok(_) => vec![env("RELTEST_SEED", 0)],
        Err(_) => (1..=env("RELTEST_SEEDS", 300)).collect(),
    };
    let ops = env("RELTEST_OPS", 40) as usize;
    for seed in seeds {
        let log = std::cell::RefCell::new(Vec::new());
        let r =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_seed(seed, ops, &log)));
        if r.is_err() {
            let log = log.borrow();
            panic!(
                "property failed for seed {seed} (rerun: RELTEST_SEED={seed} cargo test --test relationships property); operations:\n  {}",
                log.join("\n  ")
            );
        }
    }
}

#[test]
fn queued_mail_follows_the_person_through_merges_and_new_addresses() {
    let (_d, mut s) = store();
    let now = rapport_core::store::now();
    let (a, b) = two_candidates(&mut s);
    s.record_opt_out(a, &sc("all"), "no contact", &recruiter(T0))
        .unwrap();
    // Queued to Annie before anyone knew she is Ann.
    enqueue(
        &mut s,
        &outgoing(Some(b), &["annie@b.example"], &[], "x1@team.example"),
        None,
        now,
    )
    .unwrap();
    // Queued to an address nobody knew: it gets a conversation of its own.
    enqueue(
        &mut s,
        &outgoing(None, &["ann.lee@c.example"], &[], "x2@team.example"),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    let c = cand(&s, "ann.lee@c.example");
    assert_ne!(c, a);
    assert!(states(&s).values().all(|(st, _)| st == "queued"));

    s.merge(a, b, "alice").unwrap();
    assert_eq!(
        states(&s)["x1@team.example"].0,
        "cancelled",
        "Ann's opt-out covers Annie now"
    );
    assert_eq!(states(&s)["x2@team.example"].0, "queued");

    // A screen still holding Annie's old id cannot get around Ann's opt-out.
    let err = enqueue(
        &mut s,
        &outgoing(Some(b), &["someone@else.example"], &[], "x3@team.example"),
        Some(&confirmation()),
        now,
    )
    .unwrap_err();
    assert!(
        matches!(err, SendError::Refused(Refusal::OptedOut { .. })),
        "{err}"
    );

    // The unknown address turns out to be Ann's too.
    s.merge(a, c, "alice").unwrap();
    assert_eq!(
        states(&s)["x2@team.example"].0,
        "cancelled",
        "mail queued to her new address"
    );

    // Mail queued to Bob with another address in copy, which nobody knows yet...
    ingest(
        &mut s,
        &[Mail::new(
            "Bob Roe <bob@r.example>",
            TEAM,
            "bob1@r.example",
            T0 - 2 * DAY,
        )],
    );
    let bob = cand(&s, "bob@r.example");
    enqueue(
        &mut s,
        &outgoing(
            Some(bob),
            &["bob@r.example", "a.lee@d.example"],
            &[],
            "x4@team.example",
        ),
        Some(&confirmation()),
        now,
    )
    .unwrap();
    assert_eq!(s.candidate_by_address("a.lee@d.example").unwrap(), None);
    // ...until Ann answers from it in her thread: it is hers, and her opt-out covers it.
    ingest(
        &mut s,
        &[
            Mail::new("Ann Lee <a.lee@d.example>", TEAM, "a4@d.example", T0 - 3600)
                .subject("Re: Rust role")
                .refs("<a1@a.example> <a2@team.example>"),
        ],
    );
    assert_eq!(cand(&s, "a.lee@d.example"), a);
    assert_eq!(
        states(&s)["x4@team.example"].0,
        "cancelled",
        "mail queued to the address that joined her"
    );
}
