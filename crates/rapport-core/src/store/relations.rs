//! What candidates told us and what we did: preferences with their ledger, the contact log
//! and opt-outs. Every change is written with who made it and why, in the same transaction.

use super::write::refresh_candidate;
use super::{Result, Store};
use crate::model::{ContactEntry, Preferences};
use crate::values::{ChangeSource, LegalBasis, OptOutScope};
use rusqlite::{Connection, params};
use serde::Serialize;

/// Who made a change, and on what grounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMeta {
    /// The recruiter acting (OS user or configured display name).
    pub actor: String,
    pub at: i64,
    /// Who it came from (the candidate said so: see `source_message_id`).
    pub source: ChangeSource,
    pub source_message_id: Option<i64>,
    pub legal_basis: Option<LegalBasis>,
    pub note: String,
}

/// One entry of the preference and consent history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub at: i64,
    pub actor: String,
    pub source: ChangeSource,
    pub source_message_id: Option<i64>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub legal_basis: Option<LegalBasis>,
    pub note: String,
}

pub(crate) fn ledger_entry(
    tx: &Connection,
    c: i64,
    m: &ChangeMeta,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<()> {
    ledger(tx, c, m, field, old, new)
}

fn ledger(
    tx: &Connection,
    c: i64,
    m: &ChangeMeta,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO ledger(candidate_id, at, actor, source, source_message_id, field, old_value,
            new_value, legal_basis, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        c,
        m.at,
        m.actor,
        m.source,
        m.source_message_id,
        field,
        old,
        new,
        m.legal_basis,
        m.note
    ])?;
    Ok(())
}

pub(crate) fn audit(
    tx: &Connection,
    actor: &str,
    action: &str,
    candidate: Option<i64>,
    detail: &str,
) -> Result<()> {
    tx.prepare_cached("INSERT INTO audit_log(at, actor, action, candidate_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![super::now(), actor, action, candidate, detail])?;
    Ok(())
}

fn join<T>(v: &[T], f: impl Fn(&T) -> &str) -> String {
    v.iter().map(f).collect::<Vec<_>>().join(",")
}

impl Store {
    /// Replaces a candidate's preferences; each field that changed becomes a ledger entry.
    pub fn set_preferences(
        &mut self,
        candidate_id: i64,
        new: &Preferences,
        meta: &ChangeMeta,
    ) -> Result<()> {
        // Read inside the write transaction: a colleague's change just before ours is the
        // "from" of our ledger entries, never lost.
        let tx = self.write_tx()?;
        let old = self.preferences(candidate_id)?.unwrap_or_default();
        // Channels and interests are sets: listing them in another order is no change (and
        // no ledger entry). Interests come back from the store sorted; channels are kept so.
        let mut new = new.clone();
        new.channels.sort();
        new.channels.dedup();
        new.interests.sort();
        new.interests.dedup();
        let new = &new;
        let mut old_channels = old.channels.clone();
        old_channels.sort();
        old_channels.dedup();
        let fields: [(&str, String, String); 5] = [
            (
                "channels",
                join(&old_channels, |c| c.as_str()),
                join(&new.channels, |c| c.as_str()),
            ),
            (
                "preferred-channel",
                old.preferred
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                new.preferred
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "frequency",
                old.frequency
                    .map(|f| f.as_str().to_string())
                    .unwrap_or_default(),
                new.frequency
                    .map(|f| f.as_str().to_string())
                    .unwrap_or_default(),
            ),
            (
                "language",
                old.language.clone().unwrap_or_default(),
                new.language.clone().unwrap_or_default(),
            ),
            (
                "timezone",
                old.timezone.clone().unwrap_or_default(),
                new.timezone.clone().unwrap_or_default(),
            ),
        ];
        let some = |s: &String| (!s.is_empty()).then_some(s.as_str()).map(str::to_owned);
        for (field, o, n) in &fields {
            if o != n {
                ledger(
                    &tx,
                    candidate_id,
                    meta,
                    field,
                    some(o).as_deref(),
                    some(n).as_deref(),
                )?;
            }
        }
        if old.no_channel != new.no_channel {
            let v = |b: bool| Some(if b { "none at all" } else { "allowed" });
            ledger(
                &tx,
                candidate_id,
                meta,
                "contact",
                v(old.no_channel),
                v(new.no_channel),
            )?;
        }
        let (oi, ni) = (old.interests.join(","), new.interests.join(","));
        if oi != ni {
            ledger(
                &tx,
                candidate_id,
                meta,
                "interests",
                some(&oi).as_deref(),
                some(&ni).as_deref(),
            )?;
        }
        tx.execute(
            "INSERT INTO preferences(candidate_id, channels, preferred, frequency, language, timezone, updated_at, no_channel)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(candidate_id) DO UPDATE SET channels = excluded.channels,
                preferred = excluded.preferred, frequency = excluded.frequency,
                language = excluded.language, timezone = excluded.timezone,
                updated_at = excluded.updated_at, no_channel = excluded.no_channel",
            params![
                candidate_id,
                fields[0].2,
                new.preferred.map(|c| c.as_str()),
                new.frequency.map(|f| f.as_str()),
                new.language,
                new.timezone,
                meta.at,
                new.no_channel
            ],
        )?;
        tx.execute(
            "DELETE FROM interests WHERE candidate_id = ?1",
            [candidate_id],
        )?;
        for tag in &new.interests {
            tx.execute(
                "INSERT OR IGNORE INTO interests(candidate_id, tag) VALUES (?1, ?2)",
                params![candidate_id, tag],
            )?;
        }
        // The inbox summary shows when they may next be contacted: it depends on these.
        refresh_candidate(&tx, candidate_id)?;
        audit(
            &tx,
            &meta.actor,
            "set-preferences",
            Some(candidate_id),
            &meta.note,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A ledger entry that changes no preference: what the candidate told the team in their
    /// own words (`field`, the text as its new value). Audited.
    pub fn add_ledger_note(
        &mut self,
        candidate_id: i64,
        field: &str,
        text: &str,
        meta: &ChangeMeta,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        ledger(&tx, candidate_id, meta, field, None, Some(text))?;
        audit(&tx, &meta.actor, field, Some(candidate_id), "")?;
        tx.commit()?;
        Ok(())
    }

    /// Cancels queued mail to the candidate that `scope` covers (their wishes changed so that
    /// it may no longer go out); returns how many. Audited.
    pub fn cancel_queued(
        &mut self,
        candidate_id: i64,
        scope: &OptOutScope,
        why: &str,
        actor: &str,
    ) -> Result<usize> {
        let tx = self.write_tx()?;
        let n = cancel_outbox(&tx, candidate_id, scope, why)?;
        if n > 0 {
            audit(
                &tx,
                actor,
                "outbox-cancel",
                Some(candidate_id),
                &format!("{n} queued message(s)"),
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// The preference and consent history, oldest first.
    pub fn ledger(&self, candidate_id: i64) -> Result<Vec<LedgerEntry>> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, actor, source, source_message_id, field, old_value, new_value, legal_basis, note
             FROM ledger WHERE candidate_id = ?1 ORDER BY at, id",
        )?;
        let rows = st.query_map([candidate_id], |r| {
            Ok(LedgerEntry {
                at: r.get(0)?,
                actor: r.get(1)?,
                source: r.get(2)?,
                source_message_id: r.get(3)?,
                field: r.get(4)?,
                old_value: r.get(5)?,
                new_value: r.get(6)?,
                legal_basis: r.get(7)?,
                note: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Logs a call, meeting or message on another channel. A call where we talked answers the
    /// candidate, so it ends their wait.
    pub fn log_contact(&mut self, candidate_id: i64, entry: &ContactEntry) -> Result<i64> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO contact_log(candidate_id, channel, direction, outcome, at, note, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                candidate_id,
                entry.channel.as_str(),
                entry.direction.as_str(),
                entry.outcome.as_str(),
                entry.at,
                entry.note,
                entry.recorded_by,
                super::now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        refresh_candidate(&tx, candidate_id)?;
        audit(
            &tx,
            &entry.recorded_by,
            "log-contact",
            Some(candidate_id),
            &format!(
                "{} {}: {}",
                entry.channel.as_str(),
                entry.outcome.as_str(),
                entry.note.chars().take(80).collect::<String>()
            ),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records an opt-out.
    pub fn record_opt_out(
        &mut self,
        candidate_id: i64,
        scope: &OptOutScope,
        reason: &str,
        meta: &ChangeMeta,
    ) -> Result<i64> {
        let tx = self.write_tx()?;
        tx.execute(
            "INSERT INTO opt_outs(candidate_id, scope, reason, source, source_message_id, recorded_by, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![candidate_id, scope, reason, meta.source, meta.source_message_id, meta.actor, meta.at],
        )?;
        let id = tx.last_insert_rowid();
        ledger(
            &tx,
            candidate_id,
            meta,
            "opt-out",
            None,
            Some(&scope.to_string()),
        )?;
        // Effect is immediate: queued mail the opt-out covers is cancelled, and a detected
        // request is settled.
        let cancelled = cancel_outbox(
            &tx,
            candidate_id,
            scope,
            &format!("{CANCELLED_OPTED_OUT} ({scope})"),
        )?;
        tx.execute(
            "UPDATE candidates SET optout_request = NULL WHERE id = ?1",
            [candidate_id],
        )?;
        if cancelled > 0 {
            audit(
                &tx,
                &meta.actor,
                "outbox-cancel",
                Some(candidate_id),
                &format!("{cancelled} queued message(s)"),
            )?;
        }
        refresh_candidate(&tx, candidate_id)?;
        audit(
            &tx,
            &meta.actor,
            "opt-out",
            Some(candidate_id),
            &format!("{scope}: {reason}"),
        )?;
        tx.commit()?;
        Ok(id)
    }
}

/// Cancels queued or retrying mail that `scope` covers: mail queued for the candidate, and
/// mail to any of their addresses queued for someone else or for no candidate. Returns how
/// many.
/// How an outbox row cancelled by the candidate's opt-out begins its note (the share report
/// counts those apart from a recruiter's cancelling).
pub const CANCELLED_OPTED_OUT: &str = "cancelled: the candidate opted out";

pub(crate) fn cancel_outbox(
    tx: &Connection,
    candidate_id: i64,
    scope: &OptOutScope,
    why: &str,
) -> Result<usize> {
    let covers_email = scope.stops_email();
    let topic = scope.topic();
    if !covers_email && topic.is_none() {
        return Ok(0);
    }
    let addresses: Vec<String> = {
        let mut st =
            tx.prepare_cached("SELECT address FROM candidate_addresses WHERE candidate_id = ?1")?;
        st.query_map([candidate_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let queued: Vec<(i64, Option<i64>, String, String)> = {
        let mut st = tx.prepare_cached(
            "SELECT id, candidate_id, envelope_to, topics FROM outbox WHERE state IN ('queued', 'failed')",
        )?;
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut n = 0;
    for (id, cand, to, topics) in queued {
        let to_them = cand == Some(candidate_id)
            || to.split(',').any(|a| {
                let a = a.trim().trim_start_matches('<').trim_end_matches('>');
                addresses.iter().any(|x| x.eq_ignore_ascii_case(a))
            });
        let covered = covers_email
            || topic.is_some_and(|t| topics.split(',').any(|x| x.trim().eq_ignore_ascii_case(t)));
        if to_them && covered {
            n += tx.execute(
                "UPDATE outbox SET state = 'cancelled', last_error = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, why, super::now()],
            )?;
        }
    }
    Ok(n)
}

impl Store {
    /// The detected request to stop was not one: the banner goes, and the decision is audited.
    pub fn dismiss_optout_request(&mut self, candidate_id: i64, actor: &str) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "UPDATE candidates SET optout_request = NULL WHERE id = ?1",
            [candidate_id],
        )?;
        audit(
            &tx,
            actor,
            "dismiss-opt-out-request",
            Some(candidate_id),
            "",
        )?;
        tx.commit()?;
        Ok(())
    }
}
