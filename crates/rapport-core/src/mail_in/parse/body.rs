//! Finding the body text in the MIME tree, and listing the attachments.

use mailparse::{DispositionType, MailHeaderMap, ParsedMail, parse_headers};

use super::decode::{base64_decoded_len, decode_lenient, decode_text, decoded_bytes};
use super::headers::header_value;
use super::html::html_to_text;
use crate::model::{Attachment, ParsedMessage};
use crate::sanitize::{sanitize_line, sanitize_text};

/// Nesting depth beyond which MIME parts are not looked into for a body.
const MAX_DEPTH: usize = 64;
/// A piece of body text and whether it came from HTML.
struct Piece {
    text: String,
    html: bool,
}

pub(super) fn read_content(mail: &ParsedMail<'_>, msg: &mut ParsedMessage) {
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

/// Content-Disposition attachment, or a file name on a part that is not plain text or HTML.
/// (Other parts are listed as attachments too, see [`attachments_of`], but these are never
/// read as body text.) Text or HTML with a file name but no `attachment` disposition is shown
/// inline by mail clients, so it is body text here too.
fn is_attachment(p: &ParsedMail<'_>) -> bool {
    let disp = p.get_content_disposition();
    if disp.disposition == DispositionType::Attachment {
        return true;
    }
    let named = disp.params.contains_key("filename") || p.ctype.params.contains_key("name");
    named && !matches!(p.ctype.mimetype.as_str(), "text/plain" | "text/html")
}

/// Whether a leaf part is listed as an attachment rather than read as body text.
pub(super) fn is_listed(p: &ParsedMail<'_>) -> bool {
    is_attachment(p) || !is_body_type(&p.ctype.mimetype)
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
        if !is_listed(p) {
            continue;
        }
        out.push(Attachment {
            name: labelled_name(mime, attachment_name(p)),
            mime: sanitize_line(mime).to_lowercase(),
            size: decoded_size(p),
        });
    }
    out
}

/// Signature and calendar parts are not files a candidate sent (a CV, a portfolio): their
/// name says what they are, so nobody opens `smime.p7s` looking for a CV.
pub(super) fn labelled_name(mime: &str, name: String) -> String {
    let label = match mime.to_ascii_lowercase().as_str() {
        "application/pgp-signature" => "PGP signature",
        "application/pkcs7-signature" | "application/x-pkcs7-signature" => "S/MIME signature",
        "application/pgp-keys" => "PGP key",
        "text/calendar" | "application/ics" => "calendar invitation",
        _ => return name,
    };
    if name == "unnamed" {
        format!("[{label}]")
    } else {
        format!("[{label}] {name}")
    }
}

pub(super) fn attachment_name(p: &ParsedMail<'_>) -> String {
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
/// Sanitized body without leading or trailing blank lines.
pub(super) fn clean_body(text: &str) -> String {
    let s = sanitize_text(text);
    let trimmed = s.trim_end_matches('\n').trim_start_matches('\n');
    if trimmed.len() == s.len() {
        s
    } else {
        trimmed.to_string()
    }
}

/// The decoded bytes of the `index`-th attachment (0-based, in the order
/// [`attachments_of`] lists them) of a whole raw message; None when it has fewer.
pub fn attachment_bytes(raw: &[u8], index: usize) -> Option<Vec<u8>> {
    let mail = mailparse::parse_mail(raw).ok()?;
    let part = mail
        .parts()
        .filter(|p| !p.ctype.mimetype.starts_with("multipart/") && is_listed(p))
        .nth(index)?;
    Some(decoded_bytes(part).into_owned())
}

/// A part's body as `BODY[section]` gives it, decoded from its transfer `encoding`.
pub fn decode_part(encoding: &str, body: &[u8]) -> Vec<u8> {
    let enc: String = encoding
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let mut part = format!(
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: {enc}\r\n\r\n"
    )
    .into_bytes();
    part.extend_from_slice(body);
    match mailparse::parse_mail(&part) {
        Ok(p) => decoded_bytes(&p).into_owned(),
        Err(_) => body.to_vec(),
    }
}
