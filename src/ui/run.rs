//! The runner: owns the terminal, turns terminal events into actions, runs `update`, draws
//! with `render`, and restores the terminal on quit, on error and on panic.

use crate::ui::action::{Action, Bound};
use crate::ui::render::render;
use crate::ui::state::{Command, Mode, State};
use crate::ui::update::{reload_list, update};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::{Duration, Instant};

/// How often relative times and the list refresh while idle.
const TICK: Duration = Duration::from_secs(30);

/// Runs the TUI until the user quits. The terminal is restored however this returns
/// (ratatui's init also installs a panic hook that restores it).
pub fn run(mut state: State) -> anyhow::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let result = event_loop(&mut terminal, &mut state);
    let restored = ratatui::try_restore();
    result?;
    restored?;
    Ok(())
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, state: &mut State) -> anyhow::Result<()> {
    let size = terminal.size()?;
    update(state, Action::Resize(size.width, size.height));
    reload_list(state);
    let mut last_tick = Instant::now();
    loop {
        terminal.draw(|f| render(state, f))?;
        let timeout = TICK.saturating_sub(last_tick.elapsed());
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
    state.keymap.resolve(state.context(), k).map(Action::Key)
}
