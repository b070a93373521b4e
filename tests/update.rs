//! Pure `update` tests: the UI's state over an in-memory fake of its reads. No database, no
//! files, no terminal: a key goes in, the state and the commands for the runner come out.

mod common;

use common::fake::{Fake, Person};
use rapport::ui::action::{Action, Bound};
use rapport::ui::keymap::Keymap;
use rapport::ui::state::{Command, Focus, Mode, State};
use rapport::ui::theme::Theme;
use rapport::ui::update::{reload_list, update};
use rapport::ui::write::{Finished, Outcome, Write};
use rapport_core::values::OptOutScope;

const NOW: i64 = 1_790_000_000;

fn state(people: Vec<Person>) -> State<Fake> {
    let mut s = State::new(
        Fake::new(people),
        Keymap::defaults(),
        Theme::plain(),
        "Test".into(),
        jiff::tz::TimeZone::UTC,
        NOW,
    );
    update(&mut s, Action::Resize(100, 30));
    reload_list(&mut s);
    s
}

/// Ada waits longest, then Bo, then Cy.
fn three() -> State<Fake> {
    state(vec![
        Person::waiting(1, "Ada", NOW - 3 * 3600),
        Person::waiting(2, "Bo", NOW - 2 * 3600),
        Person::waiting(3, "Cy", NOW - 3600),
    ])
}

fn shown(s: &State<Fake>) -> Option<i64> {
    s.profile.as_ref().map(|p| p.id)
}

fn writes(out: &[Command]) -> Vec<&Write> {
    out.iter()
        .filter_map(|c| match c {
            Command::Write(w) => Some(w),
            _ => None,
        })
        .collect()
}

fn press(s: &mut State<Fake>, b: Bound) -> Vec<Command> {
    update(s, Action::Key(b))
}

fn answer(s: &mut State<Fake>, write: Write, result: Result<Outcome, String>) -> Vec<Command> {
    update(s, Action::Done(Box::new(Finished { write, result })))
}

#[test]
fn the_longest_wait_comes_first_and_moving_shows_the_next_candidate() {
    let mut s = three();
    assert_eq!(s.total, 3);
    assert_eq!(shown(&s), Some(1), "Ada waits longest");
    assert_eq!(s.conversation.as_ref().unwrap().candidate_id, 1);
    assert!(
        press(&mut s, Bound::Next).is_empty(),
        "moving asks nothing of the runner"
    );
    assert_eq!(shown(&s), Some(2));
    assert_eq!(s.conversation.as_ref().unwrap().candidate_id, 2);
    press(&mut s, Bound::Bottom);
    assert_eq!(shown(&s), Some(3));
    press(&mut s, Bound::Next);
    assert_eq!(shown(&s), Some(3), "the last stays selected");
}

#[test]
fn a_search_narrows_the_list_and_cancelling_brings_it_back() {
    let mut s = three();
    press(&mut s, Bound::Search);
    for c in "bo".chars() {
        update(&mut s, Action::SearchInput(c));
    }
    assert_eq!(s.total, 1);
    assert_eq!(shown(&s), Some(2));
    update(&mut s, Action::SearchCancel);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.total, 3);
    assert_eq!(s.search, None);
}

#[test]
fn an_opt_out_is_a_command_and_its_form_waits_for_the_answer() {
    let mut s = three();
    press(&mut s, Bound::OptOut);
    assert!(matches!(s.mode, Mode::Form(_)));
    // Scope stays "everything"; the reason is the next field.
    press(&mut s, Bound::NextField);
    for c in "asked on the phone".chars() {
        update(&mut s, Action::FormInput(c));
    }
    let out = press(&mut s, Bound::Submit);
    let w = writes(&out);
    assert_eq!(w.len(), 1, "{out:?}");
    let Write::RecordOptOut {
        candidate,
        scope,
        reason,
        ..
    } = w[0].clone()
    else {
        panic!("{w:?}")
    };
    assert_eq!(
        (candidate, &scope, reason.as_str()),
        (1, &OptOutScope::All, "asked on the phone")
    );
    // Nothing is written until the runner answers: the form stays open.
    assert!(matches!(s.mode, Mode::Form(_)));
    // A refusal keeps the form and says why.
    answer(
        &mut s,
        w[0].clone(),
        Err("the database is read-only".into()),
    );
    match &s.mode {
        Mode::Form(f) => assert_eq!(f.error.as_deref(), Some("the database is read-only")),
        m => panic!("the form closed on a refusal: {m:?}"),
    }
    // The answer closes it and says what was recorded.
    let write = Write::RecordOptOut {
        candidate,
        scope: scope.clone(),
        reason,
        source: rapport_core::actions::optout::Source::CallNote,
    };
    answer(&mut s, write, Ok(Outcome::OptedOut(OptOutScope::All)));
    assert_eq!(s.mode, Mode::Normal);
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("opt-out recorded"),
        "{:?}",
        s.notice
    );
}

#[test]
fn accepting_a_request_that_is_not_there_writes_nothing_and_says_so() {
    let mut s = three();
    assert!(writes(&press(&mut s, Bound::AcceptOptOut)).is_empty());
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("no opt-out request")
    );

    let mut s = state(vec![Person::waiting(7, "Dee", NOW - 600).asking_to_stop(
        OptOutScope::Channel(rapport_core::model::Channel::Phone),
    )]);
    let out = press(&mut s, Bound::AcceptOptOut);
    assert_eq!(writes(&out), vec![&Write::AcceptOptOut { candidate: 7 }]);
    assert!(
        writes(&press(&mut s, Bound::DismissOptOut))
            == vec![&Write::DismissOptOut { candidate: 7 }]
    );
}

#[test]
fn a_reply_asks_the_runner_for_a_draft_under_the_message_shown() {
    let mut s = three();
    press(&mut s, Bound::Next);
    let out = press(&mut s, Bound::Reply);
    let w = writes(&out);
    let [
        Write::CreateDraft {
            candidate,
            parent,
            text,
        },
    ] = w.as_slice()
    else {
        panic!("{out:?}")
    };
    assert_eq!((*candidate, *parent), (2, Some(200)));
    assert!(text.contains("To: bo@example.test"), "{text}");
    assert!(text.contains("> Hello, this is Bo."), "{text}");
}

#[test]
fn a_colleagues_change_is_read_again_when_the_data_changes() {
    let mut s = three();
    s.store.person_mut(3).answered("Bilal", NOW - 60);
    assert_eq!(
        s.total, 3,
        "nothing is read before the runner says the data changed"
    );
    update(&mut s, Action::DataChanged);
    assert_eq!(s.total, 2);
}

#[test]
fn focus_moves_between_panes_and_quit_is_the_runners() {
    let mut s = three();
    press(&mut s, Bound::Open);
    assert_eq!(s.focus, Focus::Conversation);
    press(&mut s, Bound::Back);
    assert_eq!(s.focus, Focus::Inbox);
    assert_eq!(press(&mut s, Bound::Quit), vec![Command::Quit]);
}

#[test]
fn the_open_conversation_stays_when_a_colleague_answers_and_a_banner_says_so() {
    let mut s = three();
    press(&mut s, Bound::Next);
    assert_eq!(shown(&s), Some(2));
    // Bilal answers Bo from another session: Bo leaves "Awaiting reply".
    s.store.person_mut(2).answered("Bilal", NOW - 90);
    update(&mut s, Action::DataChanged);
    assert_eq!(shown(&s), Some(2), "the pane stays on the candidate chosen");
    assert_eq!(s.conversation.as_ref().unwrap().candidate_id, 2);
    assert_eq!(s.selected_row().map(|r| r.id), Some(2));
    assert_eq!(s.changed.as_deref(), Some("answered by Bilal 1m ago"));
    // A reply started now still goes to Bo.
    let out = press(&mut s, Bound::Reply);
    assert!(
        matches!(
            writes(&out).as_slice(),
            [Write::CreateDraft { candidate: 2, .. }]
        ),
        "{out:?}"
    );
    // Once the recruiter moves on, Bo leaves the view.
    update(&mut s, Action::Key(Bound::Cancel));
    s.mode = Mode::Normal;
    press(&mut s, Bound::Top);
    assert_eq!(shown(&s), Some(1));
    assert_eq!(s.changed, None, "the banner was about Bo");
    update(&mut s, Action::DataChanged);
    assert_eq!(s.total, 2);
    assert_eq!(shown(&s), Some(1));
}

#[test]
fn the_chosen_candidate_stays_in_search_results_too() {
    let mut s = three();
    press(&mut s, Bound::Search);
    update(&mut s, Action::SearchInput('c'));
    update(&mut s, Action::SearchSubmit);
    assert_eq!(shown(&s), Some(3));
    s.store.person_mut(3).answered("Bilal", NOW - 30);
    update(&mut s, Action::DataChanged);
    assert_eq!(shown(&s), Some(3));
    assert_eq!(s.changed.as_deref(), Some("answered by Bilal just now"));
}

/// Ada wrote twice, we answered in between.
fn ada_wrote_twice() -> State<Fake> {
    let mut ada = Person::waiting(1, "Ada", NOW - 5 * 3600);
    ada.answered("Bilal", NOW - 4 * 3600);
    ada.wrote_again(NOW - 3600, "One more question.");
    ada.row.waiting_since = Some(NOW - 3600);
    state(vec![ada])
}

fn reply_parent(out: &[Command]) -> Option<i64> {
    match writes(out).as_slice() {
        [Write::CreateDraft { parent, .. }] => *parent,
        w => panic!("{w:?}"),
    }
}

#[test]
fn r_from_the_inbox_answers_their_newest_message_not_one_scrolled_to_earlier() {
    let mut s = ada_wrote_twice();
    // An earlier visit left the conversation scrolled to the first message.
    s.selected_message = Some(100);
    assert_eq!(s.focus, Focus::Inbox);
    assert_eq!(reply_parent(&press(&mut s, Bound::Reply)), Some(102));
}

#[test]
fn r_inside_the_conversation_answers_the_message_highlighted() {
    let mut s = ada_wrote_twice();
    // Short enough that the conversation scrolls.
    update(&mut s, Action::Resize(80, 12));
    press(&mut s, Bound::Open);
    assert_eq!(s.focus, Focus::Conversation);
    press(&mut s, Bound::Top);
    assert_eq!(s.selected_message, Some(100));
    press(&mut s, Bound::NextMessage);
    assert_eq!(s.selected_message, Some(101));
    press(&mut s, Bound::PrevMessage);
    let out = press(&mut s, Bound::Reply);
    assert_eq!(reply_parent(&out), Some(100));
    let [Write::CreateDraft { text, .. }] = writes(&out).as_slice() else {
        panic!()
    };
    assert!(
        text.contains("Answering: Ada"),
        "the header names it: {text}"
    );
}

#[test]
fn a_request_to_stop_blocks_writing_until_someone_records_or_dismisses_it() {
    use rapport_core::consent::policy::{Refusal, Verdict};
    let mut s = state(vec![
        Person::waiting(7, "Dee", NOW - 600).asking_to_stop(OptOutScope::All),
    ]);
    s.store.verdicts.push((
        7,
        Verdict::Refused(Refusal::AskedToStop {
            evidence: "please stop".into(),
        }),
    ));
    for b in [Bound::Reply, Bound::Compose] {
        assert!(press(&mut s, b).is_empty(), "nothing opens");
        assert_eq!(s.mode, Mode::Normal);
        let n = s.notice.clone().unwrap_or_default();
        assert!(
            n.contains("asked to stop") && n.contains("O records") && n.contains("x dismisses"),
            "{n}"
        );
    }
}

#[test]
fn a_refused_send_is_said_before_anything_is_written() {
    use rapport_core::consent::policy::{Refusal, Verdict};
    let mut s = three();
    s.store.verdicts.push((
        1,
        Verdict::Refused(Refusal::OptedOut {
            scope: OptOutScope::All,
            at: NOW - 86_400,
            reason: "new job".into(),
        }),
    ));
    assert!(press(&mut s, Bound::Reply).is_empty());
    assert_eq!(s.mode, Mode::Normal, "no picker, no editor");
    let n = s.notice.clone().unwrap_or_default();
    assert!(
        n.contains("opted out of all contact on 2026-09-") && n.contains("new job"),
        "{n}"
    );
}

#[test]
fn a_colleagues_answer_is_shown_when_r_is_pressed_and_writing_goes_on_if_asked() {
    let mut s = three();
    s.store.colleagues.push((
        1,
        rapport_core::store::ColleagueActivity {
            who: "Bilal".into(),
            what: "sent a message".into(),
            at: NOW - 120,
            subject: "Re: About the role".into(),
            snippet: "We would love to talk to you about the platform team and its plans".into(),
        },
    ));
    assert!(press(&mut s, Bound::Reply).is_empty());
    let Mode::Form(f) = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert!(f.intro[0].contains("Bilal sent a message"), "{:?}", f.intro);
    // Wrapped to the dialog at 80 columns, never cut.
    s.width = 80;
    let screen = common::screen(&s);
    assert!(screen.contains("platform team and its plans"), "{screen}");
    let out = press(&mut s, Bound::Submit);
    assert_eq!(reply_parent(&out), Some(100));
}

#[test]
fn quitting_with_a_draft_open_asks_and_keeps_the_draft() {
    let mut s = three();
    let out = press(&mut s, Bound::Reply);
    // The runner creates the draft; its answer opens the built-in editor (no $EDITOR set).
    let w = writes(&out)[0].clone();
    answer(&mut s, w, Ok(Outcome::DraftCreated(41)));
    assert!(matches!(s.mode, Mode::Compose(_)), "{:?}", s.mode);
    assert!(press(&mut s, Bound::Quit).is_empty(), "the first quit asks");
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("a draft is open")
    );
    let out = press(&mut s, Bound::Quit);
    assert!(
        matches!(
            out.as_slice(),
            [
                Command::Write(Write::SaveDraft { draft: 41, .. }),
                Command::Quit
            ]
        ),
        "{out:?}"
    );
}

#[test]
fn q_goes_back_from_a_conversation_a_profile_and_a_form() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use rapport::ui::action::Context;
    let k = Keymap::defaults();
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(k.resolve(Context::Conversation, &q), Some(Bound::Back));
    assert_eq!(k.resolve(Context::Profile, &q), Some(Bound::Back));
    assert_eq!(k.resolve(Context::Form, &q), Some(Bound::Cancel));
    assert_eq!(k.resolve(Context::Inbox, &q), Some(Bound::Quit));
}

fn sender(s: &mut State<Fake>) {
    s.identity = Some(rapport_core::mail_out::compose::Sender {
        team: "Northwind Talent".into(),
        shared_address: "jobs@northwind.test".into(),
        recruiter_name: "Tess".into(),
        ..Default::default()
    });
}

/// Presses r, picks the first snippet when there are some, and lets the runner's answer open
/// the built-in editor.
fn write_reply(s: &mut State<Fake>) {
    let mut out = press(s, Bound::Reply);
    if let Mode::Form(_) = s.mode {
        press(s, Bound::NextOption);
        out = press(s, Bound::Submit);
    }
    let w = writes(&out)[0].clone();
    answer(s, w, Ok(Outcome::DraftCreated(5)));
    assert!(matches!(s.mode, Mode::Compose(_)), "{:?}", s.mode);
}

#[test]
fn a_snippet_can_be_sent_unchanged_after_the_review() {
    use rapport_core::mail_out::templates::parse;
    let mut s = three();
    sender(&mut s);
    s.templates = vec![parse(
        "intro",
        "tags: rust\nHi {first_name}, a Rust role for you.\n",
    )];
    write_reply(&mut s);
    // Not a word changed: with a snippet, the review comes, and Enter sends.
    let out = press(&mut s, Bound::Submit);
    assert!(
        matches!(writes(&out).as_slice(), [Write::SaveDraft { .. }]),
        "{out:?}"
    );
    let lines = common::review_lines(&s);
    assert!(lines.contains(&"Topics:  rust".to_string()), "{lines:?}");
    assert!(
        lines.contains(&"│ Hi Ada, a Rust role for you.".to_string()),
        "{lines:?}"
    );
    let out = press(&mut s, Bound::Submit);
    assert!(
        matches!(writes(&out).as_slice(), [Write::Queue { candidate: 1, .. }]),
        "{out:?}"
    );
}

#[test]
fn the_review_can_edit_again_keep_or_discard() {
    let mut s = three();
    sender(&mut s);
    write_reply(&mut s);
    let Mode::Compose(ta) = &mut s.mode else {
        panic!()
    };
    ta.insert_str("See you Tuesday.");
    press(&mut s, Bound::Submit);
    common::review_lines(&s);
    // Edit again: back in the editor with the text as written.
    press(&mut s, Bound::NextOption);
    assert!(press(&mut s, Bound::Submit).is_empty());
    let Mode::Compose(ta) = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert!(ta.lines().iter().any(|l| l.contains("See you Tuesday.")));
    press(&mut s, Bound::Submit);
    // Discard: the runner deletes the draft; nothing is queued.
    for _ in 0..3 {
        press(&mut s, Bound::NextOption);
    }
    let out = press(&mut s, Bound::Submit);
    assert_eq!(
        writes(&out),
        vec![&Write::DiscardDraft {
            draft: 5,
            candidate: 1
        }]
    );
    answer(
        &mut s,
        Write::DiscardDraft {
            draft: 5,
            candidate: 1,
        },
        Ok(Outcome::Done),
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("draft discarded: nothing was sent")
    );
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn d_marks_the_candidate_done_through_the_runner() {
    let mut s = three();
    let out = press(&mut s, Bound::Done);
    assert_eq!(
        writes(&out),
        vec![&Write::Done {
            candidate: 1,
            note: None
        }]
    );
    answer(
        &mut s,
        Write::Done {
            candidate: 1,
            note: None,
        },
        Ok(Outcome::Done),
    );
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("no reply needed"),
        "{:?}",
        s.notice
    );
}

#[test]
fn marking_then_assign_writes_for_exactly_the_marked() {
    let mut s = three();
    // Space marks Ada and moves on to Bo; Bo is skipped; Cy is marked.
    press(&mut s, Bound::Mark);
    assert_eq!(shown(&s), Some(2));
    press(&mut s, Bound::Next);
    press(&mut s, Bound::Mark);
    assert_eq!(s.marked.iter().copied().collect::<Vec<_>>(), vec![1, 3]);
    assert!(
        press(&mut s, Bound::Assign).is_empty(),
        "the form opens first"
    );
    let out = press(&mut s, Bound::Submit);
    let me = Some(s.actor.clone());
    let expected = Write::Bulk(vec![
        Write::Assign {
            candidate: 1,
            to: me.clone(),
        },
        Write::Assign {
            candidate: 3,
            to: me.clone(),
        },
    ]);
    assert_eq!(writes(&out), vec![&expected]);
    // One failed: it stays marked, the status line says both.
    answer(
        &mut s,
        expected,
        Ok(Outcome::Bulk {
            done: 1,
            failed: vec![(3, "the database is read-only".into())],
        }),
    );
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(
        s.notice.as_deref(),
        Some(
            "assigned 1 candidate to recruiter; 1 failed (still marked): the database is read-only"
        )
    );
    assert_eq!(s.marked.iter().copied().collect::<Vec<_>>(), vec![3]);
}

#[test]
fn mark_all_takes_the_list_and_done_and_notes_apply_to_every_one() {
    let mut s = three();
    press(&mut s, Bound::MarkAll);
    assert_eq!(s.marked.len(), 3);
    let out = press(&mut s, Bound::Done);
    let done: Vec<Write> = (1..=3)
        .map(|candidate| Write::Done {
            candidate,
            note: None,
        })
        .collect();
    assert_eq!(writes(&out), vec![&Write::Bulk(done)]);
    press(&mut s, Bound::Note);
    assert!(matches!(s.mode, Mode::Compose(_)));
    for c in "met at the meetup".chars() {
        update(
            &mut s,
            Action::ComposeKey(crossterm::event::KeyEvent::from(
                crossterm::event::KeyCode::Char(c),
            )),
        );
    }
    let out = press(&mut s, Bound::Submit);
    let notes: Vec<Write> = (1..=3)
        .map(|candidate| Write::Note {
            candidate,
            text: "met at the meetup".into(),
        })
        .collect();
    assert_eq!(writes(&out), vec![&Write::Bulk(notes)]);
    // Pressed again on a list all marked, it clears the marks.
    s.mode = Mode::Normal;
    press(&mut s, Bound::MarkAll);
    assert!(s.marked.is_empty());
}

#[test]
fn a_bulk_change_keeps_the_candidate_on_screen() {
    let mut s = state(vec![
        Person::waiting(1, "Ada", NOW - 4 * 3600),
        Person::waiting(2, "Bo", NOW - 3 * 3600),
        Person::waiting(3, "Cy", NOW - 2 * 3600),
        Person::waiting(4, "Dee", NOW - 3600),
    ]);
    // Ada and Bo marked; Cy is the one on screen, Dee below.
    press(&mut s, Bound::Mark);
    press(&mut s, Bound::Mark);
    assert_eq!(shown(&s), Some(3));
    let out = press(&mut s, Bound::Done);
    let [Write::Bulk(ws)] = writes(&out).as_slice() else {
        panic!("{out:?}")
    };
    assert_eq!(ws.len(), 2);
    // The runner closed both waits: they leave the list.
    s.store.person_mut(1).answered("Alice", NOW);
    s.store.person_mut(2).answered("Alice", NOW);
    answer(
        &mut s,
        Write::Bulk(ws.clone()),
        Ok(Outcome::Bulk {
            done: 2,
            failed: Vec::new(),
        }),
    );
    assert_eq!(s.total, 2);
    assert_eq!(shown(&s), Some(3), "still Cy, not whoever took her place");
    assert_eq!(
        s.notice.as_deref(),
        Some("marked 2 candidates done, no reply needed")
    );
    assert!(s.marked.is_empty());
}

#[test]
fn plus_adds_someone_met_elsewhere_and_selects_them() {
    let mut s = state(Vec::new());
    assert_eq!(s.total, 0);
    press(&mut s, Bound::NewCandidate);
    for c in "cleo@example.org".chars() {
        update(&mut s, Action::FormInput(c));
    }
    press(&mut s, Bound::NextField);
    press(&mut s, Bound::NextField);
    for c in "met at the Rust meetup".chars() {
        update(&mut s, Action::FormInput(c));
    }
    let out = press(&mut s, Bound::Submit);
    let w = writes(&out)[0].clone();
    assert_eq!(
        w,
        Write::AddCandidate {
            address: "cleo@example.org".into(),
            name: String::new(),
            how: "met at the Rust meetup".into(),
        }
    );
    // The runner adds them; the answer shows them whatever the filter was.
    s.store.people.push(Person::waiting(9, "Cleo", NOW));
    s.store.person_mut(9).row.waiting_since = None;
    answer(&mut s, w, Ok(Outcome::Added(9)));
    assert_eq!(shown(&s), Some(9));
    assert_eq!(
        s.notice.as_deref(),
        Some("added cleo@example.org; c writes to them")
    );
}

#[test]
fn dates_in_the_right_column_are_never_cut() {
    // Bo was answered last year and Cy two days ago: "3 Mar 2025"-like and "Thu 17:10"-like.
    let mut people = vec![
        Person::waiting(1, "Ada", NOW - 3600),
        Person::waiting(2, "Bo", NOW - 400 * 86_400),
        Person::waiting(3, "Cy", NOW - 3 * 86_400),
    ];
    people[1].answered("alice", NOW - 399 * 86_400);
    people[2].answered("alice", NOW - 2 * 86_400 - 3600);
    let mut s = state(people);
    press(&mut s, Bound::FilterAll);
    let tz = jiff::tz::TimeZone::UTC;
    let screen = common::screen(&s);
    for at in [NOW - 399 * 86_400, NOW - 2 * 86_400 - 3600] {
        let date = rapport_core::timefmt::short_date(at, NOW, &tz);
        assert!(date.len() > 8, "{date}: longer than the old column");
        let line = screen.lines().find(|l| l.contains(&date));
        assert!(
            line.is_some_and(|l| l.contains(&format!("{date}│"))),
            "{date} whole, at the right edge:\n{screen}"
        );
    }
}

fn search(s: &mut State<Fake>, text: &str) {
    press(s, Bound::Search);
    for c in text.chars() {
        update(s, Action::SearchInput(c));
    }
    update(s, Action::SearchSubmit);
}

#[test]
fn a_search_opens_the_conversation_at_the_matching_line_and_n_goes_to_the_next() {
    let filler = |from: usize| {
        (from..from + 30)
            .map(|i| format!("line {i} of the letter"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut ada = Person::waiting(1, "Ada", NOW - 3 * 3600);
    ada.conversation.messages[0].body = format!("Hello, this is Ada.\n{}", filler(0));
    ada.wrote_again(
        NOW - 3000,
        &format!("{}\nAda again, about the role.", filler(30)),
    );
    let mut s = state(vec![ada, Person::waiting(2, "Bo", NOW - 2 * 3600)]);
    search(&mut s, "ada");
    press(&mut s, Bound::Open);
    let screen = common::screen(&s);
    assert!(
        screen.contains("» Hello, this is Ada."),
        "opens at the first match, marked:\n{screen}"
    );
    assert_eq!(
        s.selected_message,
        Some(100),
        "r would answer the message found"
    );
    press(&mut s, Bound::NextMatch);
    let screen = common::screen(&s);
    assert!(screen.contains("» Ada again, about the role."), "{screen}");
    assert!(!screen.contains("Hello, this is Ada."), "{screen}");
    assert_eq!(s.selected_message, Some(101));
    assert_eq!(s.notice.as_deref(), Some("match 2 of 2"));
    press(&mut s, Bound::NextMatch);
    assert_eq!(
        s.notice.as_deref(),
        Some("match 1 of 2"),
        "round to the first"
    );
    assert!(common::screen(&s).contains("» Hello, this is Ada."));
    // Without a search, n says how to use it.
    press(&mut s, Bound::ClearSearch);
    press(&mut s, Bound::NextMatch);
    assert!(
        s.notice.as_deref().unwrap_or("").contains("no search"),
        "{:?}",
        s.notice
    );
}

#[test]
fn quoted_lines_fold_and_show_with_a_key() {
    let mut ada = Person::waiting(1, "Ada", NOW - 3 * 3600);
    ada.conversation.messages[0].body =
        "Thanks for the offer.\n> you wrote 1\n> you wrote 2\n> you wrote 3\n> you wrote 4\nAda"
            .into();
    let mut s = state(vec![ada]);
    press(&mut s, Bound::Open);
    let folded = common::screen(&s);
    assert!(folded.contains("[… 4 quoted lines]"), "{folded}");
    assert!(!folded.contains("you wrote 2"), "{folded}");
    press(&mut s, Bound::ToggleQuotes);
    let shown = common::screen(&s);
    assert!(shown.contains("> you wrote 2"), "{shown}");
    assert!(!shown.contains("quoted lines]"), "{shown}");
    press(&mut s, Bound::ToggleQuotes);
    assert!(common::screen(&s).contains("[… 4 quoted lines]"));
}

#[test]
fn p_at_80_columns_shows_the_profile_and_its_keys_go_there() {
    let mut s = three();
    update(&mut s, Action::Resize(80, 24));
    press(&mut s, Bound::ToggleProfile);
    assert_eq!(s.focus, Focus::Profile, "the pane p shows has the keys");
    let screen = common::screen(&s);
    assert!(screen.contains("Profile"), "{screen}");
    press(&mut s, Bound::Next);
    assert_eq!(s.profile_scroll, 1, "j scrolls the profile, not the list");
    assert_eq!(shown(&s), Some(1));
    press(&mut s, Bound::ToggleProfile);
    assert_eq!(s.focus, Focus::Conversation, "p again: the conversation");
    assert!(common::screen(&s).contains("Hello, this is Ada."));
}

#[test]
fn at_120_columns_the_profile_sits_beside_the_conversation() {
    let mut s = three();
    update(&mut s, Action::Resize(120, 40));
    press(&mut s, Bound::ToggleProfile);
    let screen = common::screen(&s);
    assert!(
        screen.contains("Hello, this is Ada."),
        "the conversation:\n{screen}"
    );
    assert!(screen.contains("Next contact"), "the profile:\n{screen}");
    assert!(screen.contains("Bo"), "the list:\n{screen}");
    // Tab goes round all three.
    press(&mut s, Bound::FocusNext);
    press(&mut s, Bound::FocusNext);
    assert_eq!(s.focus, Focus::Profile);
}

/// Ada's message carries a logo, her CV and a cover letter; her conversation is open.
fn three_attachments() -> State<Fake> {
    let mut s = state(vec![
        Person::waiting(1, "Ada", NOW - 3600).with_attachments(&[
            ("logo.png", "image/png", 2_048),
            ("Ada CV.pdf", "application/pdf", 250_000),
            (
                "cover letter.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                40_000,
            ),
        ]),
    ]);
    press(&mut s, Bound::Open);
    assert_eq!(s.selected_message, Some(100));
    s
}

fn attachment(index: usize) -> rapport_core::actions::attachments::AttachmentId {
    rapport_core::actions::attachments::AttachmentId {
        message: 100,
        index,
    }
}

#[test]
fn several_attachments_ask_which_one_to_save_open_or_read() {
    use rapport::ui::attachments::Job;
    let mut s = three_attachments();
    update(&mut s, Action::Resize(80, 24));
    assert!(
        press(&mut s, Bound::SaveAttachment).is_empty(),
        "it asks first"
    );
    assert!(matches!(s.mode, Mode::Form(_)), "{:?}", s.mode);
    insta::assert_snapshot!("attachment_chooser_80x24", common::screen(&s));
    // Enter on the first line saves them all.
    assert_eq!(
        press(&mut s, Bound::Submit),
        vec![Command::Attachment(Job::Save(vec![
            attachment(1),
            attachment(2),
            attachment(3)
        ]))]
    );
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.notice.as_deref(), Some("saving 3 attachments…"));
    // Down twice: the CV alone.
    press(&mut s, Bound::SaveAttachment);
    press(&mut s, Bound::NextField);
    press(&mut s, Bound::NextField);
    assert_eq!(
        press(&mut s, Bound::Submit),
        vec![Command::Attachment(Job::Save(vec![attachment(2)]))]
    );
    assert_eq!(s.notice.as_deref(), Some("saving Ada CV.pdf…"));
    // Opening lists the files themselves; up from the first goes round to the last.
    press(&mut s, Bound::OpenAttachment);
    press(&mut s, Bound::PrevField);
    assert_eq!(
        press(&mut s, Bound::Submit),
        vec![Command::Attachment(Job::Open(attachment(3)))]
    );
    // Reading starts on the first that reads as text: the CV, not the logo.
    press(&mut s, Bound::PreviewAttachment);
    let text = common::screen(&s);
    assert!(
        text.contains("▸ Ada CV.pdf (application/pdf, 244 KB)"),
        "{text}"
    );
    assert!(text.contains("enter reads"), "{text}");
    assert_eq!(
        press(&mut s, Bound::Submit),
        vec![Command::Attachment(Job::Preview(attachment(2)))]
    );
    // The logo has no text: it says so and asks nothing.
    press(&mut s, Bound::PreviewAttachment);
    press(&mut s, Bound::PrevField);
    assert!(press(&mut s, Bound::Submit).is_empty());
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("no text preview for logo.png"),
        "{:?}",
        s.notice
    );
    // Esc leaves the chooser without doing anything.
    press(&mut s, Bound::SaveAttachment);
    assert!(press(&mut s, Bound::Cancel).is_empty());
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.focus, Focus::Conversation);
}

#[test]
fn one_attachment_goes_at_once_without_a_chooser() {
    use rapport::ui::attachments::Job;
    let mut s = state(vec![
        Person::waiting(1, "Ada", NOW - 3600).with_attachments(&[(
            "Ada CV.pdf",
            "application/pdf",
            250_000,
        )]),
    ]);
    press(&mut s, Bound::Open);
    assert_eq!(
        press(&mut s, Bound::SaveAttachment),
        vec![Command::Attachment(Job::Save(vec![attachment(1)]))]
    );
    assert_eq!(s.mode, Mode::Normal);
}

#[test]
fn a_large_attachment_shows_its_progress_then_where_it_went_or_that_we_are_offline() {
    use rapport::ui::attachments::{Answer, Progress};
    let mut s = three_attachments();
    update(&mut s, Action::Resize(80, 24));
    press(&mut s, Bound::SaveAttachment);
    press(&mut s, Bound::NextField);
    press(&mut s, Bound::NextField);
    press(&mut s, Bound::Submit);
    let status = |s: &State<Fake>| common::screen(s).lines().last().unwrap().to_string();
    let heard = |received, total| {
        Action::AttachmentProgress(Progress {
            name: "Ada CV.pdf".into(),
            received,
            total,
        })
    };
    update(&mut s, heard(0, 0));
    assert!(
        status(&s).contains("fetching Ada CV.pdf: connecting to the mail server…"),
        "{}",
        status(&s)
    );
    update(&mut s, heard(1_258_291, 5_033_164));
    assert!(
        status(&s).contains("fetching Ada CV.pdf from the mail server: 25% (1.2 MB of 4.8 MB"),
        "{}",
        status(&s)
    );
    update(&mut s, heard(5_033_164, 5_033_164));
    assert!(
        status(&s).contains(": 100% (4.8 MB of 4.8 MB"),
        "{}",
        status(&s)
    );
    update(
        &mut s,
        Action::Attachment(Ok(Answer::Saved(vec![
            "/home/ada/Downloads/Ada CV.pdf".into(),
        ]))),
    );
    assert!(
        status(&s).contains("saved /home/ada/Downloads/Ada CV.pdf"),
        "{}",
        status(&s)
    );
    // The server cannot be reached: the status line says so, in words.
    press(&mut s, Bound::SaveAttachment);
    press(&mut s, Bound::Submit);
    update(&mut s, heard(0, 0));
    update(
        &mut s,
        Action::Attachment(Err(
            "cannot fetch Ada CV.pdf from the mail server (are you offline?): connection refused"
                .into(),
        )),
    );
    let text = common::screen(&s);
    assert!(
        text.contains("cannot fetch Ada CV.pdf from the mail server (are you offline?)"),
        "{text}"
    );
    assert!(!text.contains("connecting to the mail server"), "{text}");
}

// ------------------------------------------------ their answers, asking, data requests (#18)

/// Dee answered the question mail: "1 email only 2 every three months 3 rust, remote".
fn answered() -> State<Fake> {
    state(vec![
        Person::waiting(7, "Dee", NOW - 600)
            .answering("1 email only 2 every three months 3 rust, remote"),
        Person::waiting(8, "Eli", NOW - 300),
    ])
}

#[test]
fn the_answer_banner_accepts_or_dismisses_through_the_core_and_says_what_happened() {
    let mut s = answered();
    assert_eq!(shown(&s), Some(7));
    let out = press(&mut s, Bound::AcceptAnswer);
    assert_eq!(writes(&out), vec![&Write::AcceptAnswer { candidate: 7 }]);
    answer(
        &mut s,
        Write::AcceptAnswer { candidate: 7 },
        Ok(Outcome::Done),
    );
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.contains("their answer is recorded"), "{n}");
    assert_eq!(shown(&s), Some(7), "the candidate stays on screen");

    let out = press(&mut s, Bound::DismissAnswer);
    assert_eq!(writes(&out), vec![&Write::DismissAnswer { candidate: 7 }]);
    answer(
        &mut s,
        Write::DismissAnswer { candidate: 7 },
        Ok(Outcome::Dismissed(true)),
    );
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.contains("nothing was recorded"), "{n}");
}

#[test]
fn without_an_answer_waiting_the_banner_keys_write_nothing_and_say_how_to_ask() {
    let mut s = three();
    assert!(writes(&press(&mut s, Bound::AcceptAnswer)).is_empty());
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.contains("no answer") && n.contains("A asks them"), "{n}");
    assert!(writes(&press(&mut s, Bound::DismissAnswer)).is_empty());
    press(&mut s, Bound::EditAnswer);
    assert_eq!(s.mode, Mode::Normal, "no form without an answer");
}

#[test]
fn editing_their_answer_opens_the_preferences_prefilled_and_saving_accepts_it_as_edited() {
    use rapport_core::model::{Channel, Frequency};
    let mut s = answered();
    press(&mut s, Bound::EditAnswer);
    let Mode::Form(f) = &s.mode else {
        panic!("no form: {:?}", s.mode)
    };
    assert!(matches!(
        f.purpose,
        rapport::ui::form::Purpose::Answer { candidate: 7 }
    ));
    assert_eq!(f.ticked("Channels"), vec!["email".to_string()]);
    assert_eq!(f.text("Interests"), "remote, rust");
    // Phone too: the recruiter corrects what was read before saving.
    press(&mut s, Bound::NextOption);
    press(&mut s, Bound::Toggle);
    let out = press(&mut s, Bound::Submit);
    let w = writes(&out);
    let [
        Write::AcceptEditedAnswer {
            candidate,
            preferences,
        },
    ] = w.as_slice()
    else {
        panic!("{out:?}")
    };
    assert_eq!(*candidate, 7);
    assert_eq!(preferences.channels, vec![Channel::Email, Channel::Phone]);
    assert_eq!(preferences.frequency, Some(Frequency::Quarterly));
    assert_eq!(preferences.interests, vec!["remote", "rust"]);
    // The form waits for the runner, then closes.
    assert!(matches!(s.mode, Mode::Form(_)));
    let write = (*w[0]).clone();
    answer(&mut s, write, Ok(Outcome::Done));
    assert_eq!(s.mode, Mode::Normal);
    assert!(
        s.notice
            .as_deref()
            .unwrap_or("")
            .contains("recorded as edited")
    );
}

#[test]
fn asking_queues_the_question_mail_and_the_outbox_is_woken() {
    let mut s = answered();
    press(&mut s, Bound::Next);
    assert_eq!(shown(&s), Some(8));
    assert!(writes(&press(&mut s, Bound::Ask)).is_empty(), "no identity");
    assert!(s.notice.clone().unwrap_or_default().contains("cannot ask"));
    sender(&mut s);
    let out = press(&mut s, Bound::Ask);
    let w = writes(&out);
    let [
        Write::Ask {
            candidate: 8,
            confirm: None,
            opened_at,
            ..
        },
    ] = w.as_slice()
    else {
        panic!("{out:?}")
    };
    assert_eq!(*opened_at, Some(NOW - 300), "their newest message");
    let write = (*w[0]).clone();
    let then = answer(
        &mut s,
        write,
        Ok(Outcome::Asked {
            language: "en".into(),
            to: "eli@example.test".into(),
        }),
    );
    assert_eq!(then, vec![Command::Deliver]);
    let n = s.notice.clone().unwrap_or_default();
    assert!(
        n.contains("question mail (en) queued to eli@example.test"),
        "{n}"
    );
}

#[test]
fn asking_someone_whose_wishes_refuse_it_is_refused_at_once() {
    use rapport_core::consent::policy::{Refusal, Verdict};
    let mut s = three();
    sender(&mut s);
    s.store.verdicts.push((
        1,
        Verdict::Refused(Refusal::OptedOut {
            scope: OptOutScope::All,
            at: NOW - 86_400,
            reason: "new job".into(),
        }),
    ));
    assert!(press(&mut s, Bound::Ask).is_empty());
    assert_eq!(s.mode, Mode::Normal);
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.starts_with("not asked:") && n.contains("new job"), "{n}");

    // A stop request nobody has settled blocks it as it blocks c.
    let mut s = state(vec![
        Person::waiting(7, "Dee", NOW - 600).asking_to_stop(OptOutScope::All),
    ]);
    sender(&mut s);
    s.store.verdicts.push((
        7,
        Verdict::Refused(Refusal::AskedToStop {
            evidence: "please stop".into(),
        }),
    ));
    assert!(press(&mut s, Bound::Ask).is_empty());
    let n = s.notice.clone().unwrap_or_default();
    assert!(n.contains("O records") && n.contains("x dismisses"), "{n}");
}

#[test]
fn asking_despite_a_conflict_needs_a_reason_that_goes_with_the_mail() {
    use rapport_core::consent::policy::{Conflict, Verdict};
    let mut s = three();
    sender(&mut s);
    s.store
        .verdicts
        .push((1, Verdict::Confirm(vec![Conflict::WhenTheyWrite])));
    assert!(
        press(&mut s, Bound::Ask).is_empty(),
        "asks for a reason first"
    );
    let Mode::Form(f) = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert!(f.intro[0].starts_with('⚠'), "{:?}", f.intro);
    assert!(writes(&press(&mut s, Bound::Submit)).is_empty());
    let Mode::Form(f) = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert!(f.error.as_deref().unwrap_or("").contains("give a reason"));
    for c in "they asked us to".chars() {
        update(&mut s, Action::FormInput(c));
    }
    let out = press(&mut s, Bound::Submit);
    let w = writes(&out);
    let [
        Write::Ask {
            candidate: 1,
            confirm: Some(c),
            ..
        },
    ] = w.as_slice()
    else {
        panic!("{out:?}")
    };
    assert_eq!(c.reason, "they asked us to");
    // The queue's own answer may still need one (a colleague wrote meanwhile): asked again.
    let write = (*w[0]).clone();
    answer(
        &mut s,
        write.clone(),
        Ok(Outcome::NeedsConfirmation(vec!["Bo wrote to them".into()])),
    );
    let Mode::Form(f) = &s.mode else {
        panic!("{:?}", s.mode)
    };
    assert_eq!(f.intro[0], "⚠ Bo wrote to them");
    answer(
        &mut s,
        write,
        Ok(Outcome::Asked {
            language: "de".into(),
            to: "ada@example.test".into(),
        }),
    );
    assert_eq!(s.mode, Mode::Normal, "the confirmation closes once queued");
}

fn copy_request(candidate: i64, name: &str) -> rapport_core::store::DataRequest {
    rapport_core::store::DataRequest {
        id: candidate,
        candidate_id: candidate,
        name: name.into(),
        address: format!("{}@example.test", name.to_lowercase()),
        kind: rapport_core::values::DataRequestKind::Copy,
        via: "preference page".into(),
        at: NOW - 2 * 86_400,
        due_at: NOW + 28 * 86_400,
        resolved_at: None,
        resolved_by: None,
        resolution: None,
    }
}

#[test]
fn open_data_requests_are_counted_team_wide_and_listed_on_the_candidate_who_made_them() {
    let mut s = three();
    assert_eq!(rapport::ui::answers::requests_notice(&s), None);
    s.store.requests = vec![copy_request(2, "Bo"), copy_request(3, "Cy")];
    update(&mut s, Action::DataChanged);
    assert_eq!(
        rapport::ui::answers::requests_notice(&s).as_deref(),
        Some("· 2 data requests due ")
    );
    assert!(s.data_requests.is_empty(), "Ada asked for nothing");
    press(&mut s, Bound::Next);
    assert_eq!(shown(&s), Some(2));
    assert_eq!(s.data_requests.len(), 1);
    let line = rapport::ui::answers::request_line(&s, &s.data_requests[0]);
    assert!(
        line.starts_with("Asked for a copy of their data on ") && line.ends_with("; E exports it"),
        "{line}"
    );
    assert!(line.contains("— due "), "{line}");
    // Read from the conversation (the profile beside it at 120 columns): the profile's key.
    press(&mut s, Bound::Open);
    assert_eq!(s.focus, Focus::Conversation);
    let line = rapport::ui::answers::request_line(&s, &s.data_requests[0]);
    assert!(line.ends_with("; E exports it"), "{line}");
}

// --- The Share view (#19) ---

fn share_report(
    id: i64,
    state: &str,
    planned: usize,
    sent: usize,
) -> rapport_core::actions::share::Report {
    rapport_core::actions::share::Report {
        share: rapport_core::store::ShareRow {
            id,
            template: "rust_roles".into(),
            subject: format!("Rust roles {id}"),
            body: "Hi {first_name}".into(),
            tags: vec!["rust".into()],
            query: String::new(),
            created_by: "Tess".into(),
            created_at: NOW - 3600,
            state: state.into(),
            per_hour: 30,
            per_day: 200,
            nonce: "n".into(),
        },
        planned,
        queued: 0,
        sent,
        failed: 0,
        unknown: 0,
        skipped: 2,
        cancelled: 0,
        cancelled_opted_out: 0,
        skipped_by: [("opted out".to_string(), 2)].into_iter().collect(),
        replies: 0,
        reply_rate: 0.0,
        opt_outs: 0,
        preference_changes: 0,
        by_interest: Default::default(),
    }
}

fn sharing() -> State<Fake> {
    use rapport_core::mail_out::templates::parse;
    let mut s = three();
    sender(&mut s);
    s.templates = vec![
        parse("hello", "Hello {first_name}!\n"),
        parse("rust roles", "tags: rust\nHi {first_name}, Rust roles.\n"),
    ];
    s.store.shares = vec![
        share_report(2, "active", 5, 3),
        share_report(1, "paused", 1, 0),
    ];
    s
}

#[test]
fn the_shares_view_lists_shares_and_pauses_resumes_and_cancels_through_the_runner() {
    let mut s = sharing();
    press(&mut s, Bound::Shares);
    assert_eq!(s.context(), rapport::ui::action::Context::Shares);
    let v = s.shares.as_deref().unwrap();
    assert_eq!(
        v.list.iter().map(|r| r.share.id).collect::<Vec<_>>(),
        vec![2, 1]
    );
    // p on an active share pauses it; on a paused one, resumes it.
    let out = press(&mut s, Bound::PauseShare);
    assert_eq!(writes(&out), vec![&Write::PauseShare { id: 2 }]);
    answer(&mut s, Write::PauseShare { id: 2 }, Ok(Outcome::Done));
    assert!(s.notice.as_deref().unwrap().contains("share 2 paused"));
    press(&mut s, Bound::Next);
    let out = press(&mut s, Bound::PauseShare);
    assert_eq!(writes(&out), vec![&Write::ResumeShare { id: 1 }]);
    // Enter opens one; x asks, and n (Cancel) keeps it going: nothing is written.
    press(&mut s, Bound::Open);
    assert!(matches!(
        s.shares.as_deref().unwrap().screen,
        rapport::ui::share::Screen::Detail { id: 1, .. }
    ));
    assert!(writes(&press(&mut s, Bound::CancelShare)).is_empty());
    assert!(matches!(&s.mode, Mode::Form(f) if f.title == "Cancel share 1?"));
    assert!(writes(&press(&mut s, Bound::Cancel)).is_empty());
    assert_eq!(s.notice.as_deref(), Some("share 1 goes on"));
    // x then y (Submit) cancels it.
    press(&mut s, Bound::CancelShare);
    let out = press(&mut s, Bound::Submit);
    assert_eq!(writes(&out), vec![&Write::CancelShare { id: 1 }]);
    answer(
        &mut s,
        Write::CancelShare { id: 1 },
        Ok(Outcome::ShareCancelled(1)),
    );
    assert_eq!(
        s.notice.as_deref(),
        Some("share 1 cancelled; 1 message(s) not sent")
    );
    // Esc: back to the list, then out of the view.
    press(&mut s, Bound::Back);
    assert!(matches!(
        s.shares.as_deref().unwrap().screen,
        rapport::ui::share::Screen::List
    ));
    press(&mut s, Bound::Back);
    assert!(s.shares.is_none());
}

#[test]
fn the_shares_view_reads_the_progress_again_on_the_tick() {
    let mut s = sharing();
    press(&mut s, Bound::Shares);
    press(&mut s, Bound::Open);
    s.store.shares[0].sent = 5;
    s.store.shares[0].planned = 0;
    update(&mut s, Action::Tick);
    let rapport::ui::share::Screen::Detail { report, .. } = &s.shares.as_deref().unwrap().screen
    else {
        panic!("the share stays open")
    };
    assert_eq!(report.as_ref().unwrap().sent, 5);
}

fn planned_preview(spec: rapport_core::actions::share::Spec) -> rapport::ui::share::Planned {
    use rapport_core::actions::share::{Person as Who, Preview, Skip};
    let who = |id: i64, name: &str| Who {
        id,
        name: name.into(),
        address: format!("{}@example.com", name.to_lowercase()),
    };
    rapport::ui::share::Planned {
        spec,
        preview: Preview {
            planned: vec![who(1, "Ada"), who(2, "Bo")],
            skipped: vec![(who(3, "Cy"), Skip::OptedOut)],
            sample: Some("To: Ada <ada@example.com>\nSubject: Rust\n\nHi Ada, Rust roles.".into()),
            first_release: Some(NOW),
            last_release: Some(NOW + 3600),
            in_their_zone: 0,
            erased: 0,
        },
    }
}

#[test]
fn a_new_share_is_previewed_off_the_ui_thread_and_created_only_with_the_number_typed() {
    let mut s = sharing();
    press(&mut s, Bound::Shares);
    press(&mut s, Bound::NewShare);
    let Mode::Form(f) = &s.mode else {
        panic!("the snippet picker")
    };
    assert!(matches!(
        f.purpose,
        rapport::ui::form::Purpose::SharePick { .. }
    ));
    // Tagged snippets come first; the untagged one says why it cannot be shared.
    press(&mut s, Bound::NextOption);
    press(&mut s, Bound::Submit);
    let Mode::Form(f) = &s.mode else { panic!() };
    assert!(
        f.error.as_deref().unwrap().contains("has no tags"),
        "{:?}",
        f.error
    );
    press(&mut s, Bound::PrevOption);
    press(&mut s, Bound::Submit);
    let Mode::Form(f) = &s.mode else { panic!() };
    assert!(
        matches!(&f.purpose, rapport::ui::form::Purpose::ShareSpec { template } if template == "rust roles"),
        "{f:?}"
    );
    assert_eq!(f.text("Subject"), "rust roles");
    // A query that does not read says which term.
    press(&mut s, Bound::NextField);
    common::type_form(&mut s, "lang:de frobnicate:yes");
    let out = press(&mut s, Bound::Submit);
    assert!(out.is_empty());
    let Mode::Form(f) = &s.mode else { panic!() };
    assert!(
        f.error.as_deref().unwrap().contains("frobnicate"),
        "{:?}",
        f.error
    );
    for _ in 0.."frobnicate:yes".len() {
        update(&mut s, Action::FormBackspace);
    }
    let out = press(&mut s, Bound::Submit);
    let [Command::SharePreview(job)] = out.as_slice() else {
        panic!("the preview is the runner's: {out:?}")
    };
    assert_eq!(job.spec.query.as_deref(), Some("lang:de"));
    assert_eq!(job.spec.pace.per_hour, 30);
    assert!(matches!(
        s.shares.as_deref().unwrap().screen,
        rapport::ui::share::Screen::Computing { .. }
    ));
    let planned = planned_preview(job.spec.clone());
    update(
        &mut s,
        Action::SharePreviewed(Ok(Box::new(planned.clone()))),
    );
    assert!(matches!(
        s.shares.as_deref().unwrap().screen,
        rapport::ui::share::Screen::Preview { .. }
    ));
    // Enter asks for the number; a wrong one creates nothing.
    press(&mut s, Bound::Open);
    common::type_form(&mut s, "3");
    let out = press(&mut s, Bound::Submit);
    assert!(writes(&out).is_empty());
    assert!(s.notice.as_deref().unwrap().contains("nothing was created"));
    // Esc from the confirmation creates nothing either.
    press(&mut s, Bound::Open);
    assert!(writes(&press(&mut s, Bound::Cancel)).is_empty());
    // The number of recipients, typed: the share is created as previewed.
    press(&mut s, Bound::Open);
    common::type_form(&mut s, "2");
    let out = press(&mut s, Bound::Submit);
    assert_eq!(
        writes(&out),
        vec![&Write::CreateShare(Box::new(planned.clone()))]
    );
    let out = answer(
        &mut s,
        Write::CreateShare(Box::new(planned)),
        Ok(Outcome::ShareCreated(2)),
    );
    assert_eq!(out, vec![Command::Deliver]);
    assert!(matches!(
        s.shares.as_deref().unwrap().screen,
        rapport::ui::share::Screen::Detail { id: 2, .. }
    ));
    assert!(
        s.notice
            .as_deref()
            .unwrap()
            .starts_with("share 2 created: 2 planned")
    );
}

#[test]
fn going_back_while_the_preview_computes_drops_its_answer() {
    let mut s = sharing();
    press(&mut s, Bound::Shares);
    press(&mut s, Bound::NewShare);
    press(&mut s, Bound::Submit);
    let out = press(&mut s, Bound::Submit);
    let [Command::SharePreview(job)] = out.as_slice() else {
        panic!("{out:?}")
    };
    let planned = planned_preview(job.spec.clone());
    press(&mut s, Bound::Back);
    update(&mut s, Action::SharePreviewed(Ok(Box::new(planned))));
    assert!(matches!(
        s.shares.as_deref().unwrap().screen,
        rapport::ui::share::Screen::List
    ));
}
