//! English rules about contact itself: "stop emailing me", "don't contact me again", "I no
//! longer wish to receive…", "no more calls".

use super::{Hit, channel, hit};
use crate::consent::optout::Scope;
use crate::consent::optout::sentence::S;
use crate::sanitize::sanitize_line;

/// Contact verbs in -ing form after "stop"/"refrain from"; Some(channel) for call/text.
pub(super) fn contact_gerund(w: &str) -> Option<Option<&'static str>> {
    Some(match w {
        "emailing" | "contacting" | "messaging" | "writing" | "sending" | "spamming"
        | "bothering" | "harassing" | "harrassing" | "pestering" | "reaching" | "pinging"
        | "mailing" | "hounding" | "approaching" | "soliciting" | "emailling" | "emaling"
        | "emailng" | "contating" | "conacting" => None,
        "calling" | "ringing" | "phoning" => Some("phone"),
        "texting" => Some("sms"),
        _ => return None,
    })
}

/// Words that mean "any of your messages" rather than a topic.
fn generic_object(w: &str) -> bool {
    matches!(
        w,
        "any"
            | "these"
            | "those"
            | "your"
            | "more"
            | "such"
            | "the"
            | "other"
            | "further"
            | "job"
            | "jobs"
            | "emails"
            | "email"
            | "messages"
            | "mails"
            | "offers"
            | "stuff"
            | "spam"
            | "me"
            | "new"
            | "all"
            | "of"
            | "random"
            | "unsolicited"
            | "recruitment"
            | "recruiting"
            | "roles"
            | "opportunities"
            | "positions"
            | "vacancies"
    )
}

pub(super) fn en_stop(s: &S, i: usize) -> Option<Hit> {
    // "don't stop sending me roles", "never stop".
    if s.has(i.saturating_sub(2), i, &["t", "not", "never", "dont"]) {
        return None;
    }
    let word = s.w(i);
    if word == "stopped" && !matches!(s.p(i, 1), "you" | "u") {
        return None;
    }
    let g = s.f(i, 1);
    if let Some(ch) = contact_gerund(g) {
        let mut j = i + 2;
        match g {
            "reaching" => {
                if s.w(j) != "out" {
                    return None;
                }
                j += 1;
                if s.w(j) == "to" {
                    j += 1;
                }
            }
            "writing" if s.w(j) == "to" => j += 1,
            "sending" => return en_stop_sending(s, i, j),
            _ => {}
        }
        let next = s.w(j);
        let ok = match next {
            "me" | "us" | "myself" => true,
            // "stop emailing this address".
            "this" => matches!(
                s.f(j, 1),
                "address" | "email" | "account" | "inbox" | "mailbox"
            ),
            "" => true,
            "please" | "now" | "immediately" | "already" | "asap" | "thanks" | "thank" => true,
            _ => s.clause(j) != s.clause(i),
        };
        return ok.then_some(Hit {
            lang: Some("en"),
            scope: ch.map(Scope::Channel),
            at: i,
        });
    }
    if word == "stop" {
        // "stop all (further) emails/contact".
        if g == "all"
            && s.has(
                i + 2,
                i + 4,
                &["emails", "contact", "communication", "messages"],
            )
        {
            return hit("en", i);
        }
        // "STOP", "Stop!", "Please stop." as a whole sentence.
        if s.alone(i) {
            return Some(Hit {
                lang: None,
                scope: None,
                at: i,
            });
        }
        // "I've asked you to stop." / "please stop" ending a clause.
        if s.fc(i, 1).is_empty()
            && (matches!(s.p(i, 1), "please" | "pls")
                || (s.p(i, 1) == "to"
                    && s.p(i, 2) == "you"
                    && matches!(s.p(i, 3), "asked" | "told")))
        {
            return hit("en", i);
        }
    }
    None
}

/// "stop sending me (these) emails / sales roles".
fn en_stop_sending(s: &S, i: usize, mut j: usize) -> Option<Hit> {
    let mut had_me = false;
    if matches!(s.w(j), "me" | "us") {
        had_me = true;
        j += 1;
    }
    // Object up to the first of these nouns, within the clause.
    let end = s.clause_end(i).min(j + 5);
    let noun = s.find(j, end, |w| {
        matches!(
            w,
            "emails"
                | "email"
                | "messages"
                | "mails"
                | "mail"
                | "jobs"
                | "job"
                | "roles"
                | "offers"
                | "opportunities"
                | "positions"
                | "vacancies"
                | "spam"
                | "newsletters"
                | "stuff"
                | "things"
                | "these"
                | "those"
                | "adverts"
                | "ads"
        )
    });
    let Some(n) = noun else {
        // "stop sending me …" with no object we know: still a request if it is about me.
        return had_me.then(|| hit("en", i))?;
    };
    let topic_start = (j..n).find(|&k| !generic_object(s.w(k)));
    let scope = match topic_start {
        Some(k)
            if matches!(
                s.w(n),
                "roles" | "jobs" | "positions" | "vacancies" | "offers"
            ) =>
        {
            let (os, oe) = (s.d.toks[k].os as usize, s.d.toks[n].oe as usize);
            Some(Scope::Topic(sanitize_line(&s.d.src[os..oe])))
        }
        _ => None,
    };
    Some(Hit {
        lang: Some("en"),
        scope,
        at: i,
    })
}

pub(super) fn en_cease(s: &S, i: usize) -> Option<Hit> {
    let w1 = s.f(i, 1);
    if contact_gerund(w1).is_some() {
        return hit("en", i);
    }
    s.find(i + 1, i + 4, |w| {
        matches!(
            w,
            "communication" | "communications" | "contact" | "correspondence" | "emails"
        )
    })
    .and_then(|_| hit("en", i))
}

/// Time, place and address qualifiers that turn "don't call me …" into a preference.
fn en_qualifier(s: &S, j: usize) -> bool {
    match s.w(j) {
        "before" | "after" | "until" | "till" | "til" | "during" | "between" | "tomorrow"
        | "today" | "tonight" | "while" | "when" | "this" | "instead" | "here" | "there"
        | "without" | "on" | "unless" | "except" | "over" | "right" | "yet" => true,
        "at" => s.f(j, 1) != "all",
        "in" => !matches!(s.f(j, 1), "future" | "the"),
        "for" => matches!(s.f(j, 1), "this" | "that" | "the" | "a" | "now"),
        _ => false,
    }
}

/// "don't / do not / never / not to" at `i`, verb expected at `v`.
pub(super) fn en_do_not(s: &S, i: usize, mut v: usize) -> Option<Hit> {
    // "I don't call people…", "they never email me back": statements, not requests.
    if matches!(
        s.p(i, 1),
        "i" | "we" | "they" | "he" | "she" | "it" | "people"
    ) {
        return None;
    }
    let imperative_never = s.w(i) != "never"
        || i == s.a
        || matches!(
            s.p(i, 1),
            "please" | "pls" | "kindly" | "and" | "so" | "just"
        );
    while matches!(
        s.w(v),
        "ever" | "again" | "please" | "you" | "kindly" | "further"
    ) {
        v += 1;
    }
    let (ch, mut j): (Option<&'static str>, usize) = match s.w(v) {
        "contact" | "email" | "mail" | "message" | "bother" | "spam" | "ping" | "approach"
        | "pester" | "harass" | "solicit" => (None, v + 1),
        "write" => (None, if s.f(v, 1) == "to" { v + 2 } else { v + 1 }),
        "call" | "ring" | "phone" => (Some("phone"), v + 1),
        "text" => (Some("sms"), v + 1),
        "reach" if s.f(v, 1) == "out" => (None, if s.f(v, 2) == "to" { v + 3 } else { v + 2 }),
        "get" if s.f(v, 1) == "in" && s.f(v, 2) == "touch" => {
            (None, if s.f(v, 3) == "with" { v + 4 } else { v + 3 })
        }
        "send" => return en_do_not_send(s, i, v),
        _ => return None,
    };
    match s.w(j) {
        "me" | "us" | "myself" => j += 1,
        // "please do not contact" / "do not contact again" / "do-not-contact list".
        "" | "again" | "anymore" | "any" | "ever" | "further" | "please" | "list" => {}
        _ if s.clause(j) != s.clause(v) => {}
        _ => return None,
    }
    // What follows: "again", "anymore" (fine) or "before 10am", "tomorrow", "at work" (a
    // preference, not a request to stop).
    let mut again = false;
    let mut k = j;
    while k < s.b && k < j + 4 && s.clause(k) == s.clause(v) {
        match s.w(k) {
            "again" | "anymore" | "ever" => again = true,
            "please" | "any" | "more" | "further" => {}
            _ if en_qualifier(s, k) => return None,
            _ => break,
        }
        k += 1;
    }
    if !imperative_never && !again {
        return None;
    }
    Some(Hit {
        lang: Some("en"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "don't send me any more emails / job offers".
fn en_do_not_send(s: &S, i: usize, v: usize) -> Option<Hit> {
    let mut j = v + 1;
    if matches!(s.w(j), "me" | "us") {
        j += 1;
    }
    let first = s.w(j);
    let ok = matches!(
        first,
        "any"
            | "more"
            | "further"
            | "these"
            | "those"
            | "your"
            | "such"
            | "anything"
            | "emails"
            | "messages"
            | "mails"
            | "jobs"
            | "job"
            | "roles"
            | "offers"
            | "opportunities"
            | "spam"
            | "newsletters"
            | "another"
            | "other"
    );
    if !ok {
        return None;
    }
    // "don't send anything until September": a pause, not an opt-out.
    let end = s.clause_end(j);
    if s.find(j, (j + 5).min(end), |w| {
        matches!(w, "until" | "till" | "before" | "after" | "during" | "yet")
    })
    .is_some()
    {
        return None;
    }
    hit("en", i)
}

/// "I (do not / no longer) want|wish to receive these / be contacted / hear from you".
pub(super) fn en_want(s: &S, i: usize) -> Option<Hit> {
    let negated = match s.p(i, 1) {
        "not" | "dont" | "never" => true,
        "t" => matches!(s.p(i, 2), "don" | "doesn" | "won"),
        "longer" => s.p(i, 2) == "no",
        _ => false,
    };
    if !negated || s.f(i, 1) != "to" {
        return None;
    }
    let v = i + 2;
    let mut obj = v + 1;
    match s.w(v) {
        "be" => {
            let (ch, ok) = match s.f(v, 1) {
                "contacted" | "emailed" | "approached" | "bothered" | "messaged" | "spammed"
                | "disturbed" | "solicited" | "pestered" => (None, true),
                "called" => (Some("phone"), true),
                _ => (None, false),
            };
            if !ok
                || s.has(
                    v + 2,
                    (v + 5).min(s.clause_end(v)),
                    &["until", "before", "after"],
                )
            {
                return None;
            }
            return Some(Hit {
                lang: Some("en"),
                scope: ch.map(Scope::Channel),
                at: i,
            });
        }
        "receive" | "get" | "hear" => {}
        "keep" if matches!(s.f(v, 1), "receiving" | "getting" | "hearing") => obj += 1,
        _ => return None,
    }
    let end = s.clause_end(v).min(obj + 5);
    let found = s.find(obj, end, |w| {
        matches!(
            w,
            "these"
                | "those"
                | "your"
                | "any"
                | "more"
                | "further"
                | "such"
                | "emails"
                | "email"
                | "messages"
                | "mails"
                | "offers"
                | "jobs"
                | "roles"
                | "spam"
                | "newsletters"
                | "anything"
                | "from"
                | "calls"
        )
    })?;
    if s.find(found, end + 2, |w| {
        matches!(w, "during" | "before" | "after" | "until" | "at" | "while")
    })
    .is_some()
    {
        return None;
    }
    let phone = s.w(found) == "calls";
    Some(Hit {
        lang: Some("en"),
        scope: phone.then_some(Scope::Channel("phone")),
        at: i,
    })
}

/// "I'd (really) prefer not to be contacted", "I'd rather not hear from you".
pub(super) fn en_rather_not(s: &S, i: usize) -> Option<Hit> {
    if s.f(i, 1) != "not" {
        return None;
    }
    let mut j = i + 2;
    if s.w(j) == "to" {
        j += 1;
    }
    match (s.w(j), s.f(j, 1)) {
        ("be", "contacted" | "emailed" | "approached" | "messaged") => {
            (!s.has(j + 2, j + 5, &["until", "before", "after", "during"])).then(|| hit("en", i))?
        }
        ("hear", "from") | ("receive", _) => hit("en", i),
        _ => None,
    }
}

/// "no more emails (please)", "no more calls" (phone).
pub(super) fn en_no_more(s: &S, i: usize) -> Option<Hit> {
    if s.f(i, 1) != "more" {
        return None;
    }
    match s.f(i, 2) {
        "emails" | "email" | "messages" | "mails" | "spam" | "jobs" | "offers" | "roles"
        | "contact" | "newsletters" => hit("en", i),
        "calls" => channel("en", i, "phone"),
        _ => None,
    }
}
