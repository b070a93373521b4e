//! What a message says: the thread state it advances, its template, and the filled text.

use super::Sim;
use super::thread::{Forced, K, Thread};
use crate::clock::{self, DAY, HOUR, TEAM_TZ};
use crate::corpus::{self, ROLES, fill};
use crate::names;
use crate::rng::Rng;
use crate::{DOMAIN, RECRUITERS};

impl Sim<'_> {
    /// Updates the thread for message `k` at `t`; returns a note to prepend when the
    /// candidate switches address, and whether "spring" fits the season.
    pub(super) fn advance(&mut self, th: &mut Thread, k: K, t: i64) -> (&'static str, bool) {
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
    pub(super) fn template(
        &mut self,
        th: &mut Thread,
        k: K,
        spring: bool,
    ) -> (&'static str, &'static str) {
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
    pub(super) fn write_text(
        &mut self,
        th: &Thread,
        template: &str,
        note: &str,
        cand_domain: &str,
    ) -> String {
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
}
