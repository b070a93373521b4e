//! RFC 5322 address lists, including the obsolete syntax of §4.4, read the way mail clients
//! show them.
//!
//! - Comments anywhere (`pete(his account)@silly.test(his host)`); a comment after a bare
//!   address (`jdoe@example.test (John Doe)`) is its display name when it has no phrase.
//! - Quoted local parts (`"john  smith"@example.test`) keep their quotes; `"jdoe"@x` is `jdoe@x`.
//! - Source routes (`<@relay1,@relay2:user@example.test>`) are dropped.
//! - Groups (`Team: a@x, b@y;`), empty groups and `undisclosed-recipients:;` give their members.
//! - Unqualified addresses (`moderator`, `jdoe (John Doe)`) are kept without a domain.
//! - Encoded words (RFC 2047) in phrases, quoted strings and comments are decoded.
//! - A display name is never glued to its address (`Jane Doe<jane@x>`), and two addresses run
//!   together without a comma (`a@x b@y`, `A <a@x> B <b@y>`) stay two.
//!
//! The input is the unfolded header value with encoded words still encoded, so an encoded
//! `,` or `<` cannot change the structure. Nothing here panics on any input.

/// One mailbox as written: its display name (not yet sanitized) and its address (not yet
/// lower-cased; empty when the item had a name but no address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawMailbox {
    pub name: Option<String>,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    /// A run of atom characters (any non-ASCII included, RFC 6532), or one encoded word.
    Word(String),
    Quoted(String),
    Comment(String),
    /// A domain literal, without its brackets.
    Literal(String),
    /// One of `< > @ , ; : .`
    Special(char),
}

#[derive(Debug, Clone)]
struct T {
    tok: Tok,
    /// Whitespace (or a comment) came right before it.
    space: bool,
}

fn is_special(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '<' | '>' | '[' | ']' | ':' | ';' | '@' | ',' | '.' | '"'
    )
}

/// The tokens, and whether every quote, comment and literal was closed.
fn tokenize(s: &str) -> (Vec<T>, bool) {
    let chars: Vec<char> = s.chars().collect();
    let mut closed = true;
    let mut out = Vec::new();
    let mut i = 0;
    let mut space = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        let tok = match c {
            '(' => {
                // Nested comments with quoted pairs; an unclosed one runs to the end.
                let mut depth = 1;
                let mut text = String::new();
                i += 1;
                while i < chars.len() {
                    match chars[i] {
                        '\\' if i + 1 < chars.len() => {
                            text.push(chars[i + 1]);
                            i += 1;
                        }
                        '(' => {
                            depth += 1;
                            text.push('(');
                        }
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            text.push(')');
                        }
                        ch => text.push(ch),
                    }
                    i += 1;
                }
                closed &= i < chars.len();
                i += 1;
                Tok::Comment(text)
            }
            '"' => {
                let (text, ended) = escaped_until(&chars, &mut i, '"');
                closed &= ended;
                Tok::Quoted(text)
            }
            '[' => {
                let (text, ended) = escaped_until(&chars, &mut i, ']');
                closed &= ended;
                Tok::Literal(text)
            }
            // A stray closing bracket carries nothing.
            ')' | ']' => {
                closed = false;
                i += 1;
                continue;
            }
            c if is_special(c) => {
                i += 1;
                Tok::Special(c)
            }
            _ => {
                let start = i;
                // An encoded word is one token, whatever specials its text holds.
                if c == '='
                    && chars.get(i + 1) == Some(&'?')
                    && let Some(end) = encoded_word_end(&chars, i)
                {
                    i = end;
                    out.push(T {
                        tok: Tok::Word(chars[start..end].iter().collect()),
                        space,
                    });
                    space = false;
                    continue;
                }
                while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
                    i += 1;
                }
                Tok::Word(chars[start..i].iter().collect())
            }
        };
        let was_comment = matches!(tok, Tok::Comment(_));
        out.push(T { tok, space });
        // A comment separates like whitespace does.
        space = was_comment;
    }
    (out, closed)
}

/// The end of an encoded word `=?charset?e?text?=` starting at `i`, if it is one.
fn encoded_word_end(chars: &[char], i: usize) -> Option<usize> {
    let mut q = 0;
    let mut j = i + 2;
    while j < chars.len() && j < i + 200 {
        let c = chars[j];
        if c.is_whitespace() {
            return None;
        }
        if c == '?' {
            q += 1;
            if q == 3 {
                return (chars.get(j + 1) == Some(&'=')).then_some(j + 2);
            }
        }
        j += 1;
    }
    None
}

fn special(t: &T, c: char) -> bool {
    t.tok == Tok::Special(c)
}

/// Every mailbox of an address list, groups flattened, in order.
#[cfg(test)]
fn parse_address_list(value: &str) -> Vec<RawMailbox> {
    read_address_list(value).0
}

/// The mailboxes, and whether the list was well formed (RFC 5322 with its obsolete forms):
/// what mail clients read without guessing.
pub(super) fn read_address_list(value: &str) -> (Vec<RawMailbox>, bool) {
    match simple(value) {
        Some(m) => (vec![m], true),
        None => read_full(value),
    }
}

fn read_full(value: &str) -> (Vec<RawMailbox>, bool) {
    let (toks, mut clean) = tokenize(value);
    let mut items: Vec<Vec<T>> = Vec::new();
    let mut cur: Vec<T> = Vec::new();
    let mut in_angle = false;
    let mut after_angle = false;
    let mut in_group = false;
    for t in toks {
        match &t.tok {
            Tok::Special('<') if !in_angle => {
                if after_angle {
                    // `A <a@x> B <b@y>`: a second mailbox without a comma.
                    items.push(std::mem::take(&mut cur));
                    after_angle = false;
                    clean = false;
                }
                in_angle = true;
                cur.push(t);
            }
            Tok::Special('>') if in_angle => {
                in_angle = false;
                after_angle = true;
                cur.push(t);
            }
            Tok::Special(',') if !in_angle => {
                items.push(std::mem::take(&mut cur));
                after_angle = false;
            }
            Tok::Special(';') if !in_angle => {
                clean &= in_group;
                in_group = false;
                items.push(std::mem::take(&mut cur));
                after_angle = false;
            }
            Tok::Special(':')
                if !in_angle && !cur.iter().any(|t| special(t, '@') || special(t, '<')) =>
            {
                // The display name of a group: its members follow.
                clean &= !in_group;
                in_group = true;
                cur.clear();
            }
            Tok::Comment(_) => cur.push(t),
            _ if after_angle => {
                // Words after `<addr>`: the start of another mailbox run together with it.
                items.push(std::mem::take(&mut cur));
                after_angle = false;
                clean = false;
                cur.push(t);
            }
            Tok::Special('<') | Tok::Special('>') => {
                clean = false;
                cur.push(t);
            }
            _ => cur.push(t),
        }
    }
    clean &= !in_angle;
    items.push(cur);
    let mut out = Vec::new();
    for item in items {
        let before = out.len();
        mailboxes_of(&item, &mut out);
        // A name without an address, or two addresses run together.
        clean &= out[before..].iter().all(|m| !m.address.is_empty()) && out.len() <= before + 1;
    }
    (out, clean)
}

/// The two shapes nearly every header has, `addr@dom` and `Name Words <addr@dom>` (or a quoted
/// name), in plain ASCII without comments or encoded words: read without tokenizing, because
/// the full reader costs a few microseconds per message. It gives the same result (tested).
fn simple(value: &str) -> Option<RawMailbox> {
    let v = value.trim_matches(|c: char| c.is_ascii_whitespace());
    if !v.is_ascii() || v.contains("=?") {
        return None;
    }
    let atext = |b: u8| b.is_ascii_graphic() && !b"()<>[]:;@\\,.\"".contains(&b);
    let dot_atom =
        |s: &str| !s.is_empty() && s.split('.').all(|a| !a.is_empty() && a.bytes().all(atext));
    let addr_spec = |s: &str| match s.split_once('@') {
        Some((l, d)) => dot_atom(l) && dot_atom(d),
        None => false,
    };
    let Some(open) = v.find('<') else {
        return addr_spec(v).then(|| RawMailbox {
            name: None,
            address: v.to_string(),
        });
    };
    let inner = v[open + 1..].strip_suffix('>')?;
    if !addr_spec(inner) {
        return None;
    }
    let phrase = v[..open].trim_matches(|c: char| c.is_ascii_whitespace());
    let name = if let Some(q) = phrase.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        if q.contains(['"', '\\']) || q.bytes().any(|b| b.is_ascii_control()) {
            return None;
        }
        q.trim()
    } else {
        // Words with single spaces (the full reader joins words that way).
        if phrase.contains("  ") || !phrase.split(' ').all(|w| w.bytes().all(atext)) {
            return None;
        }
        phrase
    };
    Some(RawMailbox {
        name: (!name.is_empty()).then(|| name.to_string()),
        address: inner.to_string(),
    })
}

/// The mailbox(es) of one list item.
fn mailboxes_of(item: &[T], out: &mut Vec<RawMailbox>) {
    if item.is_empty() {
        return;
    }
    if let Some(open) = item.iter().position(|t| special(t, '<')) {
        let close = item[open..]
            .iter()
            .position(|t| special(t, '>'))
            .map_or(item.len(), |c| open + c);
        let mut inner: Vec<&T> = item[open + 1..close]
            .iter()
            .filter(|t| !matches!(t.tok, Tok::Comment(_)))
            .collect();
        // Obsolete source route: `@relay1,@relay2:` before the address.
        if let Some(colon) = inner.iter().rposition(|t| special(t, ':')) {
            inner.drain(..=colon);
        }
        let address = render_address(&inner);
        let phrase = &item[..open];
        let mut name = phrase_text(phrase);
        if name.is_none() {
            // `<addr> (Name)` or `(Name) <addr>`: the comment names the mailbox.
            name = item[..open]
                .iter()
                .chain(item.get(close + 1..).unwrap_or(&[]))
                .find_map(|t| match &t.tok {
                    Tok::Comment(c) => non_empty(&decode(c)),
                    _ => None,
                });
        }
        if !address.is_empty() || name.is_some() {
            out.push(RawMailbox { name, address });
        }
        return;
    }
    // A bare address: split where two run together (`a@x b@y`).
    let plain: Vec<&T> = item
        .iter()
        .filter(|t| !matches!(t.tok, Tok::Comment(_)))
        .collect();
    let mut chunks: Vec<Vec<&T>> = vec![Vec::new()];
    for (k, t) in plain.iter().enumerate() {
        let chunk = chunks.last_mut().expect("never empty");
        let complete = chunk.iter().any(|t| special(t, '@'))
            && chunk
                .last()
                .is_some_and(|l| !special(l, '@') && !special(l, '.'));
        let starts_new = t.space
            && complete
            && !special(t, '.')
            && !special(t, '@')
            && plain[k..].iter().any(|t| special(t, '@'));
        if starts_new {
            chunks.push(Vec::new());
        }
        chunks.last_mut().expect("never empty").push(t);
    }
    let words_without_at = |c: &[&T]| {
        !c.iter().any(|t| special(t, '@')) && c.iter().skip(1).any(|t| t.space && !is_dot(t))
    };
    let count = chunks.len();
    for chunk in chunks {
        if chunk.is_empty() {
            continue;
        }
        // Several words and no `@`: a name without an address (`From: Mail Delivery System`).
        if words_without_at(&chunk) {
            if count == 1 {
                out.push(RawMailbox {
                    name: phrase_text(item),
                    address: String::new(),
                });
            }
            continue;
        }
        let address = render_address(&chunk);
        // The comment after the address, set off by a space, is its display name.
        let name = if count == 1 {
            trailing_comment(item)
        } else {
            None
        };
        out.push(RawMailbox { name, address });
    }
}

fn is_dot(t: &T) -> bool {
    special(t, '.')
}

/// The last comment of an item when whitespace sets it off (`jdoe@x (John Doe)`), not one
/// inside the address (`pete(his account)@silly.test(his host)`).
fn trailing_comment(item: &[T]) -> Option<String> {
    let last = item.last()?;
    match &last.tok {
        Tok::Comment(c) if last.space && item.len() > 1 => non_empty(&decode(c)),
        _ => None,
    }
}

/// The address of the tokens between `<` and `>`, or of a bare address: words, dots, `@` and
/// literals without the whitespace or comments between them (obsolete syntax allows
/// `john . doe @ example . test`).
fn render_address(toks: &[&T]) -> String {
    let mut out = String::new();
    for t in toks {
        match &t.tok {
            Tok::Word(w) => out.push_str(w),
            Tok::Special('.') => out.push('.'),
            Tok::Special('@') => out.push('@'),
            Tok::Quoted(q) => {
                if !q.is_empty() && q.chars().all(|c| !c.is_whitespace() && !is_special(c)) {
                    out.push_str(q);
                } else {
                    out.push('"');
                    for c in q.chars() {
                        if c == '"' || c == '\\' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    out.push('"');
                }
            }
            Tok::Literal(l) => {
                out.push('[');
                out.push_str(l.trim());
                out.push(']');
            }
            // Stray `:`, `;`, `<`, `>` or `,` are not part of an address.
            _ => {}
        }
    }
    out
}

/// A phrase as shown: words and quoted strings joined by single spaces where the message had
/// space, encoded words decoded; comments left out.
fn phrase_text(toks: &[T]) -> Option<String> {
    let mut s = String::new();
    for t in toks {
        let piece = match &t.tok {
            Tok::Word(w) => w.as_str(),
            Tok::Quoted(q) => q.as_str(),
            Tok::Special('.') => ".",
            Tok::Special('@') => "@",
            _ => continue,
        };
        if t.space && !s.is_empty() {
            s.push(' ');
        }
        s.push_str(piece);
    }
    non_empty(&decode(&s))
}

fn decode(s: &str) -> String {
    super::encoded_words::decode_encoded_words(s)
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The text of a quoted string or domain literal that opens at `chars[*i]`, backslash escapes
/// resolved, up to `close`; `*i` ends past it. False when the input ended first.
fn escaped_until(chars: &[char], i: &mut usize, close: char) -> (String, bool) {
    let mut text = String::new();
    *i += 1;
    while *i < chars.len() && chars[*i] != close {
        if chars[*i] == '\\' && *i + 1 < chars.len() {
            *i += 1;
        }
        text.push(chars[*i]);
        *i += 1;
    }
    let ended = *i < chars.len();
    *i += 1;
    (text, ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> (Option<String>, String) {
        let list = parse_address_list(v);
        assert_eq!(list.len(), 1, "{v}: {list:?}");
        (list[0].name.clone(), list[0].address.clone())
    }

    fn n(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn names_and_addresses() {
        assert_eq!(
            one("Jane Doe <jane@example.test>"),
            (n("Jane Doe"), "jane@example.test".into())
        );
        assert_eq!(
            one("Jane Doe<jane.doe@example.test>"),
            (n("Jane Doe"), "jane.doe@example.test".into())
        );
        assert_eq!(
            one("김민준<minjun@example.test>"),
            (n("김민준"), "minjun@example.test".into())
        );
        assert_eq!(
            one("\"Doe, Jane\" <jane@example.test>"),
            (n("Doe, Jane"), "jane@example.test".into())
        );
        assert_eq!(
            one("=?utf-8?Q?Doe,_J=C3=BCrgen?= <j@example.test>"),
            (n("Doe, Jürgen"), "j@example.test".into())
        );
        assert_eq!(
            one("John Q. Public <JQB@bar.example>"),
            (n("John Q. Public"), "JQB@bar.example".into())
        );
    }

    #[test]
    fn comments() {
        assert_eq!(
            one("pete(his account)@silly.test(his host)"),
            (None, "pete@silly.test".into())
        );
        assert_eq!(
            one("jdoe@example.test (John Doe)"),
            (n("John Doe"), "jdoe@example.test".into())
        );
        assert_eq!(
            one("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"),
            (n("Pete"), "pete@silly.test".into())
        );
        assert_eq!(
            one("<jdoe@example.test> (John Doe)"),
            (n("John Doe"), "jdoe@example.test".into())
        );
        assert_eq!(one("jdoe (John Doe)"), (n("John Doe"), "jdoe".into()));
        assert_eq!(one("moderator"), (None, "moderator".into()));
    }

    #[test]
    fn obsolete_forms() {
        assert_eq!(
            one("\"john  smith\"@example.test"),
            (None, "\"john  smith\"@example.test".into())
        );
        assert_eq!(
            one("\"jdoe\"@example.test"),
            (None, "jdoe@example.test".into())
        );
        assert_eq!(
            one("Joe Q. Public <@relay1.test,@relay2.test:john.q.public@example.test>"),
            (n("Joe Q. Public"), "john.q.public@example.test".into())
        );
        assert_eq!(
            one("john . doe @ example . test"),
            (None, "john.doe@example.test".into())
        );
        assert_eq!(one("jdoe@[192.0.2.1]"), (None, "jdoe@[192.0.2.1]".into()));
    }

    #[test]
    fn groups() {
        let l = parse_address_list(
            "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, Mary <mary@x.test>",
        );
        let addrs: Vec<&str> = l.iter().map(|m| m.address.as_str()).collect();
        assert_eq!(
            addrs,
            ["c@a.test", "joe@where.test", "jdoe@one.test", "mary@x.test"]
        );
        assert!(parse_address_list("undisclosed-recipients:;").is_empty());
        assert!(parse_address_list("Undisclosed recipients: ;").is_empty());
        assert_eq!(
            parse_address_list("Empty:; x@y.test")[0].address,
            "x@y.test"
        );
    }

    #[test]
    fn run_together() {
        let l = parse_address_list("a@x.test b@y.test");
        assert_eq!(l.len(), 2, "{l:?}");
        let l = parse_address_list("A <a@x.test> B <b@y.test>");
        assert_eq!(
            l,
            vec![
                RawMailbox {
                    name: n("A"),
                    address: "a@x.test".into()
                },
                RawMailbox {
                    name: n("B"),
                    address: "b@y.test".into()
                }
            ]
        );
    }

    #[test]
    fn well_formed_or_not() {
        for ok in [
            "a@x.test",
            "A <a@x.test>, \"B, b\" <b@x.test>",
            "undisclosed-recipients:;",
            "G: a@x.test, b@x.test;, c@x.test",
            "moderator",
            "<@r1,@r2:u@x.test>",
        ] {
            assert!(read_address_list(ok).1, "{ok}");
        }
        for bad in [
            "Broken <<bob@example.com>>> \"unterminated",
            ";;; carol@Example.com ;; dave@example.com (Dave",
            "a@x.test b@x.test",
            "Mail Delivery System",
            "A <a@x.test",
        ] {
            assert!(!read_address_list(bad).1, "{bad}");
        }
    }

    #[test]
    fn junk_never_panics() {
        for v in [
            "", "<", ">", "\"", "(", "((((", "[", "@", ":", ";", ",,,", "<@:>", "=?", "=?a?b?c",
            "a@", "@b", "\\", "<a@b", "\"a\\", "(a\\", "<<<>>>", "a:b:c;d;",
        ] {
            let _ = parse_address_list(v);
        }
        assert!(parse_address_list("").is_empty());
        assert_eq!(
            parse_address_list("Mail Delivery System"),
            vec![RawMailbox {
                name: n("Mail Delivery System"),
                address: String::new()
            }]
        );
    }

    /// The quick reader agrees with the full one wherever it answers.
    #[test]
    fn the_quick_reader_agrees_with_the_full_one() {
        let mut values: Vec<String> = [
            "a@x.test",
            "  a.b@x.test  ",
            "Jane Doe <jane@x.test>",
            "Jane Doe<jane@x.test>",
            "\"Doe, Jane\" <jane@x.test>",
            "\" Jane \" <jane@x.test>",
            "\"\" <jane@x.test>",
            "<jane@x.test>",
            "Jane  Doe <jane@x.test>",
            "Jane\tDoe <jane@x.test>",
            "J. Doe <jane@x.test>",
            "Jane <jane@x.test> Bob <bob@y.test>",
            "jane@x.test bob@y.test",
            "jane@x.test (Jane)",
            "a..b@x.test",
            ".a@x.test",
            "Jane <jane@x.test",
            "Jane <jane@>",
            "Jane <@r:jane@x.test>",
            "=?utf-8?q?J=C3=A9?= <j@x.test>",
            "moderator",
            "\"a\\\"b\" <j@x.test>",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every address header of the fixtures and of generated demo mail.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/mail");
        let mut raws: Vec<Vec<u8>> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read(e.unwrap().path()).unwrap())
            .collect();
        let demo = rapport_demo::generate(&rapport_demo::DemoConfig::standard(1_795_186_800));
        raws.extend(demo.inbox.into_iter().chain(demo.sent).take(2000));
        for raw in &raws {
            let Ok((headers, _)) = mailparse::parse_headers(raw) else {
                continue;
            };
            for h in headers {
                let key = h.get_key_ref().to_ascii_lowercase();
                if ["from", "to", "cc", "reply-to", "sender"].contains(&key.as_str()) {
                    values.push(String::from_utf8_lossy(h.get_value_raw()).replace("\r\n", ""));
                }
            }
        }
        let mut quick = 0;
        for v in &values {
            if let Some(m) = simple(v) {
                quick += 1;
                assert_eq!(read_full(v), (vec![m], true), "{v:?}");
            }
        }
        assert!(quick > values.len() / 2, "{quick} of {}", values.len());
    }
}
