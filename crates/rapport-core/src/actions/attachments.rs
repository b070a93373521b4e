//! Attachments: list what a candidate sent, fetch one on demand, save it to the download
//! folder, and read a PDF or DOCX as text.
//!
//! Nothing is written to disk unless the recruiter asks to save. An attachment's bytes are
//! read again when asked for: from the stored raw message (imported mail, the demo), or from
//! the server by folder and UID, fetching only the part (`BODY.PEEK[section]`, which leaves
//! the message unread).

use crate::config::{Attachments as AttachmentsConfig, Server};
use crate::error::{Error, Result};
use crate::mail_in::imap::{bulk, connect};
use crate::mail_in::parse::{attachment_bytes, decode_part};
use crate::sanitize::sanitize_line;
use crate::store::Store;
use serde::Serialize;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// An attachment by message and position: `"1234.2"` is the second attachment of message 1234.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AttachmentId {
    /// The message's row id.
    pub message: i64,
    /// 1-based, in the order the message lists them.
    pub index: usize,
}

impl fmt::Display for AttachmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.message, self.index)
    }
}

impl FromStr for AttachmentId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            Error::Invalid(format!(
                "{:?} is not an attachment id: they look like 1234.1 (see `rapport attachments EMAIL`)",
                sanitize_line(s)
            ))
        };
        let (m, i) = s.trim().split_once('.').ok_or_else(bad)?;
        let message = m.parse::<i64>().map_err(|_| bad())?;
        let index = i.parse::<usize>().map_err(|_| bad())?;
        if message <= 0 || index == 0 {
            return Err(bad());
        }
        Ok(AttachmentId { message, index })
    }
}

impl Serialize for AttachmentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One attachment as a list shows it. The name is already safe to draw (sanitised at ingest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub id: AttachmentId,
    /// The message's row id.
    pub message: i64,
    pub date: i64,
    pub from: String,
    pub subject: String,
    pub name: String,
    #[serde(rename = "type")]
    pub mime: String,
    /// In bytes (estimated for large synced mail).
    pub size: u64,
}

/// A candidate's attachments, oldest message first.
pub fn list(store: &Store, candidate_id: i64) -> Result<Vec<Listed>> {
    let mut out = Vec::new();
    for m in store.attachments_of(candidate_id)? {
        for (i, a) in m.attachments.into_iter().enumerate() {
            out.push(Listed {
                id: AttachmentId {
                    message: m.message,
                    index: i + 1,
                },
                message: m.message,
                date: m.date,
                from: m.from_addr.clone(),
                subject: m.subject.clone(),
                name: a.name,
                mime: a.mime,
                size: a.size,
            });
        }
    }
    Ok(out)
}

/// An attachment's content, read on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub name: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Reads attachment `id`: from the stored message when there is one, else from the server
/// (`imap`, the `[imap]` section; its password command runs only then).
pub fn fetch(store: &Store, id: AttachmentId, imap: Option<&Server>) -> Result<Fetched> {
    let source = store
        .message_source(id.message)?
        .ok_or_else(|| Error::NotFound(format!("there is no message {}", id.message)))?;
    let listed = source.attachments.get(id.index - 1).ok_or_else(|| {
        Error::NotFound(format!(
            "message {} has {} attachment(s), not {}",
            id.message,
            source.attachments.len(),
            id.index
        ))
    })?;
    let found = |bytes: Vec<u8>| Fetched {
        name: listed.name.clone(),
        mime: listed.mime.clone(),
        bytes,
    };
    if let Some(raw) = &source.raw {
        return attachment_bytes(raw, id.index - 1)
            .map(found)
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "attachment {id} ({}) cannot be read from the stored message",
                    listed.name
                ))
            });
    }
    if source.locations.is_empty() {
        return Err(Error::NotFound(format!(
            "attachment {id} ({}): the message is no longer on the server and no copy was kept",
            listed.name
        )));
    }
    let Some(server) = imap else {
        return Err(Error::Invalid(format!(
            "attachment {id} ({}) is on the mail server, and there is no [imap] section to reach it",
            listed.name
        )));
    };
    let offline = |e: connect::ImapError| {
        Error::Invalid(format!(
            "cannot fetch {} from the mail server (are you offline?): {e}",
            listed.name
        ))
    };
    let ep = connect::Endpoint::from_config(server).map_err(offline)?;
    let mut link = connect::link(&ep).map_err(offline)?;
    let mut last = None;
    for (folder, uidvalidity, uid) in &source.locations {
        match from_server(&mut link, folder, *uidvalidity, *uid, id.index - 1) {
            Ok(Some(bytes)) => {
                let _ = link.session.logout();
                return Ok(found(bytes));
            }
            Ok(None) => {}
            Err(e) => last = Some(e),
        }
    }
    let _ = link.session.logout();
    Err(match last {
        Some(e) => offline(e),
        None => Error::NotFound(format!(
            "attachment {id} ({}) is no longer on the server (moved or deleted since the last sync)",
            listed.name
        )),
    })
}

/// The `index`-th listed part of message `uid` in `folder`, decoded; None when the folder was
/// renumbered or the message is gone.
fn from_server(
    link: &mut connect::Link,
    folder: &str,
    uidvalidity: Option<u32>,
    uid: u32,
    index: usize,
) -> std::result::Result<Option<Vec<u8>>, connect::ImapError> {
    let mbox = link.session.examine(folder)?;
    if uidvalidity.is_some() && mbox.uid_validity != uidvalidity {
        return Ok(None);
    }
    let described = bulk::fetch_all(&link.wire, &[uid], bulk::What::Structure)?;
    let Some(leaves) = described
        .into_iter()
        .find(|f| f.uid == uid)
        .and_then(|f| f.structure)
    else {
        return Ok(None);
    };
    let Some(leaf) = leaves.iter().filter(|l| l.is_listed()).nth(index) else {
        return Ok(None);
    };
    Ok(bulk::fetch_section(&link.wire, uid, &leaf.section)?
        .map(|body| decode_part(&leaf.encoding, &body)))
}

/// The download folder: the configured one, else `$XDG_DOWNLOAD_DIR`, else the user's
/// Downloads folder.
pub fn download_dir(cfg: Option<&AttachmentsConfig>) -> PathBuf {
    if let Some(d) = cfg.and_then(|c| c.download_dir.clone()) {
        return expand_home(d);
    }
    if let Some(d) = std::env::var_os("XDG_DOWNLOAD_DIR").map(PathBuf::from)
        && d.is_absolute()
    {
        return d;
    }
    if let Some(d) =
        directories::UserDirs::new().and_then(|u| u.download_dir().map(Path::to_path_buf))
    {
        return d;
    }
    crate::paths::home_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("Downloads")
}

fn expand_home(p: PathBuf) -> PathBuf {
    match (p.strip_prefix("~"), crate::paths::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => p,
    }
}

/// Longest name kept, in bytes (file systems allow 255).
const MAX_NAME: usize = 200;

/// A file name that stays inside the folder it is saved to: the last path component of what
/// the sender wrote, without control or invisible characters, not hidden, never empty.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = sanitize_line(base)
        .chars()
        .filter(|c| !c.is_control() && !crate::sanitize::is_invisible(*c) && *c != '\0')
        .map(|c| {
            if matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned
        .trim()
        .trim_start_matches(['.', ' ', '-'])
        .trim_end_matches(['.', ' ']);
    let mut out = if trimmed.is_empty() {
        "attachment".to_string()
    } else {
        trimmed.to_string()
    };
    if out.len() > MAX_NAME {
        let (stem, ext) = split_ext(&out);
        let ext = if ext.len() <= 16 { ext } else { "" };
        let mut cut = MAX_NAME - ext.len();
        while !stem.is_char_boundary(cut.min(stem.len())) {
            cut -= 1;
        }
        out = format!("{}{ext}", &stem[..cut.min(stem.len())]);
    }
    out
}

/// "cv.pdf" into ("cv", ".pdf"); a name without a dot has no extension.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// The `n`-th alternative name: "cv (1).pdf".
fn numbered(name: &str, n: usize) -> String {
    if n == 0 {
        return name.to_string();
    }
    let (stem, ext) = split_ext(name);
    format!("{stem} ({n}){ext}")
}

/// Saves `bytes` as a new file in `dir` (created if missing) under [`safe_name`]`(name)`,
/// never replacing a file: "cv.pdf" taken, it becomes "cv (1).pdf". The file is created
/// readable by its owner only and never through a symbolic link. Returns its path.
pub fn save(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |what, path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { what, path, source }
    };
    std::fs::create_dir_all(dir).map_err(io("cannot create the download folder", dir))?;
    let name = safe_name(name);
    for n in 0..10_000 {
        let path = dir.join(numbered(&name, n));
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path);
        match opened {
            Ok(mut f) => {
                let written = f.write_all(bytes).and_then(|_| f.sync_all());
                if let Err(e) = written {
                    let _ = std::fs::remove_file(&path);
                    return Err(io("cannot write", &path)(e));
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io("cannot create", &path)(e)),
        }
    }
    Err(Error::Invalid(format!(
        "{} already holds 10000 files named like {name}",
        dir.display()
    )))
}

/// Fetches attachment `id` and saves it in `dir`; returns where.
pub fn fetch_and_save(
    store: &Store,
    id: AttachmentId,
    imap: Option<&Server>,
    dir: &Path,
) -> Result<PathBuf> {
    let f = fetch(store, id, imap)?;
    save(dir, &f.name, &f.bytes)
}

/// The program and arguments that open `file`: `open_command` (default "xdg-open %s") split
/// on spaces, `%s` replaced by the file as one argument (no shell), or the file appended when
/// there is no `%s`.
pub fn open_command(cfg: Option<&AttachmentsConfig>, file: &Path) -> Result<(String, Vec<String>)> {
    let cmd = cfg
        .and_then(|c| c.open_command.clone())
        .unwrap_or_else(|| "xdg-open %s".to_string());
    let file = file.to_string_lossy().into_owned();
    let mut words: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return Err(Error::Invalid("attachments.open_command is empty".into()));
    }
    if words.iter().any(|w| w.contains("%s")) {
        for w in &mut words {
            *w = w.replace("%s", &file);
        }
    } else {
        words.push(file);
    }
    let program = words.remove(0);
    Ok((program, words))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_what_they_print() {
        let id: AttachmentId = "12.3".parse().unwrap();
        assert_eq!(
            id,
            AttachmentId {
                message: 12,
                index: 3
            }
        );
        assert_eq!(id.to_string(), "12.3");
        for bad in ["", "12", "12.0", "x.1", "-1.1", "1.2.3"] {
            assert!(bad.parse::<AttachmentId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn hostile_names_stay_in_the_folder() {
        assert_eq!(safe_name("../../x"), "x");
        assert_eq!(safe_name("/etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\a\\cv.pdf"), "cv.pdf");
        assert_eq!(safe_name(".."), "attachment");
        assert_eq!(safe_name(""), "attachment");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name("cv\u{202e}fdp.exe"), "cvfdp.exe");
        assert_eq!(safe_name("a\x1b[2Jb\n.pdf"), "ab .pdf");
        assert_eq!(safe_name("-rf"), "rf");
        let long = format!("{}.pdf", "é".repeat(300));
        let s = safe_name(&long);
        assert!(s.len() <= MAX_NAME && s.ends_with(".pdf"), "{s}");
    }

    #[test]
    fn saving_never_overwrites_and_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let a = save(dir.path(), "cv.pdf", b"one").unwrap();
        let b = save(dir.path(), "cv.pdf", b"two").unwrap();
        let c = save(dir.path(), "../cv.pdf", b"three").unwrap();
        assert_eq!(a, dir.path().join("cv.pdf"));
        assert_eq!(b, dir.path().join("cv (1).pdf"));
        assert_eq!(c, dir.path().join("cv (2).pdf"));
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        let mode = std::fs::metadata(&b).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_link_in_the_way_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, dir.path().join("cv.pdf")).unwrap();
        let p = save(dir.path(), "cv.pdf", b"x").unwrap();
        assert_eq!(p, dir.path().join("cv (1).pdf"));
        assert!(!target.exists());
    }

    #[test]
    fn the_open_command_gets_the_file_as_one_argument() {
        let cfg = AttachmentsConfig {
            download_dir: None,
            open_command: Some("open -a Preview %s".into()),
        };
        let (p, args) = open_command(Some(&cfg), Path::new("/d/my cv.pdf")).unwrap();
        assert_eq!(
            (p.as_str(), args),
            (
                "open",
                vec!["-a".into(), "Preview".into(), "/d/my cv.pdf".into()]
            )
        );
        let (p, args) = open_command(None, Path::new("/d/x")).unwrap();
        assert_eq!((p.as_str(), args), ("xdg-open", vec!["/d/x".to_string()]));
    }
}
