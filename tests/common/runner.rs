//! rapport run as a user runs it: the real binary on a data dir of its own, with a config (for
//! the test mail servers, or none) and the password in the environment.

use super::mail::{MailServers, PASSWORD_ENV};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

pub struct Rapport {
    pub data: PathBuf,
    pub config: PathBuf,
    pub password: String,
    /// Holds the data dir, the config and body files; removed with the runner.
    pub dir: tempfile::TempDir,
    /// Whether the binary runs at the tests' fixed "now" (`super::CLOCK`) or at the real time
    /// (mail delivered by the test servers is dated now).
    pinned: bool,
}

impl Rapport {
    /// A data dir with `config` as its configuration file.
    pub fn with_config(config: &str, password: String) -> Rapport {
        let dir = tempfile::tempdir().unwrap();
        let config_path = dir.path().join("config.toml");
        std::fs::write(&config_path, config).unwrap();
        Rapport {
            data: dir.path().join("data"),
            config: config_path,
            password,
            dir,
            pinned: false,
        }
    }
    /// Configured for the test servers over TLS (their CA trusted), `extra` lines first.
    pub fn with_servers(s: &MailServers, extra: &str) -> Rapport {
        let config = format!(
            "{extra}\n{}",
            s.config("tls", &format!("ca_file = \"{}\"", s.ca().display()))
        );
        Rapport::with_config(&config, s.password())
    }
    /// Jane (jane@example.test) asks the shared box "Rust role?" (Message-ID j1@example.test)
    /// through the real Postfix, and this data dir syncs it: the start of a conversation.
    pub fn after_jane_asked(&self, s: &MailServers, body: &str) {
        s.deliver(
            "jane@example.test",
            "talent@example.test",
            &super::mail::candidate_mail(
                "jane@example.test",
                "Jane Doe",
                "Rust role?",
                "j1@example.test",
                body,
            ),
        );
        s.wait_count("talent@example.test", "INBOX", 1);
        self.sync();
    }
    /// The demo in a data dir of its own, without a config, at the fixed "now".
    pub fn demo() -> Rapport {
        let r = Rapport::with_config("", String::new()).pinned();
        std::fs::remove_file(&r.config).unwrap();
        r.ok(&["demo", "--no-tui", "--data-dir", r.data.to_str().unwrap()]);
        r
    }
    /// Runs the binary at the tests' fixed "now".
    pub fn pinned(mut self) -> Rapport {
        self.pinned = true;
        self
    }
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = if self.pinned {
            super::rapport_bin()
        } else {
            super::binary()
        };
        c.args(args)
            .env("RAPPORT_CONFIG", &self.config)
            .env("RAPPORT_DATA_DIR", &self.data)
            .env(PASSWORD_ENV, &self.password)
            .stdin(std::process::Stdio::null());
        c
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command(args)
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }
    /// Runs a command that must succeed; returns its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "rapport {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    /// Runs a command that must fail; returns its standard error.
    pub fn fail(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "rapport {args:?} should have failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
    /// Like [`Rapport::fail`], and the error is one line.
    pub fn err(&self, args: &[&str]) -> String {
        let e = self.fail(args);
        assert_eq!(e.trim().lines().count(), 1, "one line of error: {e}");
        e
    }
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
    /// `rapport sync`, which must succeed; its output and errors.
    pub fn sync(&self) -> String {
        let out = self.run(&["sync"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "rapport sync failed:\n{text}");
        text
    }
    /// Messages stored.
    pub fn messages(&self) -> i64 {
        self.json(&["status", "--json"])["messages"]
            .as_i64()
            .unwrap()
    }
    pub fn outbox(&self) -> Vec<Value> {
        self.json(&["outbox", "--json"]).as_array().unwrap().clone()
    }
    /// A new body file holding `text`; its path.
    pub fn body(&self, text: &str) -> String {
        let p = tempfile::Builder::new()
            .prefix("body-")
            .suffix(".txt")
            .tempfile_in(self.dir.path())
            .unwrap()
            .into_temp_path()
            .keep()
            .unwrap();
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data.join("rapport.db")).unwrap()
    }
    /// The shell command that runs rapport here, for a terminal.
    pub fn shell(&self, args: &str) -> String {
        let clock = if self.pinned {
            super::clock_env()
        } else {
            String::new()
        };
        format!(
            "{clock} RAPPORT_CONFIG={} RAPPORT_DATA_DIR={} {PASSWORD_ENV}={} {} {args}",
            self.config.display(),
            self.data.display(),
            self.password,
            super::binary_path()
        )
    }
}
