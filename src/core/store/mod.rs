//! SQLite storage behind a narrow interface: every public method is named for the question it
//! answers or the change it makes, and returns plain `core::model`/`store` types, never SQL.
//! A server database could implement the same methods later without touching the UI.

mod data_rights;
mod outbox;
mod people;
mod read;
mod relations;
pub mod schema;
mod search_index;
mod sync_state;
mod write;

pub use data_rights::*;
pub use outbox::*;
pub use read::*;
pub use relations::*;
pub use sync_state::*;
pub use write::*;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
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
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// One connection to the rapport database. Open one per thread or process; WAL lets readers
/// and one writer work at the same time.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating when needed, mode 0600) and migrates the database in `data_dir`.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        create_private_dir(data_dir)?;
        Store::open(&data_dir.join(DB_FILE))
    }

    pub fn open(path: &Path) -> Result<Store> {
        create_private_file(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // 32 MiB of page cache: ingest and the search index touch many pages per batch.
        conn.pragma_update(None, "cache_size", -32768)?;
        // Deleted content is overwritten, so an erased person does not linger in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrate(&mut conn, path)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
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
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Records the shared box and the recruiters: their mail is outbound, they are never
    /// candidates.
    pub fn set_team(&mut self, members: &[TeamMember]) -> Result<()> {
        let tx = self.conn.transaction()?;
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
        self.conn.execute(
            "INSERT INTO folders(name, role) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
            params![name, role],
        )?;
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

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found as usize > schema::LATEST {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found: found as usize,
            supported: schema::LATEST,
        });
    }
    schema::migrations()
        .to_latest(conn)
        .map_err(|e| StoreError::Migration {
            path: path.to_owned(),
            message: e.to_string(),
        })
}

/// Creates `dir` (and parents) readable only by the user, unless it already exists.
pub fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
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

/// Creates the database file with mode 0600 before SQLite opens it; SQLite gives its WAL and
/// shared-memory files the same mode.
fn create_private_file(path: &Path) -> Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Now, as unix seconds.
pub fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}
