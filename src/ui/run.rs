//! The runner: owns the terminal, turns terminal events into actions, runs `update`, draws
//! with `render`, and restores the terminal on quit, on error and on panic.

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

/// Set while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Runs the TUI until the user quits. The terminal is restored however this returns, and on a
/// panic (see `install_panic_hook`).
pub fn run(mut state: State, sync: Option<Receiver<SyncEvent>>) -> anyhow::Result<()> {
    install_panic_hook();
    crossterm::terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let setup = crossterm::execute!(std::io::stdout(), EnterAlternateScreen, Hide);
    let result = match setup {
        Ok(()) => Terminal::new(CrosstermBackend::new(std::io::stdout()))
            .map_err(anyhow::Error::from)
            .and_then(|mut t| event_loop(&mut t, &mut state, sync.as_ref())),
        Err(e) => Err(e.into()),
    };
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
    sync: Option<&Receiver<SyncEvent>>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let size = terminal.size()?;
    update(state, Action::Resize(size.width, size.height));
    reload_list(state);
    let mut last_tick = Instant::now();
    loop {
        terminal.draw(|f| render(state, f))?;
        // Lets the terminal test check that a crash restores the terminal (debug builds only).
        #[cfg(debug_assertions)]
        if std::env::var_os("RAPPORT_TEST_PANIC").is_some() {
            panic!("RAPPORT_TEST_PANIC is set: crashing on purpose");
        }
        let mut timeout = TICK.saturating_sub(last_tick.elapsed());
        if let Some(rx) = sync {
            // Worker reports are picked up at least this often.
            timeout = timeout.min(Duration::from_millis(200));
            let mut got = false;
            while let Ok(ev) = rx.try_recv() {
                update(state, Action::Sync(ev));
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
                if update(state, a).contains(&Command::Quit) {
                    return Ok(());
                }
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            update(state, Action::Tick);
        }
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
