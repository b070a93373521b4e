//! Transfer encodings and charsets: base64 (strict and lenient), and text that is not quite
//! what it claims to be.

use std::borrow::Cow;

use mailparse::{MailHeaderMap, ParsedMail};

/// How many bytes [`base64_lenient`] produces for `input` (also the strict decoder's count for
/// valid input).
pub(super) fn base64_decoded_len(input: &[u8]) -> usize {
    let tail = |n: usize| n.saturating_sub(1); // 2 chars -> 1 byte, 3 -> 2
    // Fast path, as encoders write it: padding only at the very end. Counting alphabet bytes
    // without branches runs several times faster on large attachments.
    let body_end = input
        .iter()
        .rposition(|c| !matches!(c, b'=' | b'\r' | b'\n' | b' ' | b'\t'))
        .map_or(0, |i| i + 1);
    let (n, pads) = alphabet_count(&input[..body_end]);
    if pads == 0 {
        return n / 4 * 3 + tail(n % 4);
    }
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

/// How many bytes are base64 (or base64url) alphabet, and how many are `=`, in one pass
/// without branches, so it vectorizes.
fn alphabet_count(input: &[u8]) -> (usize, usize) {
    input
        .chunks(255)
        .map(|chunk| {
            chunk.iter().fold((0u8, 0u8), |(n, pads), &c| {
                let letter = (c | 0x20).wrapping_sub(b'a') < 26;
                let digit = c.wrapping_sub(b'0') < 10;
                let symbol = (c == b'+') | (c == b'/') | (c == b'-') | (c == b'_');
                (
                    n + u8::from(letter | digit | symbol),
                    pads + u8::from(c == b'='),
                )
            })
        })
        .fold((0, 0), |(n, pads), (a, b)| {
            (n + a as usize, pads + b as usize)
        })
}

/// The transfer-decoded bytes of a part; a lenient decoder when the encoding is broken.
pub(super) fn decoded_bytes<'a>(p: &'a ParsedMail<'a>) -> Cow<'a, [u8]> {
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
pub(super) fn decode_text(p: &ParsedMail<'_>, problems: &mut Vec<String>) -> String {
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
pub(super) fn decode_lenient(bytes: &[u8]) -> Cow<'_, str> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            b"aGVsbG8=\r\n=\r\n",
            b"aGVs bG8\t=\r\n",
            b"\xc1\xdaaGVs[`@{bG8=",
        ] {
            assert_eq!(base64_decoded_len(s), base64_lenient(s).len(), "{s:?}");
        }
        // Attachment-sized, in 76-character lines, with every padding length.
        for extra in 0..3 {
            let data: Vec<u8> = (0..20_000u32 + extra)
                .map(|i| (i * 7 + i / 3) as u8)
                .collect();
            let b64 = encode_lines(&data);
            assert_eq!(base64_decoded_len(&b64), data.len());
            assert_eq!(base64_lenient(&b64), data);
        }
    }

    /// Standard base64 in CRLF-ended 76-character lines.
    fn encode_lines(data: &[u8]) -> Vec<u8> {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut flat = Vec::new();
        for c in data.chunks(3) {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                flat.push(if i <= c.len() {
                    A[(n >> (18 - 6 * i)) as usize & 63]
                } else {
                    b'='
                });
            }
        }
        flat.chunks(76)
            .flat_map(|l| [l, b"\r\n"].concat())
            .collect()
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
}
