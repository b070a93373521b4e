//! Integration tests for `core::parse`: hand-written tricky messages, checked the way a user
//! would notice problems (wrong names, mojibake, tags or escape codes on screen, lost
//! attachments, broken threads, auto-replies counted as answers).

use rapport_core::mail_in::parse::*;
use rapport_core::model::{Attachment, Mailbox, ParsedMessage};

const REAL: &[u8] = include_bytes!("fixtures/parse/real.eml");

/// Joins lines with CRLF, as messages travel on the wire.
fn crlf(lines: &[&str]) -> Vec<u8> {
    lines.join("\r\n").into_bytes()
}

/// Every character is either printable or `\n` (bodies) — nothing that drives a terminal.
fn assert_displayable(what: &str, s: &str, allow_newline: bool) {
    for c in s.chars() {
        let bad = match c {
            '\n' => !allow_newline,
            c if c.is_control() => true,
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
            '\u{FEFF}' | '\u{061C}' | '\u{00AD}' => true,
            _ => false,
        };
        assert!(!bad, "{what} contains {c:?}: {s:?}");
    }
}

/// Checks every text field of a parsed message for control characters.
fn assert_all_displayable(m: &ParsedMessage) {
    assert_displayable("subject", &m.subject, false);
    assert_displayable("body", &m.body, true);
    let boxes = m
        .from
        .iter()
        .chain(&m.sender)
        .chain(&m.reply_to)
        .chain(&m.to)
        .chain(&m.cc);
    for b in boxes {
        assert_displayable("address", &b.address, false);
        if let Some(n) = &b.name {
            assert_displayable("name", n, false);
        }
    }
    for a in &m.attachments {
        assert_displayable("attachment", &a.name, false);
        assert_displayable("mime", &a.mime, false);
    }
    for (k, v) in &m.headers {
        assert_displayable("header name", k, false);
        assert_displayable("header value", v, false);
    }
    for id in m
        .message_id
        .iter()
        .chain(&m.in_reply_to)
        .chain(&m.references)
    {
        assert_displayable("id", id, false);
        assert!(!id.is_empty());
    }
    for p in &m.problems {
        assert_displayable("problem", p, false);
    }
}

/// `parse_message` turns internal panics into this problem; the tests want none.
fn assert_no_crash(m: &ParsedMessage) {
    assert!(
        !m.problems
            .iter()
            .any(|p| p.starts_with("the message could not be parsed")),
        "parser panicked: {:?}",
        m.problems
    );
}

fn mb(name: Option<&str>, address: &str) -> Mailbox {
    Mailbox {
        name: name.map(str::to_string),
        address: address.to_string(),
    }
}

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 19 == 0 {
            out.push_str("\r\n");
        }
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (j, &b)| acc | (b as u32) << (16 - 8 * j));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// A realistic message
// ---------------------------------------------------------------------------------------------

#[test]
fn real_message_every_field() {
    let m = parse_message(REAL);
    assert!(m.problems.is_empty(), "{:?}", m.problems);
    assert_eq!(
        m.message_id.as_deref(),
        Some("CAF=abc123.456@mail.example.de")
    );
    assert_eq!(m.in_reply_to, vec!["sam-1@agency.example"]);
    assert_eq!(
        m.references,
        vec!["sam-0@agency.example", "sam-1@agency.example"]
    );
    assert_eq!(
        m.from,
        Some(mb(Some("Jürgen Müller"), "juergen@example.de"))
    );
    assert_eq!(m.sender, None);
    assert_eq!(m.to, vec![mb(Some("Sam Recruiter"), "sam@agency.example")]);
    assert_eq!(m.cc, vec![mb(None, "hr@agency.example")]);
    assert!(m.reply_to.is_empty());
    assert_eq!(m.subject, "Re: Bewerbung für Köln");
    assert_eq!(m.date, Some(1_715_670_718)); // 2024-05-14T07:11:58Z
    assert!(!m.body_was_html);
    assert!(m.body.starts_with("Hi Sam,\n\nThanks for reaching out"));
    assert!(
        m.body.contains("I'd be happy to talk."),
        "soft line break joined"
    );
    assert!(m.body.contains("Best,\nJürgen"), "{}", m.body);
    assert!(!m.body.contains('\r'));
    assert!(!m.body.contains("<p>"));
    assert_eq!(
        m.attachments,
        vec![Attachment {
            name: "CV_Jürgen_Müller.pdf".into(),
            mime: "application/pdf".into(),
            size: 1040
        }]
    );
    assert!(!m.automated);
    assert_eq!(m.content_hash.len(), 64);
    assert!(
        m.content_hash
            .chars()
            .all(|c| matches!(c, '0'..='9' | 'a'..='f'))
    );
    // The headers policy checks read, in order, folded values unfolded, names as written;
    // trace headers (Return-Path, Received) are not kept.
    let names: Vec<&str> = m.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        ["Message-ID", "In-Reply-To", "References", "Date", "Subject"]
    );
    assert_eq!(
        m.headers[2].1,
        "<sam-0@agency.example> <sam-1@agency.example>"
    );
    assert_eq!(
        m.headers[4],
        ("Subject".to_string(), "Re: Bewerbung für Köln".to_string())
    );
    assert_all_displayable(&m);
}

#[test]
fn real_message_snippet() {
    let m = parse_message(REAL);
    let s = snippet(&m.body, 60);
    assert_eq!(s.chars().count(), 60);
    assert!(
        s.starts_with("Thanks for reaching out about the Senior Rust"),
        "{s}"
    );
    assert!(s.ends_with('…'));
    let all = snippet(&m.body, 1000);
    assert!(
        all.ends_with("Best, Jürgen"),
        "signature and quote skipped: {all}"
    );
}

// ---------------------------------------------------------------------------------------------
// Encoded words and raw 8-bit headers
// ---------------------------------------------------------------------------------------------

#[test]
fn encoded_word_subjects_in_several_charsets() {
    let cases: &[(&str, &str)] = &[
        ("=?utf-8?B?R3LDvMOfZSwg5p2O6Zu3IPCfjok=?=", "Grüße, 李雷 🎉"),
        ("=?UTF-8?b?R3LDvMOfZSwg5p2O6Zu3IPCfjok=?=", "Grüße, 李雷 🎉"),
        (
            "=?iso-8859-1?Q?Bewerbung_f=FCr_K=F6ln?=",
            "Bewerbung für Köln",
        ),
        (
            "=?ISO-8859-1?q?Bewerbung_f=FCr_K=F6ln?=",
            "Bewerbung für Köln",
        ),
        (
            "=?windows-1252?Q?=93Senior=94_role_=96_100=80?=",
            "“Senior” role – 100€",
        ),
        ("=?iso-2022-jp?B?GyRCTExAXCRORnxEeBsoQg==?=", "面接の日程"),
        ("=?koi8-r?B?8NLJ18XULCDp18HO?=", "Привет, Иван"),
        ("=?gb2312?B?wO7A1w==?=", "李雷"),
        // Adjacent encoded words are joined without the space between them.
        ("=?utf-8?Q?Gr=C3=BC?= =?utf-8?Q?=C3=9Fe?=", "Grüße"),
        // Mixed with plain text, folded over two lines.
        (
            "Re: =?iso-8859-1?Q?Bewerbung_f=FCr_K=F6ln?=\r\n and more",
            "Re: Bewerbung für Köln and more",
        ),
    ];
    for (raw, want) in cases {
        let m = parse_message(&crlf(&[&format!("Subject: {raw}"), "", "body"]));
        assert_eq!(m.subject, *want, "for {raw}");
        assert_no_crash(&m);
    }
}

#[test]
fn encoded_word_sender_names_in_several_charsets() {
    let cases: &[(&str, &str)] = &[
        ("=?utf-8?B?SsO8cmdlbiBNw7xsbGVy?=", "Jürgen Müller"),
        ("=?iso-8859-1?Q?Jos=E9_P=E9rez?=", "José Pérez"),
        (
            "=?windows-1252?Q?Zo=EB_=93Z=94_O=92Neil?=",
            "Zoë “Z” O’Neil",
        ),
        ("=?koi8-r?B?6dfBziDwxdTSz9c=?=", "Иван Петров"),
        ("=?iso-2022-jp?B?GyRCOzNFREJATzobKEI=?=", "山田太郎"),
        ("\"=?utf-8?B?SsO8cmdlbiBNw7xsbGVy?=\"", "Jürgen Müller"),
    ];
    for (raw, want) in cases {
        let m = parse_message(&crlf(&[
            &format!("From: {raw} <Someone@Example.COM>"),
            "",
            "x",
        ]));
        assert_eq!(
            m.from,
            Some(mb(Some(want), "someone@example.com")),
            "for {raw}"
        );
    }
}

#[test]
fn raw_utf8_header_bytes() {
    let raw =
        "Subject: Grüße aus Köln\r\nFrom: Jürgen Müller <j@example.de>\r\n\r\nHallo".as_bytes();
    let m = parse_message(raw);
    assert_eq!(m.subject, "Grüße aus Köln");
    assert_eq!(m.from, Some(mb(Some("Jürgen Müller"), "j@example.de")));
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn raw_latin1_and_cp1252_header_bytes() {
    let raw = b"Subject: Gr\xfc\xdfe aus K\xf6ln\r\nFrom: J\xfcrgen <j@example.de>\r\nList-Id: \x93quoted\x94 \x80 5\r\n\r\nHallo";
    let m = parse_message(raw);
    assert_eq!(m.subject, "Grüße aus Köln");
    assert_eq!(m.from, Some(mb(Some("Jürgen"), "j@example.de")));
    let note = m.headers.iter().find(|(k, _)| k == "List-Id").unwrap();
    assert_eq!(note.1, "“quoted” € 5");
}

#[test]
fn encoded_words_cannot_smuggle_escapes() {
    // "=?utf-8?B?G1szMW1yZWQbWzBt?=" decodes to ESC[31m red ESC[0m.
    let m = parse_message(&crlf(&[
        "From: =?utf-8?B?G1szMW1yZWQbWzBt?= <a@example.com>",
        "Subject: =?utf-8?B?G1szMW1yZWQbWzBt?= alert",
        "",
        "x",
    ]));
    assert_eq!(m.subject, "red alert");
    assert_eq!(m.from.unwrap().name.as_deref(), Some("red"));
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

#[test]
fn html_only_message_becomes_readable_text() {
    let m = parse_message(&crlf(&[
        "From: ats@example.com",
        "Subject: Interview",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<!DOCTYPE html><html><head><title>T</title><style>p { color: red }</style>",
        "<script>document.write('evil')</script></head>",
        "<body><p>Hello <b>Anna</b>,</p>",
        "<p>Please pick a slot: <a href=\"https://cal.example/anna\">book here</a>.</p>",
        "<img src=\"http://tracker.example/open.gif?id=42\" width=1 height=1>",
        "<table><tr><td>Mon</td><td>10:00</td></tr></table>",
        "<p>Caf&eacute; &amp; more&nbsp;soon</p></body></html>",
    ]));
    assert!(m.body_was_html);
    let b = &m.body;
    assert!(b.starts_with("Hello Anna,"), "{b}");
    assert!(b.contains("book here"), "{b}");
    assert!(b.contains("Mon") && b.contains("10:00"), "{b}");
    assert!(b.contains("Café & more"), "{b}");
    for bad in [
        "<",
        "color: red",
        "document.write",
        "tracker.example",
        "open.gif",
        "&amp;",
    ] {
        assert!(!b.contains(bad), "{bad:?} in {b}");
    }
    assert!(m.attachments.is_empty());
    assert_all_displayable(&m);
}

#[test]
fn multipart_alternative_prefers_plain_text() {
    let m = parse_message(&crlf(&[
        "Subject: alt",
        "Content-Type: multipart/alternative; boundary=\"XX\"",
        "",
        "--XX",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<p>the <b>HTML</b> version</p>",
        "--XX",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "the plain version",
        "--XX--",
    ]));
    assert_eq!(m.body, "the plain version");
    assert!(!m.body_was_html);
    assert!(m.attachments.is_empty());
}

#[test]
fn empty_plain_alternative_falls_back_to_html() {
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/alternative; boundary=XX",
        "",
        "--XX",
        "Content-Type: text/plain",
        "",
        "",
        "--XX",
        "Content-Type: text/html",
        "",
        "<div>only here</div>",
        "--XX--",
    ]));
    assert_eq!(m.body, "only here");
    assert!(m.body_was_html);
}

#[test]
fn latin1_quoted_printable_body() {
    let m = parse_message(&crlf(&[
        "Content-Type: text/plain; charset=ISO-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "Gr=FC=DFe aus K=F6ln,",
        "J=FCrgen; 1+1=3D2 ist sch=F6n und dieser Satz ist absichtlich sehr lang, da=",
        "mit er umgebrochen wird.",
    ]));
    assert_eq!(
        m.body,
        "Grüße aus Köln,\nJürgen; 1+1=2 ist schön und dieser Satz ist absichtlich sehr lang, damit er umgebrochen wird."
    );
    assert!(m.problems.is_empty());
}

#[test]
fn base64_utf8_body() {
    let m = parse_message(&crlf(&[
        "Content-Type: text/plain; charset=\"utf-8\"",
        "Content-Transfer-Encoding: base64",
        "",
        "SGFsbG8gQW5uYSwKaWNoIGZyZXVlIG1pY2ggw7xiZXIgZGFzIEdlc3Byw6RjaC4g8J+OiQo=",
    ]));
    assert_eq!(m.body, "Hallo Anna,\nich freue mich über das Gespräch. 🎉");
}

#[test]
fn body_charsets_and_mislabels() {
    // KOI8-R body.
    let mut raw =
        b"Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            .to_vec();
    raw.extend_from_slice(b"\xf0\xd2\xc9\xd7\xc5\xd4");
    assert_eq!(parse_message(&raw).body, "Привет");
    // ISO-2022-JP body (7-bit bytes with escape sequences that select the charset).
    let raw = b"Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$BLL@\\$NF|Dx\x1b(B";
    assert_eq!(parse_message(raw).body, "面接の日程");
    // No charset declared but the bytes are UTF-8.
    let raw = "Subject: x\r\n\r\nGrüße 🎉".as_bytes();
    assert_eq!(parse_message(raw).body, "Grüße 🎉");
    // Declared us-ascii, actually UTF-8.
    let raw = "Content-Type: text/plain; charset=us-ascii\r\n\r\nGrüße".as_bytes();
    assert_eq!(parse_message(raw).body, "Grüße");
    // Declared UTF-8, actually Windows-1252.
    let raw = b"Content-Type: text/plain; charset=utf-8\r\n\r\nGr\xfc\xdfe \x93hi\x94";
    assert_eq!(parse_message(raw).body, "Grüße “hi”");
    // Unknown charset label, UTF-8 bytes.
    let raw = "Content-Type: text/plain; charset=x-made-up\r\n\r\nGrüße".as_bytes();
    assert_eq!(parse_message(raw).body, "Grüße");
}

#[test]
fn mixed_message_joins_inline_text_parts() {
    // Apple Mail style: text, inline image, more text.
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/mixed; boundary=B",
        "",
        "--B",
        "Content-Type: text/plain",
        "",
        "before the picture",
        "--B",
        "Content-Type: image/png; name=shot.png",
        "Content-Disposition: inline; filename=shot.png",
        "Content-Transfer-Encoding: base64",
        "",
        "iVBORw0KGgo=",
        "--B",
        "Content-Type: text/plain",
        "",
        "after the picture",
        "--B--",
    ]));
    assert_eq!(m.body, "before the picture\n\nafter the picture");
    assert_eq!(
        m.attachments,
        vec![Attachment {
            name: "shot.png".into(),
            mime: "image/png".into(),
            size: 8
        }]
    );
}

#[test]
fn crlf_and_lf_give_the_same_result() {
    let lf = String::from_utf8(REAL.to_vec())
        .unwrap()
        .replace("\r\n", "\n");
    let a = parse_message(REAL);
    let b = parse_message(lf.as_bytes());
    assert_eq!(a.body, b.body);
    assert_eq!(a.subject, b.subject);
    assert_eq!(a.attachments, b.attachments);
    assert_eq!(a.content_hash, b.content_hash);
}

#[test]
fn whitespace_and_blank_lines_in_body() {
    let m = parse_message(b"Subject: x\n\n\n\nHello   \n\n\n\n\n\nWorld\t!\n\n\n");
    assert_eq!(m.body, "Hello\n\n\nWorld   !"); // tab to column 8
}

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

#[test]
fn attachments_are_listed_with_name_type_and_decoded_size() {
    let pdf: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 256) as u8).collect();
    let body = b64(&pdf);
    let raw = crlf(&[
        "From: c@example.com",
        "Content-Type: multipart/mixed; boundary=\"=_b\"",
        "",
        "--=_b",
        "Content-Type: text/plain",
        "",
        "CV attached.",
        "--=_b",
        "Content-Type: Application/PDF; name=\"cv.pdf\"",
        "Content-Disposition: attachment; filename=\"Lebenslauf Jürgen.pdf\"",
        "Content-Transfer-Encoding: base64",
        "",
        &body,
        "--=_b",
        "Content-Type: text/plain; name=notes.txt",
        "Content-Disposition: attachment",
        "",
        "not the body",
        "--=_b",
        "Content-Type: application/octet-stream",
        "Content-Disposition: attachment; filename=\"=?utf-8?B?6Z2i5o6lLmRvY3g=?=\"",
        "",
        "abc",
        "--=_b",
        "Content-Type: application/zip",
        "Content-Disposition: attachment; filename=C:\\Users\\me\\Desktop\\portfolio.zip",
        "",
        "zz",
        "--=_b",
        "Content-Type: application/octet-stream",
        "",
        "12345",
        "--=_b",
        "Content-Type: text/calendar; method=REQUEST",
        "",
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "--=_b",
        "Content-Type: message/rfc822",
        "",
        "Subject: the original offer",
        "From: x@example.com",
        "",
        "inner body",
        "--=_b--",
    ]);
    let m = parse_message(&raw);
    assert_eq!(m.body, "CV attached.");
    let got: Vec<(&str, &str, u64)> = m
        .attachments
        .iter()
        .map(|a| (a.name.as_str(), a.mime.as_str(), a.size))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Lebenslauf Jürgen.pdf", "application/pdf", 3000),
            ("notes.txt", "text/plain", 12),
            ("面接.docx", "application/octet-stream", 3),
            ("portfolio.zip", "application/zip", 2),
            ("unnamed", "application/octet-stream", 5),
            ("[calendar invitation]", "text/calendar", 30),
            ("the original offer.eml", "message/rfc822", 62),
        ]
    );
    assert_all_displayable(&m);
}

#[test]
fn attachment_names_are_sanitized() {
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: application/octet-stream; name=\"=?utf-8?Q?invoice=E2=80=AEfdp.exe?=\"",
        "",
        "x",
        "--b",
        "Content-Type: application/octet-stream; name=\"=?utf-8?B?G10wO3RpdGxlB2EudHh0?=\"",
        "",
        "y",
        "--b--",
    ]));
    assert_eq!(m.attachments[0].name, "invoicefdp.exe");
    assert_eq!(m.attachments[1].name, "a.txt");
}

#[test]
fn broken_base64_attachment_and_body() {
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        "SGVsbG8gd29ybGQ*!", // junk and a truncated quantum
        "--b",
        "Content-Type: application/pdf; name=a.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        "JVBERi0xLjQK%%%",
        "--b--",
    ]));
    assert_no_crash(&m);
    assert!(m.body.starts_with("Hello world"), "{:?}", m.body);
    assert!(
        m.problems.iter().any(|p| p.contains("transfer encoding")),
        "{:?}",
        m.problems
    );
    assert_eq!(m.attachments[0].name, "a.pdf");
    assert_eq!(m.attachments[0].size, 9);
}

// ---------------------------------------------------------------------------------------------
// Threading headers
// ---------------------------------------------------------------------------------------------

#[test]
fn references_garbage_without_brackets() {
    let m = parse_message(&crlf(&[
        "Message-ID: <me@example.com>",
        "References: a1@example.com   b2@example.com,c3@example.com",
        "In-Reply-To: Your message of Monday",
        "",
        "x",
    ]));
    assert_eq!(
        m.references,
        vec!["a1@example.com", "b2@example.com", "c3@example.com"]
    );
    // No brackets and no "@": every word is kept (lenient), never an empty id.
    assert_eq!(m.in_reply_to, vec!["Your", "message", "of", "Monday"]);
}

#[test]
fn references_with_comments_and_junk_around_brackets() {
    let m = parse_message(&crlf(&[
        "In-Reply-To: <a@x.example> (Fred's message of \"Mon, 1 Jan 2024\")",
        "References: junk <b@x.example>junk<c\r\n @x.example> <> < d@x.example >",
        "",
        "x",
    ]));
    assert_eq!(m.in_reply_to, vec!["a@x.example"]);
    assert_eq!(
        m.references,
        vec!["b@x.example", "c@x.example", "d@x.example"]
    );
}

#[test]
fn looping_and_duplicate_references() {
    let m = parse_message(&crlf(&[
        "Message-ID: <self@example.com>",
        "In-Reply-To: <self@example.com> <p@example.com> <p@example.com>",
        "References: <a@example.com> <self@example.com> <b@example.com> <a@example.com>",
        "References: <b@example.com> <c@example.com>",
        "",
        "x",
    ]));
    assert_eq!(m.message_id.as_deref(), Some("self@example.com"));
    assert_eq!(m.in_reply_to, vec!["p@example.com"]);
    assert_eq!(
        m.references,
        vec!["a@example.com", "b@example.com", "c@example.com"]
    );
}

#[test]
fn message_id_variants() {
    let id = |v: &str| parse_message(&crlf(&[&format!("Message-ID: {v}"), "", "x"])).message_id;
    assert_eq!(id("<abc@example.com>"), Some("abc@example.com".into()));
    assert_eq!(
        id("  <abc@example.com>  (comment)"),
        Some("abc@example.com".into())
    );
    assert_eq!(id("abc@example.com"), Some("abc@example.com".into()));
    assert_eq!(id("<abc\r\n @example.com>"), Some("abc@example.com".into()));
    assert_eq!(id("<no-at-sign>"), Some("no-at-sign".into()));
    assert_eq!(id("justatoken"), Some("justatoken".into()));
    assert_eq!(id("<>"), None);
    assert_eq!(id(""), None);
    assert_eq!(id("   "), None);
    assert_eq!(id("this is garbage"), None);
    assert_eq!(id("<\x1b[31m@x>"), Some("@x".into()));
}

#[test]
fn missing_message_id() {
    let m = parse_message(b"From: a@example.com\r\nSubject: hi\r\n\r\nbody");
    assert_eq!(m.message_id, None);
    assert!(m.references.is_empty() && m.in_reply_to.is_empty());
    assert!(m.problems.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

#[test]
fn dates() {
    let date = |v: &str| parse_message(&crlf(&[&format!("Date: {v}"), "", "x"])).date;
    assert_eq!(date("Sun, 02 Oct 2016 07:06:22 -0700"), Some(1_475_417_182));
    assert_eq!(
        date("Sun, 02 Oct 2016 07:06:22 -0700 (PDT)"),
        Some(1_475_417_182)
    );
    assert_eq!(date("2 Oct 2016 14:06:22 +0000"), Some(1_475_417_182));
    assert_eq!(date("Sun, 2 Oct 2016 14:06:22 GMT"), Some(1_475_417_182));
    assert_eq!(
        date("Mon, 02 Oct 2016 07:06:22 -0700"),
        Some(1_475_417_182),
        "wrong weekday"
    );
    assert_eq!(
        date("Sun, 02 Oct 16 07:06:22 PDT"),
        Some(1_475_417_182),
        "2-digit year"
    );
    assert_eq!(
        date("Sun, 02 Oct 2016 14:06 UT"),
        Some(1_475_417_160),
        "no seconds"
    );
}

#[test]
fn missing_date() {
    let m = parse_message(b"Subject: no date\r\n\r\nx");
    assert_eq!(m.date, None);
    assert!(m.problems.is_empty());
}

#[test]
fn unparseable_dates_are_none_with_a_problem() {
    for v in [
        "yesterday",
        "12",
        "32 Jan 2024 10:00:00 +0000",
        "1 Foo 2024 10:00:00 +0000",
        "1 Jan 99999999 10:00:00 +0000",
        "1 Jan 4294967295 10:00:00 +0000",
        "\x1b[31m",
    ] {
        let m = parse_message(&crlf(&[&format!("Date: {v}"), "", "x"]));
        assert_eq!(m.date, None, "{v:?}");
        assert!(
            m.problems.iter().any(|p| p.contains("Date")),
            "{v:?}: {:?}",
            m.problems
        );
        assert_all_displayable(&m);
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

#[test]
fn address_lists_groups_and_quotes() {
    let m = parse_message(&crlf(&[
        "From: \"'Anna Schmidt'\" <Anna.Schmidt@Example.COM>",
        "Sender: Agency Bot <bot@agency.example>",
        "Reply-To: a@example.com, B <b@example.com>",
        "To: Team: x@example.com, \"Y, Why\" <y@example.com>;, z@example.com",
        "Cc: undisclosed-recipients:;",
        "",
        "x",
    ]));
    assert_eq!(
        m.from,
        Some(mb(Some("Anna Schmidt"), "anna.schmidt@example.com"))
    );
    assert_eq!(m.sender, Some(mb(Some("Agency Bot"), "bot@agency.example")));
    assert_eq!(
        m.reply_to,
        vec![mb(None, "a@example.com"), mb(Some("B"), "b@example.com")]
    );
    assert_eq!(
        m.to,
        vec![
            mb(None, "x@example.com"),
            mb(Some("Y, Why"), "y@example.com"),
            mb(None, "z@example.com")
        ]
    );
    assert!(m.cc.is_empty());
    assert!(m.problems.is_empty(), "{:?}", m.problems);
}

#[test]
fn unparseable_address_header_is_recorded_with_best_effort() {
    let m = parse_message(&crlf(&[
        "From: Broken <<bob@example.com>>> \"unterminated",
        "To: ;;; carol@Example.com ;; dave@example.com (Dave",
        "",
        "x",
    ]));
    assert_eq!(
        m.from.as_ref().map(|f| f.address.as_str()),
        Some("bob@example.com")
    );
    let to: Vec<&str> = m.to.iter().map(|t| t.address.as_str()).collect();
    assert_eq!(to, vec!["carol@example.com", "dave@example.com"]);
    assert!(
        m.problems.iter().any(|p| p.contains("From")),
        "{:?}",
        m.problems
    );
    assert!(
        m.problems.iter().any(|p| p.contains("To")),
        "{:?}",
        m.problems
    );
}

#[test]
fn bare_mailer_daemon_without_domain() {
    let m = parse_message(b"From: MAILER-DAEMON\r\nSubject: failure notice\r\n\r\nx");
    assert_eq!(
        m.from.as_ref().map(|f| f.address.as_str()),
        Some("mailer-daemon")
    );
    assert!(m.automated);
}

// ---------------------------------------------------------------------------------------------
// Terminal escapes
// ---------------------------------------------------------------------------------------------

#[test]
fn escape_sequences_in_subject_and_body_are_removed() {
    let raw = crlf(&[
        "From: \x1b]0;pwned\x07Eve <eve@example.com>",
        "Subject: \x1b[31mURGENT\x1b[0m \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
        "",
        "Hello \x1b[1;31mred\x1b[0m world",
        "\x1b]52;c;ZWNobyBwd25lZA==\x07copy",
        "\x1b]0;fake title\x07title",
        "\x1bP+q544e\x1b\\dcs \u{9b}2Jc1 \u{9d}0;x\u{9c}osc",
        "\x1b[2J\x1b[H\x1b(0cleared",
        "tab\there\0nul\x08bs\x7fdel",
        "bidi \u{202E}txt.exe\u{202C} zw\u{200B}sp",
    ]);
    let m = parse_message(&raw);
    assert_eq!(m.subject, "URGENT click");
    assert_eq!(m.from, Some(mb(Some("Eve"), "eve@example.com")));
    let b = &m.body;
    assert_eq!(
        b,
        "Hello red world\ncopy\ntitle\ndcs c1 osc\ncleared\ntab herenulbsdel\nbidi txt.exe zwsp"
    );
    for bad in [
        "\x1b",
        "[31m",
        "[0m",
        "52;",
        "ZWNob",
        "fake title",
        "evil.example",
        "544e",
        "[2J",
    ] {
        assert!(!b.contains(bad) && !m.subject.contains(bad), "{bad:?}");
    }
    assert_all_displayable(&m);
}

#[test]
fn escapes_inside_encoded_body_and_html() {
    // Base64 body that decodes to escape sequences.
    let m = parse_message(&crlf(&[
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        "G1szMW1yZWQbWzBt",
    ]));
    assert_eq!(m.body, "red");
    // HTML with numeric character references for ESC and BEL.
    let m = parse_message(&crlf(&[
        "Content-Type: text/html",
        "",
        "<p>a&#27;[31mb&#x1b;]0;t&#7;c&#x202e;d</p>",
    ]));
    // The sequences go whole, not only their ESC (which would leave `[31m` on screen).
    assert_all_displayable(&m);
    assert_eq!(m.body, "abcd");
}

// ---------------------------------------------------------------------------------------------
// Broken structure
// ---------------------------------------------------------------------------------------------

#[test]
fn truncated_mime_boundary_never_closed() {
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/mixed; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain",
        "",
        "the text survives",
        "--b",
        "Content-Type: application/pdf; name=cut.pdf",
        "Content-Transfer-Encoding: base64",
        "",
        "JVBERi0xLjQKJeLjz9MK",
        "JVBERi0x",
    ]));
    assert_no_crash(&m);
    assert_eq!(m.body, "the text survives");
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.attachments[0].name, "cut.pdf");
    assert_eq!(m.attachments[0].size, 21);
}

#[test]
fn multipart_without_boundary() {
    let m = parse_message(&crlf(&[
        "Subject: no boundary",
        "Content-Type: multipart/mixed",
        "",
        "just some text",
        "in a multipart without boundary",
    ]));
    assert_no_crash(&m);
    assert_eq!(m.subject, "no boundary");
    assert_eq!(m.body, "just some text\nin a multipart without boundary");
    assert!(
        m.problems.iter().any(|p| p.contains("boundary")),
        "{:?}",
        m.problems
    );
}

#[test]
fn multipart_whose_boundary_never_appears() {
    let m = parse_message(b"Content-Type: multipart/alternative; boundary=zz\n\nplain words\n");
    assert_eq!(m.body, "plain words");
    assert!(!m.problems.is_empty());
}

#[test]
fn empty_input() {
    let m = parse_message(b"");
    assert_no_crash(&m);
    assert_eq!(m.subject, "");
    assert_eq!(m.body, "");
    assert_eq!(m.message_id, None);
    assert_eq!(m.from, None);
    assert!(m.headers.is_empty() && m.attachments.is_empty());
    assert!(!m.automated);
    assert_eq!(m.content_hash.len(), 64);
}

#[test]
fn garbage_bytes() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for len in [1usize, 2, 3, 10, 100, 1000, 10_000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect();
        let m = parse_message(&bytes);
        assert_no_crash(&m);
        assert_all_displayable(&m);
    }
    for weird in [
        &b"\r"[..],
        b"\n",
        b"\r\n\r\n",
        b" leading space: x\n\nbody",
        b":",
        b"::::\n\n",
        b"\x00\x00\x00",
        b"Subject: a\rb\r\rFrom: x",
        b"Subject: x\n\rbody",
        b"--\n--\n",
        b"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n\n--\n",
        b"Content-Type: multipart/mixed; boundary=a\n\n--a\n--a\n--a--",
        b"Content-Type: message/rfc822\n\n",
        b"Content-Transfer-Encoding: base64\n\n====",
        b"Content-Transfer-Encoding: quoted-printable\n\n=ZZ=\n=",
    ] {
        let m = parse_message(weird);
        assert_no_crash(&m);
        assert_all_displayable(&m);
    }
}

#[test]
fn leading_space_and_lone_cr_are_read_leniently() {
    let m = parse_message(b" Subject: hello\r\nFrom: a@example.com\r\n\r\nbody");
    assert_no_crash(&m);
    assert_eq!(m.subject, "hello");
    assert_eq!(m.body, "body");
    let m = parse_message(b"Subject: a\nFrom: a@example.com\n\rX: y\n\nbody");
    assert_no_crash(&m);
    assert_eq!(m.subject, "a");
    assert!(m.body.contains("body"));
}

#[test]
fn mbox_from_line_and_cr_only_line_ends() {
    let m = parse_message(b"From bob@example.com Mon Jan  1 00:00:00 2024\nSubject: mbox\n\nhi");
    assert_eq!(m.subject, "mbox");
    assert_eq!(m.headers.len(), 1);
    let m = parse_message(b"Subject: old mac\rFrom: a@example.com\r\rline one\rline two");
    assert_eq!(m.subject, "old mac");
    assert_eq!(m.from.map(|f| f.address), Some("a@example.com".into()));
    assert_eq!(m.body, "line one\nline two");
}

#[test]
fn header_only_message() {
    let m = parse_message(b"From: a@example.com\r\nSubject: only headers\r\nMessage-ID: <h@x>");
    assert_no_crash(&m);
    assert_eq!(m.subject, "only headers");
    assert_eq!(m.message_id.as_deref(), Some("h@x"));
    assert_eq!(m.body, "");
    assert!(m.attachments.is_empty());
}

#[test]
fn deeply_nested_mime_does_not_overflow() {
    let mut raw = String::new();
    for i in 0..300 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    raw.push_str("Content-Type: text/plain\n\ndeep text\n");
    let m = parse_message(raw.as_bytes());
    assert_no_crash(&m);
    assert!(m.body.contains("deep text"), "{:?}", m.body);
    assert!(!m.problems.is_empty());
}

#[test]
fn deeply_nested_html_is_fast_and_readable() {
    let html = format!(
        "{}deep words{}",
        "<div><span>".repeat(50_000),
        "</span></div>".repeat(50_000)
    );
    let raw = format!("Content-Type: text/html\n\n{html}");
    let t = std::time::Instant::now();
    let m = parse_message(raw.as_bytes());
    assert!(t.elapsed().as_secs() < 10, "took {:?}", t.elapsed());
    assert_eq!(m.body, "deep words");
    assert!(m.body_was_html);
}

#[test]
fn encrypted_message_is_reported() {
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e",
        "",
        "--e",
        "Content-Type: application/pgp-encrypted",
        "",
        "Version: 1",
        "--e",
        "Content-Type: application/octet-stream; name=encrypted.asc",
        "",
        "-----BEGIN PGP MESSAGE-----",
        "--e--",
    ]));
    assert_eq!(m.body, "");
    assert!(m.problems.iter().any(|p| p.contains("encrypted")));
    assert_eq!(m.attachments.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Automated mail
// ---------------------------------------------------------------------------------------------

fn with_headers(extra: &[&str]) -> ParsedMessage {
    let mut lines = vec![
        "From: Candidate <cand@example.com>",
        "Subject: Re: Interview",
    ];
    lines.extend_from_slice(extra);
    lines.extend_from_slice(&["", "Thanks, see you then."]);
    parse_message(&crlf(&lines))
}

#[test]
fn automated_detection() {
    let auto: &[&[&str]] = &[
        &["Auto-Submitted: auto-replied"],
        &["Auto-Submitted: auto-generated; owner-email=x@example.com"],
        &["Auto-Submitted: auto-notified (vacation)"],
        &["Precedence: bulk"],
        &["Precedence: Junk"],
        &["Precedence: list"],
        &["Precedence: auto_reply"],
        &["X-Autoreply: yes"],
        &["X-Autorespond: Urlaub"],
        &["List-Id: Jobs <jobs.lists.example.com>"],
        &["List-Unsubscribe: <mailto:unsub@example.com>"],
        &["X-Failed-Recipients: gone@example.com"],
        &["Content-Type: multipart/report; report-type=delivery-status; boundary=r"],
    ];
    for h in auto {
        assert!(with_headers(h).automated, "{h:?}");
    }
    for subject in [
        "Out of Office: Re: Interview",
        "OUT OF OFFICE",
        "Automatic reply: Interview",
        "Auto: Interview",
        "AutoReply: Interview",
        "Abwesenheitsnotiz: Interview",
        "Réponse automatique : Interview",
        "RÉPONSE AUTOMATIQUE",
        "Respuesta automática: Entrevista",
        "Undeliverable: Interview",
    ] {
        let m = parse_message(&crlf(&[
            "From: c@example.com",
            &format!("Subject: {subject}"),
            "",
            "x",
        ]));
        assert!(m.automated, "{subject}");
    }
    for from in [
        "MAILER-DAEMON@mx.example.com",
        "Mail Delivery System <Mailer-Daemon@x.example>",
        "postmaster@example.com",
    ] {
        let m = parse_message(&crlf(&[
            &format!("From: {from}"),
            "Subject: Returned mail",
            "",
            "x",
        ]));
        assert!(m.automated, "{from}");
    }
}

#[test]
fn human_reply_is_not_automated() {
    let m = with_headers(&[
        "In-Reply-To: <sam-1@agency.example>",
        "Auto-Submitted: no",
        "Precedence: first-class",
        "X-Auto-Response-Suppress: All",
        "X-Autoreply: no",
    ]);
    assert!(!m.automated);
    let m = parse_message(REAL);
    assert!(!m.automated);
    // A subject merely mentioning an absence is not an auto-reply.
    let m =
        parse_message(b"From: c@example.com\r\nSubject: Re: my out of office next week\r\n\r\nx");
    assert!(!m.automated);
    let m = parse_message(b"From: postmaster-fan@example.com\r\nSubject: Automation role\r\n\r\nx");
    assert!(!m.automated);
}

#[test]
fn bounce_message() {
    let m = parse_message(&crlf(&[
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>",
        "Subject: Undelivered Mail Returned to Sender",
        "Content-Type: multipart/report; report-type=delivery-status; boundary=r",
        "",
        "--r",
        "Content-Type: text/plain",
        "",
        "I'm sorry to have to inform you that your message could not be delivered.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Final-Recipient: rfc822; gone@example.com",
        "--r",
        "Content-Type: text/rfc822-headers",
        "",
        "Subject: Interview",
        "--r--",
    ]));
    assert!(m.automated);
    assert!(m.body.starts_with("I'm sorry"));
    assert!(!m.body.contains("Final-Recipient"));
    let mimes: Vec<&str> = m.attachments.iter().map(|a| a.mime.as_str()).collect();
    assert_eq!(
        mimes,
        vec!["message/delivery-status", "text/rfc822-headers"]
    );
}

// ---------------------------------------------------------------------------------------------
// Content hash
// ---------------------------------------------------------------------------------------------

#[test]
fn content_hash_ignores_delivery_headers() {
    let mut copy = b"Received: from a by b; Tue, 14 May 2024 10:00:00 +0200\r\nDelivered-To: other@agency.example\r\nX-Folder: Archive\r\n".to_vec();
    copy.extend_from_slice(REAL);
    let a = parse_message(REAL);
    let b = parse_message(&copy);
    assert_eq!(a.content_hash, b.content_hash);
    assert_eq!(a.message_id, b.message_id);
}

#[test]
fn content_hash_differs_for_different_content_with_the_same_id() {
    let base = |body: &str, subject: &str, date: &str| {
        parse_message(&crlf(&[
            "Message-ID: <reused@example.com>",
            "From: a@example.com",
            &format!("Subject: {subject}"),
            &format!("Date: {date}"),
            "",
            body,
        ]))
    };
    let d = "Tue, 14 May 2024 09:11:58 +0200";
    let a = base("first message", "hello", d);
    assert_eq!(
        a.content_hash,
        base("first message", "hello", d).content_hash
    );
    assert_ne!(
        a.content_hash,
        base("second message", "hello", d).content_hash
    );
    assert_ne!(
        a.content_hash,
        base("first message", "hello!", d).content_hash
    );
    assert_ne!(
        a.content_hash,
        base("first message", "hello", "Wed, 15 May 2024 09:11:58 +0200").content_hash
    );
    // Field boundaries matter: moving text from subject to body changes the hash.
    assert_ne!(
        base("b", "ab", d).content_hash,
        base("bb", "a", d).content_hash
    );
}

// ---------------------------------------------------------------------------------------------
// Snippets
// ---------------------------------------------------------------------------------------------

#[test]
fn snippet_skips_quotes_attributions_and_signature() {
    let body = "Hi Sam,\n\nyes,   Tuesday works.\n\nOn Mon, 13 May 2024 at 17:02, Sam <sam@agency.example> wrote:\n> Would Tuesday work?\n> > older\n\n-- \nAnna\n+49 123";
    // The salutation says nothing in a preview either.
    assert_eq!(snippet(body, 100), "yes, Tuesday works.");
    // Sanitized bodies have lost the trailing space of "-- ".
    assert_eq!(snippet("Sure.\n--\nAnna", 100), "Sure.");
    assert_eq!(snippet("Sure.\n\n---\nmore", 100), "Sure. --- more");
}

#[test]
fn snippet_attribution_variants() {
    let body = "Top reply.\nOn Mon, 13 May 2024 at 17:02, Sam Recruiter <\nsam@agency.example> wrote:\n> quoted";
    assert_eq!(snippet(body, 100), "Top reply.");
    assert_eq!(
        snippet("Ja.\nAm 13.05.2024 um 17:02 schrieb Sam:\n> q", 100),
        "Ja."
    );
    assert_eq!(
        snippet("Oui.\nLe lun. 13 mai 2024, Sam a écrit :\n> q", 100),
        "Oui."
    );
    assert_eq!(snippet("Ok.\nSam Recruiter wrote:\n> q", 100), "Ok.");
    assert_eq!(
        snippet("Ok.\n\n-----Original Message-----\nFrom: Sam", 100),
        "Ok."
    );
    assert_eq!(
        snippet("Ok.\n________________________________\nFrom: Sam", 100),
        "Ok."
    );
    // A sentence that happens to end in "wrote:" but is not followed by a quote is kept.
    assert_eq!(
        snippet("This is what she wrote:\nhello", 100),
        "This is what she wrote: hello"
    );
}

#[test]
fn snippet_truncation() {
    assert_eq!(snippet("abcdef", 3), "ab…");
    assert_eq!(snippet("abc", 3), "abc");
    assert_eq!(snippet("abcd", 4), "abcd");
    assert_eq!(snippet("ab cdef", 4), "ab…");
    assert_eq!(snippet("李雷和韩梅梅", 4), "李雷和…");
    assert_eq!(snippet("🎉🎉🎉🎉🎉", 2), "🎉…");
    assert_eq!(snippet("anything", 0), "");
    assert_eq!(snippet("", 10), "");
    assert_eq!(snippet("\n\n  \n", 10), "");
    assert_eq!(snippet("x", 1), "x");
    assert_eq!(snippet("xy", 1), "…");
}

#[test]
fn snippet_of_only_quotes_shows_the_quote() {
    assert_eq!(
        snippet("> only a quote\n> here", 100),
        "> only a quote > here"
    );
}

#[test]
fn snippet_is_sanitized_and_bounded() {
    let body = format!("\x1b[31mred\x1b[0m {}", "word ".repeat(100_000));
    let s = snippet(&body, 50);
    assert!(s.starts_with("red word word"), "{s}");
    assert!(s.ends_with("word…") && s.chars().count() <= 50, "{s}");
}

// ---------------------------------------------------------------------------------------------
// Robustness: mutated versions of a real message
// ---------------------------------------------------------------------------------------------

#[test]
fn truncations_never_panic_or_leak_controls() {
    for cut in (0..REAL.len()).step_by(7) {
        let m = parse_message(&REAL[..cut]);
        assert_no_crash(&m);
        assert_all_displayable(&m);
    }
}

#[test]
fn byte_flips_never_panic_or_leak_controls() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let specials = [
        0u8, 0x1b, b'\r', b'\n', b'=', b'-', b'<', b'>', b':', b' ', 0x80, 0x9b, 0xff, b'"', b';',
    ];
    for round in 0..400 {
        let mut bytes = REAL.to_vec();
        let flips = 1 + (next() % 12) as usize;
        for _ in 0..flips {
            let i = (next() % bytes.len() as u64) as usize;
            bytes[i] = if round % 2 == 0 {
                specials[(next() % specials.len() as u64) as usize]
            } else {
                next() as u8
            };
        }
        if round % 5 == 0 {
            let cut = (next() % bytes.len() as u64) as usize;
            bytes.truncate(cut);
        }
        let m = parse_message(&bytes);
        assert_no_crash(&m);
        assert_all_displayable(&m);
    }
}

#[test]
fn alternative_with_html_first_still_prefers_plain() {
    let m = parse_message(&crlf(&[
        "Content-Type: multipart/alternative; boundary=a",
        "",
        "--a",
        "Content-Type: text/html",
        "",
        "<p>html</p>",
        "--a",
        "Content-Type: multipart/related; boundary=r",
        "",
        "--r",
        "Content-Type: text/html",
        "",
        "<p>related html</p>",
        "--r--",
        "--a",
        "Content-Type: text/plain",
        "",
        "plain",
        "--a--",
    ]));
    assert_eq!(m.body, "plain");
    assert!(!m.body_was_html);
}

#[test]
fn invalid_content_type_means_plain_text() {
    let m = parse_message(
        b"Content-Type: bogus\r\nSubject : spaced\r\nFrom : a@example.com\r\n\r\nhello",
    );
    assert_eq!(m.body, "hello");
    assert!(m.attachments.is_empty());
    assert_eq!(m.subject, "spaced");
    assert_eq!(m.from.map(|f| f.address), Some("a@example.com".into()));
}

#[test]
fn problems_quote_at_most_a_short_excerpt() {
    let long = "x".repeat(10_000);
    let m = parse_message(format!("Date: {long}\r\n\r\nbody").as_bytes());
    assert_eq!(m.problems.len(), 1);
    assert!(m.problems[0].len() < 200, "{}", m.problems[0]);
}

/// Rough throughput check; run with `cargo test --release --test parse -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let plain = crlf(&[
        "From: Anna <anna@example.com>",
        "To: sam@agency.example",
        "Subject: Re: Interview on Tuesday",
        "Message-ID: <abc@example.com>",
        "Date: Tue, 14 May 2024 09:11:58 +0200",
        "",
        &"Thanks for the call, Tuesday works for me. Looking forward to it.\r\n".repeat(30),
    ]);
    for (name, raw) in [("plain", &plain[..]), ("real (qp + html + pdf)", REAL)] {
        let n = 2000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(parse_message(std::hint::black_box(raw)));
        }
        let secs = t.elapsed().as_secs_f64();
        println!("{name}: {:.0} msg/s", n as f64 / secs);
    }
}

/// Mutations (byte changes, deletions, insertions of MIME punctuation, duplicated chunks) of
/// several message shapes. `RAPPORT_FUZZ_ROUNDS` raises the count for a longer run.
#[test]
fn mutations_of_several_shapes() {
    let rounds: usize = std::env::var("RAPPORT_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(800);
    let html = crlf(&[
        "Subject: =?utf-8?B?R3LDvMOfZSwg5p2O6Zu3IPCfjok=?=",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<html><body><table><tr><td><p>Hi <a href=\"https://x.example\">link</a></p></td></tr></table>",
        "<ul><li>one<li>two</ul><pre>  code\x1b[31m  </pre><img alt=\"logo\" src=\"http://t.example/a.gif\"></body></html>",
    ]);
    let nested = crlf(&[
        "Content-Type: multipart/mixed; boundary=a",
        "",
        "--a",
        "Content-Type: multipart/alternative; boundary=b",
        "",
        "--b",
        "Content-Type: text/plain; charset=koi8-r",
        "Content-Transfer-Encoding: base64",
        "",
        "8NLJ18XULCDp18HO",
        "--b",
        "Content-Type: text/html",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<p>=E2=82=AC</p>",
        "--b--",
        "--a",
        "Content-Type: message/rfc822",
        "",
        "Subject: inner",
        "",
        "x",
        "--a--",
    ]);
    let mut seed = 0x0123_4567_89ab_cdefu64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for base in [REAL, &html[..], &nested[..]] {
        for _ in 0..rounds {
            let mut bytes = base.to_vec();
            for _ in 0..1 + next() % 20 {
                let i = (next() % bytes.len() as u64) as usize;
                match next() % 4 {
                    0 => bytes[i] = next() as u8,
                    1 => {
                        bytes.remove(i);
                    }
                    2 => bytes.insert(
                        i,
                        [b'<', b'>', b'-', b'\n', b'=', 0x1b][(next() % 6) as usize],
                    ),
                    _ => {
                        let j = (next() % bytes.len() as u64) as usize;
                        let chunk = bytes[i.min(j)..i.max(j).min(i.min(j) + 64)].to_vec();
                        bytes.splice(i..i, chunk);
                    }
                }
            }
            let m = parse_message(&bytes);
            assert_no_crash(&m);
            assert_all_displayable(&m);
            let _ = snippet(&m.body, 80);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The fixture corpus (tests/fixtures/mail): RFC 5322 Appendix A, RFC 2047 §8, RFC 2231 and one
// message per case of issue 15, with the expected fields in expected.tsv
// ---------------------------------------------------------------------------------------------

/// One row of `expected.tsv`: file, sender address, display name, subject, date, first words
/// of the body; `-` is none, `*` is not checked.
struct Expected {
    file: String,
    fields: [String; 5],
}

fn expected_fixtures() -> Vec<Expected> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let tsv = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 6, "expected.tsv: {l:?}");
            Expected {
                file: cols[0].to_string(),
                fields: std::array::from_fn(|i| cols[i + 1].to_string()),
            }
        })
        .collect()
}

/// The arrival time the fixtures are read with (2026-12-01); implausible dates give way to it.
const FIXTURE_ARRIVAL: i64 = 1_795_996_800;

/// The five fields of a parsed fixture, as expected.tsv writes them.
fn fixture_fields(raw: &[u8]) -> [String; 5] {
    let mut m = parse_message(raw);
    settle_date(&mut m, FIXTURE_ARRIVAL, FIXTURE_ARRIVAL);
    assert_all_displayable(&m);
    assert_no_crash(&m);
    let none = || "-".to_string();
    [
        m.from.as_ref().map_or_else(none, |f| f.address.clone()),
        m.from
            .as_ref()
            .and_then(|f| f.name.clone())
            .unwrap_or_else(none),
        m.subject.clone(),
        m.date.map_or_else(none, |d| d.to_string()),
        if m.body.is_empty() { none() } else { m.body },
    ]
}

#[test]
fn every_fixture_is_read_right_field_by_field() {
    const NAMES: [&str; 5] = ["sender address", "display name", "subject", "date", "body"];
    let fixtures = expected_fixtures();
    assert!(fixtures.len() >= 50, "{}", fixtures.len());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let mut agree = [0usize; 5];
    let mut checked = [0usize; 5];
    let mut wrong = Vec::new();
    for fx in &fixtures {
        let raw = std::fs::read(dir.join(&fx.file)).unwrap();
        let got = fixture_fields(&raw);
        for i in 0..5 {
            let want = &fx.fields[i];
            if want == "*" {
                continue;
            }
            checked[i] += 1;
            // The body is checked by its first words.
            let ok = if i == 4 && want != "-" {
                got[i].starts_with(want.as_str())
            } else {
                got[i] == *want
            };
            if ok {
                agree[i] += 1;
            } else {
                wrong.push(format!(
                    "{} {}: got {:?}, want {:?}",
                    fx.file, NAMES[i], got[i], want
                ));
            }
        }
    }
    println!("per-field agreement on {} fixtures:", fixtures.len());
    for i in 0..5 {
        println!(
            "  {:<15} {}/{} ({:.1}%)",
            NAMES[i],
            agree[i],
            checked[i],
            100.0 * agree[i] as f64 / checked[i].max(1) as f64
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn signature_and_calendar_parts_are_labelled_and_inline_named_text_is_body() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let read = |f: &str| parse_message(&std::fs::read(dir.join(f)).unwrap());
    let names = |m: &ParsedMessage| -> Vec<String> {
        m.attachments.iter().map(|a| a.name.clone()).collect()
    };
    assert_eq!(
        names(&read("43-pgp-signed.eml")),
        ["[PGP signature] signature.asc"]
    );
    assert_eq!(
        names(&read("44-calendar-invite.eml")),
        ["[calendar invitation]"]
    );
    let inline = read("41-inline-text-with-filename.eml");
    assert!(inline.attachments.is_empty(), "{:?}", inline.attachments);
    let nosub = read("42-multipart-without-subtype.eml");
    assert_eq!(names(&nosub), ["cv.pdf"]);
    assert_eq!(
        names(&read("18-rfc2231-parameter-continuations.eml")),
        ["Currículo Ana.pdf"]
    );
}

#[test]
fn nul_bytes_read_from_a_file_and_served_by_dovecot_as_0x80_are_one_message() {
    let file = parse_message(b"From: a@example.test\r\nSubject: nul\r\n\r\nHello\0\0 world\r\n");
    let imap =
        parse_message(b"From: a@example.test\r\nSubject: nul\r\n\r\nHello\x80\x80 world\r\n");
    assert_eq!(file.body, "Hello world");
    assert_eq!(imap.body, "Hello world");
    assert_eq!(file.content_hash, imap.content_hash);
    // A real Windows-1252 euro sign among other Windows-1252 bytes stays one.
    let euro = parse_message(b"Subject: x\r\n\r\n100\x80 f\xfcr Sie\r\n");
    assert_eq!(euro.body, "100€ für Sie");
}
