//! The relationship forms and banners in the TUI, over the demo mailbox.

mod common;

use common::*;
use rapport::ui::action::{Action, Bound};
use rapport::ui::state::{Mode, State};
use rapport::ui::update::update;
use rapport_core::model::Channel;
use rapport_core::values::{ChangeSource, OptOutScope};

fn clear_text(s: &mut State) {
    for _ in 0..80 {
        update(s, Action::FormBackspace);
    }
}

fn focus_field(s: &mut State, label: &str) {
    for _ in 0..20 {
        if let Mode::Form(f) = &s.mode
            && f.fields[f.focus].label == label
        {
            return;
        }
        key(s, Bound::NextField);
    }
    panic!("no field {label}");
}

fn form_error(s: &State) -> Option<String> {
    match &s.mode {
        Mode::Form(f) => f.error.clone(),
        _ => None,
    }
}

#[test]
fn preferences_form_saves_and_the_history_shows_who_changed_what() {
    let (_d, mut s) = demo_state(80, 24);
    s.actor = "Alice Moreau".into();
    // Someone with nothing recorded yet.
    while s.profile.as_ref().is_some_and(|p| p.preferences.is_some()) {
        key(&mut s, Bound::Next);
    }
    key(&mut s, Bound::EditPreferences);
    assert!(matches!(s.mode, Mode::Form(_)));
    insta::assert_snapshot!("preferences_form_80x24", screen(&s));
    // Channels: tick email (cursor on it) and phone.
    focus_field(&mut s, "Channels");
    key(&mut s, Bound::Toggle);
    key(&mut s, Bound::NextOption);
    key(&mut s, Bound::Toggle);
    focus_field(&mut s, "Frequency");
    for _ in 0..3 {
        key(&mut s, Bound::NextOption);
    }
    focus_field(&mut s, "Interests");
    clear_text(&mut s);
    type_form(&mut s, "Rust, remote");
    focus_field(&mut s, "Note");
    type_form(&mut s, "asked on the phone");
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal, "{:?}", form_error(&s));
    let p = s.profile.clone().unwrap().preferences.unwrap();
    assert_eq!(p.interests, vec!["remote", "rust"]);
    assert_eq!(p.frequency, Some(rapport_core::model::Frequency::Monthly));
    key(&mut s, Bound::History);
    assert!(s.ledger.iter().any(|e| e.field == "interests"
        && e.actor == "Alice Moreau"
        && e.note == "asked on the phone"));
    key(&mut s, Bound::ToggleProfile);
    key(&mut s, Bound::Open);
    let out = screen(&s);
    assert!(
        out.contains("History") && out.contains("frequency: - → monthly"),
        "{out}"
    );
}

#[test]
fn a_bad_time_zone_is_refused_in_the_form() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::EditPreferences);
    focus_field(&mut s, "Time zone");
    clear_text(&mut s);
    type_form(&mut s, "Mars/Olympus");
    key(&mut s, Bound::Submit);
    let e = form_error(&s).expect("refused");
    assert!(e.contains("Mars/Olympus"), "{e}");
    assert!(screen(&s).contains("unknown time zone"));
    key(&mut s, Bound::Cancel);
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn logging_a_call_puts_it_in_the_timeline_and_a_talk_ends_the_wait() {
    let (_d, mut s) = demo_state(80, 24);
    let waiting_before = s.total;
    let who = s.selected_row().unwrap().id;
    key(&mut s, Bound::LogContact);
    focus_field(&mut s, "Note");
    type_form(&mut s, "Discussed the Rust role");
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal, "{:?}", form_error(&s));
    // A call where we talked answers them: they stay on screen until the recruiter moves on,
    // then leave "awaiting reply".
    assert_eq!(s.selected_row().unwrap().id, who);
    key(&mut s, Bound::Next);
    rapport::ui::update::reload_list(&mut s);
    assert_eq!(s.total, waiting_before - 1);
    rapport::ui::update::update(&mut s, Action::Key(Bound::FilterAll));
    let i = s.rows.iter().position(|r| r.id == who).unwrap();
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    let text: String = s.conv_lines.iter().map(|l| l.to_string() + "\n").collect();
    assert!(
        text.contains("◆ phone → · talked") && text.contains("Discussed the Rust role"),
        "{text}"
    );
}

#[test]
fn opt_out_needs_a_reason_then_marks_the_candidate() {
    let (_d, mut s) = demo_state(80, 24);
    let name = s.profile.clone().unwrap().name;
    key(&mut s, Bound::OptOut);
    key(&mut s, Bound::Submit);
    assert!(form_error(&s).unwrap().contains("reason"));
    focus_field(&mut s, "Reason");
    type_form(&mut s, "asked on the phone");
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal);
    key(&mut s, Bound::FilterOptedOut);
    assert!(s.rows.iter().any(|r| r.name == name && r.opted_out));
    assert!(screen(&s).contains(&format!("⊘ {name}")));
}

#[test]
fn merge_and_undo_from_the_keyboard() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    let total = s.total;
    let a = s.selected_row().unwrap().clone();
    key(&mut s, Bound::Merge);
    assert!(s.notice.as_deref().unwrap().contains("marked"));
    key(&mut s, Bound::Next);
    let b = s.selected_row().unwrap().clone();
    key(&mut s, Bound::Merge);
    assert!(
        matches!(&s.mode, Mode::Form(f) if f.intro[0].contains(&a.name) && f.intro[0].contains(&b.name))
    );
    key(&mut s, Bound::Submit);
    assert_eq!(s.total, total - 1);
    let p = s.profile.clone().unwrap();
    assert_eq!(p.id, b.id);
    assert!(p.addresses.contains(&a.address) && p.addresses.contains(&b.address));
    key(&mut s, Bound::UndoMerge);
    assert_eq!(s.total, total);
    assert!(!s.profile.clone().unwrap().addresses.contains(&a.address));
}

#[test]
fn erase_needs_the_typed_address() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    let total = s.total;
    let row = s.selected_row().unwrap().clone();
    key(&mut s, Bound::Erase);
    type_form(&mut s, "wrong@example.test");
    key(&mut s, Bound::Submit);
    assert!(form_error(&s).unwrap().contains(&row.address));
    clear_text(&mut s);
    type_form(&mut s, &row.address);
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.total, total - 1);
    assert!(
        s.store
            .candidate_by_address(&row.address)
            .unwrap()
            .is_none()
    );
    assert!(s.store.suppressed_since(&row.address).unwrap().is_some());
}

#[test]
fn snapshot_profile_with_history_80x24() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    while s.profile.as_ref().is_some_and(|p| p.preferences.is_none()) && s.selected + 1 < s.total {
        key(&mut s, Bound::Next);
    }
    key(&mut s, Bound::History);
    key(&mut s, Bound::ToggleProfile);
    key(&mut s, Bound::Open);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn an_unsubscribe_reply_shows_a_banner_and_one_key_records_it() {
    let (_d, mut s) = demo_state(80, 24);
    let i = s
        .rows
        .iter()
        .position(|r| r.optout_request)
        .expect("the demo has an unsubscribe reply waiting");
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    assert!(screen(&s).contains("! "), "the inbox marks the request");
    key(&mut s, Bound::Open);
    let out = screen(&s);
    assert!(out.contains("⚠ Asked to stop"), "{out}");
    insta::assert_snapshot!("optout_banner_80x24", out);
    let c = s.profile.clone().unwrap();
    key(&mut s, Bound::AcceptOptOut);
    let p = s.store.profile(c.id).unwrap().unwrap();
    assert!(p.opted_out(), "recorded");
    assert_eq!(p.optout_request, None, "banner settled");
    let o = &p.opt_outs[0];
    assert_eq!(o.source, ChangeSource::Message);
    assert_eq!(o.reason, c.optout_request.unwrap().1.evidence);
    // Opted out of everything: no longer waiting (they stay on screen until we move on),
    // and the list says "never".
    assert!(s.notice.as_deref().unwrap().contains("opt-out recorded"));
    let row = s.rows.iter().find(|r| r.id == c.id).unwrap();
    assert!(row.waiting_since.is_none());
    key(&mut s, Bound::Back);
    key(&mut s, Bound::Next);
    rapport::ui::update::reload_list(&mut s);
    assert!(!s.rows.iter().any(|r| r.id == c.id));
    key(&mut s, Bound::FilterAll);
    let row = s.rows.iter().find(|r| r.id == c.id).unwrap();
    assert!(row.opted_out && row.waiting_since.is_none());
    assert_eq!(row.next_contact, Some(-2));
}

#[test]
fn dismissing_the_banner_keeps_them_contactable() {
    let (_d, mut s) = demo_state(80, 24);
    let i = s.rows.iter().position(|r| r.optout_request).unwrap();
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    let c = s.profile.clone().unwrap().id;
    key(&mut s, Bound::DismissOptOut);
    let p = s.store.profile(c).unwrap().unwrap();
    assert!(!p.opted_out() && p.optout_request.is_none());
}

/// The scope a candidate asked for is the one read at ingest: accepting the banner records it
/// even when their request is older than the conversation the inbox loads (it used to be read
/// again from the loaded messages, and a request beyond them stopped all contact).
#[test]
fn accepting_a_request_records_the_scope_read_at_ingest() {
    use rapport::ui::state::CONVERSATION_LIMIT;
    use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
    let (_d, mut store) = store_with_team("talent@example.test", "alice@example.test");
    let mail = |i: usize, body: &str| {
        let date = format!("Mon, 02 Nov 2026 {:02}:{:02}:00 +0000", 8 + i / 60, i % 60);
        RawMessage {
            bytes: format!(
                "From: Nora Quist <nora@example.test>\nTo: talent@example.test\nSubject: Re: roles\n\
                 Message-ID: <n{i}@example.test>\nDate: {date}\nContent-Type: text/plain\n\n{body}\n"
            )
            .into_bytes(),
            location: None,
            received_at: ANCHOR,
            parts: None,
        }
    };
    let mut batch = vec![mail(0, "Please don't call me anymore.")];
    batch.extend((1..=CONVERSATION_LIMIT).map(|i| mail(i, "More about the role, thanks.")));
    ingest_batch(&mut store, batch).unwrap();
    let mut s = state_over(store, 80, 24);
    key(&mut s, Bound::FilterAll);
    let c = s.profile.clone().unwrap();
    assert_eq!(c.name, "Nora Quist");
    let (_, request) = c.optout_request.clone().expect("the banner is up");
    assert_eq!(request.scope, OptOutScope::Channel(Channel::Phone));
    key(&mut s, Bound::Open);
    key(&mut s, Bound::AcceptOptOut);
    let p = s.store.profile(c.id).unwrap().unwrap();
    assert_eq!(p.optout_request, None, "banner settled");
    assert_eq!(p.opt_outs.len(), 1);
    assert_eq!(p.opt_outs[0].scope, OptOutScope::Channel(Channel::Phone));
    assert!(
        !p.opted_out(),
        "email stays allowed: they asked not to be called"
    );
}

/// Over the demo: `A` asks the first candidate waiting, and their numbered answer (a reply to
/// the question mail) arrives as at sync. Returns them.
fn asked_and_answered(d: &tempfile::TempDir, s: &mut State) -> rapport_core::store::InboxRow {
    use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
    s.actor = "Tess Tester".into();
    s.data_dir = Some(d.path().to_owned());
    s.identity = Some(rapport_core::mail_out::compose::Sender {
        team: "Northwind Talent".into(),
        shared_address: rapport_demo::SHARED_ADDRESS.into(),
        recruiter_name: "Tess Tester".into(),
        ..Default::default()
    });
    let who = s.selected_row().unwrap().clone();
    let then = key(s, Bound::Ask);
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.contains("question mail (en) queued"), "{n}");
    assert_eq!(then, vec![rapport::ui::state::Command::Deliver]);
    let asked = s
        .conversation
        .as_ref()
        .unwrap()
        .messages
        .iter()
        .rev()
        .find(|m| m.subject.contains("How would you like to hear from us"))
        .expect("the question mail is in the conversation")
        .message_id
        .clone();
    let reply = message::Mail::new(
        &format!("{} <{}>", who.name, who.address),
        rapport_demo::SHARED_ADDRESS,
        "answer-1@example.test",
        ANCHOR + 600,
    )
    .subject("Re: How would you like to hear from us?")
    .refs(&asked)
    .body("1 email only 2 every three months 3 rust, remote");
    ingest_batch(
        &mut s.store,
        vec![RawMessage {
            bytes: reply.raw(),
            location: None,
            received_at: ANCHOR + 600,
            parts: None,
        }],
    )
    .unwrap();
    update(s, Action::DataChanged);
    who
}

/// `A` asks the selected candidate by mail through the queue; their numbered reply to it,
/// read at sync, shows the "They answered" banner; `Y` records it citing their message.
#[test]
fn asking_by_mail_then_their_answer_shows_a_banner_and_one_key_records_it() {
    let (d, mut s) = demo_state(80, 24);
    let who = asked_and_answered(&d, &mut s);
    assert_eq!(s.profile.as_ref().unwrap().id, who.id, "still on them");
    key(&mut s, Bound::Open);
    let out = screen(&s);
    assert!(
        out.contains("✉ They answered: email only · every three months · remote, rust"),
        "{out}"
    );
    key(&mut s, Bound::AcceptAnswer);
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.contains("their answer is recorded"), "{n}");
    assert!(!screen(&s).contains("They answered"), "the banner goes");
    let prefs = s.store.preferences(who.id).unwrap().unwrap();
    assert_eq!(prefs.channels, vec![Channel::Email]);
    assert_eq!(prefs.interests, vec!["remote", "rust"]);
    let theirs = s
        .conversation
        .as_ref()
        .unwrap()
        .messages
        .iter()
        .find(|m| m.message_id.contains("answer-1@example.test"))
        .unwrap()
        .id;
    let ledger = s.store.ledger(who.id).unwrap();
    assert!(
        ledger.iter().any(|e| e.field == "channels"
            && e.source == ChangeSource::Candidate
            && e.source_message_id == Some(theirs)),
        "{ledger:?}"
    );
}

/// Over the in-memory fake at a fixed time: Dee answered the question mail and asked for a
/// copy of her data; the team has one more request open.
fn answered_with_requests() -> State<common::fake::Fake> {
    use common::fake::{Fake, Person};
    const NOW: i64 = 1_790_000_000;
    let mut fake = Fake::new(vec![
        Person::waiting(7, "Dee Ramos", NOW - 3 * 3600)
            .answering("1 email only 2 every three months 3 rust, remote"),
        Person::waiting(8, "Eli Park", NOW - 3600),
    ]);
    for (id, name, kind) in [
        (7, "Dee Ramos", rapport_core::values::DataRequestKind::Copy),
        (
            8,
            "Eli Park",
            rapport_core::values::DataRequestKind::Erasure,
        ),
    ] {
        fake.requests.push(rapport_core::store::DataRequest {
            id,
            candidate_id: id,
            name: name.into(),
            address: format!("{id}@example.test"),
            kind,
            via: "preference page".into(),
            at: NOW - 2 * 86_400,
            due_at: NOW + 28 * 86_400,
            resolved_at: None,
            resolved_by: None,
            resolution: None,
        });
    }
    let mut s = State::new(
        fake,
        rapport::ui::keymap::Keymap::defaults(),
        rapport::ui::theme::Theme::plain(),
        "Northwind Talent".into(),
        jiff::tz::TimeZone::UTC,
        NOW,
    );
    update(&mut s, Action::Resize(80, 24));
    rapport::ui::update::reload_list(&mut s);
    s
}

#[test]
fn the_answer_banner_and_data_requests_at_80x24() {
    let mut s = answered_with_requests();
    update(&mut s, Action::Key(Bound::Open));
    let out = screen(&s);
    assert!(out.contains("2 data requests due"), "{out}");
    assert!(
        out.contains("Y accept all · I edit first · D dismiss"),
        "{out}"
    );
    insta::assert_snapshot!("answer_banner_80x24", out);
    update(&mut s, Action::Key(Bound::ToggleProfile));
    let out = screen(&s);
    assert!(
        out.contains("Asked for a copy of their data on 19 Sep 2026 — due 19 Oct"),
        "{out}"
    );
    insta::assert_snapshot!("answer_and_request_in_profile_80x24", out);
}

/// A candidate asked for a copy of their data on their preference page: the title bar counts
/// it, the profile says when it is due and that `E` exports it; exporting settles it.
#[test]
fn a_request_for_a_copy_shows_on_the_profile_until_e_exports_it() {
    use rapport_core::values::DataRequestKind;
    let (d, mut s) = demo_state(80, 24);
    let who = s.selected_row().unwrap().clone();
    s.store
        .add_data_request(
            who.id,
            DataRequestKind::Copy,
            "preference page",
            ANCHOR - 86_400,
            ANCHOR + 29 * 86_400,
            "candidate",
        )
        .unwrap();
    update(&mut s, Action::DataChanged);
    key(&mut s, Bound::ToggleProfile);
    let out = screen(&s);
    assert!(out.contains("· 1 data request due"), "{out}");
    assert!(
        out.contains("Asked for a copy of their data on 19 Nov 2026 — due 19 Dec 2026; E"),
        "{out}"
    );
    key(&mut s, Bound::Export);
    clear_text(&mut s);
    let file = d.path().join("export.json");
    type_form(&mut s, file.to_str().unwrap());
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal, "{:?}", s.notice);
    assert!(file.exists());
    let out = screen(&s);
    assert!(!out.contains("data request"), "settled: {out}");
    assert!(s.store.open_data_requests().unwrap().is_empty());
}

/// `I` opens their answer in the preferences form; what the recruiter corrects is saved, with
/// their message as the source, and the banner goes.
#[test]
fn editing_their_answer_saves_the_correction_citing_their_message() {
    let (d, mut s) = demo_state(80, 24);
    let who = asked_and_answered(&d, &mut s);
    key(&mut s, Bound::EditAnswer);
    assert!(matches!(s.mode, Mode::Form(_)));
    // Channels: email is ticked from their answer; phone too, as they also said on a call.
    key(&mut s, Bound::NextOption);
    key(&mut s, Bound::Toggle);
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal, "{:?}", s.notice);
    let prefs = s.store.preferences(who.id).unwrap().unwrap();
    assert_eq!(prefs.channels, vec![Channel::Email, Channel::Phone]);
    assert_eq!(prefs.interests, vec!["remote", "rust"]);
    assert!(s.store.answer_request(who.id).unwrap().is_none());
    let ledger = s.store.ledger(who.id).unwrap();
    let channels = ledger
        .iter()
        .rfind(|e| e.field == "channels")
        .expect("channels changed");
    assert_eq!(channels.source, ChangeSource::Candidate);
    assert!(channels.source_message_id.is_some());
    assert_eq!(channels.new_value.as_deref(), Some("email,phone"));
}
