//! Reading any Maildir (what mbsync and offlineimap write) and writing one (the demo).

use crate::mail_in::ingest::RawMessage;
use std::io;
use std::path::{Path, PathBuf};

/// One folder of a Maildir tree: the root is "INBOX", Maildir++ subfolders (".Sent") and
/// plain subdirectories with cur/new (mbsync's layouts) keep their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaildirFolder {
    pub name: String,
    pub path: PathBuf,
}

impl MaildirFolder {
    /// "sent" for folders that look like a Sent folder, else "other" (or "inbox").
    pub fn role(&self) -> &'static str {
        let n = self.name.to_lowercase();
        if n == "inbox" {
            "inbox"
        } else if n.contains("sent") || n.contains("gesendet") || n.contains("envoy") {
            "sent"
        } else {
            "other"
        }
    }
}

fn is_maildir(p: &Path) -> bool {
    p.join("cur").is_dir() || p.join("new").is_dir()
}

/// Lists the folders under `root`. Errors name the path when it is not a Maildir.
pub fn folders(root: &Path) -> io::Result<Vec<MaildirFolder>> {
    let mut out = Vec::new();
    if is_maildir(root) {
        out.push(MaildirFolder {
            name: "INBOX".into(),
            path: root.to_owned(),
        });
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(root)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && is_maildir(p))
        .collect();
    subs.sort();
    for p in subs {
        let file = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(file.as_str(), "cur" | "new" | "tmp") {
            continue;
        }
        let name = file.trim_start_matches('.').replace('.', "/");
        out.push(MaildirFolder { name, path: p });
    }
    if out.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a Maildir: it has no cur/ or new/ directory, and no subfolder has one",
                root.display()
            ),
        ));
    }
    Ok(out)
}

/// The message files of one folder (new/ and cur/), in a stable order.
pub fn message_files(folder: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for sub in ["new", "cur"] {
        let dir = folder.join(sub);
        if !dir.is_dir() {
            continue;
        }
        for e in std::fs::read_dir(&dir)? {
            let p = e?.path();
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if p.is_file() && !hidden {
                files.push(p);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads one message file as a `RawMessage`, dated by its mtime as a last resort. A link or
/// anything but a regular file is refused (the import skips it with a warning): a Maildir in
/// a shared dir must not import a file a colleague linked in, such as the user's own mail.
pub fn read_message(path: &Path) -> io::Result<RawMessage> {
    use crate::shared_dir::{Access, open};
    let mut f = open(path, Access::Read)?;
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut f, &mut bytes)?;
    let received_at = f
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or_else(crate::store::now);
    Ok(RawMessage {
        bytes,
        location: None,
        received_at,
        parts: None,
    })
}

/// Writes messages into a new Maildir folder (creating it and cur/new/tmp), marked as seen.
/// Folders and files are created new or checked to be real (see `shared_dir`): the demo
/// writes its Maildir into the data dir, where colleagues could plant links.
pub fn write_folder(folder: &Path, prefix: &str, messages: &[Vec<u8>]) -> io::Result<()> {
    use crate::shared_dir::{ensure_dir, write_new};
    if let Some(parent) = folder.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    ensure_dir(folder)?;
    for sub in ["cur", "new", "tmp"] {
        ensure_dir(&folder.join(sub))?;
    }
    for (i, m) in messages.iter().enumerate() {
        let tmp = folder.join("tmp").join(format!("{prefix}.{i:06}.rapport"));
        write_new(&tmp, m)?;
        std::fs::rename(
            &tmp,
            folder
                .join("cur")
                .join(format!("{prefix}.{i:06}.rapport:2,S")),
        )?;
    }
    Ok(())
}
