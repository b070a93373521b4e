//! `update` transitions and whole-screen snapshots over the demo mailbox.

mod common;

use common::*;
use rapport::ui::action::{Action, Bound};
use rapport::ui::state::{Command, Focus, Mode};
use rapport::ui::update::update;
use rapport_core::store::InboxFilter;

#[test]
fn inbox_starts_on_the_longest_wait() {
    let (_d, s) = demo_state(80, 24);
    assert_eq!(s.filter, InboxFilter::Awaiting);
    assert!(s.total > 5, "the demo has candidates waiting");
    let waits: Vec<i64> = s.rows.iter().map(|r| r.waiting_since.unwrap()).collect();
    assert!(waits.windows(2).all(|w| w[0] <= w[1]), "longest wait first");
    assert_eq!(s.conversation.as_ref().unwrap().candidate_id, s.rows[0].id);
}

#[test]
fn next_and_prev_move_the_selection_and_load_that_conversation() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Next);
    assert_eq!(s.selected, 1);
    assert_eq!(s.conversation.as_ref().unwrap().candidate_id, s.rows[1].id);
    assert_eq!(s.profile.as_ref().unwrap().id, s.rows[1].id);
    key(&mut s, Bound::Prev);
    key(&mut s, Bound::Prev);
    assert_eq!(s.selected, 0, "prev stops at the top");
    key(&mut s, Bound::Bottom);
    assert_eq!(s.selected, s.total - 1);
    key(&mut s, Bound::Next);
    assert_eq!(s.selected, s.total - 1, "next stops at the bottom");
    // The selection stays visible.
    assert!(s.selected >= s.list_top && s.selected < s.list_top + 20);
}

#[test]
fn filters_change_the_list() {
    let (_d, mut s) = demo_state(80, 24);
    let awaiting = s.total;
    key(&mut s, Bound::FilterAll);
    assert!(s.total > awaiting);
    key(&mut s, Bound::FilterOptedOut);
    assert!(s.total >= 1 && s.rows.iter().all(|r| r.opted_out));
    key(&mut s, Bound::Filter);
    assert_eq!(s.filter, InboxFilter::Awaiting);
    assert_eq!(s.total, awaiting);
}

#[test]
fn search_narrows_live_and_cancel_restores() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    let all = s.total;
    key(&mut s, Bound::Search);
    assert!(matches!(s.mode, Mode::Search { .. }));
    for c in "unsubscribe".chars() {
        update(&mut s, Action::SearchInput(c));
    }
    assert!(s.total >= 1 && s.total < all, "{} of {all}", s.total);
    update(&mut s, Action::SearchCancel);
    assert_eq!(s.total, all);
    assert_eq!(s.search, None);
    key(&mut s, Bound::Search);
    for c in "rust".chars() {
        update(&mut s, Action::SearchInput(c));
    }
    update(&mut s, Action::SearchSubmit);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(s.search.as_deref(), Some("rust"));
    key(&mut s, Bound::ClearSearch);
    assert_eq!(s.total, all);
}

#[test]
fn open_focuses_the_conversation_and_back_returns() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Open);
    assert_eq!(s.focus, Focus::Conversation);
    assert!(screen(&s).contains("◀"), "an inbound message is drawn");
    key(&mut s, Bound::Prev);
    assert_eq!(s.conv_scroll, 1, "k scrolls towards older messages");
    key(&mut s, Bound::Top);
    let top = s.conv_scroll;
    key(&mut s, Bound::Prev);
    assert_eq!(s.conv_scroll, top, "cannot scroll past the oldest line");
    key(&mut s, Bound::Bottom);
    assert_eq!(s.conv_scroll, 0);
    key(&mut s, Bound::Back);
    assert_eq!(s.focus, Focus::Inbox);
}

#[test]
fn help_opens_and_closes_and_quit_quits() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Help);
    assert!(matches!(s.mode, Mode::Help { .. }));
    assert!(screen(&s).contains("Next item"));
    key(&mut s, Bound::Back);
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(key(&mut s, Bound::Quit), vec![Command::Quit]);
}

#[test]
fn a_terminal_below_80x24_is_told_so() {
    let (_d, mut s) = demo_state(80, 24);
    update(&mut s, Action::Resize(60, 20));
    let out = screen(&s);
    assert!(out.contains("needs at least 80x24"), "{out}");
}

#[test]
fn snapshot_inbox_80x24() {
    let (_d, s) = demo_state(80, 24);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn snapshot_conversation_80x24() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Open);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn snapshot_profile_80x24() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    // A candidate with recorded preferences, to show the profile filled in.
    while s.profile.as_ref().is_some_and(|p| p.preferences.is_none()) && s.selected + 1 < s.total {
        key(&mut s, Bound::Next);
    }
    key(&mut s, Bound::ToggleProfile);
    key(&mut s, Bound::Open);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn snapshot_help_80x24() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Help);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn snapshot_three_panes_160x48() {
    let (_d, s) = demo_state(160, 48);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn snapshot_two_panes_120x40_all() {
    let (_d, mut s) = demo_state(120, 40);
    key(&mut s, Bound::FilterAll);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn sync_state_shows_in_the_title_bar() {
    use rapport_core::mail_in::imap::sync::Progress;
    use rapport_core::mail_in::imap::worker::SyncEvent;
    let (_d, mut s) = demo_state(160, 48);
    update(
        &mut s,
        Action::Sync(SyncEvent::Progress(Progress {
            folder: "INBOX".into(),
            done: 250,
            total: 1000,
        })),
    );
    assert!(screen(&s).contains("syncing INBOX 250/1000"));
    update(
        &mut s,
        Action::Sync(SyncEvent::Offline {
            reason: "cannot connect".into(),
            retry_in: std::time::Duration::from_secs(8),
        }),
    );
    let out = screen(&s);
    assert!(
        out.contains("offline: cannot connect · retry in 8s"),
        "{out}"
    );
    update(&mut s, Action::Sync(SyncEvent::UpToDate { new: 0 }));
    assert!(screen(&s).contains("up to date"));
    update(
        &mut s,
        Action::Sync(SyncEvent::Stopped {
            reason: "login failed".into(),
        }),
    );
    assert!(screen(&s).contains("sync stopped: login failed"));
}

/// The character drawn at display column `col` of a screen line (wide characters take two).
fn char_at(line: &str, col: usize) -> Option<char> {
    let mut at = 0;
    for c in line.chars() {
        if at == col {
            return Some(c);
        }
        at += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if at > col {
            return None;
        }
    }
    None
}

/// The screen's rows as the test backend prints them (without quotes and notes).
fn rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| {
            let l = l.strip_prefix('"').unwrap_or(l);
            l.rsplit_once('"').map_or(l, |(a, _)| a).to_string()
        })
        .collect()
}

#[test]
fn the_help_border_is_whole_beside_a_chinese_name() {
    let (_d, mut s) = demo_state(80, 24);
    assert!(
        s.rows.iter().any(|r| r.name == "刘伟"),
        "the demo lists 刘伟"
    );
    key(&mut s, Bound::Help);
    let screen = screen(&s);
    let rows = rows(&screen);
    // The help's left border is at column 4, from its top (row 2) to its bottom (row 21).
    for (y, row) in rows.iter().enumerate().take(22).skip(2) {
        assert!(
            matches!(char_at(row, 4), Some('│' | '┌' | '└')),
            "row {y} lost the border: {row}\n{screen}"
        );
    }
}

#[test]
fn help_scrolls_back_up_after_the_bottom_and_wraps_at_80_columns() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Help);
    key(&mut s, Bound::Bottom);
    let Mode::Help { scroll: bottom } = s.mode else {
        panic!("help open")
    };
    let at_bottom = screen(&s);
    assert!(
        at_bottom.contains("groups."),
        "the last line is shown:\n{at_bottom}"
    );
    key(&mut s, Bound::Prev);
    assert_eq!(
        s.mode,
        Mode::Help { scroll: bottom - 1 },
        "one k: one line up"
    );
    assert_ne!(screen(&s), at_bottom);
    key(&mut s, Bound::Next);
    key(&mut s, Bound::Next);
    assert_eq!(
        s.mode,
        Mode::Help { scroll: bottom },
        "j stops at the last line"
    );
    // Every line fits inside the overlay, and every description is there whole.
    let w = 70;
    let lines = rapport::ui::help::help_lines(&s, w);
    let text: Vec<String> = lines
        .iter()
        .map(|l| l.spans.iter().map(|sp| sp.content.as_ref()).collect())
        .collect();
    for l in &text {
        assert!(
            unicode_width::UnicodeWidthStr::width(l.as_str()) <= w,
            "{l}"
        );
    }
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = words(&text.join(" "));
    for (_, actions) in s.keymap.help() {
        for (b, _) in actions {
            assert!(all.contains(&words(b.description())), "{b:?} cut");
        }
    }
}

#[test]
fn every_symbol_in_the_lists_is_in_the_help_legend() {
    let (_d, mut s) = demo_state(80, 24);
    let lines = rapport::ui::help::help_lines(&s, 70);
    let legend: Vec<String> = lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|sp| sp.content.as_ref())
                .collect::<String>()
        })
        .collect();
    let explained = |sym: &str| {
        legend
            .iter()
            .any(|l| l.trim_start().starts_with(sym) && l.trim_start().len() > sym.len() + 2)
    };
    // The inbox's markers and the right column's marks; the conversation's.
    for sym in [
        "←", "→", "◷", "⚠", "⊘", "⊗", "z", "⏰", "*", "✎ ◉", "! ~", "◀", "▶", "◆", "✓", "✎", "📎",
        "[…]",
    ] {
        assert!(explained(sym), "{sym} is not in the legend");
    }
    // Asked to stop and over target read apart.
    let screen = screen(&s);
    let asked = screen
        .lines()
        .find(|l| l.contains("Sebastian Becker"))
        .unwrap();
    assert!(asked.contains("⚠ Sebastian"), "{asked}");
    assert!(asked.contains("! 2d 20h"), "{asked}");
    key(&mut s, Bound::Help);
}

#[test]
fn the_profile_wraps_its_lines_in_a_narrow_pane_instead_of_cutting_them() {
    // 160 columns: the profile is a pane of 36 columns beside the conversation.
    let (_d, s) = demo_state(160, 48);
    let text = screen(&s);
    let pane: Vec<String> = text
        .lines()
        .map(|l| l.trim_matches('"').chars().skip(123).collect::<String>())
        .collect();
    let pane = pane.join("\n");
    assert!(
        pane.contains("Waiting for our reply: 8d 15h (61h"),
        "{pane}"
    );
    assert!(pane.contains("  business, over target)"), "{pane}");
    assert!(pane.contains("(prefers email)"), "{pane}");
    assert!(
        !pane.contains('…'),
        "nothing in the profile is cut:\n{pane}"
    );
}
