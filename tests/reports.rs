//! Response times against hand-computed fixtures: business hours across nights, weekends,
//! daylight-saving changes and holidays; what stops a wait and what does not; credit; waits
//! maintained as mail arrives equal a full recomputation; the CLI's JSON, field by field.

mod common;

use rapport_core::mail_in::ingest::{RawMessage, ingest_batch};
use rapport_core::mail_out::outbox::{Outgoing, enqueue};
use rapport_core::model::{Channel, ContactEntry, Direction, Outcome};
use rapport_core::responses::hours::{BusinessClock, Schedule};
use rapport_core::responses::report::{self, Clock, Level, Period, Target};
use rapport_core::store::{Store, TeamMember, WaitRow};

const TEAM: &str = "talent@northwind.example";
const ALICE: &str = "alice@northwind.example";
const BOB: &str = "bob@northwind.example";
const H: i64 = 3600;

fn berlin(s: &str) -> i64 {
    s.parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .unwrap()
        .timestamp()
        .as_second()
}

fn schedule() -> Schedule {
    let mut s = Schedule::office(jiff::tz::TimeZone::get("Europe/Berlin").unwrap());
    s.holidays.insert("2026-12-25".parse().unwrap());
    s
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open_in(dir.path()).unwrap();
    s.set_team(&[
        TeamMember {
            address: TEAM.into(),
            name: "Northwind Talent".into(),
            shared: true,
        },
        TeamMember {
            address: ALICE.into(),
            name: "Alice Moreau".into(),
            shared: false,
        },
        TeamMember {
            address: BOB.into(),
            name: "Bob Stone".into(),
            shared: false,
        },
    ])
    .unwrap();
    (dir, s)
}

/// One message: `from` and `to` are addresses; `extra` are more header lines.
fn mail(from: &str, to: &str, at: &str, id: &str, refs: &str, extra: &str) -> Vec<u8> {
    let m = common::message::Mail::new(from, to, id, berlin(at))
        .subject("The role")
        .body("Hello")
        .headers(extra);
    if refs.is_empty() {
        m.raw()
    } else {
        m.refs(&format!("<{refs}>")).raw()
    }
}

fn ingest(s: &mut Store, mails: Vec<Vec<u8>>) {
    let batch = mails
        .into_iter()
        .map(|bytes| RawMessage {
            // Arrived when it was sent: fixtures dated after today are not "from the future".
            received_at: rapport_core::mail_in::parse::parse_message(&bytes)
                .date
                .unwrap_or(0),
            bytes,
            location: None,
            parts: None,
        })
        .collect();
    ingest_batch(s, batch).unwrap();
}

fn cand(s: &Store, addr: &str) -> i64 {
    s.candidate_by_address(addr).unwrap().unwrap()
}

fn waits_of(s: &Store, addr: &str) -> Vec<WaitRow> {
    let c = cand(s, addr);
    s.all_waits()
        .unwrap()
        .into_iter()
        .filter(|w| w.candidate_id == c)
        .collect()
}

/// (calendar, business) seconds of a completed wait.
fn spans(w: &WaitRow) -> (i64, i64) {
    let end = w.ended_at.expect("the wait is over");
    let clock = BusinessClock::new(&schedule(), w.started_at, end);
    (end - w.started_at, clock.between(w.started_at, end))
}

fn contact(s: &mut Store, addr: &str, at: &str, outcome: Outcome, who: &str) {
    let c = cand(s, addr);
    s.log_contact(
        c,
        &ContactEntry {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            outcome,
            at: berlin(at),
            note: String::new(),
            recorded_by: who.into(),
        },
    )
    .unwrap();
}

#[test]
fn overnight_and_weekend_waits_in_business_hours() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            // Tue 16:00 -> Wed 10:00: 18 calendar hours, 2 business hours.
            mail("ana@x.example", TEAM, "2026-11-17T16:00", "a1", "", ""),
            mail(ALICE, "ana@x.example", "2026-11-18T10:00", "a2", "a1", ""),
            // Fri 16:30 -> Mon 09:30: 65 calendar hours, 1 business hour.
            mail("ben@x.example", TEAM, "2026-11-20T16:30", "b1", "", ""),
            mail(BOB, "ben@x.example", "2026-11-23T09:30", "b2", "b1", ""),
        ],
    );
    let w = waits_of(&s, "ana@x.example");
    assert_eq!(w.len(), 1);
    assert!(
        w[0].first,
        "their first message starts a first response time"
    );
    assert_eq!(spans(&w[0]), (18 * H, 2 * H));
    assert_eq!(w[0].responder.as_deref(), Some(ALICE));
    let w = waits_of(&s, "ben@x.example");
    assert_eq!(spans(&w[0]), (65 * H, H));
    assert_eq!(w[0].responder.as_deref(), Some(BOB));
}

#[test]
fn daylight_saving_changes_in_both_directions() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            // Spring forward (29 March): Fri 16:00 -> Mon 10:00 is 65 real hours, not 66.
            mail("cai@x.example", TEAM, "2026-03-27T16:00", "c1", "", ""),
            mail(ALICE, "cai@x.example", "2026-03-30T10:00", "c2", "c1", ""),
            // Fall back (25 October): the same local times are 67 real hours.
            mail("dee@x.example", TEAM, "2026-10-23T16:00", "d1", "", ""),
            mail(ALICE, "dee@x.example", "2026-10-26T10:00", "d2", "d1", ""),
        ],
    );
    assert_eq!(spans(&waits_of(&s, "cai@x.example")[0]), (65 * H, 2 * H));
    assert_eq!(spans(&waits_of(&s, "dee@x.example")[0]), (67 * H, 2 * H));
}

#[test]
fn a_holiday_has_no_business_hours() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            // Thu 24 Dec 16:00 -> Mon 28 Dec 10:00; Friday the 25th is a holiday.
            mail("eve@x.example", TEAM, "2026-12-24T16:00", "e1", "", ""),
            mail(BOB, "eve@x.example", "2026-12-28T10:00", "e2", "e1", ""),
        ],
    );
    assert_eq!(spans(&waits_of(&s, "eve@x.example")[0]), (90 * H, 2 * H));
}

#[test]
fn automated_mail_neither_starts_nor_stops_a_wait() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            mail("fay@x.example", TEAM, "2026-11-16T10:00", "f1", "", ""),
            // Our autoresponder at once: not an answer.
            mail(
                TEAM,
                "fay@x.example",
                "2026-11-16T10:01",
                "f2",
                "f1",
                "Auto-Submitted: auto-replied\r\n",
            ),
            mail(ALICE, "fay@x.example", "2026-11-16T14:00", "f3", "f1", ""),
            // Their out-of-office answering us: not a new wait.
            mail(
                "fay@x.example",
                TEAM,
                "2026-11-16T14:01",
                "f4",
                "f3",
                "Auto-Submitted: auto-replied\r\n",
            ),
        ],
    );
    let w = waits_of(&s, "fay@x.example");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(spans(&w[0]), (4 * H, 4 * H));
    assert_eq!(w[0].responder.as_deref(), Some(ALICE));
}

#[test]
fn a_talked_call_stops_the_clock_and_a_voicemail_does_not() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            mail("gus@x.example", TEAM, "2026-11-16T10:00", "g1", "", ""),
            mail("hal@x.example", TEAM, "2026-11-16T10:00", "h1", "", ""),
            mail(ALICE, "hal@x.example", "2026-11-16T15:00", "h2", "h1", ""),
        ],
    );
    contact(
        &mut s,
        "gus@x.example",
        "2026-11-16T12:00",
        Outcome::Talked,
        "bob",
    );
    contact(
        &mut s,
        "hal@x.example",
        "2026-11-16T11:00",
        Outcome::Voicemail,
        "bob",
    );
    let g = waits_of(&s, "gus@x.example");
    assert_eq!(spans(&g[0]), (2 * H, 2 * H));
    assert_eq!(g[0].ended_by.as_deref(), Some("talked"));
    assert_eq!(g[0].responder.as_deref(), Some("bob"));
    let h = waits_of(&s, "hal@x.example");
    assert_eq!(spans(&h[0]), (5 * H, 5 * H));
    assert_eq!(h[0].responder.as_deref(), Some(ALICE));
}

#[test]
fn a_reply_from_another_client_is_credited_by_its_sender() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            mail("ivy@x.example", TEAM, "2026-11-16T10:00", "i1", "", ""),
            // Sent from the shared box in another client, on Bob's behalf.
            mail(
                TEAM,
                "ivy@x.example",
                "2026-11-16T13:00",
                "i2",
                "i1",
                &format!("Sender: {BOB}\r\n"),
            ),
        ],
    );
    let w = waits_of(&s, "ivy@x.example");
    assert_eq!(spans(&w[0]), (3 * H, 3 * H));
    assert_eq!(w[0].responder.as_deref(), Some(BOB));
}

#[test]
fn mail_sent_from_rapport_counts_once_sent_and_credits_who_sent_it() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![mail("jo@x.example", TEAM, "2026-11-16T10:00", "j1", "", "")],
    );
    let c = cand(&s, "jo@x.example");
    let raw = mail(TEAM, "jo@x.example", "2026-11-16T11:30", "j2", "j1", "");
    let id = enqueue(
        &mut s,
        &Outgoing {
            candidate_id: Some(c),
            from: TEAM.into(),
            to: vec!["jo@x.example".into()],
            message_id: "j2".into(),
            raw,
            topics: vec![],
            created_by: "Dana Kowalski".into(),
            opened_at: None,
        },
        None,
        berlin("2026-11-16T11:30"),
    )
    .unwrap();
    // Queued is not answered: nobody has read it yet.
    assert_eq!(waits_of(&s, "jo@x.example")[0].ended_at, None);
    s.outbox_sent(id, rapport_core::values::SentCopyState::Done)
        .unwrap();
    let w = waits_of(&s, "jo@x.example");
    assert_eq!(spans(&w[0]), (90 * 60, 90 * 60));
    assert_eq!(w[0].responder.as_deref(), Some("Dana Kowalski"));
}

#[test]
fn out_of_order_arrival_and_two_addresses() {
    let (_d, mut s) = store();
    // Our reply is synced before the message it answers.
    ingest(
        &mut s,
        vec![mail(
            ALICE,
            "kim@x.example",
            "2026-11-17T10:00",
            "k2",
            "k1",
            "",
        )],
    );
    ingest(
        &mut s,
        vec![mail(
            "Kim Lee <kim@x.example>",
            TEAM,
            "2026-11-16T16:00",
            "k1",
            "",
            "",
        )],
    );
    let w = waits_of(&s, "kim@x.example");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(spans(&w[0]), (18 * H, 2 * H));
    // They write again from a second address in the same thread (same name: the same
    // person); we answer that one.
    ingest(
        &mut s,
        vec![
            mail(
                "Kim Lee <kim.private@y.example>",
                TEAM,
                "2026-11-18T09:00",
                "k3",
                "k2",
                "",
            ),
            mail(
                BOB,
                "kim.private@y.example",
                "2026-11-18T12:00",
                "k4",
                "k3",
                "",
            ),
        ],
    );
    assert_eq!(
        cand(&s, "kim.private@y.example"),
        cand(&s, "kim@x.example"),
        "one person"
    );
    let w = waits_of(&s, "kim@x.example");
    assert_eq!(w.len(), 2);
    assert!(w[0].first && !w[1].first);
    assert_eq!(spans(&w[1]), (3 * H, 3 * H));
    assert_eq!(w[1].responder.as_deref(), Some(BOB));
}

#[test]
fn report_statistics_per_recruiter_and_week() {
    let (_d, mut s) = store();
    ingest(
        &mut s,
        vec![
            mail("a@x.example", TEAM, "2026-11-16T10:00", "m1", "", ""),
            mail(ALICE, "a@x.example", "2026-11-16T11:00", "m2", "m1", ""),
            mail("b@x.example", TEAM, "2026-11-16T10:00", "m3", "", ""),
            mail(ALICE, "b@x.example", "2026-11-16T13:00", "m4", "m3", ""),
            mail("a@x.example", TEAM, "2026-11-24T09:00", "m5", "m2", ""),
            mail(BOB, "a@x.example", "2026-11-24T17:00", "m6", "m5", ""),
            // Still waiting since Thursday 09:00: at "now" (Monday 12:00) that is 8 + 8 + 3
            // = 19 business hours, over 75% of the 24-hour target: near it.
            mail("c@x.example", TEAM, "2026-11-26T09:00", "m7", "", ""),
        ],
    );
    let now = berlin("2026-11-30T12:00");
    let r = report::from_store(
        &s,
        &schedule(),
        Target::default(),
        Clock::Business,
        Period {
            since: None,
            until: now,
        },
    )
    .unwrap();
    let row = |g: &str| {
        r.by_recruiter
            .iter()
            .find(|x| x.group == g)
            .unwrap()
            .clone()
    };
    let alice = row("Alice Moreau");
    assert_eq!((alice.first_response.count, alice.reply.count), (2, 2));
    assert_eq!(alice.reply.median, Some(H));
    assert_eq!(alice.reply.p90, Some(3 * H));
    let bob = row("Bob Stone");
    assert_eq!((bob.first_response.count, bob.reply.count), (0, 1));
    assert_eq!(bob.reply.median, Some(8 * H));
    assert_eq!(r.total.reply.count, 3);
    assert_eq!(r.total.reply.median, Some(3 * H));
    let weeks: Vec<(&str, usize)> = r
        .by_week
        .iter()
        .map(|w| (w.group.as_str(), w.reply.count))
        .collect();
    // Every week of the period is listed, the current one too (nothing answered yet).
    assert_eq!(weeks, [("2026-W47", 2), ("2026-W48", 1), ("2026-W49", 0)]);
    // Buckets are [lower, upper): exactly one hour is in 1-4h.
    assert_eq!(r.distribution, [0, 2, 0, 1, 0, 0]);
    assert_eq!(r.waiting.len(), 1);
    assert_eq!(r.waiting[0].business_secs, 19 * H);
    assert_eq!(r.waiting[0].level, Level::Near);
}

#[test]
fn maintained_waits_equal_a_full_recomputation() {
    // The demo mailbox (1,500 messages, calls, opt-outs) ingested batch by batch, then
    // merges, a split, contacts and an erase: the rows kept up to date on every write must
    // be exactly what a rebuild from scratch gives.
    let dir = tempfile::tempdir().unwrap();
    let mut s = rapport_demo::install::install(dir.path(), 1_795_186_800).unwrap();
    let live = s.all_waits().unwrap();
    assert!(live.len() > 300, "{} waits", live.len());
    let cands = s
        .inbox_page(
            &rapport_core::store::InboxQuery {
                keep: None,
                filter: rapport_core::store::InboxFilter::All,
                search: None,
                assignee: Default::default(),
            },
            0,
            40,
        )
        .unwrap();
    let (a, b, c) = (cands[0].id, cands[1].id, cands[2].id);
    s.merge(a, b, "lead").unwrap();
    s.log_contact(
        c,
        &ContactEntry {
            channel: Channel::Phone,
            direction: Direction::Outbound,
            outcome: Outcome::Talked,
            at: 1_795_186_000,
            note: String::new(),
            recorded_by: "lead".into(),
        },
    )
    .unwrap();
    s.erase(cands[3].id, "lead", "asked").unwrap();
    let live = s.all_waits().unwrap();
    s.recompute_all_waits().unwrap();
    let rebuilt = s.all_waits().unwrap();
    let differ: Vec<_> = live
        .iter()
        .zip(&rebuilt)
        .filter(|(a, b)| a != b)
        .take(3)
        .collect();
    assert!(differ.is_empty(), "maintained vs rebuilt: {differ:#?}");
    assert_eq!(live.len(), rebuilt.len());
}

const CONFIG: &str = r#"
[identity]
team = "Northwind Talent"
address = "talent@northwind.example"

[[team]]
address = "alice@northwind.example"
name = "Alice Moreau"

[reports]
timezone = "Europe/Berlin"
working_days = ["mon", "tue", "wed", "thu", "fri"]
working_hours = "09:00-17:00"
holidays = ["2026-12-25"]
target = "24h"
target_clock = "business"
"#;

fn run(args: &[&str]) -> String {
    let out = common::rapport_bin()
        .args(args)
        .env_remove("RAPPORT_CONFIG")
        .env_remove("RAPPORT_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rapport {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn report_json_and_csv_carry_the_same_documented_fields() {
    let (d, mut s) = store();
    ingest(
        &mut s,
        vec![
            mail("a@x.example", TEAM, "2026-11-16T10:00", "m1", "", ""),
            mail(ALICE, "a@x.example", "2026-11-16T11:00", "m2", "m1", ""),
            mail("b@x.example", TEAM, "2026-11-17T16:00", "m3", "", ""),
            mail(ALICE, "b@x.example", "2026-11-18T10:00", "m4", "m3", ""),
            mail("c@x.example", TEAM, "2026-01-05T10:00", "m5", "", ""),
        ],
    );
    drop(s);
    let cfg = d.path().join("config.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let (dir, cfg) = (d.path().to_str().unwrap(), cfg.to_str().unwrap());
    let base = [
        "--data-dir",
        dir,
        "--config",
        cfg,
        "report",
        "--since",
        "2026-11-01",
        "--until",
        "2026-11-30",
        "--business-hours",
    ];
    let json: serde_json::Value =
        serde_json::from_str(&run(&[&base[..], &["--format", "json"]].concat())).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json:#}");
    let alice = &rows[0];
    let expect = serde_json::json!({
        "group": "Alice Moreau",
        "clock": "business",
        "period_start": "2026-10-31T23:00:00Z",
        "period_end": "2026-11-30T23:00:00Z",
        "first_response_count": 2,
        "first_response_median_secs": 3600,
        "first_response_p90_secs": 7200,
        "reply_count": 2,
        "reply_median_secs": 3600,
        "reply_p90_secs": 7200,
        "closed_done_count": 0,
        "closed_opted_out_count": 0,
    });
    assert_eq!(alice, &expect);
    assert_eq!(rows[1]["group"], "all");
    assert_eq!(rows[1]["reply_count"], 2);
    // The January wait is outside the period.
    let csv = run(&[&base[..], &["--format", "csv"]].concat());
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let keys: Vec<&str> = alice
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    let mut sorted_header = header.clone();
    sorted_header.sort();
    assert_eq!(sorted_header, keys, "CSV columns are the JSON keys");
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    for (k, v) in header.iter().zip(first) {
        let j = &alice[*k];
        let want = j
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| j.to_string());
        assert_eq!(v, want, "column {k}");
    }
    // Per week: the two waits fall in ISO week 47.
    let weeks: serde_json::Value =
        serde_json::from_str(&run(
            &[&base[..], &["--by", "week", "--format", "json"]].concat()
        ))
        .unwrap();
    let w47 = weeks
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == "2026-W47")
        .unwrap();
    assert_eq!(w47["reply_count"], 2);

    // Waiting now: c@ since January, far over the 24-hour target.
    let waiting: serde_json::Value = serde_json::from_str(&run(&[
        "--data-dir",
        dir,
        "--config",
        cfg,
        "waiting",
        "--over",
        "1000h",
        "--json",
    ]))
    .unwrap();
    let w = &waiting[0];
    assert_eq!(w["address"], "c@x.example");
    assert_eq!(w["level"], "over");
    assert_eq!(w["waiting_since"], "2026-01-05T09:00:00Z");
    assert_eq!(w["target_secs"], 86_400);
    assert!(w["business_secs"].as_i64().unwrap() > 1000 * 3600);
    assert!(w["waited_secs"].as_i64().unwrap() > w["business_secs"].as_i64().unwrap());
    let none = run(&[
        "--data-dir",
        dir,
        "--config",
        cfg,
        "waiting",
        "--over",
        "50000h",
    ]);
    assert!(none.contains("nobody is waiting that long"), "{none}");
}

#[test]
fn a_bad_reports_section_names_the_line() {
    for (bad, needle) in [
        (
            "timezone = \"Europe/Berlin\"",
            "timezone = \"Mars/Olympus\"",
        ),
        (
            "working_hours = \"09:00-17:00\"",
            "working_hours = \"5pm-9am\"",
        ),
        ("holidays = [\"2026-12-25\"]", "holidays = [\"Christmas\"]"),
        ("target = \"24h\"", "target = \"a day\""),
    ] {
        let src = CONFIG.replace(bad, needle);
        let e = rapport_core::config::Config::parse("c.toml", &src).unwrap_err();
        let line = src.lines().position(|l| l == needle).unwrap() + 1;
        assert_eq!(e.line, line, "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("c.toml:{line}: reports.")),
            "{e}"
        );
    }
}

#[test]
fn the_cli_report_counts_in_the_same_clock_as_the_reports_view() {
    let (d, mut s) = store();
    ingest(
        &mut s,
        vec![
            mail("a@x.example", TEAM, "2026-11-16T10:00", "m1", "", ""),
            mail(ALICE, "a@x.example", "2026-11-16T11:00", "m2", "m1", ""),
        ],
    );
    let (_, target) = rapport_core::responses::report::settings(None, &s);
    drop(s);
    let view = rapport::ui::reports::ReportsView::new(target.clock);
    let dir = d.path().to_str().unwrap();
    let clock_of = |extra: &[&str]| {
        let out = run(&[
            &["--data-dir", dir, "report", "--since", "2026-11-01"][..],
            extra,
            &["--format", "json"],
        ]
        .concat());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v[0]["clock"].as_str().unwrap().to_string()
    };
    // No configuration: both count business hours by default.
    assert_eq!(clock_of(&[]), view.clock.as_str());
    assert_eq!(clock_of(&[]), "business");
    assert_eq!(clock_of(&["--clock", "calendar"]), "calendar");
    assert_eq!(clock_of(&["--business-hours"]), "business");
    // A team whose target is in calendar hours: the view and the CLI open on calendar time.
    let cfg = d.path().join("calendar.toml");
    std::fs::write(
        &cfg,
        CONFIG.replace("target_clock = \"business\"", "target_clock = \"calendar\""),
    )
    .unwrap();
    let cfg = cfg.to_str().unwrap();
    assert_eq!(clock_of(&["--config", cfg]), "calendar");
    // Last month, as the view's period: October in Berlin.
    let out = run(&[
        "--data-dir",
        dir,
        "--config",
        cfg,
        "report",
        "--since",
        "last-month",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["period_start"], "2026-09-30T22:00:00Z");
    assert_eq!(v[0]["period_end"], "2026-10-31T23:00:00Z");
}
