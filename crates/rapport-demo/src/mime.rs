//! Just enough MIME writing for the demo: RFC 2047 encoded words, base64, quoted-printable
//! and the few message structures real clients produce. Everything writes `\r\n`.

/// How a client encodes non-ASCII header text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordEnc {
    Utf8B,
    Utf8Q,
    Latin1B,
    Latin1Q,
}

/// `s` as ISO-8859-1 bytes, when every character fits.
pub fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(B64[(n >> 18) as usize & 63] as char);
        out.push(B64[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            B64[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            B64[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// Base64 broken into 76-character lines, each ending in CRLF.
pub fn base64_lines(data: &[u8]) -> Vec<u8> {
    let flat = base64(data);
    let mut out = Vec::with_capacity(flat.len() + flat.len() / 38 + 2);
    for line in flat.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_hex(out: &mut Vec<u8>, b: u8) {
    out.push(b'=');
    out.push(HEX[usize::from(b >> 4)]);
    out.push(HEX[usize::from(b & 15)]);
}

/// Bytes that quoted-printable may leave as they are (space and tab only mid-line).
const fn qp_literal_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = b'!';
    while b <= b'~' {
        t[b as usize] = b != b'=';
        b += 1;
    }
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t
}
const QP_LITERAL: [bool; 256] = qp_literal_table();

/// Quoted-printable body encoding (RFC 2045): LF-separated input lines become CRLF lines,
/// soft breaks keep encoded lines at most 76 characters. Written as plain index loops
/// copying runs, because this is the hot spot of generating large mailboxes.
pub fn quoted_printable(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 8 + 16);
    let n = data.len();
    let mut i = 0;
    let mut col = 0usize;
    while i < n {
        let b = data[i];
        if b == b'\n' {
            out.extend_from_slice(b"\r\n");
            col = 0;
            i += 1;
            continue;
        }
        let at_eol = i + 1 == n
            || data[i + 1] == b'\n'
            || (data[i + 1] == b'\r' && i + 2 < n && data[i + 2] == b'\n');
        if b == b'\r' && i + 1 < n && data[i + 1] == b'\n' {
            i += 1;
            continue;
        }
        if QP_LITERAL[b as usize] && !((b == b' ' || b == b'\t') && at_eol) {
            // A run of plain bytes up to the line limit, the end of the line or a byte that
            // needs encoding (trailing whitespace is handled byte by byte above).
            let mut j = i + 1;
            let limit = i + (75 - col).max(1);
            while j < n && j < limit {
                let c = data[j];
                if !QP_LITERAL[c as usize] || c == b' ' || c == b'\t' {
                    break;
                }
                j += 1;
            }
            if col + (j - i) > 75 {
                out.extend_from_slice(b"=\r\n");
                col = 0;
                continue;
            }
            out.extend_from_slice(&data[i..j]);
            col += j - i;
            i = j;
        } else {
            if col + 3 > 75 {
                out.extend_from_slice(b"=\r\n");
                col = 0;
            }
            push_hex(&mut out, b);
            col += 3;
            i += 1;
        }
        if col >= 75 && i < n && data[i] != b'\n' {
            out.extend_from_slice(b"=\r\n");
            col = 0;
        }
    }
    if !data.ends_with(b"\n") && !data.is_empty() {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// LF text as CRLF bytes, ending with CRLF. (All generated text uses bare LF.)
pub fn crlf(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 30 + 2);
    let mut rest = data;
    while let Some(pos) = memchr_lf(rest) {
        let line = &rest[..pos];
        out.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        out.extend_from_slice(b"\r\n");
        rest = &rest[pos + 1..];
    }
    if !rest.is_empty() {
        out.extend_from_slice(rest);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn memchr_lf(data: &[u8]) -> Option<usize> {
    // `str::find(char)` is backed by the precompiled memchr even in debug builds.
    match std::str::from_utf8(data) {
        Ok(s) => s.find('\n'),
        Err(_) => data.iter().position(|&b| b == b'\n'),
    }
}

/// RFC 2047 encoded words for `s`, folded with CRLF + space between words.
pub fn encoded_words(s: &str, enc: WordEnc) -> String {
    let enc = match enc {
        WordEnc::Latin1B | WordEnc::Latin1Q if latin1(s).is_none() => WordEnc::Utf8B,
        e => e,
    };
    let (charset, b) = match enc {
        WordEnc::Utf8B => ("UTF-8", true),
        WordEnc::Utf8Q => ("UTF-8", false),
        WordEnc::Latin1B => ("ISO-8859-1", true),
        WordEnc::Latin1Q => ("ISO-8859-1", false),
    };
    let latin = charset == "ISO-8859-1";
    let mut words: Vec<String> = Vec::new();
    let mut chunk: Vec<u8> = Vec::new();
    let mut cost = 0usize;
    let flush = |chunk: &mut Vec<u8>, words: &mut Vec<String>| {
        if chunk.is_empty() {
            return;
        }
        let payload = if b {
            base64(chunk)
        } else {
            let mut q = Vec::with_capacity(chunk.len() * 2);
            for &c in chunk.iter() {
                if c.is_ascii_alphanumeric() || b"!*+-/".contains(&c) {
                    q.push(c);
                } else if c == b' ' {
                    q.push(b'_');
                } else {
                    push_hex(&mut q, c);
                }
            }
            String::from_utf8(q).unwrap_or_default()
        };
        words.push(format!(
            "=?{charset}?{}?{payload}?=",
            if b { 'B' } else { 'Q' }
        ));
        chunk.clear();
    };
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let bytes: &[u8] = if latin {
            buf[0] = u32::from(c) as u8;
            &buf[..1]
        } else {
            c.encode_utf8(&mut buf).as_bytes()
        };
        let add = if b {
            bytes.len()
        } else {
            bytes
                .iter()
                .map(|&x| {
                    if x.is_ascii_alphanumeric() || x == b' ' {
                        1
                    } else {
                        3
                    }
                })
                .sum()
        };
        let limit = if b { 45 } else { 58 };
        if cost + add > limit {
            flush(&mut chunk, &mut words);
            cost = 0;
        }
        chunk.extend_from_slice(bytes);
        cost += add;
    }
    flush(&mut chunk, &mut words);
    words.join("\r\n ")
}

/// A display name as it goes into an address header.
pub fn phrase(name: &str, enc: WordEnc) -> String {
    if !name.is_ascii() {
        return encoded_words(name, enc);
    }
    if name.bytes().any(|b| {
        matches!(
            b,
            b'(' | b')'
                | b'<'
                | b'>'
                | b'['
                | b']'
                | b':'
                | b';'
                | b'@'
                | b'\\'
                | b','
                | b'.'
                | b'"'
        )
    }) {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        name.to_string()
    }
}

/// `Name <addr>`.
pub fn mailbox(name: &str, addr: &str, enc: WordEnc) -> String {
    format!("{} <{addr}>", phrase(name, enc))
}

/// Unstructured header text (a subject). ASCII stays as it is; otherwise a leading ASCII
/// reply prefix ("Re: ", "AW: ") stays plain and the rest becomes encoded words.
pub fn unstructured(s: &str, enc: WordEnc) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    for prefix in [
        "Re: ",
        "RE: ",
        "AW: ",
        "Fwd: ",
        "Re : ",
        "Automatic reply: ",
    ] {
        if let Some(rest) = s.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return format!("{prefix}{}", encoded_words(rest, enc));
        }
    }
    encoded_words(s, enc)
}

/// How a text part is transferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cte {
    /// `7bit` for ASCII, `8bit` otherwise.
    Raw,
    Qp,
    Base64,
}

/// One text part.
#[derive(Debug, Clone)]
pub struct TextPart {
    /// "plain" or "html".
    pub subtype: &'static str,
    pub text: String,
    /// Prefer ISO-8859-1 (falls back to UTF-8 when the text does not fit).
    pub latin1: bool,
    pub cte: Cte,
    pub flowed: bool,
}

impl TextPart {
    pub fn plain(text: String, cte: Cte) -> TextPart {
        TextPart {
            subtype: "plain",
            text,
            latin1: false,
            cte,
            flowed: false,
        }
    }
    pub fn html(text: String, cte: Cte) -> TextPart {
        TextPart {
            subtype: "html",
            text,
            latin1: false,
            cte,
            flowed: false,
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        let encoded = if self.latin1 {
            latin1(&self.text)
        } else {
            None
        };
        let (charset, bytes) = match encoded {
            Some(b) => ("ISO-8859-1", b),
            None => ("UTF-8", self.text.as_bytes().to_vec()),
        };
        let flowed = if self.flowed { "; format=flowed" } else { "" };
        out.extend_from_slice(
            format!(
                "Content-Type: text/{}; charset=\"{charset}\"{flowed}\r\n",
                self.subtype
            )
            .as_bytes(),
        );
        let (name, body) = match self.cte {
            Cte::Raw => (if bytes.is_ascii() { "7bit" } else { "8bit" }, crlf(&bytes)),
            Cte::Qp => ("quoted-printable", quoted_printable(&bytes)),
            Cte::Base64 => ("base64", base64_lines(&bytes)),
        };
        out.extend_from_slice(format!("Content-Transfer-Encoding: {name}\r\n\r\n").as_bytes());
        out.extend_from_slice(&body);
        if !body.ends_with(b"\r\n") {
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// The file name as it goes into the header parameter (already encoded when needed).
    pub filename: String,
    pub mime: &'static str,
    pub data: Vec<u8>,
}

/// Writes the MIME headers and the body: one text part, or `multipart/alternative` for two,
/// wrapped in `multipart/mixed` when there are attachments. `boundary` must be unique to
/// the message; suffixes are added for nested parts.
pub fn write_body(
    out: &mut Vec<u8>,
    parts: &[TextPart],
    attachments: &[Attachment],
    boundary: &str,
) {
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    if attachments.is_empty() {
        write_text(out, parts, boundary);
        return;
    }
    let outer = format!("{boundary}_m");
    out.extend_from_slice(
        format!("Content-Type: multipart/mixed; boundary=\"{outer}\"\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(b"This is a multi-part message in MIME format.\r\n");
    out.extend_from_slice(format!("\r\n--{outer}\r\n").as_bytes());
    write_text(out, parts, &format!("{boundary}_a"));
    for a in attachments {
        out.extend_from_slice(format!("\r\n--{outer}\r\n").as_bytes());
        out.extend_from_slice(
            format!(
                "Content-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment; filename=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                a.mime, a.filename, a.filename
            )
            .as_bytes(),
        );
        out.extend_from_slice(&base64_lines(&a.data));
    }
    out.extend_from_slice(format!("\r\n--{outer}--\r\n").as_bytes());
}

fn write_text(out: &mut Vec<u8>, parts: &[TextPart], boundary: &str) {
    match parts {
        [one] => one.write(out),
        _ => {
            out.extend_from_slice(
                format!("Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n")
                    .as_bytes(),
            );
            for p in parts {
                out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
                p.write(out);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        }
    }
}

/// Appends `s` escaped for HTML, copying runs between special characters.
pub fn push_html_escaped(out: &mut String, s: &str) {
    let mut rest = s;
    // Single-character searches run on the precompiled memchr even in debug builds.
    while let Some(pos) = ['&', '<', '>', '"']
        .into_iter()
        .filter_map(|c| rest.find(c))
        .min()
    {
        out.push_str(&rest[..pos]);
        out.push_str(match rest.as_bytes()[pos] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[pos + 1..];
    }
    out.push_str(rest);
}

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    push_html_escaped(&mut out, s);
    out
}

/// Plain text paragraphs as HTML paragraphs opened with `open` (single newlines become
/// `<br>`).
pub fn paragraphs_html(text: &str, open: &str) -> String {
    let mut out = String::with_capacity(text.len() * 5 / 4 + 32);
    for para in text.split("\n\n") {
        let para = para.trim_matches('\n');
        if para.is_empty() {
            continue;
        }
        out.push_str(open);
        for (i, line) in para.split('\n').enumerate() {
            if i > 0 {
                out.push_str("<br>\n");
            }
            push_html_escaped(&mut out, line);
        }
        out.push_str("</p>\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_values() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("José".as_bytes()), "Sm9zw6k=");
    }

    #[test]
    fn encoded_words_decode() {
        let cases = [
            (
                "José Álvarez",
                WordEnc::Latin1Q,
                "=?ISO-8859-1?Q?Jos=E9_=C1lvarez?=",
            ),
            ("Zoë", WordEnc::Utf8Q, "=?UTF-8?Q?Zo=C3=AB?="),
            ("李雷", WordEnc::Utf8B, "=?UTF-8?B?5p2O6Zu3?="),
            // Not representable in Latin-1: falls back to UTF-8 B.
            ("Łukasz", WordEnc::Latin1Q, "=?UTF-8?B?xYF1a2Fzeg==?="),
        ];
        for (name, enc, want) in cases {
            assert_eq!(phrase(name, enc), want);
        }
        let long = "Ολγα Πετροβα Ολγα Πετροβα Ολγα Πετροβα Ολγα Πετροβα";
        let words = encoded_words(long, WordEnc::Utf8Q);
        assert!(words.split("\r\n ").all(|w| w.len() <= 75), "{words}");
        let raw = format!("Subject: {words}");
        let parsed = mailparse::parse_header(raw.as_bytes()).unwrap().0;
        assert_eq!(parsed.get_value(), long);
        assert_eq!(
            phrase("Alice Moreau (Northwind Talent)", WordEnc::Utf8B),
            "\"Alice Moreau (Northwind Talent)\""
        );
    }

    #[test]
    fn quoted_printable_lines() {
        let text = "Grüße ".repeat(30) + "\nend =\n";
        let qp = quoted_printable(&latin1(&text).unwrap());
        for line in qp.split(|&b| b == b'\n') {
            assert!(line.len() <= 77, "{}", String::from_utf8_lossy(line));
        }
        let s = String::from_utf8(qp).unwrap();
        assert!(s.contains("Gr=FC=DFe"));
        assert_eq!(html_escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
        assert_eq!(
            paragraphs_html("a\nb\n\n\nc<", "<p>"),
            "<p>a<br>\nb</p>\n<p>c&lt;</p>\n"
        );
        assert!(s.ends_with("end =3D\r\n"));
        assert_eq!(quoted_printable(b"a \nb\t\n"), b"a=20\r\nb=09\r\n");
        assert_eq!(crlf(b"a\nb"), b"a\r\nb\r\n");
        assert_eq!(crlf(b"a\n\n"), b"a\r\n\r\n");
        // Decodes back to the input, for long lines with every kind of byte.
        let text = format!(
            "{}\n\nline with trailing space \n{}",
            "x".repeat(200),
            "é=€ ".repeat(40)
        );
        let raw = format!(
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}",
            String::from_utf8(quoted_printable(text.as_bytes())).unwrap()
        );
        let parsed = mailparse::parse_mail(raw.as_bytes()).unwrap();
        assert_eq!(
            parsed.get_body().unwrap().replace("\r\n", "\n").trim_end(),
            text.trim_end()
        );
        for line in quoted_printable(text.as_bytes()).split(|&b| b == b'\n') {
            assert!(line.len() <= 77);
        }
    }
}
