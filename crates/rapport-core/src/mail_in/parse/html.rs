//! HTML bodies rendered as plain text, offline.

use super::panic_text;
use crate::guard::guarded;

/// Width HTML bodies are rendered at.
const HTML_WIDTH: usize = 80;
/// HTML larger than this is cut before rendering (rendering cost grows with size).
const HTML_MAX_BYTES: usize = 1024 * 1024;
/// HTML elements nested deeper than this are not laid out (see `html_too_deep`).
const HTML_MAX_DEPTH: usize = 400;
/// Renders HTML as plain text offline: no resource is ever fetched, images are dropped (only
/// their alt text may remain), link texts are kept and link targets listed as footnotes.
pub(super) fn html_to_text(html: &str, problems: &mut Vec<String>) -> String {
    let mut input = html;
    if input.len() > HTML_MAX_BYTES {
        let mut cut = HTML_MAX_BYTES;
        while !input.is_char_boundary(cut) {
            cut -= 1;
        }
        input = &input[..cut];
        problems.push("the HTML body is very large; only its beginning is shown".into());
    }
    // Escape sequences written as character references (`&#27;[2J`) become real ones when
    // the renderer decodes entities, after any sanitizing of the output could see them whole
    // (the renderer drops the ESC and leaves `[2J`): remove them from the source first.
    let defused = defuse_escapes(input);
    let input: &str = &defused;
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

/// `html` with escape sequences removed, also those written as character references to ESC
/// or the 8-bit CSI/OSC (`&#27;`, `&#x1B;`, `&#155;`, ...).
fn defuse_escapes(html: &str) -> std::borrow::Cow<'_, str> {
    // Most HTML has neither: look before copying (character references are common).
    let b = html.as_bytes();
    // ESC, or U+009B / U+009D (C2 9B and C2 9D in UTF-8), looked for in bytes (fast).
    let raw_escape = b.contains(&0x1b)
        || b.windows(2)
            .any(|w| w[0] == 0xc2 && matches!(w[1], 0x9b | 0x9d));
    if !raw_escape
        && !html
            .match_indices("&#")
            .any(|(at, _)| escape_reference(&html[at..]))
    {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut s = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("&#") {
        s.push_str(&rest[..at]);
        rest = &rest[at..];
        let after = &rest[2..];
        let (hex, digits) = match after.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, after),
        };
        let len = digits
            .chars()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        let value = u32::from_str_radix(&digits[..len.min(8)], if hex { 16 } else { 10 }).ok();
        match value.and_then(char::from_u32) {
            // Starters and terminators (BEL, ST), so a sequence ends where it would.
            Some(
                c @ ('\u{1b}' | '\u{07}' | '\u{9b}' | '\u{9c}' | '\u{9d}' | '\u{90}' | '\u{9e}'
                | '\u{9f}'),
            ) if len > 0 => {
                s.push(c);
                let consumed = 2 + usize::from(hex) + len;
                let semi = usize::from(rest[consumed..].starts_with(';'));
                rest = &rest[consumed + semi..];
            }
            _ => {
                s.push_str("&#");
                rest = after;
            }
        }
    }
    s.push_str(rest);
    std::borrow::Cow::Owned(crate::sanitize::sanitize_text(&s))
}

/// Whether `s` starts with a character reference to a character that starts or ends an
/// escape sequence.
fn escape_reference(s: &str) -> bool {
    let after = &s[2..];
    let (radix, digits) = match after.strip_prefix(['x', 'X']) {
        Some(h) => (16, h),
        None => (10, after),
    };
    let len = digits.chars().take_while(|c| c.is_digit(radix)).count();
    len > 0
        && u32::from_str_radix(&digits[..len.min(8)], radix)
            .is_ok_and(|v| matches!(v, 0x07 | 0x1b | 0x90 | 0x9b..=0x9f))
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn escapes_written_as_references_are_removed() {
        let mut problems = Vec::new();
        let t = html_to_text(
            "<p>a&#27;[2J&#x1b;]0;title&#7;b &#X1B;[31mred&#0027;[0m &amp; &#233;</p>",
            &mut problems,
        );
        assert_eq!(t.trim(), "ab red & é");
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
}
