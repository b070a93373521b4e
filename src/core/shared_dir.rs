//! A data dir that several OS users share (the team's box): who the acting user is, and which
//! mode rapport's files get. A data dir with the setgid bit and group rwx (mode 2770, owned by
//! a group such as `recruiting`) is shared: every file rapport creates in it is 0660 and
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

/// Opens `path` with `opts` (which may create it), giving a file it creates the mode its
/// directory asks for whatever the umask is. A file of ours that lacks the group bits in a
/// shared dir gets them (made before the dir was shared).
pub fn open(path: &Path, opts: &mut OpenOptions) -> io::Result<File> {
    let mode = file_mode(dir_of(path));
    opts.mode(mode);
    let f = opts.open(path)?;
    if let Ok(m) = f.metadata() {
        let have = m.mode() & 0o777;
        // SAFETY: geteuid has no preconditions.
        let mine = m.uid() == unsafe { libc::geteuid() };
        if mine && have & mode != mode {
            let _ = f.set_permissions(std::fs::Permissions::from_mode(mode));
        }
    }
    Ok(f)
}

/// Opens (creating when missing) a lock file. A lock file a colleague created and we may not
/// write is opened read-only: `flock` works on either.
pub fn open_lock(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true).truncate(false);
    match open(path, &mut o) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && path.exists() => File::open(path),
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
                if meant_shared { "2770" } else { "0700" }
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
            fix: Some(format!("chmod 2770 {d}")),
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
    let mut files = 0;
    let want = if shared { 0o660 } else { 0o600 };
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(m) = entry.metadata() else { continue };
        if !m.is_file() {
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
