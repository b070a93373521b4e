//! Writing mail: reply and new-message drafts, the text handed to the editor (editable To, Cc,
//! Subject and Topics above the body), and the final RFC 5322 message built with lettre, which
//! encodes non-ASCII text and never lets a field add a header.

use crate::mail_out::topics::Topics;
use crate::store::MessageView;
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Mailboxes};
use lettre::{Address, Message};

/// A draft as the recruiter edits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub body: String,
    /// Threading of a reply (ids without angle brackets).
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// What it is about (never sent; checked against topic opt-outs).
    pub topics: Topics,
    /// The message a reply answers, as the header shows it (never sent; not editable).
    pub answering: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ComposeError {
    #[error(
        "the message is {} but the limit is {} ({from}): nothing was queued; send large files as a link",
        human_size(*size),
        human_size(*limit)
    )]
    TooLarge { size: u64, limit: u64, from: String },
    #[error("{field}: {value:?} is not an email address")]
    Address { field: &'static str, value: String },
    #[error("the draft has no recipient")]
    NoRecipient,
    #[error("the draft's header block is not closed by an empty line")]
    NoBody,
    #[error("unknown header {0:?} in the draft (only To, Cc, Subject and Topics can be edited)")]
    UnknownHeader(String),
    #[error("cannot build the message: {0}")]
    Build(String),
}

/// "25.0 MB" (decimal units, as mail providers state their limits).
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else if bytes >= 1_000 {
        format!("{:.1} KB", bytes as f64 / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// Refuses a message over the size limit (`source` says where the limit comes from).
pub fn check_size(size: u64, limit: u64, source: &str) -> Result<(), ComposeError> {
    if size > limit {
        return Err(ComposeError::TooLarge {
            size,
            limit,
            from: source.to_string(),
        });
    }
    Ok(())
}

/// "Re: " exactly once, whatever prefixes the subject already had.
pub fn reply_subject(subject: &str) -> String {
    let base = crate::store::base_subject(subject);
    format!("Re: {base}")
}

/// The reply's References: the parent's References (or its In-Reply-To when it has none)
/// plus the parent's Message-ID (RFC 5322 3.6.4).
pub fn reply_references(
    parent_id: &str,
    parent_refs: &[String],
    parent_in_reply_to: &[String],
) -> Vec<String> {
    let mut refs: Vec<String> = if parent_refs.is_empty() {
        parent_in_reply_to.to_vec()
    } else {
        parent_refs.to_vec()
    };
    refs.retain(|r| r != parent_id);
    refs.push(parent_id.to_string());
    refs
}

/// A reply to `parent`: to the address it came from, quoted below an attribution line.
pub fn reply_draft(
    parent: &MessageView,
    parent_refs: &[String],
    parent_in_reply_to: &[String],
    when: &str,
) -> Draft {
    let who = if parent.from_name.is_empty() {
        parent.from_addr.clone()
    } else {
        parent.from_name.clone()
    };
    let mut body = format!("\n\nOn {when}, {who} wrote:\n");
    for l in parent.body.lines() {
        body.push_str(if l.is_empty() { ">" } else { "> " });
        body.push_str(l);
        body.push('\n');
    }
    Draft {
        to: parent.from_addr.clone(),
        cc: String::new(),
        subject: reply_subject(&parent.subject),
        body,
        in_reply_to: Some(parent.message_id.clone()),
        references: reply_references(&parent.message_id, parent_refs, parent_in_reply_to),
        topics: Topics::default(),
        answering: answering(parent, &who, when),
    }
}

/// "Ada Lovelace, 3 Nov 2026 14:05: Re: the role" on one line (their text is untrusted:
/// line breaks would forge headers).
fn answering(parent: &MessageView, who: &str, when: &str) -> String {
    let text = if when.is_empty() {
        format!("{who}: {}", parent.subject)
    } else {
        format!("{who}, {when}: {}", parent.subject)
    };
    text.split(['\r', '\n']).collect::<Vec<_>>().join(" ")
}

/// The text the editor gets: headers, an empty line, the body. Topics is always there (empty
/// when none), so the recruiter sees what the message is about and can name more.
pub fn editor_text(d: &Draft) -> String {
    let answering = if d.answering.is_empty() {
        String::new()
    } else {
        format!("Answering: {}\n", d.answering)
    };
    format!(
        "{answering}To: {}\nCc: {}\nSubject: {}\nTopics: {}\n\n{}",
        d.to, d.cc, d.subject, d.topics, d.body
    )
}

/// Reads the editor's text back into `draft` (threading is kept).
pub fn parse_editor_text(text: &str, draft: &Draft) -> Result<Draft, ComposeError> {
    let text = text.replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").ok_or(ComposeError::NoBody)?;
    let mut d = draft.clone();
    d.body = body.to_string();
    for line in head.lines() {
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| ComposeError::UnknownHeader(line.to_string()))?;
        let v = v.trim().to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "to" => d.to = v,
            "cc" => d.cc = v,
            "subject" => d.subject = v,
            "topics" => d.topics = Topics::parse(&v),
            // Shown, not edited: the reply stays threaded under the message it was started on.
            "answering" => {}
            other => return Err(ComposeError::UnknownHeader(other.to_string())),
        }
    }
    Ok(d)
}

/// The addresses in a To or Cc field ("a@x, Name <b@y>").
pub fn addresses(field: &'static str, value: &str) -> Result<Vec<Mailbox>, ComposeError> {
    if value.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mbs: Mailboxes = value.parse().map_err(|_| ComposeError::Address {
        field,
        value: value.to_string(),
    })?;
    Ok(mbs.into_iter().collect())
}

/// Who the message is from: the shared box, with the recruiter's name, and the team's `[web]`
/// settings (the links every message carries).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sender {
    pub team: String,
    pub shared_address: String,
    pub recruiter_name: String,
    pub web: crate::web::WebSettings,
}

/// What a message carries besides the draft: the candidate's unsubscribe headers and the
/// footer with their links (see `web::unsubscribe`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extras {
    /// `List-Unsubscribe`, and `List-Unsubscribe-Post` when there is a one-click URL.
    pub list_unsubscribe: Option<(String, Option<String>)>,
    /// Appended below the body (it starts with the "-- " separator).
    pub footer: Option<String>,
}

/// A Message-ID on our own domain (without angle brackets).
pub fn new_message_id(shared_address: &str) -> String {
    let domain = shared_address
        .rsplit('@')
        .next()
        .unwrap_or("rapport.invalid");
    let mut rnd = [0u8; 12];
    use std::io::Read;
    let _ = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut rnd));
    let hex: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}.{hex}@{domain}", crate::store::now())
}

/// Ids are sent as they are: refuse anything that could break the header.
fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    (!id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>'))
    .then(|| format!("<{id}>"))
}

/// One line, no control characters: a name or subject can never start a new header.
fn one_line(s: &str) -> String {
    crate::sanitize::sanitize_line(s)
}

/// Every line ending as CRLF (bare LF, bare CR or CRLF in), linear in the text's length.
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut rest = text;
    while let Some(i) = rest.find(['\r', '\n']) {
        out.push_str(&rest[..i]);
        out.push_str("\r\n");
        let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[i + skip..];
    }
    out.push_str(rest);
    out
}

/// Builds the final message: From the shared box with the recruiter's name, UTF-8 text/plain,
/// `MIME-Version: 1.0`, without unsubscribe headers or footer (see [`build_with`]).
pub fn build(
    identity: &Sender,
    d: &Draft,
    message_id: &str,
    date: std::time::SystemTime,
) -> Result<Vec<u8>, ComposeError> {
    build_with(identity, d, message_id, date, &Extras::default())
}

/// Header values are sent as they are: printable ASCII only.
fn header_value(name: &'static str, v: &str) -> Result<HeaderValue, ComposeError> {
    if v.is_empty() || !v.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(ComposeError::Build(format!("{name}: not printable ASCII")));
    }
    Ok(HeaderValue::new(
        HeaderName::new_from_ascii_str(name),
        v.to_string(),
    ))
}

/// [`build`], with the candidate's unsubscribe headers and footer.
pub fn build_with(
    identity: &Sender,
    d: &Draft,
    message_id: &str,
    date: std::time::SystemTime,
    extras: &Extras,
) -> Result<Vec<u8>, ComposeError> {
    let to = addresses("To", &d.to)?;
    let cc = addresses("Cc", &d.cc)?;
    if to.is_empty() {
        return Err(ComposeError::NoRecipient);
    }
    let from_addr: Address =
        identity
            .shared_address
            .parse()
            .map_err(|_| ComposeError::Address {
                field: "From",
                value: identity.shared_address.clone(),
            })?;
    let display = if identity.recruiter_name.trim().is_empty() {
        one_line(&identity.team)
    } else {
        one_line(&format!("{} ({})", identity.recruiter_name, identity.team))
    };
    let mut b = Message::builder()
        .from(Mailbox::new(Some(display), from_addr))
        .subject(one_line(&d.subject))
        .date(date)
        .message_id(clean_id(message_id))
        // RFC 2045: required with any MIME header; lettre only adds it for MIME parts.
        .header(header::MIME_VERSION_1_0)
        .header(ContentType::TEXT_PLAIN);
    if let Some((list, post)) = &extras.list_unsubscribe {
        b = b.raw_header(header_value("List-Unsubscribe", list)?);
        if let Some(p) = post {
            b = b.raw_header(header_value("List-Unsubscribe-Post", p)?);
        }
    }
    for m in to {
        b = b.to(Mailbox::new(m.name.as_deref().map(one_line), m.email));
    }
    for m in cc {
        b = b.cc(Mailbox::new(m.name.as_deref().map(one_line), m.email));
    }
    if let Some(id) = d.in_reply_to.as_deref().and_then(clean_id) {
        b = b.in_reply_to(id);
    }
    let refs: Vec<String> = d.references.iter().filter_map(|r| clean_id(r)).collect();
    if !refs.is_empty() {
        b = b.references(refs.join(" "));
    }
    // CRLF here, in one linear pass: lettre converts bare LFs by inserting a CR in place for
    // each line, which is quadratic (a 50 MB body took minutes); with CRLF it has none to add.
    let body = match &extras.footer {
        Some(f) => {
            let mut b = d.body.clone();
            if !b.ends_with('\n') {
                b.push('\n');
            }
            b.push('\n');
            b.push_str(f);
            crlf(&b)
        }
        None => crlf(&d.body),
    };
    let msg = b
        .body(body)
        .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok(msg.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Sender {
        Sender {
            team: "Northwind Talent".into(),
            shared_address: "talent@northwind.example".into(),
            recruiter_name: "Alice Moreau".into(),
            ..Sender::default()
        }
    }

    #[test]
    fn line_endings_become_crlf_once() {
        assert_eq!(crlf("a\nb\r\nc\rd\n\n"), "a\r\nb\r\nc\r\nd\r\n\r\n");
        assert_eq!(crlf("no newline"), "no newline");
        // The built body has no bare LF for lettre to fix up (its fix-up is quadratic).
        let d = Draft {
            to: "jane@x.example".into(),
            cc: String::new(),
            subject: "s".into(),
            body: "one\ntwo\r\nthree\n".into(),
            in_reply_to: None,
            references: vec![],
            topics: Topics::default(),
            answering: String::new(),
        };
        let raw = build(&id(), &d, "m3@x", std::time::SystemTime::now()).unwrap();
        let text = String::from_utf8(raw).unwrap();
        assert!(text.ends_with("one\r\ntwo\r\nthree\r\n"), "{text:?}");
        assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
    }

    #[test]
    fn subjects_get_one_re() {
        assert_eq!(reply_subject("Re: RE: Aw: Rust role"), "Re: Rust role");
        assert_eq!(reply_subject("Rust role"), "Re: Rust role");
    }

    #[test]
    fn references_follow_rfc_5322() {
        assert_eq!(
            reply_references("c@x", &["a@x".into(), "b@x".into()], &[]),
            vec!["a@x", "b@x", "c@x"]
        );
        assert_eq!(
            reply_references("c@x", &[], &["b@x".into()]),
            vec!["b@x", "c@x"]
        );
        assert_eq!(reply_references("c@x", &[], &[]), vec!["c@x"]);
    }

    #[test]
    fn editor_text_round_trips_and_rejects_new_headers() {
        let d = Draft {
            to: "jane@x.example".into(),
            cc: String::new(),
            subject: "Re: Hi".into(),
            body: "Hello\n\n> quoted\n".into(),
            in_reply_to: Some("p@x".into()),
            references: vec!["p@x".into()],
            topics: Topics::parse("rust, remote"),
            answering: String::new(),
        };
        let t = editor_text(&d);
        assert_eq!(parse_editor_text(&t, &d).unwrap(), d);
        let e = parse_editor_text(&t.replace("Cc: ", "Bcc: evil@x.example\nCc: "), &d).unwrap_err();
        assert_eq!(e, ComposeError::UnknownHeader("bcc".into()));
    }

    #[test]
    fn names_and_subjects_cannot_inject_headers() {
        // A line break in an address field is refused outright.
        let bad_to = Draft {
            to: "\"Jane\r\nBcc: evil@x.example\" <jane@x.example>".into(),
            cc: String::new(),
            subject: "s".into(),
            body: "b".into(),
            in_reply_to: None,
            references: vec![],
            topics: Topics::default(),
            answering: String::new(),
        };
        assert!(matches!(
            build(&id(), &bad_to, "m0@x", std::time::SystemTime::now()),
            Err(ComposeError::Address { .. })
        ));
        let d = Draft {
            to: "Jane Doe <jane@x.example>".into(),
            cc: String::new(),
            subject: "Hi\r\nBcc: evil@x.example\nX-Evil: 1".into(),
            body: "Body\r\n".into(),
            in_reply_to: Some("p@x>\r\nBcc: evil@x.example".into()),
            references: vec!["ok@x".into(), "bad id@x".into()],
            topics: Topics::default(),
            answering: String::new(),
        };
        let raw = build(
            &id(),
            &d,
            "m1@northwind.example",
            std::time::SystemTime::now(),
        )
        .unwrap();
        let text = String::from_utf8_lossy(&raw);
        let head = text.split("\r\n\r\n").next().unwrap();
        for line in head.lines() {
            let name = line.split(':').next().unwrap().to_ascii_lowercase();
            assert!(!line.starts_with(' ') || !line.contains("Bcc:"), "{line}");
            assert!(
                name != "bcc" && name != "x-evil",
                "injected header: {line}\n{head}"
            );
        }
        assert!(!head.contains("bad id"));
        assert!(head.contains("References: <ok@x>"), "{head}");
    }

    #[test]
    fn non_ascii_survives_encoding() {
        let d = Draft {
            to: "José Álvarez <jose@x.example>".into(),
            cc: String::new(),
            subject: "Re: Grüße aus Köln – 李雷".into(),
            body: "Schöne Grüße 🎉\n".into(),
            in_reply_to: None,
            references: vec![],
            topics: Topics::default(),
            answering: String::new(),
        };
        let raw = build(
            &id(),
            &d,
            "m2@northwind.example",
            std::time::SystemTime::now(),
        )
        .unwrap();
        let p = crate::mail_in::parse::parse_message(&raw);
        assert_eq!(p.subject, "Re: Grüße aus Köln – 李雷");
        assert_eq!(p.to[0].name.as_deref(), Some("José Álvarez"));
        assert!(p.body.contains("Schöne Grüße 🎉"), "{}", p.body);
        assert_eq!(
            p.from.unwrap().name.as_deref(),
            Some("Alice Moreau (Northwind Talent)")
        );
        assert_eq!(p.message_id.as_deref(), Some("m2@northwind.example"));
    }

    #[test]
    fn the_answering_line_names_the_parent_is_not_editable_and_never_sent() {
        let d = Draft {
            to: "ada@x.example".into(),
            subject: "Re: the role".into(),
            body: "Yes.\n".into(),
            answering: "Ada, 3 Nov 2026 14:05: the role".into(),
            ..Draft::default()
        };
        let text = editor_text(&d);
        assert!(text.starts_with("Answering: Ada, 3 Nov 2026 14:05: the role\nTo: "));
        // Changing it changes nothing: the reply stays under the message it was started on.
        let edited = text.replacen("Answering: Ada", "Answering: Bob", 1);
        assert_eq!(parse_editor_text(&edited, &d).unwrap(), d);
        let raw =
            String::from_utf8(build(&id(), &d, "m9@x", std::time::SystemTime::now()).unwrap())
                .unwrap();
        assert!(!raw.contains("Answering"), "{raw}");
    }
}
