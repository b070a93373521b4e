//! Sharing content (#19) against the real Postfix and Dovecot: 200 candidates, 40 of whom may
//! not receive it (8 each: opted out, topic opted out, email not allowed, not due, no matching
//! interest). Exactly the eligible mailboxes receive exactly one personalised message with the
//! unsubscribe headers; the preview's reasons match; an opt-out during the share stops that
//! candidate's message; the hourly throttle holds; a SIGKILL mid-run sends nobody two; a reply
//! counts in the share's report.

mod common;

use common::mail::MailServers;
use common::runner::Rapport;
use rapport_core::actions::{Acting, identity, preferences};
use rapport_core::model::{Channel, ContactEntry, Direction, Frequency, Outcome, Preferences};
use rapport_core::store::{ChangeMeta, Store};
use rapport_core::values::{ChangeSource, LegalBasis, OptOutScope};
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

/// Who is left out, and why, by index.
fn reason(i: usize) -> Option<&'static str> {
    match i {
        0..8 => Some("opted out"),
        8..16 => Some("topic opted out"),
        16..24 => Some("channel not allowed"),
        24..32 => Some("not due"),
        32..40 => Some("no matching interest"),
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

fn people(store: &mut Store, t: i64) {
    let who = Acting::new("test", t - 30 * 86_400);
    for i in 0..200 {
        let c = identity::add(store, &addr(i), &format!("Cand{i:03} Doe"), "a test", &who).unwrap();
        let mut p = Preferences {
            interests: vec![if (32..40).contains(&i) { "go" } else { "rust" }.into()],
            ..Default::default()
        };
        if (16..24).contains(&i) {
            p.channels = vec![Channel::Phone];
        }
        if (24..32).contains(&i) {
            p.frequency = Some(Frequency::Monthly);
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
        match i {
            0..8 => {
                store
                    .record_opt_out(c, &OptOutScope::All, "asked", &meta(t - 86_400))
                    .unwrap();
            }
            8..16 => {
                store
                    .record_opt_out(
                        c,
                        &OptOutScope::Topic("rust".into()),
                        "not rust",
                        &meta(t - 86_400),
                    )
                    .unwrap();
            }
            24..32 => {
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

#[test]
fn a_share_reaches_exactly_the_eligible_once_each_at_the_pace_set() {
    #[allow(non_snake_case)]
    let T = wednesday_ten();
    let s = MailServers::start();
    let r = Rapport::with_servers(&s, "");
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

    // The preview: 160 recipients, 8 left out for each reason, per candidate.
    let preview: serde_json::Value =
        serde_json::from_str(&run(&["share", "rust roles", "--dry-run", "--json"], T)).unwrap();
    assert_eq!(preview["recipients"], 160, "{preview}");
    for (i, c) in preview["skipped"].as_array().unwrap().iter().enumerate() {
        let n: usize = c["address"].as_str().unwrap()[1..4].parse().unwrap();
        assert_eq!(Some(c["reason"].as_str().unwrap()), reason(n), "{i}: {c}");
    }
    assert_eq!(preview["left_out"], 40);
    let sample = preview["sample"].as_str().unwrap();
    assert!(
        sample.contains("Hi Cand040,") && sample.contains("hear about rust"),
        "{sample}"
    );
    assert!(r.outbox().is_empty(), "a dry run queues nothing");

    // Confirming needs the number typed; a wrong one queues nothing.
    let mut child = r
        .command(&["share", "rust roles", "--per-hour", "100"])
        .envs(env(T))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"yes\n").unwrap();
    assert!(!child.wait_with_output().unwrap().status.success());
    let mut child = r
        .command(&["share", "rust roles", "--per-hour", "100"])
        .envs(env(T))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"160\n").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("160 will receive it"));

    // An opt-out recorded while the share runs stops that candidate's message.
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
    let report: serde_json::Value =
        serde_json::from_str(&run(&["share", "report", "1", "--json"], T + 120)).unwrap();
    assert_eq!(
        report["sent"].as_u64().unwrap()
            + report["queued"].as_u64().unwrap()
            + report["may_have_been_sent"].as_u64().unwrap(),
        100,
        "{report} {:?}",
        r.outbox().iter().find(|o| o["state"] == "failed")
    );
    // The next hour releases the rest.
    run(&["share", "run", "1", "--once"], T + 3700);
    let report: serde_json::Value =
        serde_json::from_str(&run(&["share", "report", "1", "--json"], T + 3700)).unwrap();
    // A message cut off by the kill while the server was taking it "may have been sent": it
    // is never sent again by itself (nobody gets two), and the report says so.
    let unknown = report["may_have_been_sent"].as_u64().unwrap();
    assert!(unknown <= 1, "{report}");
    assert_eq!(report["sent"].as_u64().unwrap() + unknown, 159, "{report}");
    assert_eq!(report["planned"], 0, "{report}");
    let cut_off: Vec<String> = r
        .outbox()
        .iter()
        .filter(|o| o["state"] == "unknown")
        .map(|o| o["to"].as_str().unwrap().to_string())
        .collect();

    // Exactly the eligible mailboxes, one message each (the cut-off one at most one),
    // personalised, with headers.
    for i in 0..200 {
        let eligible = reason(i).is_none() && i != 40;
        let n = s.count(&addr(i), "INBOX");
        if cut_off.contains(&addr(i)) {
            assert!(n <= 1, "{}: {n}", addr(i));
            continue;
        }
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
    let raw = s.raw_messages(&addr(41), "INBOX").remove(0);
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("Hi Cand041,"), "{text}");
    assert!(text.contains("List-Unsubscribe:"), "{text}");

    // A reply to the shared message threads into the conversation and counts as a reply.
    let mid = text
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: "))
        .unwrap()
        .trim()
        .to_string();
    s.deliver(
        &addr(41),
        "talent@example.test",
        &format!(
            "From: Cand041 Doe <{}>\r\nTo: talent@example.test\r\nSubject: Re: rust roles\r\nMessage-ID: <r41@example.test>\r\nIn-Reply-To: {mid}\r\nDate: {}\r\n\r\nYes please, tell me more.\r\n",
            addr(41),
            jiff::Timestamp::from_second(T + 7200)
                .unwrap()
                .strftime("%a, %d %b %Y %H:%M:%S +0000")
        ),
    );
    s.wait_count("talent@example.test", "INBOX", 1);
    r.sync();
    let report: serde_json::Value =
        serde_json::from_str(&run(&["share", "report", "1", "--json"], T + 7200)).unwrap();
    assert_eq!(
        report["replies"],
        1,
        "{report} {}",
        run(&["show", &addr(41), "--json"], T + 7200)
    );
    let shares = run(&["shares"], T + 7200);
    assert!(
        shares.contains(&format!("sent {}", 159 - unknown)),
        "{shares}"
    );
}
