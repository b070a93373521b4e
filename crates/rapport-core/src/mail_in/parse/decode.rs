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

/// A text part as a string: transfer encoding undone, charset applied to the whole part (a
/// stateful charset such as ISO-2022-JP keeps its state across line ends). See
/// [`decode_charset`] for how the label is trusted.
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
    match p.ctype.params.get("charset") {
        None => decode_lenient(&bytes).into_owned(),
        Some(label) => decode_charset(label, &bytes),
    }
}

/// `bytes` in the charset `label` names. Labels of UTF-8 and ASCII (and unknown labels) read
/// as UTF-8 with invalid bytes as Windows-1252. Any other label is trusted when the bytes
/// decode in it without error, before any guess; when they do not, valid non-ASCII UTF-8 is
/// taken for mislabelled UTF-8, and anything else is read in the label with replacements.
pub(super) fn decode_charset(label: &str, bytes: &[u8]) -> String {
    let label = label.trim().trim_matches('"').trim();
    let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        return decode_lenient(bytes).into_owned();
    };
    if enc == encoding_rs::UTF_8 || is_ascii_label(label) {
        return decode_lenient(bytes).into_owned();
    }
    let bytes: Cow<'_, [u8]> = if enc == encoding_rs::ISO_2022_JP {
        iso_2022_jp_line_ends(bytes)
    } else {
        Cow::Borrowed(bytes)
    };
    if let Some(s) = enc.decode_without_bom_handling_and_without_replacement(&bytes) {
        return s.into_owned();
    }
    if !bytes.is_ascii()
        && let Ok(s) = std::str::from_utf8(&bytes)
    {
        return s.to_string();
    }
    enc.decode_without_bom_handling(&bytes).0.into_owned()
}

/// ISO-2022-JP must switch back to ASCII before a line ends, but mail clients often leave a
/// two-byte mode on across lines, which a strict decoder rejects: switch back before each
/// line end and on again after it.
fn iso_2022_jp_line_ends(bytes: &[u8]) -> Cow<'_, [u8]> {
    const TO_ASCII: &[u8] = b"\x1b(B";
    let mut mode: Option<&[u8]> = None; // the escape of the two-byte mode in force
    let mut fixed: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == 0x1b && i + 2 < bytes.len() {
            let esc = &bytes[i..i + 3];
            match (esc[1], esc[2]) {
                (b'$', b'B' | b'@') => mode = Some(&bytes[i..i + 3]),
                (b'(', _) => mode = None,
                _ => {}
            }
        }
        if let Some(m) = mode
            && (b == b'\n' || b == b'\r')
        {
            let out = fixed.get_or_insert_with(|| bytes[..i].to_vec());
            out.extend_from_slice(TO_ASCII);
            let end = bytes[i..]
                .iter()
                .position(|c| *c != b'\n' && *c != b'\r')
                .map_or(bytes.len(), |n| i + n);
            out.extend_from_slice(&bytes[i..end]);
            // A line that switches modes itself needs nothing re-enabled.
            if end < bytes.len() && bytes[end] != 0x1b {
                out.extend_from_slice(m);
            } else {
                mode = None;
            }
            i = end;
            continue;
        }
        if let Some(out) = fixed.as_mut() {
            out.push(b);
        }
        i += 1;
    }
    match fixed {
        Some(v) => Cow::Owned(v),
        None => Cow::Borrowed(bytes),
    }
}

/// Labels that mean ASCII, which encoding_rs maps to Windows-1252 (as browsers do).
fn is_ascii_label(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" | "us"
    )
}

/// Valid UTF-8 sequences as UTF-8, every other byte as Windows-1252.
pub(super) fn decode_lenient(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(s);
    }
    // Dovecot serves a NUL byte as 0x80: when that is the only stray byte, it stands for NULs
    // (shown as nothing, as a NUL read from a file is), not for a euro sign.
    let only_nuls = bytes
        .utf8_chunks()
        .all(|c| c.invalid().iter().all(|&b| b == 0x80));
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for &b in chunk.invalid() {
            if !only_nuls {
                out.push(cp1252(b));
            }
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
    fn iso_2022_jp_across_line_ends() {
        // "こんにちは" then, still in JIS X 0208 mode after the line end, "世界".
        let jis = b"\x1b$B$3$s$K$A$O\r\n@$3&\x1b(B!";
        assert_eq!(decode_charset("ISO-2022-JP", jis), "こんにちは\r\n世界!");
        // A label is trusted when the bytes decode in it, before any UTF-8 guess.
        assert_eq!(decode_charset("windows-1251", b"\xd0\xb8"), "Рё");
        assert_eq!(decode_charset("iso-8859-1", b"Gr\xfc\xdfe"), "Grüße");
    }

    #[test]
    fn utf8_with_windows_1252_fallback() {
        assert_eq!(decode_lenient("Grüße".as_bytes()), "Grüße");
        assert_eq!(decode_lenient(b"Gr\xfc\xdfe"), "Grüße");
        assert_eq!(decode_lenient(b"\x93q\x94 \x80 \x81"), "“q” € \u{FFFD}");
        // 0x80 alone is how Dovecot serves NUL bytes.
        assert_eq!(decode_lenient(b"a\x80\x80b \xc3\xa4"), "ab ä");
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
