//! Sharing content (#19) against the real Postfix and Dovecot: 200 candidates, 40 of whom may
//! not receive it, for every reason the issue names (opted out, topic opted out, channel not
//! allowed, not due until DATE, no matching interest: 6 each; erased, waiting for our reply: 5
//! each). Exactly the eligible mailboxes receive exactly one personalised message with the
//! unsubscribe headers; the preview's reasons match, per candidate (an erased person is gone:
//! the preview names them nowhere and plans nothing for them). While the share runs, an
//! opt-out by the CLI or by the one-click POST to `rapport serve` stops a planned message (the
//! report counts it skipped, opted out), a one-click cancels a message already queued, and an
//! erasure stops theirs too. The hourly throttle holds, measured on what arrived in Dovecot; a
//! SIGKILL mid-run sends nobody two; a reply counts in the share's report.

mod common;

use common::mail::MailServers;
use common::runner::Rapport;
use common::serve::{Served, free_port};
use rapport_core::actions::{Acting, identity, links, preferences};
use rapport_core::model::{Channel, ContactEntry, Direction, Frequency, Outcome, Preferences};
use rapport_core::store::{ChangeMeta, Store};
use rapport_core::values::{ChangeSource, LegalBasis, OptOutScope};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::process::Stdio;

/// A Wednesday, 10:00 UTC, inside working hours: the first one at least two days from now
/// (the test servers' certificates are made now, so the clock may not go back before them).
fn wednesday_ten() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // 1970-01-01 was a Thursday: day 6 of the epoch is a Wednesday.
    let mut day = now / 86_400 + 2;
    while (day - 6).rem_euclid(7) != 0 {
        day += 1;
    }
    day * 86_400 + 10 * 3600
}

fn addr(i: usize) -> String {
    format!("c{i:03}@example.test")
}

/// The share's pace: at most this many messages in any hour.
const PER_HOUR: usize = 100;

/// Who is left out, and why, by index (the preview's reason kinds).
fn reason(i: usize) -> Option<&'static str> {
    match i {
        0..6 => Some("opted out"),
        6..12 => Some("topic opted out"),
        12..18 => Some("channel not allowed"),
        18..24 => Some("not due"),
        24..30 => Some("no matching interest"),
        30..35 => Some("erased"),
        35..40 => Some("waiting for our reply"),
        _ => None,
    }
}

fn meta(at: i64) -> ChangeMeta {
    ChangeMeta {
        actor: "test".into(),
        at,
        source: ChangeSource::Recruiter,
        source_message_id: None,
        legal_basis: Some(LegalBasis::Consent),
        note: "set up".into(),
    }
}

/// The 200 candidates with their wishes; erasure and "waiting for our reply" come later, by
/// the real binary and real mail.
fn people(store: &mut Store, t: i64) {
    let who = Acting::new("test", t - 30 * 86_400);
    for i in 0..200 {
        let c = identity::add(store, &addr(i), &format!("Cand{i:03} Doe"), "a test", &who).unwrap();
        let mut p = Preferences {
            interests: vec![
                if reason(i) == Some("no matching interest") {
                    "go"
                } else {
                    "rust"
                }
                .into(),
            ],
            ..Default::default()
        };
        match reason(i) {
            Some("channel not allowed") => p.channels = vec![Channel::Phone],
            Some("not due") => p.frequency = Some(Frequency::Monthly),
            _ => {}
        }
        preferences::set(
            store,
            c,
            preferences::Change {
                preferences: p,
                source: preferences::Source::Recruiter,
                basis: LegalBasis::Consent,
                note: "set up".into(),
            },
            &who,
        )
        .unwrap();
        match reason(i) {
            Some("opted out") => {
                store
                    .record_opt_out(c, &OptOutScope::All, "asked", &meta(t - 86_400))
                    .unwrap();
            }
            Some("topic opted out") => {
                store
                    .record_opt_out(
                        c,
                        &OptOutScope::Topic("rust".into()),
                        "not rust",
                        &meta(t - 86_400),
                    )
                    .unwrap();
            }
            Some("not due") => {
                store
                    .log_contact(
                        c,
                        &ContactEntry {
                            channel: Channel::Phone,
                            direction: Direction::Outbound,
                            outcome: Outcome::Talked,
                            at: t - 3 * 86_400,
                            note: "a call".into(),
                            recorded_by: "test".into(),
                        },
                    )
                    .unwrap();
            }
            _ => {}
        }
    }
}

/// An RFC 5322 date for the injected clock's second `t`.
fn mail_date(t: i64) -> String {
    jiff::Timestamp::from_second(t)
        .unwrap()
        .strftime("%a, %d %b %Y %H:%M:%S +0000")
        .to_string()
}

/// The value of the first `name:` header of a raw message (folded lines joined).
fn header(raw: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let head = text
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .replace("\n ", " ")
        .replace("\n\t", " ");
    let prefix = format!("{}:", name.to_ascii_lowercase());
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim().to_string())
}

/// The most messages whose dates fall in any one hour `[d, d + 3600)`.
fn busiest_hour(mut dates: Vec<i64>) -> usize {
    dates.sort_unstable();
    (0..dates.len())
        .map(|i| {
            dates[i..]
                .iter()
                .take_while(|d| **d < dates[i] + 3600)
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn a_share_reaches_exactly_the_eligible_once_each_at_the_pace_set() {
    #[allow(non_snake_case)]
    let T = wednesday_ten();
    let s = MailServers::start();
    let port = free_port();
    let base = format!("http://localhost:{port}");
    let r = Rapport::with_servers(&s, &format!("[web]\nbase_url = \"{base}\"\n"));
    std::fs::create_dir_all(r.dir.path().join("templates")).unwrap();
    std::fs::write(
        r.dir.path().join("templates/rust_roles.txt"),
        "tags: rust\nHi {first_name},\n\nyou told us you like to hear about {interests}: we have two new roles.\n\n{recruiter}\n",
    )
    .unwrap();
    r.sync();
    {
        let mut store = Store::open_in(&r.data).unwrap();
        people(&mut store, T);
    }
    let at = |t: i64| t.to_string();
    let env = |t: i64| vec![("RAPPORT_NOW", at(t)), ("TZ", "UTC".to_string())];
    let run = |args: &[&str], t: i64| {
        let e = env(t);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let o = r.run_with(args, &e);
        assert!(
            o.status.success(),
            "{args:?}: {:?} {}{}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let report = |t: i64| -> Value {
        serde_json::from_str(&run(&["share", "report", "1", "--json"], t)).unwrap()
    };
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}")) as usize;
    let candidates: Vec<usize> = (0..200).collect();
    let with = |k: &str| -> Vec<usize> {
        candidates
            .iter()
            .copied()
            .filter(|i| reason(*i) == Some(k))
            .collect()
    };

    // Waiting for our reply: they wrote last (through the real Postfix), nobody answered.
    for i in with("waiting for our reply") {
        s.deliver(
            &addr(i),
            "talent@example.test",
            &format!(
                "From: Cand{i:03} Doe <{}>\r\nTo: talent@example.test\r\nSubject: A question\r\n\
                 Message-ID: <w{i}@example.test>\r\nDate: {}\r\n\r\nIs the Rust role remote?\r\n",
                addr(i),
                mail_date(T - 7200)
            ),
        );
    }
    s.wait_count("talent@example.test", "INBOX", 5);
    run(&["sync"], T - 3600);
    // Erased on request, through the user's own command.
    for i in with("erased") {
        run(&["erase", &addr(i), "--yes"], T - 3600);
    }

    // The preview: 160 recipients, and everyone left out with the reason, per candidate.
    let preview: Value =
        serde_json::from_str(&run(&["share", "rust roles", "--dry-run", "--json"], T)).unwrap();
    assert_eq!(preview["recipients"], 160, "{preview}");
    let planned: HashMap<String, i64> = preview["planned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["id"].as_i64().unwrap(),
            )
        })
        .collect();
    let skipped: HashMap<String, (String, String)> = preview["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                (
                    c["reason"].as_str().unwrap().to_string(),
                    c["why"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let day_of_t = &rapport_core::timefmt::rfc3339(T)[..10];
    for i in 0..200 {
        let a = addr(i);
        match reason(i) {
            // An erased person is gone: no name or address of theirs is left to list, and
            // nothing can be planned for them.
            Some("erased") => assert!(
                !planned.contains_key(&a) && !skipped.contains_key(&a),
                "{a} was erased: {preview}"
            ),
            Some(k) => {
                let (kind, why) = skipped
                    .get(&a)
                    .unwrap_or_else(|| panic!("{a} not left out"));
                assert_eq!(kind, k, "{a}: {why}");
                if k == "not due" {
                    // "not due until DATE": the day their monthly rhythm allows, after today.
                    let day = why
                        .strip_prefix("not due until ")
                        .unwrap_or_else(|| panic!("{why}"));
                    assert!(day.len() == 10 && day > day_of_t, "{a}: {why}");
                }
            }
            None => assert!(planned.contains_key(&a), "{a} not planned: {preview}"),
        }
    }
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for c in preview["left_out_by_reason"].as_array().unwrap() {
        by_reason.insert(
            c["reason"].as_str().unwrap().into(),
            c["count"].as_u64().unwrap(),
        );
    }
    let expected = |opted_out: u64| -> BTreeMap<String, u64> {
        [
            ("opted out", opted_out),
            ("topic opted out", 6),
            ("channel not allowed", 6),
            ("not due", 6),
            ("no matching interest", 6),
            ("waiting for our reply", 5),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    };
    assert_eq!(by_reason, expected(6), "{preview}");
    assert_eq!(preview["left_out"], 35);
    // The erased are counted, never named.
    assert_eq!(preview["erased_addresses"], 5, "{preview}");
    let sample = preview["sample"].as_str().unwrap();
    assert!(
        sample.contains("Hi Cand") && sample.contains("hear about rust"),
        "{sample}"
    );
    assert!(r.outbox().is_empty(), "a dry run queues nothing");

    // Confirming needs the number typed; a wrong one queues nothing.
    let confirm = |typed: &[u8]| {
        let mut child = r
            .command(&["share", "rust roles", "--per-hour", &PER_HOUR.to_string()])
            .envs(env(T))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(typed).unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(!confirm(b"yes\n").status.success());
    let o = confirm(b"160\n");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("160 will receive it"));

    // An opt-out recorded by the CLI while the share runs stops that candidate's message.
    run(
        &[
            "opt-out",
            &addr(40),
            "--scope",
            "all",
            "--reason",
            "changed their mind",
        ],
        T,
    );

    // A run killed at a random moment, then the hourly steps: 100, then 0 in the same hour.
    let mut killed = r
        .command(&["share", "run", "1"])
        .envs(env(T))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    killed.kill().unwrap();
    killed.wait().unwrap();
    run(&["share", "run", "1", "--once"], T + 60);
    let again = run(&["share", "run", "1", "--once"], T + 120);
    assert!(
        again.contains(" 0 released"),
        "the hourly throttle holds: {again}"
    );
    let first_hour = report(T + 120);
    assert_eq!(
        n(&first_hour, "sent") + n(&first_hour, "queued") + n(&first_hour, "may_have_been_sent"),
        PER_HOUR,
        "{first_hour} {:?}",
        r.outbox().iter().find(|o| o["state"] == "failed")
    );
    // What arrived in Dovecot within that hour: everything sent, and no more than the pace.
    let arrived = || -> usize { candidates.iter().map(|i| s.count(&addr(*i), "INBOX")).sum() };
    let start = std::time::Instant::now();
    let mut so_far = arrived();
    while so_far < n(&first_hour, "sent") && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        so_far = arrived();
    }
    assert!(
        so_far >= n(&first_hour, "sent")
            && so_far <= n(&first_hour, "sent") + n(&first_hour, "may_have_been_sent")
            && so_far <= PER_HOUR,
        "{so_far} arrived in the first hour: {first_hour}"
    );

    // A one-click unsubscribe (RFC 8058, POST to `rapport serve`) while the share runs, by a
    // candidate whose message is still planned: it is never released.
    let released: HashSet<String> = r
        .outbox()
        .iter()
        .map(|o| o["to"].as_str().unwrap().to_string())
        .collect();
    let clicker = (41..200)
        .rev()
        .find(|i| !released.contains(&addr(*i)))
        .expect("someone still planned");
    assert_eq!(s.count(&addr(clicker), "INBOX"), 0);
    let token = {
        let mut store = Store::open_in(&r.data).unwrap();
        // The token a mail carries is the one `token_for` gives: compare with a delivered one.
        let got = (41..200)
            .find(|i| s.count(&addr(*i), "INBOX") == 1 && *i != clicker)
            .unwrap();
        let raw = s.raw_messages(&addr(got), "INBOX").remove(0);
        let list = header(&raw, "List-Unsubscribe").unwrap();
        assert_eq!(
            header(&raw, "List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click"),
            "{list}"
        );
        let seen = list
            .split(&format!("<{base}/u/"))
            .nth(1)
            .and_then(|t| t.split('>').next())
            .unwrap_or_else(|| panic!("no one-click URL: {list}"))
            .to_string();
        let theirs = links::token_for(&mut store, planned[&addr(got)], "test", T).unwrap();
        assert_eq!(theirs.url(), seen);
        links::token_for(&mut store, planned[&addr(clicker)], "test", T)
            .unwrap()
            .url()
    };
    {
        let e = env(T + 200);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let server = Served::start(&r, port, &e);
        let (status, body) = server.post_form(&format!("/u/{token}"), "List-Unsubscribe=One-Click");
        assert_eq!(status, 200, "{body}");
    }
    let profile = run(&["show", &addr(clicker), "--json"], T + 300);
    assert!(profile.contains("channel:email"), "{profile}");

    // Erased on request while the share runs, their message still planned: it is never
    // released (the erasure forgets the share's plan for them too).
    let erased_midway = (41..clicker)
        .rev()
        .find(|i| !released.contains(&addr(*i)))
        .expect("someone else still planned");
    run(&["erase", &addr(erased_midway), "--yes"], T + 300);

    // The next hour releases the rest, while the mail server is down: they wait in the
    // outbox. A one-click unsubscribe now cancels that candidate's queued message.
    s.stop_smtp();
    let step = r.run_with(
        &["share", "run", "1", "--once"],
        &[("RAPPORT_NOW", &at(T + 3700)), ("TZ", "UTC")],
    );
    let step = String::from_utf8_lossy(&step.stdout).into_owned();
    assert!(step.contains(" 57 released"), "{step}");
    let queued: Vec<Value> = r
        .outbox()
        .into_iter()
        .filter(|o| o["state"] == "queued")
        .collect();
    assert_eq!(queued.len(), 57, "{queued:?}");
    let second = queued[queued.len() / 2]["to"].as_str().unwrap().to_string();
    let second_i: usize = second[1..4].parse().unwrap();
    let token = {
        let mut store = Store::open_in(&r.data).unwrap();
        links::token_for(&mut store, planned[&second], "test", T)
            .unwrap()
            .url()
    };
    {
        let e = env(T + 3750);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let server = Served::start(&r, port, &e);
        let (status, body) = server.post_form(&format!("/u/{token}"), "List-Unsubscribe=One-Click");
        assert_eq!(status, 200, "{body}");
    }
    let theirs: Vec<Value> = r
        .outbox()
        .into_iter()
        .filter(|o| o["to"] == second.as_str())
        .collect();
    assert!(
        theirs.len() == 1 && theirs[0]["state"] == "cancelled",
        "{theirs:?}"
    );
    s.start_smtp();
    let step = run(&["share", "run", "1", "--once"], T + 3800);
    assert!(step.contains(" 56 sent"), "{step}");
    let done = report(T + 3800);
    // A message cut off by the kill while the server was taking it "may have been sent": it
    // is never sent again by itself (nobody gets two), and the report says so.
    let unknown = n(&done, "may_have_been_sent");
    assert!(unknown <= 1, "{done}");
    assert_eq!(n(&done, "sent") + unknown, 156, "{done}");
    assert_eq!(done["planned"], 0, "{done}");
    assert_eq!(done["queued"], 0, "{done}");
    // Both opt-outs before release are counted as skipped, opted out; the one whose message
    // was already queued, as cancelled because they opted out.
    let skipped_by: BTreeMap<String, u64> =
        serde_json::from_value(done["skipped_by"].clone()).unwrap();
    assert_eq!(skipped_by, expected(8), "{done}");
    assert_eq!(n(&done, "skipped"), 37, "{done}");
    assert_eq!(n(&done, "cancelled"), 1, "{done}");
    assert_eq!(n(&done, "cancelled_because_they_opted_out"), 1, "{done}");
    let text = run(&["share", "report", "1"], T + 3800);
    assert!(
        text.contains("1 cancelled (1 because they opted out)"),
        "{text}"
    );
    let cut_off: Vec<String> = r
        .outbox()
        .iter()
        .filter(|o| o["state"] == "unknown")
        .map(|o| o["to"].as_str().unwrap().to_string())
        .collect();

    // Exactly the eligible mailboxes, one message each (the cut-off one at most one),
    // personalised, with headers; nothing for anyone left out, erased or who opted out.
    let mut dates = Vec::new();
    for i in 0..200 {
        let eligible = reason(i).is_none() && ![40, clicker, erased_midway, second_i].contains(&i);
        let count = s.count(&addr(i), "INBOX");
        if cut_off.contains(&addr(i)) {
            assert!(count <= 1, "{}: {count}", addr(i));
        } else {
            if eligible {
                s.wait_count(&addr(i), "INBOX", 1);
            }
            assert_eq!(
                s.count(&addr(i), "INBOX"),
                usize::from(eligible),
                "{}",
                addr(i)
            );
        }
        for raw in s.raw_messages(&addr(i), "INBOX") {
            let text = String::from_utf8_lossy(&raw);
            assert!(text.contains(&format!("Hi Cand{i:03},")), "{text}");
            assert!(header(&raw, "List-Unsubscribe").is_some(), "{text}");
            let date = header(&raw, "Date").unwrap();
            dates.push(
                jiff::fmt::rfc2822::parse(&date)
                    .unwrap_or_else(|e| panic!("{date}: {e}"))
                    .timestamp()
                    .as_second(),
            );
        }
    }
    // The throttle, measured on what arrived: each message's Date header is written when
    // rapport releases it into the outbox, on the injected clock (RAPPORT_NOW, which this test
    // moves an hour on); Dovecot's own Received times are real time, compressed into the few
    // minutes the test runs. So: no hour of Date headers holds more than the pace, and (above)
    // Dovecot held no more than the pace before the injected clock passed the first hour.
    assert_eq!(
        dates.len(),
        n(&done, "sent") + cut_off.iter().filter(|a| s.count(a, "INBOX") == 1).count()
    );
    assert!(busiest_hour(dates.clone()) <= PER_HOUR, "{dates:?}");
    assert!(dates.iter().all(|d| (T..T + 7200).contains(d)), "{dates:?}");

    // A reply to the shared message threads into the conversation and counts as a reply.
    let replier = (41..200)
        .find(|i| s.count(&addr(*i), "INBOX") == 1)
        .unwrap();
    let raw = s.raw_messages(&addr(replier), "INBOX").remove(0);
    let mid = header(&raw, "Message-ID").unwrap();
    s.deliver(
        &addr(replier),
        "talent@example.test",
        &format!(
            "From: Cand{replier:03} Doe <{}>\r\nTo: talent@example.test\r\nSubject: Re: rust roles\r\nMessage-ID: <r{replier}@example.test>\r\nIn-Reply-To: {mid}\r\nDate: {}\r\n\r\nYes please, tell me more.\r\n",
            addr(replier),
            mail_date(T + 7200)
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 6);
    r.sync();
    let after = report(T + 7200);
    assert_eq!(
        after["replies"],
        1,
        "{after} {}",
        run(&["show", &addr(replier), "--json"], T + 7200)
    );
    let shares = run(&["shares"], T + 7200);
    assert!(
        shares.contains(&format!("sent {}", 156 - unknown)),
        "{shares}"
    );
}
