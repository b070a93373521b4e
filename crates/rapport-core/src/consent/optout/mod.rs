//! Noticing when a candidate's inbound email asks us to stop contacting them.
//!
//! [`detect`] runs on every inbound message at ingest, so it is a single pass over the
//! candidate's own words with hand-written token rules (no regex, no allocation beyond one
//! folded copy of the text and a token list):
//!
//! 1. **Own words only.** Quoted lines (`>`), everything from an attribution line on
//!    ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:", "Il … ha
//!    scritto:", "Op … schreef …:", "Em … escreveu:"), from "-----Original Message-----" /
//!    "Forwarded message" separators, from an Outlook `_____` rule or a `From:`/`Von:`/`De :`
//!    header block (a `From:`-like line followed within four lines by `Sent:`/`Gesendet:`/
//!    `Envoyé :`/`Enviado:`/`Date:`/`To:`/`Subject:`…), and from a signature separator `--`
//!    are ignored. Our own outreach footers ("reply STOP to unsubscribe") live there.
//! 2. **Folding.** Lower case, common Latin accents removed (`é`→`e`, `ä`→`a`, `ß`→`ss`),
//!    `e-mail` joined to `email`, apostrophes and other punctuation split words, URLs, e-mail
//!    addresses, HTML tags and entities (`&nbsp;`) dropped. Sentences end at `.!?;:`, at blank
//!    lines and at line breaks that do not look like a soft wrap; commas and dashes end clauses.
//! 3. **Rules** per language (en, de, fr, es, plus it, nl, pt) keyed on a trigger word and
//!    checked in its sentence: "unsubscribe", "remove me from your list", "stop emailing me",
//!    "don't contact me (again)", "I no longer wish to receive…", "bitte keine weiteren
//!    E-Mails", "nicht mehr kontaktieren", "hören Sie auf, mir … zu schicken", "merci de ne
//!    plus me contacter", "arrêtez de m'écrire", "désinscrire", "no me contacten más", "no
//!    sigan enviándome", "darme de baja", … Each rule has its own guards for the usual near
//!    misses: "don't hesitate to contact me", "remove my old address", "remove me from
//!    consideration", "I unsubscribed from LinkedIn", "stop by the office", "stop the process",
//!    "don't call me before 10am" (a time or place qualifier right after the request makes it a
//!    preference, not an opt-out), "don't contact my employer", "estoy de baja".
//! 4. **Footers** written by mail programs ("If you no longer wish to receive…, click here",
//!    "You are receiving this…", "Antworten Sie mit STOP", "Pour vous désinscrire…") are not
//!    the candidate's request even when they are not quoted; such sentences are skipped.
//!
//! Decisions on borderline cases:
//! - "The unsubscribe link in your newsletter is broken" **is** an opt-out: the candidate tried
//!   to unsubscribe, and failing to honour that is worse than a banner the recruiter dismisses.
//!   It is not one when the same sentence says they are *not* trying to unsubscribe.
//! - "Please don't call me (anymore)" is a narrower request: [`Scope::Channel`]`("phone")`
//!   ("sms" for "don't text me"). "Don't call me before 10am / tomorrow / at work" is no
//!   request at all.
//! - "Please stop sending me sales roles" is [`Scope::Topic`]`("sales roles")`.
//! - A bare "STOP", "Unsubscribe", "Remove", "Abmelden", "Baja" as a whole sentence (or the
//!   subject of an otherwise empty reply) counts.
//! - "I'm no longer looking", "not interested" on their own are not requests to stop.
//! - "Unsubscribe me from the daily alerts but keep the weekly digest" is a partial change, not
//!   an opt-out; "unsubscribe my colleague / my old work address" is about someone or
//!   something else.
//!
//! Known limitations (found by probing, left as they are): a bare exclamation "Stop! That's
//! great news." reads as "STOP"; "no me llames, te escribo yo mañana" ("don't call me, I'll
//! write tomorrow") gives a phone-scoped request because the time is in the next clause.
//! Anything phrased outside the rules is missed — see `tests/fixtures/optout/README.md` for
//! how the rules were measured.
//!
//! `automated` messages (auto-replies, bounces, bulk mail) are never opt-outs.

pub(crate) mod fold;
mod request;
mod rules;
mod sentence;
pub(crate) mod strip;
#[cfg(test)]
mod tests;

use fold::Doc;
use strip::{own_text_end, strip_reply_prefixes};

/// Why a message reads as a request to stop contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutRequest {
    /// The sentence (or phrase) that asks to stop, sanitized and at most ~120 chars, for the banner.
    pub evidence: String,
    /// "en", "de", "fr", "es", "it", "nl" or "pt".
    pub language: &'static str,
    /// What they want to stop hearing about when it is narrower than everything:
    /// `Some(Scope::Channel("phone"))` for "please don't call me"; `None` = everything.
    pub scope: Option<Scope>,
}

impl OptOutRequest {
    /// What an opt-out recorded from this request covers (everything unless narrower).
    pub fn opt_out_scope(&self) -> crate::values::OptOutScope {
        use crate::values::OptOutScope;
        match &self.scope {
            None => OptOutScope::All,
            // The rules name only channels that exist ("phone", "sms"); anything else would be
            // a rule's typo, and stopping everything is the safe reading of it.
            Some(Scope::Channel(ch)) => ch.parse().map_or(OptOutScope::All, OptOutScope::Channel),
            Some(Scope::Topic(t)) => OptOutScope::Topic(t.clone()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// "phone" (calls) or "sms" (texts).
    Channel(&'static str),
    /// Best effort: the kind of roles they no longer want, e.g. "sales roles".
    Topic(String),
}

/// Longest evidence string, in characters (including the `…` marks).
const EVIDENCE_MAX: usize = 120;

/// Reads `subject` and `body` (plain text) of an inbound message and returns why it asks us to
/// stop contacting the sender, if it does. `automated` is true for auto-replies, bounces and
/// bulk mail: those are never opt-outs.
pub fn detect(subject: &str, body: &str, automated: bool) -> Option<OptOutRequest> {
    if automated {
        return None;
    }
    let end = own_text_end(body);
    let mut doc = Doc::new(body, end);
    doc.push_body(&body[..end]);
    if let Some(found) = doc.find() {
        return Some(doc.request(found, &doc));
    }
    let subject = strip_reply_prefixes(subject);
    if subject.is_empty() {
        return None;
    }
    let mut sdoc = Doc::new(subject, subject.len());
    sdoc.push_line(0, subject);
    let found = sdoc.find()?;
    // A bare "STOP" subject says nothing about the language; the body might.
    let lang_from = if doc.toks.is_empty() { &sdoc } else { &doc };
    Some(sdoc.request(found, lang_from))
}
