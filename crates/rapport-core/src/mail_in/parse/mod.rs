//! Turning a raw RFC 5322 message into a [`ParsedMessage`].
//!
//! [`parse_message`] never panics and never fails: whatever it cannot read is described in
//! `problems` and the message is still stored with what could be recovered. Every text field
//! it returns has gone through [`sanitize_line`] or [`sanitize_text`], so it is safe to draw.
//! Nothing here fetches anything: HTML is rendered to text offline and images are dropped.
//!
//! [`sanitize_text`]: crate::sanitize::sanitize_text

mod address;
mod automated;
mod body;
mod decode;
mod encoded_words;
mod headers;
mod html;
mod searchable;
mod snippet;
mod structure;

use crate::guard::guarded;
use std::borrow::Cow;

use mailparse::{parse_headers, parse_mail};
use sha2::{Digest, Sha256};

use crate::model::ParsedMessage;
use crate::sanitize::sanitize_line;

use automated::is_automated;
pub use body::{attachment_bytes, decode_part};
use body::{clean_body, read_content};
use decode::decode_lenient;
use headers::read_headers;
pub use searchable::searchable_text;
pub use snippet::snippet;
pub use structure::{Leaf, prefix_has_text};

/// A large message read in part (see `structure`): its first bytes, which hold its text,
/// and the server's description of its parts, which gives the attachments.
pub fn parse_cut_message(prefix: &[u8], leaves: &[Leaf]) -> ParsedMessage {
    let mut msg = parse_message(prefix);
    msg.attachments = structure::attachments(leaves);
    msg.content_hash = content_hash(&msg, prefix);
    msg
}

/// 1990-01-01: earlier Date headers are wrong clocks or forgeries, not old mail.
pub const EARLIEST_DATE: i64 = 631_152_000;

/// Drops an implausible Date (before 1990, or more than a day after the message arrived and
/// after `now`) so the arrival time (INTERNALDATE, the file's time) stands in and the message
/// is marked as undated: a year-0001 message must not top the inbox. The content hash keeps
/// the header's date, so copies still match.
pub fn settle_date(msg: &mut ParsedMessage, received_at: i64, now: i64) {
    const DAY: i64 = 86_400;
    let Some(d) = msg.date else { return };
    let why = if d < EARLIEST_DATE {
        "before 1990"
    } else if d > received_at.max(now) + DAY {
        "in the future"
    } else {
        return;
    };
    msg.date = None;
    msg.problems.push(format!(
        "the Date header is {why}; the time it arrived is shown instead"
    ));
}

/// Parses a raw message. Never panics; see the module documentation.
pub fn parse_message(raw: &[u8]) -> ParsedMessage {
    match guarded(|| parse_inner(raw)) {
        Ok(msg) => msg,
        Err(payload) => {
            let problem = format!(
                "the message could not be parsed ({}); showing it as raw text",
                panic_text(payload.as_ref())
            );
            // Second chance: the header block alone, the rest as text.
            let recovered = guarded(|| {
                let mut msg = ParsedMessage::default();
                headers_and_raw_body(raw, &mut msg);
                msg
            });
            let mut msg = recovered.unwrap_or_else(|_| ParsedMessage {
                body: clean_body(&String::from_utf8_lossy(raw)),
                ..ParsedMessage::default()
            });
            msg.problems.insert(0, problem);
            for p in &mut msg.problems {
                *p = sanitize_line(p);
            }
            msg.content_hash = content_hash(&msg, raw);
            msg
        }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let why = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown error".to_string());
    short(&sanitize_line(&why))
}

// ---------------------------------------------------------------------------------------------
// Top level
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
thread_local! {
    /// Makes `parse_inner` panic, to test the recovery path.
    static FORCE_PANIC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn parse_inner(raw: &[u8]) -> ParsedMessage {
    #[cfg(test)]
    if FORCE_PANIC.with(|f| f.get()) {
        panic!("forced for a test");
    }
    let mut msg = ParsedMessage::default();
    let input = prepare_input(raw, &mut msg.problems);
    let input: &[u8] = &input;

    if !has_header_block(input) {
        // Text without a single header line (a note saved as a file): all of it is the body,
        // rather than its first line read as a header and the rest lost.
        msg.problems
            .push("the message has no header block; shown as text".to_string());
        msg.body = clean_body(&decode_lenient(input));
        msg.content_hash = content_hash(&msg, raw);
        for p in &mut msg.problems {
            *p = sanitize_line(p);
        }
        return msg;
    }
    let repaired: Vec<u8>;
    // `multipart` without a subtype is multipart/mixed (mailparse only splits `multipart/…`):
    // rare, so the input is only rewritten, and parsed again, when the parse shows one.
    let with_subtypes: Vec<u8>;
    let mut first = parse_mail(input);
    if let Ok(m) = &first
        && m.parts().any(|p| p.ctype.mimetype == "multipart")
        && let Some(fixed) = multipart_without_subtype(input)
    {
        msg.problems.push(
            "a Content-Type is \"multipart\" without a subtype; read as multipart/mixed".into(),
        );
        with_subtypes = fixed;
        first = parse_mail(&with_subtypes);
    }
    let parsed = match first {
        Ok(m) => Some(m),
        Err(e) => {
            repaired = repair(input);
            match parse_mail(&repaired) {
                Ok(m) => {
                    msg.problems.push(format!(
                        "the header block is malformed ({e}); it was read leniently"
                    ));
                    Some(m)
                }
                Err(e) => {
                    msg.problems.push(format!(
                        "the MIME structure could not be read ({e}); showing the body as raw text"
                    ));
                    None
                }
            }
        }
    };

    match &parsed {
        Some(mail) => {
            read_headers(&mail.headers, &mut msg);
            read_content(mail, &mut msg);
        }
        None => headers_and_raw_body(input, &mut msg),
    }

    let top = parsed.as_ref().map(|m| m.ctype.mimetype.as_str());
    msg.automated = is_automated(&msg, top);
    // Every message rapport sends carries List-Unsubscribe: on our own mail (read back from
    // Sent) that alone must not make it bulk mail, or our replies would end no wait.
    let list_header = |k: &str| k.eq_ignore_ascii_case("List-Unsubscribe");
    if msg.automated && msg.headers.iter().any(|(k, _)| list_header(k)) {
        let without = ParsedMessage {
            headers: msg
                .headers
                .iter()
                .filter(|(k, _)| !list_header(k))
                .cloned()
                .collect(),
            from: msg.from.clone(),
            subject: msg.subject.clone(),
            ..ParsedMessage::default()
        };
        msg.list_unsubscribe_only = !is_automated(&without, top);
    }
    msg.content_hash = content_hash(&msg, raw);
    // Problems quote message content (types, values); they are shown too.
    for p in &mut msg.problems {
        *p = sanitize_line(p);
    }
    msg
}

/// Fallback when the MIME structure cannot be read: what the header block gives, and the rest
/// of the message as plain text.
fn headers_and_raw_body(input: &[u8], msg: &mut ParsedMessage) {
    let fixed = repair(input);
    match parse_headers(&fixed) {
        Ok((headers, ix)) => {
            read_headers(&headers, msg);
            msg.body = clean_body(&decode_lenient(&fixed[ix.min(fixed.len())..]));
        }
        Err(_) => msg.body = clean_body(&decode_lenient(input)),
    }
}

/// Drops an mbox `From ` line, leading blank lines before a header block, and turns old
/// Mac CR-only line ends into LF.
fn prepare_input<'a>(raw: &'a [u8], problems: &mut Vec<String>) -> Cow<'a, [u8]> {
    if let Some(utf8) = from_utf16(raw) {
        problems.push("the whole message is in UTF-16; read as such".into());
        let mut inner = Vec::new();
        let out = prepare_input(&utf8, &mut inner).into_owned();
        problems.extend(inner);
        return Cow::Owned(out);
    }
    let mut s = raw;
    // Leading whitespace before what looks like a header line.
    let ws = s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count();
    if ws > 0 && looks_like_header_line(&s[ws..]) {
        s = &s[ws..];
    }
    // An mbox separator, also one mangled into `>From ` by a mail store: never a header.
    if (s.starts_with(b"From ") || s.starts_with(b">From ")) && !looks_like_header_line(s) {
        let end = s
            .iter()
            .position(|&b| b == b'\n')
            .map_or(s.len(), |i| i + 1);
        s = &s[end..];
    }
    let mut out = Cow::Borrowed(s);
    if !s.contains(&b'\n') && s.contains(&b'\r') {
        problems.push("the message uses CR-only line ends".to_string());
        out = Cow::Owned(
            s.iter()
                .map(|&b| if b == b'\r' { b'\n' } else { b })
                .collect(),
        );
    }
    out
}

/// A copy where every `Content-Type: multipart` without a subtype says `multipart/mixed`
/// (mailparse only splits `multipart/…` types); `None` when there is none.
fn multipart_without_subtype(s: &[u8]) -> Option<Vec<u8>> {
    const KEY: &[u8] = b"content-type:";
    let mut fixes = Vec::new();
    let mut line_start = 0;
    while line_start < s.len() {
        let end = s[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(s.len(), |i| line_start + i);
        let line = &s[line_start..end];
        if line.len() >= KEY.len() && line[..KEY.len()].eq_ignore_ascii_case(KEY) {
            let rest = &line[KEY.len()..];
            let ws = rest
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            let value = &rest[ws..];
            if value.len() >= 9 && value[..9].eq_ignore_ascii_case(b"multipart") {
                let after = value.get(9).copied();
                if !matches!(after, Some(b'/')) {
                    fixes.push(line_start + KEY.len() + ws + 9);
                }
            }
        }
        line_start = end + 1;
    }
    if fixes.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() + fixes.len() * 6);
    let mut at = 0;
    for f in fixes {
        out.extend_from_slice(&s[at..f]);
        out.extend_from_slice(b"/mixed");
        at = f;
    }
    out.extend_from_slice(&s[at..]);
    Some(out)
}

/// "Name: …" where Name is a run of printable non-space ASCII; obsolete syntax allows
/// whitespace before the colon (`From  : …`, RFC 5322 §4.5).
fn looks_like_header_line(s: &[u8]) -> bool {
    let name_len = s
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() && b != b':')
        .count();
    let ws = s[name_len..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    name_len > 0 && s.get(name_len + ws) == Some(&b':')
}

/// Whether any line before the first blank line looks like a header (an empty message has
/// none and needs none).
fn has_header_block(input: &[u8]) -> bool {
    if input.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            // A message may start with its blank line (no headers, then a body).
            return i == 0;
        }
        if looks_like_header_line(line) {
            return true;
        }
    }
    false
}

/// A message in UTF-16 (with a byte order mark, or ASCII headers with every other byte NUL),
/// as UTF-8; `None` when it is not one.
fn from_utf16(s: &[u8]) -> Option<Vec<u8>> {
    let (enc, body) = match s {
        [0xFF, 0xFE, rest @ ..] => (encoding_rs::UTF_16LE, rest),
        [0xFE, 0xFF, rest @ ..] => (encoding_rs::UTF_16BE, rest),
        _ => {
            let head = &s[..s.len().min(64)];
            if head.len() < 8 {
                return None;
            }
            let pairs = head.chunks_exact(2);
            if pairs
                .clone()
                .all(|p| p[1] == 0 && p[0].is_ascii() && p[0] != 0)
            {
                (encoding_rs::UTF_16LE, s)
            } else if pairs
                .clone()
                .all(|p| p[0] == 0 && p[1].is_ascii() && p[1] != 0)
            {
                (encoding_rs::UTF_16BE, s)
            } else {
                return None;
            }
        }
    };
    Some(
        enc.decode_without_bom_handling(body)
            .0
            .into_owned()
            .into_bytes(),
    )
}

/// A copy mailparse accepts: no leading spaces, lone CRs turned into LFs.
fn repair(input: &[u8]) -> Vec<u8> {
    let start = input
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let s = &input[start..];
    let mut out = Vec::with_capacity(s.len());
    for (i, &b) in s.iter().enumerate() {
        if b == b'\r' && s.get(i + 1) != Some(&b'\n') {
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    out
}
// ---------------------------------------------------------------------------------------------
// Content hash and small helpers
// ---------------------------------------------------------------------------------------------

/// Hex SHA-256 over sender address, date, subject, body and the attachment list: equal for
/// copies of one message in several folders, different for another message reusing its id.
/// A parse with none of these (an empty file, text without headers, a message in UTF-16)
/// would give every such message one hash, and all but one would be dropped as copies: the
/// hash is then over the raw bytes.
fn content_hash(msg: &ParsedMessage, raw: &[u8]) -> String {
    const SEP: &[u8] = b"\x1f"; // cannot occur in sanitized text
    let mut h = Sha256::new();
    if is_degenerate(msg) {
        h.update(b"rapport-raw-v1");
        h.update(SEP);
        h.update(raw);
        return hex(&h.finalize());
    }
    h.update(b"rapport-content-v1");
    h.update(SEP);
    h.update(
        msg.from
            .as_ref()
            .map_or("", |m| m.address.as_str())
            .as_bytes(),
    );
    h.update(SEP);
    h.update(
        msg.date
            .map(|d| d.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    h.update(SEP);
    h.update(msg.subject.as_bytes());
    h.update(SEP);
    h.update(msg.body.as_bytes());
    for a in &msg.attachments {
        h.update(SEP);
        h.update(format!("{}\x1e{}\x1e{}", a.name, a.mime, a.size).as_bytes());
    }
    hex(&h.finalize())
}

/// Nothing that tells one message from another: no sender, subject, text or attachment.
fn is_degenerate(msg: &ParsedMessage) -> bool {
    msg.from.is_none()
        && msg.subject.trim().is_empty()
        && msg.body.trim().is_empty()
        && msg.attachments.is_empty()
}

fn hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(64);
    for b in digest {
        hex.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
        hex.push(char::from_digit((b & 0xf) as u32, 16).unwrap_or('0'));
    }
    hex
}

/// At most 80 characters of a value quoted in a problem.
fn short(s: &str) -> String {
    truncate_chars(s, 80)
}

fn truncate_chars(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        None => s.to_string(),
        Some(_) => {
            let keep = max_chars.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            let mut out = s[..end].trim_end().to_string();
            out.push('…');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_turned_into_a_problem_and_headers_survive() {
        FORCE_PANIC.with(|f| f.set(true));
        let m = parse_message(b"Subject: still here\r\nFrom: a@example.com\r\n\r\n\x1b[31mbody");
        FORCE_PANIC.with(|f| f.set(false));
        assert_eq!(m.problems.len(), 1);
        assert!(
            m.problems[0].contains("forced for a test"),
            "{:?}",
            m.problems
        );
        assert_eq!(m.subject, "still here");
        assert_eq!(m.from.map(|f| f.address), Some("a@example.com".into()));
        assert_eq!(m.body, "body");
        assert_eq!(m.content_hash.len(), 64);
    }
}
