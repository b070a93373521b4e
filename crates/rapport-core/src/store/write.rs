//! The write path of ingest: dedup, direction, candidate resolution, JWZ threading, and the
//! per-candidate inbox summary. One transaction per batch, so a crash never leaves half a batch.

use super::{Result, Store, WriteTx};
use crate::model::{Direction, Mailbox, ParsedMessage};
use crate::values::OptOutScope;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeSet, HashSet};

/// Candidates awaiting a reply rank by `waiting_since` (older first); everyone else ranks
/// after them by recency: `RANK_BASE - last_message_at`.
pub const RANK_BASE: i64 = 10_000_000_000;
/// Every rank below this belongs to a candidate awaiting our reply.
pub const RANK_AWAITING_BELOW: i64 = 5_000_000_000;

/// A message to store, with where it came from.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub parsed: ParsedMessage,
    /// The message as received; only stored when it has no `location` to fetch it again from
    /// (so it may be left empty then).
    pub raw: Vec<u8>,
    /// The IMAP folder and UID it was fetched from, if any.
    pub location: Option<Location>,
    /// When rapport received it; the date when the message has no usable Date header.
    pub received_at: i64,
    /// Written by rapport itself and queued in the outbox.
    pub from_outbox: bool,
    /// Worked out before the write transaction, off the writer's thread when it can be.
    pub prepared: Prepared,
}

/// What is computed from the text of a message before it is stored (`Prepared::of` in
/// `mail_in::prepare`): the store only writes it. A sync prepares it on the parsing thread, so
/// the one writer does less.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub snippet: String,
    /// What the search index reads (`parse::searchable_text`).
    pub search_text: String,
    /// The candidate's request to stop contact in it (only inbound mail is read for one).
    pub optout: Option<StopRequest>,
    /// Sent to the unsubscribe address (`talent+u-TOKEN@…`): the token, not yet verified.
    pub unsubscribe_token: Option<String>,
    /// What the message proposes read as an answer to the question mail (only inbound
    /// replies are read); the store keeps it when the message answers a question mail.
    pub answer: Option<AnswerRead>,
}

/// An inbound reply read as an answer to the question mail (`consent::answers`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRead {
    pub proposal: crate::values::Proposal,
    /// It quotes the questions: an answer even when it replies to no recorded question mail.
    pub quotes_questions: bool,
}

/// A candidate's message that reads as a request to stop contact, as ingest found it: the
/// banner shows the evidence, and accepting it records an opt-out of `scope`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StopRequest {
    /// Their words, sanitized and short.
    pub evidence: String,
    pub scope: OptOutScope,
}

#[derive(Debug, Clone)]
pub struct Location {
    pub folder_id: i64,
    pub uid: u32,
    pub flags: String,
    pub modseq: Option<u64>,
}

/// What a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    pub inserted: usize,
    pub duplicates: usize,
    /// Ids of the new messages, in batch order.
    pub new_ids: Vec<i64>,
    pub candidates_touched: BTreeSet<i64>,
    /// Mail about someone erased on request: only where it is was recorded, never its content.
    pub suppressed: usize,
}

/// What became of one message.
enum Written {
    New(i64, Option<i64>),
    Duplicate,
    Suppressed,
}

impl Store {
    /// Stores a batch atomically. Ingesting the same message again stores nothing new.
    pub fn write_batch(&mut self, batch: &[Incoming]) -> Result<BatchOutcome> {
        let now = super::now();
        let tx = self.write_tx()?;
        let team = team_addresses(&tx)?;
        let suppressor = super::suppression::suppressor(&tx, &self.path)?;
        let mut out = BatchOutcome::default();
        for item in batch {
            match write_one(&tx, &team, &suppressor, item, now)? {
                Written::New(id, cand) => {
                    out.inserted += 1;
                    out.new_ids.push(id);
                    if let Some(c) = cand {
                        out.candidates_touched.insert(c);
                    }
                }
                Written::Duplicate => out.duplicates += 1,
                Written::Suppressed => out.suppressed += 1,
            }
        }
        for &c in &out.candidates_touched {
            refresh_candidate(&tx, c)?;
            // An address joining someone who opted out (a reply from their second address):
            // mail queued to it is covered now.
            let cancelled = super::people::cancel_for_opt_outs(&tx, c)?;
            if cancelled > 0 {
                super::relations::audit(
                    &tx,
                    "rapport",
                    "outbox-cancel",
                    Some(c),
                    &format!(
                        "{cancelled} queued message(s) to an address that joined the candidate"
                    ),
                )?;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// The team's addresses (mail from them is outbound).
    pub fn team_address_set(&self) -> Result<HashSet<String>> {
        team_addresses(&self.conn)
    }

    /// Recomputes one candidate's inbox summary (wait, last message, opt-out marker).
    pub fn refresh_candidate(&mut self, candidate_id: i64) -> Result<()> {
        let tx = self.write_tx()?;
        refresh_candidate(&tx, candidate_id)?;
        tx.commit()?;
        Ok(())
    }
}

fn team_addresses(conn: &rusqlite::Connection) -> Result<HashSet<String>> {
    let mut st = conn.prepare_cached("SELECT address FROM team_members")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores one message: new (its id and candidate), a duplicate, or suppressed.
fn write_one(
    tx: &Connection,
    team: &HashSet<String>,
    suppressor: &super::suppression::Suppressor,
    item: &Incoming,
    now: i64,
) -> Result<Written> {
    let p = &item.parsed;
    // Mail from, to or copied to someone erased on request is never stored: only where it
    // is, so the next sync does not fetch it again and the team hears of new arrivals.
    let people = p
        .from
        .iter()
        .chain(&p.to)
        .chain(&p.cc)
        .map(|m| m.address.as_str())
        .filter(|a| !a.is_empty() && !team.contains(*a));
    if let Some(hash) = suppressor.first_suppressed(tx, people)? {
        record_suppressed(tx, suppressor, item, &hash, now)?;
        return Ok(Written::Suppressed);
    }
    let mid = p.message_id.clone().unwrap_or_else(|| {
        format!(
            "{}@rapport.invalid",
            &p.content_hash[..32.min(p.content_hash.len())]
        )
    });

    // Same id and same content: a copy we already have (perhaps from another folder).
    let existing: Vec<(i64, String)> = {
        let mut st =
            tx.prepare_cached("SELECT id, content_hash FROM messages WHERE message_id = ?1")?;
        st.query_map([&mid], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    if let Some((id, _)) = existing.iter().find(|(_, h)| *h == p.content_hash) {
        log_fold(*id, item, "same id and content");
        add_location(tx, *id, item)?;
        return Ok(Written::Duplicate);
    }
    if let Some(id) = same_but_for_sizes(tx, &existing, p, item.received_at)? {
        log_fold(id, item, "same id and content but for estimated sizes");
        add_location(tx, id, item)?;
        return Ok(Written::Duplicate);
    }
    let dedup_key = if existing.is_empty() {
        mid.clone()
    } else {
        format!("{mid}#{}", &p.content_hash[..12.min(p.content_hash.len())])
    };

    let from_addr = p
        .from
        .as_ref()
        .map(|m| m.address.clone())
        .unwrap_or_default();
    let direction = if team.contains(&from_addr) {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    let recruiter = match direction {
        Direction::Inbound => None,
        Direction::Outbound => credited_recruiter(tx, p)?,
    };
    let candidate_mailbox: Option<&Mailbox> = match direction {
        Direction::Inbound => p.from.as_ref().filter(|m| !m.address.is_empty()),
        Direction::Outbound => {
            p.to.iter()
                .chain(p.cc.iter())
                .find(|m| !team.contains(&m.address) && !m.address.is_empty())
        }
    };

    let thread_id = thread_for(tx, &mid, p, existing.is_empty())?;
    let candidate_id = match candidate_mailbox {
        Some(mb) => Some(resolve_candidate(tx, mb, direction, thread_id, now)?),
        // Mail from nobody readable still has a place the recruiter can open and search.
        None if direction == Direction::Inbound => Some(no_sender(tx, now)?),
        None => None,
    };

    let date = p.date.unwrap_or(item.received_at);
    let parent = p
        .in_reply_to
        .last()
        .or(p.references.last())
        .filter(|r| **r != mid)
        .cloned();
    let sender = p.from.as_ref().map(Mailbox::display).unwrap_or_default();
    let join = |v: &[Mailbox]| {
        v.iter()
            .map(Mailbox::display)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let attachments = serde_json::to_string(&p.attachments).unwrap_or_else(|_| "[]".into());
    // The header block is not kept apart: the raw message (stored, or re-fetchable by UID) has
    // it, and duplicating it cost a quarter of the message table.
    let headers = "[]";
    tx.prepare_cached(
        "INSERT INTO messages(message_id, dedup_key, content_hash, thread_id, parent_message_id,
            candidate_id, direction, from_addr, from_name, sender, recruiter, to_addrs, cc_addrs,
            subject, date, date_missing, ingested_at, in_reply_to, refs, body, body_was_html,
            snippet, attachments, automated, headers, problems, origin, search_text,
            unsubscribe_token)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
    )?
    .execute(params![
        mid,
        dedup_key,
        p.content_hash,
        thread_id,
        parent,
        candidate_id,
        direction.as_str(),
        from_addr,
        p.from
            .as_ref()
            .and_then(|m| m.name.clone())
            .unwrap_or_default(),
        sender,
        recruiter,
        join(&p.to),
        join(&p.cc),
        p.subject,
        date,
        p.date.is_none(),
        now,
        p.in_reply_to.join(" "),
        p.references.join(" "),
        p.body,
        p.body_was_html,
        item.prepared.snippet,
        attachments,
        // Nobody can answer mail from nobody: it neither starts nor stops a wait. Our own
        // mail's List-Unsubscribe does not make it bulk mail.
        (p.automated && !(p.list_unsubscribe_only && direction == Direction::Outbound))
            || (candidate_mailbox.is_none() && direction == Direction::Inbound),
        headers,
        p.problems.join("; "),
        if item.location.is_some() {
            "imap"
        } else {
            "import"
        },
        item.prepared.search_text,
        if direction == Direction::Inbound {
            item.prepared.unsubscribe_token.as_deref()
        } else {
            None
        },
    ])?;
    let id = tx.last_insert_rowid();
    // Synced mail can be fetched again by folder and UID; only mail with no other source keeps
    // its raw bytes here (writing every message twice was a third of sync time).
    if item.location.is_none() {
        tx.prepare_cached("INSERT INTO message_raw(message_id, raw) VALUES (?1, ?2)")?
            .execute(params![id, item.raw])?;
    }
    // A candidate asking us to stop: the conversation gets a banner until someone acts on it.
    if direction == Direction::Inbound
        && let Some(c) = candidate_id
        && let Some(req) = &item.prepared.optout
    {
        tx.prepare_cached(
            "UPDATE messages SET optout_evidence = ?2, optout_scope = ?3 WHERE id = ?1",
        )?
        .execute(params![id, req.evidence, req.scope])?;
        tx.prepare_cached(
            "UPDATE candidates SET optout_request = ?2 WHERE id = ?1 AND NOT EXISTS
               (SELECT 1 FROM opt_outs WHERE candidate_id = ?1 AND scope = 'all' AND revoked_at IS NULL AND at >= ?3)",
        )?
        .execute(params![c, id, date])?;
    }
    // An answer to the question mail: its proposal waits on a banner for a recruiter.
    if direction == Direction::Inbound
        && let Some(c) = candidate_id
        && let Some(a) = &item.prepared.answer
        && (a.quotes_questions || super::answers::answers_an_ask(tx, p)?)
    {
        tx.prepare_cached("UPDATE messages SET answer_proposal = ?2 WHERE id = ?1")?
            .execute(params![id, a.proposal.to_json()])?;
        tx.prepare_cached("UPDATE candidates SET answer_request = ?2 WHERE id = ?1")?
            .execute(params![c, id])?;
    }
    add_location(tx, id, item)?;
    Ok(Written::New(id, candidate_id))
}

/// Every message folded into one already stored is logged, by where both are: the stored
/// message's row id and the copy's folder and UID (never content: the log holds no candidate
/// text, addresses or Message-IDs).
fn log_fold(into: i64, item: &Incoming, why: &str) {
    match &item.location {
        Some(l) => tracing::info!(
            "folded a copy into stored message {into} ({why}): folder {} uid {}",
            l.folder_id,
            l.uid
        ),
        None => tracing::info!("folded an imported copy into stored message {into} ({why})"),
    }
}

/// Records mail about an erased person by where it is and whose hash, never its content. What
/// rapport held at the erasure is recorded then; anything ingest sees is new to the team.
fn record_suppressed(
    tx: &Connection,
    suppressor: &super::suppression::Suppressor,
    item: &Incoming,
    hash: &str,
    now: i64,
) -> Result<()> {
    let (folder, uid) = match &item.location {
        Some(l) => (Some(l.folder_id), Some(l.uid)),
        None => (None, None),
    };
    // An import has no UID: a keyed hash of its id recognises it the next time.
    let dedup = match (&item.location, &item.parsed.message_id) {
        (None, Some(mid)) => suppressor.hash_value(mid),
        (None, None) => suppressor.hash_value(&item.parsed.content_hash),
        _ => None,
    };
    tx.prepare_cached(
        "INSERT OR IGNORE INTO suppressed_mail(folder_id, uid, dedup, address_hash, at, arrived)
         VALUES (?1, ?2, ?3, ?4, ?5, 1)",
    )?
    .execute(params![folder, uid, dedup, hash, now])?;
    Ok(())
}

/// The stored message among `existing` (same id, another hash) that is this one but for
/// attachment sizes within 5%: a large message read in part (`parse::structure`) has its
/// sizes estimated, and the same message read whole (an import, an older sync) differs in
/// those alone. Another message reusing the id differs in more.
fn same_but_for_sizes(
    tx: &Connection,
    existing: &[(i64, String)],
    p: &ParsedMessage,
    received_at: i64,
) -> Result<Option<i64>> {
    let from = p.from.as_ref().map_or("", |m| m.address.as_str());
    let date = p.date.unwrap_or(received_at);
    let mut st = tx.prepare_cached(
        "SELECT attachments FROM messages WHERE id = ?1 AND from_addr = ?2 AND date = ?3
           AND date_missing = ?4 AND subject = ?5 AND body = ?6",
    )?;
    for (id, _) in existing {
        let stored: Option<String> = st
            .query_row(
                params![id, from, date, p.date.is_none(), p.subject, p.body],
                |r| r.get(0),
            )
            .optional()?;
        let Some(stored) = stored else { continue };
        let stored: Vec<crate::model::Attachment> =
            serde_json::from_str(&stored).unwrap_or_default();
        // An estimate from the server's description of a part read in part misses by up to
        // about 3% (base64 line lengths, quoted-printable); 5% still tells another message,
        // which differs in more than sizes.
        let close = |a: u64, b: u64| a.abs_diff(b) <= a.max(b) / 20;
        if stored.len() == p.attachments.len()
            && stored
                .iter()
                .zip(&p.attachments)
                .all(|(s, a)| s.name == a.name && s.mime == a.mime && close(s.size, a.size))
        {
            return Ok(Some(*id));
        }
    }
    Ok(None)
}

fn add_location(tx: &Connection, id: i64, item: &Incoming) -> Result<()> {
    if let Some(loc) = &item.location {
        tx.prepare_cached(
            "INSERT INTO message_locations(folder_id, uid, message_id, flags, modseq)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(folder_id, uid) DO UPDATE SET message_id = excluded.message_id,
                flags = excluded.flags, modseq = excluded.modseq",
        )?
        .execute(params![
            loc.folder_id,
            loc.uid,
            id,
            loc.flags,
            loc.modseq.map(|m| m as i64)
        ])?;
    }
    Ok(())
}

/// The recruiter credited for an outbound message: Sender when it is a recruiter (mail from
/// the shared box on someone's behalf), else From when that is a recruiter.
fn credited_recruiter(tx: &Connection, p: &ParsedMessage) -> Result<Option<String>> {
    let mut st = tx.prepare_cached("SELECT shared FROM team_members WHERE address = ?1")?;
    for mb in [p.sender.as_ref(), p.from.as_ref()].into_iter().flatten() {
        let shared: Option<bool> = st.query_row([&mb.address], |r| r.get(0)).optional()?;
        if shared == Some(false) {
            return Ok(Some(mb.address.clone()));
        }
    }
    Ok(None)
}

/// JWZ threading at index time: the message joins the thread of any id it shares (its own id
/// as a placeholder, or any reference); when those ids span several threads they merge.
/// Subjects never merge threads.
fn thread_for(tx: &Connection, mid: &str, p: &ParsedMessage, own_id_is_new: bool) -> Result<i64> {
    let mut ids: Vec<&str> = Vec::with_capacity(p.references.len() + 2);
    if own_id_is_new {
        ids.push(mid);
    }
    for r in p.references.iter().chain(p.in_reply_to.iter()) {
        if r != mid && !ids.contains(&r.as_str()) {
            ids.push(r);
        }
    }
    let mut threads: BTreeSet<i64> = BTreeSet::new();
    // Ids not seen before; the others are recorded already (and re-pointed by a merge).
    let mut unseen: Vec<&str> = Vec::with_capacity(ids.len());
    {
        let mut st = tx.prepare_cached("SELECT thread_id FROM thread_ids WHERE message_id = ?1")?;
        for id in &ids {
            match st.query_row([id], |r| r.get::<_, i64>(0)).optional()? {
                Some(t) => {
                    threads.insert(t);
                }
                None => unseen.push(id),
            }
        }
    }
    let thread = match threads.first() {
        Some(&t) => t,
        None => {
            let subject = base_subject(&p.subject);
            tx.prepare_cached("INSERT INTO threads(subject) VALUES (?1)")?
                .execute([subject])?;
            tx.last_insert_rowid()
        }
    };
    for &other in threads.iter().skip(1) {
        tx.execute(
            "UPDATE thread_ids SET thread_id = ?1 WHERE thread_id = ?2",
            params![thread, other],
        )?;
        tx.execute(
            "UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2",
            params![thread, other],
        )?;
        tx.execute("DELETE FROM threads WHERE id = ?1", [other])?;
    }
    let mut ins = tx.prepare_cached(
        "INSERT INTO thread_ids(message_id, thread_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?;
    for id in &unseen {
        ins.execute(params![id, thread])?;
    }
    Ok(thread)
}

/// The subject without reply and forward prefixes, for thread headings.
pub fn base_subject(s: &str) -> String {
    let mut s = s.trim();
    loop {
        let lower = s.to_lowercase();
        let cut = ["re:", "aw:", "fwd:", "fw:", "wg:", "tr:", "sv:", "r:"]
            .iter()
            .find(|p| lower.starts_with(*p))
            .map(|p| p.len());
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return s.to_string(),
        }
    }
}

/// Finds the candidate behind an address, creating one when new. A new address replying in a
/// thread whose candidate has the same name is taken as that person's second address.
fn resolve_candidate(
    tx: &Connection,
    mb: &Mailbox,
    direction: Direction,
    thread_id: i64,
    now: i64,
) -> Result<i64> {
    let found: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT a.candidate_id, c.name FROM candidate_addresses a
             JOIN candidates c ON c.id = a.candidate_id WHERE a.address = ?1",
        )?
        .query_row([&mb.address], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let name = mb
        .name
        .clone()
        .filter(|n| !n.trim().is_empty() && *n != mb.address);
    if let Some((id, current)) = found {
        // A real name replaces one made up from the address.
        if direction == Direction::Inbound
            && let Some(n) = &name
            && current == name_from_address(&mb.address)
        {
            tx.execute(
                "UPDATE candidates SET name = ?1 WHERE id = ?2",
                params![n, id],
            )?;
        }
        return Ok(id);
    }
    let mut cand = None;
    if direction == Direction::Inbound
        && let Some(n) = &name
    {
        let key = name_key(n);
        let mut st = tx.prepare_cached(
            "SELECT DISTINCT c.id, c.name FROM messages m JOIN candidates c ON c.id = m.candidate_id
             WHERE m.thread_id = ?1",
        )?;
        let rows: Vec<(i64, String)> = st
            .query_map([thread_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        cand = rows
            .into_iter()
            .find(|(_, cn)| name_key(cn) == key)
            .map(|(id, _)| id);
    }
    let id = match cand {
        Some(id) => id,
        None => {
            let display = name
                .clone()
                .unwrap_or_else(|| name_from_address(&mb.address));
            tx.prepare_cached("INSERT INTO candidates(name, created_at) VALUES (?1, ?2)")?
                .execute(params![display, now])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached(
        "INSERT INTO candidate_addresses(address, candidate_id, name, first_seen) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![mb.address, id, name.unwrap_or_default(), now])?;
    Ok(id)
}

/// The name of the place for inbound mail without a usable sender.
pub const NO_SENDER: &str = "(no sender)";

/// The candidate row that holds inbound mail without a usable sender: made on first use,
/// remembered in `meta` (it has no address, so nothing else finds it).
fn no_sender(tx: &Connection, now: i64) -> Result<i64> {
    let known: Option<i64> = tx
        .query_row(
            "SELECT c.id FROM meta m JOIN candidates c ON c.id = CAST(m.value AS INTEGER)
             WHERE m.key = 'no_sender_candidate'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = known {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO candidates(name, created_at) VALUES (?1, ?2)",
        params![NO_SENDER, now],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO meta(key, value) VALUES ('no_sender_candidate', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [id.to_string()],
    )?;
    Ok(id)
}

fn name_key(n: &str) -> String {
    n.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// "jose.alvarez@x" → "Jose Alvarez": a readable name when mail carries none.
pub fn name_from_address(address: &str) -> String {
    let local = address.split('@').next().unwrap_or(address);
    let words: Vec<String> = local
        .split(['.', '_', '-', '+'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if words.is_empty() {
        address.to_string()
    } else {
        words.join(" ")
    }
}

/// Recomputes the inbox summary of one candidate from its messages and contacts. The wait
/// starts at the oldest human inbound message after our last response (an outbound message or
/// a call where we talked) and is cleared by the next response.
pub(crate) fn refresh_candidate(tx: &WriteTx, c: i64) -> Result<()> {
    let e = super::waits::load_events(tx, c)?;
    let (count, last_at, last_in, last_out) = (e.count, e.last_at, e.last_in, e.last_out);
    // One definition of a wait for the inbox and the reports.
    let waiting = super::waits::write_waits(tx, c, &e)?;
    let (snippet, dir): (String, Option<String>) = tx
        .prepare_cached(
            "SELECT snippet, direction FROM messages WHERE candidate_id = ?1
             ORDER BY date DESC, id DESC LIMIT 1",
        )?
        .query_row([c], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or_default();
    let opted_out: bool = tx
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM opt_outs WHERE candidate_id = ?1 AND revoked_at IS NULL
             AND scope IN ('all', 'channel:email'))",
        )?
        .query_row([c], |r| r.get(0))?;
    let activity = last_at.max(e.last_contact);
    let next = next_contact_code(tx, c, &e)?;
    let rank = match waiting {
        Some(w) => w,
        None => RANK_BASE - activity.unwrap_or(0),
    };
    tx.prepare_cached(
        "UPDATE candidates SET message_count = ?2, last_message_at = ?3, last_inbound_at = ?4,
            last_outbound_at = ?5, waiting_since = ?6, last_snippet = ?7, last_direction = ?8,
            opted_out = ?9, inbox_rank = ?10, next_contact = ?11 WHERE id = ?1",
    )?
    .execute(params![
        c, count, activity, last_in, last_out, waiting, snippet, dir, opted_out, rank, next
    ])?;
    Ok(())
}

/// `next_contact` as stored: NULL any time, a unix time, -1 when they write, -2 never.
/// Our last contact counts mail that left, mail still queued and logged contacts; theirs,
/// their mail and logged contacts.
fn next_contact_code(tx: &WriteTx, c: i64, e: &super::waits::Events) -> Result<Option<i64>> {
    use super::summary::{Next, NextContactInputs};
    let prefs: Option<(Option<String>, bool)> = tx
        .prepare_cached("SELECT frequency, no_channel FROM preferences WHERE candidate_id = ?1")?
        .query_row([c], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    if prefs.is_none() && !e.opted_out_of_all {
        return Ok(None);
    }
    let (freq, no_channel) = prefs.unwrap_or_default();
    let inputs = NextContactInputs {
        frequency: freq.as_deref().and_then(|f| f.parse().ok()),
        no_channel,
        last_outbound: e.last_out.max(e.contact_out),
        last_inbound: e.last_in.max(e.contact_in),
        last_queued: e.last_queued,
        opted_out_of_all: e.opted_out_of_all,
    };
    Ok(match (tx.rules.next_contact)(&inputs) {
        Next::Now => None,
        Next::After(t) => Some(t),
        Next::WhenTheyWrite => Some(-1),
        Next::Never => Some(-2),
    })
}
