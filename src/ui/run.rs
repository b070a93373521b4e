//! The runner: owns the terminal, turns terminal events into actions, runs `update`, draws
//! with `render`, and restores the terminal on quit, on error and on panic.

use crate::core::delivery::DeliveryEvent;
use crate::core::imap::worker::SyncEvent;
use crate::ui::action::{Action, Bound};
use crate::ui::render::render;
use crate::ui::state::{Command, Mode, State};
use crate::ui::update::{reload_list, update};
use crossterm::cursor::{Hide, Show};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// How often relative times and the list refresh while idle.
const TICK: Duration = Duration::from_secs(30);
/// How often colleagues' presence is read again (and this session's heartbeat written).
const PRESENCE_TICK: Duration = Duration::from_secs(2);

/// How often the database is asked whether another process changed it: colleagues' work and
/// new mail show within this (plus one redraw).
const WATCH: Duration = Duration::from_millis(500);

/// Set while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Runs the TUI until the user quits. The terminal is restored however this returns, and on a
/// panic (see `install_panic_hook`).
/// Background workers the UI listens to.
#[derive(Default)]
pub struct Workers {
    pub sync: Option<Receiver<SyncEvent>>,
    pub delivery: Option<(std::sync::mpsc::Sender<()>, Receiver<DeliveryEvent>)>,
    /// Where draft files for the external editor go (the data dir).
    pub drafts_dir: Option<std::path::PathBuf>,
}

pub fn run(mut state: State, workers: Workers) -> anyhow::Result<()> {
    install_panic_hook();
    crossterm::terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let setup = crossterm::execute!(std::io::stdout(), EnterAlternateScreen, Hide);
    let result = match setup {
        Ok(()) => Terminal::new(CrosstermBackend::new(std::io::stdout()))
            .map_err(anyhow::Error::from)
            .and_then(|mut t| event_loop(&mut t, &mut state, &workers)),
        Err(e) => Err(e.into()),
    };
    // Colleagues stop seeing this session at once rather than after it goes stale.
    let _ = state.store.clear_presence(&state.session.clone());
    let restored = restore();
    result?;
    restored?;
    Ok(())
}

/// Leaves the alternate screen and raw mode and shows the cursor, if the TUI is active.
pub fn restore() -> std::io::Result<()> {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        crossterm::execute!(std::io::stdout(), LeaveAlternateScreen, Show)?;
        crossterm::terminal::disable_raw_mode()?;
    }
    Ok(())
}

/// A panic contained by `core::guard` (a parser choking on a message) is only logged. Any
/// other panic restores the terminal first, so the message is readable and the shell usable.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if crate::core::guard::is_guarded() {
                tracing::warn!("contained panic: {info}");
                return;
            }
            let _ = restore();
            tracing::error!("panic: {info}");
            previous(info);
        }));
    });
}

fn event_loop<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    workers: &Workers,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size()?;
    for c in step(state, Action::Resize(size.width, size.height)) {
        side_effect(state, workers, c);
    }
    reload_list(state);
    let mut last_tick = Instant::now();
    let mut watch = crate::ui::live::Watch::new(&state.store);
    let mut last_presence = Instant::now();
    for c in step(state, Action::PresenceTick) {
        side_effect(state, workers, c);
    }
    loop {
        if watch.due(WATCH) && watch.changed(&state.store) {
            for c in step(state, Action::DataChanged) {
                side_effect(state, workers, c);
            }
        }
        terminal.draw(|f| render(state, f))?;
        // Lets the terminal test check that a crash restores the terminal (debug builds only).
        #[cfg(debug_assertions)]
        if std::env::var_os("RAPPORT_TEST_PANIC").is_some() {
            panic!("RAPPORT_TEST_PANIC is set: crashing on purpose");
        }
        let mut timeout = TICK
            .saturating_sub(last_tick.elapsed())
            .min(WATCH)
            .min(PRESENCE_TICK.saturating_sub(last_presence.elapsed()));
        if let Some((_, rx)) = &workers.delivery {
            timeout = timeout.min(Duration::from_millis(200));
            while let Ok(ev) = rx.try_recv() {
                for c in step(state, Action::Delivery(ev)) {
                    side_effect(state, workers, c);
                }
            }
        }
        if let Some(rx) = &workers.sync {
            // Worker reports are picked up at least this often.
            timeout = timeout.min(Duration::from_millis(200));
            let mut got = false;
            while let Ok(ev) = rx.try_recv() {
                for c in step(state, Action::Sync(ev)) {
                    side_effect(state, workers, c);
                }
                got = true;
            }
            if got {
                continue;
            }
        }
        if event::poll(timeout)? {
            let action = match event::read()? {
                Event::Key(k) => translate(state, &k),
                Event::Resize(w, h) => Some(Action::Resize(w, h)),
                _ => None,
            };
            if let Some(a) = action {
                if matches!(a, Action::Key(_)) {
                    state.notice = None;
                }
                for c in step(state, a) {
                    match c {
                        Command::Quit => return Ok(()),
                        Command::Deliver | Command::Presence(_) => side_effect(state, workers, c),
                        Command::Edit(text) => {
                            let done = edit_externally(terminal, state, workers, &text);
                            for c in step(state, Action::EditorDone(done)) {
                                side_effect(state, workers, c);
                            }
                        }
                    }
                }
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            for c in step(state, Action::Tick) {
                side_effect(state, workers, c);
            }
        }
        if last_presence.elapsed() >= PRESENCE_TICK {
            last_presence = Instant::now();
            for c in step(state, Action::PresenceTick) {
                side_effect(state, workers, c);
            }
        }
    }
}

/// `update`, then what colleagues should now see of this session (see `ui::presence`).
fn step(state: &mut State, action: Action) -> Vec<Command> {
    let mut out = update(state, action);
    out.extend(crate::ui::presence::announce(
        state,
        crate::core::store::now(),
    ));
    out
}

/// Commands that need no terminal: waking the outbox worker, writing presence.
fn side_effect(state: &mut State, workers: &Workers, c: Command) {
    match c {
        Command::Deliver => {
            if let Some((wake, _)) = &workers.delivery {
                let _ = wake.send(());
            }
        }
        Command::Presence(p) => {
            if let Err(e) = state.store.set_presence(&p) {
                tracing::warn!("cannot record presence: {e}");
            }
        }
        Command::Quit | Command::Edit(_) => {}
    }
}

/// Hands the terminal to $VISUAL/$EDITOR on a private draft file, then takes it back: leave
/// the alternate screen and raw mode, run the editor, restore both and redraw everything.
fn edit_externally<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    state: &State,
    workers: &Workers,
    text: &str,
) -> Result<String, String>
where
    B::Error: Send + Sync + 'static,
{
    let editor = state.editor.clone().ok_or("no editor configured")?;
    let dir = workers
        .drafts_dir
        .clone()
        .unwrap_or_else(std::env::temp_dir);
    let file = tempfile::Builder::new()
        .prefix("rapport-draft-")
        .suffix(".txt")
        .tempfile_in(&dir)
        .map_err(|e| format!("cannot create a draft file in {}: {e}", dir.display()))?;
    // In a team's shared data dir, a draft left behind by a crash is the group's like any file.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = crate::core::shared_dir::file_mode(&dir);
        let _ = std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode));
    }
    std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
    let _ = restore();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("rapport-editor")
        .arg(file.path())
        .status();
    // Take the terminal back whatever happened.
    let _ = crossterm::terminal::enable_raw_mode();
    ACTIVE.store(true, Ordering::SeqCst);
    let _ = crossterm::execute!(std::io::stdout(), EnterAlternateScreen, Hide);
    let _ = terminal.clear();
    match status {
        Ok(st) if st.success() => std::fs::read_to_string(file.path()).map_err(|e| e.to_string()),
        Ok(st) => Err(format!("{editor} exited with {st}")),
        Err(e) => Err(format!("cannot run {editor}: {e}")),
    }
}

/// A key event as an action: text for the search prompt, otherwise through the keymap.
pub fn translate(state: &State, k: &KeyEvent) -> Option<Action> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if let Mode::Search { .. } = state.mode {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        return match k.code {
            KeyCode::Char('c') if ctrl => Some(Action::Key(Bound::Quit)),
            KeyCode::Esc => Some(Action::SearchCancel),
            KeyCode::Enter => Some(Action::SearchSubmit),
            KeyCode::Backspace => Some(Action::SearchBackspace),
            KeyCode::Char(c) if !ctrl => Some(Action::SearchInput(c)),
            _ => None,
        };
    }
    if let Mode::Compose(_) = &state.mode {
        // Only the editor's own two keys are actions; everything else is typing.
        return match state.keymap.resolve(crate::ui::action::Context::Compose, k) {
            Some(b @ (Bound::Submit | Bound::Cancel)) => Some(Action::Key(b)),
            _ => Some(Action::ComposeKey(*k)),
        };
    }
    if let Mode::Form(f) = &state.mode {
        let plain = !k
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if f.focused_is_text() {
            match k.code {
                KeyCode::Char(c) if plain => return Some(Action::FormInput(c)),
                KeyCode::Backspace => return Some(Action::FormBackspace),
                _ => {}
            }
        }
    }
    state.keymap.resolve(state.context(), k).map(Action::Key)
}
