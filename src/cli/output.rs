//! Text and JSON output of the scripting commands. JSON uses RFC 3339 UTC times.
//!
//! Stored text (what candidates wrote, and names, notes and server text anyone on the box may
//! have stored) goes through [`clean`] or [`clean_text`] before a text printer shows it, as
//! the TUI's parsers do: no escape sequence, bidi control or other terminal control reaches
//! the terminal, and a name cannot break a listing's lines. JSON is escaped by serde.

use anyhow::bail;
use rapport_core::actions::candidates;
use rapport_core::actions::lookup::{LookupError, candidate_by_name_or_address};
use rapport_core::actions::session::Session;
use rapport_core::model::Direction;
use rapport_core::responses::timeline::{TimelineItem, timeline};
use rapport_core::store::{InboxFilter, Store};
use rapport_core::timefmt::{duration, rfc3339};
use serde_json::{Value, json};
use std::process::ExitCode;

/// One line of stored text (a name, address, subject, note in a list), safe to print.
pub fn clean(s: &str) -> String {
    rapport_core::sanitize::sanitize_line(s)
}

/// Stored text of several lines (a body, a note), safe to print.
pub fn clean_text(s: &str) -> String {
    rapport_core::sanitize::sanitize_text(s)
}

fn time(at: Option<i64>) -> Value {
    at.map(|a| Value::String(rfc3339(a))).unwrap_or(Value::Null)
}

fn print_json(v: &Value) -> anyhow::Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(ExitCode::SUCCESS)
}

/// Which candidates `rapport candidates` lists.
#[derive(Debug, Default)]
pub struct Which {
    /// Only those awaiting our reply.
    pub awaiting: bool,
    /// A query (`core::query`).
    pub query: Option<String>,
    /// A saved view's name (`[views]` in the config).
    pub view: Option<String>,
}

pub fn candidates(
    store: &Store,
    session: &Session,
    as_json: bool,
    which: Which,
) -> anyhow::Result<ExitCode> {
    let text = match (which.query, which.view) {
        (Some(q), _) => Some(q),
        (None, Some(name)) => {
            let views = session.config().map(|c| c.views()).unwrap_or_default();
            match views.into_iter().find(|(n, _)| *n == name) {
                Some((_, q)) => Some(q),
                None => bail!(
                    "no view {name:?} in the config's [views]; add one, e.g. {name} = \"interest:rust due:yes\""
                ),
            }
        }
        (None, None) => None,
    };
    let now = rapport_core::store::now();
    let (schedule, target) = rapport_core::responses::report::settings(session.config(), store);
    let search = match text {
        Some(t) => candidates::parse(&t, &session.actor, &schedule, target, now)
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        None => None,
    };
    let view = if which.awaiting {
        InboxFilter::Awaiting
    } else {
        InboxFilter::All
    };
    let rows = candidates::matching(store, view, search)?;
    if as_json {
        let v: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "name": r.name,
                    "address": r.address,
                    "messages": r.message_count,
                    "waiting_since": time(r.waiting_since),
                    "waiting_seconds": r.waiting_since.map(|w| now - w),
                    "last_activity": time(r.last_activity),
                    "last_direction": r.last_direction.map(Direction::as_str),
                    "opted_out": r.opted_out,
                    "assigned_to": r.assigned_to,
                    "snoozed_until": time(r.snoozed_until),
                    "back_from_snooze": r.back_from_snooze,
                })
            })
            .collect();
        return print_json(&Value::Array(v));
    }
    for r in rows {
        let wait = r
            .waiting_since
            .map(|w| duration(now - w))
            .unwrap_or_else(|| "-".into());
        let mark = if r.opted_out { "opted-out" } else { "" };
        println!(
            "{wait:>8}  {:<28} {:<40} {:>4} {mark}",
            clean(&r.name),
            clean(&r.address),
            r.message_count
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The candidate a name or address means; a name several candidates answer to lists them
/// (with their addresses) on stderr, and the command ends with exit code 1.
pub(crate) fn who(store: &Store, who: &str) -> anyhow::Result<Result<i64, ExitCode>> {
    match candidate_by_name_or_address(store, who) {
        Ok(id) => Ok(Ok(id)),
        Err(LookupError::Ambiguous { name, candidates }) => {
            use std::io::Write as _;
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "rapport: error: {:?} could be {} candidates; give one of their addresses:",
                clean(&name),
                candidates.len()
            );
            for m in &candidates {
                let _ = writeln!(err, "  {:<28} {}", clean(&m.name), clean(&m.address));
            }
            Ok(Err(ExitCode::FAILURE))
        }
        Err(e) => Err(e.into()),
    }
}

pub fn show(store: &Store, name_or_email: &str, as_json: bool) -> anyhow::Result<ExitCode> {
    let id = match who(store, name_or_email)? {
        Ok(id) => id,
        Err(code) => return Ok(code),
    };
    let Some(p) = store.profile(id)? else {
        bail!("no candidate has the address {name_or_email}");
    };
    let conv = store.conversation(id, usize::MAX >> 1)?;
    let items = timeline(&conv);
    if as_json {
        let tl: Vec<Value> = items
            .iter()
            .map(|i| match i {
                TimelineItem::Message { msg, thread_no, .. } => json!({
                    "kind": "email",
                    "direction": msg.direction.as_str(),
                    "date": rfc3339(msg.date),
                    "from": if msg.from_name.is_empty() { msg.from_addr.clone() } else { format!("{} <{}>", msg.from_name, msg.from_addr) },
                    "to": msg.to,
                    "cc": msg.cc,
                    "subject": msg.subject,
                    "thread": thread_no,
                    "message_id": msg.message_id,
                    "automated": msg.automated,
                    "recruiter": msg.recruiter,
                    "body": msg.body,
                    "attachments": msg.attachments,
                }),
                TimelineItem::Contact(c) => json!({
                    "kind": "contact",
                    "channel": c.entry.channel.as_str(),
                    "direction": c.entry.direction.as_str(),
                    "outcome": c.entry.outcome.as_str(),
                    "date": rfc3339(c.entry.at),
                    "note": c.entry.note,
                    "recorded_by": c.entry.recorded_by,
                }),
                TimelineItem::Note(n) => json!({
                    "kind": "note",
                    "date": rfc3339(n.at),
                    "author": n.author,
                    "text": n.text,
                }),
                TimelineItem::Done(d) => json!({
                    "kind": "done",
                    "date": rfc3339(d.at),
                    "by": d.actor,
                    "note": d.note,
                }),
            })
            .collect();
        let opt_outs: Vec<Value> = p
            .opt_outs
            .iter()
            .map(|o| {
                json!({"scope": o.scope, "reason": o.reason, "source": o.source,
                       "recorded_by": o.recorded_by, "at": rfc3339(o.at), "revoked_at": time(o.revoked_at)})
            })
            .collect();
        let (assignment, snooze) = (store.assignment(id)?, store.snooze_of(id)?);
        return print_json(&json!({
            "id": p.id,
            "assigned_to": assignment.map(|a| a.assignee),
            "snoozed_until": snooze.map(|z| rfc3339(z.until)),
            "name": p.name,
            "addresses": p.addresses,
            "opted_out": p.opted_out(),
            "opt_outs": opt_outs,
            "preferences": p.preferences,
            "messages": p.message_count,
            "waiting_since": time(p.waiting_since),
            "last_inbound": time(p.last_inbound_at),
            "last_contact": time(p.last_contact_at),
            "timeline": tl,
        }));
    }
    println!("{}", clean(&p.name));
    for a in &p.addresses {
        println!("  {}", clean(a));
    }
    if p.opted_out() {
        println!("  OPTED OUT");
    }
    if let Some(w) = p.waiting_since {
        println!("  waiting for our reply since {}", rfc3339(w));
    }
    if let Some(a) = store.assignment(id)? {
        println!(
            "  assigned to {} (by {})",
            clean(&a.assignee),
            clean(&a.assigned_by)
        );
    }
    if let Some(z) = store.snooze_of(id)? {
        println!(
            "  snoozed until {} (by {})",
            rfc3339(z.until),
            clean(&z.snoozed_by)
        );
    }
    if let Some(pr) = &p.preferences {
        let ch: Vec<&str> = pr.channels.iter().map(|c| c.as_str()).collect();
        println!(
            "  channels: {}  frequency: {}  interests: {}",
            if ch.is_empty() {
                "-".into()
            } else {
                ch.join(",")
            },
            pr.frequency.map(|f| f.label()).unwrap_or("-"),
            if pr.interests.is_empty() {
                "-".into()
            } else {
                clean(&pr.interests.join(","))
            }
        );
    }
    println!();
    for i in items {
        match i {
            TimelineItem::Message { msg, thread_no, .. } => {
                let arrow = if msg.direction == Direction::Outbound {
                    "→"
                } else {
                    "←"
                };
                println!(
                    "{arrow} {} #{thread_no} {} <{}>: {}",
                    rfc3339(msg.date),
                    clean(&msg.from_name),
                    clean(&msg.from_addr),
                    clean(&msg.subject)
                );
                for l in clean_text(&msg.body).lines() {
                    println!("    {l}");
                }
                println!();
            }
            TimelineItem::Contact(c) => {
                let e = &c.entry;
                println!(
                    "◆ {} {} {} ({}): {}",
                    rfc3339(e.at),
                    e.channel.as_str(),
                    e.outcome.as_str(),
                    clean(&e.recorded_by),
                    clean(&e.note)
                );
                println!();
            }
            TimelineItem::Note(n) => {
                println!(
                    "✎ {} note by {} (internal):",
                    rfc3339(n.at),
                    clean(&n.author)
                );
                for l in clean_text(&n.text).lines() {
                    println!("    {l}");
                }
                println!();
            }
            TimelineItem::Done(d) => {
                println!(
                    "✓ {} done, no reply needed ({})",
                    rfc3339(d.at),
                    clean(&d.actor)
                );
                for l in clean_text(&d.note).lines() {
                    println!("    {l}");
                }
                println!();
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn search(
    store: &Store,
    query: &str,
    as_json: bool,
    limit: usize,
    candidate: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let of = match candidate.map(|c| who(store, c)).transpose()? {
        Some(Err(code)) => return Ok(code),
        Some(Ok(id)) => Some(id),
        None => None,
    };
    let hits = store.search_messages_of(query, of, limit)?;
    if store.search_index_deferred()? {
        eprintln!(
            "note: the search index is still being built (a first sync is running, or was \
             interrupted: the next `rapport sync` completes it); results may be incomplete"
        );
    }
    if as_json {
        let v: Vec<Value> = hits
            .iter()
            .map(|h| {
                json!({"message": h.message_id, "candidate_id": h.candidate_id, "candidate": h.candidate,
                       "address": h.address, "direction": h.direction.as_str(), "subject": h.subject,
                       "date": rfc3339(h.date), "excerpt": clean(&h.excerpt)})
            })
            .collect();
        return print_json(&Value::Array(v));
    }
    for h in hits {
        println!(
            "{}  {:<24} {:<32} {}\n    {}",
            rfc3339(h.date),
            clean(&h.candidate),
            clean(&h.address),
            clean(&h.subject),
            clean(&h.excerpt)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Arrivals from erased addresses (and, with `--json`, what the server still holds of them).
pub fn erased_mail(store: &Store, as_json: bool) -> anyhow::Result<()> {
    let all = store.suppressed_mail(false)?;
    if as_json {
        let rows: Vec<Value> = all
            .iter()
            .map(|m| {
                json!({"at": rfc3339(m.at), "folder": m.folder, "uid": m.uid,
                       "address_hash": m.address_hash, "arrived_after_erasure": m.arrived,
                       "acknowledged": m.acknowledged})
            })
            .collect();
        print_json(&json!(rows))?;
        return Ok(());
    }
    let arrivals: Vec<_> = all.iter().filter(|m| m.arrived).collect();
    if arrivals.is_empty() {
        println!("no mail has arrived from an address erased on request");
    }
    for m in arrivals {
        println!(
            "{}  {}  uid {}  from an address erased on request (hash {}){}",
            rfc3339(m.at),
            m.folder.as_deref().unwrap_or("(imported)"),
            m.uid.map(|u| u.to_string()).unwrap_or_else(|| "-".into()),
            &m.address_hash[..12.min(m.address_hash.len())],
            if m.acknowledged { "" } else { "  NEW" }
        );
    }
    let held = all.iter().filter(|m| !m.arrived).count();
    if held > 0 {
        println!(
            "{held} message(s) of erased people remain on the IMAP server (never fetched again)"
        );
    }
    Ok(())
}

pub fn status(store: &Store, as_json: bool) -> anyhow::Result<ExitCode> {
    let s = store.status()?;
    let erased_arrivals = store.unacknowledged_suppressed_arrivals()?;
    let pending_erasure = store.pending_erasure()?;
    let lease = store.lease(rapport_core::store::SYNC_LEASE)?;
    let requests = store.open_data_requests()?;
    if as_json {
        let folders: Vec<Value> = s
            .folders
            .iter()
            .map(|f| {
                json!({"name": f.name, "role": f.role, "messages": f.messages, "uidvalidity": f.uidvalidity,
                       "uidnext": f.uidnext, "last_sync": time(f.last_sync_at)})
            })
            .collect();
        return print_json(&json!({
            "database": s.database,
            "schema_version": s.schema_version,
            "messages": s.messages,
            "candidates": s.candidates,
            "threads": s.threads,
            "awaiting_reply": s.awaiting_reply,
            "opted_out": s.opted_out,
            "folders": folders,
            "last_sync": time(s.last_sync_at),
            "mail_from_erased_addresses": erased_arrivals,
            "erasure_pending_since": time(pending_erasure),
            "open_data_requests": requests.len(),
            "sync_lease": lease.as_ref().map(|l| json!({
                "holder": l.who.holder, "actor": l.who.actor, "kind": l.who.kind,
                "acquired_at": rfc3339(l.acquired_at / 1000), "expires_at": rfc3339(l.expires_at / 1000),
            })),
        }));
    }
    println!("database     {} (schema v{})", s.database, s.schema_version);
    println!("messages     {}", s.messages);
    println!(
        "candidates   {} ({} awaiting reply, {} opted out)",
        s.candidates, s.awaiting_reply, s.opted_out
    );
    println!("threads      {}", s.threads);
    println!(
        "last sync    {}",
        s.last_sync_at
            .map(rfc3339)
            .unwrap_or_else(|| "never".into())
    );
    println!(
        "syncing      {}",
        lease
            .map(|l| format!(
                "{} (lease until {})",
                clean(&l.describe()),
                rfc3339(l.expires_at / 1000)
            ))
            .unwrap_or_else(|| "no process syncs now".into())
    );
    for f in s.folders {
        println!(
            "folder       {} ({}): {} messages",
            clean(&f.name),
            f.role,
            f.messages
        );
    }
    if let Some(first) = requests.first() {
        println!(
            "requests     {} open request(s) from candidates about their data, the first due {} (`rapport requests`)",
            requests.len(),
            &rfc3339(first.due_at)[..10]
        );
    }
    if erased_arrivals > 0 {
        println!(
            "erased       {erased_arrivals} message(s) arrived from addresses erased on request (not stored; `rapport erased-mail`)"
        );
    }
    if let Some(at) = pending_erasure {
        println!(
            "erasure      the erasure of {} is not yet complete on disk (`rapport doctor`)",
            rfc3339(at)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `rapport requests`: candidates' open requests about their data, due first first.
pub fn requests(store: &Store, as_json: bool) -> anyhow::Result<ExitCode> {
    let open = store.open_data_requests()?;
    if as_json {
        let v: Vec<Value> = open
            .iter()
            .map(|r| {
                json!({"id": r.id, "name": r.name, "address": r.address, "kind": r.kind,
                       "via": r.via, "asked_at": rfc3339(r.at), "due_at": rfc3339(r.due_at)})
            })
            .collect();
        return print_json(&Value::Array(v));
    }
    if open.is_empty() {
        println!("no open requests");
    }
    for r in open {
        let then = match r.kind {
            rapport_core::values::DataRequestKind::Copy => "rapport export EMAIL --output FILE",
            rapport_core::values::DataRequestKind::Erasure => "rapport erase EMAIL",
        };
        println!(
            "due {}  {} <{}> asked for {} on {} ({}); answer with `{then}`",
            &rfc3339(r.due_at)[..10],
            clean(&r.name),
            clean(&r.address),
            r.kind.label(),
            &rfc3339(r.at)[..10],
            clean(&r.via)
        );
    }
    Ok(ExitCode::SUCCESS)
}
