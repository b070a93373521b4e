//! English rules about lists and records: "unsubscribe", "remove me from your list", "take me
//! off", "opt out", "delete my data".

use super::{Hit, hit, list_noun};
use crate::consent::optout::sentence::S;

/// Damerau-Levenshtein distance ≤ 1 from "unsubscribe" (typos: "unsubcribe", "unsusbcribe").
pub(super) fn near_unsubscribe(t: &str) -> bool {
    const TARGET: &[u8] = b"unsubscribe";
    let w = t.as_bytes();
    if !(10..=12).contains(&w.len()) || !w.starts_with(b"un") {
        return false;
    }
    osa_distance(w, TARGET) <= 1
}

/// Optimal string alignment distance for short ASCII words (≤ 16 bytes).
fn osa_distance(a: &[u8], b: &[u8]) -> usize {
    const N: usize = 17;
    if a.len() >= N || b.len() >= N {
        return usize::MAX;
    }
    let mut d = [[0usize; N]; N];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

fn is_unsub_word(w: &str) -> bool {
    matches!(w, "unsubscribe" | "unsubscribing" | "unsub") || near_unsubscribe(w)
}

/// "unsubscribe (me)", "how do I unsubscribe", "the unsubscribe link is broken".
pub(super) fn en_unsubscribe(s: &S, i: usize) -> Option<Hit> {
    // "I'm not trying to unsubscribe", "no need to unsubscribe me": the sentence is about
    // *not* unsubscribing.
    for j in s.a..s.b {
        if is_unsub_word(s.w(j))
            && s.has(
                j.saturating_sub(4),
                j,
                &["not", "t", "never", "need", "without"],
            )
        {
            return None;
        }
    }
    // "unsubscribe from the daily alerts but keep the weekly digest": a partial change.
    if s.has(i + 1, s.b, &["keep", "still", "except"]) {
        return None;
    }
    // "can you unsubscribe my colleague / her?": someone else.
    let (f1, f2) = (s.f(i, 1), s.f(i, 2));
    if matches!(f1, "him" | "her" | "them")
        || (f1 == "my" && !matches!(f2, "email" | "address" | "account" | "details" | "e"))
    {
        return None;
    }
    // "unsubscribe my old work address … and keep this one": address housekeeping.
    if s.f(i, 1) == "my"
        && s.has(
            i + 2,
            i + 5,
            &["old", "previous", "other", "work", "former", "second"],
        )
    {
        return None;
    }
    hit("en", i)
}

/// "I unsubscribed twice and still get these" (yes) vs "I unsubscribed from LinkedIn" (no).
pub(super) fn en_unsubscribed(s: &S, i: usize) -> Option<Hit> {
    if s.has(
        s.a,
        s.b,
        &["accident", "accidentally", "mistake", "mistakenly", "back"],
    ) {
        return None;
    }
    if s.f(i, 1) == "from" {
        return s
            .has(
                i + 2,
                i + 5,
                &["your", "you", "yours", "this", "these", "ur", "all"],
            )
            .then(|| hit("en", i))?;
    }
    hit("en", i)
}

/// "remove me (from your list)", "remove my email from your database", "remove all my data".
pub(super) fn en_remove(s: &S, i: usize) -> Option<Hit> {
    if s.w(i) == "removed" {
        // "I want to be removed from your list", "please have me removed".
        if !matches!(s.p(i, 1), "be" | "me" | "get" | "being") {
            return None;
        }
        return en_from_list(s, i + 1, true);
    }
    match s.f(i, 1) {
        "me" | "us" | "myself" => en_from_list(s, i + 2, true),
        "all" | "my" => {
            let mut j = i + 1;
            if s.w(j) == "all" {
                j += 1;
                if s.w(j) == "of" {
                    j += 1;
                }
            }
            if s.w(j) != "my" {
                return None;
            }
            j += 1;
            if s.w(j) == "personal" {
                j += 1;
            }
            let obj = s.w(j);
            let obj_end = if obj == "contact" && s.f(j, 1) == "details" {
                j + 2
            } else {
                j + 1
            };
            match obj {
                // Personal data: removing it means erasing it.
                "data" | "information" | "info" | "details" | "profile" | "records" => {
                    en_from_list(s, obj_end, true).map(|mut h| {
                        h.at = i;
                        h
                    })
                }
                // Addresses: only when removed *from a list* ("remove my old address" is not).
                "email" | "address" | "name" | "contact" | "number" | "e" => {
                    let obj_end = if s.w(obj_end) == "address" {
                        obj_end + 1
                    } else {
                        obj_end
                    };
                    en_from_list(s, obj_end, false).map(|mut h| {
                        h.at = i;
                        h
                    })
                }
                _ => None,
            }
        }
        // "REMOVE" as a whole sentence.
        _ if s.alone(i) => hit("en", i),
        _ => None,
    }
}

/// After "remove me": nothing more, or "from" + a list-like thing (not "from consideration").
fn en_from_list(s: &S, j: usize, bare_ok: bool) -> Option<Hit> {
    let at = j.saturating_sub(1);
    if s.w(j) == "from" || s.w(j) == "off" || s.w(j) == "of" {
        let end = s.clause_end(j);
        return s
            .find(j + 1, (j + 7).min(end), list_noun)
            .and_then(|_| hit("en", at));
    }
    let next = s.fc(at, 1);
    (bare_ok
        && (next.is_empty()
            || matches!(
                next,
                "please" | "pls" | "now" | "asap" | "immediately" | "thanks" | "thank" | "and"
            )))
    .then(|| hit("en", at))?
}

/// "take me off your list", "take my name off your mailing list", "take me out of your database".
pub(super) fn en_take_off(s: &S, i: usize) -> Option<Hit> {
    let mut j = i + 1;
    match s.w(j) {
        "me" | "us" => j += 1,
        "my" => {
            j += 2;
            if s.w(j) == "address" {
                j += 1;
            }
        }
        _ => return None,
    }
    match s.w(j) {
        "off" | "of" => {}
        "out" if s.f(j, 1) == "of" => j += 1,
        _ => return None,
    }
    if s.fc(j, 1).is_empty() || matches!(s.fc(j, 1), "please" | "now" | "asap") {
        return hit("en", i);
    }
    let end = s.clause_end(j);
    s.find(j + 1, (j + 6).min(end), list_noun)
        .and_then(|_| hit("en", i))
}

/// "opt me out", "opt out", "I opted out (of your list)".
pub(super) fn en_opt(s: &S, i: usize) -> Option<Hit> {
    let w = s.w(i);
    let out = if w == "optout" {
        i
    } else if s.f(i, 1) == "out" {
        i + 1
    } else if s.f(i, 1) == "me" && s.f(i, 2) == "out" {
        i + 2
    } else {
        return None;
    };
    if w == "opted" && s.f(out, 1) == "of" {
        return s
            .has(out + 2, out + 5, &["your", "you", "this", "these", "all"])
            .then(|| hit("en", i))?;
    }
    if s.has(i.saturating_sub(3), i, &["not", "t", "never"]) {
        return None;
    }
    hit("en", i)
}

/// "delete my (personal) data / details / profile".
pub(super) fn en_delete(s: &S, i: usize) -> Option<Hit> {
    let mut j = i + 1;
    if s.w(j) == "all" {
        j += 1;
        if s.w(j) == "of" {
            j += 1;
        }
    }
    if s.w(j) != "my" {
        return None;
    }
    j += 1;
    if s.w(j) == "personal" {
        j += 1;
    }
    matches!(
        s.w(j),
        "data" | "details" | "information" | "info" | "profile" | "records" | "account"
    )
    .then(|| hit("en", i))?
}
