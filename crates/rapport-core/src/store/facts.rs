//! What decides whether and when we may contact a candidate, read for one candidate (every
//! send) or for everyone at once (a share's preview): the same statements, one with a
//! candidate filter and one without, so the two can never disagree.

use super::{OptOutView, Result, Store, typed};
use crate::model::Preferences;
use std::collections::HashMap;

/// What the store knows that decides a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub preferences: Option<Preferences>,
    /// Active (not revoked) opt-outs.
    pub opt_outs: Vec<OptOutView>,
    /// Our last contact: an email we sent or queued (it counts against their frequency
    /// before it leaves) or a contact we logged as outbound.
    pub last_outbound: Option<i64>,
    /// Their last human message or logged inbound contact.
    pub last_inbound: Option<i64>,
    pub addresses: Vec<String>,
    /// Their words, when a message of theirs reads as a request to stop that nobody has
    /// recorded or dismissed yet.
    pub stop_request: Option<String>,
}

/// The statements, with `{w}` for the candidate filter.
const HEAD: &str = "SELECT c.id, c.last_inbound_at, c.last_outbound_at, c.optout_request,
        m.optout_evidence
     FROM candidates c LEFT JOIN messages m ON m.id = c.optout_request WHERE c.id {w}";
const ADDRESSES: &str = "SELECT candidate_id, address FROM candidate_addresses
     WHERE candidate_id {w} ORDER BY candidate_id, first_seen, address";
const PREFERENCES: &str = "SELECT candidate_id, channels, preferred, frequency, language,
        timezone, no_channel
     FROM preferences WHERE candidate_id {w}";
const INTERESTS: &str =
    "SELECT candidate_id, tag FROM interests WHERE candidate_id {w} ORDER BY candidate_id, tag";
const OPT_OUTS: &str = "SELECT candidate_id, id, scope, reason, source, recorded_by, at
     FROM opt_outs WHERE candidate_id {w} AND revoked_at IS NULL ORDER BY candidate_id, at, id";
const LOGGED: &str = "SELECT candidate_id, max(CASE WHEN direction = 'outbound' THEN at END),
        max(CASE WHEN direction = 'inbound' THEN at END)
     FROM contact_log WHERE candidate_id {w} GROUP BY candidate_id";
const QUEUED: &str = "SELECT m.candidate_id, max(m.date)
     FROM messages m JOIN outbox o ON o.message_id = m.message_id
     WHERE m.candidate_id {w} AND m.direction = 'outbound'
       AND o.state IN ('queued', 'sending', 'unknown')
     GROUP BY m.candidate_id";

/// One preferences row as stored: parsed into typed values here.
type PreferenceRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
);

pub(crate) fn preferences_of(
    row: Option<PreferenceRow>,
    interests: Vec<String>,
) -> rusqlite::Result<Option<Preferences>> {
    if row.is_none() && interests.is_empty() {
        return Ok(None);
    }
    let (channels, preferred, frequency, language, timezone, no_channel) = row.unwrap_or_default();
    let channels = channels
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| typed(c, "preferences", "channels", |s| s.parse().ok()))
        .collect::<rusqlite::Result<_>>()?;
    let preferred = preferred
        .map(|c| typed(&c, "preferences", "preferred", |s| s.parse().ok()))
        .transpose()?;
    let frequency = frequency
        .map(|f| typed(&f, "preferences", "frequency", |s| s.parse().ok()))
        .transpose()?;
    Ok(Some(Preferences {
        channels,
        preferred,
        frequency,
        interests,
        language,
        timezone,
        no_channel,
    }))
}

impl Store {
    /// What decides whether and when we may contact a candidate. A candidate merged into
    /// another is that other person: their wishes apply.
    pub fn contact_facts(&self, candidate_id: i64) -> Result<Facts> {
        let root = self.merged_root(candidate_id)?;
        Ok(self.facts(Some(root))?.remove(&root).unwrap_or_default())
    }

    /// [`Store::contact_facts`] of every candidate, by id, in a few statements: what a share's
    /// preview checks ten thousand candidates against. A merged candidate's entry is their
    /// own; look up the root.
    pub fn all_contact_facts(&self) -> Result<HashMap<i64, Facts>> {
        self.facts(None)
    }

    /// The time zone each candidate told us, where they did (a share's send window).
    pub fn timezones(&self) -> Result<HashMap<i64, String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT candidate_id, timezone FROM preferences WHERE coalesce(timezone, '') != ''",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn facts(&self, only: Option<i64>) -> Result<HashMap<i64, Facts>> {
        // One candidate, or everyone (`?1` is NULL): the same statements either way.
        let w = if only.is_some() {
            "= ?1"
        } else {
            "IS NOT NULL AND ?1 IS NULL"
        };
        let sql = |s: &str| s.replace("{w}", w);
        let p = [only];
        let mut out: HashMap<i64, Facts> = HashMap::new();
        let mut st = self.conn.prepare_cached(&sql(HEAD))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            let req: Option<i64> = r.get(3)?;
            let evidence: Option<String> = r.get(4)?;
            out.insert(
                r.get(0)?,
                Facts {
                    last_inbound: r.get(1)?,
                    last_outbound: r.get(2)?,
                    stop_request: req.map(|_| evidence.unwrap_or_default()),
                    ..Facts::default()
                },
            );
        }
        let mut st = self.conn.prepare_cached(&sql(ADDRESSES))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            if let Some(f) = out.get_mut(&r.get(0)?) {
                f.addresses.push(r.get(1)?);
            }
        }
        let mut prefs: HashMap<i64, PreferenceRow> = HashMap::new();
        let mut st = self.conn.prepare_cached(&sql(PREFERENCES))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            prefs.insert(
                r.get(0)?,
                (
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ),
            );
        }
        let mut interests: HashMap<i64, Vec<String>> = HashMap::new();
        let mut st = self.conn.prepare_cached(&sql(INTERESTS))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            interests.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        for (id, f) in out.iter_mut() {
            f.preferences =
                preferences_of(prefs.remove(id), interests.remove(id).unwrap_or_default())?;
        }
        let mut st = self.conn.prepare_cached(&sql(OPT_OUTS))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            if let Some(f) = out.get_mut(&r.get(0)?) {
                f.opt_outs.push(OptOutView {
                    id: r.get(1)?,
                    scope: r.get(2)?,
                    reason: r.get(3)?,
                    source: r.get(4)?,
                    recorded_by: r.get(5)?,
                    at: r.get(6)?,
                    revoked_at: None,
                });
            }
        }
        let mut st = self.conn.prepare_cached(&sql(LOGGED))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            if let Some(f) = out.get_mut(&r.get(0)?) {
                let (o, i): (Option<i64>, Option<i64>) = (r.get(1)?, r.get(2)?);
                f.last_outbound = f.last_outbound.max(o);
                f.last_inbound = f.last_inbound.max(i);
            }
        }
        let mut st = self.conn.prepare_cached(&sql(QUEUED))?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            if let Some(f) = out.get_mut(&r.get(0)?) {
                f.last_outbound = f.last_outbound.max(r.get::<_, Option<i64>>(1)?);
            }
        }
        Ok(out)
    }
}
