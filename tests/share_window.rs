//! A share's send window (#19): a candidate whose time zone we know receives it in working
//! hours where they are; the others in the team's. Core use cases over a store, no servers.

use rapport_core::actions::queue::Limit;
use rapport_core::actions::share::{self, Pace, Spec};
use rapport_core::actions::{Acting, identity, preferences};
use rapport_core::mail_out::compose::Sender;
use rapport_core::mail_out::templates::Template;
use rapport_core::model::Preferences;
use rapport_core::responses::hours::Schedule;
use rapport_core::store::Store;
use rapport_core::values::LegalBasis;

/// Wednesday 2026-11-04, 10:00 UTC: 19:00 in Tokyo, 02:00 in Los Angeles.
const WED_10_UTC: i64 = 1_793_786_400;

fn sender() -> Sender {
    Sender {
        team: "Northwind Talent".into(),
        shared_address: "talent@example.test".into(),
        recruiter_name: "Alice Moreau".into(),
        ..Sender::default()
    }
}

/// Three candidates who like Rust: one in London's zone (the team's hours apply as UTC),
/// one in Tokyo, one who never told us their zone.
fn store_with_three() -> (tempfile::TempDir, Store, [i64; 3]) {
    let d = tempfile::tempdir().unwrap();
    let mut store = Store::open_in(d.path()).unwrap();
    let who = Acting::new("test", WED_10_UTC - 30 * 86_400);
    let mut ids = [0; 3];
    for (n, (addr, zone)) in [
        ("lon@example.test", Some("Europe/London")),
        ("tyo@example.test", Some("Asia/Tokyo")),
        ("nobody@example.test", None),
    ]
    .into_iter()
    .enumerate()
    {
        let c = identity::add(&mut store, addr, "Sam Doe", "a test", &who).unwrap();
        preferences::set(
            &mut store,
            c,
            preferences::Change {
                preferences: Preferences {
                    interests: vec!["rust".into()],
                    timezone: zone.map(str::to_string),
                    ..Default::default()
                },
                source: preferences::Source::Recruiter,
                basis: LegalBasis::Consent,
                note: "set up".into(),
            },
            &who,
        )
        .unwrap();
        ids[n] = c;
    }
    (d, store, ids)
}

fn planned(store: &Store, id: i64) -> Vec<i64> {
    store
        .share_items(id)
        .unwrap()
        .into_iter()
        .filter(|i| i.state == "planned")
        .map(|i| i.candidate_id)
        .collect()
}

#[test]
fn a_candidate_in_another_zone_receives_it_in_their_working_hours() {
    let (_d, mut store, [_lon, tyo, _nobody]) = store_with_three();
    let team = Schedule::office(jiff::tz::TimeZone::UTC);
    let spec = Spec {
        template: Template {
            name: "rust roles".into(),
            tags: vec!["rust".into()],
            body: "Hi {first_name}, two Rust roles.\n".into(),
        },
        subject: "Two Rust roles".into(),
        query: None,
        pace: Pace::default(),
    };
    let target = rapport_core::responses::report::settings(None, &store).1;
    let p = share::preview(&store, &spec, &sender(), "test", &team, target, WED_10_UTC).unwrap();
    assert_eq!(p.planned.len(), 3);
    let id = share::create(&mut store, &spec, &p, "Alice Moreau", WED_10_UTC).unwrap();
    let limit = Limit {
        bytes: 1_000_000,
        source: "test".into(),
    };

    // 10:00 UTC: London and the one without a zone are in working hours; Tokyo's day is over.
    let r = share::release(&mut store, id, &sender(), &limit, &team, WED_10_UTC).unwrap();
    assert_eq!(r.queued, 2, "{r:?}");
    assert_eq!(planned(&store, id), vec![tyo]);
    // The next step is when Tokyo opens: Thursday 09:00 there, 00:00 UTC.
    let thursday_9_tokyo = WED_10_UTC + 14 * 3600;
    assert_eq!(r.next_at, Some(thursday_9_tokyo), "{r:?}");

    // Still closed in Tokyo one minute before; released when it opens, though the team's
    // office is closed then.
    let r = share::release(
        &mut store,
        id,
        &sender(),
        &limit,
        &team,
        thursday_9_tokyo - 60,
    )
    .unwrap();
    assert_eq!(r.queued, 0);
    let r = share::release(&mut store, id, &sender(), &limit, &team, thursday_9_tokyo).unwrap();
    assert_eq!(r.queued, 1, "{r:?}");
    assert!(planned(&store, id).is_empty());
    assert_eq!(r.next_at, None);
}

#[test]
fn the_preview_says_who_will_receive_it_in_their_own_zone() {
    let (_d, store, _) = store_with_three();
    let team = Schedule::office(jiff::tz::TimeZone::UTC);
    let spec = Spec {
        template: Template {
            name: "rust roles".into(),
            tags: vec!["rust".into()],
            body: "Hi {first_name}.\n".into(),
        },
        subject: "Rust".into(),
        query: None,
        pace: Pace::default(),
    };
    let target = rapport_core::responses::report::settings(None, &store).1;
    let p = share::preview(&store, &spec, &sender(), "test", &team, target, WED_10_UTC).unwrap();
    assert_eq!(p.in_their_zone, 2);
}

#[test]
fn two_shares_at_once_keep_one_pace_for_the_shared_address() {
    let (_d, mut store, _) = store_with_three();
    let team = Schedule::office(jiff::tz::TimeZone::UTC);
    let target = rapport_core::responses::report::settings(None, &store).1;
    let limit = Limit {
        bytes: 1_000_000,
        source: "test".into(),
    };
    let mut ids = Vec::new();
    for name in ["rust roles", "rust talk"] {
        let spec = Spec {
            template: Template {
                name: name.into(),
                tags: vec!["rust".into()],
                body: "Hi {first_name}.\n".into(),
            },
            subject: name.into(),
            query: None,
            pace: Pace {
                per_hour: 1,
                per_day: 10,
            },
        };
        let p =
            share::preview(&store, &spec, &sender(), "test", &team, target, WED_10_UTC).unwrap();
        ids.push(share::create(&mut store, &spec, &p, "Alice Moreau", WED_10_UTC).unwrap());
    }
    let released = share::release_due(&mut store, &sender(), &limit, &team, WED_10_UTC).unwrap();
    let queued: usize = released.iter().map(|(_, r)| r.queued).sum();
    assert_eq!(queued, 1, "{released:?}");
    // The next hour, one more.
    let released =
        share::release_due(&mut store, &sender(), &limit, &team, WED_10_UTC + 3600).unwrap();
    assert_eq!(released.iter().map(|(_, r)| r.queued).sum::<usize>(), 1);
}
