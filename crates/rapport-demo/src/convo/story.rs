//! Story: which message follows which, and how a thread is played out and kept.

use super::Sim;
use super::thread::{Forced, K, Thread};
use crate::RECRUITERS;
use crate::clock::{DAY, HOUR};
use crate::corpus::{self, ROLES, fill};

impl Sim<'_> {
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

    pub(super) fn play(&mut self, th: &mut Thread, mut k: K, mut t: i64) -> bool {
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
    pub(super) fn trim(&mut self, th: &mut Thread) {
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

    pub(super) fn commit(&mut self, th: &mut Thread) {
        for p in &mut th.pending[th.committed..] {
            let bytes = std::mem::take(&mut p.bytes);
            self.g.push(p.t, p.snap.inbound, bytes);
            self.first_t = Some(self.first_t.map_or(p.t, |f| f.min(p.t)));
        }
        th.committed = th.pending.len();
    }

    pub(super) fn new_thread(&mut self, kind: K, _t0: i64) -> Thread {
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

    pub(super) fn finish_waiting(&mut self, tf: i64) {
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
}
