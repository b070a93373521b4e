//! `rapport sync`: one sync, with a progress bar on a terminal and log lines otherwise.

use crate::core::config::Config;
use crate::core::imap::connect::{Endpoint, connect};
use crate::core::imap::sync::{Progress, sync_all};
use crate::core::store::{Store, TeamMember};
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// The team as the store needs it: the shared box and every recruiter.
pub fn team_of(cfg: &Config) -> Vec<TeamMember> {
    let mut v = vec![TeamMember {
        address: cfg.shared_address(),
        name: cfg.identity.team.clone(),
        shared: true,
    }];
    for m in &cfg.team {
        v.push(TeamMember {
            address: m.address.trim().to_lowercase(),
            name: m.name.clone(),
            shared: false,
        });
    }
    v
}

pub fn endpoint(cfg: &Config) -> anyhow::Result<Endpoint> {
    let imap = cfg.imap.as_ref().with_context(|| {
        format!(
            "{}: there is no [imap] section, so there is nothing to sync",
            cfg.path.display()
        )
    })?;
    Ok(Endpoint::from_config(imap.get_ref())?)
}

pub fn run(cfg: &Config, data_dir: &Path) -> anyhow::Result<ExitCode> {
    let mut store = Store::open_in(data_dir)?;
    store.set_team(&team_of(cfg))?;
    store.set_meta("title", &cfg.identity.team)?;
    let ep = endpoint(cfg)?;
    let folders = cfg
        .imap
        .as_ref()
        .map(|i| i.get_ref().folders.clone())
        .unwrap_or_default();
    let tty = std::io::stderr().is_terminal();
    let bar = ProgressBar::hidden();
    if tty {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
                .expect("a valid template")
                .progress_chars("=> "),
        );
    }
    let start = Instant::now();
    let mut folder_start = Instant::now();
    let mut current = String::new();
    let mut last_line = Instant::now();
    let mut progress = |p: &Progress| {
        if p.folder != current {
            current = p.folder.clone();
            folder_start = Instant::now();
            bar.set_prefix(current.clone());
            bar.set_length(p.total as u64);
        }
        let rate = p.done as f64 / folder_start.elapsed().as_secs_f64().max(0.001);
        if tty {
            bar.set_position(p.done as u64);
            bar.set_message(format!("{rate:.0} messages/s"));
        } else if last_line.elapsed().as_secs() >= 1 || p.done == p.total {
            last_line = Instant::now();
            eprintln!(
                "{}: {}/{} ({rate:.0} messages/s)",
                p.folder, p.done, p.total
            );
        }
    };
    let mut session = connect(&ep)?;
    let reports = sync_all(&mut session, &mut store, &folders, &mut progress)?;
    let _ = session.logout();
    bar.finish_and_clear();
    for r in &reports {
        println!("{r}");
    }
    tracing::info!("sync finished in {:.2}s", start.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
