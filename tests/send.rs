//! Replying and the outbox against a real Postfix (submission) and Dovecot (Sent copies, the
//! candidates' mailboxes), started by scripts/mail/servers.sh for each test. Every test runs
//! the real `rapport` binary and checks what a candidate or a recruiter would notice.

mod common;

use common::mail::{MailServers, PASSWORD_ENV, candidate_mail};
use common::runner::Rapport;
use rapport_core::mail_in::parse::parse_message;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const TALENT: &str = "talent@example.test";
const JANE: &str = "jane@example.test";

/// The messages of a mailbox as raw bytes, with their flags, read as another client would
/// (BODY.PEEK: nothing is marked read).
fn mailbox(s: &MailServers, user: &str, mailbox: &str) -> Vec<(Vec<u8>, Vec<String>)> {
    let mut c = rapport_core::mail_in::imap::connect::connect(&s.endpoint(user)).unwrap();
    let n = c.examine(mailbox).unwrap().exists;
    let mut out = Vec::new();
    if n > 0 {
        let fetches = c.fetch("1:*", "(FLAGS BODY.PEEK[])").unwrap();
        for f in fetches.iter() {
            let flags = f.flags().iter().map(|fl| format!("{fl:?}")).collect();
            out.push((f.body().unwrap_or_default().to_vec(), flags));
        }
    }
    let _ = c.logout();
    out
}

fn count(s: &MailServers, user: &str, mbox: &str) -> usize {
    s.count(user, mbox)
}

/// Waits until Postfix has nothing left to deliver (it accepts first and delivers over LMTP
/// afterwards), so that counting a mailbox is final.
fn settle(s: &MailServers) {
    let start = Instant::now();
    loop {
        let out = Command::new("postqueue")
            .arg("-c")
            .arg(s.dir.path().join("postfix"))
            .arg("-p")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if out.status.success() && text.contains("Mail queue is empty") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "Postfix still has mail queued:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
}

/// Exactly `n` messages in `user`'s INBOX once Postfix has delivered everything.
fn assert_inbox(s: &MailServers, user: &str, n: usize) {
    if n > 0 {
        s.wait_count(user, "INBOX", n);
    }
    settle(s);
    let c = count(s, user, "INBOX");
    assert_eq!(
        c,
        n,
        "{user} has {c} messages in INBOX, expected {n}; postfix log:\n{}",
        tail(&s.dir.path().join("logs/postfix.log"))
    );
}

fn tail(p: &Path) -> String {
    let t = std::fs::read_to_string(p).unwrap_or_default();
    let lines: Vec<&str> = t.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn header_block(raw: &[u8]) -> String {
    let t = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    t.split("\n\n").next().unwrap_or_default().to_string()
}

/// Names of the header fields of a raw message, lower case.
fn header_names(raw: &[u8]) -> Vec<String> {
    header_block(raw)
        .lines()
        .filter(|l| !l.starts_with([' ', '\t']))
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, _)| k.trim().to_ascii_lowercase())
        })
        .collect()
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An RFC 2047 encoded word for any text.
fn encoded_word(text: &str) -> String {
    format!("=?utf-8?B?{}?=", b64(text.as_bytes()))
}

/// Jane writes to the shared box, and rapport syncs it.
fn jane_writes(s: &MailServers, r: &Rapport, subject: &str, id: &str) {
    let before = count(s, TALENT, "INBOX");
    s.deliver(
        JANE,
        TALENT,
        &candidate_mail(
            JANE,
            "Jane Doe",
            subject,
            id,
            "Hello! Is the Rust role still open?",
        ),
    );
    s.wait_count(TALENT, "INBOX", before + 1);
    r.sync();
}

/// Puts rapport's only queued message into the outbox without delivering it: Postfix is
/// stopped while `rapport reply` runs. Returns the outbox row.
fn queue_reply_while_smtp_is_down(s: &MailServers, r: &Rapport, text: &str) -> Value {
    s.stop_smtp();
    let out = r.ok(&["reply", JANE, "--body-file", &r.body(text)]);
    s.start_smtp();
    assert!(out.contains("not sent yet"), "{out}");
    let rows = r.outbox();
    rows.into_iter().find(|x| x["state"] == "queued").unwrap()
}

fn raw_of(r: &Rapport, id: i64) -> Vec<u8> {
    r.db()
        .query_row("SELECT raw FROM outbox WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .unwrap()
}

/// Message-IDs of the messages in a mailbox.
fn message_ids(s: &MailServers, user: &str, mbox: &str) -> Vec<String> {
    mailbox(s, user, mbox)
        .iter()
        .map(|(raw, _)| parse_message(raw).message_id.unwrap_or_default())
        .collect()
}

#[test]
fn a_reply_arrives_threaded_with_a_sent_copy_and_shows_once() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");

    let out = r.ok(&[
        "reply",
        JANE,
        "--body-file",
        &r.body("Yes, it is open. Shall we talk on Monday?\n"),
    ]);
    assert!(out.contains("queued as outbox message"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("sent")), "{out}");

    assert_inbox(&s, JANE, 1);
    let (raw, _) = mailbox(&s, JANE, "INBOX").remove(0);
    let p = parse_message(&raw);
    let from = p.from.clone().unwrap();
    assert_eq!(from.address, TALENT);
    assert!(
        from.name
            .as_deref()
            .unwrap_or_default()
            .contains("Test Talent"),
        "{from:?}"
    );
    assert_eq!(p.to.len(), 1);
    assert_eq!(p.to[0].address, JANE);
    assert_eq!(p.subject, "Re: Rust role?");
    assert_eq!(p.in_reply_to, vec!["j1@example.test".to_string()]);
    assert_eq!(
        p.references.last().map(String::as_str),
        Some("j1@example.test")
    );
    assert!(p.body.contains("Shall we talk on Monday?"), "{}", p.body);
    assert!(
        p.body.contains("> Hello! Is the Rust role still open?"),
        "{}",
        p.body
    );
    assert!(p.cc.is_empty());
    assert!(!header_names(&raw).contains(&"bcc".to_string()));
    let ours = p.message_id.clone().unwrap();
    assert!(ours.ends_with("@example.test"), "{ours}");

    // The copy in the shared box's Sent folder, marked read.
    let sent = mailbox(&s, TALENT, "Sent");
    assert_eq!(sent.len(), 1, "one copy in Sent");
    assert_eq!(
        parse_message(&sent[0].0).message_id.as_deref(),
        Some(&*ours)
    );
    assert!(
        sent[0].1.iter().any(|f| f.contains("Seen")),
        "Sent copy flags: {:?}",
        sent[0].1
    );

    let rows = r.outbox();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["state"], "sent");
    assert_eq!(rows[0]["sent_copy"], "done");
    assert_eq!(rows[0]["message_id"], ours.as_str());
    assert_eq!(rows[0]["attempts"], 1);

    // Jane answers our reply; after a sync the three messages form one thread, ours once.
    // Dated after our reply (which is dated now).
    let date = (jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60))
        .strftime("%a, %d %b %Y %H:%M:%S +0000");
    let answer = format!(
        "From: Jane Doe <{JANE}>\nTo: {TALENT}\nSubject: Re: Re: Rust role?\nMessage-ID: <j2@example.test>\n\
         In-Reply-To: <{ours}>\nReferences: <j1@example.test> <{ours}>\n\
         Date: {date}\nContent-Type: text/plain; charset=utf-8\n\nMonday works.\n"
    );
    s.deliver(JANE, TALENT, &answer);
    s.wait_count(TALENT, "INBOX", 2);
    r.sync();
    let jane = r.json(&["show", JANE, "--json"]);
    let tl: Vec<&Value> = jane["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "email")
        .collect();
    assert_eq!(tl.len(), 3, "{jane:#}");
    let outbound: Vec<_> = tl.iter().filter(|i| i["direction"] == "outbound").collect();
    assert_eq!(outbound.len(), 1, "our reply once: {jane:#}");
    assert_eq!(outbound[0]["message_id"], ours.as_str());
    assert!(
        tl.iter().all(|i| i["thread"] == tl[0]["thread"]),
        "one thread: {jane:#}"
    );
    assert_eq!(jane["messages"], 3, "{jane:#}");
    assert!(
        jane["waiting_since"].is_string(),
        "she answered: waiting again: {jane:#}"
    );
}

#[test]
fn smtp_down_queues_and_the_message_is_delivered_exactly_once() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");

    s.stop_smtp();
    let out = r.run(&["reply", JANE, "--body-file", &r.body("We are on it.\n")]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("not sent yet"), "{text}");
    let rows = r.outbox();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["state"], "queued", "{row:#}");
    assert!(
        row["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{row:#}"
    );
    assert!(row["next_attempt"].is_string(), "{row:#}");
    assert_eq!(row["sent_copy"], "pending", "{row:#}");
    let id = row["id"].as_i64().unwrap().to_string();
    // The conversation shows it already, and Jane is no longer waiting... only once sent.
    let jane = r.json(&["show", JANE, "--json"]);
    assert!(
        jane["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["direction"] == "outbound"),
        "{jane:#}"
    );

    s.start_smtp();
    // Not due yet (backoff): a flush now sends nothing.
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.starts_with("0 sent"), "{out}");
    assert_inbox(&s, JANE, 0);

    r.ok(&["outbox", "retry", &id]);
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.starts_with("1 sent"), "{out}");
    assert_inbox(&s, JANE, 1);
    let row = &r.outbox()[0];
    assert_eq!(row["state"], "sent", "{row:#}");
    assert_eq!(row["sent_copy"], "done", "{row:#}");
    assert_eq!(row["attempts"], 2, "{row:#}");

    // Nothing more goes out, however often the loop runs.
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.starts_with("0 sent"), "{out}");
    assert!(
        r.err(&["outbox", "retry", &id])
            .contains("is not failed, queued")
    );
    assert_inbox(&s, JANE, 1);
    assert_eq!(count(&s, TALENT, "Sent"), 1);
}

#[test]
fn a_message_cut_off_while_sending_is_delivered_once() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");

    // (a) The process died after the server accepted the message and the Sent copy was made,
    // before `sent` was recorded: the copy in Sent proves it went out.
    let row = queue_reply_while_smtp_is_down(&s, &r, "First answer.\n");
    let id = row["id"].as_i64().unwrap();
    let raw = raw_of(&r, id);
    s.deliver(TALENT, JANE, &String::from_utf8(raw.clone()).unwrap());
    let mut c = rapport_core::mail_in::imap::connect::connect(&s.endpoint(TALENT)).unwrap();
    c.append("Sent", &raw)
        .flag(imap::types::Flag::Seen)
        .finish()
        .unwrap();
    let _ = c.logout();
    r.db()
        .execute("UPDATE outbox SET state = 'sending' WHERE id = ?1", [id])
        .unwrap();
    assert_inbox(&s, JANE, 1);
    let out = r.ok(&["outbox", "flush"]);
    println!("(a) flush: {out}");
    assert_inbox(&s, JANE, 1);
    assert_eq!(count(&s, TALENT, "Sent"), 1, "no second Sent copy");
    let row = r.outbox().into_iter().find(|x| x["id"] == id).unwrap();
    assert_eq!(row["state"], "sent", "{row:#}");
    assert_eq!(row["sent_copy"], "done", "{row:#}");

    // (b) The process died before the server got the message: not in Sent, so sent once.
    let row = queue_reply_while_smtp_is_down(&s, &r, "Second answer.\n");
    let id = row["id"].as_i64().unwrap();
    r.db()
        .execute(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?1",
            [id],
        )
        .unwrap();
    let out = r.ok(&["outbox", "flush"]);
    println!("(b) flush: {out}");
    assert!(out.starts_with("1 sent"), "{out}");
    assert_inbox(&s, JANE, 2);
    let mid = row["message_id"].as_str().unwrap();
    assert_eq!(
        message_ids(&s, JANE, "INBOX")
            .iter()
            .filter(|m| *m == mid)
            .count(),
        1
    );
    assert_eq!(count(&s, TALENT, "Sent"), 2);
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.starts_with("0 sent"), "{out}");
    assert_inbox(&s, JANE, 2);
    assert!(r.outbox().iter().all(|x| x["state"] == "sent"));

    // (c) Sent and copied, but the process died before the copy was recorded: the next pass
    // must not put a second copy in Sent.
    let row = queue_reply_while_smtp_is_down(&s, &r, "Third answer.\n");
    let id = row["id"].as_i64().unwrap();
    let raw = raw_of(&r, id);
    s.deliver(TALENT, JANE, &String::from_utf8(raw.clone()).unwrap());
    let mut c = rapport_core::mail_in::imap::connect::connect(&s.endpoint(TALENT)).unwrap();
    c.append("Sent", &raw)
        .flag(imap::types::Flag::Seen)
        .finish()
        .unwrap();
    let _ = c.logout();
    r.db()
        .execute(
            "UPDATE outbox SET state = 'sent', sent_copy_state = 'pending', next_attempt_at = NULL WHERE id = ?1",
            [id],
        )
        .unwrap();
    let out = r.ok(&["outbox", "flush"]);
    println!("(c) flush: {out}");
    assert_inbox(&s, JANE, 3);
    let mid = row["message_id"].as_str().unwrap();
    let sent = message_ids(&s, TALENT, "Sent");
    assert_eq!(
        sent.iter().filter(|m| *m == mid).count(),
        1,
        "one Sent copy: {sent:?}"
    );
    let row = r.outbox().into_iter().find(|x| x["id"] == id).unwrap();
    assert_eq!(row["sent_copy"], "done", "{row:#}");

    // (d) Cut off while sending, and IMAP is down at the next start: without the Sent folder
    // rapport cannot tell, so it waits instead of risking a duplicate.
    let row = queue_reply_while_smtp_is_down(&s, &r, "Fourth answer.\n");
    let id = row["id"].as_i64().unwrap();
    let raw = raw_of(&r, id);
    s.deliver(TALENT, JANE, &String::from_utf8(raw.clone()).unwrap());
    let mut c = rapport_core::mail_in::imap::connect::connect(&s.endpoint(TALENT)).unwrap();
    c.append("Sent", &raw)
        .flag(imap::types::Flag::Seen)
        .finish()
        .unwrap();
    let _ = c.logout();
    r.db()
        .execute("UPDATE outbox SET state = 'sending' WHERE id = ?1", [id])
        .unwrap();
    assert_inbox(&s, JANE, 4);
    s.stop_imap();
    let out = r.ok(&["outbox", "flush"]);
    println!("(d) flush with IMAP down: {out}");
    assert!(out.starts_with("0 sent"), "{out}");
    // A resend would wait in Postfix's queue (LMTP is down too): the queue must stay empty.
    settle(&s);
    let row = r.outbox().into_iter().find(|x| x["id"] == id).unwrap();
    assert_eq!(row["state"], "sending", "still undecided: {row:#}");
    s.start_imap();
    let out = r.ok(&["outbox", "flush"]);
    println!("(d) flush with IMAP back: {out}");
    assert_inbox(&s, JANE, 4);
    let row = r.outbox().into_iter().find(|x| x["id"] == id).unwrap();
    assert_eq!(
        (&row["state"], &row["sent_copy"]),
        (&"sent".into(), &"done".into())
    );
    assert_eq!(count(&s, TALENT, "Sent"), 4);
}

#[test]
fn a_reply_killed_at_any_moment_is_delivered_at_least_once_and_at_most_twice() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");

    // How long an undisturbed reply takes.
    let t = Instant::now();
    r.ok(&["reply", JANE, "--body-file", &r.body("Timing run.\n")]);
    let full = t.elapsed();
    assert_inbox(&s, JANE, 1);
    println!("an undisturbed reply takes {full:?}");

    let mut expected = 1;
    let mut seen = std::collections::BTreeMap::new();
    for i in 0..8u32 {
        let delay = full * i / 7;
        let before: Vec<i64> = r
            .outbox()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect();
        let mut child = r
            .command(&[
                "reply",
                JANE,
                "--body-file",
                &r.body(&format!("Run {i}.\n")),
            ])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        let row = r
            .outbox()
            .into_iter()
            .find(|x| !before.contains(&x["id"].as_i64().unwrap()));
        let state_at_kill = row
            .as_ref()
            .map(|x| format!("{}/{}", x["state"], x["sent_copy"]))
            .unwrap_or_else(|| "not queued".into());
        let out = r.ok(&["outbox", "flush"]);
        settle(&s);
        let Some(row) = row else {
            println!("kill after {delay:?} ({status}): nothing was queued; flush: {out}");
            seen.insert(i, ("not queued".to_string(), 0));
            continue;
        };
        let mid = row["message_id"].as_str().unwrap().to_string();
        let copies = message_ids(&s, JANE, "INBOX")
            .iter()
            .filter(|m| **m == mid)
            .count();
        let row = r
            .outbox()
            .into_iter()
            .find(|x| x["message_id"] == mid.as_str())
            .unwrap();
        println!(
            "kill after {delay:?} ({status}): state at kill {state_at_kill}; after flush {}/{}; \
             Jane has {copies} cop{}",
            row["state"],
            row["sent_copy"],
            if copies == 1 { "y" } else { "ies" }
        );
        assert_eq!(row["state"], "sent", "{row:#}");
        assert_eq!(row["sent_copy"], "done", "{row:#}");
        assert!(
            (1..=2).contains(&copies),
            "{copies} copies of {mid} after a kill at {delay:?}"
        );
        if copies == 2 {
            println!(
                "  the kill landed in the documented window (accepted by the server, `sent` not yet \
                 recorded, no Sent copy yet): sent twice"
            );
        }
        expected += copies;
        seen.insert(i, (state_at_kill, copies));
    }
    println!("{seen:#?}");
    assert_inbox(&s, JANE, expected);
    // The Sent folder has one copy of each message, whatever happened.
    let sent = message_ids(&s, TALENT, "Sent");
    let unique: std::collections::BTreeSet<_> = sent.iter().collect();
    assert_eq!(sent.len(), unique.len(), "duplicate Sent copies: {sent:?}");
}

#[test]
fn concurrent_delivery_passes_send_each_message_once() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");

    // Three replies queued while Postfix is down, then made due at once.
    s.stop_smtp();
    for i in 0..3 {
        let out = r.ok(&[
            "reply",
            JANE,
            "--body-file",
            &r.body(&format!("Answer {i}.\n")),
        ]);
        assert!(out.contains("not sent yet"), "{out}");
    }
    s.start_smtp();
    for row in r.outbox() {
        r.ok(&["outbox", "retry", &row["id"].to_string()]);
    }

    // Two flushes and a new reply at the same time, as two recruiters' terminals would.
    let spawn = |args: &[&str]| {
        r.command(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let body = r.body("Answer 3.\n");
    let children = vec![
        spawn(&["outbox", "flush"]),
        spawn(&["outbox", "flush"]),
        spawn(&["reply", JANE, "--body-file", &body]),
        spawn(&["outbox", "flush"]),
    ];
    for c in children {
        let out = c.wait_with_output().unwrap();
        println!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success());
    }
    r.ok(&["outbox", "flush"]);
    assert_inbox(&s, JANE, 4);
    let ids = message_ids(&s, JANE, "INBOX");
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 4, "a message was sent twice: {ids:?}");
    let rows = r.outbox();
    assert!(
        rows.iter()
            .all(|x| x["state"] == "sent" && x["sent_copy"] == "done"),
        "{rows:#?}"
    );
    let sent = message_ids(&s, TALENT, "Sent");
    let unique: std::collections::BTreeSet<_> = sent.iter().collect();
    assert_eq!((sent.len(), unique.len()), (4, 4), "Sent copies: {sent:?}");
}

#[test]
fn a_refused_recipient_fails_for_good_and_can_be_cancelled() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    // Someone writes from an address of the domain that does not exist (a typo, a leaver).
    let ghost = "ghost@example.test";
    s.deliver(
        ghost,
        TALENT,
        &candidate_mail(ghost, "Ghost", "Hi", "g1@example.test", "Boo"),
    );
    s.wait_count(TALENT, "INBOX", 1);
    r.sync();
    let e = r.err(&["reply", ghost, "--body-file", &r.body("Hello?\n")]);
    assert!(
        e.contains("not sent (failed)") && e.contains("550") && e.contains("outbox retry"),
        "{e}"
    );
    assert!(!e.contains(&s.password()));
    let rows = r.outbox();
    assert_eq!(rows[0]["state"], "failed", "{rows:#?}");
    assert_eq!(rows[0]["attempts"], 1);
    // A permanent failure is not retried on its own.
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.starts_with("0 sent, 0 to retry, 0 failed"), "{out}");
    assert_eq!(r.outbox()[0]["attempts"], 1);
    // The candidate is still waiting for an answer; nothing is in Sent.
    let g = r.json(&["show", ghost, "--json"]);
    assert!(g["waiting_since"].is_string(), "{g:#}");
    assert_eq!(count(&s, TALENT, "Sent"), 0);
    // Retried by hand it fails again; then it is cancelled and stays so.
    let id = rows[0]["id"].to_string();
    r.ok(&["outbox", "retry", &id]);
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.contains("1 failed"), "{out}");
    assert_eq!(r.outbox()[0]["attempts"], 2);
    r.ok(&["outbox", "cancel", &id]);
    assert_eq!(r.outbox()[0]["state"], "cancelled");
    assert!(
        r.err(&["outbox", "retry", &id])
            .contains("is not failed, queued")
    );
    assert!(r.ok(&["outbox", "flush"]).starts_with("0 sent"));
}

#[test]
fn a_wrong_smtp_password_fails_then_a_retry_delivers_once() {
    let s = MailServers::start();
    let mut r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    let good = r.password.clone();
    // IMAP shares the password: break SMTP alone by giving it its own variable.
    let cfg = std::fs::read_to_string(&r.config).unwrap();
    let (imap, smtp) = cfg.split_once("[smtp]").unwrap();
    std::fs::write(
        &r.config,
        format!(
            "{imap}[smtp]{}",
            smtp.replace(PASSWORD_ENV, "RAPPORT_TEST_SMTP_PASSWORD")
        ),
    )
    .unwrap();
    let run = |r: &Rapport, smtp_pass: &str, args: &[&str]| {
        r.command(args)
            .env("RAPPORT_TEST_SMTP_PASSWORD", smtp_pass)
            .output()
            .unwrap()
    };
    let out = run(
        &r,
        "Wrong-Pass-987",
        &["reply", JANE, "--body-file", &r.body("Hi Jane\n")],
    );
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    println!("wrong password: {o}{e}");
    assert!(!format!("{o}{e}").contains("Wrong-Pass-987"));
    assert!(
        !out.status.success() && e.contains("535") && e.contains("outbox retry"),
        "{e}"
    );
    assert_eq!(
        e.matches("authentication failed").count(),
        1,
        "said once: {e}"
    );
    let row = &r.outbox()[0];
    assert_ne!(row["state"], "sent", "{row:#}");
    assert!(
        row["last_error"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase()
            .contains("auth"),
        "{row:#}"
    );
    assert_inbox(&s, JANE, 0);
    let id = row["id"].to_string();
    r.password = good.clone();
    assert!(run(&r, &good, &["outbox", "retry", &id]).status.success());
    let out = run(&r, &good, &["outbox", "flush"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("1 sent"),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_inbox(&s, JANE, 1);
    let out = run(&r, &good, &["outbox", "flush"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("0 sent"));
    assert_inbox(&s, JANE, 1);
}

#[test]
fn an_untrusted_smtp_certificate_keeps_the_message_queued_with_a_hint() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    let cfg = std::fs::read_to_string(&r.config).unwrap();
    let (imap, smtp) = cfg.split_once("[smtp]").unwrap();
    let smtp: String = smtp
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&r.config, format!("{imap}[smtp]{smtp}")).unwrap();
    let out = r.ok(&["reply", JANE, "--body-file", &r.body("Hi\n")]);
    assert!(
        out.contains("not sent yet") && out.contains("smtp.ca_file"),
        "{out}"
    );
    assert_eq!(r.outbox()[0]["state"], "queued");
    assert_inbox(&s, JANE, 0);
}

#[test]
fn an_opt_out_or_erasure_while_a_message_waits_stops_it() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    s.deliver(
        "omar@example.test",
        TALENT,
        &candidate_mail(
            "omar@example.test",
            "Omar K",
            "Hello",
            "o1@example.test",
            "Hi there",
        ),
    );
    s.wait_count(TALENT, "INBOX", 2);
    r.sync();
    s.stop_smtp();
    r.ok(&["reply", JANE, "--body-file", &r.body("Hi Jane\n")]);
    r.ok(&[
        "reply",
        "omar@example.test",
        "--body-file",
        &r.body("Hi Omar\n"),
    ]);
    s.start_smtp();
    r.ok(&["opt-out", JANE, "--reason", "wrote: please stop"]);
    r.ok(&["erase", "omar@example.test", "--yes"]);
    for row in r.outbox() {
        let _ = r.run(&["outbox", "retry", &row["id"].to_string()]);
    }
    let out = r.ok(&["outbox", "flush"]);
    assert!(out.starts_with("0 sent"), "{out}");
    let rows = r.outbox();
    assert!(rows.iter().all(|x| x["state"] == "cancelled"), "{rows:#?}");
    assert_inbox(&s, JANE, 0);
    assert_inbox(&s, "omar@example.test", 0);
}

#[test]
fn opt_outs_and_erasures_refuse_and_nothing_is_sent() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    s.deliver(
        "omar@example.test",
        TALENT,
        &candidate_mail(
            "omar@example.test",
            "Omar K",
            "Hello",
            "o1@example.test",
            "Hi there",
        ),
    );
    s.wait_count(TALENT, "INBOX", 2);
    r.sync();

    r.ok(&["opt-out", JANE, "--reason", "asked us on the phone to stop"]);
    let today = &rapport_core::timefmt::rfc3339(rapport_core::store::now())[..10];
    let e = r.err(&["reply", JANE, "--body-file", &r.body("Still interested?\n")]);
    assert!(e.contains("opted out") && e.contains(today), "{e}");
    let e = r.err(&[
        "send",
        JANE,
        "--subject",
        "New role",
        "--body-file",
        &r.body("Hi\n"),
        "--yes",
        "--reason",
        "I insist",
    ]);
    assert!(
        e.contains("opted out"),
        "a confirmation does not lift an opt-out: {e}"
    );

    r.ok(&["erase", "omar@example.test", "--yes"]);
    let e = r.err(&[
        "send",
        "omar@example.test",
        "--subject",
        "Hello again",
        "--body-file",
        &r.body("Hi Omar\n"),
    ]);
    assert!(e.contains("no candidate") || e.contains("erased"), "{e}");

    // Omar writes again: he is back in the inbox, and still not to be written to.
    s.deliver(
        "omar@example.test",
        TALENT,
        &candidate_mail(
            "omar@example.test",
            "Omar K",
            "Me again",
            "o2@example.test",
            "Any news?",
        ),
    );
    s.wait_count(TALENT, "INBOX", 3);
    r.sync();
    let e = r.err(&[
        "send",
        "omar@example.test",
        "--subject",
        "Hello again",
        "--body-file",
        &r.body("Hi Omar\n"),
    ]);
    assert!(e.contains("erased") && e.contains(today), "{e}");
    let e = r.err(&[
        "reply",
        "omar@example.test",
        "--body-file",
        &r.body("Hi Omar\n"),
        "--yes",
        "--reason",
        "he wrote",
    ]);
    assert!(e.contains("erased"), "{e}");

    assert!(r.outbox().is_empty(), "nothing was queued");
    std::thread::sleep(Duration::from_secs(1));
    assert_inbox(&s, JANE, 0);
    assert_inbox(&s, "omar@example.test", 0);
    assert_eq!(count(&s, TALENT, "Sent"), 0);
}

#[test]
fn too_soon_needs_a_confirmation_with_a_reason() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    r.ok(&["prefs", JANE, "--frequency", "monthly"]);

    // She wrote: answering is allowed.
    r.ok(&[
        "send",
        JANE,
        "--subject",
        "Next steps",
        "--body-file",
        &r.body("Here is what happens next.\n"),
    ]);
    assert_inbox(&s, JANE, 1);

    let prefs = r.json(&["prefs", JANE, "--json"]);
    let next = prefs["next_contact"].as_str().unwrap()[..10].to_string();
    let e = r.err(&[
        "send",
        JANE,
        "--subject",
        "One more thing",
        "--body-file",
        &r.body("Forgot to say.\n"),
    ]);
    assert!(
        e.contains("needs confirmation") && e.contains("too soon") && e.contains(&next),
        "{e} (next contact {next})"
    );
    let e = r.err(&[
        "send",
        JANE,
        "--subject",
        "One more thing",
        "--body-file",
        &r.body("Forgot to say.\n"),
        "--yes",
    ]);
    assert!(e.contains("--reason"), "{e}");
    let e = r.err(&[
        "send",
        JANE,
        "--subject",
        "One more thing",
        "--body-file",
        &r.body("Forgot to say.\n"),
        "--yes",
        "--reason",
        "   ",
    ]);
    assert!(e.contains("--reason"), "a blank reason is no reason: {e}");
    assert_eq!(r.outbox().len(), 1, "refused sends queue nothing");

    let out = r.ok(&[
        "send",
        JANE,
        "--subject",
        "One more thing",
        "--body-file",
        &r.body("Forgot to say.\n"),
        "--yes",
        "--reason",
        "she asked",
    ]);
    assert!(out.lines().any(|l| l.starts_with("sent")), "{out}");
    assert_inbox(&s, JANE, 2);
    let subjects: Vec<String> = mailbox(&s, JANE, "INBOX")
        .iter()
        .map(|(raw, _)| parse_message(raw).subject)
        .collect();
    assert!(
        subjects.contains(&"One more thing".to_string()),
        "{subjects:?}"
    );

    let h = r.json(&["prefs", JANE, "--history", "--json"]);
    let over: Vec<&Value> = h["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["field"] == "contact-override")
        .collect();
    assert_eq!(over.len(), 1, "{h:#}");
    assert_eq!(over[0]["note"], "she asked", "{h:#}");
    assert!(
        over[0]["new_value"]
            .as_str()
            .unwrap_or_default()
            .contains("too soon"),
        "{h:#}"
    );
}

#[test]
fn a_name_or_subject_carrying_crlf_cannot_add_a_bcc() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    let evil = "\r\nBcc: bob@example.test";
    let msg = format!(
        "From: {} <{JANE}>\nTo: {TALENT}\nSubject: {}\nMessage-ID: <inj1@example.test>\n\
         Date: Mon, 02 Nov 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\nHi\n",
        encoded_word(&format!("Jane{evil}")),
        encoded_word(&format!("Hello{evil}\r\nX-Evil: 1")),
    );
    s.deliver(JANE, TALENT, &msg);
    s.wait_count(TALENT, "INBOX", 1);
    r.sync();
    r.ok(&["reply", JANE, "--body-file", &r.body("Thanks!\n")]);
    assert_inbox(&s, JANE, 1);
    std::thread::sleep(Duration::from_millis(500));
    assert_inbox(&s, "bob@example.test", 0);
    let (raw, _) = mailbox(&s, JANE, "INBOX").remove(0);
    let names = header_names(&raw);
    assert!(
        !names.iter().any(|n| n == "bcc" || n == "x-evil"),
        "injected header:\n{}",
        header_block(&raw)
    );
    let p = parse_message(&raw);
    assert_eq!(p.to.len(), 1, "{:?}", p.to);
    assert!(p.cc.is_empty());
    assert!(p.subject.starts_with("Re: Hello"), "{}", p.subject);
    // The Sent copy is the same message: no Bcc there either.
    let sent = mailbox(&s, TALENT, "Sent");
    assert_eq!(sent.len(), 1);
    assert!(!header_names(&sent[0].0).iter().any(|n| n == "bcc"));
}

#[test]
fn non_ascii_names_subjects_and_bodies_survive() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    let li = "li@example.test";
    let msg = format!(
        "From: {} <{li}>\nTo: {TALENT}\nSubject: {}\nMessage-ID: <na1@example.test>\n\
         Date: Mon, 02 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n\
         Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{}\n",
        encoded_word("José Álvarez"),
        encoded_word("Grüße – 李雷"),
        b64("¿Sigue abierto el puesto? 你好".as_bytes()),
    );
    s.deliver(li, TALENT, &msg);
    s.wait_count(TALENT, "INBOX", 1);
    r.sync();
    let show = r.json(&["show", li, "--json"]);
    assert_eq!(show["name"], "José Álvarez", "{show:#}");

    let long = "ß".repeat(700);
    r.ok(&[
        "reply",
        li,
        "--body-file",
        &r.body(&format!(
            "¡Sí, José! Schöne Grüße 🎉 — 谢谢\n.\n..two dots\nFrom the team\n{long}\n"
        )),
    ]);
    assert_inbox(&s, li, 1);
    let (raw, _) = mailbox(&s, li, "INBOX").remove(0);
    assert!(
        header_block(&raw).is_ascii(),
        "headers must be encoded:\n{}",
        header_block(&raw)
    );
    let p = parse_message(&raw);
    assert_eq!(p.subject, "Re: Grüße – 李雷");
    assert!(
        p.body
            .contains("¡Sí, José! Schöne Grüße 🎉 — 谢谢\n.\n..two dots\nFrom the team\n"),
        "{}",
        p.body
    );
    assert!(p.body.contains(&long), "a 1400-byte line survives");
    assert!(
        p.body.contains("> ¿Sigue abierto el puesto? 你好"),
        "{}",
        p.body
    );
    assert!(p.body.contains("José Álvarez wrote:"), "{}", p.body);
    assert_eq!(p.to[0].address, li);
}

#[test]
fn the_demo_replies_into_its_outgoing_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo");
    let run = |args: &[&str]| {
        let out = common::binary()
            .args(args)
            .env("RAPPORT_CONFIG", dir.path().join("no-config.toml"))
            .env("RAPPORT_DATA_DIR", &data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "rapport {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let data_s = data.display().to_string();
    run(&["demo", "--no-tui", "--data-dir", &data_s]);
    let waiting: Value =
        serde_json::from_str(&run(&["candidates", "--awaiting", "--json"])).unwrap();
    let waiting = waiting.as_array().unwrap();
    assert!(!waiting.is_empty());
    // The first waiting candidate without an opt-out or a frequency in the way.
    let (addr, before) = waiting
        .iter()
        .filter(|c| c["opted_out"] == false)
        .map(|c| c["address"].as_str().unwrap().to_string())
        .find_map(|a| {
            let show: Value = serde_json::from_str(&run(&["show", &a, "--json"])).unwrap();
            (show["preferences"].is_null() || show["preferences"]["frequency"].is_null())
                .then_some((a, show))
        })
        .expect("a waiting demo candidate without a frequency");
    let n_before = before["timeline"].as_array().unwrap().len();

    let body = dir.path().join("body.txt");
    std::fs::write(&body, "Thanks for your patience — let's talk tomorrow.\n").unwrap();
    let out = run(&["reply", &addr, "--body-file", &body.display().to_string()]);
    assert!(out.lines().any(|l| l.starts_with("sent")), "{out}");

    let emls: Vec<PathBuf> = std::fs::read_dir(data.join("outgoing"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    assert_eq!(emls.len(), 1, "{emls:?}");
    let p = parse_message(&std::fs::read(&emls[0]).unwrap());
    assert_eq!(p.to[0].address, addr);
    assert!(p.subject.starts_with("Re: "), "{}", p.subject);
    assert!(p.body.contains("let's talk tomorrow"), "{}", p.body);

    let after: Value = serde_json::from_str(&run(&["show", &addr, "--json"])).unwrap();
    let tl = after["timeline"].as_array().unwrap();
    assert_eq!(tl.len(), n_before + 1, "{after:#}");
    let ours: Vec<&Value> = tl
        .iter()
        .filter(|i| i["message_id"] == p.message_id.as_deref().unwrap())
        .collect();
    assert_eq!(ours.len(), 1, "{after:#}");
    assert_eq!(ours[0]["direction"], "outbound");
    assert!(after["waiting_since"].is_null(), "{after:#}");
    let waiting: Value =
        serde_json::from_str(&run(&["candidates", "--awaiting", "--json"])).unwrap();
    assert!(
        !waiting
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["address"] == addr.as_str()),
        "{addr} is still awaiting a reply"
    );
    let outbox: Value = serde_json::from_str(&run(&["outbox", "--json"])).unwrap();
    assert_eq!(outbox[0]["state"], "sent");
    assert_eq!(outbox[0]["sent_copy"], "local");
}

/// Issue 14: 50 queued messages, 12 SIGKILLs at random moments of their delivery, then a final
/// flush. No message is lost, none arrives more than twice, and extra copies come only from
/// kills that hit the data phase (each leaves its message in `sending`). Messages whose outcome
/// stays unknown wait for a recruiter, who sends again what did not arrive.
#[test]
fn fifty_messages_and_twelve_kills_during_delivery_lose_nothing_and_send_at_most_twice() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    s.stop_smtp();
    for i in 0..50 {
        r.ok(&[
            "reply",
            JANE,
            "--body-file",
            &r.body(&format!("Message {i}.\n")),
        ]);
    }
    assert_eq!(r.outbox().len(), 50);
    s.start_smtp();
    // A deterministic spread of moments: 40 ms to 1.2 s into a flush.
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Duration::from_millis(40 + (seed >> 33) % 1160)
    };
    let mut data_phase_kills = 0;
    for k in 0..12 {
        let delay = next();
        let mut child = r
            .command(&["outbox", "flush", "--now"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let sending = r
            .outbox()
            .iter()
            .filter(|x| x["state"] == "sending")
            .count();
        data_phase_kills += sending;
        println!("kill {k} after {delay:?}: {sending} message(s) cut off in the data phase");
    }
    r.ok(&["outbox", "flush", "--now"]);
    settle(&s);
    // What may have been sent waits for a recruiter: they send again what did not arrive.
    let arrived = |mid: &str| {
        message_ids(&s, JANE, "INBOX")
            .iter()
            .filter(|m| *m == mid)
            .count()
    };
    let mut decided = 0;
    for row in r.outbox() {
        if row["state"] == "unknown" {
            let id = row["id"].to_string();
            let mid = row["message_id"].as_str().unwrap().to_string();
            if arrived(&mid) == 0 {
                r.ok(&["outbox", "retry", &id]);
            } else {
                r.ok(&["outbox", "mark-sent", &id]);
            }
            decided += 1;
        }
    }
    r.ok(&["outbox", "flush", "--now"]);
    settle(&s);
    let ids = message_ids(&s, JANE, "INBOX");
    let rows = r.outbox();
    let ours: Vec<String> = rows
        .iter()
        .map(|x| x["message_id"].as_str().unwrap().to_string())
        .collect();
    let copies: Vec<usize> = ours
        .iter()
        .map(|mid| ids.iter().filter(|m| *m == mid).count())
        .collect();
    let lost = copies.iter().filter(|&&c| c == 0).count();
    let extra: usize = copies.iter().map(|&c| c.saturating_sub(1)).sum();
    let max = copies.iter().copied().max().unwrap_or(0);
    println!(
        "50 messages, 12 kills ({data_phase_kills} in the data phase): {lost} lost, {extra} extra \
         cop{}, at most {max} of one message; {decided} left for a recruiter to decide",
        if extra == 1 { "y" } else { "ies" }
    );
    assert_eq!(lost, 0, "{rows:#?}");
    assert!(max <= 2, "a message arrived {max} times");
    assert!(
        extra <= data_phase_kills,
        "{extra} extra copies from {data_phase_kills} kills in the data phase"
    );
    for row in &rows {
        assert_eq!(row["state"], "sent", "{row:#}");
        assert_eq!(row["sent_copy"], "done", "{row:#}");
    }
}

/// Issue 14: on a box where no inbox stays open, `sync --watch` delivers the outbox: a reply
/// queued while the SMTP server was down goes out once it is back, with its retries.
#[test]
fn sync_watch_delivers_a_queued_message_once_smtp_is_back_with_no_inbox_open() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    jane_writes(&s, &r, "Rust role?", "j1@example.test");
    s.stop_smtp();
    let out = r.ok(&[
        "reply",
        JANE,
        "--body-file",
        &r.body("Queued while down.\n"),
    ]);
    assert!(out.contains("stays queued"), "{out}");
    let flushed = r.ok(&["outbox", "flush"]);
    assert!(flushed.contains("1 queued, next try in"), "{flushed}");
    let watch = r
        .command(&["sync", "--watch"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    s.start_smtp();
    // The first retry is 30 s after the failure; the worker looks every 15 s.
    let start = Instant::now();
    while count(&s, JANE, "INBOX") == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "sync --watch did not deliver the queued reply"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    // Its pass ends with the Sent copy; then it reports (it looks every 200 ms).
    while r.outbox()[0]["sent_copy"] != "done" {
        assert!(start.elapsed() < Duration::from_secs(120), "no Sent copy");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(600));
    // SIGTERM stops it cleanly.
    let st = Command::new("kill")
        .args(["-TERM", &watch.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let out = watch.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("outbox: 1 sent"), "{err}");
    assert_inbox(&s, JANE, 1);
    assert_eq!(r.outbox()[0]["state"], "sent");
}

#[test]
fn someone_met_at_a_meetup_is_added_and_written_to() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    r.sync();
    let new = "li@example.test"; // a test user nobody has written to yet
    let e = r.err(&[
        "send",
        new,
        "--subject",
        "Nice to meet you",
        "--body-file",
        &r.body("Hi Li\n"),
    ]);
    assert!(
        e.contains("not a candidate yet") && e.contains("--how"),
        "{e}"
    );
    assert!(
        r.outbox().is_empty(),
        "nothing queued for an unknown address"
    );
    let out = r.ok(&[
        "send",
        new,
        "--subject",
        "Nice to meet you",
        "--body-file",
        &r.body("Hi Li, good to meet you at the Rust meetup.\n"),
        "--how",
        "met at the Rust meetup",
        "--name",
        "Li Park",
    ]);
    assert!(out.contains("queued as outbox message"), "{out}");
    assert_inbox(&s, new, 1);
    let shown = r.ok(&["show", new]);
    assert!(shown.contains("Li Park"), "{shown}");
    let audit = r.ok(&["audit", "--candidate", new]);
    assert!(
        audit.contains("add-candidate") && audit.contains("met at the Rust meetup"),
        "{audit}"
    );
}
