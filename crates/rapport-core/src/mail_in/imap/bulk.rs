//! The bulk fetch of new mail: `UID FETCH` written and read on the session's connection
//! without the imap crate, whose response reader parses a FETCH response again from its start
//! after every line of a message (most of a first sync's CPU went there). This reader takes
//! each literal by its announced length and tokenizes the rest of a response once.
//!
//! It runs between the crate's commands, when nothing is in flight: the server sends nothing
//! after a tagged reply until the next command, so neither reader holds bytes of the other's.

use super::connect::{Conn, ImapError};
use std::io::{self, BufRead, BufReader, Read, Write};

/// One message as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub uid: u32,
    /// As the server wrote them, separated by spaces ("\Seen $Label").
    pub flags: String,
    pub modseq: Option<u64>,
    /// INTERNALDATE as a Unix timestamp.
    pub internal_date: Option<i64>,
    /// RFC822.SIZE: the whole message's size, when asked for.
    pub size: Option<u64>,
    /// The message, or its first bytes (see [`What::Prefix`]); empty for a structure alone.
    pub body: Vec<u8>,
    /// The leaf parts of its BODYSTRUCTURE, when asked for.
    pub structure: Option<Vec<crate::mail_in::parse::Leaf>>,
}

impl Fetched {
    /// After a [`What::Prefix`] fetch: true when `body` may hold only the first bytes of the
    /// message. A full prefix counts too, whatever size the server reported (some report
    /// sizes that are off), so no message is ever stored cut short.
    pub fn is_cut(&self) -> bool {
        self.body.len() >= PREFIX || self.size.is_some_and(|n| n > self.body.len() as u64)
    }
}

/// What to fetch of each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    /// Flags, dates, the size and the first [`PREFIX`] bytes: all of most messages, and the
    /// headers and text of large ones (see `parse::structure`).
    Prefix { modseq: bool },
    /// Flags, dates and the whole message.
    Whole { modseq: bool },
    /// The MIME structure only.
    Structure,
}

/// How much of a message the first pass reads.
pub const PREFIX: usize = 32 * 1024;

impl What {
    fn items(self) -> String {
        let base = |modseq: bool| {
            if modseq {
                "UID FLAGS INTERNALDATE MODSEQ"
            } else {
                "UID FLAGS INTERNALDATE"
            }
        };
        match self {
            What::Prefix { modseq } => {
                format!("({} RFC822.SIZE BODY.PEEK[]<0.{PREFIX}>)", base(modseq))
            }
            What::Whole { modseq } => format!("({} BODY.PEEK[])", base(modseq)),
            What::Structure => "(UID BODYSTRUCTURE)".to_string(),
        }
    }
}

/// Messages handed over at a time.
pub const HANDOVER: usize = 250;

/// UIDs per command: the sequence set stays short even when the UIDs are sparse.
pub const UIDS_PER_COMMAND: usize = 1000;

/// Small on purpose: a literal (a message) larger than the buffer is read from the TLS stream
/// straight into its own vector, one copy fewer.
const READ_BUFFER: usize = 8 * 1024;

/// A literal larger than this is not a message anyone sent: the stream is out of step.
const MAX_LITERAL: usize = 1 << 30;

/// Fetches `what` of `uids` (sorted), calling `deliver` with every `HANDOVER` messages and
/// the rest at the end; stops early (Ok) when `deliver` returns false.
pub fn fetch(
    wire: &Conn,
    uids: &[u32],
    what: What,
    deliver: &mut dyn FnMut(Vec<Fetched>) -> bool,
) -> Result<(), ImapError> {
    fetch_items(wire, uids, &what.items(), deliver, &mut |_, _| {})
}

/// One part of message `uid`, as `BODY.PEEK[section]` gives it (still in its transfer
/// encoding), without setting \Seen; None when the server sent no such message. `progress`
/// hears (bytes received, bytes announced) as the part comes in, every [`PROGRESS_STEP`].
pub fn fetch_section(
    wire: &Conn,
    uid: u32,
    section: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Option<Vec<u8>>, ImapError> {
    if section.is_empty() || !section.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(ImapError::Protocol(format!("not a part number: {section}")));
    }
    let mut out = None;
    fetch_items(
        wire,
        &[uid],
        &format!("(UID BODY.PEEK[{section}])"),
        &mut |batch| {
            out = batch.into_iter().find(|f| f.uid == uid).map(|f| f.body);
            true
        },
        progress,
    )?;
    Ok(out)
}

fn fetch_items(
    wire: &Conn,
    uids: &[u32],
    items: &str,
    deliver: &mut dyn FnMut(Vec<Fetched>) -> bool,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(), ImapError> {
    let mut reader = BufReader::with_capacity(READ_BUFFER, wire.clone());
    let mut batch = Vec::with_capacity(HANDOVER);
    for (n, chunk) in uids.chunks(UIDS_PER_COMMAND).enumerate() {
        let tag = format!("bulk{n}");
        let command = format!(
            "{tag} UID FETCH {} {items}\r\n",
            super::sync::uid_set(chunk)
        );
        let mut w = wire.clone();
        w.write_all(command.as_bytes())
            .and_then(|_| w.flush())
            .map_err(io_error)?;
        loop {
            let parts = read_response_with(&mut reader, progress).map_err(io_error)?;
            match classify(&parts, &tag)? {
                Reply::Done => break,
                Reply::Other => {}
                Reply::Fetch(f) => {
                    batch.push(f);
                    if batch.len() == HANDOVER && !deliver(std::mem::take(&mut batch)) {
                        return finish(&mut reader, &tag);
                    }
                }
            }
        }
    }
    if !reader.buffer().is_empty() {
        return Err(out_of_step("data after the FETCH reply"));
    }
    if !batch.is_empty() {
        deliver(batch);
    }
    Ok(())
}

/// Fetches `what` of `uids` (sorted), all at once: for a few messages at a time.
pub fn fetch_all(wire: &Conn, uids: &[u32], what: What) -> Result<Vec<Fetched>, ImapError> {
    let mut out = Vec::with_capacity(uids.len());
    fetch(wire, uids, what, &mut |batch| {
        out.extend(batch);
        true
    })?;
    Ok(out)
}

/// Reads the rest of a command's replies after the consumer stopped, so the connection stays
/// usable.
fn finish(reader: &mut BufReader<Conn>, tag: &str) -> Result<(), ImapError> {
    loop {
        let parts = read_response(reader).map_err(io_error)?;
        if let Reply::Done = classify(&parts, tag)? {
            return Ok(());
        }
    }
}

fn io_error(e: io::Error) -> ImapError {
    ImapError::Protocol(format!(
        "reading new mail: {}",
        super::connect::io_words(&e)
    ))
}

fn out_of_step(what: &str) -> ImapError {
    ImapError::Protocol(format!("unexpected reply to UID FETCH: {what}"))
}

/// A response: its lines, each followed by the literal it announced (if any).
#[derive(Debug, Default, PartialEq, Eq)]
struct Parts {
    text: Vec<Vec<u8>>,
    literals: Vec<Vec<u8>>,
}

/// Reads one whole response: a line, and when it ends with a literal's `{n}`, the n bytes
/// and the line after them, and so on.
fn read_response(r: &mut impl BufRead) -> io::Result<Parts> {
    read_response_with(r, &mut |_, _| {})
}

/// How often a literal's reading is reported (see [`fetch_section`]).
pub const PROGRESS_STEP: u64 = 128 * 1024;

/// [`read_response`], telling `progress` how much of each literal has come in.
fn read_response_with(
    r: &mut impl BufRead,
    progress: &mut dyn FnMut(u64, u64),
) -> io::Result<Parts> {
    let mut parts = Parts::default();
    loop {
        let mut line = Vec::with_capacity(128);
        if r.read_until(b'\n', &mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        match literal_length(&line) {
            Some((start, n)) => {
                if n > MAX_LITERAL {
                    return Err(io::Error::other(format!("a literal of {n} bytes")));
                }
                line.truncate(start);
                let mut lit = Vec::with_capacity(n);
                let mut rest = r.by_ref().take(n as u64);
                while (&mut rest).take(PROGRESS_STEP).read_to_end(&mut lit)? > 0 {
                    progress(lit.len() as u64, n as u64);
                }
                if lit.len() != n {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the server closed the connection inside a message",
                    ));
                }
                parts.text.push(line);
                parts.literals.push(lit);
            }
            None => {
                parts.text.push(line);
                return Ok(parts);
            }
        }
    }
}

/// `{123}` (or `{123+}`, `~{123}`) at the end of a line: where it starts, and the length.
fn literal_length(line: &[u8]) -> Option<(usize, usize)> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = inner[open + 1..]
        .strip_suffix(b"+")
        .unwrap_or(&inner[open + 1..]);
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = std::str::from_utf8(digits).ok()?.parse().ok()?;
    let start = if open > 0 && line[open - 1] == b'~' {
        open - 1
    } else {
        open
    };
    Some((start, n))
}

enum Reply {
    Fetch(Fetched),
    /// An untagged reply that is not a message (EXISTS, a flag change, OK...).
    Other,
    Done,
}

fn classify(parts: &Parts, tag: &str) -> Result<Reply, ImapError> {
    let first = &parts.text[0];
    if let Some(rest) = first
        .strip_prefix(tag.as_bytes())
        .and_then(|r| r.strip_prefix(b" "))
    {
        if rest.len() >= 2 && rest[..2].eq_ignore_ascii_case(b"OK") {
            return Ok(Reply::Done);
        }
        let said = crate::sanitize::sanitize_line(&String::from_utf8_lossy(rest));
        return Err(ImapError::Protocol(format!(
            "the server refused UID FETCH: {said}"
        )));
    }
    let Some(untagged) = first.strip_prefix(b"* ") else {
        return Err(out_of_step("a reply that is neither untagged nor ours"));
    };
    if untagged.len() >= 3 && untagged[..3].eq_ignore_ascii_case(b"BYE") {
        let said = crate::sanitize::sanitize_line(&String::from_utf8_lossy(untagged));
        return Err(ImapError::Protocol(format!(
            "the server closed the session: {said}"
        )));
    }
    let mut t = Tokens::new(parts);
    let is_fetch = matches!(t.next(), Some(Token::Atom(n)) if n.iter().all(u8::is_ascii_digit))
        && matches!(t.next(), Some(Token::Atom(w)) if w.eq_ignore_ascii_case(b"FETCH"));
    if !is_fetch {
        return Ok(Reply::Other);
    }
    let fetched = parse_fetch(&mut t).ok_or_else(|| out_of_step("a FETCH it cannot read"))?;
    Ok(match fetched {
        Some(f) => Reply::Fetch(f),
        None => Reply::Other,
    })
}

/// The attribute list of a FETCH; None inside when it carries no message (a flag update).
fn parse_fetch(t: &mut Tokens) -> Option<Option<Fetched>> {
    if t.next()? != Token::Open {
        return None;
    }
    let (mut uid, mut flags, mut modseq, mut date, mut body) = (None, None, None, None, None);
    let (mut size, mut structure) = (None, None);
    loop {
        let name = match t.next()? {
            Token::Close => break,
            Token::Atom(a) => a.to_ascii_uppercase(),
            _ => return None,
        };
        match name.as_slice() {
            b"UID" => uid = t.number(),
            b"FLAGS" => flags = Some(t.flag_list()?),
            b"MODSEQ" => {
                if t.next()? != Token::Open {
                    return None;
                }
                modseq = t.number();
                if t.next()? != Token::Close {
                    return None;
                }
            }
            b"INTERNALDATE" => date = t.string().and_then(|d| internal_date(&d)),
            b"BODY[]" | b"BODY[]<0>" | b"RFC822" | b"BINARY[]" => body = t.string(),
            n if is_part_section(n) => body = t.string(),
            b"RFC822.SIZE" => size = t.number(),
            b"BODYSTRUCTURE" => {
                // One the reader cannot follow leaves the message to be fetched whole.
                let mut probe = t.clone();
                structure = super::structure::leaves(&mut probe);
                t.skip_value()?;
            }
            _ => t.skip_value()?,
        }
    }
    let body = match (body, &structure) {
        (Some(b), _) => b,
        (None, Some(_)) => Vec::new(),
        (None, None) => return Some(None),
    };
    Some(uid.map(|uid| Fetched {
        uid: uid as u32,
        flags: flags.unwrap_or_default(),
        modseq,
        internal_date: date,
        size,
        body,
        structure,
    }))
}

/// `BODY[1.2]`: one part of a message, by number.
fn is_part_section(name: &[u8]) -> bool {
    name.strip_prefix(b"BODY[")
        .and_then(|n| n.strip_suffix(b"]"))
        .is_some_and(|n| {
            !n.is_empty()
                && n[0].is_ascii_digit()
                && n.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        })
}

/// "25-Nov-2026 10:00:00 +0100" (the day may be space-padded).
fn internal_date(s: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(s).ok()?.trim();
    jiff::fmt::strtime::parse("%d-%b-%Y %H:%M:%S %z", s)
        .ok()?
        .to_timestamp()
        .ok()
        .map(|t| t.as_second())
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    Open,
    Close,
    Atom(&'a [u8]),
    Quoted(Vec<u8>),
    Literal(&'a [u8]),
}

/// Tokens of a response's lines and literals, in order.
#[derive(Clone)]
pub(super) struct Tokens<'a> {
    parts: &'a Parts,
    line: usize,
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn new(parts: &'a Parts) -> Self {
        // The first line starts with "* ": skip it.
        Tokens {
            parts,
            line: 0,
            pos: 2,
        }
    }

    pub(super) fn peek(&self) -> Option<Token<'a>> {
        self.clone().next()
    }

    pub(super) fn next(&mut self) -> Option<Token<'a>> {
        let text = self.parts.text.get(self.line)?;
        while self.pos < text.len() && text[self.pos] == b' ' {
            self.pos += 1;
        }
        if self.pos >= text.len() {
            // The end of a line is followed by its literal, if it announced one.
            let lit = self.parts.literals.get(self.line);
            self.line += 1;
            self.pos = 0;
            return lit.map(|l| Token::Literal(l));
        }
        let rest = &text[self.pos..];
        match rest[0] {
            b'(' => {
                self.pos += 1;
                Some(Token::Open)
            }
            b')' => {
                self.pos += 1;
                Some(Token::Close)
            }
            b'"' => {
                let mut out = Vec::new();
                let mut i = 1;
                while i < rest.len() && rest[i] != b'"' {
                    if rest[i] == b'\\' && i + 1 < rest.len() {
                        i += 1;
                    }
                    out.push(rest[i]);
                    i += 1;
                }
                self.pos += (i + 1).min(rest.len());
                Some(Token::Quoted(out))
            }
            _ => {
                // An atom; a section in brackets ("BODY[HEADER.FIELDS (A B)]<0>") is part
                // of it, spaces and parentheses included.
                let mut i = 0;
                let mut depth = 0;
                while i < rest.len() {
                    match rest[i] {
                        b'[' => depth += 1,
                        b']' => depth -= 1,
                        b' ' | b'(' | b')' if depth <= 0 => break,
                        _ => {}
                    }
                    i += 1;
                }
                self.pos += i;
                Some(Token::Atom(&rest[..i]))
            }
        }
    }

    pub(super) fn number(&mut self) -> Option<u64> {
        match self.next()? {
            Token::Atom(a) => std::str::from_utf8(a).ok()?.parse().ok(),
            _ => None,
        }
    }

    /// A string, quoted or literal; NIL is none.
    pub(super) fn string(&mut self) -> Option<Vec<u8>> {
        match self.next()? {
            Token::Quoted(q) => Some(q),
            Token::Literal(l) => Some(l.to_vec()),
            _ => None,
        }
    }

    fn flag_list(&mut self) -> Option<String> {
        if self.next()? != Token::Open {
            return None;
        }
        let mut flags = Vec::new();
        loop {
            match self.next()? {
                Token::Close => return Some(flags.join(" ")),
                Token::Atom(a) => flags.push(String::from_utf8_lossy(a).into_owned()),
                _ => return None,
            }
        }
    }

    pub(super) fn skip_value(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Token::Open => depth += 1,
                Token::Close => depth = depth.checked_sub(1)?,
                _ => {}
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(wire: &[u8]) -> Parts {
        read_response(&mut io::Cursor::new(wire)).unwrap()
    }

    fn fetch_of(wire: &[u8]) -> Option<Fetched> {
        match classify(&parts(wire), "bulk0").unwrap() {
            Reply::Fetch(f) => Some(f),
            _ => None,
        }
    }

    #[test]
    fn a_bodystructure_gives_the_leaves_in_order() {
        let f = fetch_of(
            b"* 3 FETCH (UID 7 BODYSTRUCTURE (((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 120 5 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"base64\" 400 6 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"b2\") NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"CV.pdf\") NIL NIL \"base64\" 78000 NIL (\"attachment\" (\"filename\" {6}\r\nCV.pdf)) NIL NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 500 (\"Mon, 1 Jan 2024 00:00:00 +0000\" \"Fw: Offer\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 20 1 NIL NIL NIL NIL) 10 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"b1\") NIL NIL NIL))\r\n",
        )
        .unwrap();
        assert_eq!(f.uid, 7);
        assert!(f.body.is_empty());
        let leaves = f.structure.unwrap();
        let kinds: Vec<&str> = leaves.iter().map(|l| l.mime.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "text/plain",
                "text/html",
                "application/pdf",
                "message/rfc822"
            ]
        );
        assert_eq!(leaves[2].octets, 78000);
        assert_eq!(leaves[2].encoding, "base64");
        assert_eq!(
            leaves[2].params,
            [("name".to_string(), "CV.pdf".to_string())]
        );
        assert_eq!(
            leaves[2].disposition,
            Some((
                "attachment".to_string(),
                vec![("filename".to_string(), "CV.pdf".to_string())]
            ))
        );
        assert_eq!(leaves[3].subject.as_deref(), Some("Fw: Offer"));
        let sections: Vec<&str> = leaves.iter().map(|l| l.section.as_str()).collect();
        assert_eq!(sections, ["1.1", "1.2", "2", "3"]);
        assert_eq!(leaves[3].octets, 500);
    }

    #[test]
    fn a_part_fetched_by_number_is_its_body() {
        let f = fetch_of(b"* 1 FETCH (UID 9 BODY[1.2] {4}\r\nJVBE)\r\n").unwrap();
        assert_eq!((f.uid, f.body.as_slice()), (9, &b"JVBE"[..]));
        assert!(fetch_of(b"* 1 FETCH (UID 9 BODY[HEADER] {4}\r\nFrom)\r\n").is_none());
    }

    #[test]
    fn a_prefix_comes_with_the_whole_size() {
        let f = fetch_of(b"* 1 FETCH (UID 9 FLAGS () INTERNALDATE \" 5-Nov-2026 10:00:00 +0100\" RFC822.SIZE 90000 BODY[]<0> {4}\r\nFrom)\r\n")
            .unwrap();
        assert_eq!((f.size, f.body.as_slice()), (Some(90000), &b"From"[..]));
        assert!(f.is_cut());
        let whole = fetch_of(b"* 1 FETCH (UID 9 RFC822.SIZE 4 BODY[]<0> {4}\r\nFrom)\r\n").unwrap();
        assert!(!whole.is_cut());
    }

    #[test]
    fn a_bodystructure_it_cannot_follow_is_no_structure() {
        let f = fetch_of(b"* 3 FETCH (UID 7 BODYSTRUCTURE (\"text\" (oops)))\r\n");
        assert!(f.is_none() || f.unwrap().structure.is_none());
    }

    #[test]
    fn a_fetch_with_a_literal_body_in_any_item_order() {
        let f = fetch_of(
            b"* 12 FETCH (UID 40 FLAGS (\\Seen $Label) INTERNALDATE \" 5-Nov-2026 10:00:00 +0100\" MODSEQ (77) BODY[] {12}\r\nSubject: x\r\n)\r\n",
        )
        .unwrap();
        assert_eq!(f.uid, 40);
        assert_eq!(f.flags, "\\Seen $Label");
        assert_eq!(f.modseq, Some(77));
        // 2026-11-05 09:00:00 UTC
        assert_eq!(f.internal_date, Some(1_793_869_200));
        assert_eq!(f.body, b"Subject: x\r\n");

        let g = fetch_of(b"* 1 FETCH (BODY[] {3}\r\nabc UID 7 FLAGS ())\r\n").unwrap();
        assert_eq!(
            (g.uid, g.flags.as_str(), g.body.as_slice()),
            (7, "", &b"abc"[..])
        );
    }

    #[test]
    fn a_body_that_looks_like_protocol_is_taken_by_its_length() {
        // A message whose own lines end in "{5}" and hold "a1 OK".
        let body = b"x {5}\r\nbulk0 OK\r\n* BYE\r\n";
        let mut wire = format!("* 3 FETCH (UID 9 BODY[] {{{}}}\r\n", body.len()).into_bytes();
        wire.extend_from_slice(body);
        wire.extend_from_slice(b")\r\n");
        assert_eq!(fetch_of(&wire).unwrap().body, body);
    }

    #[test]
    fn quoted_bodies_sections_and_unknown_items() {
        let f = fetch_of(
            b"* 2 FETCH (X-GM-LABELS (\"a b\" (c)) BODY[HEADER.FIELDS (FROM)]<0> {2}\r\nhi UID 5 BODY[] \"q\\\"x\")\r\n",
        )
        .unwrap();
        assert_eq!((f.uid, f.body.as_slice()), (5, &b"q\"x"[..]));
    }

    #[test]
    fn other_replies_are_passed_over_and_errors_are_named() {
        assert!(fetch_of(b"* 4 EXISTS\r\n").is_none());
        assert!(fetch_of(b"* 4 FETCH (UID 4 FLAGS (\\Seen))\r\n").is_none());
        assert!(matches!(
            classify(&parts(b"bulk0 OK done\r\n"), "bulk0").unwrap(),
            Reply::Done
        ));
        let err = classify(&parts(b"bulk0 NO [SERVERBUG] \x1b[2Jbroken\r\n"), "bulk0")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("refused UID FETCH") && err.contains("broken"),
            "{err}"
        );
        assert!(!err.contains('\x1b'), "{err}");
        assert!(classify(&parts(b"* BYE shutting down\r\n"), "bulk0").is_err());
        assert!(classify(&parts(b"* 1 FETCH (UID\r\n"), "bulk0").is_err());
    }

    #[test]
    fn a_connection_closed_inside_a_message_is_an_error() {
        let r = read_response(&mut io::Cursor::new(&b"* 1 FETCH (BODY[] {10}\r\nabc"[..]));
        assert_eq!(r.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        assert!(read_response(&mut io::Cursor::new(&b""[..])).is_err());
    }

    #[test]
    fn literal_markers() {
        assert_eq!(literal_length(b"* 1 FETCH (BODY[] {42}"), Some((18, 42)));
        assert_eq!(literal_length(b"x ~{7}"), Some((2, 7)));
        assert_eq!(literal_length(b"x {7+}"), Some((2, 7)));
        assert_eq!(literal_length(b"x {}"), None);
        assert_eq!(literal_length(b"x {a}"), None);
        assert_eq!(literal_length(b"x)"), None);
    }
}
