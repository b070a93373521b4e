//! Where ingest time goes: parsing versus storing, on generated mail.
//! `cargo run --release --example ingest_profile [MESSAGES]`
use rapport_core::store::{Incoming, Location, Prepared, Store, TeamMember};
use rapport_demo::{DemoConfig, generate};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    // The bench corpus (realistic sizes); COMPACT=1 for the 2 KB demo messages.
    let mb = if std::env::var_os("COMPACT").is_some() {
        generate(&DemoConfig::scaled(1_795_186_800, n / 10, n))
    } else {
        generate(&DemoConfig::realistic(1_795_186_800, n / 10, n))
    };
    let raws: Vec<Vec<u8>> = mb.inbox.iter().chain(mb.sent.iter()).cloned().collect();
    let bytes: usize = raws.iter().map(|r| r.len()).sum();
    let t = Instant::now();
    let parsed: Vec<_> = raws
        .iter()
        .map(|r| rapport_core::mail_in::parse::parse_message(r))
        .collect();
    let parse = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for p in &parsed {
        std::hint::black_box(rapport_core::consent::optout::detect(
            &p.subject,
            &p.body,
            p.automated,
        ));
    }
    let detect = t.elapsed().as_secs_f64();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    let team: Vec<TeamMember> = mb
        .team
        .iter()
        .map(|m| TeamMember {
            address: m.address.clone(),
            name: m.name.clone(),
            shared: m.shared,
        })
        .collect();
    store.set_team(&team).unwrap();
    if std::env::var_os("FTS_OFF").is_some() {
        rusqlite::Connection::open(dir.path().join("rapport.db"))
            .unwrap()
            .execute_batch("DROP TRIGGER messages_fts_insert")
            .unwrap();
    }
    if let Ok(sql) = std::env::var("PRAGMAS") {
        rusqlite::Connection::open(dir.path().join("rapport.db"))
            .unwrap()
            .execute_batch(&sql)
            .unwrap();
    }
    // Like `rapport sync`: a folder and UID per message, so the raw bytes are not stored
    // (IMPORT=1: like import-maildir, raw bytes kept).
    let folder = store.folder_id("INBOX", "inbox").unwrap();
    let import = std::env::var_os("IMPORT").is_some();
    let team_set = store.team_address_set().unwrap();
    let incoming: Vec<Incoming> = parsed
        .into_iter()
        .zip(raws)
        .enumerate()
        .map(|(i, (parsed, raw))| Incoming {
            prepared: Prepared::of(&parsed, &team_set),
            parsed,
            raw,
            location: (!import).then(|| Location {
                folder_id: folder,
                uid: i as u32 + 1,
                flags: String::new(),
                modseq: None,
            }),
            received_at: 0,
            from_outbox: false,
        })
        .collect();
    let t = Instant::now();
    let bs: usize = std::env::var("BS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    for chunk in incoming.chunks(bs) {
        store.write_batch(chunk).unwrap();
    }
    let write = t.elapsed().as_secs_f64();
    // Experiments: SQL run once after the writes (e.g. an FTS rebuild after FTS_OFF=1).
    if let Ok(sql) = std::env::var("AFTER") {
        let t = Instant::now();
        rusqlite::Connection::open(dir.path().join("rapport.db"))
            .unwrap()
            .execute_batch(&sql)
            .unwrap();
        println!("after  {:.2} s", t.elapsed().as_secs_f64());
    }
    let m = incoming.len() as f64;
    println!(
        "{} messages, {:.1} MiB",
        incoming.len(),
        bytes as f64 / 1048576.0
    );
    println!("parse  {parse:.2} s ({:.0}/s)", m / parse);
    println!("detect {detect:.3} s (inside write)");
    println!("write  {write:.2} s ({:.0}/s)", m / write);
}
