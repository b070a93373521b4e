//! What stays of a person erased on request: a keyed hash of each address (the suppression
//! list), and where mail that concerns them sits on the server, never its content.
//!
//! The key lives in its own file next to the database (`rapport.key`), never in it: a copy of
//! the database alone cannot be used to test guessed addresses against the list.

use super::tx::Cached;
use super::{Result, Store, StoreError};
use hmac::{KeyInit, Mac};
use rusqlite::{Connection, OptionalExtension, params};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The key file, beside `rapport.db`.
pub const KEY_FILE: &str = "rapport.key";

/// Hashes addresses with the data dir's key; knows whether anyone was ever erased, so that
/// ingest pays nothing until someone is.
pub struct Suppressor {
    key: Option<Vec<u8>>,
    any: bool,
}

impl Suppressor {
    /// The hasher for an erasure, with the key it made or found.
    pub(super) fn with_key(key: Vec<u8>) -> Suppressor {
        Suppressor {
            key: Some(key),
            any: true,
        }
    }

    /// The keyed hash of an address (trimmed, lower-cased), or `None` without a key.
    pub fn hash(&self, address: &str) -> Option<String> {
        let key = self.key.as_ref()?;
        Some(keyed_hash(key, address.trim().to_lowercase().as_bytes()))
    }

    /// The hash of the first of `addresses` on the suppression list.
    pub fn first_suppressed<'a>(
        &self,
        conn: &Connection,
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> Result<Option<String>> {
        if !self.any {
            return Ok(None);
        }
        let mut st = conn.prepare_cached("SELECT 1 FROM suppressions WHERE address_hash = ?1")?;
        for a in addresses {
            if let Some(h) = self.hash(a)
                && st.exists([&h])?
            {
                return Ok(Some(h));
            }
        }
        Ok(None)
    }

    /// A keyed hash of any other value (a Message-ID), so it can be matched but not read.
    pub fn hash_value(&self, v: &str) -> Option<String> {
        Some(keyed_hash(self.key.as_ref()?, v.as_bytes()))
    }
}

fn keyed_hash(key: &[u8], data: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    hex_encode(&mac.finalize().into_bytes())
}

/// One piece of mail about an erased person that the server still holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SuppressedMail {
    pub id: i64,
    /// When rapport saw it (or erased its stored copy).
    pub at: i64,
    pub folder: Option<String>,
    pub uid: Option<u32>,
    pub address_hash: String,
    /// It arrived after the erasure (the team is told); otherwise it was held at erasure.
    pub arrived: bool,
    pub acknowledged: bool,
}

impl Store {
    fn key_path(&self) -> PathBuf {
        key_path(&self.path)
    }

    /// The hasher, without creating a key: reading never needs one when nobody was erased.
    pub fn suppressor(&self) -> Result<Suppressor> {
        suppressor(&self.conn, &self.path)
    }

    /// The key, made on first use (the first erasure).
    pub(super) fn suppression_key_for_erasure(&self) -> Result<Vec<u8>> {
        // Refuses while a malformed key is left in the database.
        suppressor(&self.conn, &self.path)?;
        if let Some(k) = read_key(&self.key_path())? {
            return Ok(k);
        }
        if self.suppressions_exist()? {
            return Err(missing_key(&self.key_path()));
        }
        let mut key = vec![0u8; 32];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut key))
            .map_err(|e| StoreError::Invalid(format!("cannot read /dev/urandom: {e}")))?;
        write_key(&self.key_path(), &key)
    }

    /// How many addresses were erased on request (kept only as keyed hashes).
    pub fn suppressed_addresses(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM suppressions", [], |r| r.get(0))?)
    }

    fn suppressions_exist(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS(SELECT 1 FROM suppressions)", [], |r| {
                r.get(0)
            })?)
    }

    /// The keyed hash of an address, as kept after erasure (`None`: nobody was ever erased).
    pub fn address_hash(&self, address: &str) -> Result<Option<String>> {
        Ok(self.suppressor()?.hash(address))
    }

    /// When `address` was erased on request, if it was.
    pub fn suppressed_since(&self, address: &str) -> Result<Option<i64>> {
        let Some(h) = self.address_hash(address)? else {
            return Ok(None);
        };
        Ok(self
            .conn
            .prepare_cached("SELECT at FROM suppressions WHERE address_hash = ?1")?
            .query_row([h], |r| r.get(0))
            .optional()?)
    }

    /// Mail about erased people that the server holds: arrivals since the erasure first.
    pub fn suppressed_mail(&self, only_unacknowledged: bool) -> Result<Vec<SuppressedMail>> {
        let mut st = self.conn.prepare(
            "SELECT s.id, s.at, f.name, s.uid, s.address_hash, s.arrived, s.acknowledged_at IS NOT NULL
             FROM suppressed_mail s LEFT JOIN folders f ON f.id = s.folder_id
             WHERE s.arrived = 1 OR ?1 = 0
             ORDER BY s.arrived DESC, s.at, s.id",
        )?;
        let rows = st.query_map([only_unacknowledged], |r| {
            Ok(SuppressedMail {
                id: r.get(0)?,
                at: r.get(1)?,
                folder: r.get(2)?,
                uid: r.get::<_, Option<i64>>(3)?.map(|u| u as u32),
                address_hash: r.get(4)?,
                arrived: r.get(5)?,
                acknowledged: r.get(6)?,
            })
        })?;
        let all: Vec<SuppressedMail> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(all
            .into_iter()
            .filter(|m| !only_unacknowledged || (m.arrived && !m.acknowledged))
            .collect())
    }

    /// How many arrivals from erased addresses nobody has acknowledged yet.
    pub fn unacknowledged_suppressed_arrivals(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM suppressed_mail WHERE arrived = 1 AND acknowledged_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Marks every arrival from an erased address as seen by `actor`.
    pub fn acknowledge_suppressed_arrivals(&mut self, actor: &str) -> Result<usize> {
        let tx = self.write_tx()?;
        let n = tx.execute(
            "UPDATE suppressed_mail SET acknowledged_at = ?1, acknowledged_by = ?2
             WHERE arrived = 1 AND acknowledged_at IS NULL",
            params![super::now(), actor],
        )?;
        if n > 0 {
            super::relations::audit(
                &tx,
                actor,
                "acknowledge-erased-mail",
                None,
                &format!("{n} message(s) from erased addresses"),
            )?;
        }
        tx.commit()?;
        Ok(n)
    }

    /// Moves the key an older rapport kept in the database into its own file (and out of
    /// the database).
    pub(super) fn move_key_out_of_database(&mut self) -> Result<()> {
        let Some(hex) = self.meta("suppression_key")? else {
            return Ok(());
        };
        let key = hex_decode(&hex).ok_or_else(|| malformed_meta_key(&self.path, &hex))?;
        match read_key(&self.key_path())? {
            None => {
                write_key(&self.key_path(), &key)?;
            }
            Some(k) if k == key => {}
            Some(_) => {
                return Err(StoreError::Invalid(format!(
                    "{} and the key kept in {} differ: restore the key file that belongs to this database",
                    self.key_path().display(),
                    self.path.display()
                )));
            }
        }
        super::retry_busy(|| {
            Ok(self
                .conn
                .execute("DELETE FROM meta WHERE key = 'suppression_key'", [])?)
        })?;
        Ok(())
    }
}

/// The hasher over a connection (inside a transaction too).
pub(super) fn suppressor(conn: &Connection, db: &Path) -> Result<Suppressor> {
    // A key still in the database is one that could not be moved out at open (malformed).
    let left: Option<String> = conn
        .row(
            "SELECT value FROM meta WHERE key = 'suppression_key'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(hex) = left {
        return Err(malformed_meta_key(db, &hex));
    }
    let any: bool = conn.row("SELECT EXISTS(SELECT 1 FROM suppressions)", [], |r| {
        r.get(0)
    })?;
    // Nobody erased: nothing to recognise, so the key file is not read (ingest and every
    // queued message ask this).
    if !any {
        return Ok(Suppressor { key: None, any });
    }
    let key = read_key(&key_path(db))?;
    if key.is_none() {
        return Err(missing_key(&key_path(db)));
    }
    Ok(Suppressor { key, any })
}

/// The value is a secret: its length is named, never its text.
fn malformed_meta_key(db: &Path, hex: &str) -> StoreError {
    StoreError::Invalid(format!(
        "the database {} holds a malformed meta.suppression_key ({} characters, not hex digits): restore it from a backup, or erased addresses cannot be recognised",
        db.display(),
        hex.chars().count()
    ))
}

fn key_path(db: &Path) -> PathBuf {
    db.with_file_name(KEY_FILE)
}

fn missing_key(path: &Path) -> StoreError {
    StoreError::Invalid(format!(
        "{} is missing, yet people were erased on request: without it rapport cannot recognise their addresses. Restore it from the backup of this data dir",
        path.display()
    ))
}

/// Reads the key file (64 hex digits), without following a link.
fn read_key(path: &Path) -> Result<Option<Vec<u8>>> {
    let mut f = match crate::shared_dir::open(path, crate::shared_dir::Access::Read) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StoreError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut text = String::new();
    f.read_to_string(&mut text)
        .map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
    match hex_decode(text.trim()) {
        Some(k) if k.len() >= 16 => Ok(Some(k)),
        _ => Err(StoreError::Invalid(format!(
            "{} does not hold a key (64 hexadecimal digits)",
            path.display()
        ))),
    }
}

/// Writes a new key file whole, or takes the one a colleague's process wrote first: the file
/// appears complete or not at all (written aside, then linked into place without replacing).
fn write_key(path: &Path, key: &[u8]) -> Result<Vec<u8>> {
    let io = |source| StoreError::Io {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".rapport.key.")
        .tempfile_in(dir)
        .map_err(io)?;
    // Group-readable in a shared dir (colleagues hash with it), never writable by them.
    let mode = crate::shared_dir::file_mode(dir) & 0o640;
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(io)?;
    tmp.write_all(format!("{}\n", hex_encode(key)).as_bytes())
        .map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(key.to_vec()),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(path)?.ok_or_else(|| missing_key(path))
        }
        Err(e) => Err(io(e.error)),
    }
}

pub(super) fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Hex digits to bytes; `None` for anything else.
pub(super) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}
