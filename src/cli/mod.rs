//! The command line: the TUI, the demo, Maildir import and scripting commands, all on the
//! same core. Errors are one line on stderr and a non-zero exit code.

mod attachments;
mod audit;
mod burst;
mod commands;
mod output;
pub mod people;
mod report;
mod send;
mod share;
mod sync;
mod teamwork;
mod web;

use crate::ui::keymap::Keymap;
use crate::ui::state::State;
use crate::ui::theme::Theme;
use anyhow::{Context as _, bail};
use clap::Parser;
pub use commands::Cmd;
use commands::only_prints;
use rapport_core::actions::session::Session;
use rapport_core::store::Store;
use rapport_core::{logging, paths};
use rapport_demo::install as demo_install;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "rapport",
    version,
    about = "A terminal inbox for two-way conversations between recruiters and candidates",
    long_about = "rapport syncs a shared recruiting mailbox into SQLite, threads it per candidate next to what \
                  each candidate told you (channels, frequency, interests, opt-outs), and lets you answer from \
                  the keyboard.\n\nRun without a command to open the inbox; `rapport demo` opens a demo mailbox."
)]
pub struct Cli {
    /// Where rapport keeps its database and log [default: $XDG_DATA_HOME/rapport]
    #[arg(long, global = true, env = "RAPPORT_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The configuration file [default: $XDG_CONFIG_HOME/rapport/config.toml]
    #[arg(long, global = true, env = "RAPPORT_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

pub fn main() -> ExitCode {
    crate::ui::run::install_panic_hook();
    let cli = Cli::parse();
    // `rapport report | head` ends quietly, as command-line tools do, instead of failing on
    // the closed pipe. Only for commands that just print: one that talks to a server must
    // see a connection the server closed as an error, not die of the signal (a vectored
    // write to a socket raises SIGPIPE).
    if only_prints(cli.command.as_ref()) {
        // SAFETY: restoring the default action of one signal before any thread starts.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    if let Err(e) = rapport_core::clock::check() {
        eprintln!("rapport: error: {e}");
        return ExitCode::FAILURE;
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors quote stored text (a name, a colleague's subject, a server's reply):
            // one clean line, like every other output.
            let msg = output::clean(&one_line(&e));
            // Not eprintln!: it panics when stderr is gone (a terminal that hung up).
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "rapport: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each said once: layers that repeat their cause's text
/// ("database error: disk is full: disk is full") are not printed twice. A full disk says
/// what to do.
fn one_line(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let tail = text.rsplit(": ").next().unwrap_or(&text);
        if msg.contains(&text) || msg.contains(tail) {
            continue;
        }
        if !msg.is_empty() {
            msg.push_str(": ");
        }
        msg.push_str(&text);
    }
    let full = e.chain().any(|c| {
        c.downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code)
            == Some(rusqlite::ErrorCode::DiskFull)
    });
    if full {
        msg.push_str(
            " (the disk holding the data dir is full: free some space; what was stored is kept, and the next run goes on from there)",
        );
    }
    msg.replace('\n', " ")
}

/// `rapport doctor`: one line per check as it completes, each failure saying what to fix.
fn doctor(config: &Path, data_dir: &Path) -> ExitCode {
    use rapport_core::actions::doctor::{self, Status};
    let healthy = doctor::run(config, data_dir, &mut |c| {
        let status = match c.status {
            Status::Ok => "ok",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        };
        println!("{status:<5} {:<10} {}", c.name, c.text);
    });
    if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Cmd::Demo { data_dir, no_tui }) => demo(data_dir.or(cli.data_dir), no_tui),
        None => open_inbox(cli.data_dir, cli.config),
        // Neither needs a data dir or a config.
        Some(Cmd::Completions { shell }) => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(shell, &mut cmd, "rapport", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Man) => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Cmd::Doctor) => Ok(doctor(
            &paths::config_file(cli.config),
            &paths::data_dir(cli.data_dir),
        )),
        Some(Cmd::Sync(args)) => {
            let dir = paths::data_dir(cli.data_dir);
            let cfg = load_config(cli.config)?;
            rapport_core::store::create_private_dir(&dir)?;
            logging::init(&dir);
            sync::run(&cfg, &dir, args)
        }
        Some(cmd) => {
            let dir = paths::data_dir(cli.data_dir);
            logging::init_if_exists(&dir);
            let cfg_path = paths::config_file(cli.config);
            let cfg = if cfg_path.exists() {
                Some(rapport_core::config::Config::load(&cfg_path)?)
            } else {
                None
            };
            scripting(&Session::open(cfg, &dir), cmd)
        }
    }
}

fn demo(dir: Option<PathBuf>, no_tui: bool) -> anyhow::Result<ExitCode> {
    // A fresh temporary dir unless one is given; it is removed when the demo ends.
    let tmp;
    let tmp_used = dir.is_none();
    let dir = match dir {
        Some(d) => d,
        None => {
            tmp = tempfile::Builder::new().prefix("rapport-demo-").tempdir()?;
            tmp.path().to_owned()
        }
    };
    rapport_core::store::create_private_dir(&dir)?;
    logging::init(&dir);
    let anchor = demo_anchor();
    let store = demo_install::install(&dir, anchor)
        .with_context(|| format!("cannot set up the demo in {}", dir.display()))?;
    if no_tui {
        let st = store.status()?;
        println!(
            "demo ready in {}: {} messages, {} candidates",
            dir.display(),
            st.messages,
            st.candidates
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut session = Session::open(None, &dir);
    // Whoever tries the demo in a dir of their own is one of its team (its first recruiter
    // signs the mail and notes), not their OS login. Colleagues sharing a demo dir owned by
    // someone else keep their logins, so they tell each other apart.
    use std::os::unix::fs::MetadataExt as _;
    // SAFETY: geteuid has no preconditions.
    let own = std::fs::metadata(&dir).is_ok_and(|m| m.uid() == unsafe { libc::geteuid() });
    if own && let Some(me) = demo_install::user(&store) {
        session.actor = me;
    }
    let code = tui_with(store, None, &session, None)?;
    if tmp_used {
        eprintln!(
            "The demo's data was discarded. To keep it between runs: rapport demo --data-dir DIR"
        );
    }
    Ok(code)
}

/// The demo's "now": the current hour, so waits look live yet the mailbox is the same all hour.
fn demo_anchor() -> i64 {
    let now = rapport_core::store::now();
    now - now % 3600
}

/// Loads the configuration, which must exist.
fn load_config(explicit: Option<PathBuf>) -> anyhow::Result<rapport_core::config::Config> {
    let path = paths::config_file(explicit);
    if !path.exists() {
        bail!(
            "no configuration at {}: copy config.example.toml there and fill it in (or try `rapport demo`)",
            path.display()
        );
    }
    Ok(rapport_core::config::Config::load(&path)?)
}

fn open_inbox(data_dir: Option<PathBuf>, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dir = paths::data_dir(data_dir);
    let config = paths::config_file(config);
    let db = dir.join(rapport_core::store::DB_FILE);
    if !config.exists() && !db.exists() {
        eprintln!(
            "rapport has no configuration yet ({} does not exist) and no mail in {}.\n\n\
             Try the demo mailbox (no server needed):   rapport demo\n\
             Import a Maildir (mbsync, offlineimap):     rapport import-maildir ~/Mail/recruiting\n\
             Or write a configuration; see config.example.toml in the rapport repository.",
            config.display(),
            dir.display()
        );
        return Ok(ExitCode::from(2));
    }
    rapport_core::store::create_private_dir(&dir)?;
    logging::init(&dir);
    let mut store = Store::open_in(&dir)?;
    let mut worker = None;
    // Kept until the inbox closes; dropping it hands the sync to another session at once.
    let mut lease = None;
    let mut erase_server = None;
    let loaded = if config.exists() {
        Some(rapport_core::config::Config::load(&config)?)
    } else {
        None
    };
    let session = Session::open(loaded, &dir);
    session.apply_team(&mut store)?;
    // Resolved now: a password command may need the terminal before the TUI takes it.
    if let (Some(endpoint), Some(cfg)) = (session.imap()?, session.config()) {
        if cfg.erase_on_server {
            erase_server = Some(endpoint.clone());
        }
        let held =
            rapport_core::mail_in::sync_lease::SyncLease::start(&dir, &session.actor, "inbox");
        let view = held.view();
        lease = Some(held);
        worker = Some(rapport_core::mail_in::imap::worker::spawn(
            rapport_core::mail_in::imap::worker::WorkerConfig {
                endpoint,
                folders: cfg
                    .imap
                    .as_ref()
                    .map(|i| i.get_ref().folders.clone())
                    .unwrap_or_default(),
                data_dir: dir.clone(),
                lease: Some(view),
                web: session.web(),
            },
        ));
    }
    let result = tui_with(store, worker, &session, erase_server);
    drop(lease);
    result
}

fn tui_with(
    store: Store,
    worker: Option<std::sync::mpsc::Receiver<rapport_core::mail_in::imap::worker::SyncEvent>>,
    session: &Session,
    erase_server: Option<rapport_core::mail_in::imap::connect::Endpoint>,
) -> anyhow::Result<ExitCode> {
    let cfg = session.config();
    let data_dir = session.data_dir.as_path();
    if !std::io::stdout().is_terminal() {
        bail!(
            "the inbox needs a terminal; use `rapport candidates`, `show` or `search` in scripts"
        );
    }
    let keymap = Keymap::load(Some(&paths::keymap_file())).map_err(|e| anyhow::anyhow!("{e}"))?;
    let views = cfg.map(|c| c.views()).unwrap_or_default();
    keymap
        .check_views(&views.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let title = store
        .meta("title")?
        .unwrap_or_else(|| "shared inbox".into());
    let tz = jiff::tz::TimeZone::system();
    let mut state = State::new(
        store,
        keymap,
        Theme::from_env(),
        title,
        tz,
        rapport_core::store::now(),
    );
    if worker.is_some() {
        state.sync = crate::ui::state::SyncStatus::Connecting;
    }
    state.actor = session.actor.clone();
    (state.schedule, state.target) = rapport_core::responses::report::settings(cfg, &state.store);
    state.team_names = rapport_core::team::names(&rapport_core::team::members(cfg, &state.store));
    state.interest_vocabulary = cfg.map(|c| c.interests.clone()).unwrap_or_default();
    state.views = views
        .into_iter()
        .map(|(name, query)| crate::ui::search::View { name, query })
        .collect();
    if let Some(c) = cfg {
        state.max_message_size = c.max_message_size();
    }
    state.templates = session.templates()?;
    state.editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()));
    state.data_dir = Some(data_dir.to_owned());
    state.ask_dir = Some(rapport_core::mail_out::templates::dir(cfg, data_dir));
    state.erase_on_server = erase_server.is_some();
    let mut workers = crate::ui::run::Workers {
        sync: worker,
        delivery: None,
        erase_server: erase_server.map(crate::ui::run::ServerEraser::new),
        attachments: crate::ui::run::AttachmentWorker::new(crate::ui::attachments::Settings {
            config: cfg.map(|c| c.attachments.clone()).unwrap_or_default(),
            imap: cfg
                .and_then(|c| c.imap.as_ref())
                .map(|s| s.get_ref().clone()),
        }),
        ..Default::default()
    };
    // Sending needs an identity and a way out (SMTP, or the demo's folder); without them the
    // inbox still works and says why it cannot send.
    match (
        session.identity(&state.store),
        session.deliverer(&state.store),
    ) {
        (Ok(identity), Ok(d)) => {
            state.identity = Some(identity);
            workers.delivery = Some(rapport_core::mail_out::delivery::spawn_worker(
                data_dir.to_owned(),
                d,
                rapport_core::actions::share::releaser(session, &state.store),
            ));
        }
        (Err(e), _) | (_, Err(e)) => tracing::info!("sending is off: {e:#}"),
    }
    crate::ui::run::run(state, workers)?;
    Ok(ExitCode::SUCCESS)
}

/// For commands that only read: a data dir nobody can write (a read-only mount, a
/// snapshot, a copy with write permission removed) is opened read-only instead of refused.
fn open_for_reading(dir: &Path) -> anyhow::Result<Store> {
    if dir.is_dir()
        && rapport_core::store::read_only_reason(dir).is_some()
        && dir.join(rapport_core::store::DB_FILE).is_file()
    {
        return Ok(Store::open_read_only(dir)?);
    }
    open_existing(dir)
}

fn open_existing(dir: &Path) -> anyhow::Result<Store> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        bail!("the data dir {} is a file, not a directory", dir.display());
    }
    let db = dir.join(rapport_core::store::DB_FILE);
    // A dir we may not enter is not "no database": opening it explains whose group it is.
    if matches!(db.try_exists(), Ok(false)) {
        bail!(
            "no rapport database in {} (run `rapport demo --data-dir {}` or `rapport import-maildir PATH` first)",
            dir.display(),
            dir.display()
        );
    }
    Ok(Store::open_in(dir)?)
}

fn scripting(session: &Session, cmd: Cmd) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::{Acting, identity};
    let (dir, cfg) = (session.data_dir.as_path(), session.config());
    let who = session.actor.clone();
    let ctx = |store: Store| send::Ctx { store, session };
    match cmd {
        Cmd::Audit(a) => audit::run(&open_for_reading(dir)?, a),
        Cmd::WriteBurst(a) => burst::run(&mut open_existing(dir)?, a, &who),
        Cmd::Reply(a) => send::reply(ctx(open_existing(dir)?), a),
        Cmd::Send(a) => send::send(ctx(open_existing(dir)?), a),
        Cmd::Share(a) => share::run(ctx(open_existing(dir)?), a),
        Cmd::Shares { json } => share::list(&ctx(open_for_reading(dir)?), json),
        Cmd::Outbox { cmd, json } => send::outbox(ctx(open_existing(dir)?), cmd, json),
        Cmd::Assign(a) => teamwork::assign(&mut open_existing(dir)?, a, cfg, &who),
        Cmd::Snooze(a) => teamwork::snooze(&mut open_existing(dir)?, a, &who),
        Cmd::Note(a) => teamwork::note(&mut open_existing(dir)?, a, &who),
        Cmd::Done(a) => teamwork::done(&mut open_existing(dir)?, a, &who),
        Cmd::Prefs(a) => people::prefs(&mut open_existing(dir)?, a, &who, &[]),
        Cmd::Report(a) => report::report(&open_for_reading(dir)?, cfg, a),
        Cmd::Waiting(a) => report::waiting(&open_for_reading(dir)?, cfg, a),
        Cmd::LogContact(a) => people::log_contact(&mut open_existing(dir)?, a, &who),
        Cmd::OptOut(a) => people::opt_out(&mut open_existing(dir)?, a, &who),
        Cmd::OptIn(a) => people::opt_in(&mut open_existing(dir)?, a, &who),
        Cmd::AcceptOptOut { email } => {
            people::accept_opt_out(&mut open_existing(dir)?, &email, &who)
        }
        Cmd::DismissOptOut { email } => {
            people::dismiss_opt_out(&mut open_existing(dir)?, &email, &who)
        }
        Cmd::Ask(a) => send::ask(ctx(open_existing(dir)?), a),
        Cmd::Answers { json } => people::answers(&open_for_reading(dir)?, json),
        Cmd::AcceptAnswer { email } => {
            people::accept_answer(&mut open_existing(dir)?, &email, &who)
        }
        Cmd::DismissAnswer { email } => {
            people::dismiss_answer(&mut open_existing(dir)?, &email, &who)
        }
        Cmd::Merge { into, other } => {
            let mut store = open_existing(dir)?;
            let (a, b) = (
                people::candidate(&store, &into)?,
                people::candidate(&store, &other)?,
            );
            let id = identity::merge(&mut store, a, b, &Acting::now(&who))?;
            println!("merged {other} into {into} (merge {id}; `rapport unmerge {into}` undoes it)");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Unmerge { email } => {
            let mut store = open_existing(dir)?;
            let c = people::candidate(&store, &email)?;
            let m = identity::unmerge_last(&mut store, c, &Acting::now(&who))?
                .with_context(|| format!("nothing was merged into {email}"))?;
            println!("undid merge {m}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Split { email } => {
            let mut store = open_existing(dir)?;
            let id = identity::split(&mut store, &email, &Acting::now(&who))?;
            println!("{email} is now candidate {id}");
            Ok(ExitCode::SUCCESS)
        }
        Cmd::AddCandidate { email, how, name } => {
            let mut store = open_existing(dir)?;
            let id = identity::add(&mut store, &email, &name, &how, &Acting::now(&who))?;
            println!("added candidate {id}: {}", email.trim().to_lowercase());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Rename { email, name } => {
            let mut store = open_existing(dir)?;
            let c = people::candidate(&store, &email)?;
            identity::rename(&mut store, c, &name, &Acting::now(&who))?;
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Export {
            email,
            output,
            summary,
        } => people::export(
            &mut open_existing(dir)?,
            &email,
            output.as_deref(),
            summary,
            &who,
        ),
        Cmd::Erase { email, yes } => {
            let mut store = open_existing(dir)?;
            people::erase(&mut store, dir, cfg, &email, yes, &who)
        }
        Cmd::ImportMaildir { path, team } => {
            let mut store = Store::open_in(dir)?;
            let tty = std::io::stderr().is_terminal();
            let report = rapport_core::actions::import::import(
                &mut store,
                session,
                &path,
                &team,
                |folder, s, total| {
                    if tty {
                        eprint!("\r{folder}: {}/{total}    ", s.seen);
                    }
                },
            )
            .with_context(|| format!("cannot import {}", path.display()))?;
            if tty {
                eprintln!();
            }
            for (folder, s) in &report.folders {
                println!(
                    "{}: {} new, {} already stored (folded as duplicates; listed in the log)",
                    output::clean(folder),
                    s.inserted,
                    s.duplicates
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Candidates {
            json,
            awaiting,
            query,
            view,
        } => {
            let which = output::Which {
                awaiting,
                query,
                view,
            };
            output::candidates(&open_for_reading(dir)?, session, json, which)
        }
        Cmd::Show { who, json } => output::show(&open_for_reading(dir)?, &who, json),
        Cmd::Attachments { email, json } => {
            attachments::list(&open_for_reading(dir)?, &email, json)
        }
        Cmd::Attachment { cmd } => attachments::run(&open_for_reading(dir)?, cfg, cmd),
        Cmd::Search {
            query,
            json,
            limit,
            candidate,
        } => output::search(
            &open_for_reading(dir)?,
            &query,
            json,
            limit,
            candidate.as_deref(),
        ),
        Cmd::Status { json } => output::status(&open_for_reading(dir)?, json),
        Cmd::Serve { listen } => crate::web::serve::run(session, open_existing(dir)?, listen),
        Cmd::Requests { json } => output::requests(&open_for_reading(dir)?, json),
        Cmd::ErasedMail { ack, json } => {
            let mut store = open_existing(dir)?;
            output::erased_mail(&store, json)?;
            if ack {
                let n = store.acknowledge_suppressed_arrivals(&who)?;
                eprintln!("{n} arrival(s) marked as seen");
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Web { cmd } => web::run(session, &mut open_existing(dir)?, cmd),
        Cmd::Sync(_) | Cmd::Doctor | Cmd::Completions { .. } | Cmd::Man => {
            bail!("internal error: {cmd:?} is not a scripting command")
        }
        Cmd::Demo { data_dir, no_tui } => {
            demo(Some(data_dir.unwrap_or_else(|| dir.to_owned())), no_tui)
        }
    }
}
