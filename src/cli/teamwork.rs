//! Teamwork commands: `assign`, `snooze` and `note`.

use anyhow::Context as _;
use clap::Args;
use rapport_core::config::Config;
use rapport_core::store::Store;
use rapport_core::timefmt::rfc3339;
use std::io::Read;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct AssignArgs {
    /// Any of the candidate's addresses
    pub email: String,
    /// A recruiter from [[team]] (name, OS user or address), or "me"
    #[arg(required_unless_present = "none", conflicts_with = "none")]
    pub user: Option<String>,
    /// Unassign the candidate
    #[arg(long)]
    pub none: bool,
}

#[derive(Args, Debug)]
pub struct SnoozeArgs {
    /// Any of the candidate's addresses
    pub email: String,
    /// "3d", "mon", "tomorrow", "2026-12-01" or "YYYY-MM-DD HH:MM" (local time)
    #[arg(required_unless_present = "none", conflicts_with = "none")]
    pub until: Option<String>,
    /// End the snooze now
    #[arg(long)]
    pub none: bool,
}

#[derive(Args, Debug)]
pub struct NoteArgs {
    /// Any of the candidate's addresses
    pub email: String,
    /// The note ("-" reads it from standard input); internal, never sent
    pub text: String,
}

pub fn assign(
    store: &mut Store,
    a: AssignArgs,
    cfg: Option<&Config>,
    who: &str,
) -> anyhow::Result<ExitCode> {
    let c = crate::cli::people::candidate(store, &a.email)?;
    let assignee = match &a.user {
        Some(u) if !a.none => {
            let members = rapport_core::team::members(cfg, store);
            Some(rapport_core::team::resolve(u, &members, who).map_err(anyhow::Error::msg)?)
        }
        _ => None,
    };
    store.assign(c, assignee.as_deref(), who)?;
    match assignee {
        Some(n) => println!("{} is assigned to {}", a.email, super::output::clean(&n)),
        None => println!("{} is unassigned", a.email),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn snooze(store: &mut Store, a: SnoozeArgs, who: &str) -> anyhow::Result<ExitCode> {
    let c = crate::cli::people::candidate(store, &a.email)?;
    let now = rapport_core::store::now();
    let until = match &a.until {
        Some(u) if !a.none => Some(
            rapport_core::team::until::parse_until(u, &jiff::tz::TimeZone::system(), now)
                .map_err(anyhow::Error::msg)?,
        ),
        _ => None,
    };
    store.snooze(c, until, who, now)?;
    match until {
        Some(t) => println!(
            "{} is snoozed until {} (out of \"awaiting reply\" until then, or until they write)",
            a.email,
            rfc3339(t)
        ),
        None => println!("{} is no longer snoozed", a.email),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn note(store: &mut Store, a: NoteArgs, who: &str) -> anyhow::Result<ExitCode> {
    let c = crate::cli::people::candidate(store, &a.email)?;
    let text = if a.text == "-" {
        let mut t = String::new();
        std::io::stdin()
            .read_to_string(&mut t)
            .context("cannot read the note from standard input")?;
        t
    } else {
        a.text
    };
    let id = store.add_note(c, who, &text.parse()?, rapport_core::store::now())?;
    println!("note {id} added to {} (internal, never sent)", a.email);
    Ok(ExitCode::SUCCESS)
}
