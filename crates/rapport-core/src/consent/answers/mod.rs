//! Reading a candidate's answer to the question mail ("How would you like to hear from us?")
//! into proposed changes: pure, text in, [`Proposal`] out.
//!
//! 1. **Their own words.** Quoted lines (`>`) are skipped, but a quoted question tells which
//!    question the lines below it answer (an answer written between the quoted questions).
//!    Attribution lines ("On … wrote:") are skipped; the answer ends at a signature
//!    separator, an "Original Message" separator or an Outlook header block (the helpers of
//!    `consent::optout`), and at a closing line ("Best,", "Viele Grüße", "Cordialement").
//!    A question copied into the answer ("1. How may we contact you? (…) email only") is
//!    removed, its number kept.
//! 2. **Numbers.** `1 email only 2 every three months 3 rust, remote`: a digit 1–5, rising,
//!    at the start of a line or after an earlier number on the same line, not a count
//!    ("2 weeks", "every 2-3 months"), starts the answer to that question.
//! 3. **Clauses.** Folded (lower case, no accents), split at sentence ends, commas and "but".
//!    Each field has its reader; in the answer to its own question a reader takes what it
//!    finds, elsewhere (free sentences) it needs a cue ("by email", "prefer", "interested
//!    in", "write to me in German"). A negation before a channel or topic in its clause
//!    ("no calls", "nothing about crypto", "keine Anrufe", "pas de crypto") turns it into a
//!    refusal; "anything but phone" allows the other channels.
//! 4. What is not read stays "not said". Same-strength readings: the first one counts.

mod lexicon;
pub mod questions;
#[cfg(test)]
mod tests;

use crate::consent::optout::fold::fold_char;
use crate::consent::optout::strip::{Cut, cut_kind};
use crate::model::{Channel, Frequency};
pub use crate::values::Proposal;
use lexicon::*;

/// Reads `body` (the plain text of their reply) into what it proposes.
pub fn read(body: &str) -> Proposal {
    let mut r = Reading::default();
    for seg in segments(&own_lines(body)) {
        let cls = clauses(&seg.text);
        read_channels(&cls, seg.question, &mut r);
        read_frequency(&cls, seg.question, &mut r);
        read_topics(&cls, seg.question, &mut r);
        read_language(&cls, seg.question, &mut r);
    }
    r.proposal()
}

/// The message quotes the question mail (at least two of its questions, in any language):
/// read as an answer even when it does not reply to a recorded question mail.
pub fn quotes_questions(body: &str) -> bool {
    let mut seen = [false; 6];
    for line in body.lines() {
        let f = fold(line.trim_start_matches(['>', ' ', '\t']));
        if let Some((n, _)) = question_in(&f) {
            seen[n as usize] = true;
        }
    }
    seen.iter().filter(|s| **s).count() >= 2
}

pub(crate) fn fold(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut o);
    }
    o
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '+' || c == '#'
}

/// Words of folded text: `e-mail` → `email`, `don't` → `dont`, `l'anglais` → `l anglais`,
/// `2-3` → `2 - 3`.
pub(crate) fn words(f: &str) -> Vec<String> {
    let chars: Vec<char> = f.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if is_word_char(c) {
            cur.push(c);
        } else if matches!(c, '\'' | '’' | '`') && !cur.is_empty() {
            if cur.chars().count() <= 2 || cur == "qu" {
                out.push(std::mem::take(&mut cur));
            }
        } else if matches!(c, '-' | '–' | '‐') {
            let last = cur.chars().last();
            match (last, next) {
                (Some(a), Some(b)) if a.is_alphabetic() && b.is_alphabetic() => {}
                (Some(a), Some(b)) if a.is_ascii_digit() && b.is_ascii_digit() => {
                    out.push(std::mem::take(&mut cur));
                    out.push("-".into());
                }
                _ => {
                    if !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                }
            }
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        i += 1;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A question found in a folded line, and what follows it there (their answer, if any).
fn question_in(f: &str) -> Option<(u8, String)> {
    let w = words(f).join(" ");
    if w.len() < 12 {
        return None;
    }
    let h = questions::heads()
        .iter()
        .find(|h| contains_words(&w, &h.words))?;
    let after = if h.parenthesis {
        f.rfind(')').or_else(|| f.find('?'))
    } else {
        f.find('?')
    };
    let rest = after.map_or(String::new(), |i| f[i + 1..].to_string());
    Some((h.number, rest))
}

/// `hay` holds `needle` as whole words (both single-space joined).
fn contains_words(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let s = from + i;
        let e = s + needle.len();
        let before = s == 0 || hay.as_bytes()[s - 1] == b' ';
        let after = e == hay.len() || hay.as_bytes()[e] == b' ';
        if before && after {
            return true;
        }
        from = s + 1;
    }
    false
}

/// One line of their own text (folded), with the question a quoted or copied question above
/// it named.
struct Line {
    hint: Option<u8>,
    /// A question was seen just before this line.
    fresh: bool,
    text: String,
}

fn phrase_is(w: &[String], list: &[&str]) -> bool {
    let j = w.join(" ");
    list.contains(&j.as_str())
}

fn own_lines(body: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut hint = None;
    let mut fresh = false;
    let mut pos = 0;
    let mut started = false;
    for raw in body.split_inclusive('\n') {
        pos += raw.len();
        let rest = &body[pos..];
        let t = raw.trim();
        let quoted = t.starts_with('>');
        let tq = t.trim_start_matches(['>', ' ', '\t']);
        let f = fold(tq);
        if let Some((n, after)) = question_in(&f) {
            hint = Some(n);
            fresh = true;
            if !quoted && !words(&after).is_empty() {
                out.push(Line {
                    hint,
                    fresh,
                    text: after,
                });
                fresh = false;
                started = true;
            }
            continue;
        }
        if quoted || t.is_empty() {
            continue;
        }
        match cut_kind(t, rest) {
            Cut::Here => break,
            Cut::Attribution { .. } => continue,
            Cut::No => {}
        }
        let w = words(&f);
        if w.is_empty() {
            continue;
        }
        // "Best," "Viele Grüße, Anna": the answer is over. "Hi Tess," before it: skipped.
        let closing = (1..=w.len().min(4)).any(|k| phrase_is(&w[..k], CLOSINGS))
            && w.len() <= 5
            && !t.contains('?');
        if closing {
            if started {
                break;
            }
            continue;
        }
        let greeting = GREETINGS.contains(&w[0].as_str())
            && (t.ends_with([',', '!', ':'])
                || (w.len() <= 3 && !["liebe", "lieber"].contains(&w[0].as_str())));
        if !started && w.len() <= 5 && greeting {
            continue;
        }
        started = true;
        out.push(Line {
            hint,
            fresh,
            text: f,
        });
        fresh = false;
    }
    out
}

/// A stretch of their text and the question it answers (None: free text).
struct Segment {
    question: Option<u8>,
    text: String,
}

/// Splits at answer numbers ("1.", "2)", "3 -", "Q4:") and at quoted questions.
fn segments(lines: &[Line]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current: Option<u8> = None;
    let mut last: u8 = 0;
    let mut last_from_hint = false;
    for line in lines {
        if line.fresh {
            current = line.hint;
            last = line.hint.unwrap_or(0);
            last_from_hint = true;
        }
        let marks = markers(&line.text, last, last_from_hint);
        let mut start = 0;
        for (at, end, n) in marks {
            if at > start {
                push(&mut out, current, &line.text[start..at]);
            }
            current = Some(n);
            last = n;
            last_from_hint = false;
            start = end;
        }
        push(&mut out, current, &line.text[start..]);
    }
    out
}

fn push(out: &mut Vec<Segment>, q: Option<u8>, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    match out.last_mut() {
        Some(s) if s.question == q => {
            s.text.push('\n');
            s.text.push_str(text);
        }
        _ => out.push(Segment {
            question: q,
            text: text.to_string(),
        }),
    }
}

/// Answer numbers in a line: (start, end of the marker, number).
fn markers(line: &str, mut last: u8, mut from_hint: bool) -> Vec<(usize, usize, u8)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let lead = line.len() - line.trim_start().len();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if !(b'1'..=b'5').contains(&c) {
            i += 1;
            continue;
        }
        let n = c - b'0';
        // What stands before: the line's start (after "q", "#", "(" or "frage"), or a space.
        let before = line[..i].trim_end_matches(['#', '(', ' ', '\t']);
        let before_word = before
            .rsplit(|ch: char| !ch.is_alphanumeric())
            .next()
            .unwrap_or("");
        let at_start = before.trim().is_empty()
            || (before.len() <= lead + 9
                && ["q", "frage", "question", "pregunta"].contains(&before.trim()));
        let prev_ok = i == 0 || !b[i - 1].is_ascii_alphanumeric() || at_start;
        let next = b.get(i + 1).copied();
        let next_ok = match next {
            None => true,
            Some(d) if d.is_ascii_digit() => false,
            Some(b'.') | Some(b',') => !b.get(i + 2).is_some_and(|d| d.is_ascii_digit()),
            Some(b'-') | Some(b'/') => !b.get(i + 2).is_some_and(|d| d.is_ascii_digit()),
            Some(b')') | Some(b':') | Some(b' ') | Some(b'\t') => true,
            Some(_) => false,
        };
        let placed = at_start || !out.is_empty();
        let rising = n > last || (n == last && from_hint && at_start);
        if prev_ok && next_ok && placed && rising {
            let after_word = words(&line[i + 1..]).into_iter().next().unwrap_or_default();
            let counted = UNITS.iter().any(|(u, _)| *u == after_word)
                || TIMES_WORD.contains(&after_word.as_str())
                || ["weeks", "hours", "h", "x", "mal", "fois", "veces"]
                    .contains(&after_word.as_str());
            let after_every = EVERY.contains(&before_word)
                || [
                    "les", "per", "pro", "par", "por", "or", "oder", "ou", "o", "to", "bis", "a",
                    "y", "and", "und", "et",
                ]
                .contains(&before_word);
            if !counted && (!after_every || at_start) {
                let mut end = i + 1;
                while end < b.len() && matches!(b[end], b'.' | b')' | b':' | b'-' | b'/') {
                    end += 1;
                }
                out.push((if at_start { lead.min(i) } else { i }, end, n));
                last = n;
                from_hint = false;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A clause: its words.
type Clause = Vec<String>;

/// Sentences and clauses: breaks at `.!?;:`, line ends, commas, brackets, " - " and "but"
/// (not after "anything": "anything but phone" is one clause).
fn clauses(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    for piece in text.split(['.', '!', '?', ';', ':', '\n', ',', '(', ')', '¿', '¡']) {
        let mut cur: Clause = Vec::new();
        for w in words(piece) {
            let breaks = [
                "but", "aber", "mais", "pero", "sondern", "however", "though",
            ]
            .contains(&w.as_str())
                && !cur.last().is_some_and(|l| ANY.contains(&l.as_str()));
            if breaks {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            }
            cur.push(w);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

/// Positions where `phrase` (space-separated words) starts in `c`.
fn find(c: &[String], phrase: &str) -> Vec<usize> {
    let p: Vec<&str> = phrase.split(' ').collect();
    if p.len() > c.len() {
        return Vec::new();
    }
    (0..=c.len() - p.len())
        .filter(|&i| p.iter().enumerate().all(|(k, w)| c[i + k] == *w))
        .collect()
}

fn has_any(c: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| !find(c, p).is_empty())
}

fn word_in(c: &[String], list: &[&str]) -> bool {
    c.iter().any(|w| list.contains(&w.as_str()))
}

/// Negations that do not refuse anything: "don't mind", "no more than", "kein Problem".
const NEUTRAL: &[&str] = &[
    "dont mind",
    "do not mind",
    "dont hesitate",
    "do not hesitate",
    "no problem",
    "not a problem",
    "no more than",
    "not more than",
    "not more often than",
    "no more often than",
    "nothing against",
    "no objection",
    "not only",
    "kein problem",
    "nichts gegen",
    "nicht mehr als",
    "nicht ofter als",
    "nicht nur",
    "pas de probleme",
    "pas plus de",
    "pas plus d",
    "pas plus que",
    "pas plus souvent",
    "n hesitez pas",
    "ne pas hesiter",
    "no hay problema",
    "no mas de",
    "no mas que",
    "no solo",
    "no me importa",
    "sin problema",
    "no dude",
    "no dudes",
    "no dudeis",
    "no preference",
];

/// Positions of negations that refuse, in `c`.
fn negations(c: &[String]) -> Vec<usize> {
    let mut neutral = vec![false; c.len()];
    for p in NEUTRAL {
        let n = p.split(' ').count();
        for i in find(c, p) {
            for x in neutral.iter_mut().skip(i).take(n) {
                *x = true;
            }
        }
    }
    c.iter()
        .enumerate()
        .filter(|(i, w)| !neutral[*i] && NEGATIONS.contains(&w.as_str()))
        .map(|(i, _)| i)
        .collect()
}

/// The words just after a mention that refuse it: "phone no", "Telefon nicht".
fn refused_after(c: &[String], end: usize) -> bool {
    c.get(end).is_some_and(|w| {
        [
            "no", "not", "never", "nein", "nicht", "nie", "non", "pas", "jamais", "nunca", "please",
        ]
        .contains(&w.as_str())
            && (w != "please" || c.get(end + 1).is_some_and(|x| x == "no" || x == "not"))
    })
}

/// Strength of a reading: in the answer to its own question, or in free text.
type Prio = u8;

#[derive(Default)]
struct Reading {
    contact: Option<(Prio, bool)>,
    channels: [Option<(Prio, bool)>; 4],
    preferred: Option<(Prio, Channel)>,
    frequency: Option<(Prio, Frequency)>,
    interests: Vec<String>,
    not_topics: Vec<String>,
    language: Option<(Prio, &'static str)>,
}

const CH: [Channel; 4] = [
    Channel::Email,
    Channel::Phone,
    Channel::Sms,
    Channel::Linkedin,
];

fn ch_index(c: Channel) -> usize {
    CH.iter().position(|x| *x == c).unwrap_or(0)
}

/// Keeps the stronger reading; of two as strong, the first (or the later, `later_wins`).
fn set<T>(slot: &mut Option<(Prio, T)>, prio: Prio, v: T, later_wins: bool) {
    match slot {
        Some((p, _)) if *p > prio || (*p == prio && !later_wins) => {}
        _ => *slot = Some((prio, v)),
    }
}

impl Reading {
    fn proposal(self) -> Proposal {
        Proposal {
            contact: self.contact.map(|(_, v)| v),
            channels: CH
                .iter()
                .zip(self.channels)
                .filter(|(_, s)| s.is_some_and(|(_, ok)| ok))
                .map(|(c, _)| *c)
                .collect(),
            preferred: self.preferred.map(|(_, c)| c),
            frequency: self.frequency.map(|(_, f)| f),
            interests: self.interests,
            not_topics: self.not_topics,
            language: self.language.map(|(_, l)| l.to_string()),
        }
        .normalised()
    }
}

/// Channel mentions in a clause: (start, end, channel).
fn channel_mentions(c: &[String], q1: bool) -> Vec<(usize, usize, Channel)> {
    let mut out: Vec<(usize, usize, Channel)> = Vec::new();
    let mut taken = vec![false; c.len()];
    let mut all: Vec<(usize, usize, Channel)> = Vec::new();
    for (ch, phrases) in CHANNELS {
        for p in *phrases {
            let n = p.split(' ').count();
            for i in find(c, p) {
                all.push((i, i + n, *ch));
            }
        }
    }
    if q1 {
        for i in find(c, TEXT_ALONE) {
            all.push((i, i + 1, Channel::Sms));
        }
    }
    // Longest first, then left to right.
    all.sort_by_key(|(s, e, _)| (std::cmp::Reverse(e - s), *s));
    for (s, e, ch) in all {
        if taken[s..e].iter().any(|t| *t) {
            continue;
        }
        // "your email", "this mail", "my email address": not a way to reach them.
        let det = s > 0
            && [
                "your", "this", "that", "ihre", "ihrer", "deine", "diese", "dieser", "votre", "ce",
                "cet", "cette", "tu", "su", "este", "esta", "vuestro", "the", "ihr",
            ]
            .contains(&c[s - 1].as_str());
        let address = c.get(e).is_some_and(|w| {
            ["address", "adresse", "direccion", "signature"].contains(&w.as_str())
        });
        if (det && !q1) || address {
            continue;
        }
        for t in &mut taken[s..e] {
            *t = true;
        }
        out.push((s, e, ch));
    }
    out.sort_by_key(|(s, _, _)| *s);
    out
}

const CONTACT_VERBS: &[&str] = &[
    "contact",
    "contacted",
    "contacting",
    "reach",
    "hear",
    "kontaktieren",
    "kontaktiert",
    "kontaktiere",
    "kontakt",
    "melden",
    "contacter",
    "contactez",
    "contacte",
    "recontacter",
    "contactar",
    "contacten",
    "contacteis",
    "contactarme",
    "contactes",
];

const QUALIFIERS: &[&str] = &[
    "before",
    "after",
    "during",
    "at",
    "unless",
    "only",
    "when",
    "if",
    "until",
    "about",
    "regarding",
    "vor",
    "nach",
    "wahrend",
    "nur",
    "wenn",
    "falls",
    "bis",
    "uber",
    "avant",
    "apres",
    "pendant",
    "sauf",
    "seulement",
    "quand",
    "si",
    "sur",
    "antes",
    "despues",
    "durante",
    "solo",
    "cuando",
    "hasta",
    "sobre",
    "weekend",
    "weekends",
    "work",
    "evening",
    "evenings",
    "morning",
    "mornings",
];

fn read_channels(cls: &[Clause], q: Option<u8>, r: &mut Reading) {
    let q1 = q == Some(1);
    let prio: Prio = if q1 { 2 } else { 1 };
    let mut prev_neg_channels = false;
    for c in cls {
        let ments = channel_mentions(c, q1);
        let negs = negations(c);
        let topics_here = !topic_mentions(c, q).is_empty();
        // No contact at all.
        if ments.is_empty() && !topics_here {
            let no = has_any(c, NO_CONTACT)
                || (q1 && phrase_is(&strip_please(c), NO_CONTACT_ALONE))
                || (!negs.is_empty()
                    && c.iter().enumerate().any(|(i, w)| {
                        CONTACT_VERBS.contains(&w.as_str()) && negs.iter().any(|n| *n < i)
                    })
                    && !word_in(c, QUALIFIERS));
            if no {
                set(&mut r.contact, prio, false, false);
                continue;
            }
            let yes = has_any(c, YES_CONTACT)
                || (q1 && c.first().is_some_and(|w| YES_ALONE.contains(&w.as_str())))
                || (q1 && phrase_is(&strip_please(c), YES_ALONE));
            if yes {
                set(&mut r.contact, prio, true, false);
            }
        } else if has_any(c, YES_CONTACT) {
            set(&mut r.contact, prio, true, false);
        }
        // "anything but phone", "alles außer Telefon": the others.
        let any_at = c.iter().position(|w| ANY.contains(&w.as_str()));
        let except_at = c.iter().position(|w| {
            [
                "but", "except", "ausser", "sauf", "excepto", "salvo", "menos", "apart",
            ]
            .contains(&w.as_str())
        });
        if let (Some(a), Some(e)) = (any_at, except_at)
            && a < e
            && ments.iter().any(|(s, _, _)| *s > e)
        {
            for ch in CH {
                let refused = ments.iter().any(|(s, _, m)| *s > e && *m == ch);
                set(&mut r.channels[ch_index(ch)], prio, !refused, true);
            }
            continue;
        }
        if ments.is_empty() {
            // "any", "all of them", "alle", "peu importe" in answer to question 1.
            if q1
                && negs.is_empty()
                && c.len() <= 5
                && (word_in(
                    c,
                    &[
                        "any",
                        "all",
                        "alle",
                        "alles",
                        "tous",
                        "toutes",
                        "todos",
                        "cualquiera",
                        "everything",
                        "anything",
                    ],
                ) || has_any(c, &["all of the above", "any of them"]))
            {
                for ch in CH {
                    set(&mut r.channels[ch_index(ch)], prio, true, false);
                }
            }
            prev_neg_channels = false;
            continue;
        }
        let cue = q1 || word_in(c, CHANNEL_CUES);
        let list_like = c.iter().enumerate().all(|(i, w)| {
            ments.iter().any(|(s, e, _)| i >= *s && i < *e)
                || [
                    "and", "or", "und", "oder", "et", "ou", "y", "o", "nor", "ni", "also", "auch",
                ]
                .contains(&w.as_str())
        });
        let mut any_neg = false;
        for (s, e, ch) in &ments {
            let negated = negs.iter().any(|n| n < s)
                || refused_after(c, *e)
                || (list_like && prev_neg_channels && negs.is_empty());
            if negated {
                any_neg = true;
                set(&mut r.channels[ch_index(*ch)], prio, false, true);
            } else if cue || list_like {
                set(&mut r.channels[ch_index(*ch)], prio, true, true);
            }
        }
        prev_neg_channels = any_neg;
        // Preferred: the nearest wanted channel to "prefer", "ideally", "am liebsten".
        if let Some(p) = c.iter().position(|w| PREFER.contains(&w.as_str()))
            && !has_any(
                c,
                &[
                    "no preference",
                    "keine praferenz",
                    "pas de preference",
                    "sin preferencia",
                ],
            )
        {
            let best = ments
                .iter()
                .filter(|(s, e, _)| !negs.iter().any(|n| n < s) && !refused_after(c, *e))
                .min_by_key(|(s, _, _)| {
                    // After the cue first ("I prefer email"), then before ("email preferred").
                    if *s > p { (s - p) * 2 } else { (p - s) * 2 + 1 }
                });
            if let Some((_, _, ch)) = best {
                set(&mut r.preferred, prio, *ch, false);
                set(&mut r.channels[ch_index(*ch)], prio, true, false);
            }
        }
    }
}

fn strip_please(c: &[String]) -> Vec<String> {
    c.iter()
        .filter(|w| {
            ![
                "please", "bitte", "svp", "merci", "gracias", "thanks", "thank", "you",
            ]
            .contains(&w.as_str())
        })
        .cloned()
        .collect()
}

fn number(w: &str) -> Option<f32> {
    if let Ok(n) = w.parse::<f32>() {
        return Some(n);
    }
    NUMBERS.iter().find(|(x, _)| *x == w).map(|(_, n)| *n)
}

fn from_days(d: f32) -> Frequency {
    if d <= 10.0 {
        Frequency::Weekly
    } else if d <= 21.0 {
        Frequency::Biweekly
    } else if d <= 45.0 {
        Frequency::Monthly
    } else {
        Frequency::Quarterly
    }
}

/// "every 2-3 months", "once a month", "zweimal im Monat", "tous les trois mois".
fn interval(c: &[String]) -> Option<Frequency> {
    for (i, w) in c.iter().enumerate() {
        let Some(unit) = UNITS.iter().find(|(u, _)| *u == w).map(|(_, d)| *d) else {
            continue;
        };
        let back = &c[i.saturating_sub(5)..i];
        // N times per unit.
        if let Some(t) = back
            .iter()
            .find_map(|w| TIMES.iter().find(|(x, _)| *x == w).map(|(_, n)| *n))
        {
            return Some(from_days(unit / t));
        }
        if let Some(k) = back.iter().position(|w| TIMES_WORD.contains(&w.as_str()))
            && k > 0
            && let Some(n) = number(&back[k - 1])
        {
            return Some(from_days(unit / n.max(1.0)));
        }
        // Every N units.
        if let Some(k) = back.iter().rposition(|w| EVERY.contains(&w.as_str())) {
            let nums: Vec<f32> = back[k + 1..]
                .iter()
                .filter(|w| *w != "a")
                .filter_map(|w| number(w))
                .collect();
            let n = if nums.is_empty() {
                1.0
            } else {
                nums.iter().sum::<f32>() / nums.len() as f32
            };
            return Some(from_days(unit * n));
        }
    }
    None
}

fn read_frequency(cls: &[Clause], q: Option<u8>, r: &mut Reading) {
    let q2 = q == Some(2);
    let prio: Prio = if q2 { 2 } else { 1 };
    for (k, c) in cls.iter().enumerate() {
        if has_any(c, NO_PREFERENCE) {
            continue;
        }
        // "nur, wenn ich mich melde": the condition may follow a comma.
        let joined: Clause;
        let c = if c.last().is_some_and(|w| ONLY.contains(&w.as_str()))
            && let Some(next) = cls.get(k + 1)
        {
            joined = c.iter().chain(next).cloned().collect();
            &joined
        } else {
            c
        };
        // A refused frequency ("not weekly") says what they do not want, not what they do.
        let negs = negations(c);
        let only_when = has_any(c, ONLY_WHEN_PHRASES)
            || c.iter().enumerate().any(|(i, w)| {
                (ONLY.contains(&w.as_str()) || (q2 && i == 0))
                    && c[i..].iter().take(4).any(|x| WHEN_IF.contains(&x.as_str()))
                    && c[i..]
                        .iter()
                        .take(7)
                        .any(|x| I_MYSELF.contains(&x.as_str()))
            });
        if only_when {
            set(&mut r.frequency, prio, Frequency::OnlyWhenTheyWrite, false);
            continue;
        }
        let mut found = None;
        for (f, phrases) in FREQUENCIES {
            for p in *phrases {
                if let Some(i) = find(c, p).first()
                    && found.is_none_or(|(j, _)| *i < j)
                {
                    found = Some((*i, *f));
                }
            }
        }
        let found = found
            .map(|(i, f)| (Some(i), f))
            .or_else(|| interval(c).map(|f| (None, f)));
        if let Some((at, f)) = found {
            let refused = match at {
                Some(i) => negs.iter().any(|n| *n < i),
                None => !negs.is_empty(),
            };
            if !refused {
                set(&mut r.frequency, prio, f, false);
            }
            continue;
        }
        if q2 && has_any(c, NEVER) {
            set(&mut r.frequency, prio, Frequency::Never, false);
        }
    }
}

/// Topic mentions: (start, end, tag). "go" and "data" only where a topic is asked for or
/// beside another topic.
fn topic_mentions(c: &[String], q: Option<u8>) -> Vec<(usize, usize, &'static str)> {
    let mut all: Vec<(usize, usize, &'static str)> = Vec::new();
    for (tag, phrases) in TOPICS {
        for p in *phrases {
            let n = p.split(' ').count();
            for i in find(c, p) {
                all.push((i, i + n, tag));
            }
        }
    }
    all.sort_by_key(|(s, e, _)| (std::cmp::Reverse(e - s), *s));
    let mut taken = vec![false; c.len()];
    let mut out = Vec::new();
    for (s, e, tag) in all {
        if taken[s..e].iter().any(|t| *t) {
            continue;
        }
        for t in &mut taken[s..e] {
            *t = true;
        }
        out.push((s, e, tag));
    }
    let asked = matches!(q, Some(3) | Some(4));
    let others = out.len() > 1;
    out.retain(|(s, e, tag)| {
        let single = e - s == 1;
        match (*tag, single) {
            ("go", true) => {
                asked
                    || (others
                        && !(*s > 0
                            && ["to", "lets", "ll", "will", "can", "let"]
                                .contains(&c[s - 1].as_str())))
            }
            ("data", true) => {
                (asked || others)
                    && !(*s > 0
                        && [
                            "my",
                            "your",
                            "personal",
                            "meine",
                            "meinen",
                            "mes",
                            "mis",
                            "personnelles",
                            "personales",
                            "ihre",
                        ]
                        .contains(&c[s - 1].as_str()))
            }
            ("management", true) => {
                !(*s > 0 && ["hiring", "account", "project"].contains(&c[s - 1].as_str()))
            }
            _ => true,
        }
    });
    out.sort_by_key(|(s, _, _)| *s);
    out
}

/// Words a one-word item of a list is never a topic.
const NOT_A_TAG: &[&str] = &[
    "nope",
    "nah",
    "none",
    "nothing",
    "everything",
    "open",
    "anything",
    "all",
    "yes",
    "no",
    "sure",
    "really",
    "currently",
    "now",
    "thanks",
    "everything",
    "alles",
    "nichts",
    "rien",
    "tout",
    "nada",
    "todo",
    "ninguno",
    "ninguna",
    "keine",
    "nein",
    "non",
    "aucun",
    "aucune",
    "egal",
    "idem",
    "same",
    "ditto",
    "later",
    "see",
    "above",
    "below",
    "it",
    "that",
    "this",
    "these",
    "those",
];

fn read_topics(cls: &[Clause], q: Option<u8>, r: &mut Reading) {
    let mut prev: Option<bool> = None; // polarity of the previous clause's topics
    for c in cls {
        let ments = topic_mentions(c, q);
        let negs = negations(c);
        let filler_or_topic = |i: usize, w: &String| {
            ments.iter().any(|(s, e, _)| i >= *s && i < *e) || FILLER.contains(&w.as_str())
        };
        let list_like = c.iter().enumerate().all(|(i, w)| filler_or_topic(i, w));
        if ments.is_empty() {
            // An item of a list that we do not know: kept as written, in an answer to 3 or 4.
            let rest: Vec<&String> = c
                .iter()
                .filter(|w| !FILLER.contains(&w.as_str()) && !NEGATIONS.contains(&w.as_str()))
                .collect();
            let unknown_ok = matches!(q, Some(3) | Some(4))
                && rest.len() == 1
                && rest[0].len() >= 3
                && rest[0].chars().all(|ch| ch.is_alphabetic())
                && !NOT_A_TAG.contains(&rest[0].as_str())
                && channel_mentions(c, false).is_empty()
                && !LANGUAGE_WORDS
                    .iter()
                    .any(|(_, ws)| ws.contains(&rest[0].as_str()))
                && interval(c).is_none()
                && !FREQUENCIES
                    .iter()
                    .any(|(_, ws)| ws.contains(&rest[0].as_str()));
            if unknown_ok {
                let neg = q == Some(4)
                    || !negs.is_empty()
                    || (prev == Some(false) && negs.is_empty() && c.len() <= 2 && q != Some(3));
                let tag = rest[0].clone();
                if neg {
                    r.not_topics.push(tag);
                } else {
                    r.interests.push(tag);
                }
                prev = Some(!neg);
            } else {
                prev = None;
            }
            continue;
        }
        let cue = word_in(c, INTEREST_CUES);
        for (s, e, tag) in &ments {
            let negated = negs.iter().any(|n| n < s)
                || refused_after(c, *e)
                || q == Some(4)
                || (list_like && negs.is_empty() && prev == Some(false));
            if negated {
                r.not_topics.push(tag.to_string());
            } else if q == Some(3) || cue || list_like {
                r.interests.push(tag.to_string());
            }
        }
        let any_neg = ments
            .iter()
            .any(|(s, e, _)| negs.iter().any(|n| n < s) || refused_after(c, *e) || q == Some(4));
        prev = Some(!(any_neg || (list_like && prev == Some(false))));
    }
}

const LANGUAGE_CUES: &[&str] = &[
    "language",
    "languages",
    "sprache",
    "langue",
    "idioma",
    "lengua",
    "prefer",
    "preferably",
    "preferred",
    "rather",
    "bevorzugt",
    "bevorzuge",
    "lieber",
    "prefere",
    "preferable",
    "prefiero",
    "preferiblemente",
    "preferentemente",
    "write",
    "schreiben",
    "schreibt",
    "ecrire",
    "ecrivez",
    "escribir",
    "escriban",
    "escribais",
    "escribanme",
    "correspond",
    "correspondence",
    "communicate",
    "communication",
    "kommunikation",
    "communiquer",
    "comunicar",
    "auf",
    "please",
    "bitte",
    "svp",
    "favor",
];

fn read_language(cls: &[Clause], q: Option<u8>, r: &mut Reading) {
    let q5 = q == Some(5);
    for c in cls {
        if q5 && has_any(c, NO_PREFERENCE) {
            continue;
        }
        let negs = negations(c);
        let found = c.iter().enumerate().find_map(|(i, w)| {
            LANGUAGE_WORDS
                .iter()
                .find(|(_, ws)| ws.contains(&w.as_str()))
                .map(|(code, _)| (i, *code))
        });
        let Some((i, code)) = found else { continue };
        if negs.iter().any(|n| *n < i) {
            continue;
        }
        // "en français", "en inglés": the preposition is a cue in French and Spanish.
        let en_before = i > 0 && c[i - 1] == "en";
        if q5 {
            set(&mut r.language, 2, code, false);
        } else if word_in(c, LANGUAGE_CUES) || en_before {
            set(&mut r.language, 1, code, false);
        }
    }
}
