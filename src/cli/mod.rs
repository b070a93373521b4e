//! The command line: the TUI, the demo, Maildir import and scripting commands, all on the
//! same core. Errors are one line on stderr and a non-zero exit code.

mod doctor;
mod output;
mod sync;

use crate::core::store::Store;
use crate::core::{demo_install, ingest, logging, paths};
use crate::ui::keymap::Keymap;
use crate::ui::state::State;
use crate::ui::theme::Theme;
use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
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
    /// List candidates in inbox order (awaiting reply first)
    Candidates {
        #[arg(long)]
        json: bool,
        /// Only candidates awaiting our reply
        #[arg(long)]
        awaiting: bool,
    },
    /// Show a candidate's profile and timeline
    Show {
        /// Any of the candidate's addresses
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Search all mail (subject, body, sender)
    Search {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Sync the shared mailbox once (INBOX and Sent) and exit
    Sync,
    /// Check the configuration, the servers and the data dir, and say what to fix
    Doctor,
    /// Counts of messages, candidates and folders, and the last sync
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub fn main() -> ExitCode {
    crate::ui::run::install_panic_hook();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("rapport: error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Some(Cmd::Demo { data_dir, no_tui }) => demo(data_dir.or(cli.data_dir), no_tui),
        None => open_inbox(cli.data_dir, cli.config),
        Some(Cmd::Doctor) => doctor::run(
            &paths::config_file(cli.config),
            &paths::data_dir(cli.data_dir),
        ),
        Some(Cmd::Sync) => {
            let dir = paths::data_dir(cli.data_dir);
            let cfg = load_config(cli.config)?;
            crate::core::store::create_private_dir(&dir)?;
            logging::init(&dir);
            sync::run(&cfg, &dir)
        }
        Some(cmd) => {
            let dir = paths::data_dir(cli.data_dir);
            logging::init_if_exists(&dir);
            scripting(&dir, cmd)
        }
    }
}

fn demo(dir: Option<PathBuf>, no_tui: bool) -> anyhow::Result<ExitCode> {
    // A fresh temporary dir unless one is given; it is removed when the demo ends.
    let tmp;
    let dir = match dir {
        Some(d) => d,
        None => {
            tmp = tempfile::Builder::new().prefix("rapport-demo-").tempdir()?;
            tmp.path().to_owned()
        }
    };
    crate::core::store::create_private_dir(&dir)?;
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
    tui(store)
}

/// The demo's "now": the current hour, so waits look live yet the mailbox is the same all hour.
fn demo_anchor() -> i64 {
    let now = crate::core::store::now();
    now - now % 3600
}

/// Loads the configuration, which must exist.
fn load_config(explicit: Option<PathBuf>) -> anyhow::Result<crate::core::config::Config> {
    let path = paths::config_file(explicit);
    if !path.exists() {
        bail!(
            "no configuration at {}: copy config.example.toml there and fill it in (or try `rapport demo`)",
            path.display()
        );
    }
    Ok(crate::core::config::Config::load(&path)?)
}

fn open_inbox(data_dir: Option<PathBuf>, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let dir = paths::data_dir(data_dir);
    let config = paths::config_file(config);
    let db = dir.join(crate::core::store::DB_FILE);
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
    crate::core::store::create_private_dir(&dir)?;
    logging::init(&dir);
    let mut store = Store::open_in(&dir)?;
    let mut worker = None;
    if config.exists() {
        let cfg = crate::core::config::Config::load(&config)?;
        store.set_team(&sync::team_of(&cfg))?;
        store.set_meta("title", &cfg.identity.team)?;
        if let Some(imap) = &cfg.imap {
            // Resolved now: a password command may need the terminal before the TUI takes it.
            let endpoint = sync::endpoint(&cfg)?;
            worker = Some(crate::core::imap::worker::spawn(
                crate::core::imap::worker::WorkerConfig {
                    endpoint,
                    folders: imap.get_ref().folders.clone(),
                    data_dir: dir.clone(),
                },
            ));
        }
    }
    tui_with(store, worker)
}

fn tui(store: Store) -> anyhow::Result<ExitCode> {
    tui_with(store, None)
}

fn tui_with(
    store: Store,
    worker: Option<std::sync::mpsc::Receiver<crate::core::imap::worker::SyncEvent>>,
) -> anyhow::Result<ExitCode> {
    if !std::io::stdout().is_terminal() {
        bail!(
            "the inbox needs a terminal; use `rapport candidates`, `show` or `search` in scripts"
        );
    }
    let keymap = Keymap::load(Some(&paths::keymap_file())).map_err(|e| anyhow::anyhow!("{e}"))?;
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
        crate::core::store::now(),
    );
    if worker.is_some() {
        state.sync = crate::ui::state::SyncStatus::Connecting;
    }
    crate::ui::run::run(state, worker)?;
    Ok(ExitCode::SUCCESS)
}

fn open_existing(dir: &Path) -> anyhow::Result<Store> {
    let db = dir.join(crate::core::store::DB_FILE);
    if !db.exists() {
        bail!(
            "no rapport database in {} (run `rapport demo --data-dir {}` or `rapport import-maildir PATH` first)",
            dir.display(),
            dir.display()
        );
    }
    Ok(Store::open_in(dir)?)
}

fn scripting(dir: &Path, cmd: Cmd) -> anyhow::Result<ExitCode> {
    match cmd {
        Cmd::ImportMaildir { path, team } => {
            let mut store = Store::open_in(dir)?;
            if !team.is_empty() {
                let mut members = store.team()?;
                for a in team {
                    let a = a.trim().to_lowercase();
                    if !a.contains('@') {
                        bail!("--team-address {a:?} is not an email address");
                    }
                    if !members.iter().any(|m| m.address == a) {
                        members.push(crate::core::store::TeamMember {
                            address: a,
                            name: String::new(),
                            shared: false,
                        });
                    }
                }
                store.set_team(&members)?;
            }
            let tty = std::io::stderr().is_terminal();
            let report = ingest::import_maildir(&mut store, &path, |folder, s, total| {
                if tty {
                    eprint!("\r{folder}: {}/{total}    ", s.seen);
                }
            })
            .with_context(|| format!("cannot import {}", path.display()))?;
            if tty {
                eprintln!();
            }
            for (folder, s) in &report.folders {
                println!(
                    "{folder}: {} new, {} already stored",
                    s.inserted, s.duplicates
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Candidates { json, awaiting } => {
            output::candidates(&open_existing(dir)?, json, awaiting)
        }
        Cmd::Show { email, json } => output::show(&open_existing(dir)?, &email, json),
        Cmd::Search { query, json, limit } => {
            output::search(&open_existing(dir)?, &query, json, limit)
        }
        Cmd::Status { json } => output::status(&open_existing(dir)?, json),
        Cmd::Sync | Cmd::Doctor => bail!("internal error: {cmd:?} is not a scripting command"),
        Cmd::Demo { data_dir, no_tui } => {
            demo(Some(data_dir.unwrap_or_else(|| dir.to_owned())), no_tui)
        }
    }
}
