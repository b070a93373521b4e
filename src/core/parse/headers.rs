//! The header block: subject, ids, date and address headers.

use mailparse::{MailAddr, MailHeader, addrparse_header, parse_header};

use super::decode::decode_lenient;
use super::short;
use crate::core::model::{Mailbox, ParsedMessage};
use crate::core::sanitize::sanitize_line;

/// The headers kept in `ParsedMessage::headers`: those read here and by `automated`. The
/// rest (Received, DKIM signatures, ...) are most of a header block and are not decoded.
const KEPT: &[&str] = &[
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Date",
    "Auto-Submitted",
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "Precedence",
    "List-Id",
    "List-Unsubscribe",
    "X-Failed-Recipients",
];

pub(super) fn read_headers(headers: &[MailHeader<'_>], msg: &mut ParsedMessage) {
    msg.headers = headers
        .iter()
        .filter(|h| {
            let key = h.get_key_raw().trim_ascii();
            KEPT.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(key))
        })
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
pub(super) fn header_value(h: &MailHeader<'_>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
