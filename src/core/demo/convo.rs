//! One candidate's story: threads of outreach, replies, calls and interviews, simulated
//! forward in time with the team's response speeds, then written out as raw messages.

use super::clock::{self, DAY, HOUR, MINUTE, TEAM_TZ};
use super::corpus::{self, ROLES, fill};
use super::mime::{self, Attachment, Cte, WordEnc};
use super::names::{self, Identity};
use super::render::{self, Decor, Envelope, Quote, QuoteKind, Style};
use super::rng::Rng;
use super::{DOMAIN, DemoOptOut, Gen, RECRUITERS, SHARED_ADDRESS, SHARED_NAME, Speed};
use crate::core::model::{Channel, ContactEntry, Direction, Outcome};

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
    pub id: Identity,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    Outreach,
    CheckIn,
    FollowUp,
    AutoReply,
    Interested,
    AskQuestions,
    AnswerQuestions,
    ProposeTimes,
    ConfirmCall,
    AfterCall,
    SendCv,
    ThanksCv,
    InterviewInvite,
    PickSlot,
    ConfirmInterview,
    Debrief,
    FeedbackGood,
    FeedbackBad,
    Offer,
    OfferQuestion,
    OfferAnswer,
    Accept,
    Congrats,
    Disappointed,
    StayInTouch,
    NotNow,
    AckNotNow,
    Decline,
    AckDecline,
    NearMiss,
    AckNearMiss,
    Referral,
    AckReferral,
    OptOut,
    Application,
    AckApplication,
    AnswerApplication,
    ProposeCall,
    AcceptCallTime,
    CallBooked,
    Return,
    Nudge,
    NudgeLate,
}

impl K {
    fn inbound(self) -> bool {
        use K::*;
        matches!(
            self,
            AutoReply
                | Interested
                | AskQuestions
                | ProposeTimes
                | SendCv
                | PickSlot
                | Debrief
                | OfferQuestion
                | Accept
                | Disappointed
                | NotNow
                | Decline
                | NearMiss
                | Referral
                | OptOut
                | Application
                | AnswerApplication
                | AcceptCallTime
                | Return
                | Nudge
                | NudgeLate
        )
    }
    fn starts_thread(self) -> bool {
        matches!(self, K::Outreach | K::CheckIn | K::Application | K::Return)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Forced {
    Free,
    /// The two-address candidate's first thread: an engaged conversation.
    Engaged,
    NearMiss,
    /// Never replies (opt-out candidates before their request).
    Quiet,
}

/// A written message, remembered for replies and quotes.
#[derive(Clone)]
struct Snap {
    kind: K,
    t: i64,
    inbound: bool,
    id: String,
    text: String,
    from_name: String,
    from_addr: String,
    from_header: String,
    subject: String,
}

struct Pending {
    t: i64,
    automated: bool,
    bytes: Vec<u8>,
    snap: Snap,
}

struct Thread {
    base: String,
    role: usize,
    rec: usize,
    own_addr: bool,
    forced: Forced,
    pending: Vec<Pending>,
    committed: usize,
    slots: Vec<i64>,
    chosen: i64,
    meeting: bool,
    cv_sent: bool,
    rounds: u32,
    followed_up: bool,
    auto_return: i64,
    month: String,
}

impl Thread {
    /// The last message that is not automated: what a reply answers.
    fn last(&self) -> Option<&Snap> {
        self.pending
            .iter()
            .rev()
            .find(|p| !p.automated)
            .map(|p| &p.snap)
    }
    fn chain(&self) -> Vec<String> {
        self.pending
            .iter()
            .filter(|p| !p.automated)
            .map(|p| p.snap.id.clone())
            .collect()
    }
    fn inbound_replies(&self) -> usize {
        self.pending
            .iter()
            .filter(|p| p.snap.inbound && !p.automated)
            .count()
    }
}

pub(super) struct Sim<'a> {
    g: &'a mut Gen,
    c: &'a Cand,
    plan: &'a Plan,
    rng: Rng,
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

fn our_display(rec: usize) -> String {
    format!("{} ({SHARED_NAME})", RECRUITERS[rec].name)
}

fn rec_addr(rec: usize) -> String {
    format!("{}@{DOMAIN}", RECRUITERS[rec].local)
}

fn strip_controls(s: &str) -> String {
    // Drop escape sequences the way a careful client would echo the subject back.
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    while let Some(&n) = chars.peek() {
                        chars.next();
                        if n.is_ascii_alphabetic() {
                            break;
                        }
                    }
                }
                Some(']') => {
                    for n in chars.by_ref() {
                        if n == '\x07' {
                            break;
                        }
                    }
                }
                _ => {}
            }
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl<'a> Sim<'a> {
    pub(super) fn new(g: &'a mut Gen, c: &'a Cand, plan: &'a Plan, rng: Rng) -> Sim<'a> {
        Sim {
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

    // -----------------------------------------------------------------------------------
    // Time.

    /// A working-hours moment on the day of `t` (or the next working day).
    fn business_moment(&mut self, t: i64) -> i64 {
        let l = TEAM_TZ.local(t);
        let mut d = l.days;
        while clock::weekday(d) >= 5 {
            d += 1;
        }
        let secs = self
            .rng
            .range(9 * HOUR + 5 * MINUTE, 17 * HOUR + 40 * MINUTE);
        let mut at = TEAM_TZ.instant(d, secs);
        if at < t {
            at = TEAM_TZ.instant(clock::working_day_after(d, 1), secs);
        }
        at
    }

    /// Moves a candidate's send time out of the night and, often, off the weekend.
    fn cand_adjust(&mut self, t: i64) -> i64 {
        let tz = self.c.id.tz;
        let l = tz.local(t);
        let mut days = l.days;
        let mut secs = l.secs;
        if secs < 7 * HOUR {
            secs = self.rng.range(7 * HOUR, 9 * HOUR + 30 * MINUTE);
        } else if secs >= 23 * HOUR {
            days += 1;
            secs = self.rng.range(7 * HOUR + 30 * MINUTE, 10 * HOUR);
        }
        let wd = clock::weekday(days);
        if wd >= 5 && self.rng.chance(0.6) {
            days += 7 - wd;
            secs = self
                .rng
                .range(7 * HOUR + 30 * MINUTE, 10 * HOUR + 30 * MINUTE);
        }
        tz.instant(days, secs).max(t) + self.rng.range(0, 60)
    }

    fn cand_delay(&mut self, from: i64) -> i64 {
        let d = match self.rng.weighted(&[35, 40, 20, 5]) {
            0 => self.rng.range(20 * MINUTE, 4 * HOUR),
            1 => self.rng.range(4 * HOUR, 30 * HOUR),
            2 => self.rng.range(30 * HOUR, 5 * DAY),
            _ => self.rng.range(5 * DAY, 12 * DAY),
        };
        self.cand_adjust(from + d)
    }

    fn cand_quick(&mut self, from: i64) -> i64 {
        let d = self.rng.range(15 * MINUTE, 6 * HOUR);
        let t = from + d;
        let l = self.c.id.tz.local(t);
        if l.secs < 7 * HOUR || l.secs >= 23 * HOUR {
            self.cand_adjust(t)
        } else {
            t
        }
    }

    /// When the recruiter answers an inbound message received at `from`.
    fn rec_reply(&mut self, from: i64, rec: usize) -> i64 {
        let l = TEAM_TZ.local(from);
        let friday_evening = l.weekday == 4 && l.secs >= clock::CLOSE;
        if (l.weekend() || friday_evening) && self.rng.chance(0.06) {
            // The odd weekend reply from the phone.
            let mut d = l.days;
            if !l.weekend() {
                d += 1;
            }
            let at = TEAM_TZ.instant(d, self.rng.range(10 * HOUR, 13 * HOUR));
            return at.max(from + self.rng.range(20 * MINUTE, 3 * HOUR));
        }
        let mins = match RECRUITERS[rec].speed {
            Speed::Fast => {
                if self.rng.chance(0.85) {
                    self.rng.range(12, 180)
                } else {
                    self.rng.range(180, 360)
                }
            }
            Speed::Steady => self.rng.range(120, 540),
            Speed::Slow => self.rng.range(540, 1080),
            Speed::Variable => {
                if self.rng.chance(0.75) {
                    self.rng.range(45, 300)
                } else {
                    self.rng.range(600, 1500)
                }
            }
        };
        clock::add_business(from, mins * MINUTE) + self.rng.range(0, 60)
    }

    fn business_days_later(&mut self, t: i64, lo: i64, hi: i64) -> i64 {
        let d = TEAM_TZ.local(t).days;
        let day = clock::working_day_after(d, self.rng.range(lo, hi));
        TEAM_TZ.instant(
            day,
            self.rng
                .range(9 * HOUR + 10 * MINUTE, 17 * HOUR + 30 * MINUTE),
        )
    }

    /// Three proposed times on working days 3-8 days after `t`, in order.
    fn make_slots(&mut self, t: i64) -> Vec<i64> {
        const TIMES: [i64; 7] = [570, 600, 660, 810, 840, 900, 990];
        let d = TEAM_TZ.local(t).days;
        let mut offsets = [3, 4, 5, 6, 7, 8];
        self.rng.shuffle(&mut offsets);
        let mut picked = offsets[..3].to_vec();
        picked.sort_unstable();
        picked
            .into_iter()
            .map(|n| {
                let day = clock::working_day_after(d, n);
                TEAM_TZ.instant(day, *self.rng.pick(&TIMES) * MINUTE)
            })
            .collect()
    }

    fn timing(&mut self, th: &Thread, prev: K, t: i64, next: K) -> i64 {
        use K::*;
        let at = match next {
            AutoReply => t + self.rng.range(40, 400),
            PickSlot | AcceptCallTime => self.cand_quick(t),
            Debrief => {
                let base = th.chosen.max(t) + self.rng.range(HOUR, 5 * HOUR);
                self.cand_adjust(base)
            }
            _ if next.inbound() => {
                let base = if prev == AutoReply { th.auto_return } else { t };
                self.cand_delay(base)
            }
            FollowUp => self.business_days_later(t, 4, 8),
            AfterCall => th.chosen.max(t) + self.rng.range(25 * MINUTE, 100 * MINUTE),
            InterviewInvite if !prev.inbound() => {
                let secs = self.rng.range(2 * 9 * HOUR, 6 * 9 * HOUR);
                clock::add_business(t, secs)
            }
            FeedbackGood | FeedbackBad => {
                if prev == ConfirmInterview {
                    let secs = self.rng.range(3 * HOUR, 25 * HOUR);
                    clock::add_business(th.chosen.max(t), secs)
                } else if prev.inbound() {
                    let secs = self.rng.range(4 * HOUR, 20 * HOUR);
                    clock::add_business(t, secs)
                } else {
                    let secs = self.rng.range(2 * 9 * HOUR, 7 * 9 * HOUR);
                    clock::add_business(t, secs)
                }
            }
            Offer => {
                let secs = self.rng.range(9 * HOUR, 36 * HOUR);
                clock::add_business(t, secs)
            }
            _ => self.rec_reply(t, th.rec),
        };
        at.max(t + MINUTE)
    }

    // -----------------------------------------------------------------------------------
    // Story.

    fn transition(&mut self, th: &Thread, k: K) -> Option<K> {
        use K::*;
        let quiet = th.forced == Forced::Quiet;
        // With plenty of story left to tell, conversations tend to keep going.
        let eager = self.budget >= 6;
        let r = &mut self.rng;
        let next = match k {
            Outreach | CheckIn => match th.forced {
                Forced::NearMiss => NearMiss,
                Forced::Engaged => Interested,
                Forced::Quiet => {
                    if r.chance(0.4) {
                        FollowUp
                    } else {
                        return None;
                    }
                }
                Forced::Free => match r.weighted(if eager {
                    &[6, 10, 7, 48, 15, 5, 5, 4]
                } else {
                    &[22, 12, 7, 30, 9, 7, 8, 3]
                }) {
                    0 => return None,
                    1 => FollowUp,
                    2 => AutoReply,
                    3 => Interested,
                    4 => AskQuestions,
                    5 => NotNow,
                    6 => Decline,
                    _ => Referral,
                },
            },
            FollowUp => {
                if quiet {
                    return None;
                }
                match r.weighted(if eager {
                    &[20, 55, 10, 15]
                } else {
                    &[45, 30, 10, 15]
                }) {
                    0 => return None,
                    1 => Interested,
                    2 => NotNow,
                    _ => Decline,
                }
            }
            AutoReply => match r.weighted(if eager { &[65, 30, 5] } else { &[50, 30, 20] }) {
                0 => Interested,
                1 if !th.followed_up => FollowUp,
                1 => Interested,
                _ => return None,
            },
            Interested | AskQuestions => AnswerQuestions,
            AnswerQuestions => {
                if th.forced == Forced::Engaged {
                    ProposeTimes
                } else {
                    match r.weighted(if eager { &[90, 5, 5] } else { &[70, 15, 15] }) {
                        0 => ProposeTimes,
                        1 => Decline,
                        _ => return None,
                    }
                }
            }
            ProposeTimes => ConfirmCall,
            ConfirmCall => AfterCall,
            AfterCall => {
                if th.cv_sent {
                    if r.chance(0.75) {
                        InterviewInvite
                    } else {
                        FeedbackBad
                    }
                } else if eager || r.chance(0.85) || th.forced == Forced::Engaged {
                    SendCv
                } else {
                    return None;
                }
            }
            SendCv => ThanksCv,
            ThanksCv => match r.weighted(if eager { &[80, 15, 5] } else { &[65, 25, 10] }) {
                0 => InterviewInvite,
                1 => FeedbackBad,
                _ => return None,
            },
            InterviewInvite => PickSlot,
            PickSlot => ConfirmInterview,
            ConfirmInterview => match r.weighted(&[60, 25, 15]) {
                0 => Debrief,
                1 => FeedbackGood,
                _ => FeedbackBad,
            },
            Debrief => {
                if r.chance(0.65) {
                    FeedbackGood
                } else {
                    FeedbackBad
                }
            }
            FeedbackGood => {
                if eager && th.rounds < 3 {
                    match r.weighted(&[70, 25, 5]) {
                        0 => InterviewInvite,
                        1 => Offer,
                        _ => return None,
                    }
                } else if th.rounds >= 2 {
                    if r.chance(0.8) { Offer } else { return None }
                } else {
                    match r.weighted(&[55, 25, 20]) {
                        0 => InterviewInvite,
                        1 => Offer,
                        _ => return None,
                    }
                }
            }
            Offer => {
                if r.chance(0.55) {
                    OfferQuestion
                } else {
                    Accept
                }
            }
            OfferQuestion => OfferAnswer,
            OfferAnswer => Accept,
            Accept => Congrats,
            FeedbackBad if r.chance(if eager { 0.85 } else { 0.6 }) => Disappointed,
            FeedbackBad => return None,
            Disappointed => StayInTouch,
            NotNow => AckNotNow,
            Decline => AckDecline,
            NearMiss => AckNearMiss,
            Referral => AckReferral,
            Application => AckApplication,
            AckApplication => AnswerApplication,
            AnswerApplication | Return => ProposeCall,
            ProposeCall => AcceptCallTime,
            AcceptCallTime => CallBooked,
            CallBooked => AfterCall,
            Nudge | NudgeLate => return None,
            _ => return None,
        };
        Some(next)
    }

    fn play(&mut self, th: &mut Thread, mut k: K, mut t: i64) -> bool {
        loop {
            self.emit(th, k, t);
            let Some(next) = self.transition(th, k) else {
                return true;
            };
            if self.budget == 0 {
                return false;
            }
            let tn = self.timing(th, k, t, next);
            if tn >= self.cutoff {
                return false;
            }
            k = next;
            t = tn;
        }
    }

    /// A cut-off conversation never ends on an unanswered candidate message: that is
    /// reserved for the candidates who are meant to be waiting.
    fn trim(&mut self, th: &mut Thread) {
        while th.pending.len() > th.committed {
            let p = th.pending.last().expect("non-empty");
            if p.snap.inbound && !p.automated {
                th.pending.pop();
                self.produced -= 1;
                self.budget += 1;
            } else {
                break;
            }
        }
    }

    fn commit(&mut self, th: &mut Thread) {
        for p in &mut th.pending[th.committed..] {
            let bytes = std::mem::take(&mut p.bytes);
            self.g.push(p.t, p.snap.inbound, bytes);
            self.first_t = Some(self.first_t.map_or(p.t, |f| f.min(p.t)));
        }
        th.committed = th.pending.len();
    }

    fn new_thread(&mut self, kind: K, _t0: i64) -> Thread {
        let role = if self.threads == 0 {
            self.c.role
        } else {
            let prev = self.roles.last().copied().unwrap_or(self.c.role);
            let tags = ROLES[self.c.role].tags;
            let related: Vec<usize> = (0..ROLES.len())
                .filter(|&i| i != prev && ROLES[i].tags.iter().any(|t| tags.contains(t)))
                .collect();
            if kind == K::Return || related.is_empty() {
                if kind == K::Return {
                    prev
                } else {
                    self.rng.index(ROLES.len())
                }
            } else {
                *self.rng.pick(&related)
            }
        };
        let rec = if self.rng.chance(0.88) {
            self.c.owner
        } else {
            self.rng.index(RECRUITERS.len())
        };
        let forced = if self.plan.opt_out_lang.is_some() {
            Forced::Quiet
        } else if self.threads == 0 && self.plan.two_address {
            Forced::Engaged
        } else if self.threads == 0 && self.plan.near_miss {
            Forced::NearMiss
        } else {
            Forced::Free
        };
        let r = &ROLES[role];
        let prev = &ROLES[self.roles.last().copied().unwrap_or(role)];
        let a_role = corpus::with_article(r.title);
        let vars = [
            ("role", r.title),
            ("a_role", &a_role),
            ("company", r.company),
            ("location", r.location),
            ("remote_short", r.remote_short),
            ("prevrole", prev.title),
        ];
        let base = match kind {
            K::Outreach => fill(self.rng.pick_str(corpus::OUTREACH_SUBJECTS), &vars),
            K::CheckIn => fill(self.rng.pick_str(corpus::CHECKIN_SUBJECTS), &vars),
            K::Return => fill(self.rng.pick_str(corpus::RETURN_SUBJECTS), &vars),
            _ if self.plan.escape && self.threads == 0 => format!(
                "Application \x1b[31mURGENT\x1b[0m: {} \x1b]0;pwned\x07",
                r.title
            ),
            _ if self.c.id.lang == "de" && self.rng.chance(0.5) => {
                fill(self.rng.pick_str(corpus::APPLICATION_SUBJECTS_DE), &vars)
            }
            _ => fill(self.rng.pick_str(corpus::APPLICATION_SUBJECTS), &vars),
        };
        self.roles.push(role);
        Thread {
            base,
            role,
            rec,
            own_addr: self.rng.chance(0.04),
            forced,
            pending: Vec::new(),
            committed: 0,
            slots: Vec::new(),
            chosen: 0,
            meeting: false,
            cv_sent: false,
            rounds: 0,
            followed_up: false,
            auto_return: 0,
            month: String::new(),
        }
    }

    fn finish_waiting(&mut self, tf: i64) {
        let last = self.last.take();
        let usable = |th: &Thread, max_age: i64| {
            th.last()
                .is_some_and(|s| !s.inbound && tf - s.t < max_age && s.t < tf - HOUR)
        };
        if let Some(lang) = self.plan.opt_out_lang {
            let _ = lang;
            let mut th = match last {
                Some(th) if usable(&th, 45 * DAY) => th,
                _ => {
                    let back = self.rng.range(2 * DAY, 6 * DAY);
                    let mut t0 = self.business_moment(tf - back);
                    if t0 >= tf - HOUR {
                        t0 = tf - self.rng.range(20 * HOUR, 30 * HOUR);
                    }
                    let mut th = self.new_thread(K::Outreach, t0);
                    self.emit(&mut th, K::Outreach, t0);
                    th
                }
            };
            self.emit(&mut th, K::OptOut, tf);
            self.commit(&mut th);
            self.last = Some(th);
            return;
        }
        use K::*;
        match last {
            Some(mut th) if usable(&th, 30 * DAY) => {
                let s = th.last().expect("usable").clone();
                let k = match s.kind {
                    Outreach | CheckIn | FollowUp => {
                        if self.rng.chance(0.7) {
                            Interested
                        } else {
                            AskQuestions
                        }
                    }
                    AnswerQuestions => ProposeTimes,
                    ProposeCall => {
                        if th.slots.first().is_some_and(|&s| s > tf + HOUR) {
                            AcceptCallTime
                        } else {
                            NudgeLate
                        }
                    }
                    InterviewInvite => {
                        if th.slots.first().is_some_and(|&s| s > tf + HOUR) {
                            PickSlot
                        } else {
                            NudgeLate
                        }
                    }
                    AfterCall if !th.cv_sent => SendCv,
                    ConfirmCall if th.chosen < tf && !th.cv_sent => SendCv,
                    ConfirmInterview if th.chosen < tf => Debrief,
                    Offer => OfferQuestion,
                    OfferAnswer => Accept,
                    AckApplication => AnswerApplication,
                    AckNotNow | AckDecline | AckNearMiss | AckReferral | StayInTouch | Congrats
                    | FeedbackBad => {
                        self.last = Some(th);
                        return self.fresh_waiting(tf);
                    }
                    _ => Nudge,
                };
                self.emit(&mut th, k, tf);
                self.commit(&mut th);
                self.last = Some(th);
            }
            other => {
                self.last = other;
                self.fresh_waiting(tf);
            }
        }
    }

    fn fresh_waiting(&mut self, tf: i64) {
        let k = if self.threads > 0 {
            K::Return
        } else {
            K::Application
        };
        let mut th = self.new_thread(k, tf);
        self.threads += 1;
        self.emit(&mut th, k, tf);
        self.commit(&mut th);
        self.last = Some(th);
    }

    fn bounce(&mut self, t: i64) -> i64 {
        let t0 = self.business_moment(t);
        let local = names::local_part(&self.c.id, &mut self.rng).replace("+jobs", "");
        let dead = format!("{local}@kappa-consulting.example");
        self.to_override = Some(dead.clone());
        let mut th = self.new_thread(K::Outreach, t0);
        th.forced = Forced::Quiet;
        self.emit(&mut th, K::Outreach, t0);
        self.commit(&mut th);
        self.to_override = None;
        self.roles.pop();
        let original = th.pending[0].snap.clone();
        let tb = t0 + self.rng.range(20, 200);
        let bytes = self.bounce_message(tb, &dead, &original);
        self.g.push(tb, true, bytes);
        self.produced += 1;
        self.budget = self.budget.saturating_sub(1);
        t0 + self.rng.range(DAY, 4 * DAY)
    }

    fn bounce_message(&mut self, t: i64, dead: &str, original: &Snap) -> Vec<u8> {
        let queue = self.rng.hex(10).to_uppercase();
        let date = clock::rfc5322(t, TEAM_TZ);
        let boundary = format!("{queue}.{}/mx1.{DOMAIN}", t);
        let orig_date = clock::rfc5322(original.t, TEAM_TZ);
        let mut out = String::with_capacity(2048);
        out.push_str(&format!(
            "Return-Path: <>\r\nDate: {date}\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx1.{DOMAIN}>\r\nTo: {SHARED_ADDRESS}\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{t}.{queue}.bounce@mx1.{DOMAIN}>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"{boundary}\"\r\n\r\nThis is a MIME-encapsulated message.\r\n\r\n"
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system at host mx1.{DOMAIN}.\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients. It's attached below.\r\n\r\nFor further assistance, please send mail to postmaster.\r\n\r\n                   The mail system\r\n\r\n<{dead}>: host mx.kappa-consulting.example[198.51.100.23] said: 550\r\n    5.1.1 <{dead}>: Recipient address rejected: User unknown in virtual\r\n    mailbox table (in reply to RCPT TO command)\r\n\r\n"
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx1.{DOMAIN}\r\nX-Postfix-Queue-ID: {queue}\r\nArrival-Date: {orig_date}\r\n\r\nFinal-Recipient: rfc822; {dead}\r\nOriginal-Recipient: rfc822;{dead}\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.kappa-consulting.example\r\nDiagnostic-Code: smtp; 550 5.1.1 <{dead}>: Recipient address rejected: User\r\n    unknown in virtual mailbox table\r\n\r\n"
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\nDate: {orig_date}\r\nFrom: {}\r\nTo: {dead}\r\nSubject: {}\r\nMessage-ID: {}\r\n\r\n--{boundary}--\r\n",
            original.from_header,
            mime::unstructured(&original.subject, WordEnc::Utf8B),
            original.id
        ));
        out.into_bytes()
    }

    // -----------------------------------------------------------------------------------
    // Writing messages.

    fn our_message_id(&mut self) -> String {
        self.g.ours += 1;
        format!("<demo.{}.{}@{DOMAIN}>", self.g.ours, self.rng.hex(4))
    }

    fn cand_message_id(&mut self, domain: &str) -> String {
        self.g.theirs += 1;
        let n = self.g.theirs;
        let r = &mut self.rng;
        match self.c.client {
            Client::Gmail => {
                let host = if domain == "gmail.example" {
                    "mail.gmail.example"
                } else {
                    domain
                };
                format!("<CA{}{n:x}+{}@{host}>", r.alnum(12), r.alnum(18))
            }
            Client::Outlook => format!("<{}{n}.{}@{domain}>", r.alnum(20).to_uppercase(), r.hex(8)),
            Client::Apple => format!(
                "<{}-{}-{}-{:012X}@{domain}>",
                r.hex(8).to_uppercase(),
                r.hex(4).to_uppercase(),
                r.hex(4).to_uppercase(),
                n
            ),
            Client::Thunderbird => format!("<{}-{}-{n:08x}@{domain}>", r.hex(8), r.hex(4)),
            Client::Proton => format!("<{}{n}@{domain}>", r.alnum(32)),
            Client::Webmail => format!("<trinity-{}-{}-{n}@{domain}>", r.hex(8), r.hex(4)),
        }
    }

    fn slot(&self, th: &Thread, i: usize) -> String {
        th.slots
            .get(i)
            .map(|&t| clock::slot_text(t))
            .unwrap_or_default()
    }

    fn month_word(&self, t: i64, spring: &mut bool) -> String {
        let m = self.c.id.tz.local(t).month;
        *spring = !(3..=8).contains(&m);
        let target = match m {
            9..=12 => 3,
            1 | 2 => 4,
            3..=6 => 9,
            _ => 10,
        };
        clock::month_long(target).to_string()
    }

    fn return_date(&self, t: i64) -> String {
        let l = self.c.id.tz.local(t);
        match self.c.id.lang {
            "de" => format!("{:02}.{:02}.{}", l.day, l.month, l.year),
            "fr" => format!("{:02}/{:02}/{}", l.day, l.month, l.year),
            _ => format!("{} {} {}", l.weekday_long(), l.day, l.month_long()),
        }
    }

    fn attribution(&self, kind: QuoteKind, parent: &Snap, ours: bool, subject: &str) -> String {
        let tz = if ours { TEAM_TZ } else { self.c.id.tz };
        let l = tz.local(parent.t);
        let (name, addr) = (&parent.from_name, &parent.from_addr);
        if ours {
            return format!(
                "On {}, {} {} {} at {}, {name} <{addr}> wrote:",
                l.weekday_short(),
                l.day,
                l.month_short(),
                l.year,
                l.hhmm()
            );
        }
        match (self.c.client, kind) {
            (_, QuoteKind::Outlook) => format!(
                "From: {name} <{addr}>\nSent: {}, {} {} {} {}\nTo: {}\nSubject: {subject}",
                l.weekday_long(),
                l.day,
                l.month_long(),
                l.year,
                l.hhmm(),
                self.c.id.full
            ),
            (Client::Apple, _) => format!(
                "On {} {} {}, at {}, {name} <{addr}> wrote:",
                l.day,
                l.month_short(),
                l.year,
                l.hhmm()
            ),
            (Client::Thunderbird, _) => format!(
                "On {:02}/{:02}/{} {}, {name} wrote:",
                l.day,
                l.month,
                l.year,
                l.hhmm()
            ),
            (Client::Proton, _) => format!(
                "On {}, {} {}, {} at {}, {name} <{addr}> wrote:",
                l.weekday_long(),
                l.month_long(),
                l.day,
                l.year,
                l.hhmm()
            ),
            (Client::Webmail, _) if self.c.id.lang == "fr" => format!(
                "Le {:02}/{:02}/{} à {}, {name} a écrit :",
                l.day,
                l.month,
                l.year,
                l.hhmm()
            ),
            (Client::Webmail, _) => format!(
                "Am {:02}.{:02}.{} um {} schrieb {name} <{addr}>:",
                l.day,
                l.month,
                l.year,
                l.hhmm()
            ),
            _ => format!(
                "On {}, {} {} {} at {}, {name} <{addr}> wrote:",
                l.weekday_short(),
                l.day,
                l.month_short(),
                l.year,
                l.hhmm()
            ),
        }
    }

    fn contact(
        &mut self,
        th: &Thread,
        channel: Channel,
        direction: Direction,
        outcome: Outcome,
        at: i64,
        note: String,
    ) {
        self.contacts.push(ContactEntry {
            channel,
            direction,
            outcome,
            at,
            note,
            recorded_by: RECRUITERS[th.rec].name.to_string(),
        });
    }

    /// Updates the thread for message `k` at `t`; returns a note to prepend when the
    /// candidate switches address, and whether "spring" fits the season.
    fn advance(&mut self, th: &mut Thread, k: K, t: i64) -> (&'static str, bool) {
        use K::*;
        let inbound = k.inbound();
        if inbound && k != AutoReply {
            self.story.replied = true;
        }
        match k {
            NotNow => self.story.not_now = true,
            NearMiss => self.story.near_miss = true,
            Accept => self.story.placed = true,
            _ => {}
        }
        match k {
            ProposeTimes | ProposeCall | InterviewInvite => th.slots = self.make_slots(t),
            ConfirmCall | PickSlot | AcceptCallTime => {
                let n = if k == AcceptCallTime {
                    2
                } else {
                    th.slots.len()
                };
                let n = n.min(th.slots.len());
                th.chosen = if n == 0 {
                    t + 2 * DAY
                } else {
                    th.slots[self.rng.index(n)]
                };
            }
            _ => {}
        }
        if matches!(k, ConfirmCall | ConfirmInterview) && th.chosen < t + 3 * HOUR {
            let day = clock::working_day_after(TEAM_TZ.local(t).days, self.rng.range(1, 3));
            th.chosen = TEAM_TZ.instant(day, self.rng.range(10, 16) * HOUR);
        }
        match k {
            InterviewInvite => th.rounds += 1,
            SendCv | Application => th.cv_sent = true,
            FollowUp => th.followed_up = true,
            AutoReply => th.auto_return = t + self.rng.range(3 * DAY, 12 * DAY),
            _ => {}
        }
        let mut spring = true;
        if k == NotNow {
            th.month = self.month_word(t, &mut spring);
        }
        let switch = inbound
            && k != AutoReply
            && self.plan.two_address
            && !self.switched
            && th.forced == Forced::Engaged
            && th.inbound_replies() >= 1
            && self.c.addrs.len() > 1;
        if !switch {
            return ("", spring);
        }
        self.switched = true;
        self.addr = 1;
        let note = if self.c.second_is_personal {
            "(Writing from my personal address - easier for me to keep track of things here.)\n\n"
        } else {
            "(Sending this from my work account, my phone is acting up.)\n\n"
        };
        (note, spring)
    }

    /// The template for `k`, and for auto-replies the subject prefix.
    fn template(&mut self, th: &mut Thread, k: K, spring: bool) -> (&'static str, &'static str) {
        use K::*;
        let c = self.c;
        let r = &mut self.rng;
        let t = match k {
            Outreach => r.pick_str(corpus::OUTREACH),
            CheckIn => r.pick_str(corpus::CHECKIN),
            FollowUp => r.pick_str(corpus::FOLLOW_UP),
            AutoReply => {
                let i = match c.id.lang {
                    "de" => 1,
                    "fr" => 2,
                    _ if r.chance(0.7) => 0,
                    _ => 3,
                };
                let (prefix, body) = corpus::AUTO_REPLY[i];
                return (body, prefix);
            }
            Interested => r.pick_str(corpus::INTERESTED),
            AskQuestions => r.pick_str(corpus::ASK_QUESTIONS),
            AnswerQuestions => r.pick_str(corpus::ANSWER_QUESTIONS),
            ProposeTimes => r.pick_str(corpus::PROPOSE_TIMES),
            ConfirmCall => {
                let i = r.index(corpus::CONFIRM_CALL.len());
                th.meeting = i == 1;
                corpus::CONFIRM_CALL[i]
            }
            AfterCall if th.cv_sent => r.pick_str(corpus::AFTER_CALL_HAVE_CV),
            AfterCall => r.pick_str(corpus::AFTER_CALL),
            SendCv => r.pick_str(corpus::SEND_CV),
            ThanksCv => r.pick_str(corpus::THANKS_CV),
            InterviewInvite if th.rounds > 2 => r.pick_str(corpus::INTERVIEW_INVITE_FINAL),
            InterviewInvite if th.rounds > 1 => r.pick_str(corpus::INTERVIEW_INVITE_NEXT),
            InterviewInvite => r.pick_str(corpus::INTERVIEW_INVITE),
            PickSlot => r.pick_str(corpus::PICK_SLOT),
            ConfirmInterview => r.pick_str(corpus::CONFIRM_INTERVIEW),
            Debrief => r.pick_str(corpus::DEBRIEF),
            FeedbackGood => r.pick_str(corpus::FEEDBACK_GOOD),
            FeedbackBad => r.pick_str(corpus::FEEDBACK_BAD),
            Offer => r.pick_str(corpus::OFFER),
            OfferQuestion => r.pick_str(corpus::OFFER_QUESTION),
            OfferAnswer => r.pick_str(corpus::OFFER_ANSWER),
            Accept => r.pick_str(corpus::ACCEPT),
            Congrats => r.pick_str(corpus::CONGRATS),
            Disappointed => r.pick_str(corpus::DISAPPOINTED),
            StayInTouch => r.pick_str(corpus::STAY_IN_TOUCH),
            NotNow if spring => r.pick_str(corpus::NOT_NOW_SPRING),
            NotNow => r.pick_str(corpus::NOT_NOW_LATER),
            AckNotNow => r.pick_str(corpus::ACK_NOT_NOW),
            Decline => r.pick_str(corpus::DECLINE),
            AckDecline => r.pick_str(corpus::ACK_DECLINE),
            NearMiss => r.pick_str(corpus::NEAR_MISS),
            AckNearMiss => r.pick_str(corpus::ACK_NEAR_MISS),
            Referral => r.pick_str(corpus::REFERRAL),
            AckReferral => r.pick_str(corpus::ACK_REFERRAL),
            OptOut => {
                let own = match c.id.lang {
                    "de" => 1,
                    "fr" => 2,
                    "es" => 3,
                    _ => 0,
                };
                corpus::OPT_OUT[self.plan.opt_out_lang.unwrap_or(own) % corpus::OPT_OUT.len()]
            }
            Application if c.id.lang == "de" && th.base.starts_with("Bewerbung") => {
                r.pick_str(corpus::APPLICATION_DE)
            }
            Application => r.pick_str(corpus::APPLICATION),
            AckApplication => r.pick_str(corpus::ACK_APPLICATION),
            AnswerApplication => r.pick_str(corpus::ANSWER_APPLICATION),
            ProposeCall if th.cv_sent => corpus::PROPOSE_CALL[0],
            ProposeCall => r.pick_str(corpus::PROPOSE_CALL),
            AcceptCallTime => r.pick_str(corpus::ACCEPT_CALL_TIME),
            CallBooked => r.pick_str(corpus::CALL_BOOKED),
            Return => r.pick_str(corpus::RETURN),
            Nudge => r.pick_str(corpus::NUDGE),
            NudgeLate => r.pick_str(corpus::NUDGE_LATE),
        };
        (t, "")
    }

    /// The message's own text: the filled template, plus the signature for the team.
    fn write_text(&mut self, th: &Thread, template: &str, note: &str, cand_domain: &str) -> String {
        let c = self.c;
        let rec = &RECRUITERS[th.rec];
        let role = &ROLES[th.role];
        let prev = &ROLES[self.roles.iter().rev().nth(1).copied().unwrap_or(th.role)];
        let present = corpus::keys(template);
        let need = |key: &str| present.contains(&key);
        // Values that cost something to compute (or consume randomness) only when used.
        let sign = need("sign").then(|| {
            if c.id.full.contains(c.id.greet.as_str()) {
                c.id.greet.clone()
            } else {
                format!("{} ({})", c.id.greet, c.id.full)
            }
        });
        let workright = need("workright").then(|| {
            if names::in_eu(c.id.tz) {
                self.rng.pick_str(corpus::WORK_RIGHT_EU).to_string()
            } else {
                let country = names::country(c.id.tz);
                fill(
                    self.rng.pick_str(corpus::WORK_RIGHT_OTHER),
                    &[("country", country)],
                )
            }
        });
        let friend = (need("friend") || need("friendmail")).then(|| {
            let mut fr = Rng::stream(self.rng.next_u64(), 0);
            let id = names::random_identity(&mut fr);
            let local = names::local_part(&id, &mut fr);
            (id.full, format!("{local}@gmail.example"))
        });
        let link = need("link")
            .then(|| format!("https://meet.{DOMAIN}/{}-{}", rec.local, self.rng.hex(6)));
        let source = need("source").then(|| self.rng.pick_str(corpus::SOURCES));
        let slots: Vec<String> = if present.iter().any(|k| k.starts_with("slot")) {
            (0..3).map(|i| self.slot(th, i)).collect()
        } else {
            Vec::new()
        };
        let chosen = need("chosen").then(|| clock::slot_text(th.chosen));
        let returndate = need("returndate").then(|| self.return_date(th.auto_return));
        let colleague = need("colleague").then(|| format!("office@{cand_domain}"));
        let a_role = need("a_role").then(|| corpus::with_article(role.title));
        let numbers = [
            role.team_size.to_string(),
            c.vacation.to_string(),
            c.years.to_string(),
        ];
        let mut text = String::with_capacity(template.len() + note.len() + 400);
        text.push_str(note);
        corpus::fill_into(&mut text, template, |key| {
            Some(match key {
                "greet" => c.id.greet.as_str(),
                "sign" => sign.as_deref()?,
                "full" => c.id.full.as_str(),
                "rfirst" => rec.first,
                "rname" => rec.name,
                "role" => role.title,
                "a_role" => a_role.as_deref()?,
                "company" => role.company,
                "location" => role.location,
                "remote" => role.remote,
                "remote_short" => role.remote_short,
                "salary" => role.salary,
                "stack" => role.stack,
                "stackfirst" => role.stack_first,
                "pitch" => role.pitch,
                "teamsize" => numbers[0].as_str(),
                "hm" => role.hm,
                "hmtitle" => role.hm_title,
                "expect" => role.expect[c.expect % role.expect.len()],
                "offer" => role.offer,
                "vacation" => numbers[1].as_str(),
                "notice" => c.notice,
                "years" => numbers[2].as_str(),
                "city" => c.city,
                "country" => names::country(c.id.tz),
                "phone" => c.phone.as_str(),
                "interest" => corpus::interest_phrase(c.interest),
                "link" => link.as_deref()?,
                "slot1" => slots.first()?.as_str(),
                "slot2" => slots.get(1)?.as_str(),
                "slot3" => slots.get(2)?.as_str(),
                "chosen" => chosen.as_deref()?,
                "month" => th.month.as_str(),
                "prevrole" => prev.title,
                "prevcompany" => prev.company,
                "source" => source?,
                "friend" => friend.as_ref()?.0.as_str(),
                "friendmail" => friend.as_ref()?.1.as_str(),
                "returndate" => returndate.as_deref()?,
                "colleague" => colleague.as_deref()?,
                "workright" => workright.as_deref()?,
                _ => return None,
            })
        });
        text
    }

    /// Calls, meetings and LinkedIn messages that go with message `k`.
    fn log_contacts(&mut self, th: &Thread, k: K, t: i64) {
        let c = self.c;
        let role = &ROLES[th.role];
        let expect = role.expect[c.expect % role.expect.len()];
        match k {
            K::Outreach if self.threads == 0 && self.rng.chance(0.15) => {
                let at = t - self.rng.range(DAY, 3 * DAY);
                let note = format!(
                    "Connected on LinkedIn and mentioned the {} role at {}; said I'd follow up by email.",
                    role.title, role.company
                );
                self.contact(
                    th,
                    Channel::Linkedin,
                    Direction::Outbound,
                    Outcome::Delivered,
                    at,
                    note,
                );
            }
            K::FollowUp if self.rng.chance(0.3) => {
                let secs = self.rng.range(HOUR, 2 * 9 * HOUR);
                let at = clock::add_business(t, secs);
                let (outcome, note) = if self.rng.chance(0.5) {
                    (
                        Outcome::Voicemail,
                        format!("Tried calling about {} - left a voicemail.", role.company),
                    )
                } else {
                    (
                        Outcome::NoAnswer,
                        "Called, no answer. Will try email once more.".to_string(),
                    )
                };
                self.contact(th, Channel::Phone, Direction::Outbound, outcome, at, note);
            }
            K::AfterCall => {
                let channel = if th.meeting {
                    Channel::Meeting
                } else {
                    Channel::Phone
                };
                let mut at = th.chosen;
                if channel == Channel::Phone && self.rng.chance(0.15) {
                    let note = "No answer at the agreed time; tried again ten minutes later.";
                    self.contact(
                        th,
                        channel,
                        Direction::Outbound,
                        Outcome::NoAnswer,
                        at,
                        note.to_string(),
                    );
                    at += 10 * MINUTE;
                }
                let summary = match self.rng.index(3) {
                    0 => format!(
                        "Strong {} background, wants more ownership. Expects {expect}; notice {}.",
                        role.stack_first, c.notice
                    ),
                    1 => format!(
                        "Good call. Main motivation: {} and a smaller team. Expects {expect}.",
                        role.remote_short
                    ),
                    _ => format!(
                        "Relaxed chat; a bit cautious about on-call. Happy to be introduced to {}.",
                        role.hm
                    ),
                };
                let what = if th.meeting {
                    "Video call"
                } else {
                    "Intro call"
                };
                let note = format!(
                    "{what} about the {} role at {}. {summary}",
                    role.title, role.company
                );
                self.contact(th, channel, Direction::Outbound, Outcome::Talked, at, note);
            }
            K::Offer if self.rng.chance(0.4) => {
                let secs = self.rng.range(2 * HOUR, 20 * HOUR);
                let at = clock::add_business(t, secs);
                let note = format!(
                    "Video call to go through {}'s offer ({}).",
                    role.company, role.offer
                );
                self.contact(
                    th,
                    Channel::Meeting,
                    Direction::Outbound,
                    Outcome::Talked,
                    at,
                    note,
                );
            }
            K::Return if self.rng.chance(0.2) => {
                let at = t + self.rng.range(HOUR, 4 * HOUR);
                let note = format!(
                    "{} called the office: looking again, mostly interested in {} roles.",
                    c.id.greet,
                    corpus::interest_phrase(c.interest)
                );
                self.contact(
                    th,
                    Channel::Phone,
                    Direction::Inbound,
                    Outcome::Talked,
                    at,
                    note,
                );
            }
            K::Application if self.rng.chance(0.1) => {
                let at = t - self.rng.range(DAY, 2 * DAY);
                let note = format!(
                    "Messaged on LinkedIn asking whether the {} role is still open; pointed them to email.",
                    role.title
                );
                self.contact(
                    th,
                    Channel::Linkedin,
                    Direction::Inbound,
                    Outcome::Delivered,
                    at,
                    note,
                );
            }
            _ => {}
        }
    }

    /// The MIME shape: the team's webmail, or the candidate's client.
    fn style(&mut self, th: &Thread, inbound: bool, automated: bool) -> Style {
        let plain = |cte| Style::Plain {
            cte,
            latin1: false,
            flowed: false,
        };
        if automated {
            return plain(Cte::Raw);
        }
        if !inbound {
            if th.own_addr {
                return Style::Alt {
                    text_cte: Cte::Qp,
                    html_cte: Cte::Qp,
                };
            }
            return match self.rng.weighted(&[60, 28, 12]) {
                0 => plain(Cte::Raw),
                1 => Style::Alt {
                    text_cte: Cte::Qp,
                    html_cte: Cte::Qp,
                },
                _ => plain(Cte::Qp),
            };
        }
        match self.c.client {
            Client::Gmail => Style::Alt {
                text_cte: Cte::Qp,
                html_cte: Cte::Qp,
            },
            Client::Outlook => Style::Html { cte: Cte::Qp },
            Client::Apple => plain(Cte::Qp),
            Client::Thunderbird => Style::Plain {
                cte: Cte::Raw,
                latin1: false,
                flowed: true,
            },
            Client::Proton => Style::Alt {
                text_cte: Cte::Raw,
                html_cte: Cte::Base64,
            },
            Client::Webmail => Style::Plain {
                cte: Cte::Qp,
                latin1: true,
                flowed: false,
            },
        }
    }

    /// Sometimes the reply quotes its parent, the way the writer's client does it.
    fn quote(&mut self, parent: Option<&Snap>, inbound: bool, automated: bool) -> Option<Quote> {
        let p = parent?;
        let chance = if automated {
            0.0
        } else if !inbound {
            0.3
        } else {
            match self.c.client {
                Client::Apple | Client::Thunderbird => 0.7,
                Client::Gmail => 0.6,
                Client::Proton => 0.5,
                Client::Webmail | Client::Outlook => 0.8,
            }
        };
        if !self.rng.chance(chance) {
            return None;
        }
        let kind = match (inbound, self.c.client) {
            (false, _) => QuoteKind::Standard,
            (true, Client::Outlook) => QuoteKind::Outlook,
            (true, Client::Apple) => QuoteKind::Apple,
            _ => QuoteKind::Standard,
        };
        Some(Quote {
            kind,
            attribution: self.attribution(kind, p, !inbound, &p.subject),
            text: p.text.clone(),
        })
    }

    fn cv(&mut self, th: &Thread) -> Attachment {
        let c = self.c;
        let cap = |s: &str| {
            let mut ch = s.chars();
            ch.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(ch).collect())
        };
        let (fa, la) = (cap(&c.id.first_ascii), cap(&c.id.last_ascii));
        let filename = if c.id.lang == "de" && !c.id.full.is_ascii() && self.rng.chance(0.5) {
            let words =
                mime::encoded_words(&format!("Lebenslauf {}.pdf", c.id.full), WordEnc::Utf8Q);
            words.replace("\r\n ", "")
        } else if c.id.lang == "de" {
            format!("Lebenslauf_{fa}_{la}.pdf")
        } else {
            format!("CV_{fa}_{la}.pdf")
        };
        Attachment {
            filename,
            mime: "application/pdf",
            data: corpus::fake_cv_pdf(&format!("{fa} {la}"), ROLES[th.role].title),
        }
    }

    /// Writes message `k` at `t` into the thread.
    fn emit(&mut self, th: &mut Thread, k: K, t: i64) {
        self.budget = self.budget.saturating_sub(1);
        self.produced += 1;
        let inbound = k.inbound();
        let automated = k == K::AutoReply;
        let (note, spring) = self.advance(th, k, t);
        let (template, auto_prefix) = self.template(th, k, spring);

        let c = self.c;
        let rec = &RECRUITERS[th.rec];
        let cand_addr = self
            .to_override
            .clone()
            .unwrap_or_else(|| c.addrs[self.addr].clone());
        let cand_domain = cand_addr
            .rsplit('@')
            .next()
            .unwrap_or("example")
            .to_string();
        let mut text = self.write_text(th, template, note, &cand_domain);
        if !inbound {
            text.push_str(&format!(
                "\n\n{},\n{}\n\n-- \n{}\n{} · Northwind Recruiting\n{} · https://{DOMAIN}",
                rec.signoff, rec.first, rec.name, rec.title, rec.phone
            ));
        }
        self.log_contacts(th, k, t);

        // Subject.
        let parent = if k.starts_thread() {
            None
        } else {
            th.last().cloned()
        };
        let base = if inbound || !th.base.bytes().any(|b| b < 0x20) {
            th.base.clone()
        } else {
            strip_controls(&th.base)
        };
        let subject = if k.starts_thread() {
            base
        } else if automated {
            let replied_to = th.pending.last().map_or(&th.base, |p| &p.snap.subject);
            format!("{auto_prefix}{replied_to}")
        } else {
            let prefix = match (inbound, c.client) {
                (true, Client::Outlook) => "RE: ",
                (true, Client::Webmail) if c.id.lang == "de" => "AW: ",
                _ => "Re: ",
            };
            format!("{prefix}{base}")
        };

        // Addresses.
        let enc = if inbound { c.enc } else { WordEnc::Utf8B };
        let our_name = our_display(th.rec);
        let r_addr = rec_addr(th.rec);
        let headers = &self.g.headers;
        let rec_mb = headers.recruiters[th.rec].clone();
        let our_from = if th.own_addr {
            rec_mb.clone()
        } else {
            headers.personas[th.rec].clone()
        };
        let shared_mb = headers.shared.clone();
        let (cand_from, cand_to) = match &self.to_override {
            Some(a) => (
                mime::mailbox(&c.id.full, a, c.enc),
                mime::mailbox(&c.id.full, a, WordEnc::Utf8B),
            ),
            None => (
                c.from_headers[self.addr].clone(),
                c.to_headers[self.addr].clone(),
            ),
        };
        let (from, from_name, from_addr, sender, to, cc) = if inbound {
            let from = cand_from;
            let (to, cc) = match &parent {
                _ if th.own_addr => (rec_mb, Some(shared_mb)),
                Some(p) if !p.inbound => (p.from_header.clone(), None),
                _ if k == K::Application && self.rng.chance(0.5) => {
                    (SHARED_ADDRESS.to_string(), None)
                }
                _ if k == K::Application => (shared_mb, None),
                _ => (our_from, None),
            };
            (from, c.id.full.clone(), cand_addr.clone(), None, to, cc)
        } else {
            let to = cand_to;
            if th.own_addr {
                (
                    our_from,
                    rec.name.to_string(),
                    r_addr,
                    None,
                    to,
                    Some(shared_mb),
                )
            } else {
                let sender = Some(rec_mb);
                (
                    our_from,
                    our_name,
                    SHARED_ADDRESS.to_string(),
                    sender,
                    to,
                    None,
                )
            }
        };
        let message_id = if inbound {
            self.cand_message_id(&cand_domain)
        } else {
            self.our_message_id()
        };
        let (in_reply_to, references) = match &parent {
            Some(p) => (Some(p.id.clone()), th.chain()),
            None => (None, Vec::new()),
        };

        // Trace and client headers.
        let mut extra: Vec<(&'static str, String)> = Vec::new();
        if inbound {
            let relay = self.rng.range(1, 254);
            let queue = self.rng.hex(10).to_uppercase();
            let received_at = clock::rfc5322(t + self.rng.range(1, 9), TEAM_TZ);
            extra.push((
                "Received",
                format!(
                    "from mail.{cand_domain} (mail.{cand_domain} [198.51.100.{relay}])\r\n\tby mx1.{DOMAIN} (Postfix) with ESMTPS id {queue}\r\n\tfor <{SHARED_ADDRESS}>; {received_at}"
                ),
            ));
            match c.client {
                Client::Outlook => extra.push(("X-Mailer", "Microsoft Outlook 16.0".into())),
                Client::Apple => extra.push(("X-Mailer", "Apple Mail (2.3774.600.62)".into())),
                Client::Thunderbird => extra.push(("User-Agent", "Mozilla Thunderbird".into())),
                Client::Webmail => extra.push(("X-Mailer", "Webmail Interface".into())),
                Client::Gmail | Client::Proton => {}
            }
        } else if th.own_addr {
            extra.push(("X-Mailer", "Apple Mail (2.3774.600.62)".into()));
        } else {
            extra.push(("User-Agent", "Roundcube Webmail/1.6.9".into()));
        }
        if automated {
            extra.push(("Auto-Submitted", "auto-replied".into()));
            extra.push(("X-Auto-Response-Suppress", "All".into()));
        }
        let env = Envelope {
            date: clock::rfc5322(t, if inbound { c.id.tz } else { TEAM_TZ }),
            from: from.clone(),
            sender,
            to,
            cc,
            subject: mime::unstructured(&subject, enc),
            message_id: message_id.clone(),
            in_reply_to,
            references,
            extra,
        };

        // Body.
        let style = self.style(th, inbound, automated);
        let quote = self.quote(parent.as_ref(), inbound, automated);
        let decor = if inbound {
            let outlook = c.client == Client::Outlook;
            Decor {
                bold: outlook.then(|| c.id.full.clone()),
                link: (outlook || self.rng.chance(0.3)).then(|| {
                    (
                        format!("https://www.linkedin.example/in/{}", c.slug),
                        format!("{} on LinkedIn", c.id.full),
                    )
                }),
                autolink: None,
                tracker: outlook,
            }
        } else {
            Decor {
                bold: Some(rec.name.to_string()),
                link: None,
                autolink: Some(format!("https://{DOMAIN}")),
                tracker: false,
            }
        };
        let attachments = if matches!(k, K::SendCv | K::Application) {
            vec![self.cv(th)]
        } else {
            Vec::new()
        };
        let boundary_prefix = match (inbound, c.client) {
            (false, _) => "=_nw",
            (true, Client::Gmail) => "000000000000",
            (true, Client::Apple) => "Apple-Mail=_",
            (true, Client::Outlook) => "_000_",
            _ => "------------",
        };
        let boundary = format!("{boundary_prefix}{}", self.rng.hex(20));
        let bytes = render::render(
            &env,
            style,
            &text,
            quote.as_ref(),
            &decor,
            &attachments,
            &boundary,
        );
        th.pending.push(Pending {
            t,
            automated,
            bytes,
            snap: Snap {
                kind: k,
                t,
                inbound,
                id: message_id,
                text,
                from_name,
                from_addr,
                from_header: from,
                subject,
            },
        });
    }
}
