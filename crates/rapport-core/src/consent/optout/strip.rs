//! Own text: where quoting, forwarding and signatures start.

use super::fold::fold_char;

/// Byte offset where the candidate's own text ends: the first attribution line, forwarded or
/// original-message separator, Outlook header block or signature separator.
pub(super) fn own_text_end(body: &str) -> usize {
    let mut pos = 0;
    let mut prev_start: Option<usize> = None;
    let mut prev_opens_attribution = false;
    let mut rest = body;
    while !rest.is_empty() {
        let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = &rest[..len];
        rest = &rest[len..];
        let t = line.trim();
        match cut_kind(t, rest) {
            Cut::No => {}
            Cut::Here => return pos,
            Cut::Attribution { opens } => {
                // "On Wed, 15 Jan 2025 at 11:02, Anna Keller <" + "anna@…> wrote:" (wrapped).
                return match prev_start {
                    Some(p) if !opens && prev_opens_attribution => p,
                    _ => pos,
                };
            }
        }
        if !t.is_empty() {
            prev_start = Some(pos);
            prev_opens_attribution = !t.starts_with('>') && opens_attribution(t);
        }
        pos += len;
    }
    body.len()
}

pub(crate) enum Cut {
    No,
    Here,
    Attribution { opens: bool },
}

/// First words of an attribution line in the languages we read ("On", "Am", "Le", "El", …).
fn opens_attribution(t: &str) -> bool {
    let b = t.as_bytes();
    let word = b
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .map_or(b, |i| &b[..i]);
    [
        &b"on"[..],
        b"am",
        b"le",
        b"el",
        b"il",
        b"op",
        b"em",
        b"den",
        b"the",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

pub(crate) fn cut_kind(t: &str, rest: &str) -> Cut {
    if t.is_empty() || t.starts_with('>') {
        return Cut::No;
    }
    if t == "--" || t == "—" || (t.len() >= 8 && t.bytes().all(|b| b == b'_')) {
        return Cut::Here;
    }
    let first = t.as_bytes()[0];
    let decorated = matches!(first, b'-' | b'_' | b'=' | b'*');
    let colon = t.ends_with(':');
    let header = starts_with_header(t, FROM_HEADERS);
    if !(decorated || colon || header) || t.len() > 400 {
        return Cut::No;
    }
    let mut folded = String::with_capacity(t.len());
    for c in t.chars() {
        fold_char(c, &mut folded);
    }
    const SEPARATORS: &[&str] = &[
        "original message",
        "forwarded message",
        "ursprungliche nachricht",
        "weitergeleitete nachricht",
        "message d origine",
        "message d'origine",
        "message transfere",
        "mensaje original",
        "mensaje reenviado",
        "messaggio originale",
        "messaggio inoltrato",
        "oorspronkelijk bericht",
        "doorgestuurd bericht",
        "mensagem original",
        "mensagem encaminhada",
        "copy of the message",
        "begin forwarded message",
        "anfang der weitergeleiteten",
        "debut du message",
    ];
    if SEPARATORS.iter().any(|s| folded.contains(s)) {
        return Cut::Here;
    }
    if colon {
        const VERBS: &[&str] = &[
            "wrote:",
            "schrieb",
            "a ecrit",
            "escribio",
            "ha scritto",
            "schreef",
            "escreveu",
            "skrev",
        ];
        if VERBS.iter().any(|v| folded.contains(v)) {
            return Cut::Attribution {
                opens: opens_attribution(t),
            };
        }
    }
    if header {
        // Outlook-style quote: a From: line followed by Sent:/Date:/To:/Subject: lines.
        for next in rest.lines().take(4) {
            if starts_with_header(next.trim(), NEXT_HEADERS) {
                return Cut::Here;
            }
        }
    }
    Cut::No
}

const FROM_HEADERS: &[&str] = &["from", "von", "de", "da", "van", "fra", "od"];
const NEXT_HEADERS: &[&str] = &[
    "sent",
    "gesendet",
    "envoye",
    "enviado",
    "date",
    "datum",
    "fecha",
    "inviato",
    "verzonden",
    "data",
    "to",
    "an",
    "a",
    "para",
    "subject",
    "betreff",
    "objet",
    "asunto",
    "oggetto",
    "onderwerp",
    "cc",
];

/// `From: …`, `*From:* …`, `De : …`, `Envoyé : …`: a header name from `names` (folded) and a colon.
fn starts_with_header(t: &str, names: &[&str]) -> bool {
    let t = t.trim_start_matches('*');
    let end = t.find(|c: char| !c.is_alphabetic()).unwrap_or(t.len());
    if end == 0 || end > 16 {
        return false;
    }
    let after = t[end..].trim_start_matches(['*', ' ', '\u{a0}']);
    if !after.starts_with(':') {
        return false;
    }
    // Only "Word:" lines get here.
    let mut word = String::with_capacity(end);
    for c in t[..end].chars() {
        fold_char(c, &mut word);
    }
    names.contains(&word.as_str())
}

/// "Re: AW: Fwd: …" → "…".
pub(super) fn strip_reply_prefixes(mut s: &str) -> &str {
    const PREFIXES: &[&str] = &[
        "re", "aw", "wg", "fw", "fwd", "tr", "rv", "r", "sv", "antw", "ref", "réf", "enc", "res",
    ];
    loop {
        s = s.trim_start();
        let Some(colon) = s.find(':') else { return s };
        let head = s[..colon].trim_end();
        let head = head
            .strip_suffix(']')
            .and_then(|h| h.rfind('[').map(|i| &h[..i]))
            .unwrap_or(head);
        if PREFIXES.iter().any(|p| head.eq_ignore_ascii_case(p)) {
            s = &s[colon + 1..];
        } else {
            return s.trim();
        }
    }
}
