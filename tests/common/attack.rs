//! A hostile colleague's moves on a shared data dir: a private file of the victim's for
//! rapport to leak or damage, links and FIFOs planted where rapport's files go, and a command
//! run with a deadline (a FIFO must not make rapport hang).
#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// What the victim's private file holds.
pub const SECRET: &str = "secret\n";

/// A private file of the victim's (`secret\n`, mode 0600), such as ~/.bashrc, outside the data
/// dir, owned by `owner` when given.
pub fn victim_file(dir: &Path, owner: Option<&str>) -> PathBuf {
    let home = dir.join("victim-home");
    std::fs::create_dir_all(&home).unwrap();
    let f = home.join("bashrc");
    std::fs::write(&f, SECRET).unwrap();
    std::fs::set_permissions(&f, PermissionsExt::from_mode(0o600)).unwrap();
    if let Some(u) = owner {
        let st = Command::new("chown")
            .arg(u)
            .arg(&f)
            .arg(&home)
            .status()
            .unwrap();
        assert!(st.success());
    }
    f
}

/// The victim's file still holds `secret\n` with mode 0600.
pub fn assert_untouched(f: &Path) {
    assert_eq!(
        std::fs::read_to_string(f).unwrap(),
        SECRET,
        "{}",
        f.display()
    );
    let mode = std::fs::metadata(f).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o600, "the mode of {} changed", f.display());
}

/// Replaces `path` (whatever is there) with a symbolic link to `target`, as `who` (through
/// runuser) or as ourselves.
pub fn plant_link(path: &Path, target: &Path, who: Option<&str>) {
    let _ = std::fs::remove_file(path);
    let mut c = match who {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.args(["-u", u, "--", "ln", "-s"]);
            c
        }
        None => {
            let mut c = Command::new("ln");
            c.arg("-s");
            c
        }
    };
    assert!(c.arg(target).arg(path).status().unwrap().success());
}

/// Replaces `path` with a FIFO nobody reads, which the team may write (mode 0660), made by
/// `who` (through runuser) or by ourselves.
pub fn plant_fifo(path: &Path, who: Option<&str>) {
    let _ = std::fs::remove_file(path);
    let mut c = match who {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.args(["-u", u, "--", "mkfifo"]);
            c
        }
        None => Command::new("mkfifo"),
    };
    assert!(c.args(["-m", "0660"]).arg(path).status().unwrap().success());
}

/// Runs `c`, failing the test when it has not finished within `limit` (it is killed then).
pub fn output_within(mut c: Command, limit: Duration) -> Output {
    let mut child = c
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command hung for {limit:?}: {c:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}
