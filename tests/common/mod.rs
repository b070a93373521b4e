//! Shared test fixtures: the demo mailbox at a fixed moment, and UI state over it.
#![allow(dead_code)]

pub mod attack;
pub mod fake;
pub mod mail;
pub mod message;
pub mod runner;
pub mod serve;
pub mod team;
pub mod terminal;

use rapport::ui::action::Action;
use rapport::ui::keymap::Keymap;
use rapport::ui::state::State;
use rapport::ui::theme::Theme;
use rapport::ui::update::{reload_list, update};
use rapport_core::store::Store;
use rapport_demo::install::fill;
use rapport_demo::{DemoConfig, generate};

/// An empty store whose team is the shared box `shared` ("Team") and one recruiter `alice`.
pub fn store_with_team(shared: &str, alice: &str) -> (tempfile::TempDir, Store) {
    use rapport_core::store::TeamMember;
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

/// `RAPPORT_NOW` for the binary: the same fixed "now" as [`ANCHOR`], so no test of the real
/// binary depends on today's date.
pub const CLOCK: (&str, &str) = ("RAPPORT_NOW", "1795186800");

/// The same, as a shell assignment for commands run inside tmux.
pub fn clock_env() -> String {
    format!("{}={}", CLOCK.0, CLOCK.1)
}

/// The rapport binary under test, its clock at [`ANCHOR`].
/// The binary under test, at the tests' fixed "now".
pub fn rapport_bin() -> std::process::Command {
    let mut c = binary();
    c.env(CLOCK.0, CLOCK.1);
    c
}

/// The binary under test at the real time. `RAPPORT_TEST_BIN` overrides it: with a target dir
/// shared between work trees, `target/debug/rapport` may have been linked from another tree.
pub fn binary() -> std::process::Command {
    std::process::Command::new(binary_path())
}

pub fn binary_path() -> String {
    std::env::var("RAPPORT_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_rapport").into())
}

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
pub fn screen<D: rapport::ui::reads::Reads>(s: &State<D>) -> String {
    let backend = ratatui::backend::TestBackend::new(s.width, s.height);
    let mut t = ratatui::Terminal::new(backend).unwrap();
    t.draw(|f| rapport::ui::render::render(s, f)).unwrap();
    t.backend().to_string()
}

/// Types `text` into the compose editor, a key at a time (newlines as Enter).
/// Presses the key bound to `b` and carries out the writes it asks for, as the runner does;
/// the other commands the UI asks its runner to carry out.
pub fn key(s: &mut State, b: rapport::ui::action::Bound) -> Vec<rapport::ui::state::Command> {
    let out = update(s, Action::Key(b));
    rapport::ui::write::settle(s, out)
}

/// Hands `a` to `update` and carries out the writes it asks for, as the runner does; the
/// other commands.
pub fn act(s: &mut State, a: Action) -> Vec<rapport::ui::state::Command> {
    let out = update(s, a);
    rapport::ui::write::settle(s, out)
}

/// Types `text` into the open form's field.
pub fn type_form<D: rapport::ui::reads::Reads>(s: &mut State<D>, text: &str) {
    for c in text.chars() {
        update(s, Action::FormInput(c));
    }
}

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

/// Whether a test that needs root (mounting a file system) can run: false (after saying why)
/// when it cannot, except under CI (`CI=true`), where it fails instead of passing.
pub fn root_or_skip() -> bool {
    if team::is_root() {
        return true;
    }
    assert!(!team::ci(), "this test needs root and CI=true");
    eprintln!("skipped: not running as root");
    false
}

/// A tmpfs of `size` (like "2m") mounted on `dir` (made if missing), unmounted when dropped.
pub struct Tmpfs(pub std::path::PathBuf);

impl Tmpfs {
    pub fn mount(dir: &std::path::Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let st = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir)
            .status()
            .unwrap();
        assert!(st.success(), "mount -t tmpfs failed");
        Tmpfs(dir.to_owned())
    }
    /// Gives it more room (space freed).
    pub fn resize(&self, size: &str) {
        let st = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(st.success(), "remount failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// The review shown after the editor closes: its lines (header, the policy's verdict, the
/// first lines). Panics when no review is open.
pub fn review_lines<D: rapport::ui::reads::Reads>(s: &State<D>) -> Vec<String> {
    match &s.mode {
        rapport::ui::state::Mode::Form(f) if f.purpose == rapport::ui::form::Purpose::Review => {
            f.intro.clone()
        }
        m => panic!("the review expected, got {m:?} ({:?})", s.notice),
    }
}
