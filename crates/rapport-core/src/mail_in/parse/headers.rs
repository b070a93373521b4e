//! The header block: subject, ids, date and address headers.

use mailparse::MailHeader;

use super::address::read_address_list;
use super::decode::decode_lenient;
use super::encoded_words::decode_encoded_words;
use super::short;
use crate::model::{Mailbox, ParsedMessage};
use crate::sanitize::{is_invisible, sanitize_line};

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
    // Where the server delivered it: a mail to the unsubscribe address may name it only here.
    "Delivered-To",
    "X-Original-To",
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
/// read as Windows-1252 (a superset of Latin-1's printable range); folding is undone and RFC
/// 2047 encoded words are decoded (see `encoded_words`). Not sanitized yet.
pub(super) fn header_value(h: &MailHeader<'_>) -> String {
    decode_encoded_words(&unfolded(h))
}

/// The raw value as text, unfolded, encoded words still encoded.
fn unfolded(h: &MailHeader<'_>) -> String {
    let raw = decode_lenient(h.get_value_raw());
    // Unfolding removes the line break and keeps the whitespace after it (RFC 5322 §2.2.3).
    if raw.contains(['\r', '\n']) {
        raw.replace(['\r', '\n'], "").trim().to_string()
    } else {
        raw.trim().to_string()
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
    // Obsolete syntax allows comments inside the brackets (`<1234 @ local(blah) .example>`).
    let mut comment = 0u32;
    for c in value.chars() {
        if cur.is_some() && (comment > 0 || c == '(') {
            match c {
                '(' => comment += 1,
                ')' => comment -= 1,
                _ => {}
            }
            continue;
        }
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
    // Comments are allowed around every token (`09:55:06 (EDT) -0600`); CFWS is one space.
    let uncommented = without_comments(value);
    let v = uncommented.trim();
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

/// `s` with `(comments)` (nested, with quoted pairs) replaced by a space and whitespace runs
/// collapsed.
fn without_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    let mut escaped = false;
    for c in s.chars() {
        if depth > 0 {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                out.push(' ');
            }
            continue;
        }
        if c == '(' {
            depth = 1;
            continue;
        }
        out.push(c);
    }
    // Obsolete syntax allows CFWS around the colons of the time too (`09 : 55 : 06`).
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" :", ":")
        .replace(": ", ":")
}

/// Every mailbox in every `name` header, groups flattened (see `address`).
fn addresses(headers: &[MailHeader<'_>], name: &str, problems: &mut Vec<String>) -> Vec<Mailbox> {
    let mut out = Vec::new();
    let matching = headers
        .iter()
        .filter(|h| h.get_key_ref().trim().eq_ignore_ascii_case(name));
    for h in matching {
        let mut value = unfolded(h);
        // Escape sequences hold `;` and `:`, which would split the list: remove them first.
        // (Only then: sanitizing collapses the spaces of a quoted local part.)
        if value.chars().any(char::is_control) {
            value = sanitize_line(&value);
        }
        let before = out.len();
        let (list, clean) = read_address_list(&value);
        for m in list {
            push_mailbox(&mut out, m.name.as_deref(), &m.address);
        }
        if !clean {
            let shown = sanitize_line(&decode_encoded_words(&value));
            problems.push(format!(
                "the {name} header is malformed; read leniently: {:?}",
                short(&shown)
            ));
        }
        if out.len() == before {
            // Nothing usable: still keep anything shaped like an address.
            let shown = sanitize_line(&decode_encoded_words(&value));
            for a in scan_addresses(&shown) {
                push_mailbox(&mut out, None, &a);
            }
        }
    }
    out
}

/// Adds a mailbox with a sanitized name and a lower-cased address; one without an address is
/// left out (the message then has no usable sender, and is still stored).
fn push_mailbox(out: &mut Vec<Mailbox>, name: Option<&str>, addr: &str) {
    // Only sanitized when it needs it: that collapses the spaces of `"john  smith"@x`.
    let needs = addr.chars().any(|c| c.is_control() || is_invisible(c));
    let address: String = if needs {
        sanitize_line(addr)
    } else {
        addr.trim().to_string()
    }
    .trim_matches(|c| matches!(c, ',' | ';' | ':' | '<' | '>'))
    .chars()
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
        assert_eq!(
            parse_message_id("<1234   @   local(blah)  .machine .example>"),
            Some("1234@local.machine.example".into())
        );
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
        assert_eq!(
            parse_date("Fri, 21 Nov 1997 09:55:06 (EDT) -0600"),
            parse_date("Fri, 21 Nov 1997 09:55:06 -0600")
        );
        assert_eq!(
            parse_date("(Friday) Fri, 21 Nov (a (nested) one) 1997 09:55:06 -0600 (CST)"),
            Some(880_127_706)
        );
        assert_eq!(
            parse_date("Fri, 21 Nov 1997 09(comment):   55  :  06 -0600"),
            Some(880_127_706)
        );
    }
}
