//! Releasing a share into the outbox at its pace, each message checked again.

use super::*;

/// What one release step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Released {
    pub queued: usize,
    pub skipped: usize,
    /// Still planned after this step.
    pub planned_left: usize,
    /// When to try again (outside the window or over the throttle); None when nothing is left
    /// or the share is not active.
    pub next_at: Option<i64>,
    pub state: String,
}

/// Releases the share's due messages into the outbox: inside working hours, under the
/// throttle, each checked against the candidate's wishes at this moment. A message released
/// before a crash is found again by its Message-ID, never queued twice.
pub fn release(
    store: &mut Store,
    share_id: i64,
    identity: &Sender,
    limit: &Limit,
    schedule: &Schedule,
    now: i64,
) -> Result<Released> {
    let share = store
        .share(share_id)?
        .ok_or_else(|| Error::NotFound(format!("there is no share {share_id}")))?;
    let items = store.share_items(share_id)?;
    let planned: Vec<&ShareItem> = items.iter().filter(|i| i.state == "planned").collect();
    let mut r = Released {
        planned_left: planned.len(),
        state: share.state.clone(),
        ..Released::default()
    };
    if share.state != "active" || planned.is_empty() {
        return Ok(r);
    }
    // Each candidate's send window: working hours in their own time zone when we know it,
    // else the team's. Those outside theirs wait for a later step.
    let zones = their_zones(store)?;
    let window = |c: i64| match zones.get(&c) {
        Some(tz) => Schedule {
            tz: tz.clone(),
            ..schedule.clone()
        },
        None => schedule.clone(),
    };
    let mut later: Option<i64> = None;
    let planned: Vec<&ShareItem> = planned
        .into_iter()
        .filter(|i| {
            let w = window(i.candidate_id);
            let open = open_at(&w, now);
            if !open {
                let at = next_open(&w, now);
                later = Some(later.map_or(at, |l| l.min(at)));
            }
            open
        })
        .collect();
    // Signed by the recruiter who created it, whoever's session releases it.
    let identity = &Sender {
        recruiter_name: share.created_by.clone(),
        ..identity.clone()
    };
    let template = Template {
        name: share.template.clone(),
        tags: share.tags.clone(),
        body: share.body.clone(),
    };
    let domain = identity
        .shared_address
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "localhost".into());
    let one = One {
        share: &share,
        template: &template,
        identity,
        limit,
        domain: &domain,
        now,
    };
    store.with_fewer_checkpoints(|store| in_batches(store, &one, &planned, &mut r))?;
    r.planned_left = store
        .share_items(share_id)?
        .iter()
        .filter(|i| i.state == "planned")
        .count();
    // Those in an open window that are still planned wait for the next hour's budget; the
    // rest for their window to open.
    let open_left = planned.len() - (r.queued + r.skipped);
    r.next_at = match (open_left > 0 && r.planned_left > 0, later) {
        (true, Some(l)) => Some(l.min((now / 3600 + 1) * 3600)),
        (true, None) => Some((now / 3600 + 1) * 3600),
        (false, l) if r.planned_left > 0 => l,
        _ => None,
    };
    Ok(r)
}

/// Messages released per write transaction (about 0.2 s of holding the write lock).
const BATCH: usize = 500;

/// Releases `planned` a batch at a time: far fewer commits, and a colleague's write waits
/// only a moment. The state and the throttle are read again inside each batch, under the
/// write lock, so a pause lands between two batches and two runners never both spend the
/// same hour's budget.
fn in_batches(
    store: &mut Store,
    one: &One,
    planned: &[&ShareItem],
    r: &mut Released,
) -> Result<()> {
    let share = one.share;
    for chunk in planned.chunks(BATCH) {
        let stop = store.batch(|store| -> Result<bool> {
            let state = store.share(share.id)?.map(|s| s.state).unwrap_or_default();
            if state != "active" {
                r.state = state;
                return Ok(true);
            }
            // Two shares running at once share one pace: it is the shared address's.
            let hour = share.per_hour - store.shares_released_since(one.now - 3600)?;
            let day = share.per_day - store.shares_released_since(one.now - 86_400)?;
            let mut budget = hour.min(day).max(0);
            for item in chunk {
                if budget == 0 {
                    return Ok(true);
                }
                match release_one(store, one, item)? {
                    Outcome::Queued => {
                        budget -= 1;
                        r.queued += 1;
                    }
                    Outcome::Skipped => r.skipped += 1,
                }
            }
            Ok(false)
        })?;
        if stop {
            break;
        }
    }
    Ok(())
}

/// What releasing one message needs besides the store.
struct One<'a> {
    share: &'a ShareRow,
    template: &'a Template,
    identity: &'a Sender,
    limit: &'a Limit,
    domain: &'a str,
    now: i64,
}

enum Outcome {
    Queued,
    Skipped,
}

/// Queues one candidate's message of a share, or settles it as skipped with the reason.
fn release_one(store: &mut Store, o: &One, item: &ShareItem) -> Result<Outcome> {
    let (share, now) = (o.share, o.now);
    let Some(row) = store.inbox_row_of(item.candidate_id)? else {
        store.settle_share_item(item.id, None, Some("erased"), now)?;
        return Ok(Outcome::Skipped);
    };
    let mid = format!("share{}.{}.{}@{}", share.id, row.id, share.nonce, o.domain);
    if let Some(ob) = store.outbox_id_of(&mid)? {
        // Queued before a crash, or by another runner: settle it, do not queue it again.
        store.settle_share_item(item.id, Some(ob), None, now)?;
        return Ok(Outcome::Queued);
    }
    let facts = store.contact_facts(row.id)?;
    if let Some(skip) = skip_of(&facts, &row, &share.tags, false, now) {
        store.settle_share_item(item.id, None, Some(&skip.to_string()), now)?;
        return Ok(Outcome::Skipped);
    }
    let draft = Draft {
        to: row.address.clone(),
        subject: share.subject.clone(),
        body: body_for(store, o.template, row.id, &row.name, o.identity)?,
        topics: Topics::parse(&share.tags.join(",")),
        ..Draft::default()
    };
    let built = queue::build_as(o.identity, &draft, o.limit, mid)
        .map_err(|e| Error::Invalid(e.to_string()))?;
    let req = queue::Request {
        candidate: Some(row.id),
        identity: o.identity,
        message: &built,
        actor: &share.created_by,
        opened_at: None,
        confirm: None,
    };
    let skip = match queue::queue(store, &req, now) {
        Ok(ob) => {
            store.settle_share_item(item.id, Some(ob), None, now)?;
            return Ok(Outcome::Queued);
        }
        Err(SendError::Refused(why)) => refused(why),
        Err(SendError::NeedsConfirmation(cs)) => conflicted(&cs),
        Err(SendError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(Error::Invalid(e.to_string())),
    };
    store.settle_share_item(item.id, None, Some(&skip.to_string()), now)?;
    Ok(Outcome::Skipped)
}

/// Releases what is due of every active share (see [`release`]): what a long-running
/// front end (the TUI's outbox worker, `rapport share run`) calls on each pass.
pub fn release_due(
    store: &mut Store,
    identity: &Sender,
    limit: &Limit,
    schedule: &Schedule,
    now: i64,
) -> Result<Vec<(i64, Released)>> {
    let mut out = Vec::new();
    for id in store.shares_to_release()? {
        out.push((id, release(store, id, identity, limit, schedule, now)?));
    }
    Ok(out)
}

/// What the outbox worker runs before each pass so that shares go out while any rapport
/// that delivers (an open inbox, `rapport sync --watch`) runs: [`release_due`] with the
/// session's identity, size limit and working hours. None when this session cannot send.
pub fn releaser(
    session: &crate::actions::session::Session,
    store: &Store,
) -> Option<crate::mail_out::delivery::BeforePass> {
    let identity = session.identity(store).ok()?;
    let limit = Limit {
        bytes: session.max_message_size(),
        source: session.size_source(),
    };
    let schedule = crate::responses::report::settings(session.config(), store).0;
    Some(Box::new(move |store: &mut Store| {
        release_due(store, &identity, &limit, &schedule, crate::store::now())
            .map(|_| ())
            .map_err(|e| format!("releasing a share: {e}"))
    }))
}
