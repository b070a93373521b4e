//! The deterministic demo mailbox: a shared recruiting inbox with six months of realistic
//! two-way conversations, generated from a seed. Pure data - the caller writes the
//! messages to a Maildir and ingests them like any other mail.
//!
//! Same [`DemoConfig`] in, byte-identical [`DemoMailbox`] out: all randomness comes from a
//! small seeded PRNG and all dates derive from `anchor`.

pub mod clock;
mod convo;
mod corpus;
mod heavy;
pub mod install;
mod mime;
mod names;
mod render;
mod rng;

use std::collections::HashSet;

use convo::{Cand, Client, Plan, Sim};
use mime::WordEnc;
use rapport_core::model::{Channel, ContactEntry, Direction, Frequency, Outcome, Preferences};
use rng::Rng;

/// The team's domain.
pub const DOMAIN: &str = "northwind-recruiting.example";
/// The shared mailbox everything is synced from.
pub const SHARED_ADDRESS: &str = "talent@northwind-recruiting.example";
pub const SHARED_NAME: &str = "Northwind Talent";

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    pub seed: u64,
    pub candidates: usize,
    /// Approximate number of messages (inbox + sent).
    pub messages: usize,
    /// Unix seconds: the demo's "now". Every message is dated before it.
    pub anchor: i64,
    /// Messages of realistic size (full quoted history, logos, CVs of hundreds of KB, a few
    /// large files: about 19 KB on average) instead of the compact demo's 2 KB.
    pub realistic_sizes: bool,
}

impl DemoConfig {
    pub const SEED: u64 = 0x6e6f_7274_6877_696e;

    /// The demo: 150 candidates, about 1,500 messages over the six months before `anchor`.
    pub fn standard(anchor: i64) -> DemoConfig {
        DemoConfig {
            seed: Self::SEED,
            candidates: 150,
            messages: 1500,
            anchor,
            realistic_sizes: false,
        }
    }

    /// A larger mailbox of the same shape, for benchmarks.
    pub fn scaled(anchor: i64, candidates: usize, messages: usize) -> DemoConfig {
        DemoConfig {
            seed: Self::SEED,
            candidates,
            messages,
            anchor,
            realistic_sizes: false,
        }
    }

    /// Like [`DemoConfig::scaled`], with messages the size of a real mailbox's: for the sync
    /// benchmark, where bytes on the wire matter.
    pub fn realistic(anchor: i64, candidates: usize, messages: usize) -> DemoConfig {
        DemoConfig {
            realistic_sizes: true,
            ..Self::scaled(anchor, candidates, messages)
        }
    }
}

/// Someone on the team, or the shared box itself (`shared: true`): the store's own type.
pub use rapport_core::store::TeamMember;

/// The generated mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMailbox {
    /// The shared box first, then the recruiters.
    pub team: Vec<TeamMember>,
    /// Raw messages in the shared box's INBOX (what candidates sent), oldest first.
    pub inbox: Vec<Vec<u8>>,
    /// Raw messages the team sent (the Sent folder), oldest first.
    pub sent: Vec<Vec<u8>>,
    /// Stored data for some candidates.
    pub profiles: Vec<DemoProfile>,
}

/// What the team has recorded about a candidate besides mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProfile {
    /// The candidate's primary address.
    pub address: String,
    pub preferences: Preferences,
    pub contacts: Vec<ContactEntry>,
    pub opted_out: Option<DemoOptOut>,
}

/// A recorded opt-out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptOut {
    pub at: i64,
    pub reason: String,
    pub recorded_by: String,
}

/// How quickly a recruiter answers.
#[derive(Debug, Clone, Copy)]
enum Speed {
    /// Usually within 1-3 business hours.
    Fast,
    /// Half a day.
    Steady,
    /// One to two business days.
    Slow,
    /// Usually quick, sometimes days.
    Variable,
}

struct Recruiter {
    first: &'static str,
    name: &'static str,
    local: &'static str,
    title: &'static str,
    phone: &'static str,
    signoff: &'static str,
    speed: Speed,
    /// Share of candidates they own.
    weight: u32,
}

const RECRUITERS: [Recruiter; 4] = [
    Recruiter {
        first: "Alice",
        name: "Alice Moreau",
        local: "alice",
        title: "Senior Talent Partner",
        phone: "+49 30 5550 1201",
        signoff: "Best",
        speed: Speed::Fast,
        weight: 30,
    },
    Recruiter {
        first: "Bilal",
        name: "Bilal Haddad",
        local: "bilal",
        title: "Technical Recruiter",
        phone: "+49 30 5550 1202",
        signoff: "Cheers",
        speed: Speed::Steady,
        weight: 26,
    },
    Recruiter {
        first: "Chen",
        name: "Chen Wei",
        local: "chen",
        title: "Talent Partner",
        phone: "+49 30 5550 1203",
        signoff: "Kind regards",
        speed: Speed::Slow,
        weight: 24,
    },
    Recruiter {
        first: "Dana",
        name: "Dana Kowalski",
        local: "dana",
        title: "Recruiting Lead",
        phone: "+49 30 5550 1204",
        signoff: "Thanks",
        speed: Speed::Variable,
        weight: 20,
    },
];

struct Out {
    t: i64,
    seq: u64,
    bytes: Vec<u8>,
}

/// Address headers of the team, written once.
struct TeamHeaders {
    /// "Alice Moreau (Northwind Talent)" <talent@...>, per recruiter.
    personas: Vec<String>,
    /// Alice Moreau <alice@...>, per recruiter.
    recruiters: Vec<String>,
    /// Northwind Talent <talent@...>.
    shared: String,
}

impl TeamHeaders {
    fn new() -> TeamHeaders {
        TeamHeaders {
            personas: RECRUITERS
                .iter()
                .map(|r| {
                    mime::mailbox(
                        &format!("{} ({SHARED_NAME})", r.name),
                        SHARED_ADDRESS,
                        WordEnc::Utf8B,
                    )
                })
                .collect(),
            recruiters: RECRUITERS
                .iter()
                .map(|r| mime::mailbox(r.name, &format!("{}@{DOMAIN}", r.local), WordEnc::Utf8B))
                .collect(),
            shared: mime::mailbox(SHARED_NAME, SHARED_ADDRESS, WordEnc::Utf8B),
        }
    }
}

/// Shared state while generating: output and id counters.
struct Gen {
    headers: TeamHeaders,
    anchor: i64,
    /// Start of the demo period (six months before the anchor).
    start: i64,
    ours: u64,
    theirs: u64,
    seq: u64,
    /// Generate realistic sizes (see [`heavy`]).
    realistic: bool,
    inbox: Vec<Out>,
    sent: Vec<Out>,
}

impl Gen {
    fn push(&mut self, t: i64, inbound: bool, bytes: Vec<u8>) {
        self.seq += 1;
        let out = Out {
            t,
            seq: self.seq,
            bytes,
        };
        if inbound {
            self.inbox.push(out);
        } else {
            self.sent.push(out);
        }
    }
}

fn unique_address(local: &str, domain: &str, used: &mut HashSet<String>) -> String {
    let mut addr = format!("{local}@{domain}");
    let mut n = 2;
    while used.contains(&addr) {
        addr = format!("{local}{n}@{domain}");
        n += 1;
    }
    used.insert(addr.clone());
    addr
}

fn make_candidate(seed: u64, i: usize, used: &mut HashSet<String>) -> Cand {
    let mut r = Rng::stream(seed ^ 0x00ca_0d1d_a7e5, i as u64);
    let id = if i < names::FEATURED.len() {
        names::featured_identity(i, &mut r)
    } else {
        names::random_identity(&mut r)
    };
    let culture = &names::CULTURES[id.culture];
    let personal = *r.pick(culture.domains);
    let work = *r.pick(names::COMPANY_DOMAINS);
    let work_first = r.chance(0.2);
    let local = names::local_part(&id, &mut r);
    let local2 = names::local_part(&id, &mut r);
    let (d1, d2) = if work_first {
        (work, personal)
    } else {
        (personal, work)
    };
    let primary = unique_address(&local, d1, used);
    let second = unique_address(&local2, d2, used);
    let latin = mime::latin1(&id.full).is_some();
    let enc = if latin {
        [
            WordEnc::Utf8B,
            WordEnc::Utf8Q,
            WordEnc::Latin1Q,
            WordEnc::Latin1B,
        ][r.weighted(&[40, 30, 18, 12])]
    } else {
        [WordEnc::Utf8B, WordEnc::Utf8Q][r.weighted(&[60, 40])]
    };
    let mut client = [
        Client::Gmail,
        Client::Outlook,
        Client::Apple,
        Client::Thunderbird,
        Client::Proton,
        Client::Webmail,
    ][r.weighted(&[30, 9, 18, 18, 10, 15])];
    if client == Client::Webmail && !(latin && matches!(id.lang, "de" | "fr" | "es")) {
        client = Client::Thunderbird;
    }
    let weights: Vec<u32> = RECRUITERS.iter().map(|x| x.weight).collect();
    let owner = r.weighted(&weights);
    let role = r.index(corpus::ROLES.len());
    let interest = *r.pick(corpus::ROLES[role].tags);
    let phone = names::phone(id.tz, &mut r);
    let city = names::city(id.tz, &mut r);
    let slug = format!(
        "{}-{}-{}",
        id.first_ascii.replace(' ', ""),
        id.last_ascii.replace(' ', ""),
        r.hex(4)
    );
    let addrs = vec![primary, second];
    Cand {
        from_headers: addrs
            .iter()
            .map(|a| mime::mailbox(&id.full, a, enc))
            .collect(),
        to_headers: addrs
            .iter()
            .map(|a| mime::mailbox(&id.full, a, WordEnc::Utf8B))
            .collect(),
        addrs,
        second_is_personal: work_first,
        enc,
        client,
        owner,
        role,
        phone,
        city,
        years: r.range(2, 15),
        notice: r.pick_str(corpus::NOTICE),
        interest,
        expect: r.index(3),
        vacation: r.range(26, 31),
        slug,
        id,
    }
}

/// The candidates' preferences as the team recorded them, consistent with their story.
fn preferences(cand: &Cand, res: &convo::SimResult, r: &mut Rng) -> Preferences {
    let mut channels = vec![Channel::Email];
    if r.chance(0.45) {
        channels.push(Channel::Phone);
    }
    if r.chance(0.4) {
        channels.push(Channel::Linkedin);
    }
    if r.chance(0.12) {
        channels.push(Channel::Sms);
    }
    let preferred = if r.chance(0.6) {
        Some(Channel::Email)
    } else {
        Some(*r.pick(&channels))
    };
    let frequency = if res.story.not_now || res.story.placed {
        Frequency::Quarterly
    } else if res.story.near_miss {
        Frequency::Monthly
    } else {
        [
            Frequency::Weekly,
            Frequency::Biweekly,
            Frequency::Monthly,
            Frequency::Quarterly,
            Frequency::OnlyWhenTheyWrite,
        ][r.weighted(&[5, 15, 35, 27, 18])]
    };
    let mut interests: Vec<String> = Vec::new();
    let mut add = |tag: &str| {
        if interests.len() < 5 && !interests.iter().any(|t| t == tag) {
            interests.push(tag.to_string());
        }
    };
    add(cand.interest);
    for &role in res.roles.iter().take(2) {
        for tag in corpus::ROLES[role].tags.iter().take(2) {
            add(tag);
        }
    }
    match cand.id.tz {
        clock::Tz::Berlin => add("berlin"),
        clock::Tz::London => add("london"),
        _ => {}
    }
    if r.chance(0.25) {
        add("remote");
    }
    Preferences {
        channels,
        preferred,
        frequency: Some(frequency),
        interests,
        language: Some(cand.id.lang.to_string()),
        timezone: Some(cand.id.tz.iana().to_string()),
        no_channel: false,
    }
}

/// Generates the demo mailbox for `cfg`.
pub fn generate(cfg: &DemoConfig) -> DemoMailbox {
    let n = cfg.candidates;
    let anchor = cfg.anchor;
    let mut rng = Rng::new(cfg.seed);
    let mut used = HashSet::with_capacity(n * 2);
    let cands: Vec<Cand> = (0..n)
        .map(|i| make_candidate(cfg.seed, i, &mut used))
        .collect();

    // Who has which part in the story. Disjoint groups from one shuffled order.
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut take = |count: usize| -> Vec<usize> {
        let k = count.min(order.len());
        order.drain(..k).collect()
    };
    let n_wait = (n * 17).div_ceil(100);
    let n_opt = (n / 50).max(3).min(n_wait);
    let waiting = take(n_wait);
    let two_address = take((n * 6).div_ceil(100));
    let phone_opt = take((n / 50).max(2));
    let near_miss = take((n / 150).max(1));
    let escape = take(1);
    let bounce = take((n / 2000).max(1));

    let mut plans: Vec<Plan> = vec![Plan::default(); n];
    for (j, &i) in waiting.iter().enumerate() {
        let age = match j % 10 {
            0..=2 => rng.range(15 * clock::MINUTE, 6 * clock::HOUR),
            3..=7 => rng.range(6 * clock::HOUR, 3 * clock::DAY),
            _ => rng.range(3 * clock::DAY + clock::HOUR, 9 * clock::DAY),
        };
        plans[i].waiting_at = Some(anchor - age);
    }
    // Opt-out requests in different languages, preferably from someone who speaks it.
    let mut opt_pool: Vec<usize> = waiting.clone();
    for j in 0..n_opt {
        let lang = j % corpus::OPT_OUT.len();
        let want = ["en", "de", "fr", "es"][lang];
        let pos = opt_pool
            .iter()
            .position(|&i| cands[i].id.lang == want)
            .unwrap_or(0);
        if opt_pool.is_empty() {
            break;
        }
        let i = opt_pool.remove(pos);
        plans[i].opt_out_lang = Some(lang);
    }
    for &i in &two_address {
        plans[i].two_address = true;
    }
    for &i in &phone_opt {
        let day = clock::TEAM_TZ
            .local(anchor - rng.range(10, 70) * clock::DAY)
            .days;
        let day = clock::working_day_after(day, 1);
        let secs = rng.range(9 * clock::HOUR + 30 * clock::MINUTE, 17 * clock::HOUR);
        plans[i].phone_opt_out_at = Some(clock::TEAM_TZ.instant(day, secs));
    }
    for &i in &near_miss {
        plans[i].near_miss = true;
    }
    for &i in &escape {
        plans[i].escape = true;
    }
    for &i in &bounce {
        plans[i].bounce = true;
    }

    // When each story starts, spread over the period, and message budgets: a skewed share
    // per candidate, scaled by the time their story has, re-balanced as we go so the total
    // lands close to `cfg.messages` even when a story ends early.
    let period_start = anchor - 180 * clock::DAY;
    let weights: Vec<f64> = (0..n)
        .map(|i| {
            let p = &mut plans[i];
            let first = period_start + 3 * clock::DAY;
            p.start = if p.two_address {
                rng.range(first, first + 50 * clock::DAY)
            } else {
                rng.range(first, anchor - 12 * clock::DAY)
            };
            let end = p
                .waiting_at
                .or(p.phone_opt_out_at)
                .unwrap_or(anchor)
                .min(anchor);
            let room = ((end - p.start) as f64 / (60 * clock::DAY) as f64).clamp(0.12, 1.0);
            let w: f64 = [0.25, 1.0, 1.9][rng.weighted(&[18, 52, 30])];
            // Some conversations start with the candidate applying.
            let ordinary = !(p.two_address || p.near_miss || p.bounce || p.opt_out_lang.is_some());
            p.inbound_first = ordinary && rng.chance(0.12);
            if p.opt_out_lang.is_some() {
                0.2
            } else if p.two_address {
                w.max(1.5)
            } else {
                w * room
            }
        })
        .collect();
    let mut remaining_w: f64 = weights.iter().sum();
    let mut remaining = cfg.messages as f64;

    let mut state = Gen {
        headers: TeamHeaders::new(),
        anchor,
        start: period_start,
        ours: 0,
        theirs: 0,
        seq: 0,
        realistic: cfg.realistic_sizes,
        inbox: Vec::with_capacity(cfg.messages / 2 + 16),
        sent: Vec::with_capacity(cfg.messages / 2 + 16),
    };
    let mut profiles = Vec::new();
    for (i, cand) in cands.iter().enumerate() {
        let share = if remaining_w > 0.0 {
            remaining * weights[i] / remaining_w
        } else {
            1.0
        };
        let mut budget = (share.round() as usize).clamp(1, 60);
        if plans[i].two_address {
            budget = budget.max(7);
        }
        if plans[i].bounce || plans[i].escape {
            budget = budget.max(4);
        }
        if plans[i].opt_out_lang.is_some() {
            budget = budget.clamp(2, 3);
        }
        plans[i].budget = budget;
        let sim = Sim::new(
            &mut state,
            cand,
            &plans[i],
            Rng::stream(cfg.seed ^ 0x5eed, i as u64),
            Rng::stream(cfg.seed ^ 0xb16_f11e5, i as u64),
        );
        let res = sim.run();
        remaining -= res.produced as f64;
        remaining_w -= weights[i];

        let mut pr = Rng::stream(cfg.seed ^ 0x9f0f_11e5, i as u64);
        // Nobody who asked not to be contacted has contact preferences on file.
        let wants_prefs =
            pr.chance(0.3) && plans[i].opt_out_lang.is_none() && res.opt_out.is_none();
        let wants_contacts = pr.chance(0.2);
        let mut contacts = if wants_contacts || res.opt_out.is_some() {
            res.contacts.clone()
        } else {
            Vec::new()
        };
        // Someone whose contacts are logged has at least one entry: the connection request
        // sent before the first email.
        if wants_contacts
            && contacts.is_empty()
            && let Some(first) = res.first_t
        {
            let at = first - pr.range(clock::HOUR, 2 * clock::DAY);
            if at > anchor - 189 * clock::DAY {
                contacts.push(ContactEntry {
                    channel: Channel::Linkedin,
                    direction: Direction::Outbound,
                    outcome: Outcome::Delivered,
                    at,
                    note: "Sent a LinkedIn connection request with a short note before emailing."
                        .to_string(),
                    recorded_by: RECRUITERS[cand.owner].name.to_string(),
                });
            }
        }
        if contacts.len() > 4 {
            contacts.drain(..contacts.len() - 4);
        }
        if wants_prefs || !contacts.is_empty() || res.opt_out.is_some() {
            let preferences = if wants_prefs {
                preferences(cand, &res, &mut pr)
            } else {
                Preferences::default()
            };
            profiles.push(DemoProfile {
                address: cand.addrs[0].clone(),
                preferences,
                contacts,
                opted_out: res.opt_out,
            });
        }
    }

    let mut team = vec![TeamMember {
        address: SHARED_ADDRESS.to_string(),
        name: SHARED_NAME.to_string(),
        shared: true,
    }];
    team.extend(RECRUITERS.iter().map(|r| TeamMember {
        address: format!("{}@{DOMAIN}", r.local),
        name: r.name.to_string(),
        shared: false,
    }));
    let finish = |mut v: Vec<Out>| -> Vec<Vec<u8>> {
        v.sort_by_key(|o| (o.t, o.seq));
        v.into_iter().map(|o| o.bytes).collect()
    };
    DemoMailbox {
        team,
        inbox: finish(state.inbox),
        sent: finish(state.sent),
        profiles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANCHOR: i64 = 1_793_779_200; // 2026-11-04 08:00 UTC, a Wednesday

    #[test]
    fn small_config_is_deterministic_and_sized() {
        let cfg = DemoConfig::scaled(ANCHOR, 40, 400);
        let a = generate(&cfg);
        let b = generate(&cfg);
        assert_eq!(a, b);
        let total = a.inbox.len() + a.sent.len();
        assert!((300..=480).contains(&total), "{total}");
        assert_eq!(a.team.len(), 5);
    }

    #[test]
    fn tiny_configs_do_not_panic() {
        for n in [0, 1, 2, 5] {
            let m = generate(&DemoConfig::scaled(ANCHOR, n, n * 10));
            assert!(m.inbox.len() + m.sent.len() >= n);
        }
    }
}
