//! Teamwork in the TUI: the assign, snooze and note keys, the "whose" filter, presence
//! announced and shown, the colleague collision on send, and 80x24 snapshots with CJK names and
//! emoji (columns stay aligned).

mod common;

use common::*;
use rapport::ui::action::{Action, Bound};
use rapport::ui::form::FieldKind;
use rapport::ui::state::{Command, Focus, Mode, State};
use rapport::ui::text::width;
use rapport::ui::update::update;
use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
use rapport_core::store::{Activity, AssigneeFilter, Presence, Store, TeamMember, now};

fn form_options(s: &State) -> Vec<String> {
    let Mode::Form(f) = &s.mode else {
        panic!("no form open")
    };
    match &f.fields[0].kind {
        FieldKind::Choice { options, .. } => options.clone(),
        k => panic!("{k:?}"),
    }
}

fn conversation_text(s: &State) -> String {
    s.conv_lines.iter().map(|l| l.to_string() + "\n").collect()
}

#[test]
fn a_assigns_to_a_team_member_and_f_cycles_mine_and_unassigned() {
    let (_d, mut s) = demo_state(80, 24);
    s.actor = "Alice Moreau".into();
    s.team_names = vec!["Alice Moreau".into(), "Bilal Haddad".into()];
    let first = s.selected_row().unwrap().id;
    let total = s.total;
    key(&mut s, Bound::Assign);
    assert_eq!(
        form_options(&s),
        ["me (Alice Moreau)", "Bilal Haddad", "nobody (unassign)"]
    );
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.notice.as_deref(), Some("assigned to Alice Moreau"));
    assert_eq!(
        s.store.assignment(first).unwrap().unwrap().assigned_by,
        "Alice Moreau"
    );

    key(&mut s, Bound::FilterOwner);
    assert_eq!(
        s.assignee_filter,
        AssigneeFilter::Mine("Alice Moreau".into())
    );
    assert_eq!(s.total, 1);
    assert_eq!(s.selected_row().unwrap().id, first);
    let top = screen(&s);
    assert!(
        top.lines()
            .next()
            .unwrap()
            .contains("Awaiting reply · mine · 1"),
        "{top}"
    );
    key(&mut s, Bound::FilterOwner);
    assert_eq!(s.assignee_filter, AssigneeFilter::Unassigned);
    assert_eq!(s.total, total - 1);
    assert!(s.rows.iter().all(|r| r.id != first));
    key(&mut s, Bound::FilterOwner);
    assert_eq!(s.total, total, "back to everyone's");

    // Reassign to a colleague with the picker, then unassign.
    key(&mut s, Bound::Assign);
    key(&mut s, Bound::NextOption);
    key(&mut s, Bound::Submit);
    assert_eq!(
        s.store.assignment(first).unwrap().unwrap().assignee,
        "Bilal Haddad"
    );
    key(&mut s, Bound::Assign);
    key(&mut s, Bound::NextOption);
    key(&mut s, Bound::Submit);
    assert_eq!(s.store.assignment(first).unwrap(), None);
}

#[test]
fn z_snoozes_with_a_typed_time_and_refuses_nonsense() {
    let (_d, mut s) = demo_state(80, 24);
    let first = s.selected_row().unwrap().id;
    let total = s.total;
    key(&mut s, Bound::Snooze);
    type_form(&mut s, "someday");
    key(&mut s, Bound::Submit);
    let Mode::Form(f) = &s.mode else {
        panic!("the form stays open on a bad time")
    };
    assert!(f.error.as_deref().unwrap().contains("\"someday\""), "{f:?}");
    for _ in 0..7 {
        update(&mut s, Action::FormBackspace);
    }
    type_form(&mut s, "3d");
    key(&mut s, Bound::Submit);
    assert_eq!(s.mode, Mode::Normal);
    assert!(s.notice.as_deref().unwrap().starts_with("snoozed until "));
    assert_eq!(s.selected_row().unwrap().id, first, "still on screen");
    key(&mut s, Bound::Next);
    rapport::ui::update::reload_list(&mut s);
    assert_eq!(s.total, total - 1, "out of awaiting reply once we moved on");
    assert!(s.rows.iter().all(|r| r.id != first));
    let z = s.store.snooze_of(first).unwrap().unwrap();
    assert!((z.until - now() - 3 * 86_400).abs() < 60);
    // Under "all" it is marked as snoozed.
    key(&mut s, Bound::FilterAll);
    let row = s.rows.iter().find(|r| r.id == first).unwrap();
    assert!(row.snoozed_until.is_some());
}

/// Issue 13: an absurd span or date in the snooze prompt is refused in the form, not stored
/// as an overflowed time.
#[test]
fn z_refuses_a_snooze_too_far_in_the_future() {
    let (_d, mut s) = demo_state(80, 24);
    let first = s.selected_row().unwrap().id;
    for absurd in ["99999999999999d", "2999-01-01"] {
        key(&mut s, Bound::Snooze);
        type_form(&mut s, absurd);
        key(&mut s, Bound::Submit);
        let Mode::Form(f) = &s.mode else {
            panic!("the form stays open on {absurd}")
        };
        let e = f.error.as_deref().unwrap();
        assert!(e.contains("too far in the future"), "{e}");
        key(&mut s, Bound::Cancel);
    }
    assert_eq!(s.store.snooze_of(first).unwrap(), None);
}

#[test]
fn n_writes_a_multi_line_note_into_the_timeline() {
    let (_d, mut s) = demo_state(80, 24);
    s.actor = "Alice Moreau".into();
    let first = s.selected_row().unwrap().id;
    key(&mut s, Bound::Note);
    assert!(matches!(s.mode, Mode::Compose(_)));
    assert!(screen(&s).contains("Internal note (never sent)"));
    type_in_editor(&mut s, "Met at the meetup.\nWants remote only.");
    let out = key(&mut s, Bound::Submit);
    assert!(out.is_empty(), "a note sends nothing: {out:?}");
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.store.outbox().unwrap().len(), 0);
    let notes = s.store.notes(first).unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Met at the meetup.\nWants remote only.");
    let text = conversation_text(&s);
    assert!(text.contains("✎ note · Alice Moreau · "), "{text}");
    assert!(text.contains("  Wants remote only."), "{text}");
    // esc discards a note without saving anything.
    key(&mut s, Bound::Note);
    type_in_editor(&mut s, "never mind");
    key(&mut s, Bound::Cancel);
    assert_eq!(s.store.notes(first).unwrap().len(), 1);
    assert_eq!(s.note_for, None);
}

#[test]
fn opening_and_replying_are_announced_and_colleagues_shown() {
    use rapport::ui::presence::announce;
    let (d, mut s) = demo_state(80, 24);
    s.actor = "Bob".into();
    let t = now();
    // In the inbox at 80x24 nothing is open yet: nothing to announce.
    assert_eq!(announce(&mut s, t), None);
    let first = s.selected_row().unwrap().id;
    key(&mut s, Bound::Open);
    let Some(Command::Presence(p)) = announce(&mut s, t) else {
        panic!("opening a candidate is announced")
    };
    assert_eq!(
        (p.candidate_id, p.activity, p.name.as_str()),
        (Some(first), Activity::Viewing, "Bob")
    );
    assert_eq!(s.opened, Some((first, t)));
    // Nothing new: no write until the heartbeat is due.
    assert_eq!(announce(&mut s, t + 1), None);
    assert!(matches!(
        announce(&mut s, t + 5),
        Some(Command::Presence(_))
    ));
    key(&mut s, Bound::Reply);
    // Warnings before writing, then the snippet picker (no snippet): Enter through both.
    for _ in 0..2 {
        if let Mode::Form(_) = s.mode {
            key(&mut s, Bound::Submit);
        }
    }
    let Some(Command::Presence(p)) = announce(&mut s, t + 6) else {
        panic!("a draft in progress is announced")
    };
    assert_eq!(p.activity, Activity::Replying);
    assert_eq!(s.opened, Some((first, t)), "still opened at the same time");
    key(&mut s, Bound::Cancel);
    key(&mut s, Bound::Back);
    let Some(Command::Presence(p)) = announce(&mut s, t + 7) else {
        panic!("closing is announced")
    };
    assert_eq!(p.candidate_id, None);

    // A colleague in another process replies to the second candidate.
    let second = s.rows[1].id;
    let mut other = Store::open_in(d.path()).unwrap();
    other
        .set_presence(&Presence {
            session: "999@elsewhere".into(),
            user: "alice".into(),
            name: "Alice".into(),
            candidate_id: Some(second),
            activity: Activity::Replying,
            since: t,
            heartbeat_at: now(),
        })
        .unwrap();
    update(&mut s, Action::PresenceTick);
    let inbox = screen(&s);
    let line = inbox.lines().nth(3).unwrap();
    assert!(line.contains("✎ Alice "), "inbox marker:\n{inbox}");
    key(&mut s, Bound::Next);
    key(&mut s, Bound::Open);
    let conv = screen(&s);
    assert!(
        conv.contains("✎ Alice is replying — check before you answer"),
        "{conv}"
    );
}

#[test]
fn sending_after_a_colleague_replied_asks_and_shows_what_they_sent() {
    use rapport::ui::presence::announce;
    let (d, mut s) = demo_state(80, 24);
    s.actor = "Bob".into();
    s.identity = Some(rapport_core::mail_out::compose::Sender {
        team: "Northwind Talent".into(),
        shared_address: rapport_demo::SHARED_ADDRESS.into(),
        recruiter_name: "Bob".into(),
        ..Default::default()
    });
    let row = s.selected_row().unwrap().clone();
    key(&mut s, Bound::Open);
    announce(&mut s, now() - 30);
    key(&mut s, Bound::Reply);
    if let Mode::Form(_) = s.mode {
        key(&mut s, Bound::Submit);
    }
    // Meanwhile Alice, in another process, queues her answer.
    let mut other = Store::open_in(d.path()).unwrap();
    let mid = "alice-1@northwind.example";
    rapport_core::mail_out::outbox::enqueue(
        &mut other,
        &rapport_core::mail_out::outbox::Outgoing {
            candidate_id: Some(row.id),
            from: rapport_demo::SHARED_ADDRESS.into(),
            to: vec![row.address.clone()],
            message_id: mid.into(),
            raw: format!(
                "From: {}\r\nTo: {}\r\nSubject: Re: your application\r\nMessage-ID: <{mid}>\r\n\r\nWe would love to talk on Monday.\r\n",
                rapport_demo::SHARED_ADDRESS,
                row.address
            )
            .into_bytes(),
            topics: vec![],
            created_by: "Alice".into(),
            opened_at: None,
        },
        Some(&rapport_core::mail_out::outbox::Confirmation {
            actor: "Alice".into(),
            reason: "test".into(),
        }),
        now(),
    )
    .unwrap();
    type_in_editor(&mut s, "Hi! Tuesday works.\n");
    assert!(
        key(&mut s, Bound::Submit).is_empty(),
        "the review comes first"
    );
    review_lines(&s);
    let out = key(&mut s, Bound::Submit);
    assert!(
        !out.contains(&Command::Deliver),
        "not sent without a confirmation"
    );
    let Mode::Form(f) = &s.mode else {
        panic!("a confirmation is asked: {:?}", s.notice)
    };
    let intro = f.intro.join("\n");
    assert!(
        intro.contains("Alice queued a message")
            && intro.contains("Re: your application")
            && intro.contains("We would love to talk on Monday"),
        "{intro}"
    );
    type_form(&mut s, "adding the time slot");
    let out = key(&mut s, Bound::Submit);
    assert_eq!(out, vec![Command::Deliver], "{:?}", s.notice);
    assert_eq!(s.store.outbox().unwrap().len(), 2);
}

/// RFC 2047 "B" encoding, so headers stay 7-bit like real mail.
fn encoded_word(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("=?UTF-8?B?{out}?=")
}

/// A small mailbox with CJK names, emoji in names and text, an expired snooze, an assignment,
/// a note and a colleague's presence.
fn wide_state() -> (tempfile::TempDir, State) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let team = "talent@northwind.example";
    store
        .set_team(&[TeamMember {
            address: team.into(),
            name: "Northwind Talent".into(),
            shared: true,
        }])
        .unwrap();
    let people = [
        (
            "王小明",
            "wang@x.cn",
            "你好，我对这个职位很感兴趣，请问还在招聘吗？",
            50,
        ),
        (
            "佐藤 花子",
            "hanako@x.jp",
            "お世話になっております。面接の日程について",
            40,
        ),
        (
            "Zoë 🎉 Fischer",
            "zoe@x.de",
            "Thanks!! 🙏 Would love to chat 🚀 next week",
            30,
        ),
        (
            "Kim Min-jun 김민준",
            "minjun@x.kr",
            "안녕하세요, 지원 관련 문의드립니다",
            20,
        ),
        ("Ana 👩‍💻 Silva", "ana@x.br", "Sent my CV 📎 as asked", 10),
    ];
    let batch: Vec<RawMessage> = people
        .iter()
        .enumerate()
        .map(|(i, (name, addr, body, hours))| {
            let date = ANCHOR - hours * 3600;
            let d = jiff::Timestamp::from_second(date)
                .unwrap()
                .strftime("%a, %d %b %Y %H:%M:%S +0000");
            let subject = encoded_word(&format!("Application {i} ✉"));
            let name = encoded_word(name);
            RawMessage {
                bytes: format!(
                    "From: {name} <{addr}>\r\nTo: {team}\r\nSubject: {subject}\r\nDate: {d}\r\n\
                     Message-ID: <m{i}@x>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
                     Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
                )
                .into_bytes(),
                location: None,
                received_at: date, parts: None,
            }
        })
        .collect();
    ingest_batch(&mut store, batch).unwrap();
    let id = |s: &Store, a: &str| s.candidate_by_address(a).unwrap().unwrap();
    let (wang, hanako, zoe) = (
        id(&store, "wang@x.cn"),
        id(&store, "hanako@x.jp"),
        id(&store, "zoe@x.de"),
    );
    store
        .assign(wang, Some("Alice Moreau"), "Alice Moreau")
        .unwrap();
    // Snoozed before the demo's "now" until it: over, and back.
    store
        .snooze(hanako, Some(ANCHOR), "Bilal", ANCHOR - 30 * 3600)
        .unwrap();
    store
        .add_note(
            wang,
            "Alice Moreau",
            &"电话面试很顺利 👍\nCall back Monday.".parse().unwrap(),
            ANCHOR - 3600,
        )
        .unwrap();
    store
        .set_presence(&Presence {
            session: "4242@box".into(),
            user: "chen".into(),
            name: "陈静".into(),
            candidate_id: Some(zoe),
            activity: Activity::Replying,
            since: now(),
            heartbeat_at: now(),
        })
        .unwrap();
    let mut s = state_over(store, 80, 24);
    update(&mut s, Action::PresenceTick);
    (dir, s)
}

#[test]
fn wide_characters_keep_the_inbox_columns_aligned_80x24() {
    let (_d, s) = wide_state();
    let out = screen(&s);
    insta::assert_snapshot!("team_inbox_wide_80x24", out);
    // Every drawn line is exactly 80 cells, and each row's wait sits in the same 8 cells just
    // inside the right border, whatever the widths of the name and snippet before it.
    for l in render_lines(&s) {
        assert_eq!(width(&l), 80, "{l:?}");
    }
    let cells = render_cells(&s);
    for (i, row) in s.rows.iter().enumerate() {
        let line = &cells[2 + i];
        let wait = rapport_core::timefmt::duration(s.now - row.waiting_since.unwrap());
        // The first of the 8 cells marks a wait near ("~") or over ("!") the target.
        let cell = line[71..79].concat();
        let cell = cell.trim_start_matches(['~', '!']);
        assert_eq!(cell.trim(), wait, "row {i}: {line:?}");
        assert_eq!(line[79], "│");
    }
    assert!(out.contains("⏰"), "back from snooze is marked:\n{out}");
    assert!(
        out.contains("✎ 陈静"),
        "a colleague replying is shown:\n{out}"
    );
}

#[test]
fn wide_characters_in_the_conversation_80x24() {
    let (_d, mut s) = wide_state();
    // 王小明: assigned, with a note.
    while s.selected_row().unwrap().name != "王小明" {
        key(&mut s, Bound::Next);
    }
    key(&mut s, Bound::Open);
    assert_eq!(s.focus, Focus::Conversation);
    let out = screen(&s);
    insta::assert_snapshot!("team_conversation_wide_80x24", out);
    assert!(out.contains("assigned to Alice Moreau"), "{out}");
    assert!(out.contains("电话面试很顺利"), "{out}");
    for l in render_lines(&s) {
        assert_eq!(width(&l), 80, "{l:?}");
    }
}

/// The screen as the cells a terminal shows, one string per row (wide characters once).
fn render_lines(s: &State) -> Vec<String> {
    render_cells(s)
        .into_iter()
        .map(|row| row.concat())
        .collect()
}

/// Each row's cells; a wide character's second cell is an empty string.
fn render_cells(s: &State) -> Vec<Vec<String>> {
    let backend = ratatui::backend::TestBackend::new(s.width, s.height);
    let mut t = ratatui::Terminal::new(backend).unwrap();
    t.draw(|f| rapport::ui::render::render(s, f)).unwrap();
    let buf = t.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            let mut line = Vec::new();
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    line.push(String::new());
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = width(sym).saturating_sub(1);
                line.push(sym.to_string());
            }
            line
        })
        .collect()
}
