//! RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header values, with RFC 2231 language
//! tags (`=?UTF-8*en?B?…?=`).
//!
//! Adjacent encoded words of one charset are joined as bytes before the charset is applied:
//! encoders split a long value every N bytes, not every N characters, so one UTF-8 or
//! ISO-2022-JP character can straddle two words. The whitespace between adjacent encoded words
//! is dropped (RFC 2047 §6.2); everything else is kept as it is.

use super::decode::decode_charset;

/// One encoded word found in a value: where it is, its charset and its decoded bytes.
struct Word {
    start: usize,
    end: usize,
    charset: String,
    bytes: Vec<u8>,
}

/// `s` with every encoded word decoded. Text that only looks like an encoded word is kept.
pub(super) fn decode_encoded_words(s: &str) -> String {
    if !s.contains("=?") {
        return s.to_string();
    }
    let words = find_words(s);
    if words.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        out.push_str(&s[at..w.start]);
        // Runs of adjacent words (only whitespace between them) of the same charset.
        let mut bytes = w.bytes.clone();
        let mut end = w.end;
        let mut j = i + 1;
        while j < words.len() {
            let next = &words[j];
            let gap = &s[end..next.start];
            if !gap.chars().all(char::is_whitespace) {
                break;
            }
            if next.charset != w.charset {
                // Adjacent but another charset: decoded apart, still without the gap.
                break;
            }
            bytes.extend_from_slice(&next.bytes);
            end = next.end;
            j += 1;
        }
        out.push_str(&decode_charset(&w.charset, &bytes));
        at = end;
        // A following word of another charset: drop the whitespace gap between them.
        if let Some(next) = words.get(j)
            && s[at..next.start].chars().all(char::is_whitespace)
        {
            at = next.start;
        }
        i = j;
    }
    out.push_str(&s[at..]);
    out
}

/// Every well-formed encoded word in `s`, in order.
fn find_words(s: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut from = 0;
    while let Some(rel) = s[from..].find("=?") {
        let start = from + rel;
        match parse_word(s, start) {
            Some(w) => {
                from = w.end;
                words.push(w);
            }
            None => from = start + 2,
        }
    }
    words
}

/// The encoded word starting at `start` (which holds "=?"), if it is one.
fn parse_word(s: &str, start: usize) -> Option<Word> {
    let rest = &s[start + 2..];
    let q1 = rest.find('?')?;
    let charset_tag = &rest[..q1];
    let rest2 = &rest[q1 + 1..];
    let q2 = rest2.find('?')?;
    let enc = &rest2[..q2];
    let rest3 = &rest2[q2 + 1..];
    let close = rest3.find("?=")?;
    let text = &rest3[..close];
    if charset_tag.is_empty()
        || charset_tag.len() > 64
        || !charset_tag
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'?')
        || text.contains(char::is_whitespace)
    {
        return None;
    }
    // RFC 2231 §5: a language tag after '*' is not part of the charset.
    let charset = charset_tag
        .split('*')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = match enc {
        "B" | "b" => base64(text)?,
        "Q" | "q" => q_decode(text),
        _ => return None,
    };
    let end = start + 2 + q1 + 1 + q2 + 1 + close + 2;
    Some(Word {
        start,
        end,
        charset,
        bytes,
    })
}

/// Base64 as encoders write it in words; lenient about missing padding, `None` on junk.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut n = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            n = 0;
        }
    }
    match n {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    Some(out)
}

/// The Q encoding: `_` is a space, `=XX` a byte; a broken escape is kept as written.
fn q_decode(text: &str) -> Vec<u8> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' => out.push(b' '),
            b'=' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'='),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2047_section_8_examples() {
        let d = decode_encoded_words;
        assert_eq!(d("(=?ISO-8859-1?Q?a?=)"), "(a)");
        assert_eq!(d("(=?ISO-8859-1?Q?a?= b)"), "(a b)");
        assert_eq!(d("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)"), "(ab)");
        assert_eq!(d("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)"), "(ab)");
        assert_eq!(d("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)"), "(ab)");
        assert_eq!(d("(=?ISO-8859-1?Q?a_b?=)"), "(a b)");
        assert_eq!(d("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)"), "(a b)");
        assert_eq!(
            d("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>"),
            "Keith Moore <moore@cs.utk.edu>"
        );
        assert_eq!(d("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "André Pirard");
    }

    #[test]
    fn language_tags_and_split_characters() {
        let d = decode_encoded_words;
        assert_eq!(d("=?UTF-8*en?Q?Hello?="), "Hello");
        assert_eq!(d("=?US-ASCII*EN?Q?Keith_Moore?="), "Keith Moore");
        // "ü" (C3 BC) split over two words.
        assert_eq!(d("=?utf-8?Q?Gr=C3?= =?utf-8?Q?=BC=C3=9Fe?="), "Grüße");
        assert_eq!(d("=?UTF-8?B?5p2O?= =?UTF-8?B?6Zu3?="), "李雷");
    }

    #[test]
    fn junk_is_kept() {
        let d = decode_encoded_words;
        assert_eq!(d("=?utf-8?X?abc?="), "=?utf-8?X?abc?=");
        assert_eq!(d("=? not a word ?="), "=? not a word ?=");
        assert_eq!(d("a =?utf-8?B?***?= b"), "a =?utf-8?B?***?= b");
        assert_eq!(d("=?utf-8?Q?=ZZ?="), "=ZZ");
    }
}
