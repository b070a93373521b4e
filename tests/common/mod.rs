//! Shared test fixtures: the demo mailbox at a fixed moment, and UI state over it.
#![allow(dead_code)]

pub mod mail;
pub mod team;

use rapport::core::demo::{DemoConfig, generate};
use rapport::core::demo_install::fill;
use rapport::core::store::Store;
use rapport::ui::action::Action;
use rapport::ui::keymap::Keymap;
use rapport::ui::state::State;
use rapport::ui::theme::Theme;
use rapport::ui::update::{reload_list, update};

/// An empty store whose team is the shared box `shared` ("Team") and one recruiter `alice`.
pub fn store_with_team(shared: &str, alice: &str) -> (tempfile::TempDir, Store) {
    use rapport::core::store::TeamMember;
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_in(dir.path()).unwrap();
    s.set_team(&[
        TeamMember {
            address: shared.into(),
            name: "Team".into(),
            shared: true,
        },
        TeamMember {
            address: alice.into(),
            name: "Alice".into(),
            shared: false,
        },
    ])
    .unwrap();
    (dir, s)
}

/// Fri 20 Nov 2026 15:00 UTC: the demo's fixed "now" in tests.
pub const ANCHOR: i64 = 1_795_186_800;

pub fn demo_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    fill(
        &mut store,
        dir.path(),
        generate(&DemoConfig::standard(ANCHOR)),
        ANCHOR,
    )
    .unwrap();
    (dir, store)
}

pub fn state_over(store: Store, w: u16, h: u16) -> State {
    let mut s = State::new(
        store,
        Keymap::defaults(),
        Theme::plain(),
        "Northwind Talent (demo)".into(),
        jiff::tz::TimeZone::UTC,
        ANCHOR,
    );
    update(&mut s, Action::Resize(w, h));
    reload_list(&mut s);
    s
}

pub fn demo_state(w: u16, h: u16) -> (tempfile::TempDir, State) {
    let (dir, store) = demo_store();
    (dir, state_over(store, w, h))
}

/// Draws the state on a test terminal of its size and returns the screen as text.
pub fn screen(s: &State) -> String {
    let backend = ratatui::backend::TestBackend::new(s.width, s.height);
    let mut t = ratatui::Terminal::new(backend).unwrap();
    t.draw(|f| rapport::ui::render::render(s, f)).unwrap();
    t.backend().to_string()
}

/// Types `text` into the compose editor, a key at a time (newlines as Enter).
pub fn type_in_editor(s: &mut State, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            crossterm::event::KeyCode::Enter
        } else {
            crossterm::event::KeyCode::Char(c)
        };
        update(
            s,
            Action::ComposeKey(crossterm::event::KeyEvent::from(code)),
        );
    }
}
