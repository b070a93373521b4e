//! `rapport share` and `rapport shares`: preview a share, confirm it (there is no `--yes`: the
//! recruiter types the number of recipients), release it at its pace, pause, resume, cancel,
//! and report on it. The rules are `core::actions::share`'s.

use super::output::clean;
use super::send::{Ctx, deliver_pass};
use anyhow::bail;
use clap::{Args, Subcommand};
use rapport_core::actions::queue::Limit;
use rapport_core::actions::share::{self, Preview, Spec};
use rapport_core::timefmt::rfc3339;
use serde_json::{Value, json};
use std::io::BufRead;
use std::process::ExitCode;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ShareArgs {
    #[command(subcommand)]
    pub cmd: Option<ShareCmd>,
    /// The snippet to share (its tags are what it is about)
    pub template: Option<String>,
    /// The subject (default: the snippet's name)
    #[arg(long)]
    pub subject: Option<String>,
    /// Who it is for, in the candidate query language (default: interests overlapping the
    /// snippet's tags); nobody's wishes can be overridden
    #[arg(long)]
    pub query: Option<String>,
    /// At most this many messages an hour (default 30)
    #[arg(long)]
    pub per_hour: Option<u32>,
    /// At most this many messages a day (default 200)
    #[arg(long)]
    pub per_day: Option<u32>,
    /// Show the preview only
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum ShareCmd {
    /// Releases the share's messages into the outbox at its pace and delivers them, until all
    /// are out (with --once: one step)
    Run {
        id: i64,
        #[arg(long)]
        once: bool,
    },
    /// Nothing more goes out until `resume`
    Pause {
        id: i64,
    },
    Resume {
        id: i64,
    },
    /// Cancels what has not gone out yet
    Cancel {
        id: i64,
    },
    /// Progress, and what followed: replies, opt-outs and preference changes within 14 days
    Report {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

fn spec(ctx: &Ctx, a: &ShareArgs, name: &str) -> anyhow::Result<Spec> {
    Ok(Spec::of_snippet(
        &ctx.session.templates()?,
        name,
        a.subject.as_deref(),
        a.query.as_deref(),
        a.per_hour,
        a.per_day,
    )?)
}

fn preview_json(p: &Preview) -> Value {
    json!({
        "recipients": p.planned.len(),
        "left_out": p.skipped.len(),
        "left_out_by_reason": p.totals().into_iter().map(|(k, n)| json!({"reason": k, "count": n})).collect::<Vec<_>>(),
        "planned": p.planned.iter().map(|c| json!({"id": c.id, "name": c.name, "address": c.address})).collect::<Vec<_>>(),
        "skipped": p.skipped.iter().map(|(c, s)| json!({"id": c.id, "name": c.name, "address": c.address, "reason": s.kind(), "why": s.to_string()})).collect::<Vec<_>>(),
        "sample": p.sample,
        "first_release": p.first_release.map(rfc3339),
        "last_release": p.last_release.map(rfc3339),
        "in_their_time_zone": p.in_their_zone,
        "erased_addresses": p.erased,
        "window": p.window(),
    })
}

fn print_preview(p: &Preview) {
    println!(
        "{} will receive it; {} left out",
        p.planned.len(),
        p.skipped.len()
    );
    for (k, n) in p.totals() {
        println!("  {n:>5}  {k}");
    }
    if let Some(e) = p.erased_note() {
        println!("  {e}");
    }
    println!();
    for (c, s) in p.skipped.iter().take(50) {
        println!(
            "  left out: {} <{}>: {s}",
            clean(&c.name),
            clean(&c.address)
        );
    }
    if p.skipped.len() > 50 {
        println!("  … and {} more (--json lists all)", p.skipped.len() - 50);
    }
    if let (Some(a), Some(b)) = (p.first_release, p.last_release) {
        println!(
            "\nschedule: from {} to about {} ({}, at the pace given)",
            rfc3339(a),
            rfc3339(b),
            p.window()
        );
    }
    if let Some(s) = &p.sample {
        println!("\nsample:\n{}", clean_block(s));
    }
}

fn clean_block(s: &str) -> String {
    s.lines().map(clean).collect::<Vec<_>>().join("\n")
}

pub fn run(mut ctx: Ctx, a: ShareArgs) -> anyhow::Result<ExitCode> {
    let actor = ctx.session.actor.clone();
    match a.cmd {
        Some(ShareCmd::Pause { id }) => {
            share::pause(&mut ctx.store, id, &actor)?;
            println!("share {id} paused");
            Ok(ExitCode::SUCCESS)
        }
        Some(ShareCmd::Resume { id }) => {
            share::resume(&mut ctx.store, id, &actor)?;
            println!("share {id} resumed (`rapport share run {id}` sends at its pace)");
            Ok(ExitCode::SUCCESS)
        }
        Some(ShareCmd::Cancel { id }) => {
            let n = share::cancel(&mut ctx.store, id, &actor)?;
            println!("share {id} cancelled; {n} message(s) not sent");
            Ok(ExitCode::SUCCESS)
        }
        Some(ShareCmd::Report { id, json }) => report(&ctx, id, json),
        Some(ShareCmd::Run { id, once }) => run_share(&mut ctx, id, once),
        None => {
            let Some(name) = a.template.clone() else {
                bail!(
                    "name a snippet to share (`rapport share TEMPLATE`), or see `rapport share --help`"
                );
            };
            create(&mut ctx, &a, &name)
        }
    }
}

fn create(ctx: &mut Ctx, a: &ShareArgs, name: &str) -> anyhow::Result<ExitCode> {
    let spec = spec(ctx, a, name)?;
    let identity = ctx.session.identity(&ctx.store)?;
    let (schedule, target) =
        rapport_core::responses::report::settings(ctx.session.config(), &ctx.store);
    let now = rapport_core::store::now();
    let p = share::preview(
        &ctx.store,
        &spec,
        &identity,
        &ctx.session.actor,
        &schedule,
        target,
        now,
    )?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&preview_json(&p))?);
    } else {
        print_preview(&p);
    }
    if a.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    if p.planned.is_empty() {
        bail!("nobody would receive it: nothing was queued");
    }
    // No --yes: the recruiter confirms the number, having read who is left out and why.
    eprint!(
        "\nType {} to queue it for {} candidate(s), anything else to stop: ",
        p.planned.len(),
        p.planned.len()
    );
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    if line.trim() != p.planned.len().to_string() {
        eprintln!("not confirmed: nothing was queued");
        return Ok(ExitCode::from(1));
    }
    let id = share::create(&mut ctx.store, &spec, &p, &ctx.session.actor, now)?;
    println!(
        "share {id}: {} planned; `rapport share run {id}` sends them at {} an hour, {} a day, in working hours",
        p.planned.len(),
        spec.pace.per_hour,
        spec.pace.per_day
    );
    Ok(ExitCode::SUCCESS)
}

fn run_share(ctx: &mut Ctx, id: i64, once: bool) -> anyhow::Result<ExitCode> {
    let identity = ctx.session.identity(&ctx.store)?;
    let limit = Limit {
        bytes: ctx.session.max_message_size(),
        source: ctx.session.size_source(),
    };
    loop {
        let (schedule, _) =
            rapport_core::responses::report::settings(ctx.session.config(), &ctx.store);
        let now = rapport_core::store::now();
        let r = share::release(&mut ctx.store, id, &identity, &limit, &schedule, now)?;
        let sent = if r.queued > 0 || ctx.store.outbox_backlog()?.0 > 0 {
            deliver_pass(ctx)?.sent
        } else {
            0
        };
        println!(
            "share {id} ({}): {} released, {} skipped, {} sent, {} still planned",
            r.state, r.queued, r.skipped, sent, r.planned_left
        );
        if once || r.state != "active" {
            return Ok(ExitCode::SUCCESS);
        }
        let Some(next) = r.next_at else {
            if ctx.store.outbox_backlog()?.0 == 0 {
                return Ok(ExitCode::SUCCESS);
            }
            std::thread::sleep(std::time::Duration::from_secs(30));
            continue;
        };
        let wait = (next - rapport_core::store::now()).clamp(1, 3600);
        eprintln!("next release at {} ", rfc3339(next));
        std::thread::sleep(std::time::Duration::from_secs(wait as u64));
    }
}

fn report(ctx: &Ctx, id: i64, as_json: bool) -> anyhow::Result<ExitCode> {
    let r = share::report(&ctx.store, id)?;
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "id": r.share.id, "subject": r.share.subject, "template": r.share.template,
                "tags": r.share.tags, "state": r.share.state, "created_by": r.share.created_by,
                "created_at": rfc3339(r.share.created_at),
                "planned": r.planned, "queued": r.queued, "sent": r.sent, "failed": r.failed,
                "may_have_been_sent": r.unknown,
                "skipped": r.skipped, "cancelled": r.cancelled,
                "cancelled_because_they_opted_out": r.cancelled_opted_out, "skipped_by": r.skipped_by,
                "replies": r.replies, "reply_rate": r.reply_rate,
                "opt_outs_within_14_days": r.opt_outs,
                "preference_changes_within_14_days": r.preference_changes,
                "by_interest": r.by_interest.iter().map(|(t, (d, rep))| json!({"interest": t, "delivered": d, "replies": rep})).collect::<Vec<_>>(),
            }))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "share {} “{}” ({}), by {} on {}",
        r.share.id,
        clean(&r.share.subject),
        r.share.state,
        clean(&r.share.created_by),
        &rfc3339(r.share.created_at)[..10]
    );
    println!(
        "  {} sent, {} queued, {} planned, {} failed, {}, {} skipped",
        r.sent,
        r.queued,
        r.planned,
        r.failed,
        r.cancelled_text(),
        r.skipped
    );
    if r.unknown > 0 {
        println!(
            "  {} may have been sent (cut off while the server was taking it): not sent again; `rapport outbox` lists them, `outbox mark-sent ID` or `outbox retry ID` decides",
            r.unknown
        );
    }
    for (k, n) in &r.skipped_by {
        println!("    {n:>5}  {}", clean(k));
    }
    println!(
        "  replies {} ({:.0}%), opt-outs {}, preference changes {} (within 14 days)",
        r.replies,
        r.reply_rate * 100.0,
        r.opt_outs,
        r.preference_changes
    );
    for (t, (d, rep)) in &r.by_interest {
        println!("    {}: {d} delivered, {rep} replied", clean(t));
    }
    Ok(ExitCode::SUCCESS)
}

/// `rapport shares`: every share with its progress.
pub fn list(ctx: &Ctx, as_json: bool) -> anyhow::Result<ExitCode> {
    let mut out = Vec::new();
    for s in ctx.store.shares()? {
        let r = share::report(&ctx.store, s.id)?;
        out.push(r);
    }
    if as_json {
        let v: Vec<Value> = out
            .iter()
            .map(|r| {
                json!({"id": r.share.id, "subject": r.share.subject, "state": r.share.state,
                       "created_at": rfc3339(r.share.created_at), "planned": r.planned,
                       "queued": r.queued, "sent": r.sent, "skipped": r.skipped,
                       "failed": r.failed, "cancelled": r.cancelled})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&Value::Array(v))?);
        return Ok(ExitCode::SUCCESS);
    }
    if out.is_empty() {
        println!("no shares yet (`rapport share TEMPLATE --dry-run` previews one)");
    }
    for r in out {
        println!(
            "{:>4}  {:<10} {}  sent {}, queued {}, planned {}, skipped {}, failed {}, cancelled {}",
            r.share.id,
            r.share.state,
            clean(&r.share.subject),
            r.sent,
            r.queued,
            r.planned,
            r.skipped,
            r.failed,
            r.cancelled
        );
    }
    Ok(ExitCode::SUCCESS)
}
