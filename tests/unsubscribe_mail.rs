//! The unsubscribe address (#18 item 3), end to end with the real servers: rapport sends a
//! reply through Postfix; the test reads the List-Unsubscribe mailto from the copy Dovecot
//! delivered to the candidate, mails that address through Postfix as her mail program would,
//! and syncs. The opt-out is then in her ledger, cited as her message "by mail to the
//! unsubscribe address", and the next send is refused. A made-up token records nothing and
//! the mail stays as ordinary mail; a second unsubscribe mail changes nothing; a mail that
//! names the address only in its envelope (Bcc) is recognised from Delivered-To.

mod common;

use common::mail::MailServers;
use common::runner::Rapport;
use serde_json::Value;

const TALENT: &str = "talent@example.test";
const JANE: &str = "jane@example.test";

/// The mail a client sends for a List-Unsubscribe mailto: To the address, "unsubscribe".
fn unsubscribe_mail(to: &str, id: &str) -> String {
    format!(
        "From: Jane Doe <{JANE}>\nTo: {to}\nSubject: unsubscribe\nMessage-ID: <{id}>\n\
         Date: Mon, 02 Nov 2026 12:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n\
         This message was sent automatically to unsubscribe.\n"
    )
}

fn active_opt_outs(r: &Rapport) -> Vec<Value> {
    let jane = r.json(&["show", JANE, "--json"]);
    jane["opt_outs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["revoked_at"].is_null())
        .cloned()
        .collect()
}

#[test]
fn mail_to_the_unsubscribe_address_records_the_opt_out_at_sync() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "[web]\nbase_url = \"https://talent.example.test\"\n");
    r.after_jane_asked(&s, "Is the role open?");
    r.ok(&[
        "reply",
        JANE,
        "--body-file",
        &r.body("Yes! Shall we talk on Monday?\n"),
    ]);
    s.wait_count(JANE, "INBOX", 1);
    let delivered = s.raw_messages(JANE, "INBOX").remove(0);
    let text = String::from_utf8_lossy(&delivered).replace("\r\n ", " ");
    let header = text
        .lines()
        .find(|l| l.starts_with("List-Unsubscribe:"))
        .unwrap_or_else(|| panic!("no List-Unsubscribe:\n{text}"));
    let mailto = header
        .split("<mailto:")
        .nth(1)
        .and_then(|m| m.split('>').next())
        .unwrap()
        .to_string();
    assert!(
        mailto.starts_with("talent+u-") && mailto.ends_with("@example.test"),
        "{mailto}"
    );

    // A made-up token: stored as ordinary mail, nothing recorded.
    let forged = format!("talent+u-{}@example.test", "a".repeat(32));
    s.deliver(JANE, &forged, &unsubscribe_mail(&forged, "u0@example.test"));
    s.wait_count(TALENT, "INBOX", 2);
    r.sync();
    assert!(
        active_opt_outs(&r).is_empty(),
        "a forged token records nothing"
    );
    let shown = r.json(&["show", JANE, "--json"]);
    assert!(
        shown["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["message_id"] == "u0@example.test"),
        "the forged one is kept as ordinary mail: {shown:#}"
    );

    // Her mail program writes to the address from the header.
    s.deliver(JANE, &mailto, &unsubscribe_mail(&mailto, "u1@example.test"));
    s.wait_count(TALENT, "INBOX", 3);
    r.sync();
    let active = active_opt_outs(&r);
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0]["scope"], "channel:email");
    assert_eq!(active[0]["source"], "unsubscribe-mail");
    let prefs = r.json(&["prefs", JANE, "--history", "--json"]);
    let entry = prefs["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "opt-out")
        .unwrap_or_else(|| panic!("no opt-out in the ledger: {prefs:#}"))
        .clone();
    let cited: i64 = r
        .db()
        .query_row(
            "SELECT id FROM messages WHERE message_id = 'u1@example.test'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(
        entry["source_message_id"], cited,
        "cites her message: {entry}"
    );
    assert_eq!(entry["source"], "unsubscribe-mail");
    let history = r.ok(&["prefs", JANE, "--history"]);
    assert!(
        history.contains("the candidate, by mail to the unsubscribe address"),
        "{history}"
    );
    // No automatic reply went to her.
    assert_eq!(s.raw_messages(JANE, "INBOX").len(), 1);

    // A further send is refused.
    let e = r.fail(&["reply", JANE, "--body-file", &r.body("One more thing.\n")]);
    assert!(e.contains("opted out"), "{e}");

    // Again, and once more with the address only in the envelope (Bcc): nothing new, both
    // recognised and settled.
    s.deliver(JANE, &mailto, &unsubscribe_mail(&mailto, "u2@example.test"));
    s.deliver(JANE, &mailto, &unsubscribe_mail(TALENT, "u3@example.test"));
    s.wait_count(TALENT, "INBOX", 5);
    r.sync();
    assert_eq!(active_opt_outs(&r).len(), 1);
    let (seen, settled): (i64, i64) = r
        .db()
        .query_row(
            "SELECT count(*), count(unsubscribe_settled_at) FROM messages WHERE unsubscribe_token IS NOT NULL",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!((seen, settled), (4, 4), "forged, first, again, Bcc");
}
