//! Sending from the command line: `reply`, `send` and `outbox`, through the same check and
//! outbox as the TUI.

use crate::core::compose::{self, Draft, Identity};
use crate::core::config::Config;
use crate::core::delivery::{Deliverer, Transport};
use crate::core::outbox::{Confirmation, Outgoing, SendError, enqueue};
use crate::core::store::Store;
use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How this data dir sends: the demo's .eml folder, or SMTP from the config.
pub fn deliverer(
    store: &Store,
    cfg: Option<&Config>,
    data_dir: &Path,
) -> anyhow::Result<Deliverer> {
    if store.meta("demo")?.as_deref() == Some("1") {
        return Ok(Deliverer {
            transport: Transport::File(data_dir.join(crate::core::send::DEMO_OUTGOING)),
            sent: None,
            sent_folders: vec![],
        });
    }
    let cfg = cfg.context("no configuration: rapport cannot send (see config.example.toml)")?;
    let smtp = cfg.smtp.as_ref().with_context(|| {
        format!(
            "{}: there is no [smtp] section, so rapport cannot send",
            cfg.path.display()
        )
    })?;
    let secret = crate::core::smtp::secret(smtp.get_ref())?;
    let transport = crate::core::smtp::transport(smtp.get_ref(), &secret)?;
    let sent = match &cfg.imap {
        Some(i) => Some(crate::core::imap::connect::Endpoint::from_config(
            i.get_ref(),
        )?),
        None => None,
    };
    let sent_folders = cfg
        .imap
        .as_ref()
        .map(|i| i.get_ref().folders.clone())
        .unwrap_or_default();
    Ok(Deliverer {
        transport: Transport::Smtp(transport),
        sent,
        sent_folders,
    })
}

/// The From identity: the shared box with this recruiter's name.
pub fn identity(store: &Store, cfg: Option<&Config>, actor: &str) -> anyhow::Result<Identity> {
    if let Some(c) = cfg {
        return Ok(Identity {
            team: c.identity.team.clone(),
            shared_address: c.shared_address(),
            recruiter_name: actor.to_string(),
        });
    }
    let shared = store
        .team()?
        .into_iter()
        .find(|m| m.shared)
        .context("no shared address is known: write a configuration")?;
    Ok(Identity {
        team: shared.name,
        shared_address: shared.address,
        recruiter_name: actor.to_string(),
    })
}

#[derive(Args, Debug)]
pub struct ReplyArgs {
    /// Any of the candidate's addresses; the reply answers their latest message
    pub email: String,
    #[arg(long, value_name = "FILE")]
    pub body_file: PathBuf,
    /// Send despite a frequency, channel or address conflict, or a colleague's mail to them
    /// after their latest message (needs --reason)
    #[arg(long)]
    pub yes: bool,
    /// Why the conflict is acceptable (recorded in the candidate's history)
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Args, Debug)]
pub struct SendArgs {
    pub email: String,
    #[arg(long)]
    pub subject: String,
    #[arg(long, value_name = "FILE")]
    pub body_file: PathBuf,
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum OutboxCmd {
    /// Queue a failed message again now
    Retry { id: i64 },
    /// Cancel a queued or failed message
    Cancel { id: i64 },
    /// Deliver what is due now: recover messages cut off while sending, then send once
    Flush,
}

fn read_body(p: &Path) -> anyhow::Result<String> {
    let b = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
    if b.trim().is_empty() {
        bail!("{} is empty: nothing to send", p.display());
    }
    Ok(b)
}

pub struct Ctx<'a> {
    pub store: Store,
    pub cfg: Option<&'a Config>,
    pub data_dir: &'a Path,
    pub actor: String,
}

fn queue_and_deliver(
    ctx: &mut Ctx,
    cand: i64,
    draft: Draft,
    yes: bool,
    reason: Option<String>,
    opened_at: Option<i64>,
) -> anyhow::Result<ExitCode> {
    let identity = identity(&ctx.store, ctx.cfg, &ctx.actor)?;
    let mid = compose::new_message_id(&identity.shared_address);
    let raw = compose::build(&identity, &draft, &mid, std::time::SystemTime::now())?;
    let to: Vec<String> = compose::addresses("To", &draft.to)?
        .into_iter()
        .chain(compose::addresses("Cc", &draft.cc)?)
        .map(|m| m.email.to_string().to_lowercase())
        .collect();
    let out = Outgoing {
        candidate_id: Some(cand),
        from: identity.shared_address.clone(),
        to,
        message_id: mid.clone(),
        raw,
        topics: vec![],
        created_by: ctx.actor.clone(),
        opened_at,
    };
    let confirm = yes.then(|| Confirmation {
        actor: ctx.actor.clone(),
        reason: reason.clone().unwrap_or_default(),
    });
    let now = crate::core::store::now();
    for p in ctx
        .store
        .presence_of_others(&crate::core::store::session_id(), now)?
        .iter()
        .filter(|p| p.candidate_id == Some(cand))
    {
        eprintln!("note: {} this candidate right now", p.describe());
    }
    let id = match enqueue(
        &mut ctx.store,
        &out,
        confirm.as_ref(),
        crate::core::store::now(),
    ) {
        Ok(id) => id,
        Err(SendError::NeedsConfirmation(c)) => bail!(
            "needs confirmation: {}; pass --yes --reason TEXT to send anyway (the reason is recorded)",
            c.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Err(SendError::EmptyReason) => {
            bail!("--yes needs --reason TEXT: the reason is recorded in the candidate's history")
        }
        Err(e) => return Err(e.into()),
    };
    println!("queued as outbox message {id} ({mid})");
    let report = deliver_now(ctx)?;
    let state = ctx
        .store
        .delivery(&mid)?
        .context("the outbox entry vanished")?;
    match state.state.as_str() {
        "sent" => println!(
            "sent{}",
            if report.copies > 0 {
                "; copied to Sent"
            } else {
                ""
            }
        ),
        "queued" => println!(
            "not sent yet ({}); it stays queued and is retried by rapport (`rapport outbox` shows it)",
            state.last_error.unwrap_or_default()
        ),
        other => bail!(
            "not sent ({other}): {}; it stays in the outbox: `rapport outbox retry {id}` sends it again, `rapport outbox cancel {id}` drops it",
            state.last_error.unwrap_or_default()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Start-up recovery, then one delivery pass. The SMTP transport is built and dropped inside
/// the runtime: lettre's connection pool spawns tasks on both, and panics outside one.
fn deliver_now(ctx: &mut Ctx) -> anyhow::Result<crate::core::delivery::Report> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let d = deliverer(&ctx.store, ctx.cfg, ctx.data_dir)?;
        crate::core::delivery::recover(&mut ctx.store, &d)?;
        let report = crate::core::delivery::run_once(&mut ctx.store, &d).await?;
        drop(d);
        // Lets the pool's shutdown task close the connection politely.
        tokio::task::yield_now().await;
        Ok(report)
    })
}

/// `rapport outbox flush`: one pass of the delivery loop (the CLI has no daemon).
fn flush(ctx: &mut Ctx) -> anyhow::Result<ExitCode> {
    let r = deliver_now(ctx)?;
    println!(
        "{} sent, {} to retry, {} failed, {} cancelled, {} copied to Sent",
        r.sent, r.retrying, r.failed, r.cancelled, r.copies
    );
    Ok(ExitCode::SUCCESS)
}

pub fn reply(mut ctx: Ctx, a: ReplyArgs) -> anyhow::Result<ExitCode> {
    let cand = crate::cli::people::candidate(&ctx.store, &a.email)?;
    let conv = ctx.store.conversation(cand, 500)?;
    let parent = conv
        .messages
        .iter()
        .rev()
        .find(|m| m.direction == crate::core::model::Direction::Inbound && !m.automated)
        .context("the candidate has not written to us: use `rapport send` to start a conversation")?
        .clone();
    let (refs, irt) = ctx.store.threading_of(parent.id)?;
    let mut draft = compose::reply_draft(
        &parent,
        &refs,
        &irt,
        &crate::core::timefmt::rfc3339(parent.date),
    );
    draft.body = format!("{}{}", read_body(&a.body_file)?, draft.body);
    // What is being answered is their latest message: a colleague's mail or call after it
    // means someone may have answered already.
    queue_and_deliver(&mut ctx, cand, draft, a.yes, a.reason, Some(parent.date))
}

pub fn send(mut ctx: Ctx, a: SendArgs) -> anyhow::Result<ExitCode> {
    let cand = crate::cli::people::candidate(&ctx.store, &a.email)?;
    let draft = Draft {
        to: a.email.clone(),
        cc: String::new(),
        subject: a.subject,
        body: read_body(&a.body_file)?,
        in_reply_to: None,
        references: vec![],
    };
    let their_latest = ctx
        .store
        .conversation(cand, 500)?
        .messages
        .iter()
        .rev()
        .find(|m| m.direction == crate::core::model::Direction::Inbound && !m.automated)
        .map(|m| m.date);
    queue_and_deliver(&mut ctx, cand, draft, a.yes, a.reason, their_latest)
}

pub fn outbox(mut ctx: Ctx, cmd: Option<OutboxCmd>, json: bool) -> anyhow::Result<ExitCode> {
    match cmd {
        Some(OutboxCmd::Retry { id }) => {
            ctx.store.outbox_requeue(id, &ctx.actor)?;
            println!("outbox message {id} queued again");
            return Ok(ExitCode::SUCCESS);
        }
        Some(OutboxCmd::Cancel { id }) => {
            ctx.store.outbox_cancel(id, &ctx.actor)?;
            println!("outbox message {id} cancelled");
            return Ok(ExitCode::SUCCESS);
        }
        Some(OutboxCmd::Flush) => return flush(&mut ctx),
        None => {}
    }
    let rows = ctx.store.outbox()?;
    if json {
        let v: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "message_id": r.message_id, "to": r.to, "state": r.state,
                    "sent_copy": r.sent_copy_state, "attempts": r.attempts,
                    "next_attempt": r.next_attempt_at.map(crate::core::timefmt::rfc3339),
                    "last_error": r.last_error, "created_by": r.created_by,
                    "created": crate::core::timefmt::rfc3339(r.created_at),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    for r in rows {
        println!(
            "{:>4}  {:<9} {:<30} {}  copy:{}{}",
            r.id,
            r.state,
            r.to,
            crate::core::timefmt::rfc3339(r.created_at),
            r.sent_copy_state,
            r.last_error.map(|e| format!("  ({e})")).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
