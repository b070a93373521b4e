//! One candidate's story: threads of outreach, replies, calls and interviews, simulated
//! forward in time with the team's response speeds, then written out as raw messages.

mod bounce;
mod contacts;
mod message;
mod quote;
mod story;
mod text;
mod thread;
mod time;

use super::clock::{DAY, HOUR, MINUTE};
use super::corpus::ROLES;
use super::mime::WordEnc;
use super::names::Person;
use super::rng::Rng;
use super::{DemoOptOut, Gen, RECRUITERS};
use rapport_core::model::{Channel, ContactEntry, Direction, Outcome};
use thread::{K, Thread};

/// The mail client a candidate uses; it decides MIME shape, quoting and ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Client {
    Gmail,
    Outlook,
    Apple,
    Thunderbird,
    Proton,
    /// A German/French webmail sending ISO-8859-1 quoted-printable.
    Webmail,
}

pub(super) struct Cand {
    pub id: Person,
    /// Primary address first; the second one is only used by two-address candidates.
    pub addrs: Vec<String>,
    /// `From:` as their client writes it, per address.
    pub from_headers: Vec<String>,
    /// `To:` as the team's webmail writes it, per address.
    pub to_headers: Vec<String>,
    pub second_is_personal: bool,
    pub enc: WordEnc,
    pub client: Client,
    pub owner: usize,
    pub role: usize,
    pub phone: String,
    pub city: &'static str,
    pub years: i64,
    pub notice: &'static str,
    pub interest: &'static str,
    pub expect: usize,
    pub vacation: i64,
    pub slug: String,
}

/// What is special about a candidate's story.
#[derive(Debug, Default, Clone)]
pub(super) struct Plan {
    pub budget: usize,
    /// When their story starts.
    pub start: i64,
    /// Their last message is inbound and unanswered, sent at this time.
    pub waiting_at: Option<i64>,
    /// Their last message asks to be removed, in this language (index into OPT_OUT).
    pub opt_out_lang: Option<usize>,
    pub two_address: bool,
    /// Asked on the phone not to be contacted again, at this time.
    pub phone_opt_out_at: Option<i64>,
    pub near_miss: bool,
    /// Writes an application whose subject contains terminal escape sequences.
    pub escape: bool,
    /// Our first outreach went to a dead address and bounced.
    pub bounce: bool,
    /// The first conversation is an application rather than our outreach.
    pub inbound_first: bool,
}

/// What happened, for consistent preferences.
#[derive(Debug, Default)]
pub(super) struct Story {
    pub not_now: bool,
    pub near_miss: bool,
    pub placed: bool,
    pub replied: bool,
}

pub(super) struct SimResult {
    pub produced: usize,
    pub contacts: Vec<ContactEntry>,
    pub opt_out: Option<DemoOptOut>,
    pub story: Story,
    pub first_t: Option<i64>,
    pub roles: Vec<usize>,
}

pub(super) struct Sim<'a> {
    g: &'a mut Gen,
    c: &'a Cand,
    plan: &'a Plan,
    rng: Rng,
    /// Randomness for realistic sizes only, apart so the compact demo never changes.
    sizes: Rng,
    cutoff: i64,
    budget: usize,
    produced: usize,
    contacts: Vec<ContactEntry>,
    addr: usize,
    switched: bool,
    to_override: Option<String>,
    story: Story,
    last: Option<Thread>,
    threads: usize,
    roles: Vec<usize>,
    first_t: Option<i64>,
}

impl<'a> Sim<'a> {
    pub(super) fn new(
        g: &'a mut Gen,
        c: &'a Cand,
        plan: &'a Plan,
        rng: Rng,
        sizes: Rng,
    ) -> Sim<'a> {
        Sim {
            sizes,
            cutoff: g.anchor - 2 * MINUTE,
            g,
            c,
            plan,
            rng,
            budget: plan.budget,
            produced: 0,
            contacts: Vec::new(),
            addr: 0,
            switched: false,
            to_override: None,
            story: Story::default(),
            last: None,
            threads: 0,
            roles: Vec::new(),
            first_t: None,
        }
    }

    pub(super) fn run(mut self) -> SimResult {
        let anchor = self.g.anchor;
        let period = self.g.start;
        let mut reserve = 0;
        if let Some(tf) = self.plan.waiting_at {
            let opt = self.plan.opt_out_lang.is_some();
            self.cutoff = tf - if opt { 8 * DAY } else { 6 * HOUR };
            reserve = if opt { 2 } else { 1 };
        }
        if let Some(pc) = self.plan.phone_opt_out_at {
            self.cutoff = self.cutoff.min(pc - 2 * DAY);
        }
        self.budget = self.plan.budget.saturating_sub(reserve);

        let earliest = period + 3 * DAY;
        let mut t = self
            .plan
            .start
            .min(self.cutoff - 2 * DAY)
            .max(earliest)
            .min(anchor - DAY);
        let mut kind = if self.plan.inbound_first || self.plan.escape {
            K::Application
        } else {
            K::Outreach
        };
        if self.plan.bounce && kind == K::Outreach {
            t = self.bounce(t);
        }
        while self.budget > 0 {
            let t0 = if kind.inbound() {
                self.cand_adjust(t)
            } else {
                self.business_moment(t)
            };
            if t0 >= self.cutoff - HOUR {
                break;
            }
            let mut th = self.new_thread(kind, t0);
            let natural = self.play(&mut th, kind, t0);
            self.trim(&mut th);
            self.commit(&mut th);
            let end = th.last().map(|s| s.kind);
            let end_t = th.pending.last().map_or(t0, |p| p.t);
            self.threads += 1;
            self.last = Some(th);
            if !natural {
                break;
            }
            let gap = match end {
                Some(K::Congrats | K::Accept | K::OptOut) | None => break,
                Some(K::AckNotNow) => self.rng.range(75, 120),
                Some(K::AckDecline) => self.rng.range(50, 110),
                Some(K::StayInTouch | K::FeedbackBad | K::Disappointed) => self.rng.range(20, 60),
                Some(K::AckNearMiss) => self.rng.range(30, 80),
                _ => self.rng.range(25, 70),
            };
            // Leave room for the rest of the story: shorter gaps when much is left to tell.
            let threads_left = (self.budget as i64 + 7) / 8 + 1;
            let room = (self.cutoff - end_t) / threads_left;
            let gap = (gap * DAY).min(room.max(10 * DAY));
            t = end_t + gap + self.rng.range(0, DAY);
            kind = if self.story.replied && self.rng.chance(0.3) && end != Some(K::AckNotNow) {
                K::Return
            } else {
                K::CheckIn
            };
        }
        if let Some(tf) = self.plan.waiting_at {
            self.finish_waiting(tf);
        } else if self.produced == 0 {
            // Everyone in the demo has at least one message: a last-minute outreach.
            let t0 = self.business_moment(self.cutoff - 5 * DAY);
            let t0 = t0.min(self.cutoff - HOUR);
            let mut th = self.new_thread(K::Outreach, t0);
            self.emit(&mut th, K::Outreach, t0);
            self.commit(&mut th);
            self.last = Some(th);
        }
        let mut opt_out = None;
        if let Some(pc) = self.plan.phone_opt_out_at {
            let rec = self.last.as_ref().map_or(self.c.owner, |th| th.rec);
            let role = &ROLES[self.roles.last().copied().unwrap_or(self.c.role)];
            let by = RECRUITERS[rec].name.to_string();
            self.contacts.push(ContactEntry {
                channel: Channel::Phone,
                direction: Direction::Outbound,
                outcome: Outcome::Talked,
                at: pc,
                note: format!(
                    "Called about the {} role at {}. Asked on the phone not to be contacted again - not looking, and would rather we deleted their details.",
                    role.title, role.company
                ),
                recorded_by: by.clone(),
            });
            opt_out = Some(DemoOptOut {
                at: pc + self.rng.range(5 * MINUTE, 40 * MINUTE),
                reason: "asked on the phone not to be contacted again".to_string(),
                recorded_by: by,
            });
        }
        let limit = anchor - MINUTE;
        self.contacts
            .retain(|e| e.at < limit && e.at > anchor - 189 * DAY);
        self.contacts.sort_by_key(|e| e.at);
        SimResult {
            produced: self.produced,
            contacts: self.contacts,
            opt_out,
            story: self.story,
            first_t: self.first_t,
            roles: self.roles,
        }
    }
}
