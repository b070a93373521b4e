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

/// How a fetch from the server is going, for a status line: `received` of `total` bytes of
/// the part as the server sends it (in its transfer encoding, so a little more than the
/// file); `total` is 0 while connecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub name: String,
    pub received: u64,
    pub total: u64,
}

/// Reads attachment `id`: from the stored message when there is one, else from the server
/// (`imap`, the `[imap]` section; its password command runs only then).
pub fn fetch(store: &Store, id: AttachmentId, imap: Option<&Server>) -> Result<Fetched> {
    fetch_with(store, id, imap, &mut |_| {})
}

/// [`fetch`], telling `progress` how a fetch from the server goes (nothing for a stored
/// message, read at once).
pub fn fetch_with(
    store: &Store,
    id: AttachmentId,
    imap: Option<&Server>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetched> {
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
    let report = |received, total| Progress {
        name: listed.name.clone(),
        received,
        total,
    };
    progress(report(0, 0));
    let ep = connect::Endpoint::from_config(server).map_err(offline)?;
    let mut link = connect::link(&ep).map_err(offline)?;
    let mut last = None;
    let mut heard = |received, total| progress(report(received, total));
    for (folder, uidvalidity, uid) in &source.locations {
        match from_server(
            &mut link,
            folder,
            *uidvalidity,
            *uid,
            id.index - 1,
            &mut heard,
        ) {
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
    progress: &mut dyn FnMut(u64, u64),
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
    Ok(
        bulk::fetch_section(&link.wire, uid, &leaf.section, progress)?
            .map(|body| decode_part(&leaf.encoding, &body)),
    )
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
    fetch_and_save_with(store, id, imap, dir, &mut |_| {})
}

/// [`fetch_and_save`], telling `progress` how the fetch goes (see [`fetch_with`]).
pub fn fetch_and_save_with(
    store: &Store,
    id: AttachmentId,
    imap: Option<&Server>,
    dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<PathBuf> {
    let f = fetch_with(store, id, imap, progress)?;
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

/// The most text a preview shows, in characters.
const MAX_PREVIEW: usize = 200_000;
/// The most a DOCX's text part may inflate to (a zip bomb stops here).
const MAX_DOCX_XML: u64 = 32 << 20;
/// Pages of a PDF read for a preview.
const MAX_PDF_PAGES: usize = 100;

/// What kind of document an attachment is, by type and then by name.
fn kind(f: &Fetched) -> &'static str {
    let name = f.name.to_ascii_lowercase();
    match f.mime.as_str() {
        "application/pdf" | "application/x-pdf" => "pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        m if m.starts_with("text/") && m != "text/html" => "text",
        _ if name.ends_with(".pdf") => "pdf",
        _ if name.ends_with(".docx") => "docx",
        _ if name.ends_with(".txt") || name.ends_with(".md") => "text",
        _ => "",
    }
}

/// Whether [`preview`] can read this attachment as text.
pub fn can_preview(name: &str, mime: &str) -> bool {
    !kind(&Fetched {
        name: name.into(),
        mime: mime.into(),
        bytes: Vec::new(),
    })
    .is_empty()
}

/// A PDF, DOCX or plain-text attachment as text, with no external program; the text is the
/// sender's and is sanitised like a message body.
pub fn preview(f: &Fetched) -> Result<String> {
    let unreadable =
        |why: String| Error::Invalid(format!("{} cannot be read as text: {why}", f.name));
    let text = match kind(f) {
        "pdf" => pdf_text(&f.bytes).map_err(unreadable)?,
        "docx" => docx_text(&f.bytes).map_err(unreadable)?,
        "text" => String::from_utf8_lossy(&f.bytes).into_owned(),
        _ => {
            return Err(Error::Invalid(format!(
                "no text preview for {} ({}): save or open it instead",
                f.name, f.mime
            )));
        }
    };
    let mut text = crate::sanitize::sanitize_text(&text);
    if let Some((cut, _)) = text.char_indices().nth(MAX_PREVIEW) {
        text.truncate(cut);
        text.push_str("\n[… preview cut here]");
    }
    if text.trim().is_empty() {
        return Err(unreadable("it holds no text (a scan?)".into()));
    }
    Ok(text)
}

fn pdf_text(bytes: &[u8]) -> std::result::Result<String, String> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| e.to_string())?;
    let pages: Vec<u32> = doc
        .get_pages()
        .keys()
        .copied()
        .take(MAX_PDF_PAGES)
        .collect();
    let mut out = String::new();
    for p in pages {
        // A page it cannot read is skipped; the others still show.
        if let Ok(t) = doc.extract_text(&[p]) {
            out.push_str(&t);
            out.push('\n');
        }
    }
    Ok(out)
}

fn docx_text(bytes: &[u8]) -> std::result::Result<String, String> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let part = zip
        .by_name("word/document.xml")
        .map_err(|_| "not a Word document (no word/document.xml)".to_string())?;
    let mut xml = Vec::new();
    part.take(MAX_DOCX_XML)
        .read_to_end(&mut xml)
        .map_err(|e| e.to_string())?;
    Ok(docx_runs(&String::from_utf8_lossy(&xml)))
}

/// The text runs (`<w:t>`) of a WordprocessingML body: paragraphs on lines of their own, tabs
/// and breaks kept.
fn docx_runs(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    let mut in_text = false;
    while let Some(lt) = rest.find('<') {
        if in_text {
            out.push_str(&unescape(&rest[..lt]));
        }
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/', '\t', '\n', '\r'])
            .next()
            .unwrap_or("");
        let closing = tag.starts_with('/');
        let empty = tag.ends_with('/');
        match name {
            "w:t" => in_text = !closing && !empty,
            "w:p" if closing => out.push('\n'),
            "w:tab" => out.push('\t'),
            "w:br" | "w:cr" => out.push('\n'),
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = after.find(';').filter(|i| *i <= 10) else {
            out.push('&');
            rest = after;
            continue;
        };
        let ent = &after[..semi];
        let c = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fetches attachment `id` and reads it as text (see [`preview`]).
pub fn fetch_preview(
    store: &Store,
    id: AttachmentId,
    imap: Option<&Server>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(String, String)> {
    let f = fetch_with(store, id, imap, progress)?;
    Ok((f.name.clone(), preview(&f)?))
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

    /// A one-page PDF saying `text`, as a CV writer would make it.
    pub(crate) fn pdf(text: &str) -> Vec<u8> {
        let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
            format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objs.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    /// A DOCX whose body is `paragraphs`.
    pub(crate) fn docx(paragraphs: &[&str]) -> Vec<u8> {
        use std::io::Write as _;
        let body: String = paragraphs
            .iter()
            .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
            .collect();
        let xml = format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
        );
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("[Content_Types].xml", opts).unwrap();
        w.write_all(b"<Types/>").unwrap();
        w.start_file("word/document.xml", opts).unwrap();
        w.write_all(xml.as_bytes()).unwrap();
        w.finish().unwrap().into_inner()
    }

    fn fetched(name: &str, mime: &str, bytes: Vec<u8>) -> Fetched {
        Fetched {
            name: name.into(),
            mime: mime.into(),
            bytes,
        }
    }

    #[test]
    fn a_pdf_cv_reads_as_text() {
        let t = preview(&fetched(
            "cv.pdf",
            "application/pdf",
            pdf("Ana Lopez, Rust engineer"),
        ))
        .unwrap();
        assert!(t.contains("Ana Lopez, Rust engineer"), "{t:?}");
    }

    #[test]
    fn a_docx_cv_reads_as_text_with_its_paragraphs() {
        let bytes = docx(&[
            "Ana Lopez",
            "Rust &amp; Go &lt;10 years&gt;",
            "\u{1b}[2Jgone",
        ]);
        let t = preview(&fetched("cv.docx", "application/octet-stream", bytes)).unwrap();
        assert!(t.contains("Ana Lopez\nRust & Go <10 years>\n"), "{t:?}");
        assert!(
            !t.contains('\u{1b}'),
            "escape sequences are not passed on: {t:?}"
        );
    }

    #[test]
    fn what_cannot_be_read_says_so() {
        let e = preview(&fetched("photo.png", "image/png", vec![1, 2])).unwrap_err();
        assert!(e.to_string().contains("no text preview"), "{e}");
        let e = preview(&fetched("cv.pdf", "application/pdf", b"not a pdf".to_vec())).unwrap_err();
        assert!(e.to_string().contains("cannot be read as text"), "{e}");
        assert!(can_preview("cv.DOCX", "application/octet-stream"));
        assert!(!can_preview("cv.doc", "application/msword"));
    }
}
