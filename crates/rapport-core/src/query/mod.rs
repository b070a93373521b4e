//! The query language for candidates, in the inbox (`/`), on the command line
//! (`rapport candidates --query`) and in saved views (`[views]` in the config):
//!
//! - words and "quoted phrases" search as the plain search always did: the candidates' mail
//!   (subject, sender, their own words), names and addresses;
//! - fields narrow by what we know: `interest:rust`, `channel:email` (a channel their wishes
//!   allow), `due:yes` (their frequency lets us contact them now), `assigned:me|none|NAME`,
//!   `waiting:>24h` (or `<`, `yes`, `no`), `over:target`, `opted-out:yes|no`, `lang:de`,
//!   `tz:Europe/*` (`*` matches anything in `interest`, `lang` and `tz`), `snoozed:yes|no`;
//! - terms side by side must all hold; `or` between two terms lets either (it binds tighter
//!   than the space: `a b or c` is `a` and (`b` or `c`)); `-term` negates; parentheses group.
//!
//! One typed tree ([`Query`]) comes out of the one parser (`FromStr`) and is printed back by
//! the one `Display`. A [`Filter`] is a query with what its relative terms mean for whoever
//! runs it (`me`, the target): the plain value the store turns into SQL. The store never
//! parses.

#[cfg(test)]
mod tests;

use crate::model::Channel;
use std::fmt;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub expr: Expr,
}

/// The tree: terms combined with and, or and not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every one holds (terms side by side).
    And(Vec<Expr>),
    /// At least one holds (`or`).
    Or(Vec<Expr>),
    /// `-term`.
    Not(Box<Expr>),
    Term(Term),
}

/// One condition on a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A word, as a prefix: in their mail, name or address.
    Word(String),
    /// A quoted phrase: its words in this order.
    Phrase(String),
    /// An interest tag (`*` matches anything).
    Interest(String),
    /// Their wishes allow this channel.
    Channel(Channel),
    /// Their frequency lets us contact them now (or not).
    Due(bool),
    Assigned(Assignee),
    Waiting(Waiting),
    /// Waiting at or past the team's response-time target.
    OverTarget,
    OptedOut(bool),
    /// Their language (`de` also matches `de-AT`; `*` matches anything).
    Lang(String),
    /// Their time zone, a glob (`Europe/*`).
    Tz(String),
    Snoozed(bool),
}

/// Whose candidates: `assigned:me`, `assigned:none`, `assigned:NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    Me,
    Nobody,
    /// A recruiter's display name, or its first word ("bilal" for "Bilal Haddad"), any case.
    Named(String),
}

/// `waiting:yes|no|>DURATION|<DURATION`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Waiting for our reply at all (or not).
    Is(bool),
    /// Waiting longer than this many seconds.
    Longer(i64),
    /// Waiting, for less than this many seconds.
    Shorter(i64),
}

/// A query bound to who runs it and when: what the store evaluates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub query: Query,
    /// Who `assigned:me` is (the acting recruiter's display name).
    pub me: String,
    /// The instant `due`, `waiting` and `snoozed` are judged at (unix seconds).
    pub now: i64,
    /// `over:target`: waits that started at or before this instant are over the target now;
    /// `None` when nobody can be (or the query does not ask).
    pub over_target_since: Option<i64>,
}

impl From<Query> for Filter {
    /// A query run now, without `me` or a target: for queries that use neither.
    fn from(query: Query) -> Filter {
        Filter {
            query,
            me: String::new(),
            now: crate::clock::now(),
            over_target_since: None,
        }
    }
}

/// A query that cannot be read: what is wrong, naming the term and where it starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct QueryError {
    /// The offending term as typed.
    pub term: String,
    /// Where it starts: 1 for the first character.
    pub at: usize,
    /// The whole message, e.g. `unknown field "intrest" in "intrest:rust" (at 1); known fields: …`.
    pub message: String,
}

/// The fields, as typed, with what each takes (for errors and help).
pub const FIELDS: &[(&str, &str)] = &[
    ("interest", "an interest tag, e.g. interest:rust"),
    (
        "channel",
        "a channel: email, phone, sms, linkedin or meeting",
    ),
    ("due", "yes or no"),
    ("assigned", "me, none or a recruiter's name"),
    (
        "waiting",
        ">DURATION, <DURATION, yes or no (e.g. waiting:>24h; durations like 90m, 24h, 2d, 1w)",
    ),
    ("over", "target"),
    ("opted-out", "yes or no"),
    ("lang", "a language code, e.g. lang:de"),
    ("tz", "a time zone or a pattern, e.g. tz:Europe/*"),
    ("snoozed", "yes or no"),
];

fn known_fields() -> String {
    FIELDS
        .iter()
        .map(|(f, _)| *f)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Query {
    /// Whether an `over:target` term appears (its instant is then worth working out).
    pub fn mentions_over_target(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::And(v) | Expr::Or(v) => v.iter().any(walk),
                Expr::Not(e) => walk(e),
                Expr::Term(t) => *t == Term::OverTarget,
            }
        }
        walk(&self.expr)
    }

    /// The words and phrases it looks for in mail (not those under `-`), in order: what a
    /// conversation found by the search highlights.
    pub fn text_terms(&self) -> Vec<String> {
        fn walk(e: &Expr, out: &mut Vec<String>) {
            match e {
                Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| walk(e, out)),
                Expr::Not(_) => {}
                Expr::Term(Term::Word(w) | Term::Phrase(w)) => out.push(w.clone()),
                Expr::Term(_) => {}
            }
        }
        let mut out = Vec::new();
        walk(&self.expr, &mut out);
        out
    }
}

// ---------------------------------------------------------------------------------------
// Reading

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Or,
    /// `-` right before a term or a parenthesis.
    Not,
    /// A term as typed: `field:value`, `field:"a value"`, a word or `"a phrase"`.
    Term {
        field: Option<String>,
        value: String,
        quoted: bool,
    },
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// 1-based character position.
    at: usize,
    /// The text as typed.
    raw: String,
}

fn error(term: &str, at: usize, what: String) -> QueryError {
    QueryError {
        term: term.to_string(),
        at,
        message: what,
    }
}

/// A field name: letters, digits and `-` (so `10:30` or `http://x` stay words).
fn is_field_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn tokens(src: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let raw = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            '(' => {
                out.push(Token {
                    tok: Tok::Open,
                    at: i + 1,
                    raw: "(".into(),
                });
                i += 1;
                continue;
            }
            ')' => {
                out.push(Token {
                    tok: Tok::Close,
                    at: i + 1,
                    raw: ")".into(),
                });
                i += 1;
                continue;
            }
            '-' => {
                let next = chars.get(i + 1);
                if next.is_none_or(|n| n.is_whitespace() || *n == ')') {
                    return Err(error(
                        "-",
                        i + 1,
                        format!(
                            "\"-\" (at {}) negates nothing: write it right before a term, e.g. -interest:sales",
                            i + 1
                        ),
                    ));
                }
                out.push(Token {
                    tok: Tok::Not,
                    at: i + 1,
                    raw: "-".into(),
                });
                i += 1;
                continue;
            }
            _ => {}
        }
        // A term: runs to whitespace or a parenthesis outside quotes.
        let mut field = None;
        let mut value = String::new();
        let mut quoted = false;
        let mut j = i;
        let mut in_quote = false;
        let mut quote_at = 0;
        while j < chars.len() {
            let d = chars[j];
            if in_quote {
                if d == '"' {
                    in_quote = false;
                } else {
                    value.push(d);
                }
                j += 1;
                continue;
            }
            if d.is_whitespace() || d == '(' || d == ')' {
                break;
            }
            if d == '"' {
                in_quote = true;
                quoted = true;
                quote_at = j + 1;
                j += 1;
                continue;
            }
            // `http://…` stays a word.
            let url = chars.get(j + 1) == Some(&'/') && chars.get(j + 2) == Some(&'/');
            if d == ':' && field.is_none() && !quoted && !url && is_field_name(&value) {
                field = Some(std::mem::take(&mut value));
                j += 1;
                continue;
            }
            value.push(d);
            j += 1;
        }
        if in_quote {
            let text = raw(start, chars.len());
            return Err(error(
                &text,
                start + 1,
                format!(
                    "unclosed quote in {text:?} (at {}): end the phrase with \"",
                    quote_at
                ),
            ));
        }
        let text = raw(start, j);
        let tok = if field.is_none() && !quoted && value.eq_ignore_ascii_case("or") {
            Tok::Or
        } else {
            Tok::Term {
                field,
                value,
                quoted,
            }
        };
        out.push(Token {
            tok,
            at: start + 1,
            raw: text,
        });
        i = j;
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    /// Terms side by side, up to a `)` or the end.
    fn and_seq(&mut self) -> Result<Vec<Expr>, QueryError> {
        let mut parts = Vec::new();
        while let Some(t) = self.peek() {
            if t.tok == Tok::Close {
                break;
            }
            parts.push(self.or_seq()?);
        }
        Ok(parts)
    }

    fn or_seq(&mut self) -> Result<Expr, QueryError> {
        if let Some(t) = self.peek().filter(|t| t.tok == Tok::Or) {
            return Err(or_alone(t));
        }
        let mut alts = vec![self.unary()?];
        while let Some(t) = self.peek().filter(|t| t.tok == Tok::Or).cloned() {
            self.pos += 1;
            match self.peek() {
                None => return Err(or_alone(&t)),
                Some(n) if matches!(n.tok, Tok::Or | Tok::Close) => return Err(or_alone(&t)),
                _ => {}
            }
            alts.push(self.unary()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().expect("one")
        } else {
            Expr::Or(alts)
        })
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        let t = self.peek().cloned().expect("called with a token left");
        self.pos += 1;
        match t.tok {
            Tok::Not => {
                if self
                    .peek()
                    .is_none_or(|n| matches!(n.tok, Tok::Or | Tok::Close))
                {
                    return Err(error(
                        "-",
                        t.at,
                        format!(
                            "\"-\" (at {}) negates nothing: write it right before a term",
                            t.at
                        ),
                    ));
                }
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Tok::Open => {
                let inner = self.and_seq()?;
                match self.peek() {
                    Some(c) if c.tok == Tok::Close => self.pos += 1,
                    _ => {
                        return Err(error(
                            "(",
                            t.at,
                            format!("unclosed \"(\" (at {}): close it with \")\"", t.at),
                        ));
                    }
                }
                if inner.is_empty() {
                    return Err(error(
                        "()",
                        t.at,
                        format!("empty parentheses (at {})", t.at),
                    ));
                }
                Ok(and(inner))
            }
            Tok::Close => Err(error(")", t.at, format!("unmatched \")\" (at {})", t.at))),
            Tok::Or => Err(or_alone(&t)),
            Tok::Term {
                field,
                value,
                quoted,
            } => term(&t.raw, t.at, field.as_deref(), &value, quoted).map(Expr::Term),
        }
    }
}

fn or_alone(t: &Token) -> QueryError {
    error(
        &t.raw,
        t.at,
        format!(
            "{:?} (at {}) needs a term on each side (quote it to search for the word: \"{}\")",
            t.raw, t.at, t.raw
        ),
    )
}

fn and(mut parts: Vec<Expr>) -> Expr {
    if parts.len() == 1 {
        parts.pop().expect("one")
    } else {
        Expr::And(parts)
    }
}

/// Reads one term; `raw` is the term as typed, `at` where it starts.
fn term(
    raw: &str,
    at: usize,
    field: Option<&str>,
    value: &str,
    quoted: bool,
) -> Result<Term, QueryError> {
    let Some(field) = field else {
        let v = value.trim();
        if v.is_empty() {
            return Err(error(raw, at, format!("empty phrase {raw:?} (at {at})")));
        }
        return Ok(if quoted {
            Term::Phrase(v.to_string())
        } else {
            Term::Word(v.to_string())
        });
    };
    let name = field.to_ascii_lowercase();
    let Some((_, takes)) = FIELDS.iter().find(|(f, _)| *f == name) else {
        return Err(error(
            raw,
            at,
            format!(
                "unknown field {field:?} in {raw:?} (at {at}); known fields: {}",
                known_fields()
            ),
        ));
    };
    let v = value.trim();
    let bad = || {
        error(
            raw,
            at,
            if v.is_empty() {
                format!("{raw:?} (at {at}) has no value: {name} takes {takes}")
            } else {
                format!("{v:?} in {raw:?} (at {at}) is not a value of {name}: it takes {takes}")
            },
        )
    };
    if v.is_empty() {
        return Err(bad());
    }
    let yes_no = || match v.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err(bad()),
    };
    Ok(match name.as_str() {
        "interest" => Term::Interest(v.to_string()),
        "channel" => Term::Channel(v.to_ascii_lowercase().parse().map_err(|_| bad())?),
        "due" => Term::Due(yes_no()?),
        "assigned" => Term::Assigned(match v.to_ascii_lowercase().as_str() {
            "me" => Assignee::Me,
            "none" | "nobody" => Assignee::Nobody,
            _ => Assignee::Named(v.to_string()),
        }),
        "waiting" => Term::Waiting(if let Some(d) = v.strip_prefix('>') {
            Waiting::Longer(duration(d).ok_or_else(bad)?)
        } else if let Some(d) = v.strip_prefix('<') {
            Waiting::Shorter(duration(d).ok_or_else(bad)?)
        } else {
            Waiting::Is(yes_no()?)
        }),
        "over" if v.eq_ignore_ascii_case("target") => Term::OverTarget,
        "over" => return Err(bad()),
        "opted-out" => Term::OptedOut(yes_no()?),
        "lang" => Term::Lang(v.to_string()),
        "tz" => Term::Tz(v.to_string()),
        "snoozed" => Term::Snoozed(yes_no()?),
        _ => unreachable!("every field in FIELDS is read above"),
    })
}

/// A duration as the rest of rapport reads one (`core::timefmt`), one part: "24h", "2d".
fn duration(s: &str) -> Option<i64> {
    let s = s.trim_start_matches('=').trim();
    if s.contains(char::is_whitespace) {
        return None;
    }
    crate::timefmt::parse_duration(s)
}

impl std::str::FromStr for Query {
    type Err = QueryError;
    fn from_str(src: &str) -> Result<Query, QueryError> {
        let toks = tokens(src)?;
        if toks.is_empty() {
            return Err(error("", 1, "the query is empty".into()));
        }
        let mut p = Parser { toks, pos: 0 };
        let parts = p.and_seq()?;
        if let Some(t) = p.peek() {
            return Err(error(")", t.at, format!("unmatched \")\" (at {})", t.at)));
        }
        Ok(Query { expr: and(parts) })
    }
}

impl Query {
    /// The query in `text`, or `None` when it is blank.
    pub fn parse_optional(text: &str) -> Result<Option<Query>, QueryError> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            text.parse().map(Some)
        }
    }
}

// ---------------------------------------------------------------------------------------
// Writing

/// A value as typed: quoted when it holds a space, a quote, a parenthesis or could be taken
/// for `or`.
fn value(f: &mut fmt::Formatter<'_>, v: &str) -> fmt::Result {
    if v.is_empty()
        || v.eq_ignore_ascii_case("or")
        || v.starts_with('-')
        || v.split_once(':').is_some_and(|(a, _)| is_field_name(a))
        || v.chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '(' | ')'))
    {
        write!(f, "\"{}\"", v.replace('"', ""))
    } else {
        f.write_str(v)
    }
}

/// Seconds as one part the parser reads back: "2d", "36h", "90m".
fn span(secs: i64) -> String {
    for (unit, n) in [("w", 7 * 86_400), ("d", 86_400), ("h", 3600), ("m", 60)] {
        if secs % n == 0 && secs != 0 {
            return format!("{}{unit}", secs / n);
        }
    }
    format!("{}m", secs / 60)
}

fn yn(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Word(w) => value(f, w),
            Term::Phrase(p) => write!(f, "\"{}\"", p.replace('"', "")),
            Term::Interest(t) => {
                f.write_str("interest:")?;
                value(f, t)
            }
            Term::Channel(c) => write!(f, "channel:{c}"),
            Term::Due(b) => write!(f, "due:{}", yn(*b)),
            Term::Assigned(Assignee::Me) => f.write_str("assigned:me"),
            Term::Assigned(Assignee::Nobody) => f.write_str("assigned:none"),
            Term::Assigned(Assignee::Named(n)) => {
                f.write_str("assigned:")?;
                value(f, n)
            }
            Term::Waiting(Waiting::Is(b)) => write!(f, "waiting:{}", yn(*b)),
            Term::Waiting(Waiting::Longer(s)) => write!(f, "waiting:>{}", span(*s)),
            Term::Waiting(Waiting::Shorter(s)) => write!(f, "waiting:<{}", span(*s)),
            Term::OverTarget => f.write_str("over:target"),
            Term::OptedOut(b) => write!(f, "opted-out:{}", yn(*b)),
            Term::Lang(l) => {
                f.write_str("lang:")?;
                value(f, l)
            }
            Term::Tz(z) => {
                f.write_str("tz:")?;
                value(f, z)
            }
            Term::Snoozed(b) => write!(f, "snoozed:{}", yn(*b)),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Term(t) => t.fmt(f),
            Expr::Not(e) => match &**e {
                Expr::Term(_) | Expr::Not(_) => write!(f, "-{e}"),
                _ => write!(f, "-({e})"),
            },
            Expr::Or(v) => {
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    match e {
                        Expr::And(_) | Expr::Or(_) => write!(f, "({e})")?,
                        _ => e.fmt(f)?,
                    }
                }
                Ok(())
            }
            Expr::And(v) => {
                for (i, e) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    match e {
                        Expr::And(_) => write!(f, "({e})")?,
                        _ => e.fmt(f)?,
                    }
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}
