//! Relationship commands: preferences, contact log, opt-outs, merges and data rights.

use super::output::clean;
use anyhow::{Context as _, bail};
use clap::Args;
use rapport_core::actions::Acting;
use rapport_core::model::Preferences;
use rapport_core::store::Store;
use rapport_core::timefmt::rfc3339;
use std::io::IsTerminal;
use std::process::ExitCode;

/// The candidate behind an address; an erased address says when it was erased.
pub fn candidate(store: &Store, email: &str) -> anyhow::Result<i64> {
    Ok(rapport_core::actions::lookup::candidate(store, email)?)
}

/// Parses "2026-11-20 14:30" (local time), "2026-11-20T14:30:00Z" or "now".
pub fn parse_time(s: &str) -> anyhow::Result<i64> {
    rapport_core::timefmt::parse_time(s, &jiff::tz::TimeZone::system(), rapport_core::store::now())
        .map_err(anyhow::Error::msg)
}

/// A candidate's own message given by its Message-ID.
fn their_message(store: &Store, cand: i64, mid: &str) -> anyhow::Result<i64> {
    Ok(rapport_core::actions::lookup::their_message(
        store, cand, mid,
    )?)
}

#[derive(Args, Debug)]
pub struct PrefsArgs {
    /// Any of the candidate's addresses
    pub email: String,
    /// An allowed channel (repeatable): email, phone, sms, linkedin
    #[arg(long = "channel", value_name = "CHANNEL")]
    pub channels: Vec<String>,
    /// The candidate wants no contact on any channel
    #[arg(long, conflicts_with = "channels")]
    pub no_contact: bool,
    /// The preferred channel
    #[arg(long)]
    pub preferred: Option<String>,
    /// weekly, biweekly, monthly, quarterly, only-when-they-write, never
    #[arg(long)]
    pub frequency: Option<String>,
    /// Add an interest (repeatable)
    #[arg(long = "interest", value_name = "TAG")]
    pub interests: Vec<String>,
    /// Remove an interest (repeatable)
    #[arg(long = "remove-interest", value_name = "TAG")]
    pub remove_interests: Vec<String>,
    #[arg(long)]
    pub language: Option<String>,
    /// IANA time zone, e.g. Europe/Berlin
    #[arg(long)]
    pub timezone: Option<String>,
    /// The candidate said so in this message (its Message-ID); otherwise the recruiter records it
    #[arg(long, value_name = "MESSAGE-ID")]
    pub from_message: Option<String>,
    /// consent or legitimate-interest
    #[arg(long, default_value = "consent")]
    pub basis: String,
    #[arg(long, default_value = "")]
    pub note: String,
    /// Show the history of changes too
    #[arg(long)]
    pub history: bool,
    #[arg(long)]
    pub json: bool,
}

/// The arguments say what changes; the rest stays as recorded. The core validates the
/// whole and records it.
pub fn prefs(
    store: &mut Store,
    a: PrefsArgs,
    who: &str,
    tz_vocab: &[String],
) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::preferences::{self as p, Basis, Change, Source};
    let _ = tz_vocab;
    let cand = candidate(store, &a.email)?;
    let basis: Basis = a.basis.trim().parse().context("--basis")?;
    let mut new = store.preferences(cand)?.unwrap_or_default();
    let old = new.clone();
    if !a.channels.is_empty() {
        new.channels = a
            .channels
            .iter()
            .map(|c| p::channel(c))
            .collect::<Result<_, _>>()?;
        new.no_channel = false;
    }
    if a.no_contact {
        new.channels.clear();
        new.preferred = None;
        new.no_channel = true;
    }
    if let Some(pr) = &a.preferred {
        new.preferred = Some(p::channel(pr)?);
    }
    if let Some(f) = &a.frequency {
        new.frequency = Some(p::frequency(f)?);
    }
    new.interests.extend(a.interests.iter().cloned());
    for t in &a.remove_interests {
        new.interests.retain(|x| !x.eq_ignore_ascii_case(t.trim()));
    }
    if let Some(l) = &a.language {
        new.language = Some(l.clone());
    }
    if let Some(tz) = &a.timezone {
        new.timezone = Some(tz.clone());
    }
    let new = p::validate(new)?;
    // A setting named is recorded (and audited) even when it was already so; adding an
    // interest they have or removing one they don't is no change.
    let named = !a.channels.is_empty()
        || a.no_contact
        || a.preferred.is_some()
        || a.frequency.is_some()
        || a.language.is_some()
        || a.timezone.is_some();
    let interests_changed = !p::validate(old).is_ok_and(|o| o.interests == new.interests);
    if named || interests_changed {
        let source = match &a.from_message {
            Some(m) => Source::Candidate(their_message(store, cand, m)?),
            None => Source::Recruiter,
        };
        let change = Change {
            preferences: new,
            source,
            basis,
            note: a.note.clone(),
        };
        p::set(store, cand, change, &Acting::now(who))?;
    }
    let current = store.preferences(cand)?.unwrap_or_default();
    let facts = store.contact_facts(cand)?;
    let next = rapport_core::consent::policy::next_contact(&facts);
    if a.json {
        let mut v = serde_json::json!({ "preferences": current, "next_contact": next_json(next) });
        if a.history {
            v["history"] = serde_json::to_value(store.ledger(cand)?)?;
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    print_prefs(&current);
    println!("next contact   {}", next_text(next));
    if a.history {
        println!();
        for e in store.ledger(cand)? {
            println!(
                "{}  {:<18} {} → {}  by {}{}",
                rfc3339(e.at),
                e.field,
                clean(e.old_value.as_deref().unwrap_or("-")),
                clean(e.new_value.as_deref().unwrap_or("-")),
                clean(&e.source.who(&e.actor)),
                if e.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", clean(&e.note))
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn next_json(n: rapport_core::consent::policy::Next) -> serde_json::Value {
    use rapport_core::consent::policy::Next;
    match n {
        Next::Now => "now".into(),
        Next::After(t) => rfc3339(t).into(),
        Next::WhenTheyWrite => "when-they-write".into(),
        Next::Never => "never".into(),
    }
}

pub fn next_text(n: rapport_core::consent::policy::Next) -> String {
    use rapport_core::consent::policy::Next;
    match n {
        Next::Now => "any time".into(),
        Next::After(t) => format!("from {}", &rfc3339(t)[..10]),
        Next::WhenTheyWrite => "when they write first".into(),
        Next::Never => "never (they asked not to be contacted)".into(),
    }
}

fn print_prefs(p: &Preferences) {
    let list = |v: Vec<&str>| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let channels = if p.no_channel {
        "none at all".into()
    } else {
        list(p.channels.iter().map(|c| c.as_str()).collect())
    };
    println!("channels       {channels}");
    println!(
        "preferred      {}",
        p.preferred.map(|c| c.as_str()).unwrap_or("-")
    );
    println!(
        "frequency      {}",
        p.frequency.map(|f| f.label()).unwrap_or("-")
    );
    println!(
        "interests      {}",
        clean(&list(p.interests.iter().map(String::as_str).collect()))
    );
    println!(
        "language       {}",
        clean(p.language.as_deref().unwrap_or("-"))
    );
    println!(
        "time zone      {}",
        clean(p.timezone.as_deref().unwrap_or("-"))
    );
}

#[derive(Args, Debug)]
pub struct LogContactArgs {
    pub email: String,
    /// phone, sms, linkedin, meeting, email
    #[arg(long)]
    pub channel: String,
    /// talked, voicemail, no-answer, delivered
    #[arg(long)]
    pub outcome: String,
    /// outbound (we reached out) or inbound (they did)
    #[arg(long, default_value = "outbound")]
    pub direction: String,
    /// When: "YYYY-MM-DD HH:MM" (local), RFC 3339, or now
    #[arg(long, default_value = "now")]
    pub at: String,
    #[arg(long, default_value = "")]
    pub note: String,
}

pub fn log_contact(store: &mut Store, a: LogContactArgs, who: &str) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::contact::{self, Contact};
    let cand = candidate(store, &a.email)?;
    let c = Contact {
        channel: contact::channel(&a.channel)?,
        outcome: contact::outcome(&a.outcome)?,
        direction: contact::direction(&a.direction)?,
        at: parse_time(&a.at)?,
        note: a.note,
    };
    let (channel, outcome, at) = (c.channel, c.outcome, c.at);
    let id = contact::log(store, cand, c, &Acting::now(who))?;
    println!(
        "logged contact {id}: {} {} at {}",
        channel.as_str(),
        outcome.as_str(),
        rfc3339(at)
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct OptOutArgs {
    pub email: String,
    /// all, email, phone, sms, linkedin, or topic:NAME
    #[arg(long, default_value = "all")]
    pub scope: String,
    #[arg(long)]
    pub reason: String,
    /// The candidate's message that asked (its Message-ID); otherwise a recruiter's note of a call
    #[arg(long, value_name = "MESSAGE-ID")]
    pub from_message: Option<String>,
}

pub fn opt_out(store: &mut Store, a: OptOutArgs, who: &str) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::optout::{self, Source};
    let cand = candidate(store, &a.email)?;
    let source = match &a.from_message {
        Some(m) => Source::Message(their_message(store, cand, m)?),
        None => Source::CallNote,
    };
    let scope = optout::scope(&a.scope)?;
    let scope = optout::record(store, cand, scope, &a.reason, source, &Acting::now(who))?;
    println!("opt-out recorded ({scope}); mail covered by it will not be sent");
    Ok(ExitCode::SUCCESS)
}

#[derive(Args, Debug)]
pub struct OptInArgs {
    pub email: String,
    /// The candidate's own message asking to hear from us again (its Message-ID)
    #[arg(long, value_name = "MESSAGE-ID")]
    pub from_message: String,
    /// Which opt-out ends (default: all of them)
    #[arg(long)]
    pub scope: Option<String>,
}

pub fn opt_in(store: &mut Store, a: OptInArgs, who: &str) -> anyhow::Result<ExitCode> {
    let cand = candidate(store, &a.email)?;
    let msg = their_message(store, cand, &a.from_message)?;
    let want = a
        .scope
        .as_deref()
        .map(rapport_core::actions::optout::scope)
        .transpose()?;
    let ended =
        rapport_core::actions::optout::revoke(store, cand, msg, want.as_ref(), &Acting::now(who))
            .map_err(|e| match e {
            rapport_core::error::Error::NotFound(_) => anyhow::anyhow!(
                "{} has no active opt-out{}",
                a.email,
                want.as_ref()
                    .map(|w| format!(" for {w}"))
                    .unwrap_or_default()
            ),
            e => e.into(),
        })?;
    for scope in ended {
        println!("opt-out ({}) ended", clean(&scope.to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Why `accept-answer` / `dismiss-answer` did nothing.
fn no_answer(email: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "no answer to the question mail is waiting on {email} (`rapport ask {email}` asks them)"
    )
}

/// `answers`: the answers waiting, with what each proposes.
pub fn answers(store: &Store, json: bool) -> anyhow::Result<ExitCode> {
    let rows = rapport_core::actions::answers::pending(store)?;
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "candidate": r.name, "address": r.address, "message": r.message,
                    "at": rapport_core::timefmt::rfc3339(r.at),
                    "proposal": r.proposal, "summary": r.proposal.to_string(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        println!("no answers waiting");
    }
    for r in rows {
        println!(
            "{}  {} <{}>  message {}: {}",
            rapport_core::timefmt::rfc3339(r.at),
            clean(&r.name),
            clean(&r.address),
            r.message,
            clean(&r.proposal.to_string())
        );
        println!(
            "    rapport accept-answer {0}  |  rapport dismiss-answer {0}",
            clean(&r.address)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `accept-answer`: everything their answer proposes, citing their message.
pub fn accept_answer(store: &mut Store, email: &str, who: &str) -> anyhow::Result<ExitCode> {
    let cand = candidate(store, email)?;
    let p = rapport_core::actions::answers::accept(store, cand, &Acting::now(who)).map_err(
        |e| match e {
            rapport_core::error::Error::NotFound(_) => no_answer(email),
            e => e.into(),
        },
    )?;
    println!(
        "accepted from their message: {}; mail their wishes refuse will not be sent",
        clean(&p.to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// `dismiss-answer`: nothing is recorded but the dismissal (audited).
pub fn dismiss_answer(store: &mut Store, email: &str, who: &str) -> anyhow::Result<ExitCode> {
    let cand = candidate(store, email)?;
    if !rapport_core::actions::answers::dismiss(store, cand, &Acting::now(who))? {
        return Err(no_answer(email));
    }
    println!("dismissed: nothing recorded from their answer");
    Ok(ExitCode::SUCCESS)
}

/// Why `accept-opt-out` / `dismiss-opt-out` did nothing.
fn no_request(email: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "no opt-out request is waiting on {email} (`rapport opt-out {email} --reason TEXT` records one by hand)"
    )
}

/// `accept-opt-out`: the core records the request ingest read from their message, with the
/// scope stored then; this prints what it recorded.
pub fn accept_opt_out(store: &mut Store, email: &str, who: &str) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::optout;
    let cand = candidate(store, email)?;
    let scope = optout::accept_request(store, cand, &Acting::now(who)).map_err(|e| match e {
        rapport_core::error::Error::NotFound(_) => no_request(email),
        e => e.into(),
    })?;
    let recorded = store.profile(cand)?.and_then(|p| {
        p.opt_outs
            .into_iter()
            .rev()
            .find(|o| o.scope == scope && o.revoked_at.is_none())
    });
    let reason = recorded
        .map(|o| format!(": \"{}\"", clean(&o.reason)))
        .unwrap_or_default();
    println!(
        "opt-out recorded ({}) from their message{reason}; mail covered by it will not be sent",
        clean(&scope.to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// `dismiss-opt-out`: the request read from their message was not one; nothing is recorded
/// but the dismissal (audited).
pub fn dismiss_opt_out(store: &mut Store, email: &str, who: &str) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::optout;
    let cand = candidate(store, email)?;
    if !optout::dismiss_request(store, cand, &Acting::now(who))? {
        return Err(no_request(email));
    }
    let name = store
        .profile(cand)?
        .map(|p| p.name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| email.to_string());
    println!(
        "dismissed: the request read in {}'s message is not an opt-out; no opt-out recorded",
        clean(&name)
    );
    Ok(ExitCode::SUCCESS)
}

pub fn export(
    store: &mut Store,
    email: &str,
    output: Option<&std::path::Path>,
    summary: bool,
    who: &str,
) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::export;
    let cand = candidate(store, email)?;
    match output {
        Some(p) => {
            let acting = rapport_core::actions::Acting::now(who);
            let txt = export::export_for_them(store, cand, p, &acting)?;
            eprintln!("wrote {} and its summary {}", p.display(), txt.display());
        }
        None if summary => print!("{}", export::summary(store, cand)?),
        None => println!("{}", export::document(store, cand)?),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn erase(
    store: &mut Store,
    data_dir: &std::path::Path,
    cfg: Option<&rapport_core::config::Config>,
    email: &str,
    yes: bool,
    who: &str,
) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::erase::{self, OnServer, Server};
    let cand = candidate(store, email)?;
    let plan = erase::plan(store, cand)?;
    let on_server = cfg.is_some_and(|c| c.erase_on_server);
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "erasing {} cannot be undone: pass --yes, or run it on a terminal to confirm",
                clean(&plan.name)
            );
        }
        eprint!(
            "This erases {} ({}): {} messages, preferences, history and contact log{}. It cannot be undone.\nType the address {email} to confirm: ",
            clean(&plan.name),
            clean(&plan.addresses.join(", ")),
            plan.messages,
            if on_server {
                ", and their mail on the IMAP server"
            } else {
                ""
            }
        );
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if line.trim() != email {
            bail!("not confirmed; nothing was erased");
        }
    }
    // Only now, after the confirmation: the password command may ask for a passphrase.
    let endpoint = match cfg {
        Some(c) if on_server => Some(super::sync::endpoint(c)?),
        _ => None,
    };
    let how = match &endpoint {
        Some(ep) => OnServer::Delete(ep),
        None => OnServer::Keep,
    };
    let out = erase::erase(store, data_dir, cand, who, how)?;
    println!(
        "erased: {} messages and everything else held about them; their addresses are kept only as keyed hashes so they are not contacted again",
        out.erased.messages
    );
    if out.demo_files_removed > 0 {
        println!(
            "removed {} file(s) of theirs from the demo's mailbox and outgoing folder",
            out.demo_files_removed
        );
    }
    match &out.server {
        Server::Kept(n) => println!(
            "their {n} message(s) remain in the IMAP mailbox (set erase_on_server = true to delete them there too)"
        ),
        Server::Deleted(d) => {
            for (folder, n) in d {
                println!("deleted {n} message(s) from {folder} on the server");
            }
        }
        Server::Nothing | Server::Deferred(_) => {}
        Server::Failed(e) => bail!(
            "erased here, but deleting their mail on the IMAP server failed ({e}); a sync never fetches it again, and `rapport erase {email}` tries the server again"
        ),
    }
    if let Some(left) = &out.erased.pending {
        bail!("erase not complete on disk: {left}");
    }
    Ok(ExitCode::SUCCESS)
}
