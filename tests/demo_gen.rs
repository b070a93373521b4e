//! The demo mailbox generator: determinism, size, well-formed mail, threading, and the
//! variety the rest of the product relies on.

use std::collections::{HashMap, HashSet};

use mailparse::{MailAddr, MailHeaderMap, ParsedMail, addrparse_header, dateparse, parse_mail};
use rapport_demo::{DemoConfig, DemoMailbox, generate};

/// Wednesday 2026-11-04 08:00 UTC.
const ANCHOR: i64 = 1_793_779_200;
const DAY: i64 = 86_400;

#[derive(Debug)]
struct Msg {
    inbound: bool,
    id: String,
    in_reply_to: Option<String>,
    references: Vec<String>,
    from_addr: String,
    from_name: String,
    raw_from: String,
    sender: Option<String>,
    to_addrs: Vec<String>,
    cc_addrs: Vec<String>,
    date: i64,
    subject: String,
    automated: bool,
    top_type: String,
    text: String,
    raw: Vec<u8>,
}

fn ids(value: &str) -> Vec<String> {
    value
        .split_whitespace()
        .filter(|s| s.starts_with('<') && s.ends_with('>'))
        .map(str::to_string)
        .collect()
}

fn addrs(list: &[MailAddr]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for a in list {
        match a {
            MailAddr::Single(s) => out.push((
                s.display_name.clone().unwrap_or_default(),
                s.addr.to_lowercase(),
            )),
            MailAddr::Group(g) => {
                for s in &g.addrs {
                    out.push((
                        s.display_name.clone().unwrap_or_default(),
                        s.addr.to_lowercase(),
                    ));
                }
            }
        }
    }
    out
}

fn collect_text(p: &ParsedMail, out: &mut String) {
    if p.subparts.is_empty() {
        if p.ctype.mimetype.starts_with("text/") {
            out.push_str(&p.get_body().expect("decodable body"));
            out.push('\n');
        }
    } else {
        for s in &p.subparts {
            collect_text(s, out);
        }
    }
}

fn parse_all(m: &DemoMailbox) -> Vec<Msg> {
    let mut out = Vec::new();
    for (inbound, raw) in m
        .inbox
        .iter()
        .map(|r| (true, r))
        .chain(m.sent.iter().map(|r| (false, r)))
    {
        let p = parse_mail(raw).expect("message parses");
        let h = &p.headers;
        let id = h.get_first_value("Message-ID").unwrap_or_else(|| {
            panic!(
                "no Message-ID: {}",
                String::from_utf8_lossy(&raw[..raw.len().min(700)])
            )
        });
        let date = h.get_first_value("Date").expect("Date");
        let date = dateparse(&date).expect("Date parses");
        let from_h = h.get_first_header("From").expect("From");
        let from = addrs(&addrparse_header(from_h).expect("From parses"));
        assert_eq!(from.len(), 1, "{from:?}");
        let to = h
            .get_first_header("To")
            .map(|x| addrs(&addrparse_header(x).expect("To parses")))
            .unwrap_or_default();
        let cc = h
            .get_first_header("Cc")
            .map(|x| addrs(&addrparse_header(x).expect("Cc parses")))
            .unwrap_or_default();
        let mut text = String::new();
        collect_text(&p, &mut text);
        out.push(Msg {
            inbound,
            id: id.trim().to_string(),
            in_reply_to: h
                .get_first_value("In-Reply-To")
                .map(|v| v.trim().to_string()),
            references: h
                .get_first_value("References")
                .map(|v| ids(&v))
                .unwrap_or_default(),
            from_addr: from[0].1.clone(),
            from_name: from[0].0.clone(),
            raw_from: String::from_utf8_lossy(from_h.get_value_raw()).into_owned(),
            sender: h.get_first_value("Sender"),
            to_addrs: to.into_iter().map(|a| a.1).collect(),
            cc_addrs: cc.into_iter().map(|a| a.1).collect(),
            date,
            subject: h.get_first_value("Subject").unwrap_or_default(),
            automated: h.get_first_value("Auto-Submitted").is_some(),
            top_type: p.ctype.mimetype.clone(),
            text,
            raw: raw.clone(),
        });
    }
    out
}

const SHARED: &str = "talent@northwind-recruiting.example";

/// The candidate a message belongs to (their address).
fn counterpart(m: &Msg) -> Option<String> {
    if m.inbound {
        if m.from_addr.starts_with("mailer-daemon@") {
            None
        } else {
            Some(m.from_addr.clone())
        }
    } else {
        m.to_addrs.first().cloned()
    }
}

fn waiting_candidates(msgs: &[Msg]) -> Vec<(String, i64)> {
    let mut last: HashMap<String, (i64, bool)> = HashMap::new();
    for m in msgs.iter().filter(|m| !m.automated) {
        if let Some(who) = counterpart(m) {
            let e = last.entry(who).or_insert((i64::MIN, false));
            if m.date >= e.0 {
                *e = (m.date, m.inbound);
            }
        }
    }
    let mut w: Vec<(String, i64)> = last
        .into_iter()
        .filter(|(_, (_, inbound))| *inbound)
        .map(|(who, (t, _))| (who, ANCHOR - t))
        .collect();
    w.sort();
    w
}

fn check_structure(m: &DemoMailbox, msgs: &[Msg], anchor: i64) {
    // Unique ids, dates in range, threading consistent.
    let mut by_id: HashMap<&str, &Msg> = HashMap::new();
    for msg in msgs {
        assert!(by_id.insert(&msg.id, msg).is_none(), "duplicate {}", msg.id);
        assert!(msg.date < anchor, "{} dated after the anchor", msg.id);
        assert!(msg.date > anchor - 190 * DAY, "{} too old", msg.id);
    }
    for msg in msgs {
        if let Some(irt) = &msg.in_reply_to {
            let parent = by_id
                .get(irt.as_str())
                .unwrap_or_else(|| panic!("{} replies to unknown {irt}", msg.id));
            assert!(parent.date <= msg.date, "{} predates its parent", msg.id);
            let mut expected = parent.references.clone();
            expected.push(parent.id.clone());
            assert_eq!(msg.references, expected, "References of {}", msg.id);
        } else {
            assert!(msg.references.is_empty(), "{}", msg.id);
        }
    }
    // Every template placeholder was filled.
    for msg in msgs {
        let t = &msg.text;
        for (i, _) in t.match_indices('{') {
            let rest = &t[i + 1..];
            if let Some(end) = rest.find('}') {
                let key = &rest[..end];
                assert!(
                    key.is_empty()
                        || !key
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                    "unfilled {{{key}}} in {}",
                    msg.id
                );
            }
        }
    }
    // Outbound mail comes from the shared box with a Sender, or from a recruiter with Cc.
    let recruiters: HashSet<&str> = m
        .team
        .iter()
        .filter(|t| !t.shared)
        .map(|t| t.address.as_str())
        .collect();
    for msg in msgs.iter().filter(|x| !x.inbound) {
        if msg.from_addr == SHARED {
            let s = msg.sender.as_deref().expect("Sender on shared-box mail");
            assert!(recruiters.iter().any(|r| s.contains(r)), "{s}");
            assert!(
                msg.from_name.ends_with("(Northwind Talent)"),
                "{}",
                msg.from_name
            );
        } else {
            assert!(
                recruiters.contains(msg.from_addr.as_str()),
                "{}",
                msg.from_addr
            );
            assert!(msg.cc_addrs.iter().any(|c| c == SHARED));
        }
    }
    // Profiles are consistent.
    let names: HashSet<&str> = m.team.iter().map(|t| t.name.as_str()).collect();
    for p in &m.profiles {
        assert!(p.contacts.len() <= 4);
        for c in &p.contacts {
            assert!(c.at < anchor && c.at > anchor - 190 * DAY);
            assert!(names.contains(c.recorded_by.as_str()), "{}", c.recorded_by);
            assert!(!c.note.is_empty());
        }
        if let Some(o) = &p.opted_out {
            assert!(o.at < anchor && names.contains(o.recorded_by.as_str()));
        }
    }
}

#[test]
fn deterministic() {
    let cfg = DemoConfig::standard(ANCHOR);
    let a = generate(&cfg);
    let b = generate(&cfg);
    assert_eq!(a, b);
    let other = generate(&DemoConfig {
        seed: 7,
        ..cfg.clone()
    });
    assert_ne!(a.inbox, other.inbox);
}

#[test]
fn standard_mailbox_is_realistic() {
    let cfg = DemoConfig::standard(ANCHOR);
    let m = generate(&cfg);
    let msgs = parse_all(&m);
    check_structure(&m, &msgs, ANCHOR);

    // Size.
    let total = m.inbox.len() + m.sent.len();
    assert!((1350..=1650).contains(&total), "{total} messages");
    let candidates: HashSet<String> = msgs.iter().filter_map(counterpart).collect();
    assert!(
        (150..=170).contains(&candidates.len()),
        "{} candidates",
        candidates.len()
    );

    // Team.
    assert_eq!(m.team.len(), 5);
    assert_eq!(m.team.iter().filter(|t| t.shared).count(), 1);
    assert!(
        m.team
            .iter()
            .any(|t| t.address == SHARED && t.name == "Northwind Talent")
    );

    let inbound: Vec<&Msg> = msgs.iter().filter(|x| x.inbound).collect();
    let replies: Vec<&&Msg> = inbound
        .iter()
        .filter(|x| x.in_reply_to.is_some() && !x.automated)
        .collect();

    // HTML-only replies, around 8%.
    let html_only = replies.iter().filter(|x| x.top_type == "text/html").count();
    let share = html_only as f64 / replies.len() as f64;
    assert!(
        (0.03..=0.15).contains(&share),
        "{html_only} of {} replies HTML-only",
        replies.len()
    );
    assert!(msgs.iter().any(|x| x.top_type == "multipart/alternative"));
    assert!(msgs.iter().any(|x| x.top_type == "multipart/mixed"));
    let raw_text = |x: &Msg| String::from_utf8_lossy(&x.raw).into_owned();
    assert!(
        inbound
            .iter()
            .any(|x| raw_text(x).contains("https://tracker.example/pixel.gif"))
    );
    assert!(inbound.iter().any(|x| {
        let r = raw_text(x);
        r.contains("charset=\"ISO-8859-1\"") && r.contains("quoted-printable")
    }));
    assert!(
        inbound
            .iter()
            .any(|x| raw_text(x).contains("application/pdf"))
    );

    // Auto-replies.
    let autos: Vec<&&Msg> = inbound.iter().filter(|x| x.automated).collect();
    assert!(
        autos
            .iter()
            .any(|x| x.subject.starts_with("Automatic reply:")
                || x.subject.starts_with("Abwesenheitsnotiz:")
                || x.subject.starts_with("Out of Office:"))
    );
    assert!(autos.len() >= 5, "{} auto-replies", autos.len());

    // Some conversations start with the candidate writing first.
    let inbound_starts = inbound
        .iter()
        .filter(|x| {
            x.in_reply_to.is_none() && !x.automated && !x.from_addr.starts_with("mailer-daemon@")
        })
        .count();
    assert!(
        inbound_starts >= 12,
        "{inbound_starts} conversations started by candidates"
    );
    assert!(
        inbound
            .iter()
            .any(|x| x.subject.starts_with("Application") || x.subject.starts_with("Bewerbung"))
    );

    // A bounce.
    assert!(
        inbound
            .iter()
            .any(|x| x.from_addr.starts_with("mailer-daemon@"))
    );

    // Non-ASCII names as encoded words, in several encodings.
    let encoded: Vec<&&Msg> = inbound
        .iter()
        .filter(|x| x.raw_from.contains("=?") && !x.from_name.is_ascii())
        .collect();
    assert!(encoded.len() > 50, "{}", encoded.len());
    assert!(encoded.iter().any(|x| x.raw_from.contains("?Q?")));
    assert!(encoded.iter().any(|x| x.raw_from.contains("?B?")));
    assert!(
        encoded
            .iter()
            .any(|x| x.raw_from.to_uppercase().contains("=?ISO-8859-1?"))
    );
    for name in [
        "José Álvarez",
        "Zoë Brontë",
        "Søren Kierkegaard-Nielsen",
        "Łukasz Wiśniewski",
        "李雷",
        "山田花子",
        "Ольга Петрова",
        "Nguyễn Thị Lan",
    ] {
        assert!(
            msgs.iter()
                .any(|x| x.from_name == name || x.text.contains(name)),
            "{name}"
        );
    }

    // Two-address candidates: a reply from a second address to our message to the first.
    let by_id: HashMap<&str, &Msg> = msgs.iter().map(|x| (x.id.as_str(), x)).collect();
    let mut two: HashSet<String> = HashSet::new();
    for x in &replies {
        let parent = by_id[x.in_reply_to.as_deref().unwrap()];
        if !parent.inbound && !parent.to_addrs.contains(&x.from_addr) {
            two.insert(x.from_name.clone());
        }
    }
    assert!(
        (5..=12).contains(&two.len()),
        "{} two-address candidates: {two:?}",
        two.len()
    );

    // Opt-out requests in several languages, and a near miss.
    let has = |needle: &str| inbound.iter().any(|x| x.text.contains(needle));
    assert!(has("Please unsubscribe me") || has("remove me from your"));
    assert!(has("Bitte keine weiteren E-Mails") || has("bitte keine weiteren E-Mails"));
    assert!(has("Merci de ne plus me contacter"));
    assert!(has("not interested in this role, but keep me posted"));

    // A subject with terminal escapes.
    assert!(
        m.inbox
            .iter()
            .any(|r| r.windows(5).any(|w| w == b"\x1b[31m"))
    );

    // Quoted replies.
    assert!(
        inbound
            .iter()
            .any(|x| x.text.contains(" wrote:\n> ") || x.text.contains(" wrote:\r\n> "))
    );

    // Candidates currently waiting: 20-30, a few for over three days, several within hours.
    let waiting = waiting_candidates(&msgs);
    assert!(
        (20..=32).contains(&waiting.len()),
        "{} waiting",
        waiting.len()
    );
    assert!(waiting.iter().filter(|w| w.1 > 3 * DAY).count() >= 3);
    assert!(waiting.iter().filter(|w| w.1 < 6 * 3600).count() >= 4);

    // Response times tell a story: Alice is quick, Chen is slow.
    let mut delays: HashMap<String, Vec<i64>> = HashMap::new();
    for x in msgs.iter().filter(|x| !x.inbound) {
        if let Some(parent) = x.in_reply_to.as_deref().map(|i| by_id[i])
            && parent.inbound
        {
            let who = x.sender.clone().unwrap_or_else(|| x.from_addr.clone());
            delays.entry(who).or_default().push(x.date - parent.date);
        }
    }
    let median = |who: &str| {
        let mut v: Vec<i64> = delays
            .iter()
            .filter(|(k, _)| k.contains(who))
            .flat_map(|(_, v)| v.iter().copied())
            .collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    assert!(
        median("alice@") < median("chen@"),
        "{} vs {}",
        median("alice@"),
        median("chen@")
    );
    // Few weekend replies from the team.
    let weekend = msgs
        .iter()
        .filter(|x| !x.inbound)
        .filter(|x| {
            let days = (x.date + 3600).div_euclid(DAY);
            (days + 3).rem_euclid(7) >= 5
        })
        .count();
    assert!(weekend * 20 < m.sent.len(), "{weekend} weekend messages");

    // Profiles.
    let with_prefs = m
        .profiles
        .iter()
        .filter(|p| !p.preferences.channels.is_empty())
        .count();
    assert!(
        (30..=65).contains(&with_prefs),
        "{with_prefs} with preferences"
    );
    let with_contacts = m.profiles.iter().filter(|p| !p.contacts.is_empty()).count();
    assert!(
        (18..=50).contains(&with_contacts),
        "{with_contacts} with contacts"
    );
    let opted = m.profiles.iter().filter(|p| p.opted_out.is_some()).count();
    assert!((2..=3).contains(&opted), "{opted} opted out");
    for p in &m.profiles {
        assert!(candidates.contains(&p.address), "{}", p.address);
    }
}

#[test]
fn scaled_mailbox_holds_its_shape() {
    let cfg = DemoConfig::scaled(ANCHOR, 2_000, 20_000);
    let started = std::time::Instant::now();
    let m = generate(&cfg);
    eprintln!("generated 2,000 / 20,000 in {:?}", started.elapsed());
    let msgs = parse_all(&m);
    check_structure(&m, &msgs, ANCHOR);
    let total = m.inbox.len() + m.sent.len();
    assert!((18_000..=22_000).contains(&total), "{total} messages");
    let candidates: HashSet<String> = msgs.iter().filter_map(counterpart).collect();
    assert!(
        (2_000..=2_200).contains(&candidates.len()),
        "{} candidates",
        candidates.len()
    );
    let waiting = waiting_candidates(&msgs);
    assert!(
        (260..=420).contains(&waiting.len()),
        "{} waiting",
        waiting.len()
    );
}

#[test]
fn other_anchors_and_seeds() {
    // A DST-switch Sunday night, New Year's midnight, a summer afternoon.
    for (anchor, seed) in [
        (1_774_747_800, 1),
        (1_798_761_600, 2),
        (1_784_124_000, DemoConfig::SEED),
    ] {
        let cfg = DemoConfig {
            seed,
            ..DemoConfig::scaled(anchor, 300, 3_000)
        };
        let m = generate(&cfg);
        let msgs = parse_all(&m);
        check_structure(&m, &msgs, anchor);
        let total = m.inbox.len() + m.sent.len();
        assert!(
            (2_700..=3_300).contains(&total),
            "{total} messages at {anchor}"
        );
        let mut last: HashMap<String, (i64, bool)> = HashMap::new();
        for x in msgs.iter().filter(|x| !x.automated) {
            if let Some(who) = counterpart(x) {
                let e = last.entry(who).or_insert((i64::MIN, false));
                if x.date >= e.0 {
                    *e = (x.date, x.inbound);
                }
            }
        }
        let waiting = last.values().filter(|v| v.1).count();
        assert!(
            (40..=65).contains(&waiting),
            "{waiting} waiting at {anchor}"
        );
        assert!(m.profiles.iter().filter(|p| p.opted_out.is_some()).count() >= 2);
    }
}

#[test]
fn realistic_sizes_are_the_same_mailbox_made_heavier() {
    let compact = generate(&DemoConfig::scaled(ANCHOR, 300, 3_000));
    let heavy = generate(&DemoConfig::realistic(ANCHOR, 300, 3_000));
    assert_eq!(heavy, generate(&DemoConfig::realistic(ANCHOR, 300, 3_000)));
    let (c, h) = (parse_all(&compact), parse_all(&heavy));
    // The same messages, ids and dates; only their bodies grow.
    assert_eq!(c.len(), h.len());
    for (a, b) in c.iter().zip(&h) {
        assert_eq!((&a.id, a.date, &a.subject), (&b.id, b.date, &b.subject));
    }
    check_structure(&heavy, &h, ANCHOR);
    let bytes: usize = h.iter().map(|m| m.raw.len()).sum();
    let avg = bytes / h.len();
    assert!((14_000..=26_000).contains(&avg), "{avg} bytes a message");
    let has = |needle: &str| h.iter().filter(|m| contains(&m.raw, needle)).count();
    assert!(has("application/pdf") > 30, "CVs as PDF");
    assert!(has("wordprocessingml") > 10, "CVs as DOCX");
    assert!(has("image/png") > 300, "signature logos");
    // Replies quote their history: some quote a quote.
    assert!(h.iter().filter(|m| m.text.contains("\n> > ")).count() > 100);
    assert!(c.iter().all(|m| !m.text.contains("\n> > ")));
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}
