//! Who has which candidate open right now, across the processes sharing the data dir. Each
//! session upserts its row with a heartbeat; a row without one for `STALE_AFTER` seconds is
//! ignored (a crashed session) and dropped later.

use super::{Result, Store};
use rusqlite::params;
use serde::Serialize;

/// A session not heard from for this long is gone.
pub const STALE_AFTER: i64 = 15;
/// How often a live session refreshes its row.
pub const HEARTBEAT_EVERY: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    Viewing,
    Replying,
}

impl Activity {
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Viewing => "viewing",
            Activity::Replying => "replying",
        }
    }
    fn parse(s: &str) -> Activity {
        if s == "replying" {
            Activity::Replying
        } else {
            Activity::Viewing
        }
    }
}

/// What one session has open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Presence {
    /// pid@host: unique per running process.
    pub session: String,
    /// The OS user.
    pub user: String,
    /// The display name shown to colleagues.
    pub name: String,
    pub candidate_id: Option<i64>,
    pub activity: Activity,
    pub since: i64,
    pub heartbeat_at: i64,
}

impl Presence {
    /// "alice is replying".
    pub fn describe(&self) -> String {
        format!("{} is {}", self.name, self.activity.as_str())
    }
}

/// This process's session id.
pub fn session_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    format!("{}@{host}", std::process::id())
}

impl Store {
    /// Records what this session has open (None: nothing) and refreshes its heartbeat. Best
    /// effort, on the UI's clock: it waits the connection's short busy timeout, never the
    /// write helper's long patience, and a missed beat is made up by the next.
    pub fn set_presence(&mut self, p: &Presence) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO presence(session, user, name, candidate_id, activity, since, heartbeat_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(session) DO UPDATE SET user = excluded.user, name = excluded.name,
                    candidate_id = excluded.candidate_id, activity = excluded.activity,
                    since = excluded.since, heartbeat_at = excluded.heartbeat_at",
            )?
            .execute(params![
                p.session,
                p.user,
                p.name,
                p.candidate_id,
                p.activity.as_str(),
                p.since,
                p.heartbeat_at
            ])?;
        Ok(())
    }

    /// Removes this session's row (on exit), and rows long dead.
    pub fn clear_presence(&mut self, session: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM presence WHERE session = ?1 OR heartbeat_at < ?2",
            params![session, super::now() - 3600],
        )?;
        Ok(())
    }

    /// Live sessions other than `own` that have a candidate open, as of `now`.
    pub fn presence_of_others(&self, own: &str, now: i64) -> Result<Vec<Presence>> {
        let mut st = self.conn.prepare_cached(
            "SELECT session, user, name, candidate_id, activity, since, heartbeat_at FROM presence
             WHERE session != ?1 AND heartbeat_at >= ?2 AND candidate_id IS NOT NULL
             ORDER BY activity DESC, since, session",
        )?;
        let rows = st.query_map(params![own, now - STALE_AFTER], |r| {
            Ok(Presence {
                session: r.get(0)?,
                user: r.get(1)?,
                name: r.get(2)?,
                candidate_id: r.get(3)?,
                activity: Activity::parse(&r.get::<_, String>(4)?),
                since: r.get(5)?,
                heartbeat_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
