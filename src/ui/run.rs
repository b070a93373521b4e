//! The runner: owns the terminal, turns terminal events into actions, runs `update`, draws
//! with `render`, and restores the terminal on quit, on error and on panic.

use crate::ui::action::{Action, Bound};
use crate::ui::render::render;
use crate::ui::state::{Command, Mode, State};
use crate::ui::update::{reload_list, update};
use crossterm::cursor::{Hide, Show};
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen};
use rapport_core::mail_in::imap::worker::SyncEvent;
use rapport_core::mail_out::delivery::DeliveryEvent;
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
pub const WATCH: Duration = Duration::from_millis(500);

/// Set while the terminal is in raw mode on the alternate screen.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Runs the TUI until the user quits. The terminal is restored however this returns, and on a
/// panic (see `install_panic_hook`).
/// Background workers the UI listens to.
#[derive(Default)]
pub struct Workers {
    pub sync: Option<Receiver<SyncEvent>>,
    pub delivery: Option<(std::sync::mpsc::Sender<()>, Receiver<DeliveryEvent>)>,
    /// The IMAP server an erasure deletes on (`erase_on_server = true`), and the channel its
    /// thread answers on.
    pub erase_server: Option<ServerEraser>,
    /// Slow writes (an erasure) run on a thread of their own and answer here.
    pub slow_writes: SlowWrites,
    /// Attachments are fetched, saved and read on a thread of their own and answer here.
    pub attachments: AttachmentWorker,
    /// Share previews are computed on a thread of their own and answer here.
    pub share_previews: SharePreviews,
}

/// A share's preview, or why not.
type Previewed = Result<Box<crate::ui::share::Planned>, String>;

/// The answers of share previews computed off the UI thread (each reads every candidate).
pub struct SharePreviews {
    done: (std::sync::mpsc::Sender<Previewed>, Receiver<Previewed>),
}

impl Default for SharePreviews {
    fn default() -> SharePreviews {
        SharePreviews {
            done: std::sync::mpsc::channel(),
        }
    }
}

/// What an attachment's thread reports: how the fetch goes, then its answer.
enum AttachmentReport {
    Progress(crate::ui::attachments::Progress),
    Done(Result<crate::ui::attachments::Answer, String>),
}

/// Where attachments go (from the config), and the channel their threads answer on.
pub struct AttachmentWorker {
    pub settings: crate::ui::attachments::Settings,
    done: (
        std::sync::mpsc::Sender<AttachmentReport>,
        Receiver<AttachmentReport>,
    ),
}

impl Default for AttachmentWorker {
    fn default() -> AttachmentWorker {
        AttachmentWorker::new(Default::default())
    }
}

impl AttachmentWorker {
    pub fn new(settings: crate::ui::attachments::Settings) -> AttachmentWorker {
        AttachmentWorker {
            settings,
            done: std::sync::mpsc::channel(),
        }
    }
}

/// The answers of writes run off the UI thread.
pub struct SlowWrites {
    done: (
        std::sync::mpsc::Sender<crate::ui::write::Finished>,
        Receiver<crate::ui::write::Finished>,
    ),
}

impl Default for SlowWrites {
    fn default() -> SlowWrites {
        SlowWrites {
            done: std::sync::mpsc::channel(),
        }
    }
}

/// Deleted per folder, or why not.
type ServerErased = Result<Vec<(String, usize)>, String>;

pub struct ServerEraser {
    pub endpoint: rapport_core::mail_in::imap::connect::Endpoint,
    done: (
        std::sync::mpsc::Sender<ServerErased>,
        Receiver<ServerErased>,
    ),
}

impl ServerEraser {
    pub fn new(endpoint: rapport_core::mail_in::imap::connect::Endpoint) -> ServerEraser {
        ServerEraser {
            endpoint,
            done: std::sync::mpsc::channel(),
        }
    }
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
    // The loop is over: the watchdog must not end the process during the clean-up below.
    ALIVE.store(u64::MAX, Ordering::Relaxed);
    // Colleagues stop seeing this session at once rather than after it goes stale.
    let _ = state.store.clear_presence(&state.session.clone());
    let restored = restore();
    result?;
    restored?;
    Ok(())
}

/// Leaves the alternate screen and raw mode and shows the cursor, if the TUI is active. Both
/// are tried even when the first fails (a terminal that is gone fails the write).
pub fn restore() -> std::io::Result<()> {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let screen = crossterm::execute!(std::io::stdout(), LeaveAlternateScreen, Show);
        let raw = crossterm::terminal::disable_raw_mode();
        screen?;
        raw?;
    }
    Ok(())
}

/// The terminal's input, watched for a hang-up. crossterm's reader never returns once the
/// terminal is gone (a read of 0 bytes or EIO makes it read again, at full CPU), and SIGHUP may
/// not come (ignored, or the terminal closed some other way). So input is only handed to
/// crossterm once poll(2) says there is some and the terminal is still there; a hang-up or an
/// error ends the session, which then releases the sync lease and its presence as on quit.
struct TtyWatch {
    fd: std::os::fd::RawFd,
    /// `/dev/tty` when stdin is not the terminal (crossterm reads it then).
    _owned: Option<std::fs::File>,
}

impl TtyWatch {
    fn open() -> std::io::Result<TtyWatch> {
        use std::os::fd::AsRawFd;
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return Ok(TtyWatch {
                fd: libc::STDIN_FILENO,
                _owned: None,
            });
        }
        let f = std::fs::OpenOptions::new().read(true).open("/dev/tty")?;
        Ok(TtyWatch {
            fd: f.as_raw_fd(),
            _owned: Some(f),
        })
    }

    /// Waits up to `timeout` for input or a signal (a resize): true when crossterm should look,
    /// false on timeout, an error when the terminal is gone.
    fn wait(&self, timeout: Duration) -> std::io::Result<bool> {
        let mut p = libc::pollfd {
            fd: self.fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut p, 1, ms) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            // A signal: SIGWINCH reaches crossterm through its own pipe.
            return if e.kind() == std::io::ErrorKind::Interrupted {
                Ok(true)
            } else {
                Err(e)
            };
        }
        if p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            return Err(gone());
        }
        Ok(n > 0)
    }

    /// Whether the terminal has hung up, without waiting.
    fn hung_up(fd: std::os::fd::RawFd) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: 0,
            revents: 0,
        };
        // SAFETY: as above.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        n > 0 && p.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
    }
}

fn gone() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the terminal is gone")
}

/// Seconds since the process started (monotonic), for the watchdog.
fn uptime_secs() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs()
}

/// [`uptime_secs`] at the event loop's last turn, for the watchdog.
static ALIVE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How long the loop may be stuck on a hung-up terminal before the watchdog ends the process.
const STUCK: Duration = Duration::from_secs(5);

/// The last resort: if the terminal hung up and the loop is stuck anyway (inside crossterm
/// between our check and its read), the process exits; its lease then expires on its own.
fn spawn_watchdog(fd: std::os::fd::RawFd) {
    let _ = std::thread::Builder::new()
        .name("rapport-tty-watchdog".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let now = uptime_secs();
                let last = ALIVE.load(Ordering::Relaxed);
                if TtyWatch::hung_up(fd) && now.saturating_sub(last) >= STUCK.as_secs() {
                    tracing::warn!("the terminal is gone and the inbox is stuck: exiting");
                    std::process::exit(1);
                }
            }
        });
}

/// A panic contained by `core::guard` (a parser choking on a message) is only logged. Any
/// other panic restores the terminal first, so the message is readable and the shell usable.
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Only where it happened: a panic's message can quote the text it choked on
            // (a string slice's panic does), and the log holds no candidate content.
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_else(|| "an unknown place".into());
            if rapport_core::guard::is_guarded() {
                tracing::warn!("contained panic at {at}");
                return;
            }
            let _ = restore();
            tracing::error!("panic at {at}");
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
    if act(
        terminal,
        state,
        workers,
        Action::Resize(size.width, size.height),
    ) {
        return Ok(());
    }
    reload_list(state);
    let mut last_tick = Instant::now();
    let mut watch = crate::ui::live::Watch::new(&state.store);
    let mut last_presence = Instant::now();
    if act(terminal, state, workers, Action::PresenceTick) {
        return Ok(());
    }
    let tty = TtyWatch::open()?;
    ALIVE.store(uptime_secs(), Ordering::Relaxed);
    spawn_watchdog(tty.fd);
    loop {
        ALIVE.store(uptime_secs(), Ordering::Relaxed);
        if watch.due(WATCH)
            && watch.changed(&state.store)
            && act(terminal, state, workers, Action::DataChanged)
        {
            return Ok(());
        }
        // A write error (the terminal is gone) ends the session like a hang-up.
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
                if act(terminal, state, workers, Action::Delivery(ev)) {
                    return Ok(());
                }
            }
        }
        if let Some(e) = &workers.erase_server {
            while let Ok(r) = e.done.1.try_recv() {
                if act(terminal, state, workers, Action::ServerErased(r)) {
                    return Ok(());
                }
            }
        }
        while let Ok(r) = workers.attachments.done.1.try_recv() {
            let a = match r {
                AttachmentReport::Progress(p) => Action::AttachmentProgress(p),
                AttachmentReport::Done(a) => Action::Attachment(a),
            };
            if act(terminal, state, workers, a) {
                return Ok(());
            }
        }
        while let Ok(f) = workers.slow_writes.done.1.try_recv() {
            if act(terminal, state, workers, Action::Done(Box::new(f))) {
                return Ok(());
            }
        }
        while let Ok(p) = workers.share_previews.done.1.try_recv() {
            if act(terminal, state, workers, Action::SharePreviewed(p)) {
                return Ok(());
            }
        }
        if let Some(rx) = &workers.sync {
            // Worker reports are picked up at least this often.
            timeout = timeout.min(Duration::from_millis(200));
            let mut got = false;
            while let Ok(ev) = rx.try_recv() {
                if act(terminal, state, workers, Action::Sync(ev)) {
                    return Ok(());
                }
                got = true;
            }
            if got {
                continue;
            }
        }
        let mut events = Vec::new();
        if tty.wait(timeout)? {
            // Everything crossterm has now: one read may hold several events.
            while event::poll(Duration::ZERO)? {
                events.push(event::read()?);
            }
        }
        for ev in events {
            let action = match ev {
                Event::Key(k) => translate(state, &k),
                Event::Resize(w, h) => Some(Action::Resize(w, h)),
                _ => None,
            };
            if let Some(a) = action {
                if matches!(a, Action::Key(_)) {
                    state.notice = None;
                }
                if act(terminal, state, workers, a) {
                    return Ok(());
                }
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            if act(terminal, state, workers, Action::Tick) {
                return Ok(());
            }
        }
        if last_presence.elapsed() >= PRESENCE_TICK {
            last_presence = Instant::now();
            if act(terminal, state, workers, Action::PresenceTick) {
                return Ok(());
            }
        }
    }
}

/// `update`, then what colleagues should now see of this session (see `ui::presence`).
fn step(state: &mut State, action: Action) -> Vec<Command> {
    let mut out = update(state, action);
    out.extend(crate::ui::presence::announce(
        state,
        rapport_core::store::now(),
    ));
    out
}

/// `update` with `action`, then what it asks for (see [`dispatch`]). True on Quit.
fn act<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    workers: &Workers,
    action: Action,
) -> bool
where
    B::Error: Send + Sync + 'static,
{
    let commands = step(state, action);
    dispatch(terminal, state, workers, commands)
}

/// Carries out `commands` in order, and those their answers ask for: the editor gets the
/// terminal, everything else goes to [`side_effect`]. True when one of them was Quit.
fn dispatch<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    workers: &Workers,
    commands: Vec<Command>,
) -> bool
where
    B::Error: Send + Sync + 'static,
{
    let mut queue: std::collections::VecDeque<Command> = commands.into();
    while let Some(c) = queue.pop_front() {
        match c {
            Command::Quit => return true,
            Command::Edit(text) => {
                let done = edit_externally(terminal, state, &text);
                queue.extend(step(state, Action::EditorDone(done)));
            }
            c => queue.extend(side_effect(state, workers, c)),
        }
    }
    false
}

/// Commands that need no terminal: waking the outbox worker, writing presence, the writes
/// `update` asks for. Returns what a write's answer asks for next (see [`dispatch`]).
fn side_effect(state: &mut State, workers: &Workers, c: Command) -> Vec<Command> {
    match c {
        Command::Write(w) => {
            let dir = state.data_dir.clone();
            let actor = state.actor.clone();
            match dir {
                // A connection of its own, so the keyboard and screen stay live meanwhile.
                Some(dir) if w.is_slow() => {
                    let tx = workers.slow_writes.done.0.clone();
                    std::thread::spawn(move || {
                        let f = match rapport_core::store::Store::open_in(&dir) {
                            Ok(mut store) => crate::ui::write::execute(&mut store, &dir, &actor, w),
                            Err(e) => crate::ui::write::Finished {
                                write: w,
                                result: Err(e.to_string()),
                            },
                        };
                        let _ = tx.send(f);
                    });
                }
                dir => {
                    let dir = dir.unwrap_or_default();
                    let f = crate::ui::write::execute(&mut state.store, &dir, &actor, w);
                    return step(state, Action::Done(Box::new(f)));
                }
            }
        }
        Command::Attachment(job) => match state.data_dir.clone() {
            // A connection of its own: a large attachment from the server takes a while.
            Some(dir) => {
                let (settings, tx) = (
                    workers.attachments.settings.clone(),
                    workers.attachments.done.0.clone(),
                );
                std::thread::spawn(move || {
                    let heard = tx.clone();
                    let mut progress = |p| drop(heard.send(AttachmentReport::Progress(p)));
                    let answer = rapport_core::store::Store::open_in(&dir)
                        .map_err(|e| e.to_string())
                        .and_then(|store| {
                            crate::ui::attachments::execute_with(
                                &store,
                                &settings,
                                &job,
                                &mut progress,
                            )
                        });
                    let _ = tx.send(AttachmentReport::Done(answer));
                });
            }
            None => {
                let answer = crate::ui::attachments::execute(
                    &state.store,
                    &workers.attachments.settings,
                    &job,
                );
                return step(state, Action::Attachment(answer));
            }
        },
        Command::SharePreview(job) => {
            let ctx = crate::ui::share::PreviewContext::of(state);
            match state.data_dir.clone() {
                // A connection of its own: the preview reads every candidate.
                Some(dir) => {
                    let tx = workers.share_previews.done.0.clone();
                    std::thread::spawn(move || {
                        let answer = rapport_core::store::Store::open_in(&dir)
                            .map_err(|e| e.to_string())
                            .and_then(|store| crate::ui::share::run_preview(&store, &job, &ctx));
                        let _ = tx.send(answer);
                    });
                }
                None => {
                    let answer = crate::ui::share::run_preview(&state.store, &job, &ctx);
                    return step(state, Action::SharePreviewed(answer));
                }
            }
        }
        Command::Deliver => {
            if let Some((wake, _)) = &workers.delivery {
                let _ = wake.send(());
            }
        }
        Command::Presence(p) => {
            if let Err(e) = state.store.set_presence(&p) {
                tracing::warn!("cannot record presence: {}", e.for_log());
            }
        }
        Command::EraseOnServer(copies) => match &workers.erase_server {
            Some(e) => {
                let (ep, tx) = (e.endpoint.clone(), e.done.0.clone());
                std::thread::spawn(move || {
                    let _ = tx.send(rapport_core::actions::erase::delete_on_server(&ep, &copies));
                });
            }
            None => state.notice = Some("no IMAP server to erase on".into()),
        },
        // The terminal's: see `dispatch`.
        c @ (Command::Quit | Command::Edit(_)) => return vec![c],
    }
    Vec::new()
}

/// Hands the terminal to $VISUAL/$EDITOR on a private draft file (see `editor_draft`), then
/// takes it back: leave the alternate screen and raw mode, run the editor, restore both and
/// redraw everything.
fn edit_externally<B: ratatui::backend::Backend>(
    terminal: &mut Terminal<B>,
    state: &State,
    text: &str,
) -> Result<String, String>
where
    B::Error: Send + Sync + 'static,
{
    let editor = state.editor.clone().ok_or("no editor configured")?;
    let mut draft = crate::ui::editor_draft::DraftFile::create(text)?;
    let _ = restore();
    let ran = draft.run_editor(&editor);
    // Take the terminal back whatever happened.
    let _ = crossterm::terminal::enable_raw_mode();
    ACTIVE.store(true, Ordering::SeqCst);
    let _ = crossterm::execute!(std::io::stdout(), EnterAlternateScreen, Hide);
    let _ = terminal.clear();
    ran?;
    draft.read_back()
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
        // Only the editor's own keys are actions; everything else is typing.
        return match state.keymap.resolve(crate::ui::action::Context::Compose, k) {
            Some(b @ (Bound::Submit | Bound::Cancel | Bound::Quit)) => Some(Action::Key(b)),
            _ => Some(Action::ComposeKey(*k)),
        };
    }
    if let Mode::Form(f) = &state.mode {
        let plain = !k
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        // Cancelling a share asks y/n (enter and esc work too).
        if let crate::ui::form::Purpose::ShareCancel { .. } = f.purpose {
            match k.code {
                KeyCode::Char('y' | 'Y') if plain => return Some(Action::Key(Bound::Submit)),
                KeyCode::Char('n' | 'N') if plain => return Some(Action::Key(Bound::Cancel)),
                _ => {}
            }
        }
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
