//! Diagnostics go to `rapport.log` in the data dir (level from `RAPPORT_LOG`), never to the
//! terminal while the TUI runs.
//!
//! The log is shared by every recruiter on the box and outlives an erasure, so it holds no
//! candidate content: rapport's own events carry ids, counts and kinds, never a name, address,
//! subject or body; other crates (IMAP, TLS, SMTP and MIME libraries can log protocol text at
//! debug and trace) are capped whatever `RAPPORT_LOG` asks. Every line is escaped as it is
//! written ([`log_safe`]), so text that still reaches the log (a server's error) cannot forge a
//! line or carry terminal escapes to whoever reads it. The file is rotated by size.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

pub const LOG_FILE: &str = "rapport.log";

/// Past this size the log is rotated: `rapport.log` becomes `rapport.log.1`, and so on.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;

/// Rotated generations kept (`rapport.log.1` .. `rapport.log.3`).
pub const GENERATIONS: u32 = 3;

/// Crates that parse or carry mail (protocol lines, headers, bodies): nothing of theirs is
/// logged. Every other crate is capped at `warn`.
const SILENT: &[&str] = &["imap", "imap_proto", "mailparse", "html2text", "lettre"];

/// Starts logging to the data dir's log file. Safe to call once per process; later calls are
/// ignored. Failing to open the log is not fatal: rapport runs without one.
pub fn init(data_dir: &Path) {
    let filter = EnvFilter::try_from_env("RAPPORT_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // 0600, or 0660 when the data dir is shared with the team: every member appends to it.
    // A link or a FIFO in its place is refused (said once on stderr): rapport then runs
    // without a log rather than appending to whatever a colleague pointed it at.
    let file = match RotatingFile::open(data_dir.join(LOG_FILE), MAX_BYTES) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("rapport: not logging: {e}");
            return;
        }
        Err(_) => return,
    };
    // Applied after the user's filter, so no directive in RAPPORT_LOG (`trace`,
    // `rustls=trace`, `imap_proto::parser=debug`) lets another crate's text through.
    let cap = tracing_subscriber::filter::filter_fn(|m| third_party_allows(m.target(), m.level()));
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        // A log that cannot be written (a full disk) must not add lines to the terminal.
        .log_internal_errors(false)
        .with_writer(Mutex::new(file))
        .with_filter(filter)
        .with_filter(cap);
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Whether an event or span of `target` at `level` may be logged: all of rapport's own (the
/// workspace's crates: `rapport`, `rapport_core`, `rapport_demo`), `warn` and `error` of
/// other crates, nothing of the crates that handle mail.
fn third_party_allows(target: &str, level: &tracing::Level) -> bool {
    let crate_name = target.split("::").next().unwrap_or(target);
    if matches!(crate_name, "rapport" | "rapport_core" | "rapport_demo") {
        return true;
    }
    if SILENT.contains(&crate_name) {
        return false;
    }
    *level <= tracing::Level::WARN
}

/// Logs to the data dir only when it already exists: scripting commands must not create
/// directories as a side effect of logging.
pub fn init_if_exists(data_dir: &Path) {
    if data_dir.is_dir() {
        init(data_dir);
    }
}

/// `s` with every control character (newline and ESC included), bidi control and invisible
/// format character written as an escape (`\n`, `\u{1b}`), so it stays on one log line and
/// shows what it is. Clean text is returned as it is.
pub fn log_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || crate::sanitize::is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The log file: every record escaped, appended whole, and the file rotated when it passes
/// `max` bytes. Several processes (one per recruiter) append to the same file; the one that
/// rotates holds an exclusive `flock` on it, and the others notice the new file and reopen.
pub struct RotatingFile {
    path: PathBuf,
    file: File,
    max: u64,
}

impl RotatingFile {
    /// Opens (creating) the log at `path`, rotating it first when it is already too large.
    pub fn open(path: PathBuf, max: u64) -> io::Result<RotatingFile> {
        let file = open_append(&path)?;
        let mut r = RotatingFile { path, file, max };
        r.rotate_if_needed(0)?;
        Ok(r)
    }

    /// Before writing `len` more bytes: follows a rotation made by another process, and
    /// rotates when the file would pass the limit.
    fn rotate_if_needed(&mut self, len: u64) -> io::Result<()> {
        if !self.is_current() {
            // Rotated (or removed) by someone else: write to the file at the path now.
            self.file = open_append(&self.path)?;
        }
        let size = self.file.metadata()?.len();
        if size == 0 || size + len <= self.max {
            return Ok(());
        }
        {
            let _lock = Flock::exclusive(&self.file)?;
            // Another process may have rotated while we waited for the lock.
            if self.is_current() {
                let generation = |n: u32| PathBuf::from(format!("{}.{n}", self.path.display()));
                for n in (1..GENERATIONS).rev() {
                    let _ = std::fs::rename(generation(n), generation(n + 1));
                }
                std::fs::rename(&self.path, generation(1))?;
            }
        }
        self.file = open_append(&self.path)?;
        Ok(())
    }

    /// Whether our open file is the one at the path (the path followed as `open` follows it).
    fn is_current(&self) -> bool {
        match (std::fs::metadata(&self.path), self.file.metadata()) {
            (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        }
    }
}

impl Write for RotatingFile {
    /// `buf` is one formatted record (tracing's fmt layer writes each event in one call).
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let (body, newline) = match text.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (&*text, ""),
        };
        let line = format!("{}{newline}", log_safe(body));
        // A log that cannot rotate still takes the line: losing diagnostics is worse.
        let _ = self.rotate_if_needed(line.len() as u64);
        self.file.write_all(line.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The log is created through `shared_dir::open`: 0600, or 0660 when the data dir is shared
/// with the team (every member appends to it).
fn open_append(path: &Path) -> io::Result<File> {
    crate::shared_dir::open(path, crate::shared_dir::Access::Append)
}

/// An exclusive `flock` on a file, released when dropped.
struct Flock<'a>(&'a File);

impl<'a> Flock<'a> {
    fn exclusive(f: &'a File) -> io::Result<Flock<'a>> {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a descriptor we own; no memory is passed.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Flock(f))
    }
}

impl Drop for Flock<'_> {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as above.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// A server's error text as it may go to the log: one line, no control characters, and no
/// email addresses (a rejected recipient is a candidate), cut to 300 characters.
pub fn server_text(text: &str) -> String {
    let line = crate::sanitize::sanitize_line(text);
    let words: Vec<String> = line
        .split(' ')
        .map(|w| {
            if w.contains('@') {
                "[address]".to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ").chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_could_forge_a_line_or_drive_a_terminal() {
        assert_eq!(log_safe("plain text"), "plain text");
        assert_eq!(
            log_safe("Bob\n2026-01-01 ERROR forged"),
            "Bob\\n2026-01-01 ERROR forged"
        );
        assert_eq!(log_safe("a\x1b[2Jb\r"), "a\\u{1b}[2Jb\\r");
        assert_eq!(log_safe("x\u{202e}y\u{85}"), "x\\u{202e}y\\u{85}");
    }

    #[test]
    fn a_record_stays_one_line_whatever_it_carries() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(LOG_FILE);
        let mut f = RotatingFile::open(path.clone(), MAX_BYTES).unwrap();
        f.write_all(b"INFO server said: Bob\n2026-01-01 ERROR forged\x1b[31m\n")
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "INFO server said: Bob\\n2026-01-01 ERROR forged\\u{1b}[31m\n"
        );
    }

    #[test]
    fn a_writer_follows_a_rotation_made_by_another_process() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(LOG_FILE);
        let mut a = RotatingFile::open(path.clone(), 100).unwrap();
        let mut b = RotatingFile::open(path.clone(), 100).unwrap();
        for _ in 0..4 {
            a.write_all(b"forty bytes from a.....................\n")
                .unwrap();
        }
        b.write_all(b"from b\n").unwrap();
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(now.ends_with("from b\n"), "{now}");
        let old = std::fs::read_to_string(format!("{}.1", path.display())).unwrap();
        assert!(!old.contains("from b"), "{old}");
    }

    #[test]
    fn other_crates_are_capped() {
        use tracing::Level;
        assert!(third_party_allows("rapport::core::imap", &Level::TRACE));
        assert!(third_party_allows("rapport", &Level::DEBUG));
        // The core's own lines (sync, delivery) are rapport's, not a third party's.
        assert!(third_party_allows(
            "rapport_core::mail_in::imap::pipeline",
            &Level::DEBUG
        ));
        assert!(!third_party_allows("rustls::client::hs", &Level::DEBUG));
        assert!(third_party_allows("rustls::client::hs", &Level::WARN));
        assert!(!third_party_allows("imap_proto::parser", &Level::ERROR));
        assert!(!third_party_allows("lettre", &Level::WARN));
        assert!(!third_party_allows("rapporteur", &Level::INFO));
    }

    #[test]
    fn rotates_past_the_size_and_keeps_three_generations() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(LOG_FILE);
        let mut f = RotatingFile::open(path.clone(), 100).unwrap();
        for i in 0..20 {
            f.write_all(format!("line {i:02} of about forty bytes.......\n").as_bytes())
                .unwrap();
        }
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        let generation = |n: u32| PathBuf::from(format!("{}.{n}", path.display()));
        assert!(read(&path).contains("line 19"));
        assert!(std::fs::metadata(&path).unwrap().len() <= 100);
        for n in 1..=GENERATIONS {
            assert!(generation(n).exists(), "no generation {n}");
        }
        assert!(!generation(GENERATIONS + 1).exists());
        // Nothing is lost between the current file and the newest generation.
        assert!(
            read(&generation(1)).contains(&format!("line {:02}", 19 - read(&path).lines().count()))
        );
    }

    #[test]
    fn server_text_keeps_no_address_and_no_control() {
        let t = super::server_text("550 5.1.1 <jane@x.example>: Recipient\r\nrejected \x1b[31m");
        assert!(
            !t.contains('@') && !t.contains('\n') && !t.contains('\x1b'),
            "{t}"
        );
        assert!(t.starts_with("550 5.1.1 [address]"), "{t}");
    }
}
