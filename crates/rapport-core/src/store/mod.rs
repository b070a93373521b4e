//! SQLite storage behind a narrow interface: every public method is named for the question it
//! answers or the change it makes, and returns plain `core::model`/`store` types, never SQL.
//! A server database could implement the same methods later without touching the UI.

mod answers;
mod attachments;
mod audit;
mod checkpoints;
mod data_rights;
mod done;
mod erasure;
mod facts;
mod filter;
#[cfg(test)]
mod leaf_tests;
mod lease;
mod links;
mod outbox;
mod people;
mod presence;
mod read;
mod relations;
mod requests;
pub mod schema;
mod search_index;
mod shares;
mod summary;
mod suppression;
mod sync_state;
mod teamwork;
mod tx;
mod waits;
mod write;

pub use answers::*;
pub use attachments::*;
pub use audit::*;
pub use data_rights::*;
pub use done::*;
pub use erasure::*;
pub use facts::Facts;
pub use lease::*;
pub use links::*;
pub use outbox::*;
pub use presence::*;
pub use read::*;
pub use relations::*;
pub use requests::*;
pub use shares::*;
pub use summary::*;
pub use suppression::*;
pub use sync_state::*;
pub use teamwork::*;
pub(crate) use tx::WriteTx;
pub use waits::*;
pub use write::*;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The database file inside the data dir.
pub const DB_FILE: &str = "rapport.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "the database {path} has schema version {found}, but this rapport only knows up to version {supported}: \
         it was written by a newer rapport. Upgrade rapport; the database was left untouched"
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        supported: usize,
    },
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database migration failed for {path}: {message}")]
    Migration { path: PathBuf, message: String },
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Invalid(String),
    /// A database file is a link or not a regular file (the message names it).
    #[error("{source}")]
    Unsafe { source: std::io::Error },
    /// The data dir cannot be written at all (read-only file system or modes): reading
    /// commands still work, writing ones stop with this.
    #[error("{0}")]
    ReadOnly(String),
    /// The data dir or a database file is not this user's to use (group membership, modes);
    /// the message says whose it is and the command that fixes it.
    #[error("{0}")]
    Denied(String),
}

impl StoreError {
    /// The error as the log may hold it: `Invalid` messages can name a candidate (an address
    /// that is not theirs, a value read back), so only their kind is logged.
    pub fn for_log(&self) -> String {
        match self {
            StoreError::Invalid(_) => {
                "refused or malformed data (details shown to the user only)".into()
            }
            e => e.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One connection to the rapport database. Open one per thread or process; WAL lets readers
/// and one writer work at the same time.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// How a candidate's summary is derived (see `summary`).
    rules: Rules,
    /// Copies the log into the database during a first load (see `checkpoints`).
    checkpointer: Option<checkpoints::Checkpointer>,
    /// The candidates the last searched inbox query found (see `filter::Matches`).
    matches: std::cell::RefCell<Option<filter::Matches>>,
    /// Raised when a write inside a [`Store::batch`] gave up part-way (see `tx`).
    batch_spoilt: std::cell::Cell<bool>,
    /// Inside [`Store::batch`].
    batching: std::cell::Cell<bool>,
}

impl Store {
    /// Opens (creating when needed) and migrates the database in `data_dir`. Its mode follows
    /// the dir (see `core::shared_dir`): 0660 in a group-shared dir, else 0600.
    pub fn open_in_with(data_dir: &Path, rules: Rules) -> Result<Store> {
        create_private_dir(data_dir)?;
        if let Some(why) = read_only_reason(data_dir) {
            return Err(StoreError::ReadOnly(format!(
                "{} is read-only ({why}): rapport cannot change anything there; \
                 status, show, search, report and candidates still work",
                data_dir.display()
            )));
        }
        let path = data_dir.join(DB_FILE);
        Store::open_with(&path, rules).map_err(|e| denied(data_dir, e))
    }

    /// Opens the database of a data dir that cannot be written (see [`read_only_reason`])
    /// for reading only: no migration, no clean-up, no lock taken.
    ///
    /// SQLite needs the WAL index (`rapport.db-shm`) to read a WAL database, and cannot
    /// create it in a read-only dir. When it exists (a session was running, or was killed)
    /// the normal read-only open works. When it does not (every session closed cleanly,
    /// which leaves no log to read either), the file is opened `immutable`: nobody can write
    /// it in a read-only dir, so nothing changes under the reader.
    pub fn open_read_only_with(data_dir: &Path, rules: Rules) -> Result<Store> {
        let path = data_dir.join(DB_FILE);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let check = |c: Connection| -> rusqlite::Result<Connection> {
            c.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok(c)
        };
        let wal = data_dir.join(format!("{DB_FILE}-wal"));
        let wal_empty = std::fs::metadata(&wal).map_or(true, |m| m.len() == 0);
        let opened = Connection::open_with_flags(&path, flags).and_then(check);
        let conn = match opened {
            Ok(c) => c,
            Err(_) if wal_empty => {
                let uri = format!("file:{}?immutable=1", uri_path(&path));
                Connection::open_with_flags(uri, flags)
                    .and_then(check)
                    .map_err(|source| StoreError::Open {
                        path: path.clone(),
                        source,
                    })?
            }
            Err(source) => {
                let shm = data_dir.join(format!("{DB_FILE}-shm"));
                if !shm.exists() {
                    return Err(StoreError::ReadOnly(format!(
                        "{} is read-only and {} holds changes that SQLite can only read with \
                         {}, which is missing and cannot be created there: open the data dir \
                         once where it can be written",
                        data_dir.display(),
                        wal.display(),
                        shm.display()
                    )));
                }
                return Err(StoreError::Open {
                    path: path.clone(),
                    source,
                });
            }
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.create_scalar_function(
            "rapport_now",
            0,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            |_| Ok(now()),
        )?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found as usize != schema::LATEST {
            return Err(StoreError::ReadOnly(format!(
                "{} is read-only and its database has schema version {found} (this rapport \
                 reads version {}): it can only be upgraded where it can be written",
                data_dir.display(),
                schema::LATEST
            )));
        }
        Ok(Store {
            conn,
            path,
            rules,
            checkpointer: None,
            matches: Default::default(),
            batch_spoilt: Default::default(),
            batching: Default::default(),
        })
    }

    pub fn open_with(path: &Path, rules: Rules) -> Result<Store> {
        // The folders on the way are the user's choice (a data dir reached through a link of
        // theirs is fine) and are resolved here; SQLite's NOFOLLOW below then refuses a link
        // only where a colleague could have put one: the database file itself.
        let resolved = match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => std::fs::canonicalize(dir)
                .map(|d| d.join(name))
                .unwrap_or_else(|_| path.to_owned()),
            _ => path.to_owned(),
        };
        let path = resolved.as_path();
        // SQLite creates the -wal and -shm files itself and fixes their mode only after
        // creating them: a colleague opening in that instant would get a read-only database.
        // In a shared data dir the umask gives them the group bits from the start.
        if path
            .parent()
            .is_some_and(crate::shared_dir::is_group_shared)
        {
            // SAFETY: umask has no preconditions; it only narrows what later files lack.
            unsafe {
                libc::umask(0o007);
            }
        }
        create_private_file(path)?;
        // SQLite opens these by name: in a shared dir a colleague could have put a link (to
        // the user's own files) or a FIFO in their place. SQLite itself refuses a linked
        // database with NOFOLLOW and opens its -wal and -shm with O_NOFOLLOW.
        for suffix in ["", "-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let p = PathBuf::from(p);
            crate::shared_dir::check_regular(&p).map_err(|source| StoreError::Unsafe { source })?;
        }
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_NOFOLLOW,
        )
        .map_err(|source| match source.sqlite_error() {
            // A link put there after the check above.
            Some(e) if e.extended_code == rusqlite::ffi::SQLITE_CANTOPEN_SYMLINK => {
                StoreError::Unsafe {
                    source: crate::shared_dir::link_error(path),
                }
            }
            _ => StoreError::Open {
                path: path.to_owned(),
                source,
            },
        })?;
        // Writers wait for each other this long inside SQLite; `write_tx` retries beyond it.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // SQL reads the one clock too (`rapport_now()`), never SQLite's own 'now'.
        conn.create_scalar_function(
            "rapport_now",
            0,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8,
            |_| Ok(now()),
        )?;
        retry_busy(|| Ok(conn.pragma_update(None, "journal_mode", "WAL")?))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 32 MiB of page cache: ingest and the search index touch many pages per batch.
        conn.pragma_update(None, "cache_size", -32768)?;
        // Deleted content is overwritten, so an erased person does not linger in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // Room for every statement a busy path uses: with rusqlite's default of 16, releasing
        // a share (policy, facts, ingest, outbox) evicted its own statements and spent a third
        // of its time preparing them again.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let found = retry_busy(|| migrate(&mut conn, path))?;
        let mut store = Store {
            conn,
            path: path.to_owned(),
            rules,
            checkpointer: None,
            matches: Default::default(),
            batch_spoilt: Default::default(),
            batching: Default::default(),
        };
        // Waits are derived data: a database from before they existed gets them built once.
        if (1..3).contains(&found) {
            store.recompute_all_waits()?;
        }
        // A malformed key stays where it is and every use of it says so; reading still works.
        if let Err(e) = store.move_key_out_of_database() {
            tracing::warn!(
                "cannot move the suppression key out of the database: {}",
                e.for_log()
            );
        }
        // An erasure that a colleague's read held up is finished at the next opportunity.
        if let Err(e) = store.finish_pending_erasure(Duration::ZERO) {
            tracing::warn!("cannot finish an earlier erasure yet: {}", e.for_log());
        }
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes whenever another connection (another process, or a worker thread) commits:
    /// cheap enough to poll every half second to pick up colleagues' work.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<usize> {
        let v: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        Ok(v as usize)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.write_with(|tx| {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    /// Records the shared box and the recruiters: their mail is outbound, they are never
    /// candidates.
    pub fn set_team(&mut self, members: &[TeamMember]) -> Result<()> {
        let tx = self.write_tx()?;
        tx.execute("DELETE FROM team_members", [])?;
        for m in members {
            tx.execute(
                "INSERT OR REPLACE INTO team_members(address, name, shared) VALUES (?1, ?2, ?3)",
                params![m.address.to_lowercase(), m.name, m.shared],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn team(&self) -> Result<Vec<TeamMember>> {
        let mut st = self
            .conn
            .prepare("SELECT address, name, shared FROM team_members ORDER BY shared DESC, name")?;
        let rows = st.query_map([], |r| {
            Ok(TeamMember {
                address: r.get(0)?,
                name: r.get(1)?,
                shared: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Returns the id of the folder with this name, creating it with `role` when new.
    pub fn folder_id(&self, name: &str, role: &str) -> Result<i64> {
        self.write_with(|tx| {
            tx.execute(
                "INSERT INTO folders(name, role) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
                params![name, role],
            )?;
            Ok(())
        })?;
        Ok(self
            .conn
            .query_row("SELECT id FROM folders WHERE name = ?1", [name], |r| {
                r.get(0)
            })?)
    }
}

/// A member of the recruiting team (or the shared box itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamMember {
    pub address: String,
    pub name: String,
    pub shared: bool,
}

/// How long SQLite itself waits for a lock before reporting "busy".
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 256;

pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a writer keeps trying before it gives up with an error.
const WRITE_PATIENCE: Duration = Duration::from_secs(120);

/// "database is locked" or "database table is locked".
/// A text column read into its typed value. A value the type does not know (a hand-edited
/// database, or one written by a newer rapport) is an error naming the table, column and value,
/// never a guess: a wrong channel or frequency would let mail through that the candidate
/// refused.
pub(crate) fn typed<T>(
    value: &str,
    table: &str,
    column: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    parse(value).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            Box::new(StoreError::Invalid(format!(
                "the database holds an unknown {table}.{column} value {value:?}"
            ))),
        )
    })
}

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn is_busy_store(e: &StoreError) -> bool {
    match e {
        StoreError::Sql(e) | StoreError::Open { source: e, .. } => is_busy(e),
        StoreError::Migration { message, .. } => message.contains("database is locked"),
        _ => false,
    }
}

/// A short random pause, so processes that collided do not collide again in step.
pub(crate) fn jitter() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    Duration::from_millis(10 + u64::from(nanos % 40))
}

/// Runs `f` again while it fails only because another process holds a lock (opening and
/// migrating while others write), for up to `WRITE_PATIENCE`.
pub(crate) fn retry_busy<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    let start = std::time::Instant::now();
    loop {
        match f() {
            Err(e) if is_busy_store(&e) && start.elapsed() < WRITE_PATIENCE => {
                tracing::warn!("database busy ({e}); retrying");
                std::thread::sleep(jitter());
            }
            r => return r,
        }
    }
}

/// A permission error on a shared data dir says whose group it is and how to join it.
fn denied(dir: &Path, e: StoreError) -> StoreError {
    let perm = match &e {
        StoreError::Io { source, .. } => source.kind() == std::io::ErrorKind::PermissionDenied,
        StoreError::Open { source, .. } | StoreError::Sql(source) => matches!(
            source.sqlite_error_code(),
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly)
        ),
        _ => false,
    };
    let (wal, shm) = (format!("{DB_FILE}-wal"), format!("{DB_FILE}-shm"));
    let files = [DB_FILE, wal.as_str(), shm.as_str()];
    match perm
        .then(|| crate::shared_dir::explain_denied(dir, &files))
        .flatten()
    {
        Some(why) => StoreError::Denied(format!(
            "cannot open the database in {}: {why}",
            dir.display()
        )),
        None => e,
    }
}

/// Migrates to the latest schema; returns the version found.
fn migrate(conn: &mut Connection, path: &Path) -> Result<usize> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found as usize > schema::LATEST {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: found as usize,
            supported: schema::LATEST,
        });
    }
    // Two processes opening a new database at once both read version 0; the one that loses
    // the race fails on "table already exists" once the other committed. Seeing the version
    // move means exactly that: go on from where the other left it.
    let mut seen = found;
    loop {
        match schema::migrations().to_latest(conn) {
            Ok(()) => return Ok(found as usize),
            Err(e) => {
                let now: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
                if now > seen {
                    seen = now;
                    continue;
                }
                return Err(StoreError::Migration {
                    path: path.to_owned(),
                    message: e.to_string(),
                });
            }
        }
    }
}

/// Why the data dir cannot be written by anyone, if so: a read-only file system, or a dir
/// (or database) without any write permission. A dir that the team's group may write but
/// this user may not is not read-only: opening it says whose group to join.
pub fn read_only_reason(dir: &Path) -> Option<String> {
    use std::os::unix::ffi::OsStrExt as _;
    use std::os::unix::fs::PermissionsExt as _;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: a valid C string; statvfs only fills the struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } == 0 && st.f_flag & libc::ST_RDONLY != 0 {
        return Some("its file system is mounted read-only".into());
    }
    let no_write = |p: &Path| {
        std::fs::metadata(p)
            .ok()
            .filter(|m| m.permissions().mode() & 0o222 == 0)
            .map(|m| {
                format!(
                    "{} has mode {:04o}",
                    p.display(),
                    m.permissions().mode() & 0o7777
                )
            })
    };
    // Root may write whatever the modes say: only the file system stops it.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return None;
    }
    no_write(dir).or_else(|| no_write(&dir.join(DB_FILE)))
}

/// A path as an SQLite URI path (the characters a URI gives meaning to are escaped).
fn uri_path(p: &Path) -> String {
    p.to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23")
}

/// Creates `dir` (and parents) readable only by the user, unless it already exists.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    // One look, not two: a colleague's process creating the dir between an "is it a dir?"
    // and an "does it exist?" made the dir look like a file.
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => {
            return Err(StoreError::Invalid(format!(
                "the data dir {} is a file, not a directory",
                dir.display()
            )));
        }
        Err(_) => {}
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(|source| StoreError::Io {
        path: dir.to_owned(),
        source,
    })
}

/// Creates the database file before SQLite opens it, with the mode its directory asks for
/// (0600, or 0660 in a group-shared dir); SQLite gives its WAL and shared-memory files the
/// same mode.
fn create_private_file(path: &Path) -> Result<()> {
    use crate::shared_dir::{Access, open};
    match open(path, Access::CreateNew) {
        Ok(_) => Ok(()),
        // Whatever is there is checked before SQLite opens it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            Err(StoreError::Unsafe { source: e })
        }
        Err(source) => Err(StoreError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Now, as unix seconds (the one clock: `core::clock`).
pub fn now() -> i64 {
    crate::clock::now()
}
