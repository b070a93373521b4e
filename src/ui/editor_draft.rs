//! The draft file handed to $VISUAL/$EDITOR. It lives in a private directory of the user's
//! (0700, under `$XDG_RUNTIME_DIR` when that is the user's, else the system temp dir), never in
//! the shared data dir, where a colleague could swap it for a link to one of the user's files
//! and have that file saved into the team's database as the draft. It is opened once and read
//! back through the same handle.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A draft on disk for the external editor; the file and its directory go when it is dropped.
pub struct DraftFile {
    dir: tempfile::TempDir,
    path: PathBuf,
    file: File,
}

impl DraftFile {
    /// Writes `text` to a new draft file in a fresh private directory.
    pub fn create(text: &str) -> Result<DraftFile, String> {
        DraftFile::create_in(&private_base(), text)
    }

    /// The same, with the private directory made inside `base`.
    pub fn create_in(base: &Path, text: &str) -> Result<DraftFile, String> {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::Builder::new()
            .prefix("rapport-")
            .permissions(std::fs::Permissions::from_mode(0o700))
            .tempdir_in(base)
            .map_err(|e| {
                format!(
                    "cannot create a private dir for the draft in {}: {e}",
                    base.display()
                )
            })?;
        let path = dir.path().join("draft.txt");
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| format!("cannot create the draft {}: {e}", path.display()))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| format!("cannot write the draft {}: {e}", path.display()))?;
        Ok(DraftFile { dir, path, file })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `editor` (a shell command line, like $EDITOR) on the draft; Ok when it succeeded.
    pub fn run_editor(&self, editor: &str) -> Result<(), String> {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("rapport-editor")
            .arg(&self.path)
            .status();
        match status {
            Ok(st) if st.success() => Ok(()),
            Ok(st) => Err(format!("{editor} exited with {st}")),
            Err(e) => Err(format!("cannot run {editor}: {e}")),
        }
    }

    /// The edited text. Read through the handle opened at creation, never by path, unless the
    /// editor replaced the file: editors that save by writing a new file and renaming it over
    /// the old one (vim with `backupcopy=no`, many GUI editors) leave our handle on the old
    /// inode. Then the path is opened without following links, which is safe because the
    /// directory is the user's alone (0700): only the user's own processes can have put
    /// anything there; it must still be a regular file of the user's.
    pub fn read_back(&mut self) -> Result<String, String> {
        let err = |e: std::io::Error| format!("cannot read the draft {}: {e}", self.path.display());
        let ours = self.file.metadata().map_err(err)?;
        let now = std::fs::symlink_metadata(&self.path).map_err(err)?;
        let mut text = String::new();
        if now.file_type().is_file() && (now.dev(), now.ino()) == (ours.dev(), ours.ino()) {
            self.file.seek(SeekFrom::Start(0)).map_err(err)?;
            self.file.read_to_string(&mut text).map_err(err)?;
            return Ok(text);
        }
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(&self.path)
            .map_err(|e| {
                if now.file_type().is_symlink() {
                    format!(
                        "the draft {} was replaced by a symbolic link: not reading it",
                        self.path.display()
                    )
                } else {
                    err(e)
                }
            })?;
        let m = f.metadata().map_err(err)?;
        // SAFETY: geteuid has no preconditions.
        let me = unsafe { libc::geteuid() };
        if !m.is_file() || m.uid() != me {
            return Err(format!(
                "the draft {} was replaced by something that is not a regular file of yours: \
                 not reading it",
                self.path.display()
            ));
        }
        f.read_to_string(&mut text).map_err(err)?;
        Ok(text)
    }

    /// The private directory holding the draft.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// `$XDG_RUNTIME_DIR` when it is a directory of the user's that nobody else can write, else the
/// system temp dir (where the 0700 dir made inside keeps the draft private).
fn private_base() -> PathBuf {
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())
        .filter(|d| {
            std::fs::symlink_metadata(d)
                .is_ok_and(|m| m.is_dir() && m.uid() == me && m.mode() & 0o022 == 0)
        })
        .unwrap_or_else(std::env::temp_dir)
}
