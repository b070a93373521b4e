//! The Share view over the demo mailbox: whole-screen snapshots of the shares list, a new
//! share's preview and its confirmation at 80x24, and a share created from the view as the
//! core records it.

mod common;

use common::{ANCHOR, demo_state, key, screen, type_form};
use rapport::ui::action::Bound;
use rapport::ui::share::Screen;
use rapport::ui::state::{Mode, State};
use rapport_core::actions::share::{self, Spec};
use rapport_core::mail_out::templates::{Origin, load};

/// The demo with its snippets and a sender, as `rapport demo` starts it.
fn sharing(w: u16, h: u16) -> (tempfile::TempDir, State) {
    let (d, mut s) = demo_state(w, h);
    s.templates = load(&d.path().join("templates"), Origin::DataDir).unwrap();
    s.actor = "Alice Moreau".into();
    s.identity = Some(rapport_core::mail_out::compose::Sender {
        team: "Northwind Talent".into(),
        shared_address: rapport_demo::SHARED_ADDRESS.into(),
        recruiter_name: "Alice Moreau".into(),
        ..Default::default()
    });
    (d, s)
}

/// W, n, the tagged snippet, the form as it comes: the preview (computed as the runner does).
fn preview(s: &mut State) {
    key(s, Bound::Shares);
    key(s, Bound::NewShare);
    key(s, Bound::Submit);
    assert!(
        matches!(&s.mode, Mode::Form(f) if matches!(f.purpose, rapport::ui::form::Purpose::ShareSpec { .. })),
        "{:?}",
        s.mode
    );
    key(s, Bound::Submit);
    assert!(
        matches!(s.shares.as_deref().unwrap().screen, Screen::Preview { .. }),
        "{:?}; {:?}",
        s.shares.as_deref().unwrap().screen,
        s.notice
    );
}

fn recipients(s: &State) -> usize {
    match &s.shares.as_deref().unwrap().screen {
        Screen::Preview { planned, .. } => planned.preview.planned.len(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_preview_at_80x24() {
    let (_d, mut s) = sharing(80, 24);
    preview(&mut s);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn the_preview_scrolls_to_everyone_left_out_and_who_receives_it() {
    let (_d, mut s) = sharing(80, 24);
    preview(&mut s);
    key(&mut s, Bound::Bottom);
    let text = screen(&s);
    assert!(text.contains("Receiving it"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn the_preview_at_120x30() {
    let (_d, mut s) = sharing(120, 30);
    preview(&mut s);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn the_confirmation_at_80x24() {
    let (_d, mut s) = sharing(80, 24);
    preview(&mut s);
    key(&mut s, Bound::Open);
    insta::assert_snapshot!(screen(&s));
}

#[test]
fn a_share_confirmed_with_the_number_is_created_as_previewed() {
    let (_d, mut s) = sharing(80, 24);
    preview(&mut s);
    let n = recipients(&s);
    assert!(n > 0);
    // A wrong number: nothing is created.
    key(&mut s, Bound::Open);
    type_form(&mut s, &(n + 1).to_string());
    key(&mut s, Bound::Submit);
    assert!(s.store.shares().unwrap().is_empty());
    key(&mut s, Bound::Open);
    type_form(&mut s, &n.to_string());
    key(&mut s, Bound::Submit);
    let shares = s.store.shares().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(shares[0].state, "active");
    let r = share::report(&s.store, shares[0].id).unwrap();
    assert_eq!(r.planned, n);
    // The view shows its progress.
    let Screen::Detail { id, report, .. } = &s.shares.as_deref().unwrap().screen else {
        panic!("the new share is shown")
    };
    assert_eq!(*id, shares[0].id);
    assert_eq!(report.as_ref().unwrap().planned, n);
    let text = screen(&s);
    assert!(text.contains(&format!("planned {n}")), "{text}");
}

#[test]
fn the_shares_list_at_80x24() {
    let (_d, mut s) = sharing(80, 24);
    // Two shares created at the demo's fixed "now", one of them paused.
    for (subject, per_hour) in [("Rust roles this month", 30), ("Rust meetup in Berlin", 10)] {
        let spec = Spec::of_snippet(
            &s.templates,
            "rust roles",
            Some(subject),
            None,
            Some(per_hour),
            None,
        )
        .unwrap();
        let (schedule, target) = (s.schedule.clone(), s.target);
        let p = share::preview(
            &s.store,
            &spec,
            s.identity.as_ref().unwrap(),
            "Alice Moreau",
            &schedule,
            target,
            ANCHOR,
        )
        .unwrap();
        share::create(&mut s.store, &spec, &p, "Alice Moreau", ANCHOR).unwrap();
    }
    share::pause(&mut s.store, 1, "Alice Moreau").unwrap();
    key(&mut s, Bound::Shares);
    insta::assert_snapshot!("list", screen(&s));
    key(&mut s, Bound::Open);
    insta::assert_snapshot!("detail", screen(&s));
}

#[test]
fn an_untagged_snippet_says_why_it_cannot_be_shared() {
    let (_d, mut s) = sharing(80, 24);
    key(&mut s, Bound::Shares);
    key(&mut s, Bound::NewShare);
    key(&mut s, Bound::NextOption);
    key(&mut s, Bound::Submit);
    let text = screen(&s);
    assert!(text.contains("has no tags"), "{text}");
}
