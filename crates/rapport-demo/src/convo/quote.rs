//! Quoting the parent message, with the attribution line the writer's client would add.

use super::thread::Snap;
use super::{Client, Sim};
use crate::clock::TEAM_TZ;
use crate::heavy;
use crate::render::{Quote, QuoteKind};

impl Sim<'_> {
    /// Sometimes the reply quotes its parent, the way the writer's client does it.
    pub(super) fn quote(
        &mut self,
        parent: Option<&Snap>,
        inbound: bool,
        automated: bool,
    ) -> Option<Quote> {
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
        let quotes = self.rng.chance(chance);
        // (Realistic sizes: most clients quote by default; drawn from the sizes stream so the
        // compact demo's choices stay as they are.)
        let by_default =
            !quotes && self.g.realistic && !automated && self.sizes.chance(heavy::EXTRA_QUOTE);
        if !quotes && !by_default {
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
            text: if p.history.is_empty() {
                p.text.clone()
            } else {
                heavy::cap_history(&p.history).to_string()
            },
        })
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
}
