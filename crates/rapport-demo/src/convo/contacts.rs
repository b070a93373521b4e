//! Calls, meetings and LinkedIn messages logged alongside the mail.

use super::Sim;
use super::thread::{K, Thread};
use crate::RECRUITERS;
use crate::clock::{self, DAY, HOUR, MINUTE};
use crate::corpus::{self, ROLES};
use rapport_core::model::{Channel, ContactEntry, Direction, Outcome};

impl Sim<'_> {
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

    /// Calls, meetings and LinkedIn messages that go with message `k`.
    pub(super) fn log_contacts(&mut self, th: &Thread, k: K, t: i64) {
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
}
