//! A temporary store with one candidate and their mail, for the use-case tests.

use crate::mail_in::ingest::{RawMessage, ingest_batch};
use crate::store::{Store, TeamMember};

pub const TEAM: &str = "talent@team.example";
/// Fri 20 Nov 2026 15:00 UTC.
pub const T0: i64 = 1_795_186_800;

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub store: Store,
}

impl Fixture {
    /// A store whose team is the shared box, with mail from `ada@example.org` (one message
    /// asking not to be called) and `bob@example.org`.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        store
            .set_team(&[TeamMember {
                address: TEAM.into(),
                name: "Team".into(),
                shared: true,
            }])
            .unwrap();
        let batch = vec![
            raw(
                "Ada <ada@example.org>",
                "m1",
                T0 - 3600,
                "Hello",
                "Happy to talk.",
            ),
            raw(
                "Ada <ada@example.org>",
                "m2",
                T0 - 60,
                "Re: Hello",
                "Please don't call me, email is fine.",
            ),
            raw("Bob <bob@example.org>", "m3", T0 - 120, "Hi", "Interested."),
        ];
        ingest_batch(&mut store, batch).unwrap();
        Fixture { _dir: dir, store }
    }

    pub fn candidate(&self, address: &str) -> i64 {
        self.store.candidate_by_address(address).unwrap().unwrap()
    }

    /// The row id of the message with this Message-ID.
    pub fn message(&self, mid: &str) -> i64 {
        self.store.message_by_message_id(mid).unwrap().unwrap().0
    }
}

fn raw(from: &str, id: &str, date: i64, subject: &str, body: &str) -> RawMessage {
    let date = jiff::Timestamp::from_second(date)
        .unwrap()
        .strftime("%a, %d %b %Y %H:%M:%S +0000");
    let text = format!(
        "From: {from}\r\nTo: {TEAM}\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    RawMessage {
        bytes: text.into_bytes(),
        location: None,
        received_at: T0,
        parts: None,
    }
}
