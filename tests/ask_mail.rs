//! Asking by mail (#18 item 4), end to end with the real servers: `rapport ask` sends the
//! question mail through Postfix; the test reads it from the copy Dovecot delivered to the
//! candidate, answers it as her mail program would (a reply, numbered answers, the question
//! mail quoted below), and syncs. `rapport answers` lists what her answer proposes;
//! `accept-answer` writes it to her ledger citing her message; a message the new wishes refuse
//! (a topic she never wants) is refused, and one sooner than she allows needs a confirmation.

mod common;

use common::mail::MailServers;
use common::runner::Rapport;

const TALENT: &str = "talent@example.test";
const JANE: &str = "jane@example.test";

#[test]
fn the_question_mail_is_answered_and_accepted_into_the_ledger() {
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
    r.after_jane_asked(&s, "Is the role open?");

    let out = r.ok(&["ask", JANE]);
    assert!(out.contains("question mail (en) queued"), "{out}");
    s.wait_count(JANE, "INBOX", 1);
    let delivered = s.raw_messages(JANE, "INBOX").remove(0);
    let text = String::from_utf8_lossy(&delivered).replace("\r\n", "\n");
    assert!(
        text.contains("Subject: How would you like to hear from us?"),
        "{text}"
    );
    let mid = text
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: <"))
        .and_then(|m| m.strip_suffix('>'))
        .unwrap_or_else(|| panic!("no Message-ID:\n{text}"))
        .to_string();
    let body = rapport_core::mail_in::parse::parse_message(&delivered).body;
    assert!(body.contains("1. How may we contact you?"), "{body}");
    let quoted: String = body.lines().map(|l| format!("> {l}\n")).collect();

    // Nothing waits yet.
    assert!(r.ok(&["answers"]).contains("no answers waiting"));

    let answer = format!(
        "From: Jane Doe <{JANE}>\nTo: {TALENT}\nSubject: Re: How would you like to hear from us?\n\
         Message-ID: <a1@example.test>\nIn-Reply-To: <{mid}>\nReferences: <{mid}>\n\
         Date: Mon, 02 Nov 2026 12:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n\
         1 email only 2 every three months 3 rust, remote 4 nothing about crypto\n\nBest,\nJane\n\n\
         On Mon, 2 Nov 2026, Talent wrote:\n{quoted}"
    );
    s.deliver(JANE, TALENT, &answer);
    s.wait_count(TALENT, "INBOX", 2);
    r.sync();

    let listed = r.json(&["answers", "--json"]);
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{listed:#}");
    assert_eq!(rows[0]["address"], JANE);
    assert_eq!(
        rows[0]["summary"],
        "email only · every three months · remote, rust · nothing about crypto"
    );
    assert_eq!(rows[0]["proposal"]["frequency"], "quarterly");
    let text = r.ok(&["answers"]);
    assert!(
        text.contains("rapport accept-answer jane@example.test"),
        "{text}"
    );

    let out = r.ok(&["accept-answer", JANE]);
    assert!(out.contains("accepted from their message"), "{out}");
    let cited: i64 = r
        .db()
        .query_row(
            "SELECT id FROM messages WHERE message_id = 'a1@example.test'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let prefs = r.json(&["prefs", JANE, "--history", "--json"]);
    let history = prefs["history"].as_array().unwrap();
    let freq = history
        .iter()
        .find(|e| e["field"] == "frequency")
        .unwrap_or_else(|| panic!("no frequency in the ledger: {prefs:#}"));
    assert_eq!(freq["source"], "candidate");
    assert_eq!(
        freq["source_message_id"], cited,
        "cites her message: {freq}"
    );
    let topic = history
        .iter()
        .find(|e| e["field"] == "opt-out")
        .unwrap_or_else(|| panic!("no topic opt-out in the ledger: {prefs:#}"));
    assert_eq!(topic["source_message_id"], cited);
    assert!(r.ok(&["answers"]).contains("no answers waiting"));
    let e = r.fail(&["accept-answer", JANE]);
    assert!(
        e.contains("no answer to the question mail is waiting"),
        "{e}"
    );

    // Her wishes are enforced: crypto is refused outright, and another mail so soon after
    // the question mail needs a confirmation (every three months at most).
    let e = r.fail(&[
        "send",
        JANE,
        "--subject",
        "A crypto startup",
        "--body-file",
        &r.body("Interested?\n"),
        "--topic",
        "crypto",
    ]);
    assert!(e.contains("opted out") && e.contains("crypto"), "{e}");
    let e = r.fail(&["reply", JANE, "--body-file", &r.body("One more thing.\n")]);
    assert!(e.contains("needs confirmation"), "{e}");
}
