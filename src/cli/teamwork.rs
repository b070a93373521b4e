//! Teamwork commands: `assign`, `snooze`, `note` and `done`, each on one candidate or several
//! (one use-case call, and one audit entry, per candidate).

use anyhow::{Context as _, bail};
use clap::Args;
use rapport_core::actions::{Acting, done as done_case, teamwork};
use rapport_core::config::Config;
use rapport_core::store::Store;
use rapport_core::timefmt::rfc3339;
use std::io::Read;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct AssignArgs {
    /// The candidates (any of their addresses), then the recruiter: a name, OS user or
    /// address from [[team]], or "me". With --none, only candidates
    #[arg(required = true, value_name = "EMAIL")]
    pub args: Vec<String>,
    /// Unassign the candidates
    #[arg(long)]
    pub none: bool,
}

#[derive(Args, Debug)]
pub struct SnoozeArgs {
    /// The candidates (any of their addresses), then until when: "3d", "mon", "tomorrow",
    /// "2026-12-01" or "YYYY-MM-DD HH:MM" (local time). With --none, only candidates
    #[arg(required = true, value_name = "EMAIL")]
    pub args: Vec<String>,
    /// End the snooze now
    #[arg(long)]
    pub none: bool,
}

#[derive(Args, Debug)]
pub struct NoteArgs {
    /// The candidates (any of their addresses)
    #[arg(required = true, num_args = 1..)]
    pub email: Vec<String>,
    /// The note ("-" reads it from standard input); internal, never sent
    #[arg(required = true)]
    pub text: String,
}

#[derive(Args, Debug)]
pub struct DoneArgs {
    /// The candidates (any of their addresses) whose wait ends without a reply
    #[arg(required = true)]
    pub email: Vec<String>,
    /// Why no reply is needed (shown in their timeline)
    #[arg(long)]
    pub note: Option<String>,
}

/// Splits "EMAIL... LAST" into the candidates and the last argument (none with `--none`).
/// `usage` is the command's arguments as its help names them ("EMAIL... USER").
fn split_last<'a>(
    args: &'a [String],
    none: bool,
    usage: &str,
) -> anyhow::Result<(&'a [String], Option<&'a str>)> {
    if none {
        return Ok((args, None));
    }
    match args.split_last() {
        Some((last, emails)) if !emails.is_empty() => Ok((emails, Some(last.as_str()))),
        _ => bail!(
            "{usage}: the candidates first, then the {} (or --none)",
            usage.rsplit(' ').next().unwrap_or("").to_lowercase()
        ),
    }
}

/// Resolves every address first (nothing changes when one is unknown), then runs `f` on each
/// candidate once, printing what it did. One candidate: its error is the command's. Several:
/// each failure is said on stderr, the others still go ahead, and the command fails.
fn each(
    store: &mut Store,
    emails: &[String],
    mut f: impl FnMut(&mut Store, i64, &str) -> anyhow::Result<String>,
) -> anyhow::Result<ExitCode> {
    let mut targets: Vec<(i64, &str)> = Vec::new();
    for e in emails {
        let c = crate::cli::people::candidate(store, e)?;
        if !targets.iter().any(|(t, _)| *t == c) {
            targets.push((c, e));
        }
    }
    if let [(c, e)] = targets.as_slice() {
        println!("{}", f(store, *c, e)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut failed = 0;
    for (c, e) in &targets {
        match f(store, *c, e) {
            Ok(line) => println!("{line}"),
            Err(err) => {
                failed += 1;
                let msg = super::output::clean(&format!("{err:#}"));
                eprintln!("rapport: error: {}: {msg}", super::output::clean(e));
            }
        }
    }
    if failed > 0 {
        eprintln!("rapport: {failed} of {} candidates failed", targets.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn assign(
    store: &mut Store,
    a: AssignArgs,
    cfg: Option<&Config>,
    who: &str,
) -> anyhow::Result<ExitCode> {
    let (emails, user) = split_last(&a.args, a.none, "rapport assign EMAIL... USER")?;
    let assignee = match user {
        Some(u) => {
            let members = rapport_core::team::members(cfg, store);
            Some(rapport_core::team::resolve(u, &members, who).map_err(anyhow::Error::msg)?)
        }
        None => None,
    };
    let acting = Acting::now(who);
    each(store, emails, |store, c, email| {
        teamwork::assign(store, c, assignee.as_deref(), &acting)?;
        Ok(match &assignee {
            Some(n) => format!("{email} is assigned to {}", super::output::clean(n)),
            None => format!("{email} is unassigned"),
        })
    })
}

pub fn snooze(store: &mut Store, a: SnoozeArgs, who: &str) -> anyhow::Result<ExitCode> {
    let (emails, until) = split_last(&a.args, a.none, "rapport snooze EMAIL... UNTIL")?;
    let acting = Acting::now(who);
    let until = match until {
        Some(u) => Some(
            rapport_core::team::until::parse_until(u, &jiff::tz::TimeZone::system(), acting.at)
                .map_err(anyhow::Error::msg)?,
        ),
        None => None,
    };
    each(store, emails, |store, c, email| {
        teamwork::snooze(store, c, until, &acting)?;
        Ok(match until {
            Some(t) => format!(
                "{email} is snoozed until {} (out of \"awaiting reply\" until then, or until they write)",
                rfc3339(t)
            ),
            None => format!("{email} is no longer snoozed"),
        })
    })
}

pub fn note(store: &mut Store, a: NoteArgs, who: &str) -> anyhow::Result<ExitCode> {
    let text = if a.text == "-" {
        let mut t = String::new();
        std::io::stdin()
            .read_to_string(&mut t)
            .context("cannot read the note from standard input")?;
        t
    } else {
        a.text
    };
    let acting = Acting::now(who);
    each(store, &a.email, |store, c, email| {
        let id = teamwork::note(store, c, &text, &acting)?;
        Ok(format!("note {id} added to {email} (internal, never sent)"))
    })
}

pub fn done(store: &mut Store, a: DoneArgs, who: &str) -> anyhow::Result<ExitCode> {
    let acting = Acting::now(who);
    each(store, &a.email, |store, c, email| {
        done_case::done(store, c, a.note.as_deref(), &acting)?;
        Ok(format!(
            "{email}: done, no reply needed (out of \"awaiting reply\" until they write again)"
        ))
    })
}
