//! The command line: the TUI, the demo, Maildir import and scripting commands, all on the
//! same core. Errors are one line on stderr and a non-zero exit code.

mod attachments;
mod audit;
mod burst;
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
use clap::{Parser, Subcommand};
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

#[derive(Subcommand, Debug)]
pub enum Cmd {
    /// Open rapport on a generated demo mailbox (no server, no config needed)
    Demo {
        /// Keep the demo here instead of a fresh temporary directory (reused if it exists)
        #[arg(long, value_name = "DIR")]
        data_dir: Option<PathBuf>,
        /// Generate and import only; do not open the inbox
        #[arg(long)]
        no_tui: bool,
    },
    /// Import a Maildir tree (as written by mbsync or offlineimap) into the data dir
    ImportMaildir {
        /// The Maildir (with cur/ and new/) or a tree of Maildir folders
        path: PathBuf,
        /// An address of the team (repeatable): its mail counts as outbound
        #[arg(long = "team-address", value_name = "EMAIL")]
        team: Vec<String>,
    },
    /// List candidates in inbox order (awaiting reply first), or those a query finds
    Candidates {
        #[arg(long)]
        json: bool,
        /// Only candidates awaiting our reply
        #[arg(long)]
        awaiting: bool,
        /// Only the candidates this query finds: words and "phrases" (their mail, name,
        /// address) and fields: interest:rust channel:email due:yes|no assigned:me|none|NAME
        /// waiting:>24h|<2d|yes|no over:target opted-out:yes|no lang:de tz:Europe/* snoozed:yes|no;
        /// terms side by side all hold, `or` between two lets either, -term negates
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// The query of a saved view ([views] in the config)
        #[arg(long, value_name = "NAME", conflicts_with = "query")]
        view: Option<String>,
    },
    /// Show a candidate's profile and timeline
    Show {
        /// The candidate's name (or a part of it) or any of their addresses
        #[arg(value_name = "NAME|EMAIL")]
        who: String,
        #[arg(long)]
        json: bool,
    },
    /// List a candidate's attachments with their ids (for `rapport attachment save ID`)
    Attachments {
        /// The candidate's name (as `rapport show` takes it) or any of their addresses
        #[arg(value_name = "NAME|EMAIL")]
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Work with one attachment (see `rapport attachments EMAIL` for the ids)
    Attachment {
        #[command(subcommand)]
        cmd: attachments::AttachmentCmd,
    },
    /// Search all mail (subject, body, sender)
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only this candidate's mail: their name (or a part of it) or an address
        #[arg(long, value_name = "NAME|EMAIL")]
        candidate: Option<String>,
    },
    /// Show or change a candidate's preferences (every change goes to their ledger)
    Prefs(people::PrefsArgs),
    /// Log a call, meeting or message on another channel
    LogContact(people::LogContactArgs),
    /// Record an opt-out: mail it covers is refused and queued mail cancelled
    OptOut(people::OptOutArgs),
    /// End an opt-out, citing the candidate's own message asking for it
    OptIn(people::OptInArgs),
    /// Record the opt-out the candidate's message was read as asking for (the inbox's
    /// "asked to stop" banner), with that message as the source and their words as the reason
    AcceptOptOut {
        /// Any of the candidate's addresses
        email: String,
    },
    /// The candidate's message read as asking to stop was not such a request: dismiss it,
    /// recording no opt-out
    DismissOptOut {
        /// Any of the candidate's addresses
        email: String,
    },
    /// Ask the candidate by mail how they would like to hear from us (the question mail, in
    /// their language; checked against their wishes, then sent); their reply is read as an
    /// answer and waits on a banner (`rapport answers`)
    Ask(send::AskArgs),
    /// Candidates' answers to the question mail waiting for a recruiter, with what each
    /// proposes
    Answers {
        #[arg(long)]
        json: bool,
    },
    /// Accept everything the candidate's answer proposes: into their preferences and
    /// opt-outs, with their message as the source
    AcceptAnswer {
        /// Any of the candidate's addresses
        email: String,
    },
    /// The answer was not read right: dismiss it, recording nothing
    DismissAnswer {
        /// Any of the candidate's addresses
        email: String,
    },
    /// Merge the second candidate into the first (undo with `unmerge`)
    Merge { into: String, other: String },
    /// Undo the last merge into this candidate
    Unmerge { email: String },
    /// Move an address (and its mail) off to a candidate of its own
    Split { email: String },
    /// Change a candidate's display name
    Rename { email: String, name: String },
    /// Add someone met outside the mailbox (a meetup, a referral) as a candidate
    AddCandidate {
        email: String,
        /// How we got the address ("met at the Rust meetup"); recorded in their history
        #[arg(long)]
        how: String,
        /// Their name (default: the address's local part)
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Write everything held about a person as one JSON document
    Export {
        email: String,
        /// Write to this new file (mode 0600; an existing file or a symbolic link is refused)
        /// instead of standard output, with a plain-text summary beside it (FILE.txt)
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print the plain-text summary (what a person can read as it is) instead of the JSON
        #[arg(long, conflicts_with = "output")]
        summary: bool,
    },
    /// Erase everything held about a person; only keyed hashes of their addresses remain
    Erase {
        email: String,
        /// Do not ask for the typed confirmation
        #[arg(long)]
        yes: bool,
    },
    /// Assign candidates to a recruiter (or --none)
    Assign(teamwork::AssignArgs),
    /// Keep candidates out of "awaiting reply" until a time (or --none)
    Snooze(teamwork::SnoozeArgs),
    /// Add an internal note to candidates (never sent; in their export)
    Note(teamwork::NoteArgs),
    /// Done, no reply needed: the candidates' wait ends without an answer (counted apart from
    /// replies in reports); their next message opens a new one
    Done(teamwork::DoneArgs),
    /// Reply to the candidate's latest message (checked against their wishes, then sent)
    Reply(send::ReplyArgs),
    /// Write a new message to a candidate
    Send(send::SendArgs),
    /// List the outbox, or retry / cancel a message in it
    Outbox {
        #[command(subcommand)]
        cmd: Option<send::OutboxCmd>,
        #[arg(long)]
        json: bool,
    },
    /// Sync the shared mailbox once (INBOX and Sent) and exit
    Sync(sync::SyncArgs),
    /// Who did what: every recorded action with its time, user and candidate
    Audit(audit::AuditArgs),
    /// Many writes in one process, for the concurrency test (not for people)
    #[command(hide = true)]
    WriteBurst(burst::BurstArgs),
    /// Check the configuration, the servers and the data dir, and say what to fix
    Doctor,
    /// Response times: first response and reply times per recruiter or per week
    Report(report::ReportArgs),
    /// Candidates waiting for an answer now, longest first, against the target
    Waiting(report::WaitingArgs),
    /// Mail that arrived from addresses erased on request: where it is (folder, UID) and when,
    /// never what it says
    ErasedMail {
        /// Mark every listed arrival as seen by you (the inbox stops flagging it)
        #[arg(long)]
        ack: bool,
        #[arg(long)]
        json: bool,
    },
    /// The candidates' preference page and one-click unsubscribe over HTTP, for as long as it
    /// runs (put it behind the team's reverse proxy for TLS; see the README)
    Serve {
        /// Address to listen on (default: [web] listen, else 127.0.0.1:8425)
        #[arg(long)]
        listen: Option<String>,
    },
    /// Share a snippet with exactly the candidates who asked for its topic, at their pace:
    /// preview (who is left out and why), confirm, then `share run ID`; also
    /// `share pause|resume|cancel|report ID`
    Share(share::ShareArgs),
    /// Every share and its progress
    Shares {
        #[arg(long)]
        json: bool,
    },
    /// Candidates' open requests for a copy of their data or its erasure, due first first
    Requests {
        #[arg(long)]
        json: bool,
    },
    /// Shell completions from the same definitions as this help (bash, zsh, fish, elvish, powershell)
    Completions { shell: clap_complete::Shell },
    /// The manual page (roff), from the same definitions as this help: `rapport man | man -l -`
    Man,
    /// The candidate links in every message: rotate their key, revoke a person's links
    Web {
        #[command(subcommand)]
        cmd: web::WebCmd,
    },
    /// Counts of messages, candidates and folders, and the last sync
    Status {
        #[arg(long)]
        json: bool,
    },
}

/// Commands that read the data dir and print, without a server connection.
fn only_prints(cmd: Option<&Cmd>) -> bool {
    matches!(
        cmd,
        Some(
            Cmd::Candidates { .. }
                | Cmd::Show { .. }
                | Cmd::Search { .. }
                | Cmd::Status { .. }
                | Cmd::Report(_)
                | Cmd::Waiting(_)
                | Cmd::Audit(_)
                | Cmd::Attachments { .. }
                | Cmd::ErasedMail { .. }
                | Cmd::Requests { .. }
                | Cmd::Shares { .. }
                | Cmd::Completions { .. }
                | Cmd::Man
        )
    )
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
