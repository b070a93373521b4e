//! IMAP sync against a real Dovecot (with Postfix delivering over LMTP), started by
//! scripts/mail/servers.sh for each test.

mod common;

use common::mail::{MailServers, candidate_mail};
use common::runner::Rapport;
use std::path::Path;

/// An IMAP session as another mail client would open it.
fn other_client(
    s: &MailServers,
    user: &str,
) -> imap::Session<rapport_core::mail_in::imap::connect::Conn> {
    rapport_core::mail_in::imap::connect::connect(&s.endpoint(user)).unwrap()
}

fn tls_config(s: &MailServers) -> String {
    s.config("tls", &format!("ca_file = \"{}\"", s.ca().display()))
}

#[test]
fn initial_then_incremental_sync_without_marking_mail_read() {
    let s = MailServers::start();
    s.deliver(
        "jane@example.test",
        "talent@example.test",
        &candidate_mail(
            "jane@example.test",
            "Jane Doe",
            "Rust role?",
            "j1@example.test",
            "Is the Rust role still open?",
        ),
    );
    s.deliver(
        "omar@example.test",
        "talent@example.test",
        &candidate_mail(
            "omar@example.test",
            "Omar K",
            "Hello",
            "o1@example.test",
            "Hi there",
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 2);
    // A recruiter answered Jane from another client: the copy sits in Sent.
    let mut c = other_client(&s, "talent@example.test");
    let reply = "From: Alice Recruiter <alice@example.test>\r\nTo: Jane Doe <jane@example.test>\r\nSubject: Re: Rust role?\r\n\
                 Message-ID: <a1@example.test>\r\nIn-Reply-To: <j1@example.test>\r\nReferences: <j1@example.test>\r\n\
                 Date: Mon, 02 Nov 2026 11:00:00 +0000\r\n\r\nYes it is!\r\n";
    c.append("Sent", reply.as_bytes()).finish().unwrap();

    let r = Rapport::with_config(&tls_config(&s), s.password());
    let out = r.sync();
    assert!(
        out.contains("INBOX: 2 new") && out.contains("Sent: 1 new"),
        "{out}"
    );
    assert_eq!(r.messages(), 3);
    let jane = r.json(&["show", "jane@example.test", "--json"]);
    let tl = jane["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), 2, "{jane}");
    assert_eq!(tl[1]["direction"], "outbound");
    assert_eq!(
        tl[1]["thread"], tl[0]["thread"],
        "the reply from another client joins the thread"
    );
    assert_eq!(
        jane["waiting_since"],
        serde_json::Value::Null,
        "answered from Sent"
    );

    // Nothing was marked read by syncing.
    let flags = s.doveadm(&[
        "fetch",
        "-u",
        "talent@example.test",
        "flags",
        "mailbox",
        "INBOX",
        "all",
    ]);
    assert!(
        !flags.contains("\\Seen"),
        "sync marked mail as read:\n{flags}"
    );

    // Incremental: only the new mail is fetched.
    s.deliver(
        "li@example.test",
        "talent@example.test",
        &candidate_mail(
            "li@example.test",
            "Li Wei",
            "CV",
            "l1@example.test",
            "Attached",
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 3);
    let out = r.sync();
    assert!(
        out.contains("INBOX: 1 new") && out.contains("Sent: 0 new"),
        "{out}"
    );
    assert_eq!(r.messages(), 4);
    let out = r.sync();
    assert!(out.contains("INBOX: 0 new"), "{out}");
    assert_eq!(r.messages(), 4);
}

#[test]
fn flag_changes_expunges_and_uidvalidity_changes_follow_the_server() {
    let s = MailServers::start();
    for i in 0..3 {
        s.deliver(
            "jane@example.test",
            "talent@example.test",
            &candidate_mail(
                "jane@example.test",
                "Jane Doe",
                &format!("Note {i}"),
                &format!("n{i}@example.test"),
                "text",
            ),
        );
    }
    s.wait_count("talent@example.test", "INBOX", 3);
    let r = Rapport::with_config(&tls_config(&s), s.password());
    r.sync();
    assert_eq!(r.messages(), 3);

    // Another client flags one message and expunges another.
    let mut c = other_client(&s, "talent@example.test");
    c.select("INBOX").unwrap();
    c.uid_store("1", "+FLAGS (\\Flagged)").unwrap();
    c.uid_store("2", "+FLAGS (\\Deleted)").unwrap();
    c.expunge().unwrap();
    let out = r.sync();
    assert!(out.contains("1 expunged"), "{out}");
    assert_eq!(r.messages(), 2);
    let flags: String = r
        .db()
        .query_row(
            "SELECT flags FROM message_locations WHERE uid = 1",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(flags.contains("Flagged"), "{flags}");

    // What a recruiter recorded survives a UIDVALIDITY change.
    {
        let mut store = rapport_core::store::Store::open_in(&r.data).unwrap();
        let cand = store
            .candidate_by_address("jane@example.test")
            .unwrap()
            .unwrap();
        store
            .log_contact(
                cand,
                &rapport_core::model::ContactEntry {
                    channel: rapport_core::model::Channel::Phone,
                    direction: rapport_core::model::Direction::Outbound,
                    outcome: rapport_core::model::Outcome::Talked,
                    at: 1_793_700_000,
                    note: "called".into(),
                    recorded_by: "alice".into(),
                },
            )
            .unwrap();
    }
    s.doveadm(&[
        "mailbox",
        "update",
        "-u",
        "talent@example.test",
        "--uid-validity",
        "4242",
        "INBOX",
    ]);
    let out = r.sync();
    assert!(out.contains("fetched anew"), "{out}");
    assert_eq!(r.messages(), 2, "same messages, no duplicates");
    let jane = r.json(&["show", "jane@example.test", "--json"]);
    assert!(
        jane["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "contact"),
        "{jane}"
    );
    let uv: i64 = r
        .db()
        .query_row(
            "SELECT uidvalidity FROM folders WHERE name = 'INBOX'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(uv, 4242);
}

#[test]
fn starttls_works_and_a_certificate_without_ca_file_is_refused() {
    let s = MailServers::start();
    let r = Rapport::with_config(
        &s.config("starttls", &format!("ca_file = \"{}\"", s.ca().display())),
        s.password(),
    );
    r.sync();
    let r = Rapport::with_config(&s.config("tls", ""), s.password());
    let out = r.run(&["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not trusted") && err.contains("ca_file"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    let r = Rapport::with_config(&s.config("starttls", ""), s.password());
    let err = String::from_utf8_lossy(&r.run(&["sync"]).stderr).to_string();
    assert!(err.contains("not trusted"), "{err}");
}

fn file_contains(p: &Path, needle: &str) -> bool {
    std::fs::read(p)
        .map(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .unwrap_or(false)
}

#[test]
fn the_password_never_reaches_errors_logs_or_the_database() {
    let s = MailServers::start();
    let mut r = Rapport::with_config(&tls_config(&s), s.password());
    r.sync();
    let good = s.password();
    r.password = "Wrong-Pass-987".into();
    let out = r.run(&["sync"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("login") && err.contains("talent@example.test"),
        "{err}"
    );
    for secret in [&good, "Wrong-Pass-987"] {
        assert!(!err.contains(secret), "password in the error: {err}");
        for f in ["rapport.db", "rapport.db-wal", "rapport.log"] {
            assert!(
                !file_contains(&r.data.join(f), secret),
                "password found in {f}"
            );
        }
    }
    // The doctor says which check failed, without the password either.
    let out = r.run(&["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success() && text.contains("FAIL  imap.login"),
        "{text}"
    );
    assert!(text.contains("ok    imap.tls"), "{text}");
    assert!(!text.contains("Wrong-Pass-987"));
}

#[test]
fn a_no_reply_identity_is_refused() {
    let s = MailServers::start();
    let cfg = tls_config(&s).replace(
        "address = \"talent@example.test\"",
        "address = \"no-reply@example.test\"",
    );
    let r = Rapport::with_config(&cfg, s.password());
    let out = r.run(&["sync"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("config.toml:3:") && err.contains("no-reply"),
        "{err}"
    );
}

#[test]
fn doctor_passes_on_a_working_setup() {
    let s = MailServers::start();
    let r = Rapport::with_config(&tls_config(&s), s.password());
    let out = r.run(&["doctor"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for check in ["config", "imap.tls", "imap.login", "folders", "smtp.login"] {
        assert!(
            text.contains(&format!("ok    {check}")),
            "{check} missing:\n{text}"
        );
    }
    assert!(text.contains("Sent (sent)"), "{text}");
}

#[test]
fn erase_on_server_deletes_the_persons_mail_from_the_mailbox() {
    let s = MailServers::start();
    s.deliver(
        "jane@example.test",
        "talent@example.test",
        &candidate_mail(
            "jane@example.test",
            "Jane Doe",
            "CV",
            "e1@example.test",
            "Here is my CV",
        ),
    );
    s.deliver(
        "omar@example.test",
        "talent@example.test",
        &candidate_mail(
            "omar@example.test",
            "Omar K",
            "Hi",
            "e2@example.test",
            "Hello",
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 2);
    let cfg = format!("erase_on_server = true\n{}", tls_config(&s));
    let r = Rapport::with_config(&cfg, s.password());
    r.sync();
    let out = r.run(&["erase", "jane@example.test", "--yes"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("deleted 1 message(s) from INBOX on the server"),
        "{text}"
    );
    let left = s.doveadm(&[
        "-f",
        "flow",
        "mailbox",
        "status",
        "-u",
        "talent@example.test",
        "messages",
        "INBOX",
    ]);
    assert!(left.contains("messages=1"), "{left}");
    // Without the option, rapport says the mail stays on the server.
    let r2 = Rapport::with_config(&tls_config(&s), s.password());
    r2.sync();
    let out = r2.run(&["erase", "omar@example.test", "--yes"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("remain in the IMAP mailbox"));
    let left = s.doveadm(&[
        "-f",
        "flow",
        "mailbox",
        "status",
        "-u",
        "talent@example.test",
        "messages",
        "INBOX",
    ]);
    assert!(left.contains("messages=1"), "{left}");
}

/// Base64-looking text of `n` characters in lines of 76, as mailers write attachments.
fn base64_lines(n: usize, seed: u32) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = seed;
    let mut out = String::with_capacity(n + n / 38);
    for i in 0..n {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        out.push(A[(x >> 26) as usize] as char);
        if i % 76 == 75 {
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    out
}

fn attachment(mime: &str, name: &str, chars: usize, seed: u32) -> String {
    format!(
        "Content-Type: {mime}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
        base64_lines(chars, seed)
    )
}

/// A large message is read in part (its text and its parts' description), yet rapport stores
/// what reading it whole gives: the whole text, every attachment by name and type, sizes
/// within 2%. One whose first bytes miss text is fetched whole. And the same message
/// imported from a Maildir first is not stored twice.
#[test]
fn large_messages_are_stored_as_if_read_whole() {
    let s = MailServers::start();
    let head = |id: &str, subject: &str, ctype: &str| {
        format!(
            "From: Ana Lopez <ana@example.test>\r\nTo: talent@example.test\r\nSubject: {subject}\r\nDate: Tue, 24 Nov 2026 09:00:00 +0000\r\nMessage-ID: <{id}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: {ctype}\r\n\r\n"
        )
    };
    // Text, then a CV the first bytes end inside, then a letter after the cut.
    let cv = format!(
        "{}--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, my CV and letter are attached.\r\n--b1\r\n{}--b1\r\n{}--b1--\r\n",
        head("cv", "My CV", "multipart/mixed; boundary=\"b1\""),
        attachment("application/pdf", "Ana Lopez CV.pdf", 200_000, 1),
        attachment("application/msword", "Anschreiben für Sie.doc", 30_000, 2),
    );
    // One large HTML part: its text goes on past the first bytes.
    let mut html = head("html", "Newsletter", "text/html; charset=utf-8");
    for i in 0..1500 {
        html.push_str(&format!(
            "<p>Paragraph {i} of a long letter about roles.</p>\r\n"
        ));
    }
    html.push_str("<p>END-OF-HTML</p>\r\n");
    // An attachment first, the text after it.
    let late_text = format!(
        "{}--b2\r\n{}--b2\r\nContent-Type: text/plain\r\n\r\nThe text comes last: END-OF-LATE.\r\n--b2--\r\n",
        head("late", "Portfolio", "multipart/mixed; boundary=\"b2\""),
        attachment("image/png", "portfolio.png", 120_000, 3),
    );
    let small = candidate_mail("bo@example.test", "Bo", "Hi", "small@example.test", "short");
    let all = [&cv, &html, &late_text, &small.replace('\n', "\r\n")];

    // The CV arrives by a Maildir import first (read whole, exact sizes).
    let r = Rapport::with_config(&tls_config(&s), s.password());
    let maildir = r.dir.path().join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    std::fs::write(maildir.join("cur/1.cv:2,S"), &cv).unwrap();
    let out = r.run(&["import-maildir", maildir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut c = other_client(&s, "talent@example.test");
    for m in all {
        c.append("INBOX", m.as_bytes()).finish().unwrap();
    }
    let out = r.run_with(&["sync"], &[("RAPPORT_LOG", "rapport=debug")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = std::fs::read_to_string(r.data.join("rapport.log")).unwrap();
    assert!(
        log.contains("large messages: 1 read in part, 2 fetched whole"),
        "{log}"
    );
    assert_eq!(r.messages(), 4, "the imported CV was stored a second time");

    let db = r.db();
    for m in all {
        let whole = rapport_core::mail_in::parse::parse_message(m.as_bytes());
        let id = whole.message_id.clone().unwrap();
        let (body, attachments): (String, String) = db
            .query_row(
                "SELECT body, attachments FROM messages WHERE message_id = ?1",
                [&id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .unwrap();
        assert_eq!(body, whole.body, "{id}");
        let stored: Vec<rapport_core::model::Attachment> =
            serde_json::from_str(&attachments).unwrap();
        assert_eq!(stored.len(), whole.attachments.len(), "{id}: {stored:?}");
        for (s, w) in stored.iter().zip(&whole.attachments) {
            assert_eq!((&s.name, &s.mime), (&w.name, &w.mime), "{id}");
            assert!(
                s.size.abs_diff(w.size) <= w.size / 50,
                "{id}: {s:?} vs {w:?}"
            );
        }
    }
    let html_body: String = db
        .query_row(
            "SELECT body FROM messages WHERE message_id = 'html@example.test'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(html_body.contains("END-OF-HTML"));
    // Mail read in part is synced like any other: nothing new the next time.
    assert!(r.sync().contains("INBOX: 0 new"));
}

/// Issue 13: at `RAPPORT_LOG=trace` a sync (IMAP, TLS, MIME parsing) and the commands that
/// read the mail log nothing a candidate wrote: no subject, body, name or address, and their
/// attempt to forge a log line (a newline and ESC in an encoded subject) stays inside a line.
#[test]
fn a_trace_log_holds_no_candidate_content() {
    let s = MailServers::start();
    // "Zq7 subject\n2026-01-01 ERROR forged\x1b[2J", as an RFC 2047 encoded word.
    let subject = "=?utf-8?b?WnE3IHN1YmplY3QKMjAyNi0wMS0wMSBFUlJPUiBmb3JnZWQbWzJK?=";
    let body = "Body marker Xk4Wq9.\n2026-01-01 ERROR forged in the body\n";
    s.deliver(
        "quentin.marker@example.org",
        "talent@example.test",
        &candidate_mail(
            "quentin.marker@example.org",
            "Quentin Markername",
            subject,
            "marker-1@example.org",
            body,
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 1);
    let r = Rapport::with_config(&tls_config(&s), s.password());
    let trace = [("RAPPORT_LOG", "trace")];
    let out = r.run_with(&["sync"], &trace);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for args in [
        &["show", "quentin.marker@example.org"][..],
        &["search", "Xk4Wq9"],
        &["candidates"],
        &["audit"],
    ] {
        let out = r.run_with(args, &trace);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let log = std::fs::read_to_string(r.data.join("rapport.log")).unwrap();
    assert!(log.contains("sync finished"), "nothing was logged:\n{log}");
    for secret in [
        "Zq7",
        "Xk4Wq9",
        "Quentin",
        "Markername",
        "quentin.marker",
        "ERROR forged",
    ] {
        assert!(!log.contains(secret), "{secret:?} is in the log:\n{log}");
    }
    assert!(!log.contains('\x1b'), "an escape reached the log");
}
