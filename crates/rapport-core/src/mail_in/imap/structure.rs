//! Reading a BODYSTRUCTURE (RFC 3501 section 7.4.2) into its leaf parts, in order, for mail
//! read in part (see `parse::structure`). Attached messages are leaves: what they contain
//! is theirs. Unknown extension data is skipped.

use super::bulk::{Token, Tokens};
use crate::mail_in::parse::Leaf;

/// Nesting beyond this is not a message anyone sent.
const MAX_DEPTH: usize = 64;

/// The leaves of one body structure, starting at its opening parenthesis.
pub(super) fn leaves(t: &mut Tokens) -> Option<Vec<Leaf>> {
    let mut out = Vec::new();
    body(t, &mut out, 0, "")?;
    Some(out)
}

/// `section` is the part's number as BODY[section] names it (RFC 3501 6.4.5): "" for the
/// message itself, "2.1" for the first part of its second part.
fn body(t: &mut Tokens, out: &mut Vec<Leaf>, depth: usize, section: &str) -> Option<()> {
    if depth > MAX_DEPTH || t.next()? != Token::Open {
        return None;
    }
    if t.peek()? == Token::Open {
        // Multipart: its parts, then the subtype and extension data.
        let mut n = 0;
        while t.peek()? == Token::Open {
            n += 1;
            let part = if section.is_empty() {
                n.to_string()
            } else {
                format!("{section}.{n}")
            };
            body(t, out, depth + 1, &part)?;
        }
        return rest_of_list(t);
    }
    let kind = text(t)?;
    let sub = text(t)?;
    let params = param_list(t)?;
    t.skip_value()?; // id
    t.skip_value()?; // description
    let encoding = text(t).unwrap_or_default();
    let octets = t.number()?;
    let mime = format!("{kind}/{sub}").to_ascii_lowercase();
    let mut subject = None;
    if mime == "message/rfc822" {
        // Envelope (date, subject, ...), the attached message's structure, its lines.
        if t.next()? != Token::Open {
            return None;
        }
        t.skip_value()?;
        subject = t.string().map(|s| String::from_utf8_lossy(&s).into_owned());
        rest_of_list(t)?;
        t.skip_value()?;
        t.skip_value()?;
    } else if kind.eq_ignore_ascii_case("text") {
        t.skip_value()?; // lines
    }
    let mut disposition = None;
    if t.peek()? != Token::Close {
        t.skip_value()?; // MD5
        if t.peek()? == Token::Open {
            t.next()?;
            let kind = text(t)?;
            let params = param_list(t)?;
            rest_of_list(t)?;
            disposition = Some((kind, params));
        } else if t.peek()? != Token::Close {
            t.skip_value()?; // NIL
        }
    }
    rest_of_list(t)?;
    out.push(Leaf {
        mime,
        params,
        disposition,
        encoding,
        octets,
        subject,
        // A message that is not multipart has one part, numbered 1.
        section: if section.is_empty() {
            "1".to_string()
        } else {
            section.to_string()
        },
    });
    Some(())
}

/// Skips what is left of a list, and its closing parenthesis.
fn rest_of_list(t: &mut Tokens) -> Option<()> {
    while t.peek()? != Token::Close {
        t.skip_value()?;
    }
    t.next().map(|_| ())
}

/// A string; NIL is none.
fn text(t: &mut Tokens) -> Option<String> {
    t.string().map(|s| String::from_utf8_lossy(&s).into_owned())
}

/// `("name" "value" ...)` or NIL.
fn param_list(t: &mut Tokens) -> Option<Vec<(String, String)>> {
    match t.next()? {
        Token::Open => {}
        Token::Atom(a) if a.eq_ignore_ascii_case(b"NIL") => return Some(Vec::new()),
        _ => return None,
    }
    let mut out = Vec::new();
    while t.peek()? != Token::Close {
        let k = text(t)?;
        let v = text(t).unwrap_or_default();
        out.push((k, v));
    }
    t.next()?;
    Some(out)
}
