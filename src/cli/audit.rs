//! `rapport audit`: who did what, oldest first, as text or JSON.

use super::output::clean as sanitize_line;
use clap::Args;
use rapport_core::store::{AuditQuery, Store};
use rapport_core::timefmt::rfc3339;
use serde_json::json;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Only actions on this candidate (any of their addresses)
    #[arg(long, value_name = "EMAIL")]
    candidate: Option<String>,
    /// Only actions since this time: "YYYY-MM-DD HH:MM" (local), RFC 3339, or an age such as
    /// 90m, 24h, 7d
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// Only actions by this user (as recorded: display name or OS user)
    #[arg(long, value_name = "NAME")]
    actor: Option<String>,
    /// At most the newest N entries (0: all)
    #[arg(long, default_value_t = 0)]
    limit: usize,
    #[arg(long)]
    json: bool,
}

/// "7d", "24h", "90m" before now, a date, or a time as `parse_time` reads it.
fn since(s: &str, now: i64) -> anyhow::Result<i64> {
    rapport_core::timefmt::parse_since(s, &jiff::tz::TimeZone::system(), now)
        .map_err(anyhow::Error::msg)
}

pub fn run(store: &Store, a: AuditArgs) -> anyhow::Result<ExitCode> {
    let candidate_id = match &a.candidate {
        Some(email) => Some(store.merged_root(super::people::candidate(store, email)?)?),
        None => None,
    };
    let q = AuditQuery {
        candidate_id,
        since: a
            .since
            .as_deref()
            .map(|s| since(s, rapport_core::store::now()))
            .transpose()?,
        actor: a.actor,
        limit: a.limit,
    };
    let entries = store.audit_entries(&q)?;
    if a.json {
        let v: Vec<_> = entries
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "at": rfc3339(e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "candidate": e.candidate,
                    "candidate_name": e.candidate_name,
                    "detail": e.detail,
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    for e in &entries {
        let who = match (&e.candidate_name, &e.candidate) {
            (Some(n), Some(addr)) => format!("{} <{}>", sanitize_line(n), sanitize_line(addr)),
            (_, Some(addr)) => sanitize_line(addr),
            _ => "-".into(),
        };
        println!(
            "{}  {:<16} {:<22} {:<36} {}",
            rfc3339(e.at),
            sanitize_line(&e.actor),
            sanitize_line(&e.action),
            who,
            sanitize_line(&e.detail)
        );
    }
    if entries.is_empty() {
        eprintln!("no recorded actions match");
    }
    Ok(ExitCode::SUCCESS)
}
