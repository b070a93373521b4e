use super::*;
use crate::model::{Channel, Frequency, Outcome};
use std::str::FromStr;

/// Every form reads back as itself, and the text is the one stored and shown in JSON.
fn round_trip<T>(all: &[T], texts: &[&str])
where
    T: FromStr<Err = ParseValueError> + std::fmt::Display + PartialEq + std::fmt::Debug,
{
    assert_eq!(all.len(), texts.len());
    for (v, t) in all.iter().zip(texts) {
        assert_eq!(v.to_string(), *t);
        assert_eq!(&t.parse::<T>().unwrap(), v);
    }
}

#[test]
fn text_forms_round_trip() {
    round_trip(
        &OutboxState::ALL,
        &[
            "queued",
            "sending",
            "sent",
            "failed",
            "unknown",
            "cancelled",
        ],
    );
    round_trip(&SentCopyState::ALL, &["pending", "done", "local"]);
    round_trip(
        &ChangeSource::ALL,
        &[
            "recruiter",
            "candidate",
            "message",
            "call-note",
            "preference-page",
            "unsubscribe-mail",
        ],
    );
    round_trip(&DataRequestKind::ALL, &["copy", "erasure"]);
    round_trip(
        &LegalBasis::ALL,
        &["consent", "legitimate-interest", "own-choice"],
    );
    round_trip(
        &Channel::ALL,
        &["email", "phone", "sms", "linkedin", "meeting"],
    );
    round_trip(
        &Frequency::ALL,
        &[
            "weekly",
            "biweekly",
            "monthly",
            "quarterly",
            "only-when-they-write",
            "never",
        ],
    );
    round_trip(
        &Outcome::ALL,
        &["talked", "voicemail", "no-answer", "delivered"],
    );
    round_trip(
        &[
            OptOutScope::All,
            OptOutScope::Channel(Channel::Phone),
            OptOutScope::Topic("sales roles".into()),
        ],
        &["all", "channel:phone", "topic:sales roles"],
    );
}

#[test]
fn bad_text_is_named_with_what_it_could_be() {
    let e = "posted".parse::<OutboxState>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "outbox state \"posted\" is not one of: queued, sending, sent, failed, unknown, cancelled"
    );
    let e = "Consent".parse::<LegalBasis>().unwrap_err();
    assert_eq!(e.what, "legal basis");
    assert_eq!(e.value, "Consent");
    let e = "fax".parse::<Channel>().unwrap_err();
    assert!(e.to_string().starts_with("channel \"fax\""), "{e}");
    // A scope names the part that is wrong.
    let e = "channel:fax".parse::<OptOutScope>().unwrap_err();
    assert_eq!((e.what, e.value.as_str()), ("channel", "fax"));
    for bad in ["everything", "topic:", "topic: ", "ALL", ""] {
        let e = bad.parse::<OptOutScope>().unwrap_err();
        assert_eq!((e.what, e.value.as_str()), ("opt-out scope", bad));
    }
}

#[test]
fn stored_through_sqlite_as_text() {
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch("CREATE TABLE t(v TEXT)").unwrap();
    let scope = OptOutScope::Channel(Channel::Sms);
    db.execute(
        "INSERT INTO t VALUES (?1), (?2)",
        rusqlite::params![scope, OutboxState::Sent],
    )
    .unwrap();
    let texts: Vec<String> = db
        .prepare("SELECT v FROM t")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(texts, ["channel:sms", "sent"]);
    let back: OptOutScope = db
        .query_row("SELECT v FROM t WHERE rowid = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(back, scope);
    // A stored text that reads as nothing is an error that names it.
    let e = db
        .query_row("SELECT 'bogus'", [], |r| r.get::<_, OutboxState>(0))
        .unwrap_err();
    assert!(e.to_string().contains("\"bogus\""), "{e}");
}

#[test]
fn scope_covers_what_it_names() {
    assert!(OptOutScope::All.stops_email());
    assert!(OptOutScope::Channel(Channel::Email).stops_email());
    assert!(!OptOutScope::Channel(Channel::Phone).stops_email());
    let topics = ["ML".to_string()];
    assert!(OptOutScope::Topic("ml".into()).covers(Channel::Email, &topics));
    assert!(!OptOutScope::Topic("sales".into()).covers(Channel::Email, &topics));
    assert!(OptOutScope::Channel(Channel::Phone).covers(Channel::Phone, &[]));
    assert!(!OptOutScope::Channel(Channel::Phone).covers(Channel::Email, &[]));
}
