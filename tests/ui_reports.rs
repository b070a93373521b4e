//! The Reports view over the demo mailbox: whole-screen snapshots, and what its keys do.

mod common;

use common::{demo_state, key, screen};
use rapport::ui::action::Bound;
use rapport::ui::reports::PeriodChoice;
use rapport::ui::state::Focus;
use rapport_core::responses::report::{Clock, Level};

#[test]
fn reports_view_at_80x24() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Reports);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn reports_view_at_160x48() {
    let (_d, mut s) = demo_state(160, 48);
    key(&mut s, Bound::Reports);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn period_and_clock_change_the_numbers() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Reports);
    let v = s.reports.as_deref().unwrap();
    assert_eq!(
        (v.period, v.clock),
        (PeriodChoice::Days(30), Clock::Business)
    );
    let month = v.report.as_ref().unwrap().total.reply.count;
    for _ in 0..4 {
        key(&mut s, Bound::Period);
    }
    let v = s.reports.as_deref().unwrap();
    assert_eq!(v.period, PeriodChoice::All);
    let all = v.report.as_ref().unwrap().total.clone();
    assert!(all.reply.count > month, "{} vs {month}", all.reply.count);
    key(&mut s, Bound::ToggleClock);
    let v = s.reports.as_deref().unwrap();
    assert_eq!(v.clock, Clock::Calendar);
    let cal = &v.report.as_ref().unwrap().total;
    assert_eq!(cal.reply.count, all.reply.count);
    // Nights and weekends count in calendar time.
    assert!(cal.reply.median > all.reply.median);
    assert!(screen(&s).contains("calendar time"));
}

#[test]
fn the_demo_tells_a_story() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Reports);
    for _ in 0..4 {
        key(&mut s, Bound::Period);
    }
    let r = s.reports.as_deref().unwrap().report.clone().unwrap();
    let median = |name: &str| {
        r.by_recruiter
            .iter()
            .find(|row| row.group == name)
            .unwrap_or_else(|| panic!("{name} is in the table"))
            .reply
            .median
            .unwrap()
    };
    // Alice is the fastest, Chen the slowest, in business hours.
    assert!(median("Alice Moreau") < median("Bilal Haddad"));
    assert!(median("Bilal Haddad") < median("Chen Wei"));
    let over = r.waiting.iter().filter(|w| w.level == Level::Over).count();
    assert!(
        (2..=12).contains(&over),
        "{over} candidates over the target"
    );
    assert!(r.distribution.iter().filter(|&&n| n > 0).count() >= 4);
}

#[test]
fn enter_opens_the_longest_waiting_candidate() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Reports);
    let first = s.reports.as_deref().unwrap().sla[0].clone();
    assert_eq!(first.level, Level::Over);
    key(&mut s, Bound::Next);
    key(&mut s, Bound::Prev);
    key(&mut s, Bound::Open);
    assert!(s.reports.is_none());
    assert_eq!(s.focus, Focus::Conversation);
    assert_eq!(s.selected_row().unwrap().id, first.candidate_id);
    assert_eq!(
        s.conversation.as_ref().unwrap().candidate_id,
        first.candidate_id
    );
    // Esc (or q) from the candidate goes back to the Reports view, where it was.
    key(&mut s, Bound::Back);
    let v = s.reports.as_deref().expect("back in the Reports view");
    assert_eq!(v.sla[v.selected].candidate_id, first.candidate_id);
    assert!(screen(&s).contains("Reports"));
    // From the inbox, esc no longer leads there.
    key(&mut s, Bound::Open);
    key(&mut s, Bound::Back);
    assert!(s.reports.is_some());
    key(&mut s, Bound::Back);
    assert!(s.reports.is_none());
}

#[test]
fn this_month_and_last_month() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Reports);
    for _ in 0..2 {
        key(&mut s, Bound::Period);
    }
    let v = s.reports.as_deref().unwrap();
    assert_eq!(v.period, PeriodChoice::Month(0));
    // The demo's now is Fri 20 Nov 2026 15:00 UTC; its team works in Europe/Berlin.
    let r = v.report.as_ref().unwrap();
    assert_eq!(
        rapport_core::timefmt::rfc3339(r.since),
        "2026-10-31T23:00:00Z"
    );
    assert!(screen(&s).contains("this month"), "{}", screen(&s));
    key(&mut s, Bound::Period);
    let v = s.reports.as_deref().unwrap();
    assert_eq!(v.period, PeriodChoice::Month(1));
    let r = v.report.as_ref().unwrap();
    assert_eq!(
        (
            rapport_core::timefmt::rfc3339(r.since),
            rapport_core::timefmt::rfc3339(r.until)
        ),
        ("2026-09-30T22:00:00Z".into(), "2026-10-31T23:00:00Z".into())
    );
    assert!(screen(&s).contains("last month"));
}

#[test]
fn the_waiting_list_says_whose_they_are() {
    let (_d, mut s) = demo_state(120, 40);
    key(&mut s, Bound::Reports);
    let first = s.reports.as_deref().unwrap().sla[0].candidate_id;
    s.store
        .assign(first, Some("Bilal Haddad"), "Dana Fischer")
        .unwrap();
    key(&mut s, Bound::Back);
    key(&mut s, Bound::Reports);
    let v = s.reports.as_deref().unwrap();
    let assigned = v.sla[0].clone();
    assert_eq!(assigned.assigned_to.as_deref(), Some("Bilal Haddad"));
    let text = screen(&s);
    let row = text
        .lines()
        .find(|l| l.contains(&assigned.name))
        .unwrap_or_else(|| panic!("{} listed:\n{text}", assigned.name));
    assert!(
        row.contains(assigned.assigned_to.as_deref().unwrap()),
        "{row}"
    );
    assert!(text.contains("assigned to"), "{text}");
}

#[test]
fn help_from_reports_shows_the_definitions_and_returns() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::Reports);
    key(&mut s, Bound::Help);
    let text = screen(&s);
    assert!(text.contains("Response times: definitions"), "{text}");
    assert!(text.contains("Wait: from the candidate's oldest message"));
    key(&mut s, Bound::Back);
    assert!(s.reports.is_some());
    key(&mut s, Bound::Back);
    assert!(s.reports.is_none());
}

#[test]
fn inbox_marks_waits_over_the_target() {
    let (_d, s) = demo_state(80, 24);
    let text = screen(&s);
    let row = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} is listed:\n{text}"))
            .to_string()
    };
    // 61 business hours: over the 24-hour target; 9 calendar hours on a Friday: within it.
    assert!(row("Henrik Halvorsen").contains("! 8d 15h"), "{text}");
    assert!(row("Hannah Smith").contains("   1d 9h"), "{text}");
}
