//! The query language for candidates over the demo mailbox: a table of queries with the
//! candidates each finds, errors that name the term, the command line (`candidates --query`,
//! `--json`, saved views, `show` and `search` by name) and the inbox search.

mod common;

use common::{ANCHOR, demo_state, demo_store, key, screen};
use rapport::ui::action::{Action, Bound};
use rapport::ui::state::Mode;
use rapport::ui::update::update;
use rapport_core::actions::candidates;
use rapport_core::consent::policy::{self, Next, Verdict};
use rapport_core::model::Channel;
use rapport_core::responses::hours::Schedule;
use rapport_core::responses::report::{Level, Target};
use rapport_core::store::{InboxFilter, InboxRow, Store};
use std::collections::BTreeSet;
use std::path::Path;

/// Who runs the queries (`assigned:me`).
const ME: &str = "Alice Moreau";

fn rows(store: &Store, text: &str) -> Vec<InboxRow> {
    let f = candidates::parse(text, ME, &Schedule::demo(), Target::default(), ANCHOR)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    candidates::matching(store, InboxFilter::All, f).unwrap()
}

fn names(store: &Store, text: &str) -> Vec<String> {
    let mut v: Vec<String> = rows(store, text).into_iter().map(|r| r.name).collect();
    v.sort();
    v
}

fn ids(store: &Store, text: &str) -> BTreeSet<i64> {
    rows(store, text).into_iter().map(|r| r.id).collect()
}

fn id_of(store: &Store, name: &str) -> i64 {
    let all = rows(store, "-opted-out:yes or opted-out:yes");
    let found: Vec<&InboxRow> = all.iter().filter(|r| r.name == name).collect();
    assert_eq!(found.len(), 1, "{name}");
    found[0].id
}

/// The demo mailbox with what a team adds: two candidates assigned to Alice (who runs the
/// queries), one to Bilal and snoozed.
fn team_demo() -> (tempfile::TempDir, Store) {
    let (d, mut s) = demo_store();
    for (who, to) in [
        ("Henrik Halvorsen", "Alice Moreau"),
        ("Tobias Weiß", "Alice Moreau"),
        ("Burak Öztürk", "Bilal Haddad"),
    ] {
        let id = id_of(&s, who);
        s.assign(id, Some(to), "Dana Kowalski").unwrap();
    }
    let burak = id_of(&s, "Burak Öztürk");
    s.snooze(
        burak,
        Some(ANCHOR + 2 * 86_400),
        "Bilal Haddad",
        ANCHOR - 3600,
    )
    .unwrap();
    (d, s)
}

/// Each query and the candidates it finds in the demo mailbox (at [`ANCHOR`], run by Alice).
/// Checked by hand once against the demo generator's people (their recorded interests,
/// languages, time zones, channels and frequencies, the stories that leave them waiting and
/// the three who opted out); the cross-checks below keep the field terms tied to the rules
/// they reuse.
const TABLE: &[(&str, &[&str])] = &[
    (
        "interest:rust channel:email due:yes",
        &[
            "Benoît Laurent",
            "Henrik Halvorsen",
            "Théo Leclerc",
            "Дмитрий Иванов",
        ],
    ),
    (
        "interest:RUST due:no",
        &[
            "Ananya Kapoor",
            "Astrid Bergström",
            "Bjørn Åberg",
            "Callum Clarke",
            "Hélène Lefèvre",
            "Jack Whitaker",
            "Javier Martínez",
            "Katrin Böhm",
            "Luís Gomes",
            "Małgorzata Zielińska",
            "Nguyễn Ngọc Anh",
            "Élodie Rousseau",
            "Γιώργος Γεωργίου",
        ],
    ),
    (
        "lang:de",
        &[
            "Katrin Böhm",
            "Lukas Schäfer",
            "Sabine Köhler",
            "Tobias Groß",
            "Tobias Weiß",
        ],
    ),
    (
        "tz:Europe/Berlin -lang:de",
        &[
            "Amélie Girard",
            "Benoît Laurent",
            "Callum Clarke",
            "Henrik Halvorsen",
            "Lotte van Dijk",
            "Vikram Raman",
            "刘雷",
        ],
    ),
    (
        "tz:asia/*",
        &[
            "Ananya Kapoor",
            "Nguyễn Ngọc Anh",
            "Nguyễn Thị Lan",
            "Phạm Văn Nam",
            "山田花子",
            "李雷",
        ],
    ),
    (
        "(interest:ml or interest:data) lang:de",
        &["Lukas Schäfer", "Sabine Köhler", "Tobias Weiß"],
    ),
    (
        "opted-out:yes",
        &["Hugo Faure", "Jule Weiß", "Иван Соколов"],
    ),
    (
        "waiting:>3d",
        &[
            "Burak Öztürk",
            "Henrik Halvorsen",
            "Tobias Weiß",
            "Κατερίνα Νικολάου",
        ],
    ),
    (
        "over:target -waiting:>3d",
        &[
            "Ayşe Yılmaz",
            "Oğuz Kaya",
            "Sebastian Becker",
            "Tobias Groß",
            "刘伟",
        ],
    ),
    ("assigned:me", &["Henrik Halvorsen", "Tobias Weiß"]),
    ("assigned:bilal snoozed:yes", &["Burak Öztürk"]),
    ("waiting:>3d assigned:none", &["Κατερίνα Νικολάου"]),
    (
        "waiting:>3d -snoozed:yes",
        &["Henrik Halvorsen", "Tobias Weiß", "Κατερίνα Νικολάου"],
    ),
    ("unsubscribe", &["Ingrid Sørensen"]),
    (
        "unsubscribe or \"keine weiteren\"",
        &["Ingrid Sørensen", "Sebastian Becker"],
    ),
    ("halvorsen", &["Bjørn Halvorsen", "Henrik Halvorsen"]),
    ("halvorsen interest:rust", &["Henrik Halvorsen"]),
];

#[test]
fn a_table_of_queries_finds_the_candidates_expected() {
    let (_d, s) = team_demo();
    let mut wrong = Vec::new();
    for (q, want) in TABLE {
        let got = names(&s, q);
        if got != *want {
            wrong.push(format!("{q}: expected {want:?}, found {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A share's preview reads everyone's facts at once; a send reads one candidate's. Both must
/// say the same of every demo person (opt-outs, stop requests, logged contacts, queued mail).
#[test]
fn everyones_facts_read_at_once_are_each_ones_facts() {
    let (_d, s) = team_demo();
    let all = s.all_contact_facts().unwrap();
    let everyone = ids(&s, "-opted-out:yes or opted-out:yes");
    assert_eq!(everyone.len(), 152);
    let (mut opted, mut stop, mut prefs) = (0, 0, 0);
    for c in everyone {
        let one = s.contact_facts(c).unwrap();
        assert_eq!(all.get(&c), Some(&one), "candidate {c}");
        opted += usize::from(!one.opt_outs.is_empty());
        stop += usize::from(one.stop_request.is_some());
        prefs += usize::from(one.preferences.is_some());
    }
    // The comparison covered every kind of fact.
    assert!(opted > 0 && stop > 0 && prefs > 0, "{opted} {stop} {prefs}");
}

/// The field terms against the generator's own records and the rules they reuse: the
/// interests, languages and zones it gave its people, the policy's channel and frequency
/// rules, and the inbox's target marks.
#[test]
fn field_terms_agree_with_the_demo_people_and_the_rules() {
    let (_d, s) = team_demo();
    let people = rapport_demo::generate(&rapport_demo::DemoConfig::standard(ANCHOR)).profiles;
    let by = |keep: &dyn Fn(&rapport_demo::DemoProfile) -> bool| -> BTreeSet<i64> {
        people
            .iter()
            .filter(|p| keep(p))
            .filter_map(|p| s.candidate_by_address(&p.address).unwrap())
            .collect()
    };
    let rust = by(&|p| p.preferences.interests.iter().any(|t| t == "rust"));
    assert_eq!(ids(&s, "interest:rust"), rust);
    assert_eq!(rust.len(), 17);
    let de = by(&|p| p.preferences.language.as_deref() == Some("de"));
    assert_eq!(ids(&s, "lang:de"), de);
    let asia = by(&|p| {
        p.preferences
            .timezone
            .as_deref()
            .is_some_and(|z| z.starts_with("Asia/"))
    });
    assert_eq!(ids(&s, "tz:Asia/*"), asia);

    let everyone = ids(&s, "-opted-out:yes or opted-out:yes");
    assert_eq!(everyone.len(), 152);
    let (mut due, mut email, mut sms) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for &c in &everyone {
        let facts = s.contact_facts(c).unwrap();
        match policy::next_contact(&facts) {
            Next::Now => {
                due.insert(c);
            }
            Next::After(t) if t <= ANCHOR => {
                due.insert(c);
            }
            _ => {}
        }
        for (ch, set) in [(Channel::Email, &mut email), (Channel::Sms, &mut sms)] {
            let allowed = match policy::decide(&facts, &[], ch, &[], ANCHOR) {
                Verdict::Refused(_) => false,
                Verdict::Confirm(c) => !c.iter().any(|c| {
                    matches!(
                        c,
                        policy::Conflict::ChannelNotAllowed { .. } | policy::Conflict::Never
                    )
                }),
                Verdict::Allowed => true,
            };
            if allowed {
                set.insert(c);
            }
        }
    }
    assert_eq!(ids(&s, "due:yes"), due);
    assert_eq!(ids(&s, "channel:email"), email);
    assert_eq!(ids(&s, "channel:sms"), sms);
    assert!(email.len() > sms.len(), "{} {}", email.len(), sms.len());

    // over:target is who the inbox marks as over the target.
    let schedule = Schedule::demo();
    let target = Target::default();
    let over: BTreeSet<i64> = rows(&s, "waiting:yes")
        .iter()
        .filter(|r| {
            let w = r.waiting_since.unwrap();
            target.level(ANCHOR - w, schedule.between(w, ANCHOR)) == Level::Over
        })
        .map(|r| r.id)
        .collect();
    assert_eq!(ids(&s, "over:target"), over);
    assert_eq!(over.len(), 9);
    // Spaces are "and", or is "or", - is "not".
    let both: BTreeSet<i64> = ids(&s, "interest:rust")
        .intersection(&ids(&s, "lang:de"))
        .copied()
        .collect();
    assert_eq!(ids(&s, "interest:rust lang:de"), both);
    let either: BTreeSet<i64> = ids(&s, "interest:rust")
        .union(&ids(&s, "lang:de"))
        .copied()
        .collect();
    assert_eq!(ids(&s, "interest:rust or lang:de"), either);
    let not: BTreeSet<i64> = everyone.difference(&ids(&s, "lang:de")).copied().collect();
    assert_eq!(ids(&s, "-lang:de"), not);
}

#[test]
fn a_bad_query_is_an_error_naming_the_term() {
    for (q, term, at, says) in [
        (
            "intrest:rust",
            "intrest:rust",
            1,
            "unknown field \"intrest\"",
        ),
        ("rust due:maybe", "due:maybe", 6, "yes or no"),
        (
            "channel:fax",
            "channel:fax",
            1,
            "email, phone, sms, linkedin",
        ),
        ("interest:rust waiting:>soon", "waiting:>soon", 15, "24h"),
        ("lang:de or", "or", 9, "a term on each side"),
        ("over:budget", "over:budget", 1, "target"),
    ] {
        let e =
            candidates::parse(q, ME, &Schedule::demo(), Target::default(), ANCHOR).expect_err(q);
        assert_eq!((e.term.as_str(), e.at), (term, at), "{q}: {e}");
        let text = e.to_string();
        assert!(
            text.contains(&format!("{term:?}")) && text.contains(&format!("(at {at})")),
            "{q}: {text}"
        );
        assert!(text.contains(says), "{q}: {text}");
    }
    let e = candidates::parse(
        "intrest:rust",
        ME,
        &Schedule::demo(),
        Target::default(),
        ANCHOR,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown field \"intrest\" in \"intrest:rust\" (at 1); known fields: interest, channel, \
         due, assigned, waiting, over, opted-out, lang, tz, snoozed"
    );
}

// ---------------------------------------------------------------------------------------
// The command line

fn rapport(dir: &Path, args: &[&str]) -> std::process::Output {
    common::rapport_bin()
        .args(args)
        .env("RAPPORT_DATA_DIR", dir)
        .env("RAPPORT_CONFIG", dir.join("config.toml"))
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = rapport(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn demo_dir() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let o = common::rapport_bin()
        .args(["demo", "--no-tui", "--data-dir"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    d
}

#[test]
fn the_command_line_lists_what_a_query_finds() {
    let d = demo_dir();
    let dir = d.path();
    let out = ok(
        dir,
        &[
            "candidates",
            "--query",
            "interest:rust channel:email due:yes",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut found: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    found.sort();
    assert_eq!(found, TABLE[0].1);
    assert!(v[0]["address"].as_str().unwrap().contains('@'), "{}", v[0]);
    // Text output: one line per candidate, with the address.
    let text = ok(dir, &["candidates", "--query", "opted-out:yes"]);
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.contains("Jule Weiß") && text.contains('@'), "{text}");
    // With --awaiting, only those waiting.
    let text = ok(dir, &["candidates", "--awaiting", "--query", "lang:de"]);
    assert!(text.lines().count() < 5, "{text}");

    // A bad query: one line naming the term, exit code 1.
    let o = rapport(dir, &["candidates", "--query", "rust intrest:go"]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8(o.stderr).unwrap();
    assert_eq!(e.trim().lines().count(), 1, "{e}");
    assert!(
        e.starts_with("rapport: error: unknown field \"intrest\" in \"intrest:go\" (at 6)"),
        "{e}"
    );

    // A saved view from the config.
    std::fs::write(
        dir.join("config.toml"),
        "[identity]\nteam = \"Northwind Talent\"\naddress = \"talent@northwind-recruiting.example\"\n\n\
         [views]\nrust-due = \"interest:rust channel:email due:yes\"\n",
    )
    .unwrap();
    let via_view = ok(dir, &["candidates", "--view", "rust-due", "--json"]);
    assert_eq!(via_view, out);
    let o = rapport(dir, &["candidates", "--view", "go-due"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no view \"go-due\""));
}

#[test]
fn show_and_search_take_a_name_and_print_addresses() {
    let d = demo_dir();
    let dir = d.path();
    let shown = ok(dir, &["show", "Henrik Halvorsen"]);
    let mut lines = shown.lines();
    assert_eq!(lines.next(), Some("Henrik Halvorsen"));
    let address = lines.next().unwrap().trim().to_string();
    assert!(address.contains('@'), "{shown}");
    // Any case, and a part of the name when only one candidate has it.
    assert_eq!(ok(dir, &["show", "henrik halvorsen"]), shown);
    assert_eq!(
        ok(dir, &["show", "Kierkegaard"]).lines().next(),
        Some("Søren Kierkegaard-Nielsen")
    );
    assert_eq!(ok(dir, &["show", &address]), shown);

    // A name that fits several lists them, with their addresses, and exits 1.
    let o = rapport(dir, &["show", "halvorsen"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty());
    let e = String::from_utf8(o.stderr).unwrap();
    assert!(
        e.starts_with(
            "rapport: error: \"halvorsen\" could be 2 candidates; give one of their addresses:"
        ),
        "{e}"
    );
    let listed: Vec<&str> = e.lines().skip(1).collect();
    assert_eq!(listed.len(), 2, "{e}");
    assert!(
        listed
            .iter()
            .any(|l| l.contains("Henrik Halvorsen") && l.contains(&address)),
        "{e}"
    );
    assert!(
        listed
            .iter()
            .any(|l| l.contains("Bjørn Halvorsen") && l.contains('@')),
        "{e}"
    );
    let o = rapport(dir, &["show", "Nobody Atall"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("no candidate has the name or address \"Nobody Atall\"")
    );

    // search: the candidate's address beside each hit; --candidate takes a name.
    let hits = ok(dir, &["search", "unsubscribe"]);
    assert!(
        hits.contains("Ingrid Sørensen") && hits.contains('@'),
        "{hits}"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(
        dir,
        &[
            "search",
            "role",
            "--candidate",
            "Henrik Halvorsen",
            "--json",
        ],
    ))
    .unwrap();
    let hits = v.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["address"] == address.as_str()), "{v}");
    let o = rapport(dir, &["search", "role", "--candidate", "Ingrid"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Ingrid Sørensen"));
}

// ---------------------------------------------------------------------------------------
// The inbox

fn type_search(s: &mut rapport::ui::state::State, text: &str) {
    key(s, Bound::Search);
    for c in text.chars() {
        update(s, Action::SearchInput(c));
    }
}

#[test]
fn the_inbox_search_takes_fields_and_plain_words_still_work() {
    let (_d, mut s) = demo_state(80, 24);
    s.actor = ME.into();
    key(&mut s, Bound::FilterAll);
    type_search(&mut s, "interest:rust channel:email due:yes");
    assert_eq!(s.total, 4);
    let mut shown: Vec<String> = s.rows.iter().map(|r| r.name.clone()).collect();
    shown.sort();
    assert_eq!(shown, TABLE[0].1);
    update(&mut s, Action::SearchSubmit);
    assert_eq!(s.mode, Mode::Normal);
    assert!(screen(&s).contains("search: interest:rust channel:"));
    key(&mut s, Bound::ClearSearch);
    // Plain words as before: mail, names and addresses.
    type_search(&mut s, "unsubscribe");
    assert_eq!(s.rows.len(), 1);
    assert_eq!(s.rows[0].name, "Ingrid Sørensen");
}

#[test]
fn a_bad_query_names_the_term_in_the_status_line_and_keeps_the_list() {
    let (_d, mut s) = demo_state(80, 24);
    key(&mut s, Bound::FilterAll);
    let all = s.total;
    type_search(&mut s, "lang:de tobias");
    assert_eq!(s.total, 2);
    let before: Vec<i64> = s.rows.iter().map(|r| r.id).collect();
    for c in ":rust".chars() {
        update(&mut s, Action::SearchInput(c));
    }
    assert_eq!(s.rows.iter().map(|r| r.id).collect::<Vec<_>>(), before);
    let err = s.search_error.clone().unwrap();
    assert!(
        err.starts_with("unknown field \"tobias\" in \"tobias:rust\" (at 9)"),
        "{err}"
    );
    let bottom = screen(&s).lines().last().unwrap().to_string();
    assert!(bottom.contains("unknown field \"tobias\""), "{bottom}");
    // Enter does not keep a query it cannot read.
    update(&mut s, Action::SearchSubmit);
    assert!(matches!(s.mode, Mode::Search { .. }));
    // Mending it applies it.
    for _ in 0.." tobias:rust".len() {
        update(&mut s, Action::SearchBackspace);
    }
    for c in " interest:ml".chars() {
        update(&mut s, Action::SearchInput(c));
    }
    assert_eq!(s.search_error, None);
    assert_eq!(s.search.as_deref(), Some("lang:de interest:ml"));
    let mut found: Vec<&str> = s.rows.iter().map(|r| r.name.as_str()).collect();
    found.sort();
    assert_eq!(found, ["Lukas Schäfer"]);
    // Esc brings back the list from before the prompt opened.
    update(&mut s, Action::SearchCancel);
    assert_eq!(s.search, None);
    assert_eq!(s.total, all);
}

#[test]
fn nothing_in_the_view_says_how_many_the_whole_mailbox_has() {
    let (_d, mut s) = demo_state(80, 24);
    assert_eq!(s.filter, InboxFilter::Awaiting);
    type_search(&mut s, "opted-out:yes");
    assert_eq!(s.total, 0);
    let note = "no match in Awaiting reply; 3 in all candidates";
    assert_eq!(s.notice.as_deref(), Some(note));
    assert!(screen(&s).lines().last().unwrap().contains(note));
    update(&mut s, Action::SearchSubmit);
    assert!(screen(&s).lines().last().unwrap().contains(note));
}

#[test]
fn a_saved_view_is_a_key_and_listed_in_help() {
    use rapport::ui::keymap::Keymap;
    use rapport::ui::search::View;
    let (_d, mut s) = demo_state(80, 24);
    s.keymap = Keymap::from_sources(
        rapport::ui::keymap::DEFAULT_KEYMAP,
        Some(("keymap.toml", "[inbox]\nV = \"view:rust-due\"\n")),
    )
    .unwrap();
    s.views = vec![View {
        name: "rust-due".into(),
        query: "interest:rust channel:email due:yes".into(),
    }];
    s.keymap.check_views(&["rust-due".to_string()]).unwrap();
    let slot = match s.keymap.resolve(
        rapport::ui::action::Context::Inbox,
        &crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('V')),
    ) {
        Some(b @ Bound::View(_)) => b,
        other => panic!("V is {other:?}"),
    };
    key(&mut s, slot);
    assert_eq!(s.filter, InboxFilter::All);
    assert_eq!(s.total, 4);
    assert_eq!(
        s.search.as_deref(),
        Some("interest:rust channel:email due:yes")
    );
    key(&mut s, Bound::Help);
    key(&mut s, Bound::Bottom);
    let help = screen(&s);
    assert!(
        help.contains("V") && help.contains("view rust-due: interest:rust channel:email due:yes"),
        "{help}"
    );
    // A key bound to a view the config does not have is refused, naming the line.
    let e = Keymap::from_sources(
        rapport::ui::keymap::DEFAULT_KEYMAP,
        Some((
            "keymap.toml",
            "[inbox]\nx = \"next\"\nV = \"view:go-due\"\n",
        )),
    )
    .unwrap()
    .check_views(&["rust-due".to_string()])
    .unwrap_err();
    assert_eq!(e.line, 3);
    assert!(
        e.to_string().starts_with(
            "keymap.toml:3: unknown view \"go-due\": the config's [views] define rust-due"
        ),
        "{e}"
    );
}

/// A searched list is evaluated once for its count, page and positions, and again as soon as
/// anything changed: this session's writes or a colleague's.
#[test]
fn a_searched_list_follows_every_change() {
    use rapport_core::store::InboxQuery;
    let (d, mut s) = team_demo();
    let q = || InboxQuery {
        keep: None,
        filter: InboxFilter::All,
        search: candidates::parse(
            "assigned:me",
            ME,
            &Schedule::demo(),
            Target::default(),
            ANCHOR,
        )
        .unwrap(),
        assignee: Default::default(),
    };
    assert_eq!(s.inbox_count(&q()).unwrap(), 2);
    let katerina = id_of(&s, "Κατερίνα Νικολάου");
    assert_eq!(s.inbox_position(&q(), katerina).unwrap(), None);
    s.assign(katerina, Some(ME), ME).unwrap();
    assert_eq!(s.inbox_count(&q()).unwrap(), 3);
    assert!(s.inbox_position(&q(), katerina).unwrap().is_some());
    assert_eq!(s.inbox_page(&q(), 0, 10).unwrap().len(), 3);
    let mut colleague = Store::open_in(d.path()).unwrap();
    let sebastian = id_of(&colleague, "Sebastian Becker");
    colleague
        .assign(sebastian, Some(ME), "Bilal Haddad")
        .unwrap();
    assert_eq!(s.inbox_count(&q()).unwrap(), 4);
    let page = s.inbox_page(&q(), 1, 2).unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(s.inbox_page(&q(), 0, 4).unwrap()[1..3], page[..]);
}
