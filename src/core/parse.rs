//! Turning a raw RFC 5322 message into a [`ParsedMessage`].
//!
//! [`parse_message`] never panics and never fails: whatever it cannot read is described in
//! `problems` and the message is still stored with what could be recovered. Every text field
//! it returns has gone through [`sanitize_line`] or [`sanitize_text`], so it is safe to draw.
//! Nothing here fetches anything: HTML is rendered to text offline and images are dropped.

use crate::core::guard::guarded;
use std::borrow::Cow;

use mailparse::{
    DispositionType, MailAddr, MailHeader, MailHeaderMap, ParsedMail, addrparse_header,
    parse_header, parse_headers, parse_mail,
};
use sha2::{Digest, Sha256};

use crate::core::model::{Attachment, Mailbox, ParsedMessage};
use crate::core::sanitize::{sanitize_line, sanitize_text};

/// Width HTML bodies are rendered at.
const HTML_WIDTH: usize = 80;
/// HTML larger than this is cut before rendering (rendering cost grows with size).
const HTML_MAX_BYTES: usize = 1024 * 1024;
/// HTML elements nested deeper than this are not laid out (see `html_too_deep`).
const HTML_MAX_DEPTH: usize = 400;
/// Nesting depth beyond which MIME parts are not looked into for a body.
const MAX_DEPTH: usize = 64;

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
            msg.content_hash = content_hash(&msg);
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
    let lines: Vec<&str> = body.lines().take(400).collect();
    let mut i = 0;
    while i < lines.len() && collected.len() < budget {
        let line = lines[i].trim_end();
        let t = line.trim_start();
        i += 1;
        // Bodies are sanitized, so the "-- " separator has lost its trailing space.
        if line == "--" || is_original_marker(t) {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        if is_attribution(t, lines.get(i).copied()) {
            continue;
        }
        // Two-line attribution: "On Mon, … Bob <" / "bob@example.com> wrote:".
        if let Some(next) = lines.get(i)
            && starts_like_attribution(t)
            && is_attribution_end(next.trim())
        {
            i += 1;
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

    let repaired: Vec<u8>;
    let parsed = match parse_mail(input) {
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

    msg.automated = is_automated(&msg, parsed.as_ref().map(|m| m.ctype.mimetype.as_str()));
    msg.content_hash = content_hash(&msg);
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
    let mut s = raw;
    // Leading whitespace before what looks like a header line.
    let ws = s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count();
    if ws > 0 && looks_like_header_line(&s[ws..]) {
        s = &s[ws..];
    }
    if s.starts_with(b"From ") && !looks_like_header_line(s) {
        let end = s
            .iter()
            .position(|&b| b == b'\n')
            .map_or(s.len(), |i| i + 1);
        s = &s[end..];
    }
    if !s.contains(&b'\n') && s.contains(&b'\r') {
        problems.push("the message uses CR-only line ends".to_string());
        return Cow::Owned(
            s.iter()
                .map(|&b| if b == b'\r' { b'\n' } else { b })
                .collect(),
        );
    }
    Cow::Borrowed(s)
}

/// "Name: …" where Name is a run of printable non-space ASCII.
fn looks_like_header_line(s: &[u8]) -> bool {
    let name_len = s
        .iter()
        .take_while(|&&b| b.is_ascii_graphic() && b != b':')
        .count();
    name_len > 0 && s.get(name_len) == Some(&b':')
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
// Headers
// ---------------------------------------------------------------------------------------------

fn read_headers(headers: &[MailHeader<'_>], msg: &mut ParsedMessage) {
    msg.headers = headers
        .iter()
        .map(|h| (sanitize_line(&h.get_key()), sanitize_line(&header_value(h))))
        .collect();

    let first = |name: &str| -> Option<&str> {
        msg.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let all = |name: &str| -> Vec<&str> {
        msg.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    };

    let subject = first("Subject").unwrap_or("").to_string();
    let message_id = first("Message-ID").and_then(parse_message_id);
    let mut in_reply_to = parse_id_list(&all("In-Reply-To"));
    let mut references = parse_id_list(&all("References"));
    if let Some(own) = &message_id {
        in_reply_to.retain(|id| id != own);
        references.retain(|id| id != own);
    }
    let date = match first("Date") {
        None => None,
        Some(v) if v.trim().is_empty() => {
            msg.problems.push("the Date header is empty".to_string());
            None
        }
        Some(v) => {
            let d = parse_date(v);
            if d.is_none() {
                msg.problems
                    .push(format!("the Date header could not be read: {:?}", short(v)));
            }
            d
        }
    };

    msg.subject = subject;
    msg.message_id = message_id;
    msg.in_reply_to = in_reply_to;
    msg.references = references;
    msg.date = date;

    let mut problems = Vec::new();
    msg.from = addresses(headers, "From", &mut problems).into_iter().next();
    msg.sender = addresses(headers, "Sender", &mut problems)
        .into_iter()
        .next();
    msg.reply_to = addresses(headers, "Reply-To", &mut problems);
    msg.to = addresses(headers, "To", &mut problems);
    msg.cc = addresses(headers, "Cc", &mut problems);
    msg.problems.extend(problems);
}

/// The decoded header value: raw UTF-8 (RFC 6532) when valid, otherwise the invalid bytes are
/// read as Windows-1252 (a superset of Latin-1's printable range); RFC 2047 encoded words are
/// decoded and folding is undone. Not sanitized yet.
fn header_value(h: &MailHeader<'_>) -> String {
    with_utf8_header(h, |h| h.get_value())
}

/// Runs `f` on `h`, or on a re-encoded copy when the raw value is not valid UTF-8, so that
/// mailparse never falls back to Latin-1 for bytes 0x80–0x9F (C1 controls, which would then
/// be stripped) where Windows-1252 has letters and punctuation.
fn with_utf8_header<R>(h: &MailHeader<'_>, f: impl Fn(&MailHeader<'_>) -> R) -> R {
    let raw = h.get_value_raw();
    if std::str::from_utf8(raw).is_ok() {
        return f(h);
    }
    let mut buf = b"X: ".to_vec();
    buf.extend_from_slice(decode_lenient(raw).as_bytes());
    match parse_header(&buf) {
        Ok((fixed, _)) => f(&fixed),
        Err(_) => f(h),
    }
}

/// Message-ID without brackets and whitespace; lenient, but never empty.
fn parse_message_id(value: &str) -> Option<String> {
    if value.contains('<') {
        return bracketed_ids(value).into_iter().next();
    }
    let tokens: Vec<&str> = value.split_whitespace().collect();
    let id = match tokens.as_slice() {
        [] => return None,
        [one] => *one,
        many => many.iter().copied().find(|t| t.contains('@'))?,
    };
    let id: String = id
        .chars()
        .filter(|c| !matches!(c, '<' | '>' | '"'))
        .collect();
    (!id.is_empty()).then_some(id)
}

/// All ids of In-Reply-To / References headers, in order, without duplicates.
fn parse_id_list(values: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for v in values {
        let found = if v.contains('<') {
            bracketed_ids(v)
        } else {
            let tokens: Vec<&str> = v
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .collect();
            let with_at = tokens.iter().any(|t| t.contains('@'));
            tokens
                .into_iter()
                .filter(|t| !with_at || t.contains('@'))
                .map(|t| t.trim_matches(|c| c == '"' || c == '>').to_string())
                .filter(|t| !t.is_empty())
                .collect()
        };
        for id in found {
            if seen.insert(id.clone()) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The contents of every `<…>` in `value`, whitespace removed; an unterminated last one counts.
fn bracketed_ids(value: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cur: Option<String> = None;
    for c in value.chars() {
        match c {
            '<' => cur = Some(String::new()),
            '>' => {
                if let Some(id) = cur.take()
                    && !id.is_empty()
                {
                    ids.push(id);
                }
            }
            c if c.is_whitespace() => {}
            c => {
                if let Some(id) = cur.as_mut() {
                    id.push(c);
                }
            }
        }
    }
    if let Some(id) = cur
        && !id.is_empty()
    {
        ids.push(id);
    }
    ids
}

/// Unix seconds from an RFC 5322 date, strict first, then mailparse's lenient parser.
fn parse_date(value: &str) -> Option<i64> {
    static STRICT: jiff::fmt::rfc2822::DateTimeParser =
        jiff::fmt::rfc2822::DateTimeParser::new().relaxed_weekday(true);
    let v = value.trim();
    if let Ok(ts) = STRICT.parse_timestamp(v) {
        return Some(ts.as_second());
    }
    // mailparse's parser accepts more (missing seconds, comments, odd zones) but also returns
    // 0 for text without a date, and loops for absurd years: only trust it on plausible input.
    let has_month = v.split([' ', ',', '-']).any(|t| {
        let t = t.to_ascii_lowercase();
        t.len() >= 3
            && [
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
            ]
            .iter()
            .any(|m| t.starts_with(m))
    });
    let mut run = 0;
    let long_digits = v.chars().any(|c| {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        run > 4
    });
    if !has_month || long_digits || !v.contains(':') {
        return None;
    }
    match mailparse::dateparse(v) {
        Ok(t) if t > 0 && t < 253_402_300_800 => Some(t),
        _ => None,
    }
}

/// Every mailbox in every `name` header, groups flattened.
fn addresses(headers: &[MailHeader<'_>], name: &str, problems: &mut Vec<String>) -> Vec<Mailbox> {
    let mut out = Vec::new();
    let matching = headers
        .iter()
        .filter(|h| h.get_key_ref().trim().eq_ignore_ascii_case(name));
    for h in matching {
        // Control characters or stray escapes can derail the address parser; retry on the
        // sanitized text before falling back to a plain scan.
        let parsed = with_utf8_header(h, addrparse_header)
            .or_else(|e| mailparse::addrparse(&sanitize_line(&header_value(h))).map_err(|_| e));
        match parsed {
            Ok(list) => {
                for a in list.iter() {
                    match a {
                        MailAddr::Single(s) => {
                            push_mailbox(&mut out, s.display_name.as_deref(), &s.addr)
                        }
                        MailAddr::Group(g) => {
                            for s in &g.addrs {
                                push_mailbox(&mut out, s.display_name.as_deref(), &s.addr);
                            }
                        }
                    }
                }
            }
            Err(e) => {
                let value = sanitize_line(&header_value(h));
                problems.push(format!(
                    "the {name} header could not be read ({e}): {:?}",
                    short(&value)
                ));
                let found = scan_addresses(&value);
                if found.is_empty() {
                    // A bare local name such as "MAILER-DAEMON" is still worth keeping.
                    let bare = value.trim_matches(|c: char| c == '<' || c == '>' || c == '"');
                    if !bare.is_empty() && !bare.contains(char::is_whitespace) {
                        push_mailbox(&mut out, None, bare);
                    }
                }
                for a in found {
                    push_mailbox(&mut out, None, &a);
                }
            }
        }
    }
    out
}

fn push_mailbox(out: &mut Vec<Mailbox>, name: Option<&str>, addr: &str) {
    let address: String = sanitize_line(addr)
        .trim_matches(|c| matches!(c, ',' | ';' | ':'))
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '<' | '>'))
        .flat_map(char::to_lowercase)
        .collect();
    if address.is_empty() {
        return;
    }
    let name = name
        .map(|n| {
            sanitize_line(n)
                .trim()
                .trim_matches(|c| matches!(c, '"' | '\''))
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&address));
    out.push(Mailbox { name, address });
}

/// Tokens shaped like `local@domain` in an unparseable address header.
fn scan_addresses(value: &str) -> Vec<String> {
    value
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"' | '(' | ')' | '[' | ']')
        })
        .map(|t| t.trim_matches(|c: char| c == ':' || c == '.' || c == '\''))
        .filter(|t| {
            t.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
        })
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Body and attachments
// ---------------------------------------------------------------------------------------------

/// A piece of body text and whether it came from HTML.
struct Piece {
    text: String,
    html: bool,
}

fn read_content(mail: &ParsedMail<'_>, msg: &mut ParsedMessage) {
    let mut problems = Vec::new();
    if let Some(piece) = body_of(mail, 0, &mut problems) {
        msg.body = clean_body(&piece.text);
        msg.body_was_html = piece.html;
    }
    msg.attachments = attachments_of(mail);
    for p in problems {
        if !msg.problems.contains(&p) {
            msg.problems.push(p);
        }
    }
}

/// The readable text of a part (recursively), preferring text/plain.
fn body_of(p: &ParsedMail<'_>, depth: usize, problems: &mut Vec<String>) -> Option<Piece> {
    if depth > MAX_DEPTH {
        problems.push("MIME parts are nested too deeply; the innermost were skipped".into());
        return None;
    }
    let mime = p.ctype.mimetype.as_str();
    if let Some(sub) = mime.strip_prefix("multipart/") {
        if p.subparts.is_empty() {
            if !p.ctype.params.contains_key("boundary") {
                problems.push(format!(
                    "{mime} part without a boundary; shown as plain text"
                ));
            } else {
                problems.push(format!(
                    "{mime} part without any parts; shown as plain text"
                ));
            }
            // mailparse leaves the body empty when the boundary never appears.
            let text = match parse_headers(p.raw_bytes) {
                Ok((_, ix)) => {
                    decode_lenient(&p.raw_bytes[ix.min(p.raw_bytes.len())..]).into_owned()
                }
                Err(_) => decode_text(p, problems),
            };
            return Some(Piece { text, html: false });
        }
        let mut kids = p.subparts.iter().filter(|k| !is_attachment(k));
        return match sub {
            "alternative" => {
                // Plain text first, wherever it is; HTML is only rendered when needed.
                let kids: Vec<_> = kids.collect();
                let html_leaf = |k: &&ParsedMail<'_>| k.ctype.mimetype == "text/html";
                let mut fallback = None;
                for k in kids.iter().filter(|k| !html_leaf(k)) {
                    if let Some(piece) = body_of(k, depth + 1, problems)
                        && !piece.text.trim().is_empty()
                    {
                        if !piece.html {
                            return Some(piece);
                        }
                        fallback.get_or_insert(piece);
                    }
                }
                if fallback.is_some() {
                    return fallback;
                }
                kids.iter()
                    .filter(|k| html_leaf(k))
                    .filter_map(|k| body_of(k, depth + 1, problems))
                    .find(|piece| !piece.text.trim().is_empty())
            }
            "related" | "signed" | "report" => {
                kids.next().and_then(|k| body_of(k, depth + 1, problems))
            }
            "encrypted" => {
                problems.push("the message is encrypted; its text cannot be shown".into());
                None
            }
            _ => {
                // mixed and anything unknown: every inline text part, in order.
                let mut text = String::new();
                let mut html = false;
                let mut any = false;
                for k in kids {
                    if let Some(piece) = body_of(k, depth + 1, problems) {
                        if piece.text.trim().is_empty() {
                            continue;
                        }
                        if any {
                            text.push_str("\n\n");
                        }
                        text.push_str(&piece.text);
                        html |= piece.html;
                        any = true;
                    }
                }
                any.then_some(Piece { text, html })
            }
        };
    }
    if is_attachment(p) {
        return None;
    }
    match mime {
        "text/html" => Some(Piece {
            text: html_to_text(&decode_text(p, problems), problems),
            html: true,
        }),
        m if is_body_type(m) => Some(Piece {
            text: decode_text(p, problems),
            html: false,
        }),
        _ => None,
    }
}

/// Types read as body text: plain text and HTML. A type that is not `type/subtype` at all is
/// invalid and means text/plain (RFC 2045).
fn is_body_type(mime: &str) -> bool {
    matches!(mime, "text/plain" | "text/html") || !mime.contains('/')
}

/// Content-Disposition attachment or a file name. (Other parts are listed as attachments too,
/// see [`attachments_of`], but these are never read as body text.)
fn is_attachment(p: &ParsedMail<'_>) -> bool {
    let disp = p.get_content_disposition();
    disp.disposition == DispositionType::Attachment
        || disp.params.contains_key("filename")
        || p.ctype.params.contains_key("name")
}

/// Every leaf part that is an attachment, a non-text part, or a text part that is neither
/// plain nor HTML (calendar invites, vCards, bounce headers…), in order.
fn attachments_of(mail: &ParsedMail<'_>) -> Vec<Attachment> {
    let mut out = Vec::new();
    for p in mail.parts() {
        let mime = p.ctype.mimetype.as_str();
        if mime.starts_with("multipart/") {
            continue;
        }
        if !is_attachment(p) && is_body_type(mime) {
            continue;
        }
        out.push(Attachment {
            name: attachment_name(p),
            mime: sanitize_line(mime).to_lowercase(),
            size: decoded_size(p),
        });
    }
    out
}

fn attachment_name(p: &ParsedMail<'_>) -> String {
    let disp = p.get_content_disposition();
    let raw = disp
        .params
        .get("filename")
        .or_else(|| p.ctype.params.get("name"))
        .cloned();
    let name = raw.map(|n| {
        // Some clients send a full path; keep only the file name.
        let n = sanitize_line(&n);
        n.rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    });
    if let Some(n) = name.filter(|n| !n.is_empty()) {
        return n;
    }
    if p.ctype.mimetype == "message/rfc822"
        && let Ok((headers, _)) = parse_headers(&decoded_bytes(p))
        && let Some(h) = headers.get_first_header("Subject")
    {
        let subject = sanitize_line(&header_value(h));
        if !subject.is_empty() {
            return format!("{subject}.eml");
        }
    }
    "unnamed".to_string()
}

/// The decoded size of a part, without decoding base64 (attachments can be large).
fn decoded_size(p: &ParsedMail<'_>) -> u64 {
    use mailparse::body::Body;
    let len = match p.get_body_encoded() {
        Body::Base64(b) => base64_decoded_len(b.get_raw()),
        Body::QuotedPrintable(_) => decoded_bytes(p).len(),
        Body::SevenBit(b) | Body::EightBit(b) => b.get_raw().len(),
        Body::Binary(b) => b.get_raw().len(),
    };
    len as u64
}

/// How many bytes [`base64_lenient`] produces for `input` (also the strict decoder's count for
/// valid input).
fn base64_decoded_len(input: &[u8]) -> usize {
    let tail = |n: usize| n.saturating_sub(1); // 2 chars -> 1 byte, 3 -> 2
    let mut total = 0;
    let mut n = 0;
    for &c in input {
        if c == b'=' {
            total += tail(n);
            n = 0;
        } else if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_') {
            n += 1;
            if n == 4 {
                total += 3;
                n = 0;
            }
        }
    }
    total + tail(n)
}

/// The transfer-decoded bytes of a part; a lenient decoder when the encoding is broken.
fn decoded_bytes<'a>(p: &'a ParsedMail<'a>) -> Cow<'a, [u8]> {
    match p.get_body_raw() {
        Ok(b) => Cow::Owned(b),
        Err(_) => lenient_transfer_decode(p),
    }
}

fn lenient_transfer_decode<'a>(p: &'a ParsedMail<'a>) -> Cow<'a, [u8]> {
    let raw = match p.get_body_encoded() {
        mailparse::body::Body::Base64(b) | mailparse::body::Body::QuotedPrintable(b) => b.get_raw(),
        mailparse::body::Body::SevenBit(b) | mailparse::body::Body::EightBit(b) => b.get_raw(),
        mailparse::body::Body::Binary(b) => b.get_raw(),
    };
    let is_b64 = p
        .headers
        .get_first_value("Content-Transfer-Encoding")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("base64"));
    if is_b64 {
        Cow::Owned(base64_lenient(raw))
    } else {
        Cow::Borrowed(raw)
    }
}

/// Base64 that ignores junk characters and decodes as much of a truncated tail as it can.
fn base64_lenient(input: &[u8]) -> Vec<u8> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    /// Emits the bytes of a partial quantum (2 or 3 characters).
    fn flush(out: &mut Vec<u8>, acc: u32, n: u32) {
        match n {
            2 => out.push((acc >> 4) as u8),
            3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc = 0u32;
    let mut n = 0;
    for &c in input {
        if c == b'=' {
            // Padding ends a quantum.
            flush(&mut out, acc, n);
            acc = 0;
            n = 0;
            continue;
        }
        let Some(v) = val(c) else { continue };
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    flush(&mut out, acc, n);
    out
}

/// A text part as a string: transfer encoding undone, charset applied. Undeclared or
/// ASCII/UTF-8-declared text is read as UTF-8 with invalid bytes taken as Windows-1252; other
/// charsets go through mailparse (encoding_rs labels). Mislabelled UTF-8 is detected.
fn decode_text(p: &ParsedMail<'_>, problems: &mut Vec<String>) -> String {
    let bytes = match p.get_body_raw() {
        Ok(b) => Cow::Owned(b),
        Err(e) => {
            problems.push(format!(
                "a {} part has a broken transfer encoding ({e}); decoded leniently",
                p.ctype.mimetype
            ));
            lenient_transfer_decode(p)
        }
    };
    let charset = p
        .ctype
        .params
        .get("charset")
        .map(|c| c.trim().to_ascii_lowercase());
    let utf8_compatible = match charset.as_deref() {
        None => true,
        Some(c) => matches!(
            c,
            "" | "utf-8"
                | "utf8"
                | "us-ascii"
                | "ascii"
                | "ansi_x3.4-1968"
                | "unknown-8bit"
                | "x-unknown"
                | "unknown"
                | "default"
        ),
    };
    if utf8_compatible {
        return decode_lenient(&bytes).into_owned();
    }
    let decoded = match p.get_body() {
        Ok(s) => s,
        Err(_) => return decode_lenient(&bytes).into_owned(),
    };
    // An unknown label makes mailparse read only ASCII (U+FFFD for the rest).
    if decoded.contains('\u{FFFD}')
        && let Ok(s) = std::str::from_utf8(&bytes)
        && !s.contains('\u{FFFD}')
    {
        return s.to_string();
    }
    decoded
}

/// Valid UTF-8 sequences as UTF-8, every other byte as Windows-1252.
fn decode_lenient(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            out.push(cp1252(b));
        }
    }
    Cow::Owned(out)
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
        '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{FFFD}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// Renders HTML as plain text offline: no resource is ever fetched, images are dropped (only
/// their alt text may remain), link texts are kept and link targets listed as footnotes.
fn html_to_text(html: &str, problems: &mut Vec<String>) -> String {
    let mut input = html;
    if input.len() > HTML_MAX_BYTES {
        let mut cut = HTML_MAX_BYTES;
        while !input.is_char_boundary(cut) {
            cut -= 1;
        }
        input = &input[..cut];
        problems.push("the HTML body is very large; only its beginning is shown".into());
    }
    if html_too_deep(input) {
        problems.push("the HTML body is nested too deeply to lay out; tags stripped".into());
        return strip_tags(input);
    }
    let config = html2text::config::plain_no_decorate()
        .link_footnotes(true)
        // Layout tables: one cell after the other, no borders, no TooNarrow errors.
        .raw_mode(true)
        .allow_width_overflow();
    // html2text has panicked on odd tables before; losing only the layout is enough.
    let rendered = guarded(|| config.string_from_read(input.as_bytes(), HTML_WIDTH));
    match rendered {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => {
            problems.push(format!(
                "the HTML body could not be rendered ({e}); tags stripped"
            ));
            strip_tags(input)
        }
        Err(payload) => {
            problems.push(format!(
                "the HTML renderer failed ({}); tags stripped",
                panic_text(payload.as_ref())
            ));
            strip_tags(input)
        }
    }
}

/// True when elements nest deeper than [`HTML_MAX_DEPTH`]: html2text's time grows with the
/// square of the depth (100,000 nested `<div>` take minutes), so such input is not laid out.
/// Void elements and elements closed implicitly by their next sibling are not counted.
fn html_too_deep(html: &str) -> bool {
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "colgroup", "dd", "dt", "embed", "hr", "img", "input", "li",
        "link", "meta", "option", "p", "param", "source", "tbody", "td", "tfoot", "th", "thead",
        "tr", "track", "wbr",
    ];
    let b = html.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let len = b[start.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if len == 0 || !b[start].is_ascii_alphabetic() {
            continue;
        }
        let name = html[start..start + len].to_ascii_lowercase();
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        let end = b[start..]
            .iter()
            .position(|&c| c == b'>')
            .map(|j| start + j);
        if end.is_some_and(|e| e > 0 && b[e - 1] == b'/') {
            continue; // <x/>
        }
        depth += 1;
        if depth > HTML_MAX_DEPTH {
            return true;
        }
    }
    false
}

/// Crude fallback for HTML that html2text rejects: drops tags, scripts and styles.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with('<') {
            for skip in ["<script", "<style"] {
                if lower[i..].starts_with(skip) {
                    let close = format!("</{}", &skip[1..]);
                    i = lower[i..]
                        .find(&close)
                        .map_or(html.len(), |j| i + j + close.len());
                }
            }
            if i >= html.len() {
                break;
            }
            let tag_end = html[i..].find('>').map_or(html.len(), |j| i + j + 1);
            let tag = &lower[i..tag_end];
            if tag.starts_with("<br")
                || tag.starts_with("<p")
                || tag.starts_with("</p")
                || tag.starts_with("<div")
                || tag.starts_with("</div")
            {
                out.push('\n');
            }
            i = tag_end;
        } else {
            let next = rest.find('<').map_or(html.len(), |j| i + j);
            out.push_str(&html[i..next]);
            i = next;
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Sanitized body without leading or trailing blank lines.
fn clean_body(text: &str) -> String {
    let s = sanitize_text(text);
    let trimmed = s.trim_end_matches('\n').trim_start_matches('\n');
    if trimmed.len() == s.len() {
        s
    } else {
        trimmed.to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Automated mail
// ---------------------------------------------------------------------------------------------

/// Subject prefixes of out-of-office replies and bounces (compared lower-cased).
const AUTO_SUBJECT_PREFIXES: &[&str] = &[
    "out of office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "risposta automatica",
    "automatisch antwoord",
    "autosvar",
    "undeliverable:",
    "undelivered mail returned to sender",
    "delivery status notification (failure)",
    "mail delivery failed",
    "returned mail:",
];

fn is_automated(msg: &ParsedMessage, top_mime: Option<&str>) -> bool {
    let header = |name: &str| -> Option<String> {
        msg.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    // RFC 3834: any value but "no" (parameters and comments ignored).
    if let Some(v) = header("Auto-Submitted") {
        let kw = v.split([';', '(', ' ']).next().unwrap_or("");
        if kw != "no" {
            return true;
        }
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder"] {
        if let Some(v) = header(name)
            && !matches!(v.as_str(), "no" | "false" | "0")
        {
            return true;
        }
    }
    if let Some(v) = header("Precedence")
        && matches!(v.as_str(), "bulk" | "auto_reply" | "list" | "junk")
    {
        return true;
    }
    if ["List-Id", "List-Unsubscribe", "X-Failed-Recipients"]
        .iter()
        .any(|n| header(n).is_some())
    {
        return true;
    }
    if let Some(from) = &msg.from {
        let local = from.address.split('@').next().unwrap_or("");
        if matches!(local, "mailer-daemon" | "postmaster") {
            return true;
        }
    }
    if top_mime == Some("multipart/report") {
        return true;
    }
    let subject: String = msg
        .subject
        .chars()
        .take(64)
        .collect::<String>()
        .to_lowercase();
    AUTO_SUBJECT_PREFIXES.iter().any(|p| subject.starts_with(p))
}

// ---------------------------------------------------------------------------------------------
// Content hash and small helpers
// ---------------------------------------------------------------------------------------------

/// Hex SHA-256 over sender address, date, subject, body and the attachment list: equal for
/// copies of one message in several folders, different for another message reusing its id.
fn content_hash(msg: &ParsedMessage) -> String {
    const SEP: &[u8] = b"\x1f"; // cannot occur in sanitized text
    let mut h = Sha256::new();
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
    let digest = h.finalize();
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
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

    #[test]
    fn lenient_base64() {
        assert_eq!(base64_lenient(b"aGVsbG8="), b"hello");
        assert_eq!(base64_lenient(b"aGVs\r\nbG8"), b"hello");
        assert_eq!(base64_lenient(b"aGVsbG8gd29ybGQ*!"), b"hello world");
        assert_eq!(base64_lenient(b"aGVsbA"), b"hell");
        assert_eq!(base64_lenient(b""), b"");
        assert_eq!(base64_lenient(b"===="), b"");
    }

    #[test]
    fn base64_length_matches_decoder() {
        for s in [
            &b"aGVsbG8="[..],
            b"aGVs\r\nbG8",
            b"aGVsbG8gd29ybGQ*!",
            b"aGVsbA",
            b"",
            b"====",
            b"a",
            b"ab=cd==efg",
            b"-_-_",
        ] {
            assert_eq!(base64_decoded_len(s), base64_lenient(s).len(), "{s:?}");
        }
    }

    #[test]
    fn utf8_with_windows_1252_fallback() {
        assert_eq!(decode_lenient("Grüße".as_bytes()), "Grüße");
        assert_eq!(decode_lenient(b"Gr\xfc\xdfe"), "Grüße");
        assert_eq!(decode_lenient(b"\x93q\x94 \x80 \x81"), "“q” € \u{FFFD}");
        // Mixed: valid UTF-8 stays, the stray byte is read as Windows-1252.
        assert_eq!(
            decode_lenient(
                "ä".as_bytes()
                    .iter()
                    .chain(b"\xe4")
                    .copied()
                    .collect::<Vec<_>>()
                    .as_slice()
            ),
            "ää"
        );
    }

    #[test]
    fn html_depth_guard() {
        assert!(!html_too_deep("<p>a<p>b<br><img src=x><div>c</div>"));
        assert!(!html_too_deep(&"<p>para".repeat(10_000)));
        assert!(!html_too_deep(&"<li>item".repeat(10_000)));
        assert!(!html_too_deep(&"<div>x</div>".repeat(10_000)));
        assert!(!html_too_deep(&"<span/>".repeat(10_000)));
        assert!(html_too_deep(&"<div>".repeat(HTML_MAX_DEPTH + 1)));
        assert!(html_too_deep(&"<b><i>".repeat(HTML_MAX_DEPTH)));
        assert!(!html_too_deep("< < <> </ <1 <"));
    }

    #[test]
    fn tag_stripper() {
        assert_eq!(
            strip_tags("<style>x{}</style><p>a &amp; b</p><script>evil()</script>c<br>d"),
            "\na & b\nc\nd"
        );
        assert_eq!(strip_tags("<script>never closed"), "");
        assert_eq!(strip_tags("unclosed <b"), "unclosed ");
    }

    #[test]
    fn ids() {
        assert_eq!(bracketed_ids("<a@b> x <c@d"), vec!["a@b", "c@d"]);
        assert_eq!(bracketed_ids("<<a@b>>"), vec!["a@b"]);
        assert!(bracketed_ids("<> < >").is_empty());
        assert_eq!(parse_message_id("a b@c"), Some("b@c".into()));
    }

    #[test]
    fn date_parsing() {
        assert_eq!(
            parse_date("Tue, 14 May 2024 09:11:58 +0200"),
            Some(1_715_670_718)
        );
        assert_eq!(parse_date("14 May 2024 07:11:58 Z"), Some(1_715_670_718));
        assert_eq!(parse_date("nonsense"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_date("Tue, 14 May 2024"), None);
    }
}
