//! Replying from the TUI: built-in editor, external editor hand-over, unchanged drafts,
//! refusals, and the delivery state in the conversation.

mod common;

use common::*;
use rapport::ui::action::{Action, Bound};
use rapport::ui::state::{Command, Mode, State};
use rapport::ui::update::update;

fn sender(s: &mut State) {
    s.actor = "Tess Tester".into();
    s.identity = Some(rapport_core::mail_out::compose::Sender {
        team: "Northwind Talent".into(),
        shared_address: rapport_demo::SHARED_ADDRESS.into(),
        recruiter_name: "Tess Tester".into(),
        ..Default::default()
    });
}

fn conversation_text(s: &State) -> String {
    s.conv_lines.iter().map(|l| l.to_string() + "\n").collect()
}

#[test]
fn built_in_editor_reply_is_queued_and_shown_at_once() {
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    let who = s.selected_row().unwrap().clone();
    assert!(key(&mut s, Bound::Reply).is_empty());
    let Mode::Compose(ta) = &s.mode else {
        panic!("built-in editor expected")
    };
    assert!(
        ta.lines()[0].starts_with(&format!("Answering: {}", who.name)),
        "the header names the message answered: {:?}",
        ta.lines()
    );
    assert!(ta.lines()[1].starts_with("To: "), "{:?}", ta.lines());
    assert!(ta.lines().iter().any(|l| l.starts_with("Subject: Re: ")));
    assert!(
        ta.lines().iter().any(|l| l.starts_with("> ")),
        "the parent is quoted"
    );
    insta::assert_snapshot!("compose_80x24", screen(&s));
    type_in_editor(&mut s, "Thanks, Tuesday at 10 works for me.\n");
    assert!(
        key(&mut s, Bound::Submit).is_empty(),
        "the editor closes on the review"
    );
    let lines = review_lines(&s);
    assert!(
        lines
            .iter()
            .any(|l| l == &format!("To:      {}", who.address)),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.contains("their wishes allow it")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "│ Thanks, Tuesday at 10 works for me."),
        "{lines:?}"
    );
    let out = key(&mut s, Bound::Submit);
    assert_eq!(out, vec![Command::Deliver], "{:?}", s.notice);
    assert_eq!(s.mode, Mode::Normal);
    let outbox = s.store.outbox().unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].to, who.address);
    assert_eq!(outbox[0].state, rapport_core::values::OutboxState::Queued);
    // Back to the same candidate (now answered, so shown under "all").
    key(&mut s, Bound::FilterAll);
    let i = s.rows.iter().position(|r| r.id == who.id).unwrap();
    for _ in 0..i {
        key(&mut s, Bound::Next);
    }
    let text = conversation_text(&s);
    assert!(
        text.contains("Tess Tester (Northwind Talent) [queued]"),
        "{text}"
    );
    assert!(
        text.contains("Thanks, Tuesday at 10 works for me."),
        "{text}"
    );
}

#[test]
fn external_editor_unchanged_sends_nothing_and_keeps_the_draft() {
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    s.editor = Some("vi".into());
    let out = key(&mut s, Bound::Reply);
    let [Command::Edit(text)] = out.as_slice() else {
        panic!("{out:?}")
    };
    let text = text.clone();
    act(&mut s, Action::EditorDone(Ok(text.clone())));
    assert!(s.notice.as_deref().unwrap().contains("nothing changed"));
    assert!(s.store.outbox().unwrap().is_empty());
    // r reopens the saved draft; an edit then sends it.
    let out = key(&mut s, Bound::Reply);
    let [Command::Edit(again)] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert_eq!(*again, text);
    let edited = text.replacen("\n\n", "\n\nSee you Tuesday!\n", 1);
    assert!(act(&mut s, Action::EditorDone(Ok(edited))).is_empty());
    review_lines(&s);
    let out = key(&mut s, Bound::Submit);
    assert_eq!(out, vec![Command::Deliver], "{:?}", s.notice);
    assert_eq!(s.store.outbox().unwrap().len(), 1);
}

#[test]
fn an_empty_reply_asks_first() {
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    s.editor = Some("vi".into());
    let out = key(&mut s, Bound::Reply);
    let [Command::Edit(text)] = out.as_slice() else {
        panic!()
    };
    // Only the To line changed; no words of our own.
    let edited = text.replacen("Cc: ", "Cc:  ", 1);
    act(&mut s, Action::EditorDone(Ok(edited)));
    let lines = review_lines(&s);
    assert!(
        lines.iter().any(|l| l.contains("no text of your own")),
        "{lines:?}"
    );
    // Enter does not send it: "edit again" is preselected.
    let Mode::Form(f) = &s.mode else { panic!() };
    assert_eq!(f.choice("Then"), 1);
    key(&mut s, Bound::Cancel);
    assert!(s.store.outbox().unwrap().is_empty());
    assert!(s.notice.as_deref().unwrap().contains("draft is kept"));
}

#[test]
fn an_opted_out_candidate_is_refused_and_the_draft_kept() {
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    // Under "all": opting out of everything takes them out of "Awaiting reply".
    key(&mut s, Bound::FilterAll);
    let c = s.selected_row().unwrap().id;
    let meta = rapport_core::store::ChangeMeta {
        actor: "t".into(),
        at: ANCHOR,
        source: rapport_core::values::ChangeSource::CallNote,
        source_message_id: None,
        legal_basis: None,
        note: String::new(),
    };
    s.editor = Some("vi".into());
    let out = key(&mut s, Bound::Reply);
    let [Command::Edit(text)] = out.as_slice() else {
        panic!("{out:?}")
    };
    // They opt out on the phone while the reply is being written.
    s.store
        .record_opt_out(
            c,
            &rapport_core::values::OptOutScope::All,
            "asked on the phone",
            &meta,
        )
        .unwrap();
    rapport::ui::update::reload_list(&mut s);
    let edited = text.replacen("\n\n", "\n\nHello again\n", 1);
    act(&mut s, Action::EditorDone(Ok(edited)));
    let lines = review_lines(&s);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("will be refused") && l.contains("opted out of all contact")),
        "{lines:?}"
    );
    // Enter keeps the draft: "keep as draft" is preselected for a refused message.
    key(&mut s, Bound::Submit);
    let n = s.notice.clone().unwrap();
    assert!(n.contains("draft is kept"), "{n}");
    assert!(s.store.outbox().unwrap().is_empty());
    assert!(s.store.latest_draft(c).unwrap().is_some());
    // From now on r says so at once, before an editor opens.
    assert!(key(&mut s, Bound::Reply).is_empty());
    assert_eq!(s.mode, Mode::Normal);
    let n = s.notice.clone().unwrap();
    assert!(
        n.contains("nothing can be sent") && n.contains("opted out of all contact"),
        "{n}"
    );
}

#[test]
fn a_too_soon_message_needs_a_reason() {
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    key(&mut s, Bound::FilterAll);
    // Someone we wrote to last, with a weekly frequency recorded now.
    while s.selected_row().unwrap().waiting_since.is_some() || s.selected_row().unwrap().opted_out {
        key(&mut s, Bound::Next);
    }
    let c = s.selected_row().unwrap().id;
    let meta = rapport_core::store::ChangeMeta {
        actor: "t".into(),
        at: ANCHOR,
        source: rapport_core::values::ChangeSource::Recruiter,
        source_message_id: None,
        legal_basis: Some(rapport_core::values::LegalBasis::Consent),
        note: String::new(),
    };
    let prefs = rapport_core::model::Preferences {
        frequency: Some(rapport_core::model::Frequency::Quarterly),
        ..Default::default()
    };
    s.store.set_preferences(c, &prefs, &meta).unwrap();
    rapport::ui::update::reload_list(&mut s);
    s.editor = Some("vi".into());
    // Told before writing; Enter writes anyway.
    assert!(key(&mut s, Bound::Compose).is_empty());
    let Mode::Form(f) = &s.mode else {
        panic!("{:?}", s.notice)
    };
    assert!(f.intro[0].contains("too soon"), "{:?}", f.intro);
    let out = key(&mut s, Bound::Submit);
    let [Command::Edit(text)] = out.as_slice() else {
        panic!("{out:?}")
    };
    let edited = text
        .replacen("Subject: ", "Subject: A new role", 1)
        .replacen("\n\n", "\n\nA role you might like.\n", 1);
    act(&mut s, Action::EditorDone(Ok(edited)));
    assert!(
        review_lines(&s)
            .iter()
            .any(|l| l.contains("asks for a reason: too soon"))
    );
    key(&mut s, Bound::Submit);
    let Mode::Form(f) = &s.mode else {
        panic!("{:?}", s.notice)
    };
    assert!(f.intro[0].contains("too soon"), "{:?}", f.intro);
    key(&mut s, Bound::Submit);
    assert!(
        matches!(&s.mode, Mode::Form(f) if f.error.as_deref().unwrap_or("").contains("reason"))
    );
    for ch in "they asked about it".chars() {
        update(&mut s, Action::FormInput(ch));
    }
    assert_eq!(key(&mut s, Bound::Submit), vec![Command::Deliver]);
    let ledger = s.store.ledger(c).unwrap();
    assert!(
        ledger
            .iter()
            .any(|e| e.field == "contact-override" && e.note == "they asked about it")
    );
}

#[test]
fn snippets_matching_their_interests_come_first_and_fill_placeholders() {
    use rapport_core::mail_out::templates::parse;
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    s.editor = Some("vi".into());
    s.templates = vec![
        parse("general", "Hello {first_name}!\n"),
        parse(
            "rust roles",
            "tags: rust\nHi {first_name}, Rust roles from {recruiter}.\n",
        ),
    ];
    key(&mut s, Bound::FilterAll);
    while !s
        .profile
        .as_ref()
        .unwrap()
        .preferences
        .as_ref()
        .is_some_and(|p| p.interests.iter().any(|i| i == "rust"))
    {
        key(&mut s, Bound::Next);
    }
    let first = s
        .profile
        .as_ref()
        .unwrap()
        .name
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    key(&mut s, Bound::Compose);
    let Mode::Form(f) = &s.mode else {
        panic!("picker expected")
    };
    let rapport::ui::form::FieldKind::Choice { options, selected } = &f.fields[0].kind else {
        panic!()
    };
    assert_eq!(options[1], "rust roles [rust]", "{options:?}");
    assert_eq!(
        *selected, 1,
        "the best match for their interests is chosen first"
    );
    // Every snippet is listed, the chosen one previewed.
    let screen = common::screen(&s);
    for o in ["(no snippet)", "▸ rust roles [rust]", "general"] {
        assert!(screen.contains(o), "{o}:\n{screen}");
    }
    assert!(
        screen.contains("│ Hi {first_name}, Rust roles from"),
        "{screen}"
    );
    key(&mut s, Bound::NextField);
    let screen = common::screen(&s);
    assert!(screen.contains("▸ general"), "{screen}");
    assert!(screen.contains("│ Hello {first_name}!"), "{screen}");
    key(&mut s, Bound::PrevField);
    let out = key(&mut s, Bound::Submit);
    let [Command::Edit(text)] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(
        text.contains(&format!("Hi {first}, Rust roles from Tess Tester.")),
        "{text}"
    );
}

#[test]
fn reply_through_the_snippet_picker_without_choosing_one() {
    use rapport_core::mail_out::templates::parse;
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    s.editor = Some("vi".into());
    s.templates = vec![parse("general", "Hello {first_name}!\n")];
    key(&mut s, Bound::Reply);
    assert!(matches!(&s.mode, Mode::Form(_)));
    let out = key(&mut s, Bound::Submit);
    assert!(
        matches!(out.as_slice(), [Command::Edit(_)]),
        "{out:?} {:?} {:?}",
        s.notice,
        s.mode
    );
}

#[test]
fn a_topic_opt_out_refuses_a_snippet_tagged_reply_whose_header_shows_its_topics() {
    use rapport_core::mail_out::templates::parse;
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    s.editor = Some("vi".into());
    s.templates = vec![parse(
        "rust roles",
        "tags: Rust, remote\nHi {first_name}, a Rust role for you.\n",
    )];
    let c = s.selected_row().unwrap().id;
    let meta = rapport_core::store::ChangeMeta {
        actor: "t".into(),
        at: ANCHOR,
        source: rapport_core::values::ChangeSource::CallNote,
        source_message_id: None,
        legal_basis: None,
        note: String::new(),
    };
    s.store
        .record_opt_out(c, &"topic:rust".parse().unwrap(), "no Rust roles", &meta)
        .unwrap();
    rapport::ui::update::reload_list(&mut s);
    key(&mut s, Bound::Reply);
    assert!(matches!(&s.mode, Mode::Form(_)), "picker expected");
    // They are interested in Rust: the snippet is chosen to start with.
    let out = key(&mut s, Bound::Submit);
    let [Command::Edit(text)] = out.as_slice() else {
        panic!("{out:?}")
    };
    // Before sending, the header says what the message is about.
    assert!(text.contains("\nTopics: rust, remote\n"), "{text}");
    let edited = text.replacen("a Rust role for you.", "a Rust role for you!", 1);
    act(&mut s, Action::EditorDone(Ok(edited)));
    let lines = review_lines(&s);
    assert!(
        lines.contains(&"Topics:  rust, remote".to_string()),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("will be refused") && l.contains("opted out of the topic rust")),
        "{lines:?}"
    );
    // Choosing "send" anyway: the queue refuses it and keeps the draft.
    key(&mut s, Bound::PrevOption);
    key(&mut s, Bound::PrevOption);
    key(&mut s, Bound::Submit);
    let n = s.notice.clone().unwrap();
    assert!(
        n.contains("opted out of the topic rust") && n.contains("draft is kept"),
        "{n}"
    );
    assert!(s.store.outbox().unwrap().is_empty());
    // Taking the snippet's tag out of the header does not get around the opt-out, and the
    // reopened draft still shows it.
    let out = key(&mut s, Bound::Reply);
    let [Command::Edit(again)] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(again.contains("\nTopics: rust, remote\n"), "{again}");
    let edited = again.replacen("Topics: rust, remote", "Topics: remote", 1);
    act(&mut s, Action::EditorDone(Ok(edited)));
    let lines = review_lines(&s);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("opted out of the topic rust")),
        "{lines:?}"
    );
    key(&mut s, Bound::Cancel);
    assert!(s.store.outbox().unwrap().is_empty());
    let out = key(&mut s, Bound::Reply);
    let [Command::Edit(kept)] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert!(kept.contains("\nTopics: remote, rust\n"), "{kept}");
}

/// Writing and sending are commands: the keys only ask, and nothing reaches the store (no
/// draft, no queued message) until the runner carries the write out.
#[test]
fn composing_asks_for_writes_and_writes_nothing_itself() {
    use rapport::ui::write::Write;
    let (_d, mut s) = demo_state(80, 24);
    sender(&mut s);
    let c = s.selected_row().unwrap().id;
    let out = update(&mut s, Action::Key(Bound::Reply));
    assert!(
        matches!(out.as_slice(), [Command::Write(Write::CreateDraft { candidate, .. })] if *candidate == c),
        "{out:?}"
    );
    assert!(s.store.latest_draft(c).unwrap().is_none(), "no draft yet");
    // The runner saves it; the editor opens on it.
    assert!(rapport::ui::write::settle(&mut s, out).is_empty());
    assert!(matches!(s.mode, Mode::Compose(_)));
    assert!(s.store.latest_draft(c).unwrap().is_some());
    type_in_editor(&mut s, "Tuesday works.\n");
    let out = update(&mut s, Action::Key(Bound::Submit));
    assert!(
        matches!(out.as_slice(), [Command::Write(Write::SaveDraft { .. })]),
        "{out:?}"
    );
    assert!(rapport::ui::write::settle(&mut s, out).is_empty());
    review_lines(&s);
    let out = update(&mut s, Action::Key(Bound::Submit));
    assert!(
        matches!(out.as_slice(), [Command::Write(Write::Queue { .. })]),
        "{out:?}"
    );
    assert!(s.store.outbox().unwrap().is_empty(), "nothing queued yet");
    assert_eq!(
        rapport::ui::write::settle(&mut s, out),
        vec![Command::Deliver]
    );
    assert_eq!(s.store.outbox().unwrap().len(), 1);
    assert!(s.store.latest_draft(c).unwrap().is_none(), "the draft went");
}

#[test]
fn the_built_in_editor_wraps_long_lines_on_screen_and_sends_them_as_written() {
    use crossterm::event::{KeyCode, KeyEvent};
    let (d, mut s) = demo_state(80, 24);
    sender(&mut s);
    key(&mut s, Bound::Reply);
    // The runner draws before every key; the editor learns its width from the drawing.
    screen(&s);
    let long = "Thanks for getting back to me so quickly. The team would love to talk about \
                the embedded role next week: any afternoon from Tuesday suits us, and a call \
                of half an hour is plenty.";
    type_in_editor(&mut s, long);
    let text = screen(&s);
    insta::assert_snapshot!("compose_wrapped_80x24", text);
    for words in [
        "embedded role next",
        "afternoon from Tuesday",
        "half an hour is plenty.",
    ] {
        assert!(text.contains(words), "wrapped, not cut: {words:?}\n{text}");
    }
    let cursor = |s: &State| match &s.mode {
        Mode::Compose(ta) => (ta.cursor().0, ta.cursor().1),
        m => panic!("the editor expected, got {m:?}"),
    };
    let line_of = |s: &State, row: usize| match &s.mode {
        Mode::Compose(ta) => ta.lines()[row].clone(),
        _ => unreachable!(),
    };
    let (row, col) = cursor(&s);
    assert_eq!(line_of(&s, row), long, "one line of the text");
    assert_eq!(col, long.chars().count());
    // Up goes to the screen row above, inside the same line of text, then to the line above.
    let up = |s: &mut State| {
        update(s, Action::ComposeKey(KeyEvent::from(KeyCode::Up)));
        screen(s);
        cursor(s)
    };
    let (r1, c1) = up(&mut s);
    assert_eq!(r1, row, "still in the long line");
    assert!(c1 < col && c1 > 0, "{c1}");
    let (r2, c2) = up(&mut s);
    assert_eq!(r2, row, "its first screen row");
    assert!(c2 < c1, "{c2} < {c1}");
    update(&mut s, Action::ComposeKey(KeyEvent::from(KeyCode::Down)));
    screen(&s);
    assert_eq!(
        cursor(&s),
        (row, c1),
        "down: the next screen row, same column"
    );
    assert_eq!(up(&mut s), (row, c2));
    // Typing at the cursor lands where it shows: in the first screen row of the line.
    type_in_editor(&mut s, "X");
    assert_eq!(
        line_of(&s, row).chars().nth(c2),
        Some('X'),
        "{:?}",
        line_of(&s, row)
    );
    update(
        &mut s,
        Action::ComposeKey(KeyEvent::from(KeyCode::Backspace)),
    );
    screen(&s);
    assert_eq!(up(&mut s).0, row - 1, "then the line above");
    key(&mut s, Bound::Submit);
    let out = key(&mut s, Bound::Submit);
    assert_eq!(out, vec![Command::Deliver], "{:?}", s.notice);
    let body: String = rusqlite::Connection::open(d.path().join("rapport.db"))
        .unwrap()
        .query_row(
            "SELECT body FROM messages WHERE direction = 'outbound' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        body.lines().any(|l| l == long),
        "the recruiter's line is sent whole, not as it wrapped on screen: {body:?}"
    );
}
