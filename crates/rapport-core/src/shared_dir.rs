//! A data dir that several OS users share (the team's box): who the acting user is, and which
//! mode rapport's files get. A data dir with the setgid bit and group rwx (mode 2770, owned by
//! a group such as `recruiting`; 3770 with the sticky bit, which `check` asks for) is shared: every file rapport creates in it is 0660 and
//! inherits the group, so every member can read and write it. Any other data dir is private:
//! files are 0600. `check` is what `rapport doctor` reports.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Whether `dir` is set up for a team: setgid with group read, write and search.
pub fn is_group_shared(dir: &Path) -> bool {
    std::fs::metadata(dir)
        .map(|m| m.mode() & 0o2070 == 0o2070)
        .unwrap_or(false)
}

/// The mode of files rapport creates in `dir`: 0660 in a group-shared dir, else 0600.
pub fn file_mode(dir: &Path) -> u32 {
    if is_group_shared(dir) { 0o660 } else { 0o600 }
}

fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// How a file in the data dir is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read only; never created.
    Read,
    /// Appended to (the log); created when missing.
    Append,
    /// Read and written (lock files); created when missing.
    ReadWrite,
    /// A new file that must not exist yet (the database, a message, a draft).
    CreateNew,
    /// Written from the start (truncated); created when missing.
    Replace,
}

/// Opens `path` in the data dir (or another dir colleagues can write) so that a colleague
/// cannot turn rapport against the user: the last component is never followed when it is a
/// symbolic link, anything but a regular file (a FIFO that would block, a device, a dir) is
/// refused, and only a file this call created gets a mode (the dir's, whatever the umask): a
/// file that already exists is never chmodded, since it may be someone else's.
pub fn open(path: &Path, access: Access) -> io::Result<File> {
    let base = || {
        let mut o = OpenOptions::new();
        match access {
            Access::Read => o.read(true),
            Access::Append => o.append(true),
            Access::ReadWrite => o.read(true).write(true),
            Access::CreateNew | Access::Replace => o.write(true),
        };
        // O_NONBLOCK: opening a FIFO for writing would otherwise wait for a reader forever.
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
        o
    };
    let create_new = || {
        let mut o = base();
        o.create_new(true).mode(file_mode(dir_of(path)));
        o.open(path)
    };
    let opened = match access {
        Access::Read => base().open(path).map(|f| (f, false)),
        Access::CreateNew => create_new().map(|f| (f, true)),
        Access::Append | Access::ReadWrite | Access::Replace => {
            let mut tries = 0;
            loop {
                tries += 1;
                // O_CREAT|O_EXCL first, so "created" is known rather than guessed from the owner.
                match create_new() {
                    Ok(f) => break Ok((f, true)),
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match base().open(path) {
                        Ok(f) => break Ok((f, false)),
                        // Removed in between: create it after all (a few times, not forever).
                        Err(e) if e.kind() == io::ErrorKind::NotFound && tries < 10 => continue,
                        Err(e) => break Err(e),
                    },
                    Err(e) => break Err(e),
                }
            }
        }
    };
    let (file, created) = opened.map_err(|e| explain_open(path, e))?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    // Back to blocking I/O for the regular file (O_NONBLOCK only guarded the open).
    // SAFETY: fcntl on a descriptor we own, with integer arguments.
    unsafe {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
    if created {
        // The umask may have narrowed the mode; the file is ours, made just now.
        file.set_permissions(std::fs::Permissions::from_mode(file_mode(dir_of(path))))?;
    } else if access == Access::Replace {
        file.set_len(0)?;
    }
    Ok(file)
}

/// Says what is wrong when opening failed because of what stands at `path`.
fn explain_open(path: &Path, e: io::Error) -> io::Error {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => link_error(path),
        Ok(m) if !m.is_file() => not_regular(path, &m),
        _ => e,
    }
}

/// The error for a link where rapport expects its own file.
pub fn link_error(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is a symbolic link; rapport does not follow links in the data dir \
             (a colleague may have replaced it): remove it",
            path.display()
        ),
    )
}

fn not_regular(path: &Path, m: &std::fs::Metadata) -> io::Error {
    use std::os::unix::fs::FileTypeExt;
    let t = m.file_type();
    let what = if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} is {what}, not a regular file; rapport only uses regular files in the data dir \
             (a colleague may have replaced it): remove it",
            path.display()
        ),
    )
}

/// Checks, without opening it, that `path` is a regular file or missing (for files another
/// library opens by name, such as SQLite's database): a link or a FIFO there is refused.
pub fn check_regular(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(link_error(path)),
        Ok(m) if !m.is_file() => Err(not_regular(path, &m)),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates the directory `dir` (its parent must exist) with the mode the parent asks for
/// (0700, or 3770 in a shared dir: setgid and sticky, like the data dir), or checks that the
/// one there is a real directory: a link in its place would send rapport's files elsewhere.
pub fn ensure_dir(dir: &Path) -> io::Result<()> {
    let mode = if is_group_shared(dir_of(dir)) {
        0o3770
    } else {
        0o700
    };
    let mut b = std::fs::DirBuilder::new();
    std::os::unix::fs::DirBuilderExt::mode(&mut b, mode);
    match b.create(dir) {
        Ok(()) => {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))?;
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            match std::fs::symlink_metadata(dir) {
                Ok(m) if m.file_type().is_symlink() => Err(link_error(dir)),
                Ok(m) if !m.is_dir() => Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} is not a directory: remove it", dir.display()),
                )),
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

/// Reads a whole file of the data dir (see `open`).
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    io::Read::read_to_end(&mut open(path, Access::Read)?, &mut out)?;
    Ok(out)
}

/// Writes `bytes` as the new file `path` (see `open`): an existing file is an error.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    io::Write::write_all(&mut open(path, Access::CreateNew)?, bytes)
}

/// Opens (creating when missing) a lock file. A lock file a colleague created and we may not
/// write is opened read-only: `flock` works on either.
pub fn open_lock(path: &Path) -> io::Result<File> {
    match open(path, Access::ReadWrite) {
        // Missing and not ours to create: the first error says why.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            open(path, Access::Read).map_err(|r| {
                if r.kind() == io::ErrorKind::NotFound {
                    e
                } else {
                    r
                }
            })
        }
        r => r,
    }
}

/// The OS user running rapport (from the user database, not `$USER`, which any process can
/// set).
pub fn os_user() -> String {
    // SAFETY: geteuid has no preconditions.
    let uid = unsafe { libc::geteuid() };
    user_name(uid).unwrap_or_else(|| {
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| format!("uid {uid}"))
    })
}

fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0u8; 4096];
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; the buffer outlives its use below.
    let rc =
        unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut out) };
    if rc != 0 || out.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pw.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

fn group_name(gid: u32) -> Option<String> {
    let mut buf = vec![0u8; 16384];
    let mut gr: libc::group = unsafe { std::mem::zeroed() };
    let mut out: *mut libc::group = std::ptr::null_mut();
    // SAFETY: as in `user_name`.
    let rc =
        unsafe { libc::getgrgid_r(gid, &mut gr, buf.as_mut_ptr().cast(), buf.len(), &mut out) };
    if rc != 0 || out.is_null() {
        return None;
    }
    // SAFETY: on success gr_name points into `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(gr.gr_name) };
    Some(name.to_string_lossy().into_owned())
}

/// The group's name, or its number when it has none.
pub fn group_label(gid: u32) -> String {
    group_name(gid).unwrap_or_else(|| gid.to_string())
}

/// The owner's name, or their number.
pub fn user_label(uid: u32) -> String {
    user_name(uid).unwrap_or_else(|| uid.to_string())
}

/// This machine's name.
pub fn host() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Whether the running process is in group `gid`.
fn in_group(gid: u32) -> bool {
    // SAFETY: no preconditions.
    if unsafe { libc::getegid() } == gid || unsafe { libc::geteuid() } == 0 {
        return true;
    }
    let mut groups = vec![0 as libc::gid_t; 256];
    // SAFETY: the buffer holds `len` entries.
    let n = unsafe { libc::getgroups(groups.len() as i32, groups.as_mut_ptr()) };
    n > 0 && groups[..n as usize].contains(&gid)
}

/// One finding about the data dir: what is wrong and the exact command that fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub ok: bool,
    pub what: String,
    pub fix: Option<String>,
}

fn quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+@".contains(c))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn join(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| quote(p)).collect::<Vec<_>>().join(" ")
}

/// Checks ownership and modes of the data dir and the files in it.
pub fn check(dir: &Path) -> Vec<Finding> {
    let mut out = Vec::new();
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) => {
            out.push(Finding {
                ok: false,
                what: format!("cannot read the data dir {}: {e}", dir.display()),
                fix: None,
            });
            return out;
        }
    };
    let mode = meta.mode() & 0o7777;
    let group = group_label(meta.gid());
    let d = quote(dir);
    let shared = is_group_shared(dir);
    let meant_shared = mode & 0o070 != 0;
    if mode & 0o007 != 0 {
        out.push(Finding {
            ok: false,
            what: format!(
                "{} is mode {mode:04o}: users outside the team can reach the database",
                dir.display()
            ),
            fix: Some(format!(
                "chmod {} {d}",
                if meant_shared { "3770" } else { "0700" }
            )),
        });
    }
    if meant_shared && !shared {
        out.push(Finding {
            ok: false,
            what: format!(
                "{} (group {group}, mode {mode:04o}) looks meant for the team but is not setgid with group rwx, \
                 so new files would not stay in group {group}",
                dir.display()
            ),
            fix: Some(format!("chmod 3770 {d}")),
        });
    }
    if shared && mode & 0o1000 == 0 {
        out.push(Finding {
            ok: false,
            what: format!(
                "{} (mode {mode:04o}) has no sticky bit, so any colleague can delete or rename \
                 your files in it and put links in their place",
                dir.display()
            ),
            fix: Some(format!("chmod 3770 {d}")),
        });
    }
    if shared && !in_group(meta.gid()) {
        out.push(Finding {
            ok: false,
            what: format!(
                "you ({}) are not in group {group}, which shares {}",
                os_user(),
                dir.display()
            ),
            fix: Some(format!(
                "sudo usermod -aG {group} {} (then log in again)",
                os_user()
            )),
        });
    }
    let mut wrong_group = Vec::new();
    let mut wrong_mode = Vec::new();
    let mut planted = Vec::new();
    let mut files = 0;
    let want = if shared { 0o660 } else { 0o600 };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        // Not following links: a link is reported as one.
        let Ok(m) = entry.metadata() else { continue };
        if !m.is_file() {
            if !m.is_dir() {
                planted.push(entry.path());
            }
            continue;
        }
        files += 1;
        let p = entry.path();
        if shared && m.gid() != meta.gid() {
            wrong_group.push(p.clone());
        }
        let fm = m.mode() & 0o777;
        if fm & 0o007 != 0 || (shared && fm & 0o660 != 0o660) {
            wrong_mode.push(p);
        }
    }
    if !planted.is_empty() {
        out.push(Finding {
            ok: false,
            what: format!(
                "{} entr{} of the data dir are links or special files, which rapport refuses to \
                 use (a colleague may have put them there)",
                planted.len(),
                if planted.len() == 1 { "y" } else { "ies" }
            ),
            fix: Some(format!("rm {}", join(&planted))),
        });
    }
    if !wrong_group.is_empty() {
        out.push(Finding {
            ok: false,
            what: format!(
                "{} file(s) are not in group {group}, so colleagues cannot use them",
                wrong_group.len()
            ),
            fix: Some(format!("chgrp {group} {}", join(&wrong_group))),
        });
    }
    if !wrong_mode.is_empty() {
        out.push(Finding {
            ok: false,
            what: format!("{} file(s) do not have mode {want:04o}", wrong_mode.len()),
            fix: Some(format!("chmod {want:04o} {}", join(&wrong_mode))),
        });
    }
    if out.is_empty() {
        out.push(Finding {
            ok: true,
            what: if shared {
                format!(
                    "{} is shared with group {group} (mode {mode:04o}, {files} file(s) 0660)",
                    dir.display()
                )
            } else {
                format!(
                    "{} is private to {} (mode {mode:04o}); see the README to share it with a team",
                    dir.display(),
                    user_label(meta.uid())
                )
            },
            fix: None,
        });
    }
    out
}

/// Checks that `path` (a file or a dir rapport reads commands or settings from: the config,
/// the keymap, the snippets) can be changed by nobody but the user (or root): the config runs
/// `password_command`, and whoever can write it can run commands as the user. A missing path
/// is fine. `what` names it in the finding.
pub fn check_own(path: &Path, what: &str) -> Option<Finding> {
    let m = std::fs::metadata(path).ok()?;
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    let mode = m.mode() & 0o7777;
    let q = quote(path);
    if m.uid() != me && m.uid() != 0 {
        return Some(Finding {
            ok: false,
            what: format!(
                "{what} {} belongs to {}, who can change what rapport runs as you",
                path.display(),
                user_label(m.uid())
            ),
            fix: Some(format!("sudo chown {} {q}", os_user())),
        });
    }
    // A sticky dir such as /tmp is writable by all, but others cannot replace what is in it;
    // it is still no place for the configuration.
    (mode & 0o022 != 0).then(|| Finding {
        ok: false,
        what: format!(
            "{what} {} is mode {mode:04o}: others can change it, and with it what rapport runs as you",
            path.display()
        ),
        fix: Some(format!("chmod go-w {q}")),
    })
}

/// Explains why the database in `dir` cannot be opened: the dir belongs to a group we are not
/// in, or one of the database files (`names`) is not the group's.
pub fn explain_denied(dir: &Path, names: &[&str]) -> Option<String> {
    let m = std::fs::metadata(dir).ok()?;
    if in_group(m.gid()) && m.mode() & 0o070 != 0 {
        let group = group_label(m.gid());
        return names.iter().find_map(|n| {
            let p = dir.join(n);
            let f = std::fs::metadata(&p).ok()?;
            let ok = f.gid() == m.gid() && f.mode() & 0o060 == 0o060;
            (!ok).then(|| {
                format!(
                    "{} belongs to {} and group {} (mode {:04o}), so the team cannot use it: \
                     run `chgrp {group} {q} && chmod 0660 {q}` as {} or root (`rapport doctor` checks every file)",
                    p.display(),
                    user_label(f.uid()),
                    group_label(f.gid()),
                    f.mode() & 0o777,
                    user_label(f.uid()),
                    q = quote(&p),
                )
            })
        });
    }
    Some(format!(
        "{} belongs to {} and group {} (mode {:04o}); you ({}) are not in that group: ask an administrator to run \
         `usermod -aG {} {}`",
        dir.display(),
        user_label(m.uid()),
        group_label(m.gid()),
        m.mode() & 0o7777,
        os_user(),
        group_label(m.gid()),
        os_user()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o777
    }

    #[test]
    fn only_a_file_it_creates_gets_a_mode() {
        let d = tempfile::tempdir().unwrap();
        let new = d.path().join("new");
        open(&new, Access::Append).unwrap();
        assert_eq!(mode(&new), 0o600);
        // An existing file keeps its mode (it may be a colleague's, or the user's choice).
        let old = d.path().join("old");
        std::fs::write(&old, "x").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o640)).unwrap();
        open(&old, Access::ReadWrite).unwrap();
        assert_eq!(mode(&old), 0o640);
        // Replace truncates what is there; CreateNew refuses it.
        open(&old, Access::Replace).unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), b"");
        let e = open(&old, Access::CreateNew).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn links_dirs_and_fifos_are_refused_by_name() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("target");
        std::fs::write(&target, "secret\n").unwrap();
        let link = d.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for access in [
            Access::Read,
            Access::Append,
            Access::ReadWrite,
            Access::CreateNew,
            Access::Replace,
        ] {
            let e = open(&link, access).unwrap_err().to_string();
            assert!(
                e.contains(&format!("{} is a symbolic link", link.display())),
                "{access:?}: {e}"
            );
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"secret\n");
        let e = open(d.path(), Access::Read).unwrap_err().to_string();
        assert!(e.contains("is a directory, not a regular file"), "{e}");
        // A FIFO nobody reads: refused at once, for writing too (no wait for a reader).
        let fifo = d.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        for access in [Access::Read, Access::Append, Access::ReadWrite] {
            let e = open(&fifo, access).unwrap_err().to_string();
            assert!(
                e.contains("is a FIFO, not a regular file"),
                "{access:?}: {e}"
            );
        }
        assert!(check_regular(&link).is_err());
        assert!(check_regular(&target).is_ok());
        assert!(check_regular(&d.path().join("missing")).is_ok());
        let sub = d.path().join("sub");
        std::os::unix::fs::symlink(d.path(), &sub).unwrap();
        assert!(ensure_dir(&sub).is_err());
        let real = d.path().join("real");
        ensure_dir(&real).unwrap();
        ensure_dir(&real).unwrap();
        assert_eq!(mode(&real), 0o700);
    }
}
