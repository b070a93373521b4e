//! Leases: a row naming the one process allowed to do something (sync the mailbox) until it
//! expires. The holder renews it; when the holder dies, its lease runs out and another
//! process takes over. Decided inside one write transaction, so two processes never both win.

use super::{Result, Store};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

/// The lease of the IMAP sync (and IDLE) worker.
pub const SYNC_LEASE: &str = "imap";

/// Who holds (or asks for) a lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaseHolder {
    /// pid@host: unique per running process.
    pub holder: String,
    /// The acting user, as the UI names them.
    pub actor: String,
    /// "inbox", "watch" or "sync".
    pub kind: String,
}

/// A lease as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lease {
    #[serde(flatten)]
    pub who: LeaseHolder,
    /// Unix milliseconds.
    pub acquired_at: i64,
    pub expires_at: i64,
}

impl Lease {
    /// "alice's session", for the status bar.
    pub fn describe_short(&self) -> String {
        format!("{}'s {}", self.who.actor, self.what())
    }

    fn what(&self) -> &'static str {
        match self.who.kind.as_str() {
            "inbox" => "session",
            "watch" => "rapport sync --watch",
            _ => "rapport sync",
        }
    }

    /// "alice's session (pid 123 on box)".
    pub fn describe(&self) -> String {
        let what = self.what();
        let (pid, host) = self
            .who
            .holder
            .split_once('@')
            .unwrap_or((&self.who.holder, ""));
        format!("{}'s {what} (pid {pid} on {host})", self.who.actor)
    }
}

/// Unix milliseconds.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl Store {
    /// Takes or renews the lease `name` for `ttl_ms` when it is free, expired or already ours.
    /// Returns the lease as it stands afterwards: ours, or the live holder's.
    pub fn acquire_lease(&self, name: &str, me: &LeaseHolder, ttl_ms: i64) -> Result<Lease> {
        let tx = self.write_tx()?;
        let now = now_ms();
        let current = lease_row(&tx, name)?;
        let lease = match current {
            Some(l) if l.who.holder != me.holder && l.expires_at > now && !holder_is_gone(&l) => l,
            Some(l) if l.who.holder == me.holder => {
                tx.execute(
                    "UPDATE leases SET expires_at = ?2, actor = ?3, kind = ?4 WHERE name = ?1",
                    params![name, now + ttl_ms, me.actor, me.kind],
                )?;
                Lease {
                    who: me.clone(),
                    acquired_at: l.acquired_at,
                    expires_at: now + ttl_ms,
                }
            }
            previous => {
                tx.execute(
                    "INSERT INTO leases(name, holder, actor, kind, acquired_at, expires_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, actor = excluded.actor,
                        kind = excluded.kind, acquired_at = excluded.acquired_at,
                        expires_at = excluded.expires_at",
                    params![name, me.holder, me.actor, me.kind, now, now + ttl_ms],
                )?;
                if let Some(p) = previous {
                    let why = if p.expires_at > now {
                        "its process is gone"
                    } else {
                        "expired"
                    };
                    tracing::info!("took over the {name} lease from {} ({why})", p.describe());
                }
                Lease {
                    who: me.clone(),
                    acquired_at: now,
                    expires_at: now + ttl_ms,
                }
            }
        };
        tx.commit()?;
        Ok(lease)
    }

    /// Gives the lease up, if it is ours (a clean exit: others need not wait for it to expire).
    pub fn release_lease(&self, name: &str, holder: &str) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute(
            "DELETE FROM leases WHERE name = ?1 AND holder = ?2",
            params![name, holder],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The lease `name` if someone holds it now (an expired lease is nobody's).
    pub fn lease(&self, name: &str) -> Result<Option<Lease>> {
        Ok(lease_row(&self.conn, name)?.filter(|l| l.expires_at > now_ms() && !holder_is_gone(l)))
    }
}

/// Whether the holder is a process of this host that no longer exists: its lease is taken at
/// once instead of after the TTL. Only a definite "no such process" counts (EPERM means it
/// lives under another user); a holder on another host is trusted until its lease expires.
fn holder_is_gone(l: &Lease) -> bool {
    let Some((pid, host)) = l.who.holder.split_once('@') else {
        return false;
    };
    let Ok(pid) = pid.parse::<libc::pid_t>() else {
        return false;
    };
    if pid <= 0 || host != crate::shared_dir::host() {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

fn lease_row(conn: &rusqlite::Connection, name: &str) -> Result<Option<Lease>> {
    Ok(conn
        .query_row(
            "SELECT holder, actor, kind, acquired_at, expires_at FROM leases WHERE name = ?1",
            [name],
            |r| {
                Ok(Lease {
                    who: LeaseHolder {
                        holder: r.get(0)?,
                        actor: r.get(1)?,
                        kind: r.get(2)?,
                    },
                    acquired_at: r.get(3)?,
                    expires_at: r.get(4)?,
                })
            },
        )
        .optional()?)
}
