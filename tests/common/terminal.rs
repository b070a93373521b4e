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
        let script = format!("{script}; echo \"exited with $?\"; sleep 120");
        Terminal::with_term(dir, "xterm-256color", &script)
    }
    /// Runs `script` as it is in a new 80x24 terminal of type `term` (it must keep the
    /// terminal open to be read after it ends: end it with a `sleep`).
    pub fn with_term(dir: &Path, term: &str, script: &str) -> Terminal {
        let t = Terminal::server(dir);
        t.new_session("t", term, script);
        t
    }
    /// A tmux server of its own, without a session yet.
    pub fn server(dir: &Path) -> Terminal {
        // A server of its own each time: a new session on the socket of one being killed
        // may talk to the dying server.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Terminal {
            socket: dir.join(format!("term-{n}.sock")),
        }
    }
    /// Another 80x24 terminal `name` of type `term` on this server, running `script`.
    pub fn new_session(&self, name: &str, term: &str, script: &str) {
        self.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            name,
            "-x",
            "80",
            "-y",
            "24",
            "-e",
            &format!("TERM={term}"),
            "sh",
            "-c",
            script,
        ]);
    }
    /// The screen of session `target`.
    pub fn screen_of(&self, target: &str) -> String {
        self.cmd(&["capture-pane", "-p", "-t", target])
    }
    /// Waits until `needle` shows in session `target`; its screen.
    pub fn wait_in(&self, target: &str, needle: &str, secs: u64) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen_of(target);
            if s.contains(needle) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("{needle:?} did not appear in {target} within {secs}s; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    /// tmux's own output (`display -p`, …).
    pub fn tmux(&self, args: &[&str]) -> String {
        self.cmd(args)
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
        self.screen_of("t")
    }
    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        self.wait_in("t", needle, secs)
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
