//! Real mail servers for a test: a private Dovecot + Postfix started by
//! `scripts/mail/servers.sh up` in a temporary folder, stopped on drop.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct MailServers {
    pub dir: tempfile::TempDir,
    pub env: HashMap<String, String>,
}

pub const PASSWORD_ENV: &str = "RAPPORT_TEST_PASSWORD";

impl MailServers {
    pub fn start() -> MailServers {
        let dir = tempfile::Builder::new()
            .prefix("rapport-mail-")
            .tempdir()
            .unwrap();
        // Dovecot runs mail as an unprivileged user that must reach the folder.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mail/servers.sh");
        let out = Command::new(&script)
            .arg("up")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "starting the mail servers failed (run scripts/test.sh, which installs them):\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(dir.path().join("env")).unwrap();
        let env = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches(['"', '\'']).to_string()))
            .collect();
        MailServers { dir, env }
    }

    pub fn get(&self, k: &str) -> &str {
        self.env
            .get(k)
            .unwrap_or_else(|| panic!("{k} missing from the servers' env file"))
    }
    pub fn port(&self, k: &str) -> u16 {
        self.get(k).parse().unwrap()
    }
    pub fn ca(&self) -> PathBuf {
        PathBuf::from(self.get("RAPPORT_TEST_CA"))
    }
    pub fn password(&self) -> String {
        self.get("RAPPORT_TEST_PASSWORD").to_string()
    }

    /// A rapport config for the shared box, with the password taken from the environment.
    pub fn config(&self, security: &str, extra_imap: &str) -> String {
        let port = if security == "tls" {
            self.port("RAPPORT_TEST_IMAPS_PORT")
        } else {
            self.port("RAPPORT_TEST_IMAP_PORT")
        };
        format!(
            r#"[identity]
team = "Test Talent"
address = "talent@example.test"

[[team]]
address = "alice@example.test"
name = "Alice Recruiter"

[imap]
host = "localhost"
port = {port}
security = "{security}"
username = "talent@example.test"
password_env = "{PASSWORD_ENV}"
{extra_imap}

[smtp]
host = "localhost"
port = {}
security = "starttls"
username = "talent@example.test"
password_env = "{PASSWORD_ENV}"
ca_file = "{}"
"#,
            self.port("RAPPORT_TEST_SUBMISSION_PORT"),
            self.ca().display()
        )
    }

    /// Delivers a message through the real Postfix (no-auth port) → LMTP → Dovecot path.
    pub fn deliver(&self, from: &str, to: &str, data: &str) {
        let s = TcpStream::connect(("127.0.0.1", self.port("RAPPORT_TEST_SMTP_PORT"))).unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut w = s;
        let expect = |code: &str, r: &mut BufReader<TcpStream>| loop {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            assert!(
                line.starts_with(code),
                "SMTP: expected {code}, got {line:?}"
            );
            if line.as_bytes().get(3) == Some(&b' ') {
                break;
            }
        };
        expect("220", &mut r);
        for (cmd, code) in [
            ("EHLO test.example".to_string(), "250"),
            (format!("MAIL FROM:<{from}>"), "250"),
            (format!("RCPT TO:<{to}>"), "250"),
            ("DATA".to_string(), "354"),
        ] {
            write!(w, "{cmd}\r\n").unwrap();
            expect(code, &mut r);
        }
        let body = data
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .replace("\r\n.", "\r\n..");
        write!(w, "{body}\r\n.\r\n").unwrap();
        expect("250", &mut r);
        write!(w, "QUIT\r\n").unwrap();
    }

    /// The raw messages of `user`'s `mailbox`, oldest first, read over IMAP as another client
    /// would (BODY.PEEK: nothing is marked read).
    pub fn raw_messages(&self, user: &str, mailbox: &str) -> Vec<Vec<u8>> {
        let mut c = rapport_core::mail_in::imap::connect::connect(&self.endpoint(user)).unwrap();
        let n = c.examine(mailbox).unwrap().exists;
        let mut out = Vec::new();
        if n > 0 {
            for f in c.fetch("1:*", "BODY.PEEK[]").unwrap().iter() {
                out.push(f.body().unwrap_or_default().to_vec());
            }
        }
        let _ = c.logout();
        out
    }

    /// Runs doveadm against this instance.
    pub fn doveadm(&self, args: &[&str]) -> String {
        let prefix = self.get("RAPPORT_TEST_DOVEADM");
        let mut parts = prefix.split_whitespace();
        let out = Command::new(parts.next().unwrap())
            .args(parts)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "doveadm {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// How many messages `user`'s mailbox holds now.
    pub fn count(&self, user: &str, mailbox: &str) -> usize {
        let out = self.doveadm(&[
            "-f", "flow", "mailbox", "status", "-u", user, "messages", mailbox,
        ]);
        out.split("messages=")
            .nth(1)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Waits until `user`'s mailbox holds `n` messages (delivery is asynchronous).
    pub fn wait_count(&self, user: &str, mailbox: &str, n: usize) {
        let start = std::time::Instant::now();
        loop {
            let count = self.count(user, mailbox);
            if count >= n {
                return;
            }
            assert!(
                start.elapsed().as_secs() < 20,
                "{user} {mailbox} has {count} messages, expected {n}"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

impl Drop for MailServers {
    fn drop(&mut self) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/mail/servers.sh");
        let _ = Command::new(script)
            .arg("down")
            .arg(self.dir.path())
            .output();
    }
}

/// A simple message from a candidate to the shared box.
pub fn candidate_mail(from: &str, name: &str, subject: &str, id: &str, body: &str) -> String {
    format!(
        "From: {name} <{from}>\nTo: talent@example.test\nSubject: {subject}\nMessage-ID: <{id}>\n\
         Date: Mon, 02 Nov 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

impl MailServers {
    fn dovecot_conf(&self) -> PathBuf {
        self.dir.path().join("dovecot/dovecot.conf")
    }

    /// Stops Dovecot only (as a server restart or outage would).
    pub fn stop_imap(&self) {
        let _ = Command::new("doveadm")
            .arg("-c")
            .arg(self.dovecot_conf())
            .arg("stop")
            .output();
        let port = self.port("RAPPORT_TEST_IMAPS_PORT");
        let start = std::time::Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_ok() {
            assert!(start.elapsed().as_secs() < 10, "Dovecot did not stop");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Kills Dovecot at once, as a crash would: connections drop in the middle of a response
    /// (`stop_imap` lets the server finish what it is sending for seconds first).
    pub fn kill_imap(&self) {
        let pidfile = self.dir.path().join("dovecot/run/master.pid");
        let master: u32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // Its children (imap-login, imap, auth, ...) first, so none is left serving.
        let mut pids: Vec<u32> = std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                // pid (comm) state ppid ...: comm may hold spaces, so count from its ')'.
                stat.rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                    == Some(master)
            })
            .collect();
        pids.push(master);
        for pid in pids {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        // The dead master may linger as a zombie nobody reaps, which `dovecot` would take for a
        // running instance: its pid file goes, as after a crash and a cleanup.
        std::fs::remove_file(&pidfile).unwrap();
        let port = self.port("RAPPORT_TEST_IMAPS_PORT");
        let start = std::time::Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_ok() {
            assert!(start.elapsed().as_secs() < 10, "Dovecot did not die");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Starts Dovecot again with the same configuration and ports.
    pub fn start_imap(&self) {
        // The daemon must not inherit our pipes, or waiting for its output never ends: what it
        // says goes to a file instead.
        let log = self.dir.path().join("dovecot-start.log");
        let st = Command::new("dovecot")
            .arg("-c")
            .arg(self.dovecot_conf())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .status()
            .unwrap();
        assert!(
            st.success(),
            "dovecot did not start again: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let port = self.port("RAPPORT_TEST_IMAPS_PORT");
        let start = std::time::Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(start.elapsed().as_secs() < 10, "Dovecot did not start");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// An endpoint for `user` over implicit TLS, trusting the test CA.
    pub fn endpoint(&self, user: &str) -> rapport_core::mail_in::imap::connect::Endpoint {
        rapport_core::mail_in::imap::connect::Endpoint {
            host: "localhost".into(),
            port: self.port("RAPPORT_TEST_IMAPS_PORT"),
            security: rapport_core::config::Security::Tls,
            username: user.into(),
            auth: rapport_core::config::Auth::Login,
            ca_file: Some(self.ca()),
            secret: rapport_core::credentials::Secret::new(self.password()),
        }
    }

    /// Appends `n` distinct candidate messages to `mailbox` of the shared box.
    pub fn seed(&self, mailbox: &str, n: usize, tag: &str) {
        self.seed_with_cvs(mailbox, n, tag, 0);
    }

    /// Like `seed`, with every `every`-th message (0: none) carrying a 60 KB CV after its
    /// text: large messages, which a sync reads in part.
    pub fn seed_with_cvs(&self, mailbox: &str, n: usize, tag: &str, every: usize) {
        let mut s =
            rapport_core::mail_in::imap::connect::connect(&self.endpoint("talent@example.test"))
                .unwrap();
        for i in 0..n {
            let mut m = seeded_mail(i, tag);
            if every > 0 && i % every == 0 {
                m = with_cv(&m, &format!("cv-{tag}-{i}.pdf"));
            }
            s.append(mailbox, m.replace('\n', "\r\n").as_bytes())
                .finish()
                .unwrap();
        }
        let _ = s.logout();
    }
}

impl MailServers {
    fn postfix(&self, action: &str) {
        // The daemon must not inherit our pipes, or waiting for its output never ends.
        let st = Command::new("postfix")
            .arg("-c")
            .arg(self.dir.path().join("postfix"))
            .arg(action)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(st.success(), "postfix {action} failed");
    }

    /// Stops Postfix only (an SMTP outage); returns once submission refuses connections.
    pub fn stop_smtp(&self) {
        self.postfix("stop");
        let port = self.port("RAPPORT_TEST_SUBMISSION_PORT");
        let start = std::time::Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_ok() {
            assert!(start.elapsed().as_secs() < 15, "Postfix did not stop");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    /// Starts Postfix again with the same configuration and ports.
    pub fn start_smtp(&self) {
        self.postfix("start");
        let start = std::time::Instant::now();
        for k in ["RAPPORT_TEST_SUBMISSION_PORT", "RAPPORT_TEST_SMTP_PORT"] {
            let port = self.port(k);
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(start.elapsed().as_secs() < 15, "Postfix did not start");
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
    }
}

impl MailServers {
    /// Puts `n` distinct candidate messages straight into the shared box's INBOX Maildir
    /// (owned by the mail user), much faster than APPEND; Dovecot gives them UIDs on the next
    /// SELECT. Needs root, as the servers do.
    pub fn seed_maildir(&self, n: usize, tag: &str) {
        let home = self.dir.path().join("mail/example.test/talent/Maildir");
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(home.join(sub)).unwrap();
        }
        for i in 0..n {
            let m = seeded_mail(i, tag);
            std::fs::write(home.join(format!("cur/1700000000.{tag}{i}.test:2,")), m).unwrap();
        }
        let st = Command::new("chown")
            .args(["-R", "mail:mail"])
            .arg(self.dir.path().join("mail/example.test/talent"))
            .status()
            .unwrap();
        assert!(st.success(), "chown of the seeded Maildir failed");
    }
}

/// The `i`th of the distinct candidate messages `seed` and `seed_maildir` put in the box
/// (97 candidates writing in turn).
/// `mail` (one text/plain part, from `candidate_mail`) as multipart/mixed: its text, then a
/// PDF of 60 KB named `name`.
fn with_cv(mail: &str, name: &str) -> String {
    let (head, body) = mail.split_once("\n\n").unwrap();
    let head = head.replace(
        "Content-Type: text/plain; charset=utf-8",
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"cv\"",
    );
    let line = "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29k\n";
    format!(
        "{head}\n\n--cv\nContent-Type: text/plain; charset=utf-8\n\n{body}--cv\n\
         Content-Type: application/pdf; name=\"{name}\"\n\
         Content-Disposition: attachment; filename=\"{name}\"\n\
         Content-Transfer-Encoding: base64\n\n{}--cv--\n",
        line.repeat(800)
    )
}

fn seeded_mail(i: usize, tag: &str) -> String {
    candidate_mail(
        &format!("c{}@example.test", i % 97),
        &format!("Candidate {}", i % 97),
        &format!("Message {i}"),
        &format!("{tag}.{i}@example.test"),
        &format!(
            "Body of message {i}.\n{}",
            "Some realistic text. ".repeat(40)
        ),
    )
}
