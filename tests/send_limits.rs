//! `send` is atomic from the user's view: refused before anything is queued when the mail
//! could not go out (no `[smtp]`) or is too large; a large body that fits is queued. No
//! mail server is needed: delivery goes to a closed loopback port, so queued mail stays queued.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

const JANE: &str = "jane@x.example";

struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    /// A data dir holding one message from Jane, and a config without `[smtp]`.
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let md = dir.path().join("Mail");
        let inbox = vec![
            b"From: Jane Doe <jane@x.example>\r\nTo: team@co.example\r\nSubject: Hello\r\nMessage-ID: <j1@x>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nIs the role open?\r\n".to_vec(),
        ];
        rapport_core::mail_in::maildir::write_folder(&md, "i", &inbox).unwrap();
        let s = Setup { dir };
        s.config("");
        let out = s.run(&["import-maildir", md.to_str().unwrap()]);
        assert!(out.status.success(), "{out:?}");
        s
    }
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }
    /// Writes the config: the identity, then `extra`.
    fn config(&self, extra: &str) {
        std::fs::write(
            self.config_path(),
            format!("[identity]\nteam = \"Co\"\naddress = \"team@co.example\"\n\n{extra}"),
        )
        .unwrap();
    }
    /// `[smtp]` on a loopback port where nothing listens: delivery fails, mail stays queued.
    fn smtp_config(&self, extra: &str) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        self.config(&format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nusername = \"team\"\npassword_env = \"RAPPORT_TEST_SMTP_PASSWORD\"\n{extra}"
        ));
    }
    fn run(&self, args: &[&str]) -> Output {
        common::rapport_bin()
            .args(args)
            .env("RAPPORT_DATA_DIR", self.data())
            .env("RAPPORT_CONFIG", self.config_path())
            .env("RAPPORT_TEST_SMTP_PASSWORD", "secret-pw")
            .output()
            .unwrap()
    }
    fn body(&self, bytes: usize) -> PathBuf {
        let line = "Hello Jane, a line about the role, with ünïcödé in it.\n";
        let text = line.repeat(bytes / line.len() + 1);
        let p = self.dir.path().join(format!("body-{bytes}.txt"));
        std::fs::write(&p, &text[..text.floor_char_boundary(bytes)]).unwrap();
        p
    }
    fn send(&self, body: &Path) -> Output {
        self.run(&[
            "send",
            JANE,
            "--subject",
            "The role",
            "--body-file",
            body.to_str().unwrap(),
        ])
    }
    fn outbox(&self) -> Vec<Value> {
        let out = self.run(&["outbox", "--json"]);
        assert!(out.status.success(), "{out:?}");
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn send_without_smtp_queues_nothing_and_says_why() {
    let s = Setup::new();
    let body = s.body(200);
    for attempt in 0..2 {
        let out = s.send(&body);
        let e = stderr(&out);
        assert!(!out.status.success(), "attempt {attempt}: {out:?}");
        assert_eq!(e.trim_end().lines().count(), 1, "{e}");
        assert!(e.contains("no [smtp] section"), "{e}");
        assert!(e.contains("not queued"), "{e}");
        // A retry after the refusal does not leave copies behind.
        assert_eq!(s.outbox(), Vec::<Value>::new(), "attempt {attempt}");
    }
    // reply too.
    let out = s.run(&["reply", JANE, "--body-file", body.to_str().unwrap()]);
    assert!(!out.status.success() && stderr(&out).contains("no [smtp] section"));
    assert!(s.outbox().is_empty());
    // And the conversation shows nothing queued.
    let show = s.run(&["show", JANE, "--json"]);
    let v: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert_eq!(v["timeline"].as_array().unwrap().len(), 1, "{v}");
}

#[test]
fn an_oversized_body_is_refused_with_the_limit_named() {
    let s = Setup::new();
    s.smtp_config("");
    let out = s.send(&s.body(30_000_000));
    let e = stderr(&out);
    assert!(!out.status.success(), "{out:?}");
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(e.contains("30.0 MB") && e.contains("25.0 MB"), "{e}");
    assert!(e.contains("max_message_size"), "{e}");
    assert!(s.outbox().is_empty());

    // A configured limit is named with where it comes from.
    s.smtp_config("max_message_size = \"1MB\"\n");
    let out = s.send(&s.body(2_000_000));
    let e = stderr(&out);
    assert!(!out.status.success(), "{out:?}");
    assert!(e.contains("1.0 MB") && e.contains("config.toml"), "{e}");
    assert!(s.outbox().is_empty());

    // A body under the limit whose encoded message is over it is refused too.
    let out = s.send(&s.body(990_000));
    assert!(!out.status.success(), "{out:?}");
    assert!(stderr(&out).contains("limit is 1.0 MB"), "{}", stderr(&out));
    assert!(s.outbox().is_empty());
}

#[test]
fn a_five_megabyte_body_is_queued_and_the_smtp_failure_is_logged() {
    let s = Setup::new();
    s.smtp_config("");
    let out = s.send(&s.body(5_000_000));
    let o = String::from_utf8_lossy(&out.stdout);
    assert!(o.contains("queued as outbox message"), "{out:?}");
    let queued = s.outbox();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert_eq!(queued[0]["to"], JANE);
    // The SMTP failure (nothing listens) is in the log, without the candidate or the secret.
    let log = std::fs::read_to_string(s.data().join("rapport.log")).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("SMTP:"))
        .unwrap_or_else(|| panic!("no SMTP line in the log:\n{log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(!log.contains(JANE) && !log.contains("secret-pw") && !log.contains("ünïcödé"));
}
