//! Performance figures for the foundation (printed, not asserted):
//! - ingest throughput on generated mail (50,000 messages, parsed and stored on one thread);
//! - start to first frame with a 100,000-message database;
//! - median and p99 of a `j`/`k` keypress (update + render) on that database;
//! - peak memory (VmHWM) of the process that opens the database and handles the keys;
//! - `rapport attachment save` of a 5 MB attachment from a private Dovecot on loopback.
//! - a candidate query (`/` in the inbox, `rapport candidates --query`) over that database:
//!   parse, count and the first window of rows, as a search keystroke does (target 50 ms).
//!
//! - a share (#19) over that database: the preview (who receives it, who is left out and why,
//!   target 1 s), queueing its messages into the outbox (target 10,000 in 5 s), and the
//!   inbox keypress while an outbox worker releases and delivers it (target p99 16 ms).
//!
//! Run: `cargo bench --bench perf` (set RAPPORT_BENCH_SMALL=1 for a quick smoke run,
//! RAPPORT_BENCH_ONLY=attachment for the attachment figure alone, RAPPORT_BENCH_ONLY=share
//! for the share figures).

#[path = "../tests/common/mail.rs"]
mod mail;
#[allow(dead_code)]
#[path = "../tests/common/message.rs"]
mod message;

use rapport::ui::action::{Action, Bound};
use rapport::ui::keymap::Keymap;
use rapport::ui::state::State;
use rapport::ui::theme::Theme;
use rapport::ui::update::{reload_list, update};
use rapport_core::mail_in::ingest::{RawMessage, begin_load, ingest_all};
use rapport_core::store::{Store, TeamMember};
use rapport_demo::{DemoConfig, generate};
use std::path::Path;
use std::time::Instant;

const ANCHOR: i64 = 1_795_186_800;

fn small() -> bool {
    std::env::var_os("RAPPORT_BENCH_SMALL").is_some()
}

fn team(store: &mut Store, mb: &rapport_demo::DemoMailbox) {
    let t: Vec<TeamMember> = mb
        .team
        .iter()
        .map(|m| TeamMember {
            address: m.address.clone(),
            name: m.name.clone(),
            shared: m.shared,
        })
        .collect();
    store.set_team(&t).unwrap();
}

fn raws(mb: &rapport_demo::DemoMailbox) -> Vec<RawMessage> {
    mb.inbox
        .iter()
        .chain(mb.sent.iter())
        .map(|b| RawMessage {
            bytes: b.clone(),
            location: None,
            received_at: ANCHOR,
            parts: None,
        })
        .collect()
}

fn bench_ingest() {
    let (c, m) = if small() {
        (500, 5_000)
    } else {
        (5_000, 50_000)
    };
    let mb = generate(&DemoConfig::scaled(ANCHOR, c, m));
    let msgs = raws(&mb);
    let n = msgs.len();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(dir.path()).unwrap();
    team(&mut store, &mb);
    // As `rapport import-maildir` and a first sync store a large load: the search index is
    // caught up in steps, and complete (searchable) when the clock stops.
    let t = Instant::now();
    begin_load(&mut store, n).unwrap();
    ingest_all(&mut store, msgs, |_| {}).unwrap();
    store.complete_search_index().unwrap();
    let secs = t.elapsed().as_secs_f64();
    println!(
        "ingest: {n} messages in {secs:.2} s = {:.0} messages/s (parsed and stored on one thread)",
        n as f64 / secs
    );
}

/// Builds (once) the big database the UI figures use.
fn big_db() -> std::path::PathBuf {
    let (c, m) = if small() {
        (1_000, 10_000)
    } else {
        (10_000, 100_000)
    };
    // Keyed by the schema's text, so a cached database never outlives a schema change.
    let schema = include_str!("../crates/rapport-core/src/store/schema.rs");
    let key = schema.bytes().fold(0u64, |h, b| {
        h.wrapping_mul(1_099_511_628_211).wrapping_add(b as u64)
    });
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-db-{m}-{key:016x}-profiles"));
    let done = dir.join("complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mb = generate(&DemoConfig::scaled(ANCHOR, c, m));
    let mut store = Store::open_in(&dir).unwrap();
    team(&mut store, &mb);
    let t = Instant::now();
    let stats = ingest_all(&mut store, raws(&mb), |_| {}).unwrap();
    profiles(&mut store, &mb);
    println!(
        "built the {}-message database in {:.1} s ({} candidates)",
        stats.inserted,
        t.elapsed().as_secs_f64(),
        store.status().unwrap().candidates
    );
    std::fs::write(&done, b"").unwrap();
    dir
}

/// What the team recorded besides mail, as the demo records it: preferences and interests,
/// opt-outs, and (for the query figures) a third of the candidates assigned, a few snoozed.
fn profiles(store: &mut Store, mb: &rapport_demo::DemoMailbox) {
    use rapport_core::store::ChangeMeta;
    use rapport_core::values::{ChangeSource, OptOutScope};
    let meta = |at: i64| ChangeMeta {
        actor: "demo".into(),
        at,
        source: ChangeSource::Candidate,
        source_message_id: None,
        legal_basis: None,
        note: String::new(),
    };
    for p in &mb.profiles {
        let Some(c) = store.candidate_by_address(&p.address).unwrap() else {
            continue;
        };
        if p.preferences != Default::default() {
            store
                .set_preferences(c, &p.preferences, &meta(ANCHOR - 30 * 86_400))
                .unwrap();
        }
        if let Some(o) = &p.opted_out {
            store
                .record_opt_out(c, &OptOutScope::All, &o.reason, &meta(o.at))
                .unwrap();
        }
    }
    let recruiters: Vec<String> = mb
        .team
        .iter()
        .filter(|m| !m.shared)
        .map(|m| m.name.clone())
        .collect();
    let ids: Vec<i64> = store
        .candidate_names()
        .unwrap()
        .into_iter()
        .map(|(id, ..)| id)
        .collect();
    for (i, id) in ids.iter().enumerate() {
        if i % 3 == 0 {
            let who = &recruiters[i % recruiters.len()];
            store.assign(*id, Some(who), "demo").unwrap();
        }
        if i % 50 == 7 {
            store
                .snooze(*id, Some(ANCHOR + 3 * 86_400), "demo", ANCHOR - 3600)
                .unwrap();
        }
    }
}

/// Candidate queries over the big database, as a search keystroke runs them: parse and bind
/// the query, count the matches and read the first window of rows. The queries take turns,
/// so that each run evaluates its query afresh (the store keeps only the last one's answer).
fn bench_query(dir: &Path) {
    use rapport_core::actions::candidates;
    use rapport_core::store::{InboxFilter, InboxQuery};
    let store = Store::open_in(dir).unwrap();
    let (schedule, target) = rapport_core::responses::report::settings(None, &store);
    let me = "Alice Moreau";
    let status = store.status().unwrap();
    let queries = [
        "interest:rust channel:email due:yes",
        "rust",
        "\"machine learning\" -opted-out:yes",
        "assigned:me waiting:>24h",
        "over:target -snoozed:yes assigned:none",
        "tz:Europe/* lang:de or lang:fr channel:phone",
        "interest:backend or interest:data due:no -assigned:bilal",
    ];
    let mut times = vec![Vec::new(); queries.len()];
    let mut found = vec![0; queries.len()];
    for _ in 0..21 {
        for (i, text) in queries.iter().enumerate() {
            let t = Instant::now();
            let search = candidates::parse(text, me, &schedule, target, ANCHOR).unwrap();
            let q = InboxQuery {
                keep: None,
                filter: InboxFilter::All,
                search,
                assignee: Default::default(),
            };
            found[i] = store.inbox_count(&q).unwrap();
            let rows = store.inbox_page(&q, 0, rapport::ui::state::WINDOW).unwrap();
            times[i].push(t.elapsed().as_secs_f64() * 1e3);
            assert_eq!(rows.len(), found[i].min(rapport::ui::state::WINDOW));
        }
    }
    for (i, text) in queries.iter().enumerate() {
        let t = &mut times[i];
        t.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "query {text:?}: {} of {} candidates ({} messages), median {:.1} ms, max {:.1} ms (target <= 50 ms)",
            found[i],
            status.candidates,
            status.messages,
            t[t.len() / 2],
            t[t.len() - 1]
        );
    }
}

/// A share over the big database: its preview, then the release of every planned message into
/// the outbox of a copy of the database (no throttle), as `rapport share run` does.
fn bench_share(dir: &Path) {
    use rapport_core::actions::queue::Limit;
    use rapport_core::actions::share::{self, Pace, Spec};
    use rapport_core::mail_out::templates::Template;
    use rapport_core::responses::hours::Schedule;
    let copy = copy_db(dir);
    let mut store = Store::open_in(copy.path()).unwrap();
    let (_, target) = rapport_core::responses::report::settings(None, &store);
    let schedule = Schedule::office(jiff::tz::TimeZone::UTC);
    let identity = bench_sender();
    let status = store.status().unwrap();
    for (what, query, tags) in [
        ("by interest (rust)", None, vec!["rust".to_string()]),
        (
            "query channel:email",
            Some("channel:email".to_string()),
            vec!["news".to_string()],
        ),
    ] {
        let spec = Spec {
            template: Template {
                name: "bench".into(),
                tags,
                body: "Hi {first_name},\n\nsomething about {interests} you asked for.\n\n{recruiter}\n".into(),
            },
            subject: "Something you asked for".into(),
            query,
            pace: Pace {
                per_hour: 1_000_000,
                per_day: 1_000_000,
            },
        };
        let mut times = Vec::new();
        let mut p = None;
        for _ in 0..3 {
            let t = Instant::now();
            p = Some(
                share::preview(
                    &store,
                    &spec,
                    &identity,
                    "Alice Moreau",
                    &schedule,
                    target,
                    ANCHOR,
                )
                .unwrap(),
            );
            times.push(t.elapsed().as_secs_f64());
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let p = p.unwrap();
        println!(
            "share preview {what}: {} receive it, {} left out, over {} candidates / {} messages: median {:.2} s (target <= 1 s)",
            p.planned.len(),
            p.skipped.len(),
            status.candidates,
            status.messages,
            times[1]
        );
        let id = share::create(&mut store, &spec, &p, "Alice Moreau", ANCHOR).unwrap();
        let limit = Limit {
            bytes: 25_000_000,
            source: "bench".into(),
        };
        let t = Instant::now();
        let r = share::release(&mut store, id, &identity, &limit, &schedule, ANCHOR).unwrap();
        let secs = t.elapsed().as_secs_f64();
        println!(
            "share release {what}: {} queued into the outbox, {} skipped at release, in {:.2} s ({:.0} messages/s, so 10,000 in {:.1} s; target 10,000 in <= 5 s)",
            r.queued,
            r.skipped,
            secs,
            r.queued as f64 / secs,
            10_000.0 * secs / r.queued.max(1) as f64
        );
    }
}

/// A copy of the cached benchmark database, for a bench that writes.
fn copy_db(dir: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let to = copy.path().join(e.file_name());
        std::fs::copy(e.path(), &to).unwrap();
        // On disk before anything is measured: else the first commit's checkpoint (its
        // fsync) writes out the whole copy and is counted against the bench.
        std::fs::File::open(&to).unwrap().sync_all().unwrap();
    }
    copy
}

fn bench_sender() -> rapport_core::mail_out::compose::Sender {
    rapport_core::mail_out::compose::Sender {
        team: "Northwind Talent".into(),
        shared_address: "talent@northwind-recruiting.example".into(),
        recruiter_name: "Alice Moreau".into(),
        web: Default::default(),
    }
}

/// Keypresses in the inbox while a share to everyone who allows email is released and
/// delivered by the outbox worker, as an open inbox does it: a copy of the database with the
/// share created, then the UI process (see [`child`]) with the worker running.
fn bench_keypress_while_sharing(dir: &Path) {
    use rapport_core::actions::share::{self, Pace, Spec};
    use rapport_core::mail_out::templates::Template;
    use rapport_core::responses::hours::Schedule;
    let copy = copy_db(dir);
    {
        let mut store = Store::open_in(copy.path()).unwrap();
        let (_, target) = rapport_core::responses::report::settings(None, &store);
        let spec = Spec {
            template: Template {
                name: "bench".into(),
                tags: vec!["news".into()],
                body: "Hi {first_name},\n\nnews you asked for.\n\n{recruiter}\n".into(),
            },
            subject: "News you asked for".into(),
            query: Some("channel:email".into()),
            pace: Pace {
                per_hour: 1_000_000,
                per_day: 1_000_000,
            },
        };
        let schedule = Schedule::office(jiff::tz::TimeZone::UTC);
        let p = share::preview(
            &store,
            &spec,
            &bench_sender(),
            "Alice Moreau",
            &schedule,
            target,
            ANCHOR,
        )
        .unwrap();
        share::create(&mut store, &spec, &p, "Alice Moreau", ANCHOR).unwrap();
    }
    let me = std::env::current_exe().unwrap();
    let st = std::process::Command::new(me)
        .env("RAPPORT_BENCH_CHILD", copy.path())
        .env("RAPPORT_BENCH_SHARING", "1")
        .status()
        .unwrap();
    assert!(st.success());
}

/// The outbox worker of an open inbox, releasing due shares before each pass (at the
/// benchmark's fixed time, inside working hours) and delivering into a folder.
fn start_sharing_worker(dir: &Path, out: &Path) {
    use rapport_core::actions::queue::Limit;
    use rapport_core::mail_out::delivery::{Deliverer, Transport, spawn_worker};
    let identity = bench_sender();
    let limit = Limit {
        bytes: 25_000_000,
        source: "bench".into(),
    };
    let schedule = rapport_core::responses::hours::Schedule::office(jiff::tz::TimeZone::UTC);
    let (wake, _events) = spawn_worker(
        dir.to_owned(),
        Deliverer {
            transport: Transport::File(out.to_owned()),
            sent: None,
            sent_folders: vec![],
        },
        Some(Box::new(move |store: &mut Store| {
            rapport_core::actions::share::release_due(store, &identity, &limit, &schedule, ANCHOR)
                .map(|_| ())
                .map_err(|e| e.to_string())
        })),
    );
    // Kept for the life of the process: dropping them stops the worker.
    std::mem::forget((wake, _events));
}

fn draw(t: &mut ratatui::Terminal<ratatui::backend::TestBackend>, s: &State) {
    t.draw(|f| rapport::ui::render::render(s, f)).unwrap();
}

/// Runs in a fresh process so that peak memory is the UI's own.
fn child(dir: &Path) {
    let start = Instant::now();
    let store = Store::open_in(dir).unwrap();
    let mut s = State::new(
        store,
        Keymap::defaults(),
        Theme::from_env(),
        "bench".into(),
        jiff::tz::TimeZone::UTC,
        ANCHOR,
    );
    update(&mut s, Action::Resize(160, 48));
    update(&mut s, Action::Key(Bound::FilterAll));
    reload_list(&mut s);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).unwrap();
    draw(&mut term, &s);
    let first = start.elapsed();
    assert!(
        s.total > 1000,
        "the benchmark database did not open as expected: {:?}",
        s.notice
    );
    println!(
        "first frame: {:.1} ms (open database, load the inbox window and the selected conversation, render 160x48)",
        first.as_secs_f64() * 1e3
    );

    let sharing = std::env::var_os("RAPPORT_BENCH_SHARING").is_some();
    let out = tempfile::tempdir().unwrap();
    if sharing {
        start_sharing_worker(dir, out.path());
    }
    let mut watch = rapport::ui::live::Watch::new(&s.store);
    let mut times = Vec::new();
    let started = Instant::now();
    for i in 0..2_000 {
        let b = if (i / 500) % 2 == 0 {
            Bound::Next
        } else {
            Bound::Prev
        };
        if sharing {
            // A person's pace (about 60 keys a second at most), so the worker's batches land
            // between and during keypresses.
            std::thread::sleep(std::time::Duration::from_millis(15));
        }
        let t = Instant::now();
        // As the runner does: another connection's commit reloads what is shown.
        if watch.due(rapport::ui::run::WATCH) && watch.changed(&s.store) {
            update(&mut s, Action::DataChanged);
        }
        update(&mut s, Action::Key(b));
        draw(&mut term, &s);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
    let what = if sharing {
        let sent = std::fs::read_dir(out.path())
            .map(|d| d.count())
            .unwrap_or(0);
        format!(
            "while the outbox worker releases and delivers a share ({} released, {sent} delivered in those {:.0} s)",
            s.store.share_released_since(1, 0).unwrap_or(0),
            started.elapsed().as_secs_f64()
        )
    } else {
        "(update + render".to_string() + ")"
    };
    println!(
        "keypress j/k {what}, {} presses over {} candidates: median {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 < 16 ms)",
        times.len(),
        s.total,
        pct(0.5),
        pct(0.99),
        times.last().unwrap()
    );
    if sharing {
        return;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .unwrap_or("VmHWM: ?");
    println!(
        "peak memory of the UI process: {}",
        hwm.trim_start_matches("VmHWM:").trim()
    );
}

/// `rapport report --since all` over the big database, as a user runs it (a whole process:
/// open, read the waits, compute, print), in calendar time and in business hours.
fn bench_report(dir: &Path) {
    for extra in [&[][..], &["--business-hours"][..]] {
        let mut times = Vec::new();
        let mut out = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
                .arg("--data-dir")
                .arg(dir)
                .args(["report", "--since", "all"])
                .args(extra)
                .env_remove("RAPPORT_CONFIG")
                .output()
                .unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            out = o.stdout;
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let text = String::from_utf8_lossy(&out);
        let all = text.lines().find(|l| l.starts_with("all")).unwrap_or("");
        println!(
            "rapport report --since all {}: median {:.0} ms, max {:.0} ms (target <= 300 ms); {}",
            extra.join(" "),
            times[times.len() / 2],
            times[times.len() - 1],
            all.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
}

/// Saving a 5 MB CV that lives on the server (synced mail keeps no copy): the whole
/// `rapport attachment save` process, from start to the file written, against a private
/// Dovecot over TLS on loopback. Skipped when the test mail servers are not installed.
fn bench_attachment() {
    if std::process::Command::new("dovecot")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("attachment save: skipped (no dovecot; scripts/test.sh installs it)");
        return;
    }
    let s = mail::MailServers::start();
    let pdf = message::cv_pdf("Large CV - Curriculum Vitae", 5_000_000);
    let raw = message::Mail::default()
        .from("Big Files <big@example.test>")
        .to("talent@example.test")
        .id("big-cv@example.test")
        .with_files(&[("portfolio.pdf", "application/pdf", &pdf)]);
    let mut c =
        rapport_core::mail_in::imap::connect::connect(&s.endpoint("talent@example.test")).unwrap();
    c.append("INBOX", &raw).finish().unwrap();
    let _ = c.logout();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        s.config("tls", &format!("ca_file = \"{}\"", s.ca().display())),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(args)
            .env("RAPPORT_CONFIG", &config)
            .env("RAPPORT_DATA_DIR", dir.path().join("data"))
            .env(mail::PASSWORD_ENV, s.password())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    run(&["sync"]);
    let list: serde_json::Value =
        serde_json::from_str(&run(&["attachments", "big@example.test", "--json"])).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let to = dir.path().join("dl");
    let mut times = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let path = run(&["attachment", "save", &id, "--to", to.to_str().unwrap()]);
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(std::fs::read(path.trim()).unwrap().len(), pdf.len());
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "attachment save of {:.1} MB from the server (whole process, TLS on loopback): median {:.0} ms, max {:.0} ms (target <= 1 s)",
        pdf.len() as f64 / 1e6,
        times[times.len() / 2] * 1e3,
        times[times.len() - 1] * 1e3
    );
}

fn main() {
    if let Ok(dir) = std::env::var("RAPPORT_BENCH_CHILD") {
        child(Path::new(&dir));
        return;
    }
    bench_attachment();
    if std::env::var("RAPPORT_BENCH_ONLY").as_deref() == Ok("attachment") {
        return;
    }
    if std::env::var("RAPPORT_BENCH_ONLY").as_deref() == Ok("share") {
        let dir = big_db();
        bench_share(&dir);
        bench_keypress_while_sharing(&dir);
        return;
    }
    // `cargo bench` passes --bench; ignore arguments.
    bench_ingest();
    let dir = big_db();
    bench_share(&dir);
    bench_keypress_while_sharing(&dir);
    bench_report(&dir);
    bench_query(&dir);
    let me = std::env::current_exe().unwrap();
    let st = std::process::Command::new(me)
        .env("RAPPORT_BENCH_CHILD", &dir)
        .status()
        .unwrap();
    assert!(st.success());
}
