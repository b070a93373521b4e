//! Link tokens: what a candidate's preference-page URL and unsubscribe addresses carry.
//!
//! A token is `varint(key version) ‖ varint(candidate id) ‖ MAC`, where MAC is the first 16
//! bytes (128 bits) of HMAC-SHA256, under that key version, over a fixed label, the version,
//! the candidate id and the candidate's link secret (`candidates.link_nonce`, random, kept in
//! the database). It carries no address or name. In a URL it is base64url without padding;
//! in an e-mail address it is the same bytes in lower-case base32, since mail systems fold
//! the case of addresses (rapport's own parser does).
//!
//! The keys live outside the database, in `rapport-links.key` beside it (like `rapport.key`):
//! a copy of the database alone cannot mint links. Several versions are kept: the newest
//! signs; an older one verifies until `[web] key_grace_days` after it was retired.
//!
//! Revocation: the candidate's link secret is replaced (`Store::renew_link_nonces`), so every
//! earlier token fails; an erased candidate's row, secret and all, is gone, so theirs fail
//! too, and an id SQLite hands out again later gets a new secret of its own.

use crate::store::StoreError;
use hmac::{KeyInit, Mac};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The key file, beside `rapport.db`.
pub const KEY_FILE: &str = "rapport-links.key";
const LOCK_FILE: &str = "rapport-links.key.lock";
/// Bytes of MAC kept in a token.
const MAC_LEN: usize = 16;
const LABEL: &[u8] = b"rapport candidate link v1\0";

/// A token as decoded: who it names and with which key version it was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub version: u32,
    pub candidate: i64,
    mac: [u8; MAC_LEN],
}

/// Why a token was refused. Never shown to whoever presented it (they all get the same
/// answer, [`Invalid`]); for tests and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not a token at all (bad characters, wrong length).
    Malformed,
    /// Signed with a key version this data dir does not have.
    UnknownKey,
    /// Signed with a key retired longer ago than the grace period.
    ExpiredKey,
    /// No such candidate (erased, or never), or no link was ever made for them.
    UnknownCandidate,
    /// The signature does not match: tampered, or revoked (the candidate's secret changed).
    BadSignature,
}

/// A link that does not work. Its `Display` says nothing about why, whatever the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid(Reason);

impl Invalid {
    pub fn new(r: Reason) -> Invalid {
        Invalid(r)
    }
    /// For tests and logging only: never show it to the person who presented the token.
    pub fn reason(&self) -> Reason {
        self.0
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("this link is not valid")
    }
}

impl std::error::Error for Invalid {}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn get_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v: u64 = 0;
    for shift in (0..64).step_by(7).take(10) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            // One spelling per number: no trailing zero groups.
            if byte == 0 && shift > 0 {
                return None;
            }
            return Some(v);
        }
    }
    None
}

impl Token {
    fn bytes(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(24);
        put_varint(&mut b, u64::from(self.version));
        put_varint(&mut b, self.candidate as u64);
        b.extend_from_slice(&self.mac);
        b
    }

    fn from_bytes(b: &[u8]) -> Option<Token> {
        let mut at = 0;
        let version = u32::try_from(get_varint(b, &mut at)?).ok()?;
        let candidate = i64::try_from(get_varint(b, &mut at)?).ok()?;
        let mac: [u8; MAC_LEN] = b.get(at..)?.try_into().ok()?;
        Some(Token {
            version,
            candidate,
            mac,
        })
    }

    /// For a URL: base64url without padding.
    pub fn url(&self) -> String {
        base64url(&self.bytes())
    }

    /// For an e-mail address: lower-case base32 without padding (addresses lose their case).
    pub fn mail(&self) -> String {
        base32(&self.bytes())
    }

    /// Reads a token from a URL.
    pub fn parse_url(s: &str) -> Result<Token, Invalid> {
        (s.len() <= 64)
            .then(|| unbase64url(s))
            .flatten()
            .and_then(|b| Token::from_bytes(&b))
            .ok_or(Invalid(Reason::Malformed))
    }

    /// Reads a token from an e-mail address's extension (any case).
    pub fn parse_mail(s: &str) -> Result<Token, Invalid> {
        (s.len() <= 64)
            .then(|| unbase32(s))
            .flatten()
            .and_then(|b| Token::from_bytes(&b))
            .ok_or(Invalid(Reason::Malformed))
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

fn base64url(b: &[u8]) -> String {
    encode_bits(b, 6, B64)
}
fn base32(b: &[u8]) -> String {
    encode_bits(b, 5, B32)
}

fn encode_bits(b: &[u8], width: u32, alphabet: &[u8]) -> String {
    let mut out = String::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for &x in b {
        acc = (acc << 8) | u32::from(x);
        bits += 8;
        while bits >= width {
            bits -= width;
            out.push(alphabet[((acc >> bits) & ((1 << width) - 1)) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(alphabet[((acc << (width - bits)) & ((1 << width) - 1)) as usize] as char);
    }
    out
}

/// Strict: only the alphabet, and the unused low bits of the last character zero (one
/// spelling per token).
fn decode_bits(s: &str, width: u32, value: impl Fn(u8) -> Option<u32>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * width as usize / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        acc = (acc << width) | value(c)?;
        bits += width;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    (acc == 0 && bits < width).then_some(out)
}

fn unbase64url(s: &str) -> Option<Vec<u8>> {
    decode_bits(s, 6, |c| B64.iter().position(|&x| x == c).map(|p| p as u32))
}

fn unbase32(s: &str) -> Option<Vec<u8>> {
    decode_bits(s, 5, |c| {
        B32.iter()
            .position(|&x| x == c.to_ascii_lowercase())
            .map(|p| p as u32)
    })
}

/// One signing key.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkKey {
    pub version: u32,
    /// When it was made (unix seconds).
    pub created: i64,
    /// When a newer key replaced it; it verifies until `retired + grace`.
    pub retired: Option<i64>,
    key: Vec<u8>,
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LinkKey")
            .field("version", &self.version)
            .field("created", &self.created)
            .field("retired", &self.retired)
            .finish_non_exhaustive()
    }
}

impl LinkKey {
    fn mac(&self, version: u32, candidate: i64, nonce: &str) -> HmacSha256 {
        let mut m = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        m.update(LABEL);
        m.update(&version.to_be_bytes());
        m.update(&candidate.to_be_bytes());
        m.update(nonce.as_bytes());
        m
    }
}

/// The data dir's link keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRing {
    keys: Vec<LinkKey>,
}

impl KeyRing {
    /// The key that signs: the newest.
    pub fn current(&self) -> &LinkKey {
        self.keys
            .iter()
            .max_by_key(|k| k.version)
            .expect("a key ring is never empty")
    }

    pub fn keys(&self) -> &[LinkKey] {
        &self.keys
    }

    /// A token naming `candidate`, signed with the newest key over their link secret.
    pub fn sign(&self, candidate: i64, nonce: &str) -> Token {
        let k = self.current();
        let tag = k.mac(k.version, candidate, nonce).finalize().into_bytes();
        let mut mac = [0u8; MAC_LEN];
        mac.copy_from_slice(&tag[..MAC_LEN]);
        Token {
            version: k.version,
            candidate,
            mac,
        }
    }

    /// Checks `token` against the candidate's link secret (`None`: the candidate is unknown or
    /// has none), at `now`, with retired keys honoured for `grace_secs`. The MAC is compared
    /// in constant time.
    pub fn check(
        &self,
        token: &Token,
        nonce: Option<&str>,
        now: i64,
        grace_secs: i64,
    ) -> Result<(), Invalid> {
        let key = self
            .keys
            .iter()
            .find(|k| k.version == token.version)
            .ok_or(Invalid(Reason::UnknownKey))?;
        if key
            .retired
            .is_some_and(|r| now > r.saturating_add(grace_secs))
        {
            return Err(Invalid(Reason::ExpiredKey));
        }
        let nonce = nonce.ok_or(Invalid(Reason::UnknownCandidate))?;
        key.mac(token.version, token.candidate, nonce)
            .verify_truncated_left(&token.mac)
            .map_err(|_| Invalid(Reason::BadSignature))
    }

    fn render(&self) -> String {
        let mut s = String::from(
            "# rapport link keys: version, made (unix time), retired (unix time or -), key.\n\
             # The newest signs; a retired one verifies for [web] key_grace_days more.\n\
             # Back it up with the database; `rapport web rotate-key` adds a version.\n",
        );
        let mut keys = self.keys.clone();
        keys.sort_by_key(|k| k.version);
        for k in keys {
            let retired = k.retired.map_or("-".to_string(), |r| r.to_string());
            s.push_str(&format!(
                "{} {} {} {}\n",
                k.version,
                k.created,
                retired,
                hex(&k.key)
            ));
        }
        s
    }

    fn parse(path: &Path, text: &str) -> Result<KeyRing, StoreError> {
        let bad = |n: usize| {
            StoreError::Invalid(format!(
                "{}:{n}: not a link key line (version, made, retired or -, 64 hex digits): restore the file from the backup of this data dir",
                path.display()
            ))
        };
        let mut keys: Vec<LinkKey> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let f: Vec<&str> = line.split_whitespace().collect();
            let [v, c, r, k] = f[..] else {
                return Err(bad(i + 1));
            };
            let key = unhex(k)
                .filter(|k| k.len() >= 16)
                .ok_or_else(|| bad(i + 1))?;
            let version: u32 = v.parse().map_err(|_| bad(i + 1))?;
            if keys.iter().any(|k| k.version == version) {
                return Err(bad(i + 1));
            }
            keys.push(LinkKey {
                version,
                created: c.parse().map_err(|_| bad(i + 1))?,
                retired: match r {
                    "-" => None,
                    r => Some(r.parse().map_err(|_| bad(i + 1))?),
                },
                key,
            });
        }
        if keys.is_empty() {
            return Err(StoreError::Invalid(format!(
                "{} holds no link key: restore it from the backup of this data dir",
                path.display()
            )));
        }
        Ok(KeyRing { keys })
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// Random bytes from the kernel.
pub fn random(n: usize) -> Result<Vec<u8>, StoreError> {
    let mut b = vec![0u8; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| StoreError::Invalid(format!("cannot read /dev/urandom: {e}")))?;
    Ok(b)
}

/// A new per-candidate link secret (32 hex digits).
pub fn new_nonce() -> Result<String, StoreError> {
    Ok(hex(&random(16)?))
}

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The keys of `data_dir`, if the file exists (read without following a link).
pub fn load(data_dir: &Path) -> Result<Option<KeyRing>, StoreError> {
    let path = key_path(data_dir);
    let mut f = match crate::shared_dir::open(&path, crate::shared_dir::Access::Read) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path)(e)),
    };
    let mut text = String::new();
    f.read_to_string(&mut text).map_err(io(&path))?;
    KeyRing::parse(&path, &text).map(Some)
}

/// The keys of `data_dir`, made (version 1) on first use.
pub fn load_or_create(data_dir: &Path, now: i64) -> Result<KeyRing, StoreError> {
    if let Some(r) = load(data_dir)? {
        return Ok(r);
    }
    let ring = KeyRing {
        keys: vec![LinkKey {
            version: 1,
            created: now,
            retired: None,
            key: random(32)?,
        }],
    };
    match write(data_dir, &ring, false)? {
        true => Ok(ring),
        // A colleague's process wrote one first: theirs it is.
        false => load(data_dir)?.ok_or_else(|| {
            StoreError::Invalid(format!("{} vanished", key_path(data_dir).display()))
        }),
    }
}

/// Adds a new key version that signs from now on; the one that signed until now is retired
/// at `now` (it verifies for the grace period more). Keys retired longer ago than
/// `drop_after_secs` past their retirement are dropped. Returns the new ring.
pub fn rotate(data_dir: &Path, now: i64, drop_after_secs: i64) -> Result<KeyRing, StoreError> {
    let lock_path = data_dir.join(LOCK_FILE);
    let lock = crate::shared_dir::open_lock(&lock_path).map_err(io(&lock_path))?;
    // SAFETY: flock on a descriptor we own; released when `lock` is dropped.
    let locked = unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_EX) };
    if locked != 0 {
        return Err(io(&lock_path)(std::io::Error::last_os_error()));
    }
    let mut ring = load_or_create(data_dir, now)?;
    let next = ring.current().version + 1;
    for k in &mut ring.keys {
        if k.retired.is_none() {
            k.retired = Some(now);
        }
    }
    ring.keys.retain(|k| {
        k.retired
            .is_none_or(|r| now <= r.saturating_add(drop_after_secs))
    });
    ring.keys.push(LinkKey {
        version: next,
        created: now,
        retired: None,
        key: random(32)?,
    });
    write(data_dir, &ring, true)?;
    drop(lock);
    Ok(ring)
}

/// Writes the key file whole: aside first, then moved into place, so it appears complete or
/// not at all. `replace = false` keeps a file that exists (returns false then). The new file
/// gets the dir's mode without group write (0600, or 0640 in a shared dir), like
/// `rapport.key`.
fn write(data_dir: &Path, ring: &KeyRing, replace: bool) -> Result<bool, StoreError> {
    let path = key_path(data_dir);
    let err = io(&path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".rapport-links.key.")
        .tempfile_in(data_dir)
        .map_err(&err)?;
    let mode = crate::shared_dir::file_mode(data_dir) & 0o640;
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(&err)?;
    tmp.write_all(ring.render().as_bytes()).map_err(&err)?;
    tmp.as_file().sync_all().map_err(&err)?;
    if replace {
        // rename(2) replaces the name itself: a link standing there is replaced, not followed.
        tmp.persist(&path).map_err(|e| {
            let e = e.error;
            if e.kind() == std::io::ErrorKind::PermissionDenied {
                StoreError::Invalid(format!(
                    "cannot replace {}: {e} (in a shared data dir only the user who made the key file, or root, can rotate the key)",
                    path.display()
                ))
            } else {
                err(e)
            }
        })?;
        return Ok(true);
    }
    match tmp.persist_noclobber(&path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(err(e.error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    #[test]
    fn encodings_round_trip_and_have_one_spelling() {
        for n in 0..40usize {
            let b: Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(unbase64url(&base64url(&b)).unwrap(), b);
            assert_eq!(unbase32(&base32(&b)).unwrap(), b);
            assert_eq!(unbase32(&base32(&b).to_uppercase()).unwrap(), b);
        }
        // Non-zero unused bits are another spelling of the same bytes: refused.
        assert_eq!(base64url(&[0xff]), "_w");
        assert!(unbase64url("_x").is_none());
        assert!(unbase64url("a+b/").is_none());
        assert!(unbase32("a1").is_none());
    }

    #[test]
    fn a_token_carries_only_the_version_the_id_and_128_bits_of_mac() {
        let d = tempfile::tempdir().unwrap();
        let ring = load_or_create(d.path(), 0).unwrap();
        let t = ring.sign(1234, "n0nce");
        assert_eq!(t.bytes().len(), 1 + 2 + 16);
        assert_eq!(Token::parse_url(&t.url()).unwrap(), t);
        assert_eq!(Token::parse_mail(&t.mail()).unwrap(), t);
        assert!(t.url().len() <= 26, "{}", t.url());
        assert!(
            t.url()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(ring.check(&t, Some("n0nce"), 0, 0).is_ok());
        // Another secret (revoked), another id, a flipped bit: refused, one kind outward.
        let e = ring.check(&t, Some("other"), 0, 0).unwrap_err();
        assert_eq!(e.reason(), Reason::BadSignature);
        assert_eq!(e.to_string(), "this link is not valid");
        let mut forged = t.clone();
        forged.candidate = 1235;
        assert_eq!(
            ring.check(&forged, Some("n0nce"), 0, 0)
                .unwrap_err()
                .reason(),
            Reason::BadSignature
        );
        let mut b = t.bytes();
        *b.last_mut().unwrap() ^= 1;
        let flipped = Token::from_bytes(&b).unwrap();
        assert!(ring.check(&flipped, Some("n0nce"), 0, 0).is_err());
        assert_eq!(
            ring.check(&t, None, 0, 0).unwrap_err().reason(),
            Reason::UnknownCandidate
        );
        for bad in ["", "x", "!!!!", &"A".repeat(200), &format!("{}A", t.url())] {
            assert_eq!(
                Token::parse_url(bad).unwrap_err().reason(),
                Reason::Malformed,
                "{bad}"
            );
        }
    }

    #[test]
    fn rotation_signs_with_the_new_key_and_honours_the_old_one_for_the_grace_period() {
        let d = tempfile::tempdir().unwrap();
        let t0 = 1_000_000;
        let ring = load_or_create(d.path(), t0).unwrap();
        let old = ring.sign(7, "s");
        let ring = rotate(d.path(), t0 + DAY, 365 * DAY).unwrap();
        assert_eq!(ring.current().version, 2);
        let new = ring.sign(7, "s");
        assert_eq!(new.version, 2);
        assert_ne!(old, new);
        let grace = 90 * DAY;
        assert!(ring.check(&old, Some("s"), t0 + 90 * DAY, grace).is_ok());
        assert_eq!(
            ring.check(&old, Some("s"), t0 + 92 * DAY, grace)
                .unwrap_err()
                .reason(),
            Reason::ExpiredKey
        );
        assert!(ring.check(&new, Some("s"), t0 + 1000 * DAY, grace).is_ok());
        // What was written is what is read back.
        assert_eq!(load(d.path()).unwrap().unwrap(), ring);
        // Long-retired keys are dropped at the next rotation: their tokens name an unknown key.
        let ring = rotate(d.path(), t0 + 500 * DAY, 365 * DAY).unwrap();
        assert_eq!(
            ring.check(&old, Some("s"), t0 + 500 * DAY, grace)
                .unwrap_err()
                .reason(),
            Reason::UnknownKey
        );
        assert_eq!(
            ring.keys().iter().map(|k| k.version).collect::<Vec<_>>(),
            vec![2, 3]
        );
    }

    #[test]
    fn the_key_file_is_private_and_never_followed_through_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        load_or_create(d.path(), 0).unwrap();
        let mode = std::fs::metadata(key_path(d.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let e = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(key_path(d.path()), key_path(e.path())).unwrap();
        let err = load(e.path()).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        // A damaged file is named with its line, never silently replaced.
        std::fs::write(key_path(d.path()), "1 0 - zz\n").unwrap();
        let err = load_or_create(d.path(), 0).unwrap_err();
        assert!(err.to_string().contains(":1:"), "{err}");
    }
}
