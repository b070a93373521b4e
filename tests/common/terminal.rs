//! A shell command in a real terminal (a private tmux server, 80x24): for what only happens on
//! a terminal (confirmation prompts, the inbox).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Terminal {
    socket: PathBuf,
}

impl Terminal {
    /// Runs `script` (sh) in a new 80x24 terminal; it prints "exited with N" when done.
    pub fn run(dir: &Path, script: &str) -> Terminal {
        // A server of its own each time: a new session on the socket of one being killed
        // may talk to the dying server.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let t = Terminal {
            socket: dir.join(format!("term-{n}.sock")),
        };
        let script = format!("{script}; echo \"exited with $?\"; sleep 120");
        t.cmd(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "80",
            "-y",
            "24",
            "-e",
            "TERM=xterm-256color",
            "sh",
            "-c",
            &script,
        ]);
        t
    }
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is installed (scripts/test.sh installs it)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    /// Types `keys` (tmux key names; `-l` first for literal text).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "t"];
        args.extend_from_slice(keys);
        self.cmd(&args);
    }
    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        self.keys(&["-l", text]);
    }
    pub fn screen(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "t"])
    }
    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("{needle:?} did not appear within {secs}s; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}
