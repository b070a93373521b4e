//! Folding and tokens: lower case without accents, words split at punctuation, URLs,
//! addresses, HTML tags and entities dropped, sentence and clause breaks recorded.

/// Appends `c` lower-cased with common Latin accents removed.
pub(crate) fn fold_char(c: char, out: &mut String) {
    let f = match c {
        'a'..='z' | '0'..='9' => c,
        'A'..='Z' => c.to_ascii_lowercase(),
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            'a'
        }
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => 'c',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ę' | 'Ě' => {
            'e'
        }
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'ı' => 'i',
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ő' => {
            'o'
        }
        'ù' | 'ú' | 'û' | 'ü' | 'ű' | 'ů' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ű' | 'Ů' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ł' | 'Ł' => 'l',
        'ś' | 'š' | 'Ś' | 'Š' => 's',
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => 'z',
        'ř' | 'Ř' => 'r',
        'đ' | 'Đ' => 'd',
        'ß' => {
            out.push_str("ss");
            return;
        }
        'æ' | 'Æ' => {
            out.push_str("ae");
            return;
        }
        'œ' | 'Œ' => {
            out.push_str("oe");
            return;
        }
        _ => {
            out.extend(c.to_lowercase());
            return;
        }
    };
    out.push(f);
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    /// Folded text: `buf[fs..fe]`.
    pub(super) fs: u32,
    pub(super) fe: u32,
    /// Original text: `src[os..oe]`.
    pub(super) os: u32,
    pub(super) oe: u32,
    pub(super) sent: u32,
    pub(super) clause: u32,
}

/// One source (body or subject), folded and tokenized.
pub(super) struct Doc<'a> {
    pub(super) src: &'a str,
    pub(super) buf: String,
    pub(super) toks: Vec<Tok>,
    sent: u32,
    clause: u32,
    new_sent: bool,
    new_clause: bool,
}

impl<'a> Doc<'a> {
    pub(super) fn new(src: &'a str, len: usize) -> Self {
        Doc {
            src,
            buf: String::with_capacity(len + 16),
            toks: Vec::with_capacity(len / 5 + 4),
            sent: 0,
            clause: 0,
            new_sent: false,
            new_clause: false,
        }
    }

    pub(super) fn w(&self, i: usize) -> &str {
        let t = &self.toks[i];
        &self.buf[t.fs as usize..t.fe as usize]
    }

    fn sentence_break(&mut self) {
        self.new_sent = true;
    }

    fn clause_break(&mut self) {
        self.new_clause = true;
    }

    /// Tokenizes the candidate's own part of the body: skips quoted lines and decides at each
    /// line break whether a sentence ends there.
    pub(super) fn push_body(&mut self, own: &'a str) {
        let mut lines = own.split('\n').peekable();
        let mut off = 0;
        while let Some(line) = lines.next() {
            let start = off;
            off += line.len() + 1;
            let t = line.trim();
            if t.starts_with('>') {
                self.sentence_break();
                continue;
            }
            if t.is_empty() {
                self.sentence_break();
                continue;
            }
            self.push_line(start, line);
            // A soft-wrapped line is long and continues in lower case; anything else ends here.
            let wrapped = t.chars().count() >= 50
                && lines.peek().is_some_and(|n| {
                    n.trim_start()
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_lowercase())
                });
            if !wrapped {
                self.sentence_break();
            }
        }
    }

    /// Tokenizes `line`, which starts at byte `start` of `src`.
    pub(super) fn push_line(&mut self, start: usize, line: &str) {
        let mut cur: Option<(usize, usize)> = None; // (folded start, original start)
        let mut skip_to = 0usize;
        let mut iter = line.char_indices().peekable();
        while let Some((k, c)) = iter.next() {
            if k < skip_to {
                continue;
            }
            if c.is_alphanumeric() {
                if cur.is_none() {
                    if let Some(end) = skip_word(line, k) {
                        skip_to = end;
                        continue;
                    }
                    cur = Some((self.buf.len(), start + k));
                }
                fold_char(c, &mut self.buf);
                continue;
            }
            if c == '-'
                && let Some((fs, _)) = cur
                && &self.buf[fs..] == "e"
                && iter.peek().is_some_and(|(_, n)| n.is_alphabetic())
            {
                continue; // e-mail → email
            }
            if let Some((fs, os)) = cur.take() {
                self.push_tok(fs, os, start + k);
            }
            match c {
                '.' | '!' | '?' | ';' | ':' | '¡' | '¿' | '…' | '•' | '·' | '|' => {
                    self.sentence_break()
                }
                ',' | '(' | ')' | '[' | ']' | '"' | '“' | '”' | '«' | '»' | '–' | '—' => {
                    self.clause_break()
                }
                '-' => {
                    let spaced = k == 0
                        || line[..k].ends_with(' ')
                        || iter.peek().is_none_or(|(_, n)| n.is_whitespace());
                    if spaced {
                        self.clause_break();
                    }
                }
                '&' => {
                    if let Some(end) = entity_end(line, k) {
                        skip_to = end;
                    }
                }
                '<' => {
                    if let Some(end) = tag_end(line, k) {
                        skip_to = end;
                    }
                }
                // Terminal escape (CSI): ESC [ parameters final-byte.
                '\u{1b}' if line[k + 1..].starts_with('[') => {
                    let params = &line[k + 2..];
                    skip_to = params
                        .find(|c: char| ('@'..='~').contains(&c))
                        .map_or(line.len(), |e| k + 2 + e + 1);
                }
                _ => {}
            }
        }
        if let Some((fs, os)) = cur {
            self.push_tok(fs, os, start + line.len());
        }
    }

    fn push_tok(&mut self, fs: usize, os: usize, oe: usize) {
        if self.new_sent {
            self.sent += 1;
            self.clause += 1;
        } else if self.new_clause {
            self.clause += 1;
        }
        self.new_sent = false;
        self.new_clause = false;
        self.toks.push(Tok {
            fs: fs as u32,
            fe: self.buf.len() as u32,
            os: os as u32,
            oe: oe as u32,
            sent: self.sent,
            clause: self.clause,
        });
    }
}

/// If a word starting at byte `k` of `line` is a URL or an e-mail address, the byte offset
/// where it ends.
fn skip_word(line: &str, k: usize) -> Option<usize> {
    let rest = &line[k..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .unwrap_or(rest.len());
    let word = &rest[..end];
    let url = word.contains("://") || word.starts_with("www.") || word.starts_with("WWW.");
    let mail = word.contains('@') && word.len() > 3;
    (url || mail).then_some(k + end)
}

/// `&nbsp;`, `&amp;`, `&#39;` at byte `k`: the offset after the `;`.
fn entity_end(line: &str, k: usize) -> Option<usize> {
    let rest = &line.as_bytes()[k + 1..];
    let n = rest
        .iter()
        .take(9)
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'#'))?;
    (n > 0 && rest[n] == b';').then_some(k + 1 + n + 1)
}

/// `<p>`, `</div>`, `<br/>`, `<a href="…">` at byte `k`: the offset after the `>`.
fn tag_end(line: &str, k: usize) -> Option<usize> {
    let rest = &line[k + 1..];
    let name = rest.trim_start_matches('/');
    let n = name
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    const TAGS: &[&str] = &[
        "p",
        "br",
        "div",
        "span",
        "b",
        "i",
        "u",
        "em",
        "strong",
        "a",
        "li",
        "ul",
        "ol",
        "td",
        "tr",
        "table",
        "font",
        "html",
        "body",
        "blockquote",
        "hr",
        "h1",
        "h2",
        "h3",
        "img",
        "tbody",
        "head",
        "o",
    ];
    if n == 0 || !TAGS.iter().any(|t| t.eq_ignore_ascii_case(&name[..n])) {
        return None;
    }
    let close = rest.find('>')?;
    (close < 200).then_some(k + 1 + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_tokens() {
        let mut d = Doc::new("", 0);
        d.push_line(0, "Désabonnez-moi! E-Mail STRASSE Straße ÉLIMINENME&nbsp;x <p>y</p> http://a.b/unsubscribe z@unsubscribe.com");
        let words: Vec<&str> = (0..d.toks.len()).map(|i| d.w(i)).collect();
        assert_eq!(
            words,
            [
                "desabonnez",
                "moi",
                "email",
                "strasse",
                "strasse",
                "eliminenme",
                "x",
                "y"
            ]
        );
    }
}
