//! Sending from the command line: `reply`, `send` and `outbox`, through the same check and
//! outbox as the TUI.

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use rapport_core::actions::queue::{self, Limit, Request};
use rapport_core::actions::session::Session;
use rapport_core::mail_out::compose::Draft;
use rapport_core::mail_out::delivery::Deliverer;
use rapport_core::mail_out::outbox::{Confirmation, SendError};
use rapport_core::store::Store;
use rapport_core::values::OutboxState;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What the message says and is about: a body file, a snippet, or both (the snippet first).
#[derive(Args, Debug)]
pub struct Content {
    #[arg(long, value_name = "FILE", required_unless_present = "template")]
    pub body_file: Option<PathBuf>,
    /// Start from this snippet (see templates_dir); its tags become the message's topics
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// What the message is about, besides the snippet's tags (repeatable); a candidate's
    /// topic opt-out refuses it
    #[arg(long = "topic", value_name = "NAME")]
    pub topics: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ReplyArgs {
    /// Any of the candidate's addresses; the reply answers their latest message
    pub email: String,
    #[command(flatten)]
    pub content: Content,
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
    #[command(flatten)]
    pub content: Content,
    #[arg(long)]
    pub yes: bool,
    #[arg(long)]
    pub reason: Option<String>,
    /// For an address not yet in rapport: how we got it ("met at the Rust meetup"); the
    /// candidate is created with it in their history
    #[arg(long)]
    pub how: Option<String>,
    /// For an address not yet in rapport: their name
    #[arg(long, default_value = "")]
    pub name: String,
}

#[derive(Args, Debug)]
pub struct AskArgs {
    /// Any of the candidate's addresses
    pub email: String,
    /// Send despite a frequency, channel or address conflict (needs --reason)
    #[arg(long)]
    pub yes: bool,
    /// Why the conflict is acceptable (recorded in the candidate's history)
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum OutboxCmd {
    /// Queue a failed message (or one that may have been sent) again now
    Retry { id: i64 },
    /// Record a message that may have been sent as sent (it is not sent again)
    MarkSent { id: i64 },
    /// Cancel a queued or failed message
    Cancel { id: i64 },
    /// Deliver what is due now: recover messages cut off while sending, then send once; says
    /// when the rest is retried
    Flush {
        /// Also send what waits for its retry time
        #[arg(long)]
        now: bool,
    },
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
    pub session: &'a Session,
}

/// Puts the body file's text (and the snippet's, above it) at the top of `draft`, and the
/// snippet's tags and the named topics among its topics.
fn fill(ctx: &Ctx, cand: i64, draft: &mut Draft, c: &Content) -> anyhow::Result<()> {
    if let Some(p) = &c.body_file {
        draft.body = format!("{}{}", read_body(p)?, draft.body);
    }
    if let Some(name) = &c.template {
        let all = ctx.session.templates()?;
        let t = queue::find_template(&all, name).with_context(|| {
            let (dir, _) =
                rapport_core::mail_out::templates::dir(ctx.session.config(), &ctx.session.data_dir);
            format!("there is no snippet {name:?} in {}", dir.display())
        })?;
        let identity = ctx.session.identity(&ctx.store)?;
        let name = ctx.store.profile(cand)?.map(|p| p.name).unwrap_or_default();
        let vars = queue::template_vars(&name, Some(&identity), &ctx.session.actor);
        queue::apply_template(draft, t, &vars);
    }
    draft.topics.extend(&c.topics);
    Ok(())
}

fn queue_and_deliver(
    ctx: &mut Ctx,
    cand: i64,
    draft: Draft,
    yes: bool,
    reason: Option<String>,
    opened_at: Option<i64>,
) -> anyhow::Result<ExitCode> {
    let identity = ctx.session.identity(&ctx.store)?;
    // Nothing is queued that cannot be delivered: a retry after "cannot send" must not leave
    // two copies in the outbox. The deliverer (and its password) is made once, here, and
    // used for the delivery below.
    let rt = runtime()?;
    // lettre's pool needs the runtime when it is dropped too, also on the refusals below.
    let _in_rt = rt.enter();
    let d = rt
        .block_on(async { ctx.session.deliverer(&ctx.store) })
        .context("not queued")?;
    let limit = Limit {
        bytes: ctx.session.max_message_size(),
        source: ctx.session.size_source(),
    };
    let built = queue::build(&identity, &draft, &limit)?;
    let mid = built.message_id.clone();
    let confirm = yes.then(|| Confirmation {
        actor: ctx.session.actor.clone(),
        reason: reason.clone().unwrap_or_default(),
    });
    let now = rapport_core::store::now();
    for p in ctx
        .store
        .presence_of_others(&rapport_core::store::session_id(), now)?
        .iter()
        .filter(|p| p.candidate_id == Some(cand))
    {
        eprintln!(
            "note: {} this candidate right now",
            super::output::clean(&p.describe())
        );
    }
    let request = Request {
        candidate: Some(cand),
        identity: &identity,
        message: &built,
        actor: &ctx.session.actor,
        opened_at,
        confirm: confirm.as_ref(),
    };
    if !built.topics.is_empty() {
        println!(
            "topics: {}",
            super::output::clean(&built.topics.to_string())
        );
    }
    let id = match queue::queue(&mut ctx.store, &request, rapport_core::store::now()) {
        Ok(id) => id,
        Err(e) => return Err(not_queued(e)),
    };
    println!("queued as outbox message {id} ({mid})");
    let report = deliver_with(ctx, &rt, d, false)?;
    let state = ctx
        .store
        .delivery(&mid)?
        .context("the outbox entry vanished")?;
    match state.state {
        OutboxState::Sent => println!(
            "sent{}",
            if report.copies > 0 {
                "; copied to Sent"
            } else {
                ""
            }
        ),
        OutboxState::Queued => println!(
            "not sent yet ({}); it stays queued and is retried by an open inbox or `rapport sync --watch` (`rapport outbox` shows it, `rapport outbox flush --now` tries at once)",
            super::output::clean(&state.last_error.unwrap_or_default())
        ),
        other => bail!(
            "not sent ({other}): {}; it stays in the outbox: `rapport outbox retry {id}` sends it again, `rapport outbox cancel {id}` drops it",
            state.last_error.unwrap_or_default()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Start-up recovery, then one delivery pass; with `ignore_backoff` it also sends what waits
/// for its retry time.
fn deliver(
    ctx: &mut Ctx,
    ignore_backoff: bool,
) -> anyhow::Result<rapport_core::mail_out::delivery::FlushReport> {
    let rt = runtime()?;
    let d = rt.block_on(async { ctx.session.deliverer(&ctx.store) })?;
    deliver_with(ctx, &rt, d, ignore_backoff)
}

/// One delivery pass that also sends what waits for its retry time (`rapport share run`).
pub fn deliver_pass(
    ctx: &mut Ctx,
) -> anyhow::Result<rapport_core::mail_out::delivery::FlushReport> {
    deliver(ctx, true)
}

/// What the CLI says when a message was not queued: a conflict names the flags that confirm
/// it, a missing reason says so, anything else is passed on.
fn not_queued(e: SendError) -> anyhow::Error {
    match e {
        SendError::NeedsConfirmation(c) => anyhow::anyhow!(
            "needs confirmation: {}; pass --yes --reason TEXT to send anyway (the reason is recorded)",
            c.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        SendError::EmptyReason => anyhow::anyhow!(
            "--yes needs --reason TEXT: the reason is recorded in the candidate's history"
        ),
        e => e.into(),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

fn deliver_with(
    ctx: &mut Ctx,
    rt: &tokio::runtime::Runtime,
    d: Deliverer,
    ignore_backoff: bool,
) -> anyhow::Result<rapport_core::mail_out::delivery::FlushReport> {
    rt.block_on(async {
        rapport_core::mail_out::delivery::recover(&mut ctx.store, &d)?;
        let report = if ignore_backoff {
            rapport_core::mail_out::delivery::run_now(&mut ctx.store, &d).await?
        } else {
            rapport_core::mail_out::delivery::run_once(&mut ctx.store, &d).await?
        };
        drop(d);
        // Lets the pool's shutdown task close the connection politely.
        tokio::task::yield_now().await;
        Ok(report)
    })
}

/// `rapport outbox flush [--now]`: one pass of the delivery loop, then what is left and when
/// it is tried again.
fn flush(ctx: &mut Ctx, now: bool) -> anyhow::Result<ExitCode> {
    let r = deliver(ctx, now)?;
    println!(
        "{} sent, {} to retry, {} failed, {} cancelled, {} copied to Sent",
        r.sent, r.retrying, r.failed, r.cancelled, r.copies
    );
    let (queued, next) = ctx.store.outbox_backlog()?;
    if queued > 0 {
        let wait = next.unwrap_or(0) - rapport_core::store::now();
        println!(
            "{queued} queued, next try {} (by an open inbox or `rapport sync --watch`; `rapport outbox flush --now` tries at once)",
            if wait >= 60 {
                format!("in {}", rapport_core::timefmt::duration(wait))
            } else if wait > 0 {
                format!("in {wait} s")
            } else {
                "now".into()
            }
        );
    }
    let waiting = ctx
        .store
        .outbox()?
        .iter()
        .filter(|e| e.state == OutboxState::Unknown)
        .count();
    if waiting > 0 {
        println!(
            "{waiting} may have been sent: `rapport outbox` lists them; `rapport outbox retry ID` or `mark-sent ID` decides"
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn reply(mut ctx: Ctx, a: ReplyArgs) -> anyhow::Result<ExitCode> {
    let cand = crate::cli::people::candidate(&ctx.store, &a.email)?;
    let parent = queue::newest_inbound(&ctx.store, cand)?.context(
        "the candidate has not written to us: use `rapport send` to start a conversation",
    )?;
    let mut draft = queue::reply_draft(
        &ctx.store,
        &parent,
        &rapport_core::timefmt::rfc3339(parent.date),
    )?;
    fill(&ctx, cand, &mut draft, &a.content)?;
    // What is being answered is their latest message: a colleague's mail or call after it
    // means someone may have answered already.
    queue_and_deliver(&mut ctx, cand, draft, a.yes, a.reason, Some(parent.date))
}

pub fn send(mut ctx: Ctx, a: SendArgs) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::lookup::{self, LookupError};
    let cand = match (lookup::candidate(&ctx.store, &a.email), &a.how) {
        (Ok(c), _) => c,
        // Someone met outside the mailbox: a candidate of their own, with how we got it.
        (Err(LookupError::Unknown(address)), Some(how)) => {
            let who = rapport_core::actions::Acting::now(&ctx.session.actor);
            let c =
                rapport_core::actions::identity::add(&mut ctx.store, &address, &a.name, how, &who)?;
            eprintln!("added {address} as a candidate ({how})");
            c
        }
        (Err(LookupError::Unknown(address)), None) => anyhow::bail!(
            "{address} is not a candidate yet: to write to someone new, say how you got the address with --how TEXT (recorded in their history)"
        ),
        (Err(e), _) => return Err(e.into()),
    };
    let mut draft = Draft {
        to: a.email.clone(),
        subject: a.subject.clone(),
        ..Draft::default()
    };
    fill(&ctx, cand, &mut draft, &a.content)?;
    let their_latest = queue::newest_inbound(&ctx.store, cand)?.map(|m| m.date);
    queue_and_deliver(&mut ctx, cand, draft, a.yes, a.reason, their_latest)
}

/// `rapport ask EMAIL`: the question mail, through the same checks and outbox as any message.
pub fn ask(mut ctx: Ctx, a: AskArgs) -> anyhow::Result<ExitCode> {
    use rapport_core::actions::ask::{self, AskRequest};
    let cand = crate::cli::people::candidate(&ctx.store, &a.email)?;
    let identity = ctx.session.identity(&ctx.store)?;
    let rt = runtime()?;
    let _in_rt = rt.enter();
    let d = rt
        .block_on(async { ctx.session.deliverer(&ctx.store) })
        .context("not queued")?;
    let (dir, origin) =
        rapport_core::mail_out::templates::dir(ctx.session.config(), &ctx.session.data_dir);
    let (to, mail) = ask::mail_for(
        &ctx.store,
        cand,
        &identity,
        &ctx.session.actor,
        &dir,
        origin,
    )?;
    let limit = Limit {
        bytes: ctx.session.max_message_size(),
        source: ctx.session.size_source(),
    };
    let confirm = a.yes.then(|| Confirmation {
        actor: ctx.session.actor.clone(),
        reason: a.reason.clone().unwrap_or_default(),
    });
    let opened_at = queue::newest_inbound(&ctx.store, cand)?.map(|m| m.date);
    let request = AskRequest {
        candidate: cand,
        identity: &identity,
        to: &to,
        mail: &mail,
        limit: &limit,
        actor: &ctx.session.actor,
        opened_at,
        confirm: confirm.as_ref(),
    };
    let asked = match ask::ask(&mut ctx.store, &request, rapport_core::store::now()) {
        Ok(x) => x,
        Err(e) => return Err(not_queued(e)),
    };
    println!(
        "question mail ({}) queued to {} as outbox message {} ({})",
        asked.language,
        super::output::clean(&asked.to),
        asked.outbox_id,
        asked.message_id
    );
    let report = deliver_with(&mut ctx, &rt, d, false)?;
    let state = ctx
        .store
        .delivery(&asked.message_id)?
        .context("the outbox entry vanished")?;
    match state.state {
        OutboxState::Sent => println!(
            "sent{}; their reply will be read as an answer",
            if report.copies > 0 {
                "; copied to Sent"
            } else {
                ""
            }
        ),
        other => {
            println!("not sent yet ({other}): it stays in the outbox (`rapport outbox` shows it)")
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn outbox(mut ctx: Ctx, cmd: Option<OutboxCmd>, json: bool) -> anyhow::Result<ExitCode> {
    match cmd {
        Some(OutboxCmd::Retry { id }) => {
            ctx.store.outbox_requeue(id, &ctx.session.actor)?;
            println!("outbox message {id} queued again");
            return Ok(ExitCode::SUCCESS);
        }
        Some(OutboxCmd::MarkSent { id }) => {
            ctx.store.outbox_mark_sent(id, &ctx.session.actor)?;
            println!("outbox message {id} recorded as sent; it is not sent again");
            return Ok(ExitCode::SUCCESS);
        }
        Some(OutboxCmd::Cancel { id }) => {
            ctx.store.outbox_cancel(id, &ctx.session.actor)?;
            println!("outbox message {id} cancelled");
            return Ok(ExitCode::SUCCESS);
        }
        Some(OutboxCmd::Flush { now }) => return flush(&mut ctx, now),
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
                    "next_attempt": r.next_attempt_at.map(rapport_core::timefmt::rfc3339),
                    "last_error": r.last_error, "created_by": r.created_by,
                    "handed_over": r.data_at.map(rapport_core::timefmt::rfc3339),
                    "created": rapport_core::timefmt::rfc3339(r.created_at),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    for r in rows {
        let state = match (r.state, r.data_at) {
            (OutboxState::Unknown, Some(at)) => format!(
                "may have been sent at {}",
                rapport_core::timefmt::rfc3339(at)
            ),
            (s, _) => s.to_string(),
        };
        println!(
            "{:>4}  {:<9} {:<30} {}  copy:{}{}",
            r.id,
            super::output::clean(&state),
            super::output::clean(&r.to),
            rapport_core::timefmt::rfc3339(r.created_at),
            r.sent_copy_state,
            r.last_error
                .map(|e| format!("  ({})", super::output::clean(&e)))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}
