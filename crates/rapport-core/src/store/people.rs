//! Who is who: merging candidates (undoably), splitting an address off, renaming, and opting
//! back in. Data rights (export, erase) live in `data_rights`.

use super::relations::{ChangeMeta, audit};
use super::write::refresh_candidate;
use super::{Result, Store, StoreError};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::data_rights::rows_json;

impl Store {
    /// Merges `source` into `target`: addresses, mail, contacts, opt-outs and history move;
    /// the newer preferences win and interests are joined. Returns the merge id for `unmerge`.
    pub fn merge(&mut self, target: i64, source: i64, actor: &str) -> Result<i64> {
        if target == source {
            return Err(StoreError::Invalid(
                "cannot merge a candidate with itself".into(),
            ));
        }
        let tx = self.write_tx()?;
        // Only candidates the inbox lists can be merged: merging into (or from) one that was
        // merged away would hide the mail, or take it from the candidate that has it now.
        for c in [target, source] {
            match merged_into(&tx, c)? {
                None => {
                    return Err(StoreError::Invalid(format!("there is no candidate {c}")));
                }
                Some(Some(into)) => {
                    return Err(StoreError::Invalid(format!(
                        "candidate {c} was merged into candidate {into}; use that one"
                    )));
                }
                Some(None) => {}
            }
        }
        let ids = |tx: &Connection, sql: &str| -> Result<Vec<i64>> {
            let mut st = tx.prepare(sql)?;
            let v = st
                .query_map([source], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            Ok(v)
        };
        let addresses: Vec<String> = {
            let mut st =
                tx.prepare("SELECT address FROM candidate_addresses WHERE candidate_id = ?1")?;
            st.query_map([source], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let moved = json!({
            "addresses": addresses,
            "messages": ids(&tx, "SELECT id FROM messages WHERE candidate_id = ?1")?,
            "contacts": ids(&tx, "SELECT id FROM contact_log WHERE candidate_id = ?1")?,
            "opt_outs": ids(&tx, "SELECT id FROM opt_outs WHERE candidate_id = ?1")?,
            "ledger": ids(&tx, "SELECT id FROM ledger WHERE candidate_id = ?1")?,
            "drafts": ids(&tx, "SELECT id FROM drafts WHERE candidate_id = ?1")?,
            "outbox": ids(&tx, "SELECT id FROM outbox WHERE candidate_id = ?1")?,
            "target_preferences": prefs_snapshot(&tx, target)?,
            "target_interests": interests_of(&tx, target)?,
            "source_preferences": prefs_snapshot(&tx, source)?,
        });
        let mut moved = moved;
        for table in [
            "candidate_addresses",
            "messages",
            "contact_log",
            "opt_outs",
            "ledger",
            "drafts",
            "outbox",
        ] {
            tx.execute(
                &format!("UPDATE {table} SET candidate_id = ?1 WHERE candidate_id = ?2"),
                params![target, source],
            )?;
        }
        // The newer answer wins; interests are joined.
        let (t_at, s_at): (Option<i64>, Option<i64>) = (
            tx.query_row(
                "SELECT updated_at FROM preferences WHERE candidate_id = ?1",
                [target],
                |r| r.get(0),
            )
            .optional()?,
            tx.query_row(
                "SELECT updated_at FROM preferences WHERE candidate_id = ?1",
                [source],
                |r| r.get(0),
            )
            .optional()?,
        );
        let source_prefs_win = s_at.is_some() && (t_at.is_none() || s_at > t_at);
        moved["source_preferences_moved"] = json!(source_prefs_win);
        if source_prefs_win {
            tx.execute("DELETE FROM preferences WHERE candidate_id = ?1", [target])?;
            tx.execute(
                "UPDATE preferences SET candidate_id = ?1 WHERE candidate_id = ?2",
                params![target, source],
            )?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO interests(candidate_id, tag) SELECT ?1, tag FROM interests WHERE candidate_id = ?2",
            params![target, source],
        )?;
        tx.execute(
            "UPDATE candidates SET merged_into = ?1, inbox_rank = ?3 WHERE id = ?2",
            params![target, source, super::write::RANK_BASE * 2],
        )?;
        tx.execute(
            "INSERT INTO merges(target_id, source_id, moved, at, actor) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![target, source, moved.to_string(), super::now(), actor],
        )?;
        let id = tx.last_insert_rowid();
        // One person now: each one's opt-outs cover the mail queued to the other.
        let cancelled = cancel_for_opt_outs(&tx, target)?;
        if cancelled > 0 {
            audit(
                &tx,
                actor,
                "outbox-cancel",
                Some(target),
                &format!("{cancelled} queued message(s)"),
            )?;
        }
        refresh_candidate(&tx, target)?;
        // The source keeps its merged-away rank; its waits are the target's now.
        super::waits::rewrite_waits(&tx, source)?;
        audit(
            &tx,
            actor,
            "merge",
            Some(target),
            &format!("merged candidate {source} (merge {id})"),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Undoes a merge: what moved goes back, the source candidate reappears. Mail that
    /// arrived for the source's addresses while merged goes with them. Preferences edited on
    /// the merged candidate stay with it; otherwise both get back what they had.
    pub fn unmerge(&mut self, merge_id: i64, actor: &str) -> Result<()> {
        let tx = self.write_tx()?;
        let row: Option<(i64, i64, String, Option<i64>)> = tx
            .query_row(
                "SELECT target_id, source_id, moved, undone_at FROM merges WHERE id = ?1",
                [merge_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((target, source, moved, undone)) = row else {
            return Err(StoreError::Invalid(format!("there is no merge {merge_id}")));
        };
        if undone.is_some() {
            return Err(StoreError::Invalid(format!(
                "merge {merge_id} was already undone"
            )));
        }
        // The target was merged on into another candidate since: what moved is there now.
        if let Some(Some(into)) = merged_into(&tx, target)? {
            let later: Option<i64> = tx
                .query_row(
                    "SELECT id FROM merges WHERE source_id = ?1 AND target_id = ?2 AND undone_at IS NULL
                     ORDER BY id DESC LIMIT 1",
                    params![target, into],
                    |r| r.get(0),
                )
                .optional()?;
            return Err(StoreError::Invalid(format!(
                "candidate {target} was merged into candidate {into} since{}; undo that first",
                later.map(|m| format!(" (merge {m})")).unwrap_or_default()
            )));
        }
        let moved: Value =
            serde_json::from_str(&moved).map_err(|e| {
            StoreError::Invalid(format!(
                "the database holds a malformed merges.moved for merge {merge_id} ({e}): it cannot be undone"
            ))
        })?;
        let addresses: Vec<String> = moved["addresses"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(String::from))
            .collect();
        // Only what the target still has goes back (an address split off since stays put).
        for a in &addresses {
            tx.execute(
                "UPDATE candidate_addresses SET candidate_id = ?1 WHERE address = ?2 AND candidate_id = ?3",
                params![source, a, target],
            )?;
        }
        for (key, table) in [
            ("messages", "messages"),
            ("contacts", "contact_log"),
            ("opt_outs", "opt_outs"),
            ("ledger", "ledger"),
            ("drafts", "drafts"),
            ("outbox", "outbox"),
        ] {
            for id in moved[key].as_array().into_iter().flatten() {
                tx.execute(
                    &format!(
                        "UPDATE {table} SET candidate_id = ?1 WHERE id = ?2 AND candidate_id = ?3"
                    ),
                    params![source, id.as_i64(), target],
                )?;
            }
        }
        // Mail from or to the source's addresses that arrived while merged, and opt-outs the
        // source asked for in it, go back with the addresses.
        move_mail_of_addresses(&tx, target, source, &addresses)?;
        follow_source_messages(&tx, target, source)?;

        // Preferences and interests.
        let target_prefs = &moved["target_preferences"];
        let source_prefs = &moved["source_preferences"];
        let current: Option<i64> = tx
            .query_row(
                "SELECT updated_at FROM preferences WHERE candidate_id = ?1",
                [target],
                |r| r.get(0),
            )
            .optional()?;
        let source_moved = moved["source_preferences_moved"]
            .as_bool()
            // Merges recorded before this was kept: the target's row is the source's when it
            // is not the target's own snapshot.
            .unwrap_or_else(|| current.is_some() && current != target_prefs["updated_at"].as_i64());
        let expected = if source_moved {
            source_prefs["updated_at"].as_i64()
        } else {
            target_prefs["updated_at"].as_i64()
        };
        let edited_since = expected.is_some() && current != expected
            || expected.is_none() && current.is_some() && !source_moved;
        if !edited_since {
            if source_moved {
                // The source's row goes back; the target gets its own snapshot.
                tx.execute("DELETE FROM preferences WHERE candidate_id = ?1", [source])?;
                tx.execute(
                    "UPDATE preferences SET candidate_id = ?1 WHERE candidate_id = ?2",
                    params![source, target],
                )?;
                if !target_prefs.is_null() {
                    restore_prefs(&tx, target, target_prefs)?;
                }
            }
            // The source kept its own interests; the target gets back what it had.
            let interests: Vec<String> = moved["target_interests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            tx.execute("DELETE FROM interests WHERE candidate_id = ?1", [target])?;
            for t in &interests {
                tx.execute(
                    "INSERT OR IGNORE INTO interests(candidate_id, tag) VALUES (?1, ?2)",
                    params![target, t],
                )?;
            }
        } else if source_moved && source_prefs.is_object() {
            // Edited on the merged candidate: that stays the target's, the source gets back
            // its own answers.
            restore_prefs(&tx, source, source_prefs)?;
        }
        tx.execute(
            "UPDATE candidates SET merged_into = NULL WHERE id = ?1",
            [source],
        )?;
        tx.execute(
            "UPDATE merges SET undone_at = ?2 WHERE id = ?1",
            params![merge_id, super::now()],
        )?;
        refresh_candidate(&tx, target)?;
        refresh_candidate(&tx, source)?;
        audit(
            &tx,
            actor,
            "unmerge",
            Some(target),
            &format!("undid merge {merge_id}: candidate {source} restored"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The most recent merge into `target` that can still be undone.
    pub fn last_merge(&self, target: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM merges WHERE target_id = ?1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
                [target],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Moves one address, and the mail from and to it, to a new candidate.
    pub fn split_address(&mut self, address: &str, actor: &str) -> Result<i64> {
        let address = address.trim().to_lowercase();
        let tx = self.write_tx()?;
        let (old, name): (i64, String) = tx
            .query_row(
                "SELECT a.candidate_id, coalesce(nullif(a.name, ''), c.name) FROM candidate_addresses a
                 JOIN candidates c ON c.id = a.candidate_id WHERE a.address = ?1",
                [&address],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no candidate has the address {address}")))?;
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM candidate_addresses WHERE candidate_id = ?1",
            [old],
            |r| r.get(0),
        )?;
        if n < 2 {
            return Err(StoreError::Invalid(format!(
                "{address} is the candidate's only address; nothing to split"
            )));
        }
        tx.execute(
            "INSERT INTO candidates(name, created_at) VALUES (?1, ?2)",
            params![name, super::now()],
        )?;
        let new = tx.last_insert_rowid();
        tx.execute(
            "UPDATE candidate_addresses SET candidate_id = ?1 WHERE address = ?2",
            params![new, address],
        )?;
        move_mail_of_addresses(&tx, old, new, std::slice::from_ref(&address))?;
        // What the person at that address asked for in their mail goes with it: an opt-out
        // sent from the address must keep protecting it.
        follow_source_messages(&tx, old, new)?;
        refresh_candidate(&tx, old)?;
        refresh_candidate(&tx, new)?;
        audit(
            &tx,
            actor,
            "split",
            Some(old),
            &format!("address moved to candidate {new}"),
        )?;
        tx.commit()?;
        Ok(new)
    }

    pub fn rename(
        &mut self,
        candidate_id: i64,
        name: &crate::values::PersonName,
        actor: &str,
    ) -> Result<()> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE candidates SET name = ?1 WHERE id = ?2",
            params![name, candidate_id],
        )?;
        if n == 0 {
            return Err(StoreError::Invalid(format!(
                "there is no candidate {candidate_id}"
            )));
        }
        audit(&tx, actor, "rename", Some(candidate_id), name.as_str())?;
        tx.commit()?;
        Ok(())
    }

    /// A candidate we met outside the mailbox (at a meetup, by referral): their address, a
    /// name, and in their ledger how we got the address (`meta.note`), with the audit entry.
    /// Refuses an address that already belongs to someone.
    pub fn add_candidate(
        &mut self,
        address: &str,
        name: &crate::values::PersonName,
        meta: &ChangeMeta,
    ) -> Result<i64> {
        let address = address.trim().to_lowercase();
        let tx = self.write_tx()?;
        if let Some(c) = tx
            .query_row(
                "SELECT candidate_id FROM candidate_addresses WHERE address = ?1",
                [&address],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
        {
            return Err(StoreError::Invalid(format!(
                "{address} is already a candidate's address (candidate {c})"
            )));
        }
        tx.execute(
            "INSERT INTO candidates(name, created_at) VALUES (?1, ?2)",
            params![name, meta.at],
        )?;
        let c = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO candidate_addresses(address, candidate_id, name, first_seen)
             VALUES (?1, ?2, ?3, ?4)",
            params![address, c, name, meta.at],
        )?;
        super::relations::ledger_entry(&tx, c, meta, "address", None, Some(&address))?;
        refresh_candidate(&tx, c)?;
        audit(&tx, &meta.actor, "add-candidate", Some(c), &meta.note)?;
        tx.commit()?;
        Ok(c)
    }

    /// Ends an opt-out. Only the candidate can opt back in: `meta.source` must be `Candidate`
    /// with `source_message_id` one of their own inbound messages.
    pub fn revoke_opt_out(&mut self, opt_out_id: i64, meta: &ChangeMeta) -> Result<()> {
        let tx = self.write_tx()?;
        let (cand, scope, opted_out_at, opted_out_with): (Option<i64>, String, i64, Option<i64>) =
            tx.query_row(
                "SELECT candidate_id, scope, at, source_message_id FROM opt_outs
                 WHERE id = ?1 AND revoked_at IS NULL",
                [opt_out_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("there is no active opt-out {opt_out_id}"))
            })?;
        let Some(cand) = cand else {
            return Err(StoreError::Invalid(
                "that opt-out belongs to an erased person".into(),
            ));
        };
        let request_date: Option<i64> = match meta.source_message_id {
            Some(m) if meta.source == crate::values::ChangeSource::Candidate => tx
                .query_row(
                    "SELECT date FROM messages WHERE id = ?1 AND candidate_id = ?2 AND direction = 'inbound'",
                    params![m, cand],
                    |r| r.get(0),
                )
                .optional()?,
            // They chose it themselves on their preference page, at this moment.
            None if meta.source == crate::values::ChangeSource::PreferencePage => Some(meta.at),
            _ => None,
        };
        let Some(request_date) = request_date else {
            return Err(StoreError::Invalid(
                "opting back in needs the candidate's own request: link the inbound message in which they asked".into(),
            ));
        };
        // The request must come after the opt-out: the message they opted out with, or one
        // written before it, asks for nothing of the kind.
        let opted_out_on: i64 = match opted_out_with {
            Some(m) => tx
                .query_row("SELECT date FROM messages WHERE id = ?1", [m], |r| r.get(0))
                .optional()?
                .unwrap_or(opted_out_at),
            None => opted_out_at,
        };
        let same_message =
            meta.source_message_id.is_some() && meta.source_message_id == opted_out_with;
        if same_message || request_date <= opted_out_on {
            return Err(StoreError::Invalid(
                "that message is not a request to hear from us again: it is the opt-out itself or older than it; link the candidate's later message".into(),
            ));
        }
        tx.execute(
            "UPDATE opt_outs SET revoked_at = ?2, revoked_by = ?3, revoke_source_message_id = ?4 WHERE id = ?1",
            params![opt_out_id, meta.at, meta.actor, meta.source_message_id],
        )?;
        super::relations::ledger_entry(&tx, cand, meta, "opt-in", Some(&scope), None)?;
        refresh_candidate(&tx, cand)?;
        audit(&tx, &meta.actor, "opt-in", Some(cand), &scope)?;
        tx.commit()?;
        Ok(())
    }
}

/// Cancels queued mail that any active opt-out of the candidate covers. Returns how many.
pub(crate) fn cancel_for_opt_outs(tx: &Connection, c: i64) -> Result<usize> {
    let scopes: Vec<crate::values::OptOutScope> = {
        let mut st = tx.prepare_cached(
            "SELECT DISTINCT scope FROM opt_outs WHERE candidate_id = ?1 AND revoked_at IS NULL",
        )?;
        st.query_map([c], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut n = 0;
    for scope in scopes {
        n += super::relations::cancel_outbox(
            tx,
            c,
            &scope,
            &format!("{} ({scope})", super::relations::CANCELLED_OPTED_OUT),
        )?;
    }
    Ok(n)
}

/// `Some(merged_into)` of a candidate, `None` when there is no such candidate.
fn merged_into(tx: &Connection, c: i64) -> Result<Option<Option<i64>>> {
    Ok(tx
        .query_row(
            "SELECT merged_into FROM candidates WHERE id = ?1",
            [c],
            |r| r.get(0),
        )
        .optional()?)
}

/// The addresses in a stored recipient list ("Name <a@x>, b@y"), lower-cased.
fn addresses_in(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',').filter_map(|part| {
        let part = part.trim();
        let a = match (part.rfind('<'), part.rfind('>')) {
            (Some(i), Some(j)) if i < j => &part[i + 1..j],
            _ => part,
        };
        let a = a.trim().to_lowercase();
        a.contains('@').then_some(a)
    })
}

/// Moves from `from` to `to` the messages that belong to `addresses`: inbound mail from one of
/// them, and our mail to one of them unless it also went to an address `from` keeps.
fn move_mail_of_addresses(
    tx: &Connection,
    from: i64,
    to: i64,
    addresses: &[String],
) -> Result<usize> {
    let kept: Vec<String> = {
        let mut st =
            tx.prepare("SELECT address FROM candidate_addresses WHERE candidate_id = ?1")?;
        st.query_map([from], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let rows: Vec<(i64, String, String, String, String)> = {
        let mut st = tx.prepare(
            "SELECT id, direction, from_addr, to_addrs, cc_addrs FROM messages WHERE candidate_id = ?1",
        )?;
        st.query_map([from], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?
    };
    let mut n = 0;
    for (id, direction, from_addr, to_addrs, cc_addrs) in rows {
        let theirs = if direction == "inbound" {
            addresses.contains(&from_addr.to_lowercase())
        } else {
            let rcpt: Vec<String> = addresses_in(&to_addrs)
                .chain(addresses_in(&cc_addrs))
                .collect();
            rcpt.iter().any(|a| addresses.contains(a)) && !rcpt.iter().any(|a| kept.contains(a))
        };
        if theirs {
            n += tx.execute(
                "UPDATE messages SET candidate_id = ?1 WHERE id = ?2",
                params![to, id],
            )?;
        }
    }
    Ok(n)
}

/// Moves from `from` to `to` the opt-outs and ledger entries whose source is a message that
/// `to` has now.
fn follow_source_messages(tx: &Connection, from: i64, to: i64) -> Result<()> {
    for table in ["opt_outs", "ledger"] {
        tx.execute(
            &format!(
                "UPDATE {table} SET candidate_id = ?1 WHERE candidate_id = ?2
                   AND source_message_id IN (SELECT id FROM messages WHERE candidate_id = ?1)"
            ),
            params![to, from],
        )?;
    }
    Ok(())
}

fn prefs_snapshot(tx: &Connection, c: i64) -> Result<Value> {
    let v = rows_json(tx, "SELECT * FROM preferences WHERE candidate_id = ?1", c)?;
    Ok(v.as_array()
        .and_then(|a| a.first().cloned())
        .unwrap_or(Value::Null))
}

pub(super) fn restore_prefs(tx: &Connection, c: i64, p: &Value) -> Result<()> {
    tx.execute(
        "INSERT INTO preferences(candidate_id, channels, preferred, frequency, language, timezone, no_channel, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(candidate_id) DO UPDATE SET channels = excluded.channels, preferred = excluded.preferred,
            frequency = excluded.frequency, language = excluded.language, timezone = excluded.timezone,
            no_channel = excluded.no_channel, updated_at = excluded.updated_at",
        params![
            c,
            p["channels"].as_str().unwrap_or(""),
            p["preferred"].as_str(),
            p["frequency"].as_str(),
            p["language"].as_str(),
            p["timezone"].as_str(),
            p["no_channel"].as_i64().unwrap_or(0),
            p["updated_at"].as_i64().unwrap_or(0)
        ],
    )?;
    Ok(())
}

fn interests_of(tx: &Connection, c: i64) -> Result<Vec<String>> {
    let mut st = tx.prepare("SELECT tag FROM interests WHERE candidate_id = ?1 ORDER BY tag")?;
    let v = st
        .query_map([c], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(v)
}
