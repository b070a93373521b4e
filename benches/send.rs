//! Sending large bodies (printed, not asserted): for bodies of 1, 8 and 50 MB, the time to
//! build the message (`compose::build`: CRLF, quoted-printable) and to queue it (`enqueue`:
//! the candidate's wishes, the outbox row, the queued copy in the conversation). Both must
//! grow linearly: before the fix, building 8 MB took 13 s and 50 MB over five minutes.
//! `rapport send` refuses messages over `[smtp] max_message_size` (25 MB by default) before
//! building them; the 50 MB figure is the core path without that limit.
//!
//! Run: `cargo bench --bench send` (`RAPPORT_BENCH_SIZES=1,2` for other sizes, in MB).

use rapport_core::mail_in::ingest::{RawMessage, ingest_all};
use rapport_core::mail_out::compose::{self, Draft, Sender};
use rapport_core::mail_out::outbox::{Outgoing, enqueue};
use rapport_core::store::{Store, TeamMember};
use std::time::Instant;

fn body(bytes: usize) -> String {
    let line = "Hello Jane, thanks for your note about the role. Grüße aus Köln, ünïcödé too.\n";
    let mut s = line.repeat(bytes / line.len() + 1);
    s.truncate(s.floor_char_boundary(bytes));
    s
}

fn main() {
    let sizes: Vec<usize> = std::env::var("RAPPORT_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 8, 50]);
    let identity = Sender {
        team: "Northwind Talent".into(),
        shared_address: "talent@northwind.example".into(),
        recruiter_name: "Alice Moreau".into(),
        ..Default::default()
    };
    println!("size     build     queue     total   message");
    for mb in sizes {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in(dir.path()).unwrap();
        store
            .set_team(&[TeamMember {
                address: identity.shared_address.clone(),
                name: identity.team.clone(),
                shared: true,
            }])
            .unwrap();
        let first = b"From: Jane Doe <jane@x.example>\r\nTo: talent@northwind.example\r\nSubject: Hello\r\nMessage-ID: <j1@x.example>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n\r\nIs the role open?\r\n";
        ingest_all(
            &mut store,
            vec![RawMessage {
                bytes: first.to_vec(),
                location: None,
                received_at: 0,
                parts: None,
            }],
            |_| {},
        )
        .unwrap();
        let cand = rapport_core::actions::lookup::candidate(&store, "jane@x.example").unwrap();
        let draft = Draft {
            to: "jane@x.example".into(),
            cc: String::new(),
            subject: "The role".into(),
            body: body(mb << 20),
            in_reply_to: None,
            references: vec![],
            topics: Default::default(),
            answering: String::new(),
        };
        let t = Instant::now();
        let mid = compose::new_message_id(&identity.shared_address);
        let raw = compose::build(&identity, &draft, &mid, std::time::SystemTime::now()).unwrap();
        let build = t.elapsed();
        let size = raw.len();
        let out = Outgoing {
            candidate_id: Some(cand),
            from: identity.shared_address.clone(),
            to: vec!["jane@x.example".into()],
            message_id: mid,
            raw,
            topics: vec![],
            created_by: "Alice Moreau".into(),
            opened_at: None,
        };
        let t = Instant::now();
        enqueue(&mut store, &out, None, rapport_core::store::now()).unwrap();
        let queue = t.elapsed();
        println!(
            "{mb:>3} MB {:>7.2} s {:>7.2} s {:>7.2} s   {:.1} MB",
            build.as_secs_f64(),
            queue.as_secs_f64(),
            (build + queue).as_secs_f64(),
            size as f64 / 1e6
        );
    }
}
