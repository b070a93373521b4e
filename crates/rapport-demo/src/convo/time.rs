//! Time: working hours, how long candidates and recruiters take to answer.

use super::Sim;
use super::thread::{K, Thread};
use crate::clock::{self, DAY, HOUR, MINUTE, TEAM_TZ};
use crate::{RECRUITERS, Speed};

impl Sim<'_> {
    /// A working-hours moment on the day of `t` (or the next working day).
    pub(super) fn business_moment(&mut self, t: i64) -> i64 {
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
    pub(super) fn cand_adjust(&mut self, t: i64) -> i64 {
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
    pub(super) fn make_slots(&mut self, t: i64) -> Vec<i64> {
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

    pub(super) fn timing(&mut self, th: &Thread, prev: K, t: i64, next: K) -> i64 {
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
}
