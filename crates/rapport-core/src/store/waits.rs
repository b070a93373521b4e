//! Waits as stored: rewritten for a candidate whenever their mail, contacts or outbox change
//! (the same moment the inbox summary is refreshed), so reports read finished rows and never
//! replay mail. `recompute_all_waits` rebuilds every row from scratch; both must agree.

use super::data_rights::PERSON;
use super::summary::{EndKind, Inbound, Response, Wait};
use super::{Result, Store, WriteTx};
use rusqlite::{Connection, params};

/// A stored wait, as reports read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WaitRow {
    pub candidate_id: i64,
    pub started_at: i64,
    pub first: bool,
    pub ended_at: Option<i64>,
    /// "mail" or "talked" (answered), "done" or "opted-out" (closed without an answer);
    /// `None` while waiting.
    pub ended_by: Option<String>,
    /// The credited recruiter (address or name); `None` when unknown.
    pub responder: Option<String>,
}

/// A candidate waiting right now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenWait {
    pub candidate_id: i64,
    pub name: String,
    pub address: String,
    pub since: i64,
    pub first: bool,
    /// The recruiter they are assigned to (display name), if anyone.
    pub assigned_to: Option<String>,
}

/// A candidate's mail and calls, read once for both the inbox summary and the waits.
#[derive(Debug, Default)]
pub(crate) struct Events {
    pub count: i64,
    pub last_at: Option<i64>,
    /// Newest human message from them.
    pub last_in: Option<i64>,
    /// Newest message to them that left (not still in the outbox).
    pub last_out: Option<i64>,
    /// Newest message to them still on its way (queued, being sent, or perhaps sent): not an
    /// answer yet, but a contact for their frequency.
    pub last_queued: Option<i64>,
    pub last_contact: Option<i64>,
    pub contact_out: Option<i64>,
    pub contact_in: Option<i64>,
    /// An opt-out of all contact is in force.
    pub opted_out_of_all: bool,
    pub inbound: Vec<Inbound>,
    /// Answers (mail, calls where we talked) and what closes a wait without one (done marks,
    /// opt-outs of all contact).
    pub responses: Vec<Response>,
}

pub(crate) fn load_events(tx: &Connection, c: i64) -> Result<Events> {
    let mut e = Events::default();
    // Mail still in the outbox has not reached anyone; the sending recruiter is credited from
    // the message (Sender/From of a recruiter) or else from who queued it in rapport.
    let mut st = tx.prepare_cached(
        "SELECT m.id, m.date, m.direction = 'inbound', m.automated,
            coalesce(m.recruiter, o.created_by), o.id IS NOT NULL AND o.state != 'sent',
            o.state IN ('queued', 'sending', 'unknown')
         FROM messages m LEFT JOIN outbox o
           ON m.direction = 'outbound' AND o.message_id = m.message_id
         WHERE m.candidate_id = ?1",
    )?;
    let mut rows = st.query([c])?;
    while let Some(r) = rows.next()? {
        let (id, at, inbound, automated): (i64, i64, bool, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let pending: bool = r.get(5)?;
        e.count += 1;
        e.last_at = e.last_at.max(Some(at));
        match (inbound, automated, pending) {
            (true, false, _) => {
                e.last_in = e.last_in.max(Some(at));
                e.inbound.push(Inbound { message: id, at });
            }
            (true, true, _) => {}
            (false, _, true) => {
                if r.get::<_, Option<bool>>(6)? == Some(true) {
                    e.last_queued = e.last_queued.max(Some(at));
                }
            }
            (false, automated, false) => {
                e.last_out = e.last_out.max(Some(at));
                if !automated {
                    e.responses.push(Response {
                        id,
                        at,
                        kind: EndKind::Mail,
                        by: r.get(4)?,
                    });
                }
            }
        }
    }
    let mut st = tx.prepare_cached(
        "SELECT id, at, outcome = 'talked', direction = 'outbound', recorded_by FROM contact_log
         WHERE candidate_id = ?1",
    )?;
    let mut rows = st.query([c])?;
    while let Some(r) = rows.next()? {
        let (id, at, talked, outbound): (i64, i64, bool, bool) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        e.last_contact = e.last_contact.max(Some(at));
        if outbound {
            e.contact_out = e.contact_out.max(Some(at));
        } else {
            e.contact_in = e.contact_in.max(Some(at));
        }
        if talked {
            e.responses.push(Response {
                id,
                at,
                kind: EndKind::Talked,
                by: r.get(4)?,
            });
        }
    }
    // "Done, no reply needed" on the person (records merged into them included).
    let mut st = tx.prepare_cached(&format!(
        "{PERSON} SELECT id, at, actor FROM done_marks WHERE candidate_id IN person"
    ))?;
    let mut rows = st.query([c])?;
    while let Some(r) = rows.next()? {
        e.responses.push(Response {
            id: r.get(0)?,
            at: r.get(1)?,
            kind: EndKind::Done,
            by: r.get(2)?,
        });
    }
    // An opt-out of all contact closes the wait open when it was recorded (one revoked since
    // closed it all the same, back then).
    let mut st = tx.prepare_cached(
        "SELECT id, at, recorded_by, revoked_at IS NULL FROM opt_outs
         WHERE candidate_id = ?1 AND scope = 'all'",
    )?;
    let mut rows = st.query([c])?;
    while let Some(r) = rows.next()? {
        e.opted_out_of_all |= r.get::<_, bool>(3)?;
        e.responses.push(Response {
            id: r.get(0)?,
            at: r.get(1)?,
            kind: EndKind::OptedOut,
            by: r.get(2)?,
        });
    }
    Ok(e)
}

/// Recomputes one candidate's waits; returns when their open wait started, if any.
pub(crate) fn rewrite_waits(tx: &WriteTx, c: i64) -> Result<Option<i64>> {
    let e = load_events(tx, c)?;
    write_waits(tx, c, &e)
}

/// Stores the waits of these events; returns when the open wait started, if any.
pub(crate) fn write_waits(tx: &WriteTx, c: i64, e: &Events) -> Result<Option<i64>> {
    let waits = (tx.rules.waits)(&e.inbound, &e.responses);
    // Usually only the newest wait changed: rows that are already right are left alone, so a
    // batch of mail writes about one row per candidate it touches.
    let existing: Vec<(i64, StoredWait)> = tx
        .prepare_cached(
            "SELECT id, started_at, start_message, first, ended_at, ended_by, end_id, responder
             FROM waits WHERE candidate_id = ?1 ORDER BY started_at, id",
        )?
        .query_map([c], |r| {
            Ok((
                r.get(0)?,
                StoredWait {
                    started_at: r.get(1)?,
                    start_message: r.get(2)?,
                    first: r.get(3)?,
                    ended_at: r.get(4)?,
                    ended_by: r.get(5)?,
                    end_id: r.get(6)?,
                    responder: r.get(7)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let wanted: Vec<StoredWait> = waits.iter().map(StoredWait::of).collect();
    for (i, w) in wanted.iter().enumerate() {
        match existing.get(i) {
            Some((_, old)) if old == w => {}
            Some((id, _)) => {
                tx.prepare_cached(
                    "UPDATE waits SET started_at = ?2, start_message = ?3, first = ?4,
                        ended_at = ?5, ended_by = ?6, end_id = ?7, responder = ?8 WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    w.started_at,
                    w.start_message,
                    w.first,
                    w.ended_at,
                    w.ended_by,
                    w.end_id,
                    w.responder
                ])?;
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO waits(candidate_id, started_at, start_message, first, ended_at,
                        ended_by, end_id, responder) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(params![
                    c,
                    w.started_at,
                    w.start_message,
                    w.first,
                    w.ended_at,
                    w.ended_by,
                    w.end_id,
                    w.responder
                ])?;
            }
        }
    }
    for (id, _) in existing.iter().skip(wanted.len()) {
        tx.prepare_cached("DELETE FROM waits WHERE id = ?1")?
            .execute([id])?;
    }
    Ok(waits
        .iter()
        .rev()
        .find(|w| w.end.is_none())
        .map(|w| w.started_at))
}

/// A waits row as stored (for comparing before writing).
#[derive(Debug, PartialEq, Eq)]
struct StoredWait {
    started_at: i64,
    start_message: i64,
    first: bool,
    ended_at: Option<i64>,
    ended_by: Option<String>,
    end_id: Option<i64>,
    responder: Option<String>,
}

impl StoredWait {
    fn of(w: &Wait) -> StoredWait {
        StoredWait {
            started_at: w.started_at,
            start_message: w.start_message,
            first: w.first,
            ended_at: w.end.as_ref().map(|e| e.at),
            ended_by: w.end.as_ref().map(|e| e.kind.as_str().to_string()),
            end_id: w.end.as_ref().map(|e| e.id),
            responder: w.end.as_ref().and_then(|e| e.by.clone()),
        }
    }
}

impl Store {
    /// Rebuilds every candidate's waits from their mail and contacts.
    pub fn recompute_all_waits(&mut self) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM waits", [])?;
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM candidates")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for c in ids {
            rewrite_waits(&tx, c)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Waits that started in `[since, until)`, oldest first.
    pub fn waits_between(&self, since: i64, until: i64) -> Result<Vec<WaitRow>> {
        let mut st = self.conn.prepare_cached(
            "SELECT candidate_id, started_at, first, ended_at, ended_by, responder FROM waits
             WHERE started_at >= ?1 AND started_at < ?2 ORDER BY started_at, candidate_id",
        )?;
        let rows = st.query_map(params![since, until], |r| {
            Ok(WaitRow {
                candidate_id: r.get(0)?,
                started_at: r.get(1)?,
                first: r.get(2)?,
                ended_at: r.get(3)?,
                ended_by: r.get(4)?,
                responder: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every wait, in a stable order (for comparing the maintained rows with a rebuild).
    pub fn all_waits(&self) -> Result<Vec<WaitRow>> {
        let mut v = self.waits_between(i64::MIN, i64::MAX)?;
        v.sort_by_key(|w| (w.candidate_id, w.started_at));
        Ok(v)
    }

    /// Candidates waiting for us now (`read::waiting_now`, the inbox's rule), longest first.
    pub fn open_waits(&self) -> Result<Vec<OpenWait>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT c.id, c.name, w.started_at, w.first,
                (SELECT address FROM candidate_addresses a WHERE a.candidate_id = c.id
                 ORDER BY first_seen, address LIMIT 1),
                (SELECT assignee FROM assignments s WHERE s.candidate_id = c.id)
             FROM candidates c JOIN waits w ON w.candidate_id = c.id AND w.ended_at IS NULL
             WHERE {}
             ORDER BY w.started_at, c.id",
            super::read::waiting_now()
        ))?;
        let rows = st.query_map([], |r| {
            Ok(OpenWait {
                candidate_id: r.get(0)?,
                name: r.get(1)?,
                since: r.get(2)?,
                first: r.get(3)?,
                address: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                assigned_to: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
