//! The one-line preview of a body shown in the inbox list.

use super::truncate_chars;
use crate::sanitize::sanitize_line;

/// The first meaningful text of a body, for the inbox list: quoted lines (`>`), reply
/// attributions ("On … wrote:") and everything after a signature separator (`-- `) or a
/// forwarded/original-message marker are skipped; lines are joined with single spaces and the
/// result is cut at `max_chars` characters (the last one being `…` when cut).
pub fn snippet(body: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    // Collect a little more than needed, then clean and cut.
    let budget = max_chars.saturating_mul(4).saturating_add(16);
    let mut collected = String::new();
    // Lazily: most bodies give their snippet in the first lines, before long quoted histories.
    let mut lines = body.lines().take(400).peekable();
    while collected.len() < budget {
        let Some(line) = lines.next() else { break };
        let line = line.trim_end();
        let t = line.trim_start();
        // Bodies are sanitized, so the "-- " separator has lost its trailing space.
        if line == "--" || is_original_marker(t) {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        let next = lines.peek().copied();
        if is_attribution(t, next) {
            continue;
        }
        // Two-line attribution: "On Mon, … Bob <" / "bob@example.com> wrote:".
        if let Some(next) = next
            && starts_like_attribution(t)
            && is_attribution_end(next.trim())
        {
            lines.next();
            continue;
        }
        if t.is_empty() || (collected.is_empty() && is_greeting(t)) {
            continue;
        }
        if !collected.is_empty() {
            collected.push(' ');
        }
        collected.push_str(t);
    }
    let mut text = sanitize_line(&collected);
    if text.is_empty() {
        // Nothing but quotes: better to show the quote than nothing.
        let head: String = body.chars().take(budget).collect();
        text = sanitize_line(&head);
    }
    truncate_chars(&text, max_chars)
}

/// "Hi Alice," / "Hallo," / "Dear Ms Smith,": a salutation says nothing in a one-line preview.
fn is_greeting(line: &str) -> bool {
    const OPENERS: &[&str] = &[
        "hi",
        "hello",
        "hey",
        "dear",
        "hallo",
        "liebe",
        "lieber",
        "guten tag",
        "moin",
        "servus",
        "bonjour",
        "salut",
        "cher",
        "chère",
        "hola",
        "buenos días",
        "buenas",
        "estimado",
        "estimada",
        "ciao",
        "buongiorno",
        "hej",
        "hei",
        "good morning",
        "good afternoon",
    ];
    let l = line.to_lowercase();
    line.chars().count() <= 40
        && (l.ends_with(',') || l.ends_with('!') || !l.contains(' '))
        && OPENERS.iter().any(|o| {
            l.strip_prefix(o)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ',', '!']))
        })
}
fn is_original_marker(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    l.starts_with("-----original message-----")
        || l.starts_with("---------- forwarded message")
        || l.starts_with("-------- original message")
        || l.starts_with("-----ursprüngliche nachricht-----")
        || (t.len() >= 20 && t.chars().all(|c| c == '_'))
}

/// Verbs of reply attributions ("wrote", "schrieb", "a écrit", …), lower-case.
const ATTRIBUTION_VERBS: &[&str] = &[
    "wrote",
    "writes",
    "schrieb",
    "écrit",
    "escribió",
    "scritto",
    "schreef",
    "skrev",
    "napisał",
    "написал",
];

/// A line ending in ':' that names a reply verb.
fn is_attribution_end(t: &str) -> bool {
    if !t.ends_with(':') {
        return false;
    }
    let l = t.to_lowercase();
    ATTRIBUTION_VERBS.iter().any(|v| l.contains(v))
}

fn starts_like_attribution(t: &str) -> bool {
    [
        "On ", "Am ", "Le ", "El ", "Il ", "Op ", "Den ", "På ", "W dniu ",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// "On <date>, <someone> wrote:" (or a translation), or any "…wrote:" line right before a
/// quote.
fn is_attribution(t: &str, next: Option<&str>) -> bool {
    is_attribution_end(t)
        && (starts_like_attribution(t) || next.is_some_and(|n| n.trim_start().starts_with('>')))
}

#[cfg(test)]
mod tests {
    #[test]
    fn snippets_skip_the_salutation() {
        assert_eq!(
            super::snippet("Hi Alice,\n\nYes, Tuesday works.", 40),
            "Yes, Tuesday works."
        );
        assert_eq!(
            super::snippet("Hallo,\nbitte keine Mails mehr.", 40),
            "bitte keine Mails mehr."
        );
        assert_eq!(
            super::snippet("Hi Alice, Tuesday works for me.", 40),
            "Hi Alice, Tuesday works for me."
        );
        assert_eq!(super::snippet("Hey", 40), "Hey");
    }
}
