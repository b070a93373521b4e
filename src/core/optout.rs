//! Noticing when a candidate's inbound email asks us to stop contacting them.
//!
//! [`detect`] runs on every inbound message at ingest, so it is a single pass over the
//! candidate's own words with hand-written token rules (no regex, no allocation beyond one
//! folded copy of the text and a token list):
//!
//! 1. **Own words only.** Quoted lines (`>`), everything from an attribution line on
//!    ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:", "Il … ha
//!    scritto:", "Op … schreef …:", "Em … escreveu:"), from "-----Original Message-----" /
//!    "Forwarded message" separators, from an Outlook `_____` rule or a `From:`/`Von:`/`De :`
//!    header block (a `From:`-like line followed within four lines by `Sent:`/`Gesendet:`/
//!    `Envoyé :`/`Enviado:`/`Date:`/`To:`/`Subject:`…), and from a signature separator `--`
//!    are ignored. Our own outreach footers ("reply STOP to unsubscribe") live there.
//! 2. **Folding.** Lower case, common Latin accents removed (`é`→`e`, `ä`→`a`, `ß`→`ss`),
//!    `e-mail` joined to `email`, apostrophes and other punctuation split words, URLs, e-mail
//!    addresses, HTML tags and entities (`&nbsp;`) dropped. Sentences end at `.!?;:`, at blank
//!    lines and at line breaks that do not look like a soft wrap; commas and dashes end clauses.
//! 3. **Rules** per language (en, de, fr, es, plus it, nl, pt) keyed on a trigger word and
//!    checked in its sentence: "unsubscribe", "remove me from your list", "stop emailing me",
//!    "don't contact me (again)", "I no longer wish to receive…", "bitte keine weiteren
//!    E-Mails", "nicht mehr kontaktieren", "hören Sie auf, mir … zu schicken", "merci de ne
//!    plus me contacter", "arrêtez de m'écrire", "désinscrire", "no me contacten más", "no
//!    sigan enviándome", "darme de baja", … Each rule has its own guards for the usual near
//!    misses: "don't hesitate to contact me", "remove my old address", "remove me from
//!    consideration", "I unsubscribed from LinkedIn", "stop by the office", "stop the process",
//!    "don't call me before 10am" (a time or place qualifier right after the request makes it a
//!    preference, not an opt-out), "don't contact my employer", "estoy de baja".
//! 4. **Footers** written by mail programs ("If you no longer wish to receive…, click here",
//!    "You are receiving this…", "Antworten Sie mit STOP", "Pour vous désinscrire…") are not
//!    the candidate's request even when they are not quoted; such sentences are skipped.
//!
//! Decisions on borderline cases:
//! - "The unsubscribe link in your newsletter is broken" **is** an opt-out: the candidate tried
//!   to unsubscribe, and failing to honour that is worse than a banner the recruiter dismisses.
//!   It is not one when the same sentence says they are *not* trying to unsubscribe.
//! - "Please don't call me (anymore)" is a narrower request: [`Scope::Channel`]`("phone")`
//!   ("sms" for "don't text me"). "Don't call me before 10am / tomorrow / at work" is no
//!   request at all.
//! - "Please stop sending me sales roles" is [`Scope::Topic`]`("sales roles")`.
//! - A bare "STOP", "Unsubscribe", "Remove", "Abmelden", "Baja" as a whole sentence (or the
//!   subject of an otherwise empty reply) counts.
//! - "I'm no longer looking", "not interested" on their own are not requests to stop.
//! - "Unsubscribe me from the daily alerts but keep the weekly digest" is a partial change, not
//!   an opt-out; "unsubscribe my colleague / my old work address" is about someone or
//!   something else.
//!
//! Known limitations (found by probing, left as they are): a bare exclamation "Stop! That's
//! great news." reads as "STOP"; "no me llames, te escribo yo mañana" ("don't call me, I'll
//! write tomorrow") gives a phone-scoped request because the time is in the next clause.
//! Anything phrased outside the rules is missed — see `tests/fixtures/optout/README.md` for
//! how the rules were measured.
//!
//! `automated` messages (auto-replies, bounces, bulk mail) are never opt-outs.

use crate::core::sanitize::sanitize_line;

/// Why a message reads as a request to stop contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOutRequest {
    /// The sentence (or phrase) that asks to stop, sanitized and at most ~120 chars, for the banner.
    pub evidence: String,
    /// "en", "de", "fr", "es", "it", "nl" or "pt".
    pub language: &'static str,
    /// What they want to stop hearing about when it is narrower than everything:
    /// `Some(Scope::Channel("phone"))` for "please don't call me"; `None` = everything.
    pub scope: Option<Scope>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// "phone" (calls) or "sms" (texts).
    Channel(&'static str),
    /// Best effort: the kind of roles they no longer want, e.g. "sales roles".
    Topic(String),
}

/// Longest evidence string, in characters (including the `…` marks).
const EVIDENCE_MAX: usize = 120;

/// Reads `subject` and `body` (plain text) of an inbound message and returns why it asks us to
/// stop contacting the sender, if it does. `automated` is true for auto-replies, bounces and
/// bulk mail: those are never opt-outs.
pub fn detect(subject: &str, body: &str, automated: bool) -> Option<OptOutRequest> {
    if automated {
        return None;
    }
    let end = own_text_end(body);
    let mut doc = Doc::new(body, end);
    doc.push_body(&body[..end]);
    if let Some(found) = doc.find() {
        return Some(doc.request(found, &doc));
    }
    let subject = strip_reply_prefixes(subject);
    if subject.is_empty() {
        return None;
    }
    let mut sdoc = Doc::new(subject, subject.len());
    sdoc.push_line(0, subject);
    let found = sdoc.find()?;
    // A bare "STOP" subject says nothing about the language; the body might.
    let lang_from = if doc.toks.is_empty() { &sdoc } else { &doc };
    Some(sdoc.request(found, lang_from))
}

// ---------------------------------------------------------------------------------------------
// Own text: where quoting, forwarding and signatures start.

/// Byte offset where the candidate's own text ends: the first attribution line, forwarded or
/// original-message separator, Outlook header block or signature separator.
fn own_text_end(body: &str) -> usize {
    let mut pos = 0;
    let mut prev_start: Option<usize> = None;
    let mut prev_opens_attribution = false;
    let mut rest = body;
    while !rest.is_empty() {
        let len = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = &rest[..len];
        rest = &rest[len..];
        let t = line.trim();
        match cut_kind(t, rest) {
            Cut::No => {}
            Cut::Here => return pos,
            Cut::Attribution { opens } => {
                // "On Wed, 15 Jan 2025 at 11:02, Anna Keller <" + "anna@…> wrote:" (wrapped).
                return match prev_start {
                    Some(p) if !opens && prev_opens_attribution => p,
                    _ => pos,
                };
            }
        }
        if !t.is_empty() {
            prev_start = Some(pos);
            prev_opens_attribution = !t.starts_with('>') && opens_attribution(t);
        }
        pos += len;
    }
    body.len()
}

enum Cut {
    No,
    Here,
    Attribution { opens: bool },
}

/// First words of an attribution line in the languages we read ("On", "Am", "Le", "El", …).
fn opens_attribution(t: &str) -> bool {
    let b = t.as_bytes();
    let word = b
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .map_or(b, |i| &b[..i]);
    [
        &b"on"[..],
        b"am",
        b"le",
        b"el",
        b"il",
        b"op",
        b"em",
        b"den",
        b"the",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

fn cut_kind(t: &str, rest: &str) -> Cut {
    if t.is_empty() || t.starts_with('>') {
        return Cut::No;
    }
    if t == "--" || t == "—" || (t.len() >= 8 && t.bytes().all(|b| b == b'_')) {
        return Cut::Here;
    }
    let first = t.as_bytes()[0];
    let decorated = matches!(first, b'-' | b'_' | b'=' | b'*');
    let colon = t.ends_with(':');
    let header = starts_with_header(t, FROM_HEADERS);
    if !(decorated || colon || header) || t.len() > 400 {
        return Cut::No;
    }
    let mut folded = String::with_capacity(t.len());
    for c in t.chars() {
        fold_char(c, &mut folded);
    }
    const SEPARATORS: &[&str] = &[
        "original message",
        "forwarded message",
        "ursprungliche nachricht",
        "weitergeleitete nachricht",
        "message d origine",
        "message d'origine",
        "message transfere",
        "mensaje original",
        "mensaje reenviado",
        "messaggio originale",
        "messaggio inoltrato",
        "oorspronkelijk bericht",
        "doorgestuurd bericht",
        "mensagem original",
        "mensagem encaminhada",
        "copy of the message",
        "begin forwarded message",
        "anfang der weitergeleiteten",
        "debut du message",
    ];
    if SEPARATORS.iter().any(|s| folded.contains(s)) {
        return Cut::Here;
    }
    if colon {
        const VERBS: &[&str] = &[
            "wrote:",
            "schrieb",
            "a ecrit",
            "escribio",
            "ha scritto",
            "schreef",
            "escreveu",
            "skrev",
        ];
        if VERBS.iter().any(|v| folded.contains(v)) {
            return Cut::Attribution {
                opens: opens_attribution(t),
            };
        }
    }
    if header {
        // Outlook-style quote: a From: line followed by Sent:/Date:/To:/Subject: lines.
        for next in rest.lines().take(4) {
            if starts_with_header(next.trim(), NEXT_HEADERS) {
                return Cut::Here;
            }
        }
    }
    Cut::No
}

const FROM_HEADERS: &[&str] = &["from", "von", "de", "da", "van", "fra", "od"];
const NEXT_HEADERS: &[&str] = &[
    "sent",
    "gesendet",
    "envoye",
    "enviado",
    "date",
    "datum",
    "fecha",
    "inviato",
    "verzonden",
    "data",
    "to",
    "an",
    "a",
    "para",
    "subject",
    "betreff",
    "objet",
    "asunto",
    "oggetto",
    "onderwerp",
    "cc",
];

/// `From: …`, `*From:* …`, `De : …`, `Envoyé : …`: a header name from `names` (folded) and a colon.
fn starts_with_header(t: &str, names: &[&str]) -> bool {
    let t = t.trim_start_matches('*');
    let end = t.find(|c: char| !c.is_alphabetic()).unwrap_or(t.len());
    if end == 0 || end > 16 {
        return false;
    }
    let after = t[end..].trim_start_matches(['*', ' ', '\u{a0}']);
    if !after.starts_with(':') {
        return false;
    }
    // Only "Word:" lines get here.
    let mut word = String::with_capacity(end);
    for c in t[..end].chars() {
        fold_char(c, &mut word);
    }
    names.contains(&word.as_str())
}

/// "Re: AW: Fwd: …" → "…".
fn strip_reply_prefixes(mut s: &str) -> &str {
    const PREFIXES: &[&str] = &[
        "re", "aw", "wg", "fw", "fwd", "tr", "rv", "r", "sv", "antw", "ref", "réf", "enc", "res",
    ];
    loop {
        s = s.trim_start();
        let Some(colon) = s.find(':') else { return s };
        let head = s[..colon].trim_end();
        let head = head
            .strip_suffix(']')
            .and_then(|h| h.rfind('[').map(|i| &h[..i]))
            .unwrap_or(head);
        if PREFIXES.iter().any(|p| head.eq_ignore_ascii_case(p)) {
            s = &s[colon + 1..];
        } else {
            return s.trim();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Folding and tokens.

/// Appends `c` lower-cased with common Latin accents removed.
fn fold_char(c: char, out: &mut String) {
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
struct Tok {
    /// Folded text: `buf[fs..fe]`.
    fs: u32,
    fe: u32,
    /// Original text: `src[os..oe]`.
    os: u32,
    oe: u32,
    sent: u32,
    clause: u32,
}

/// One source (body or subject), folded and tokenized.
struct Doc<'a> {
    src: &'a str,
    buf: String,
    toks: Vec<Tok>,
    sent: u32,
    clause: u32,
    new_sent: bool,
    new_clause: bool,
}

impl<'a> Doc<'a> {
    fn new(src: &'a str, len: usize) -> Self {
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

    fn w(&self, i: usize) -> &str {
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
    fn push_body(&mut self, own: &'a str) {
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
    fn push_line(&mut self, start: usize, line: &str) {
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

    /// The first request to stop in this source (the hit and its sentence's token range): a
    /// full opt-out wins over a narrower one found earlier.
    fn find(&self) -> Option<(Hit, usize, usize)> {
        let n = self.toks.len();
        let mut a = 0;
        let mut narrow: Option<(Hit, usize, usize)> = None;
        while a < n {
            let mut b = a + 1;
            while b < n && self.toks[b].sent == self.toks[a].sent {
                b += 1;
            }
            let s = S { d: self, a, b };
            let mut footer: Option<bool> = None;
            for i in a..b {
                let Some(hit) = rule(&s, i) else { continue };
                if *footer.get_or_insert_with(|| s.is_footer()) {
                    break;
                }
                if hit.scope.is_none() {
                    return Some((hit, a, b));
                }
                if narrow.is_none() {
                    narrow = Some((hit, a, b));
                }
                break;
            }
            a = b;
        }
        narrow
    }

    /// Builds the answer; a language-neutral hit takes the language of `lang_from`'s words.
    fn request(&self, (hit, a, b): (Hit, usize, usize), lang_from: &Doc) -> OptOutRequest {
        let language = hit.lang.unwrap_or_else(|| lang_from.guess_language());
        let (os, mut oe) = (self.toks[a].os as usize, self.toks[b - 1].oe as usize);
        // Keep the sentence's closing punctuation.
        oe += self.src[oe..]
            .find(|c: char| !matches!(c, '.' | '!' | '?' | '…'))
            .unwrap_or(self.src.len() - oe);
        let at = self.toks[hit.at].os as usize;
        OptOutRequest {
            evidence: evidence(self.src, os, oe, at),
            language,
            scope: hit.scope,
        }
    }

    /// The language of the candidate's words, by counting common function words; "en" if unsure.
    fn guess_language(&self) -> &'static str {
        const LANGS: [&str; 7] = ["en", "de", "fr", "es", "it", "nl", "pt"];
        let mut score = [0u32; 7];
        for i in 0..self.toks.len() {
            let k = match self.w(i) {
                "the" | "and" | "you" | "your" | "please" | "i" | "my" | "not" | "is" | "this"
                | "thanks" | "thank" | "interested" | "hi" | "hello" | "regards" => 0,
                "ich" | "sie" | "und" | "nicht" | "bitte" | "mich" | "mir" | "der" | "das"
                | "ist" | "mit" | "ihnen" | "danke" | "kein" | "keine" | "hallo" | "grusse"
                | "gruss" => 1,
                "je" | "vous" | "pas" | "merci" | "ne" | "pour" | "est" | "votre" | "bonjour"
                | "cordialement" | "suis" | "moi" | "et" => 2,
                "por" | "favor" | "gracias" | "hola" | "estoy" | "interesado" | "interesa"
                | "saludos" | "usted" | "ustedes" | "y" | "muy" => 3,
                "non" | "grazie" | "sono" | "buongiorno" | "il" | "vi" => 4,
                "ik" | "niet" | "geen" | "graag" | "het" | "een" | "bedankt" => 5,
                "nao" | "obrigado" | "obrigada" | "voce" | "voces" | "tenho" | "ola" => 6,
                _ => continue,
            };
            score[k] += 1;
        }
        let mut best = 0;
        for k in 1..LANGS.len() {
            if score[k] > score[best] {
                best = k;
            }
        }
        LANGS[best]
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

/// The sentence `src[os..oe]` as one sanitized line of at most [`EVIDENCE_MAX`] characters,
/// centred on the trigger at byte `at` when it has to be cut.
fn evidence(src: &str, os: usize, oe: usize, at: usize) -> String {
    let line = sanitize_line(&src[os..oe]);
    let total = line.chars().count();
    if total <= EVIDENCE_MAX {
        return line;
    }
    // Position of the trigger in characters of the sanitized line (approximately: sanitizing
    // only removes or collapses characters, so count up to the trigger in the original).
    let before = sanitize_line(&src[os..at.max(os)]).chars().count();
    let room = EVIDENCE_MAX - 2;
    let start = before.saturating_sub(room / 3).min(total - room);
    let mut out = String::with_capacity(EVIDENCE_MAX * 2);
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(room));
    if start + room < total {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Rules.

struct Hit {
    /// None: language-neutral ("STOP"); guessed from the text.
    lang: Option<&'static str>,
    scope: Option<Scope>,
    /// Trigger token.
    at: usize,
}

/// A sentence view: tokens `a..b` of `d`.
struct S<'d, 'a> {
    d: &'d Doc<'a>,
    a: usize,
    b: usize,
}

impl S<'_, '_> {
    /// Word at `i`, or "" outside the sentence.
    fn w(&self, i: usize) -> &str {
        if i >= self.a && i < self.b {
            self.d.w(i)
        } else {
            ""
        }
    }
    /// Word `k` after `i`.
    fn f(&self, i: usize, k: usize) -> &str {
        self.w(i + k)
    }
    /// Word `k` before `i`.
    fn p(&self, i: usize, k: usize) -> &str {
        if i >= k { self.w(i - k) } else { "" }
    }
    fn clause(&self, i: usize) -> u32 {
        self.d.toks[i].clause
    }
    /// Word `k` after `i` if still in the same clause.
    fn fc(&self, i: usize, k: usize) -> &str {
        if i + k < self.b && self.clause(i + k) == self.clause(i) {
            self.w(i + k)
        } else {
            ""
        }
    }
    /// First index in `from..to` (clamped to the sentence) whose word satisfies `pred`.
    fn find(&self, from: usize, to: usize, pred: impl Fn(&str) -> bool) -> Option<usize> {
        (from.max(self.a)..to.min(self.b)).find(|&j| pred(self.d.w(j)))
    }
    fn has(&self, from: usize, to: usize, words: &[&str]) -> bool {
        self.find(from, to, |w| words.contains(&w)).is_some()
    }
    /// End of the clause containing `i` (exclusive).
    fn clause_end(&self, i: usize) -> usize {
        let c = self.clause(i);
        let mut j = i;
        while j < self.b && self.clause(j) == c {
            j += 1;
        }
        j
    }
    /// The sentence consists of `i` plus politeness fillers only.
    fn alone(&self, i: usize) -> bool {
        (self.a..self.b).all(|j| j == i || FILLERS.contains(&self.d.w(j)))
    }
    /// Footer written by a mail program or a mailing list, not by the candidate.
    fn is_footer(&self) -> bool {
        (self.a..self.b).any(|j| {
            let (w1, w2) = (self.f(j, 1), self.f(j, 2));
            match self.d.w(j) {
                "click" | "klicken" | "cliquez" | "clic" | "clique" | "klik" | "clicca"
                | "pulse" | "pulsa" => true,
                "receiving" => self.p(j, 1) == "are" || self.p(j, 1) == "re",
                "received" => w1 == "this",
                // "If you no longer wish…", "If you'd rather not hear from us…"; not "if you
                // would stop emailing me".
                "if" => {
                    w1 == "you"
                        && match w2 {
                            "no" | "do" | "don" | "wish" | "want" | "prefer" | "are" | "re" => true,
                            "d" | "would" => matches!(self.f(j, 3), "rather" | "like" | "prefer"),
                            _ => false,
                        }
                }
                "reply" | "respond" | "text" | "antworten" | "repondez" | "repondre"
                | "responde" | "responda" | "rispondi" | "antwoord" => {
                    let w3 = self.f(j, 3);
                    [w1, w2, w3].iter().any(|w| {
                        matches!(
                            *w,
                            "stop" | "baja" | "unsubscribe" | "remove" | "abmelden" | "desinscrire"
                        )
                    })
                }
                "wenn" | "falls" => {
                    matches!(w1, "sie" | "du") && matches!(w2, "keine" | "kein" | "nicht")
                }
                "si" => {
                    matches!(w1, "vous" | "no" | "usted" | "ya" | "tu" | "ne")
                        && matches!(
                            w2,
                            "ne" | "desea"
                                | "desean"
                                | "quiere"
                                | "quieres"
                                | "deseas"
                                | "souhaitez"
                                | "no"
                                | "plus"
                                | "voulez"
                        )
                }
                "pour" => {
                    matches!(w1, "ne" | "vous")
                        && matches!(w2, "plus" | "desinscrire" | "desabonner")
                }
                "para" => matches!(w1, "darse" | "darte" | "dejar"),
                "manage" | "update" => [w1, w2, self.f(j, 3)].contains(&"preferences"),
                "um" => w1 == "sich" && w2.starts_with("abzumelden"),
                "jederzeit" | "anytime" => true,
                "any" => w1 == "time" && self.p(j, 1) == "at",
                "hier" => w1 == "abmelden",
                "here" => self.p(j, 1) == "unsubscribe",
                _ => false,
            }
        })
    }
}

/// Words that may surround a bare "STOP" / "Unsubscribe" / "Remove" sentence.
const FILLERS: &[&str] = &[
    "please",
    "pls",
    "plz",
    "now",
    "thanks",
    "thank",
    "you",
    "thx",
    "me",
    "just",
    "ok",
    "asap",
    "immediately",
    "it",
    "bitte",
    "danke",
    "sofort",
    "merci",
    "svp",
    "s",
    "il",
    "vous",
    "plait",
    "por",
    "favor",
    "gracias",
    "ya",
    "grazie",
    "graag",
    "all",
    "already",
    "hi",
    "hello",
    "hey",
    "bonjour",
    "salut",
    "hallo",
    "hola",
    "buenos",
    "dias",
    "ciao",
    "ola",
    "hoi",
    "guten",
    "tag",
];

/// Nouns that name a list we keep someone on.
fn list_noun(w: &str) -> bool {
    matches!(
        w,
        "list"
            | "lists"
            | "mailing"
            | "mailinglist"
            | "maillist"
            | "database"
            | "databases"
            | "db"
            | "system"
            | "systems"
            | "records"
            | "files"
            | "file"
            | "contacts"
            | "contact"
            | "distribution"
            | "crm"
            | "ats"
            | "newsletter"
            | "newsletters"
            | "emails"
            | "mails"
            | "directory"
            | "register"
            | "pool"
            | "spreadsheet"
            | "everything"
            | "listing"
            | "dl"
    )
}

fn hit(lang: &'static str, at: usize) -> Option<Hit> {
    Some(Hit {
        lang: Some(lang),
        scope: None,
        at,
    })
}

fn channel(lang: &'static str, at: usize, ch: &'static str) -> Option<Hit> {
    Some(Hit {
        lang: Some(lang),
        scope: Some(Scope::Channel(ch)),
        at,
    })
}

/// `hit(lang, at)` if `cond`.
fn when(cond: bool, lang: &'static str, at: usize) -> Option<Hit> {
    if cond { hit(lang, at) } else { None }
}

/// Dispatches on the word at `i`.
fn rule(s: &S, i: usize) -> Option<Hit> {
    let t = s.w(i);
    let (f1, f2, p1) = (s.f(i, 1), s.f(i, 2), s.p(i, 1));
    match t {
        // ---- English
        "unsubscribe" | "unsubscribing" | "unsub" | "unsubscription" => en_unsubscribe(s, i),
        "unsubscribed" => en_unsubscribed(s, i),
        "remove" | "removed" => en_remove(s, i),
        "take" => en_take_off(s, i),
        "stop" | "stopped" | "quit" => en_stop(s, i),
        "cease" => en_cease(s, i),
        "dont" | "never" => en_do_not(s, i, i + 1),
        "don" if f1 == "t" => en_do_not(s, i, i + 2),
        "do" if f1 == "not" => en_do_not(s, i, i + 2),
        "not" if f1 == "to" => en_do_not(s, i, i + 2),
        "want" | "wish" | "like" | "care" => en_want(s, i),
        "prefer" | "rather" => en_rather_not(s, i),
        // "I am not interested in hearing from you".
        "interested" => when(p1 == "not" && f1 == "in" && f2 == "hearing", "en", i),
        "leave" => when(f1 == "me" && matches!(f2, "alone" | "be"), "en", i),
        "lose" => when(
            f1 == "my" && matches!(f2, "email" | "number" | "address" | "details" | "info"),
            "en",
            i,
        ),
        "opt" | "opting" | "optout" | "opted" => en_opt(s, i),
        "refrain" | "desist" => when(f1 == "from" && contact_gerund(f2).is_some(), "en", i),
        "delete" | "erase" => en_delete(s, i),
        "no" => en_no_more(s, i).or_else(|| es_no(s, i)),
        // ---- German
        "keine" | "keinen" => de_keine(s, i),
        "nicht" | "nie" => de_nicht(s, i),
        "abmelden" | "abbestellen" | "abmeldung" | "austragen" | "abzumelden" => {
            de_unsubscribe(s, i)
        }
        "abgemeldet" => de_unsubscribed(s, i),
        // "tragen Sie mich aus dem Verteiler aus".
        "tragen" => {
            let end = s.clause_end(i);
            when(
                matches!(f1, "sie" | "mich") && s.has(i, end, &["mich"]) && s.w(end - 1) == "aus",
                "de",
                i,
            )
        }
        "entfernen" | "entfernt" | "entferne" | "loschen" | "loeschen" | "streichen" | "nehmen" => {
            de_remove(s, i)
        }
        // "Löschung meiner Daten", "ich bitte um Löschung".
        "loschung" | "loeschung" => when(
            (s.has(i + 1, i + 4, &["meiner", "der", "aller"])
                && s.has(i + 1, i + 6, &["daten", "personenbezogenen"]))
                || (p1 == "um" && s.p(i, 2) == "bitte"),
            "de",
            i,
        ),
        // "ich widerspreche der Verarbeitung meiner Daten".
        "widerspreche" | "widerrufe" => when(
            s.find(i + 1, i + 8, |w| {
                matches!(
                    w,
                    "verarbeitung" | "nutzung" | "speicherung" | "kontaktaufnahme" | "einwilligung"
                )
            })
            .is_some(),
            "de",
            i,
        ),
        // "unterlassen Sie jede weitere Kontaktaufnahme".
        "unterlassen" => when(
            s.find(i + 1, i + 6, |w| {
                w.starts_with("kontakt") || w == "anfragen"
            })
            .is_some(),
            "de",
            i,
        ),
        // "hören Sie (bitte) auf, mir E-Mails zu schicken", "bitte aufhören, mich anzuschreiben".
        "horen" | "hoeren" | "hort" | "hor" | "aufhoren" | "aufhoeren" => de_stop(s, i),
        // "lassen Sie mich in Ruhe".
        "ruhe" => when(
            p1 == "in" && s.has(i.saturating_sub(5), i, &["mich"]),
            "de",
            i,
        ),
        // ---- French
        "ne" | "n" => fr_ne(s, i),
        // "arrêtez de m'envoyer des mails", "cessez de me contacter", "cesser tout contact".
        "arretez" | "arreter" | "arrete" | "cessez" | "cesser" | "cesse" => fr_stop(s, i),
        "tranquille" => when(s.has(i.saturating_sub(3), i, &["moi", "me"]), "fr", i),
        "paix" => when(
            p1 == "la" && s.has(i.saturating_sub(4), i, &["moi"]),
            "fr",
            i,
        ),
        "desinscrit" | "desinscrite" | "desabonne" | "desabonnee" if fr_past(s, i) => {
            fr_unsubscribed(s, i)
        }
        _ if t.starts_with("desinscri") || t.starts_with("desabonn") => fr_unsubscribe(s, i),
        _ if fr_remove_verb(t) => fr_remove(s, i),
        // ---- Spanish
        "baja" => es_baja(s, i),
        "dejen" | "deje" | "dejes" | "dejad" | "deja" | "dejar" | "dejeis" => es_dejar(s, i),
        "dejenme" | "dejame" | "dejadme" => when(f1 == "en" && f2 == "paz", "es", i),
        _ if es_remove_me(t) => hit("es", i),
        // "eliminen mis datos", "borren todos mis datos".
        "eliminen" | "elimine" | "elimines" | "eliminar" | "eliminad" | "borren" | "borre"
        | "borres" | "borrar" | "borrad" | "supriman" | "suprimir" => when(
            (f1 == "mis" || (f1 == "todos" && matches!(f2, "mis" | "los")))
                && s.has(i + 1, i + 4, &["datos", "informacion", "contactos"]),
            "es",
            i,
        ),
        // ---- Italian
        "non" => it_non(s, i),
        "cancellatemi" | "cancellarmi" | "rimuovetemi" | "rimuovermi" | "toglietemi"
        | "togliermi" => hit("it", i),
        _ if t.starts_with("disiscriv") => hit("it", i),
        // ---- Dutch
        "uitschrijven" | "afmelden" | "uitschrijving" => hit("nl", i),
        "verwijder" | "verwijderen" => when(s.has(i + 1, i + 3, &["mij", "me", "mijn"]), "nl", i),
        // "niet meer benaderen / contacteren / mailen".
        "niet" => when(
            f1 == "meer"
                && s.find(i + 2, i + 5, |w| {
                    w.starts_with("benader")
                        || w.starts_with("contact")
                        || w.starts_with("gecontact")
                        || matches!(w, "mailen" | "emailen" | "gemaild")
                })
                .is_some(),
            "nl",
            i,
        ),
        // "neem geen contact meer met mij op".
        "geen" => when(f1 == "contact" && f2 == "meer", "nl", i),
        // ---- Portuguese
        "nao" if f1 == "me" => match f2 {
            "contactem" | "contatem" | "escrevam" | "enviem" | "mandem" | "contacte"
            | "contate" => hit("pt", i),
            "liguem" => channel("pt", i, "phone"),
            _ => None,
        },
        _ if t.starts_with("descadastr") => hit("pt", i),
        _ if near_unsubscribe(t) => en_unsubscribe(s, i),
        _ => None,
    }
}

// ---- English rules

/// Damerau-Levenshtein distance ≤ 1 from "unsubscribe" (typos: "unsubcribe", "unsusbcribe").
fn near_unsubscribe(t: &str) -> bool {
    const TARGET: &[u8] = b"unsubscribe";
    let w = t.as_bytes();
    if !(10..=12).contains(&w.len()) || !w.starts_with(b"un") {
        return false;
    }
    osa_distance(w, TARGET) <= 1
}

/// Optimal string alignment distance for short ASCII words (≤ 16 bytes).
fn osa_distance(a: &[u8], b: &[u8]) -> usize {
    const N: usize = 17;
    if a.len() >= N || b.len() >= N {
        return usize::MAX;
    }
    let mut d = [[0usize; N]; N];
    for (i, row) in d.iter_mut().enumerate().take(a.len() + 1) {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

fn is_unsub_word(w: &str) -> bool {
    matches!(w, "unsubscribe" | "unsubscribing" | "unsub") || near_unsubscribe(w)
}

/// "unsubscribe (me)", "how do I unsubscribe", "the unsubscribe link is broken".
fn en_unsubscribe(s: &S, i: usize) -> Option<Hit> {
    // "I'm not trying to unsubscribe", "no need to unsubscribe me": the sentence is about
    // *not* unsubscribing.
    for j in s.a..s.b {
        if is_unsub_word(s.w(j))
            && s.has(
                j.saturating_sub(4),
                j,
                &["not", "t", "never", "need", "without"],
            )
        {
            return None;
        }
    }
    // "unsubscribe from the daily alerts but keep the weekly digest": a partial change.
    if s.has(i + 1, s.b, &["keep", "still", "except"]) {
        return None;
    }
    // "can you unsubscribe my colleague / her?": someone else.
    let (f1, f2) = (s.f(i, 1), s.f(i, 2));
    if matches!(f1, "him" | "her" | "them")
        || (f1 == "my" && !matches!(f2, "email" | "address" | "account" | "details" | "e"))
    {
        return None;
    }
    // "unsubscribe my old work address … and keep this one": address housekeeping.
    if s.f(i, 1) == "my"
        && s.has(
            i + 2,
            i + 5,
            &["old", "previous", "other", "work", "former", "second"],
        )
    {
        return None;
    }
    hit("en", i)
}

/// "I unsubscribed twice and still get these" (yes) vs "I unsubscribed from LinkedIn" (no).
fn en_unsubscribed(s: &S, i: usize) -> Option<Hit> {
    if s.has(
        s.a,
        s.b,
        &["accident", "accidentally", "mistake", "mistakenly", "back"],
    ) {
        return None;
    }
    if s.f(i, 1) == "from" {
        return s
            .has(
                i + 2,
                i + 5,
                &["your", "you", "yours", "this", "these", "ur", "all"],
            )
            .then(|| hit("en", i))?;
    }
    hit("en", i)
}

/// "remove me (from your list)", "remove my email from your database", "remove all my data".
fn en_remove(s: &S, i: usize) -> Option<Hit> {
    if s.w(i) == "removed" {
        // "I want to be removed from your list", "please have me removed".
        if !matches!(s.p(i, 1), "be" | "me" | "get" | "being") {
            return None;
        }
        return en_from_list(s, i + 1, true);
    }
    match s.f(i, 1) {
        "me" | "us" | "myself" => en_from_list(s, i + 2, true),
        "all" | "my" => {
            let mut j = i + 1;
            if s.w(j) == "all" {
                j += 1;
                if s.w(j) == "of" {
                    j += 1;
                }
            }
            if s.w(j) != "my" {
                return None;
            }
            j += 1;
            if s.w(j) == "personal" {
                j += 1;
            }
            let obj = s.w(j);
            let obj_end = if obj == "contact" && s.f(j, 1) == "details" {
                j + 2
            } else {
                j + 1
            };
            match obj {
                // Personal data: removing it means erasing it.
                "data" | "information" | "info" | "details" | "profile" | "records" => {
                    en_from_list(s, obj_end, true).map(|mut h| {
                        h.at = i;
                        h
                    })
                }
                // Addresses: only when removed *from a list* ("remove my old address" is not).
                "email" | "address" | "name" | "contact" | "number" | "e" => {
                    let obj_end = if s.w(obj_end) == "address" {
                        obj_end + 1
                    } else {
                        obj_end
                    };
                    en_from_list(s, obj_end, false).map(|mut h| {
                        h.at = i;
                        h
                    })
                }
                _ => None,
            }
        }
        // "REMOVE" as a whole sentence.
        _ if s.alone(i) => hit("en", i),
        _ => None,
    }
}

/// After "remove me": nothing more, or "from" + a list-like thing (not "from consideration").
fn en_from_list(s: &S, j: usize, bare_ok: bool) -> Option<Hit> {
    let at = j.saturating_sub(1);
    if s.w(j) == "from" || s.w(j) == "off" || s.w(j) == "of" {
        let end = s.clause_end(j);
        return s
            .find(j + 1, (j + 7).min(end), list_noun)
            .and_then(|_| hit("en", at));
    }
    let next = s.fc(at, 1);
    (bare_ok
        && (next.is_empty()
            || matches!(
                next,
                "please" | "pls" | "now" | "asap" | "immediately" | "thanks" | "thank" | "and"
            )))
    .then(|| hit("en", at))?
}

/// "take me off your list", "take my name off your mailing list", "take me out of your database".
fn en_take_off(s: &S, i: usize) -> Option<Hit> {
    let mut j = i + 1;
    match s.w(j) {
        "me" | "us" => j += 1,
        "my" => {
            j += 2;
            if s.w(j) == "address" {
                j += 1;
            }
        }
        _ => return None,
    }
    match s.w(j) {
        "off" | "of" => {}
        "out" if s.f(j, 1) == "of" => j += 1,
        _ => return None,
    }
    if s.fc(j, 1).is_empty() || matches!(s.fc(j, 1), "please" | "now" | "asap") {
        return hit("en", i);
    }
    let end = s.clause_end(j);
    s.find(j + 1, (j + 6).min(end), list_noun)
        .and_then(|_| hit("en", i))
}

/// Contact verbs in -ing form after "stop"/"refrain from"; Some(channel) for call/text.
fn contact_gerund(w: &str) -> Option<Option<&'static str>> {
    Some(match w {
        "emailing" | "contacting" | "messaging" | "writing" | "sending" | "spamming"
        | "bothering" | "harassing" | "harrassing" | "pestering" | "reaching" | "pinging"
        | "mailing" | "hounding" | "approaching" | "soliciting" | "emailling" | "emaling"
        | "emailng" | "contating" | "conacting" => None,
        "calling" | "ringing" | "phoning" => Some("phone"),
        "texting" => Some("sms"),
        _ => return None,
    })
}

/// Words that mean "any of your messages" rather than a topic.
fn generic_object(w: &str) -> bool {
    matches!(
        w,
        "any"
            | "these"
            | "those"
            | "your"
            | "more"
            | "such"
            | "the"
            | "other"
            | "further"
            | "job"
            | "jobs"
            | "emails"
            | "email"
            | "messages"
            | "mails"
            | "offers"
            | "stuff"
            | "spam"
            | "me"
            | "new"
            | "all"
            | "of"
            | "random"
            | "unsolicited"
            | "recruitment"
            | "recruiting"
            | "roles"
            | "opportunities"
            | "positions"
            | "vacancies"
    )
}

fn en_stop(s: &S, i: usize) -> Option<Hit> {
    // "don't stop sending me roles", "never stop".
    if s.has(i.saturating_sub(2), i, &["t", "not", "never", "dont"]) {
        return None;
    }
    let word = s.w(i);
    if word == "stopped" && !matches!(s.p(i, 1), "you" | "u") {
        return None;
    }
    let g = s.f(i, 1);
    if let Some(ch) = contact_gerund(g) {
        let mut j = i + 2;
        match g {
            "reaching" => {
                if s.w(j) != "out" {
                    return None;
                }
                j += 1;
                if s.w(j) == "to" {
                    j += 1;
                }
            }
            "writing" if s.w(j) == "to" => j += 1,
            "sending" => return en_stop_sending(s, i, j),
            _ => {}
        }
        let next = s.w(j);
        let ok = match next {
            "me" | "us" | "myself" => true,
            // "stop emailing this address".
            "this" => matches!(
                s.f(j, 1),
                "address" | "email" | "account" | "inbox" | "mailbox"
            ),
            "" => true,
            "please" | "now" | "immediately" | "already" | "asap" | "thanks" | "thank" => true,
            _ => s.clause(j) != s.clause(i),
        };
        return ok.then_some(Hit {
            lang: Some("en"),
            scope: ch.map(Scope::Channel),
            at: i,
        });
    }
    if word == "stop" {
        // "stop all (further) emails/contact".
        if g == "all"
            && s.has(
                i + 2,
                i + 4,
                &["emails", "contact", "communication", "messages"],
            )
        {
            return hit("en", i);
        }
        // "STOP", "Stop!", "Please stop." as a whole sentence.
        if s.alone(i) {
            return Some(Hit {
                lang: None,
                scope: None,
                at: i,
            });
        }
        // "I've asked you to stop." / "please stop" ending a clause.
        if s.fc(i, 1).is_empty()
            && (matches!(s.p(i, 1), "please" | "pls")
                || (s.p(i, 1) == "to"
                    && s.p(i, 2) == "you"
                    && matches!(s.p(i, 3), "asked" | "told")))
        {
            return hit("en", i);
        }
    }
    None
}

/// "stop sending me (these) emails / sales roles".
fn en_stop_sending(s: &S, i: usize, mut j: usize) -> Option<Hit> {
    let mut had_me = false;
    if matches!(s.w(j), "me" | "us") {
        had_me = true;
        j += 1;
    }
    // Object up to the first of these nouns, within the clause.
    let end = s.clause_end(i).min(j + 5);
    let noun = s.find(j, end, |w| {
        matches!(
            w,
            "emails"
                | "email"
                | "messages"
                | "mails"
                | "mail"
                | "jobs"
                | "job"
                | "roles"
                | "offers"
                | "opportunities"
                | "positions"
                | "vacancies"
                | "spam"
                | "newsletters"
                | "stuff"
                | "things"
                | "these"
                | "those"
                | "adverts"
                | "ads"
        )
    });
    let Some(n) = noun else {
        // "stop sending me …" with no object we know: still a request if it is about me.
        return had_me.then(|| hit("en", i))?;
    };
    let topic_start = (j..n).find(|&k| !generic_object(s.w(k)));
    let scope = match topic_start {
        Some(k)
            if matches!(
                s.w(n),
                "roles" | "jobs" | "positions" | "vacancies" | "offers"
            ) =>
        {
            let (os, oe) = (s.d.toks[k].os as usize, s.d.toks[n].oe as usize);
            Some(Scope::Topic(sanitize_line(&s.d.src[os..oe])))
        }
        _ => None,
    };
    Some(Hit {
        lang: Some("en"),
        scope,
        at: i,
    })
}

fn en_cease(s: &S, i: usize) -> Option<Hit> {
    let w1 = s.f(i, 1);
    if contact_gerund(w1).is_some() {
        return hit("en", i);
    }
    s.find(i + 1, i + 4, |w| {
        matches!(
            w,
            "communication" | "communications" | "contact" | "correspondence" | "emails"
        )
    })
    .and_then(|_| hit("en", i))
}

/// Time, place and address qualifiers that turn "don't call me …" into a preference.
fn en_qualifier(s: &S, j: usize) -> bool {
    match s.w(j) {
        "before" | "after" | "until" | "till" | "til" | "during" | "between" | "tomorrow"
        | "today" | "tonight" | "while" | "when" | "this" | "instead" | "here" | "there"
        | "without" | "on" | "unless" | "except" | "over" | "right" | "yet" => true,
        "at" => s.f(j, 1) != "all",
        "in" => !matches!(s.f(j, 1), "future" | "the"),
        "for" => matches!(s.f(j, 1), "this" | "that" | "the" | "a" | "now"),
        _ => false,
    }
}

/// "don't / do not / never / not to" at `i`, verb expected at `v`.
fn en_do_not(s: &S, i: usize, mut v: usize) -> Option<Hit> {
    // "I don't call people…", "they never email me back": statements, not requests.
    if matches!(
        s.p(i, 1),
        "i" | "we" | "they" | "he" | "she" | "it" | "people"
    ) {
        return None;
    }
    let imperative_never = s.w(i) != "never"
        || i == s.a
        || matches!(
            s.p(i, 1),
            "please" | "pls" | "kindly" | "and" | "so" | "just"
        );
    while matches!(
        s.w(v),
        "ever" | "again" | "please" | "you" | "kindly" | "further"
    ) {
        v += 1;
    }
    let (ch, mut j): (Option<&'static str>, usize) = match s.w(v) {
        "contact" | "email" | "mail" | "message" | "bother" | "spam" | "ping" | "approach"
        | "pester" | "harass" | "solicit" => (None, v + 1),
        "write" => (None, if s.f(v, 1) == "to" { v + 2 } else { v + 1 }),
        "call" | "ring" | "phone" => (Some("phone"), v + 1),
        "text" => (Some("sms"), v + 1),
        "reach" if s.f(v, 1) == "out" => (None, if s.f(v, 2) == "to" { v + 3 } else { v + 2 }),
        "get" if s.f(v, 1) == "in" && s.f(v, 2) == "touch" => {
            (None, if s.f(v, 3) == "with" { v + 4 } else { v + 3 })
        }
        "send" => return en_do_not_send(s, i, v),
        _ => return None,
    };
    match s.w(j) {
        "me" | "us" | "myself" => j += 1,
        // "please do not contact" / "do not contact again" / "do-not-contact list".
        "" | "again" | "anymore" | "any" | "ever" | "further" | "please" | "list" => {}
        _ if s.clause(j) != s.clause(v) => {}
        _ => return None,
    }
    // What follows: "again", "anymore" (fine) or "before 10am", "tomorrow", "at work" (a
    // preference, not a request to stop).
    let mut again = false;
    let mut k = j;
    while k < s.b && k < j + 4 && s.clause(k) == s.clause(v) {
        match s.w(k) {
            "again" | "anymore" | "ever" => again = true,
            "please" | "any" | "more" | "further" => {}
            _ if en_qualifier(s, k) => return None,
            _ => break,
        }
        k += 1;
    }
    if !imperative_never && !again {
        return None;
    }
    Some(Hit {
        lang: Some("en"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "don't send me any more emails / job offers".
fn en_do_not_send(s: &S, i: usize, v: usize) -> Option<Hit> {
    let mut j = v + 1;
    if matches!(s.w(j), "me" | "us") {
        j += 1;
    }
    let first = s.w(j);
    let ok = matches!(
        first,
        "any"
            | "more"
            | "further"
            | "these"
            | "those"
            | "your"
            | "such"
            | "anything"
            | "emails"
            | "messages"
            | "mails"
            | "jobs"
            | "job"
            | "roles"
            | "offers"
            | "opportunities"
            | "spam"
            | "newsletters"
            | "another"
            | "other"
    );
    if !ok {
        return None;
    }
    // "don't send anything until September": a pause, not an opt-out.
    let end = s.clause_end(j);
    if s.find(j, (j + 5).min(end), |w| {
        matches!(w, "until" | "till" | "before" | "after" | "during" | "yet")
    })
    .is_some()
    {
        return None;
    }
    hit("en", i)
}

/// "I (do not / no longer) want|wish to receive these / be contacted / hear from you".
fn en_want(s: &S, i: usize) -> Option<Hit> {
    let negated = match s.p(i, 1) {
        "not" | "dont" | "never" => true,
        "t" => matches!(s.p(i, 2), "don" | "doesn" | "won"),
        "longer" => s.p(i, 2) == "no",
        _ => false,
    };
    if !negated || s.f(i, 1) != "to" {
        return None;
    }
    let v = i + 2;
    let mut obj = v + 1;
    match s.w(v) {
        "be" => {
            let (ch, ok) = match s.f(v, 1) {
                "contacted" | "emailed" | "approached" | "bothered" | "messaged" | "spammed"
                | "disturbed" | "solicited" | "pestered" => (None, true),
                "called" => (Some("phone"), true),
                _ => (None, false),
            };
            if !ok
                || s.has(
                    v + 2,
                    (v + 5).min(s.clause_end(v)),
                    &["until", "before", "after"],
                )
            {
                return None;
            }
            return Some(Hit {
                lang: Some("en"),
                scope: ch.map(Scope::Channel),
                at: i,
            });
        }
        "receive" | "get" | "hear" => {}
        "keep" if matches!(s.f(v, 1), "receiving" | "getting" | "hearing") => obj += 1,
        _ => return None,
    }
    let end = s.clause_end(v).min(obj + 5);
    let found = s.find(obj, end, |w| {
        matches!(
            w,
            "these"
                | "those"
                | "your"
                | "any"
                | "more"
                | "further"
                | "such"
                | "emails"
                | "email"
                | "messages"
                | "mails"
                | "offers"
                | "jobs"
                | "roles"
                | "spam"
                | "newsletters"
                | "anything"
                | "from"
                | "calls"
        )
    })?;
    if s.find(found, end + 2, |w| {
        matches!(w, "during" | "before" | "after" | "until" | "at" | "while")
    })
    .is_some()
    {
        return None;
    }
    let phone = s.w(found) == "calls";
    Some(Hit {
        lang: Some("en"),
        scope: phone.then_some(Scope::Channel("phone")),
        at: i,
    })
}

/// "I'd (really) prefer not to be contacted", "I'd rather not hear from you".
fn en_rather_not(s: &S, i: usize) -> Option<Hit> {
    if s.f(i, 1) != "not" {
        return None;
    }
    let mut j = i + 2;
    if s.w(j) == "to" {
        j += 1;
    }
    match (s.w(j), s.f(j, 1)) {
        ("be", "contacted" | "emailed" | "approached" | "messaged") => {
            (!s.has(j + 2, j + 5, &["until", "before", "after", "during"])).then(|| hit("en", i))?
        }
        ("hear", "from") | ("receive", _) => hit("en", i),
        _ => None,
    }
}

/// "opt me out", "opt out", "I opted out (of your list)".
fn en_opt(s: &S, i: usize) -> Option<Hit> {
    let w = s.w(i);
    let out = if w == "optout" {
        i
    } else if s.f(i, 1) == "out" {
        i + 1
    } else if s.f(i, 1) == "me" && s.f(i, 2) == "out" {
        i + 2
    } else {
        return None;
    };
    if w == "opted" && s.f(out, 1) == "of" {
        return s
            .has(out + 2, out + 5, &["your", "you", "this", "these", "all"])
            .then(|| hit("en", i))?;
    }
    if s.has(i.saturating_sub(3), i, &["not", "t", "never"]) {
        return None;
    }
    hit("en", i)
}

/// "delete my (personal) data / details / profile".
fn en_delete(s: &S, i: usize) -> Option<Hit> {
    let mut j = i + 1;
    if s.w(j) == "all" {
        j += 1;
        if s.w(j) == "of" {
            j += 1;
        }
    }
    if s.w(j) != "my" {
        return None;
    }
    j += 1;
    if s.w(j) == "personal" {
        j += 1;
    }
    matches!(
        s.w(j),
        "data" | "details" | "information" | "info" | "profile" | "records" | "account"
    )
    .then(|| hit("en", i))?
}

/// "no more emails (please)", "no more calls" (phone).
fn en_no_more(s: &S, i: usize) -> Option<Hit> {
    if s.f(i, 1) != "more" {
        return None;
    }
    match s.f(i, 2) {
        "emails" | "email" | "messages" | "mails" | "spam" | "jobs" | "offers" | "roles"
        | "contact" | "newsletters" => hit("en", i),
        "calls" => channel("en", i, "phone"),
        _ => None,
    }
}

// ---- German rules

/// "bitte keine weiteren E-Mails", "keine Mails mehr", "bitte keine Anfragen".
fn de_keine(s: &S, i: usize) -> Option<Hit> {
    let mut j = i + 1;
    let further = matches!(s.w(j), "weiteren" | "weitere" | "neuen");
    if further {
        j += 1;
    }
    let noun = s.w(j);
    let phone = matches!(noun, "anrufe" | "telefonate" | "anruf");
    let known = phone
        || matches!(
            noun,
            "emails"
                | "email"
                | "mails"
                | "mail"
                | "nachrichten"
                | "anfragen"
                | "angebote"
                | "stellenangebote"
                | "jobangebote"
                | "projektangebote"
                | "werbung"
                | "newsletter"
                | "kontaktaufnahme"
                | "kontaktaufnahmen"
                | "zusendungen"
                | "infos"
                | "informationen"
                | "kontakt"
                | "stellen"
                | "jobs"
                | "projekte"
                | "spam"
        );
    if !known {
        return None;
    }
    let end = s.clause_end(j);
    let more = s.has(j + 1, (j + 6).min(end), &["mehr"]);
    let please = s.has(i.saturating_sub(2), i, &["bitte"]) || s.fc(j, 1) == "bitte";
    if !(further || more || please) {
        return None;
    }
    // "bitte keine Anrufe vor 18 Uhr".
    if s.has(
        j + 1,
        (j + 4).min(end),
        &["vor", "nach", "bis", "zwischen", "wahrend"],
    ) {
        return None;
    }
    if phone {
        channel("de", i, "phone")
    } else {
        hit("de", i)
    }
}

fn de_contact_verb(w: &str) -> Option<Option<&'static str>> {
    Some(match w {
        "kontaktieren" | "kontaktiert" | "kontakt" | "anschreiben" | "anzuschreiben"
        | "schreiben" | "schreib" | "schreibt" | "mailen" | "emailen" | "anmailen" | "melden"
        | "belastigen" | "belaestigen" | "behelligen" | "zuschicken" | "zusenden"
        | "zuzuschicken" | "zuzusenden" | "kontaktaufnahme" | "ansprechen" | "anzusprechen"
        | "kontaktiere" | "kontaktierst" | "kontaktierten" => None,
        "anrufen" | "anzurufen" | "rufen" | "ruf" | "ruft" | "telefonieren" => Some("phone"),
        _ if w.starts_with("zu") && w.len() > 4 && w[2..].starts_with("kontakt") => None,
        _ => return None,
    })
}

fn de_qualifier(w: &str) -> bool {
    matches!(
        w,
        "vor"
            | "nach"
            | "bis"
            | "zwischen"
            | "wahrend"
            | "heute"
            | "morgen"
            | "morgens"
            | "abends"
            | "tagsuber"
            | "uhr"
            | "unter"
            | "sondern"
            | "ohne"
            | "vormittags"
            | "nachmittags"
            | "im"
            | "am"
            | "auf"
    )
}

/// "nicht mehr kontaktieren", "kontaktieren Sie mich nicht (mehr)", "in Zukunft nicht …
/// kontaktiert", "rufen Sie mich nicht mehr an" (phone), "nie wieder".
fn de_nicht(s: &S, i: usize) -> Option<Hit> {
    let w1 = s.f(i, 1);
    let lasting = if s.w(i) == "nie" {
        matches!(w1, "wieder" | "mehr")
    } else {
        matches!(w1, "mehr" | "weiter" | "erneut" | "wieder" | "langer")
            || s.has(
                i.saturating_sub(3),
                i,
                &["zukunft", "kunftig", "kuenftig", "nie"],
            )
    };
    let clause_a = (s.a..=i)
        .rev()
        .take_while(|&j| s.clause(j) == s.clause(i))
        .last()?;
    let clause_b = s.clause_end(i);
    // Verb within four words either side, same clause.
    let lo = i.saturating_sub(4).max(clause_a);
    let hi = (i + 6).min(clause_b);
    let mut verb: Option<(usize, Option<&'static str>)> = None;
    for j in lo..hi {
        if j == i {
            continue;
        }
        if let Some(ch) = de_contact_verb(s.w(j)) {
            verb = Some((j, ch));
            break;
        }
    }
    let (v, ch) = verb?;
    let w_v = s.w(v);
    // "melden" only as "melden Sie sich (bitte) nicht mehr".
    if w_v == "melden" && !(v < i && s.f(v, 1) == "sie") {
        return None;
    }
    // "rufen Sie mich nicht mehr an" needs the "an".
    if matches!(w_v, "rufen" | "ruf" | "ruft") && s.w(clause_b - 1) != "an" {
        return None;
    }
    if !lasting {
        // Imperative without "mehr": "kontaktieren Sie mich (bitte) nicht".
        let imperative = v < i
            && matches!(s.f(v, 1), "sie" | "mich" | "mir")
            && s.has(v + 1, i, &["mich", "mir"]);
        if !imperative {
            return None;
        }
    }
    // "zögern Sie nicht, mich zu kontaktieren".
    if s.has(
        clause_a.saturating_sub(3),
        i,
        &["zogern", "zoegern", "scheuen"],
    ) {
        return None;
    }
    let after = if lasting { i + 2 } else { i + 1 };
    if s.find(after, (after + 3).min(clause_b), de_qualifier)
        .is_some()
    {
        return None;
    }
    Some(Hit {
        lang: Some("de"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "hören Sie auf, mir E-Mails zu schicken": "auf" (or "aufhören") then a contact verb.
fn de_stop(s: &S, i: usize) -> Option<Hit> {
    let joined = s.w(i).starts_with("auf");
    if !joined && !s.has(i + 1, i + 4, &["auf"]) {
        return None;
    }
    // "zu schicken / zu senden" count here; after "nicht mehr" they could be about documents.
    let verb = |w: &str| match w {
        "schicken" | "senden" | "zuschicken" | "zusenden" => Some(None),
        _ => de_contact_verb(w),
    };
    let v = s.find(i + 1, (i + 10).min(s.b), |w| verb(w).is_some())?;
    let ch = verb(s.w(v))?;
    Some(Hit {
        lang: Some("de"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "abmelden", "abbestellen", "austragen"; not "ich möchte mich nicht abmelden".
fn de_unsubscribe(s: &S, i: usize) -> Option<Hit> {
    if s.has(i.saturating_sub(3), i, &["nicht", "kein"]) {
        return None;
    }
    hit("de", i)
}

/// "ich habe mich abgemeldet und bekomme trotzdem Mails" (yes) vs "bei LinkedIn abgemeldet".
fn de_unsubscribed(s: &S, i: usize) -> Option<Hit> {
    let still = s.has(s.a, s.b, &["trotzdem", "dennoch", "weiterhin", "immer"]);
    still.then(|| hit("de", i))?
}

/// "entfernen Sie mich aus Ihrem Verteiler", "löschen Sie meine Daten", "streichen Sie mich
/// von Ihrer Liste", "nehmen Sie mich aus der Datenbank".
fn de_remove(s: &S, i: usize) -> Option<Hit> {
    let clause_a = (s.a..=i)
        .rev()
        .take_while(|&j| s.clause(j) == s.clause(i))
        .last()?;
    let (lo, hi) = (
        i.saturating_sub(6).max(clause_a),
        s.clause_end(i).min(i + 9),
    );
    let me = s.has(lo, hi, &["mich"]);
    let mine = s.find(lo, hi, |w| matches!(w, "meine" | "meinen" | "meiner"));
    let list = s
        .find(lo, hi, |w| {
            matches!(
                w,
                "verteiler"
                    | "verteilerliste"
                    | "liste"
                    | "listen"
                    | "mailingliste"
                    | "datenbank"
                    | "kartei"
                    | "system"
                    | "newsletter"
                    | "kontakte"
                    | "adressliste"
                    | "bewerberpool"
                    | "talentpool"
                    | "crm"
                    | "mailverteiler"
                    | "emailverteiler"
                    | "datei"
                    | "adressbuch"
                    | "kandidatenpool"
            )
        })
        .is_some();
    let verb = s.w(i);
    // "nehmen Sie mich in den Verteiler auf": adding, not removing.
    if s.has(lo, hi, &["auf", "hinzu", "aufnehmen"]) {
        return None;
    }
    let erase = matches!(verb, "loschen" | "loeschen");
    let data = mine.is_some_and(|m| {
        s.find(m + 1, (m + 4).min(hi), |w| {
            matches!(
                w,
                "daten" | "unterlagen" | "personenbezogenen" | "kontaktdaten" | "profil"
            )
        })
        .is_some()
    });
    // "entfernen Sie mich aus dem CC" names something that is not a list.
    let from_other = !list && s.has(lo, hi, &["aus", "von", "vom"]);
    let ok = (me && (list || !from_other)) || (mine.is_some() && list) || (erase && data);
    ok.then(|| hit("de", i))?
}

// ---- French rules

/// Contact verbs after "ne … plus"; Some(channel) for calls.
fn fr_contact_verb(w: &str) -> Option<Option<&'static str>> {
    if w.starts_with("contact")
        || w.starts_with("ecri")
        || w.starts_with("envo")
        || w.starts_with("sollicit")
        || w.starts_with("relanc")
        || w.starts_with("derang")
        || w.starts_with("harcel")
        || w.starts_with("recevoir")
        || w.starts_with("mail")
        || w == "joindre"
        || w == "spammer"
        || w == "approcher"
    {
        return Some(None);
    }
    if w.starts_with("appel") || w.starts_with("telephon") {
        return Some(Some("phone"));
    }
    None
}

/// Words allowed between "ne" and the verb: pronouns, modals, "plus/pas/jamais", "être".
fn fr_between(w: &str) -> bool {
    matches!(
        w,
        "me" | "m"
            | "nous"
            | "pas"
            | "plus"
            | "jamais"
            | "etre"
            | "souhaite"
            | "souhaitons"
            | "veux"
            | "voulons"
            | "desire"
            | "desirons"
            | "voudrais"
            | "souhaiterais"
            | "souhaiterai"
            | "veuillez"
            | "vous"
            | "plu"
    )
}

/// "merci de ne plus me contacter", "ne me contactez plus", "je ne souhaite plus recevoir vos
/// offres", "ne plus m'appeler" (phone); "ne … pas" only without a time or place qualifier.
fn fr_ne(s: &S, i: usize) -> Option<Hit> {
    let mut neg: Option<&str> = None;
    let mut verb: Option<(usize, Option<&'static str>)> = None;
    let end = (i + 8).min(s.clause_end(i));
    let mut j = i + 1;
    while j < end {
        let w = s.w(j);
        if matches!(w, "plus" | "jamais" | "pas") {
            neg.get_or_insert(w);
            if verb.is_some() {
                break;
            }
        } else if verb.is_none()
            && let Some(ch) = fr_contact_verb(w)
        {
            verb = Some((j, ch));
            if neg.is_some() {
                break;
            }
        } else if !fr_between(w) {
            break;
        }
        j += 1;
    }
    let (v, ch) = verb?;
    let neg = neg?;
    // What follows the request: "avant 18h", "au bureau", "à cette adresse", "sans mon accord".
    let after = v.max(j) + 1;
    let qual = s
        .find(after, (after + 4).min(s.clause_end(v)), |w| {
            matches!(
                w,
                "avant"
                    | "apres"
                    | "entre"
                    | "pendant"
                    | "demain"
                    | "aujourd"
                    | "bureau"
                    | "travail"
                    | "plutot"
                    | "sans"
                    | "cette"
                    | "matin"
                    | "soir"
                    | "weekend"
                    | "midi"
            )
        })
        .is_some();
    if qual {
        return None;
    }
    if neg == "pas" {
        // "merci de ne pas me contacter" is a request; "ne pas m'appeler avant 18h" was not.
        if !(s.p(i, 1) == "de" || s.p(i, 1) == "veuillez") {
            return None;
        }
    }
    // "recevoir" needs an object that is ours: "vos offres", "de mails", "aucun email".
    if s.w(v).starts_with("recevoir")
        && s.find(v + 1, (v + 5).min(s.clause_end(v)), |w| {
            matches!(
                w,
                "vos"
                    | "votre"
                    | "de"
                    | "d"
                    | "aucun"
                    | "aucune"
                    | "ces"
                    | "mails"
                    | "emails"
                    | "messages"
                    | "offres"
                    | "sollicitations"
                    | "newsletters"
            )
        })
        .is_none()
    {
        return None;
    }
    Some(Hit {
        lang: Some("fr"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "arrêtez de m'envoyer des mails", "cessez de me contacter", "cesser tout contact (avec moi)";
/// not "arrêtez-vous à notre stand".
fn fr_stop(s: &S, i: usize) -> Option<Hit> {
    if s.w(i).starts_with("cess")
        && s.f(i, 1) == "tout"
        && matches!(s.f(i, 2), "contact" | "envoi" | "echange" | "sollicitation")
    {
        return hit("fr", i);
    }
    if !matches!(s.f(i, 1), "de" | "d") {
        return None;
    }
    let mut v = i + 2;
    if matches!(s.w(v), "me" | "m" | "nous") {
        v += 1;
    }
    let ch = fr_contact_verb(s.w(v))?;
    Some(Hit {
        lang: Some("fr"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "je me suis désinscrit" / "j'ai été désabonné": past tense.
fn fr_past(s: &S, i: usize) -> bool {
    s.has(i.saturating_sub(3), i, &["suis", "ai", "sommes", "deja"])
}

/// Past-tense "désinscrit": only ours ("de votre liste") or "mais je reçois encore".
fn fr_unsubscribed(s: &S, i: usize) -> Option<Hit> {
    let still = s.has(s.a, s.b, &["encore", "toujours", "pourtant"]);
    let ours = s.f(i, 1) == "de" && s.has(i + 2, i + 5, &["votre", "vos", "cette", "ce"]);
    (still || ours).then(|| hit("fr", i))?
}

/// "me désinscrire (de votre liste)", "désabonnez-moi"; not "de la newsletter de mon école".
fn fr_unsubscribe(s: &S, i: usize) -> Option<Hit> {
    // "je ne veux pas me désinscrire" (but "je n'arrive pas à me désinscrire" is a request).
    if s.has(i.saturating_sub(4), i, &["pas", "jamais"])
        && s.has(
            i.saturating_sub(5),
            i,
            &["veux", "souhaite", "voulais", "desire"],
        )
    {
        return None;
    }
    // "je n'arrive pas à me désinscrire de la newsletter de mon école": someone else's list.
    if matches!(s.f(i, 1), "de" | "du" | "des")
        || (s.f(i, 1) == "moi" && matches!(s.f(i, 2), "de" | "du" | "des"))
    {
        let from = if s.f(i, 1) == "moi" { i + 3 } else { i + 2 };
        let obj_end = (from + 4).min(s.clause_end(i));
        let ours = s.has(
            from,
            obj_end,
            &["votre", "vos", "ce", "cette", "ces", "tous", "toutes"],
        );
        let other = s.has(
            from,
            obj_end,
            &["mon", "ma", "mes", "linkedin", "leur", "son", "sa"],
        );
        if other && !ours {
            return None;
        }
    }
    hit("fr", i)
}

fn fr_remove_verb(w: &str) -> bool {
    (w.starts_with("retir") || w.starts_with("supprim") || w.starts_with("enlev"))
        || matches!(
            w,
            "rayez" | "rayer" | "effacez" | "effacer" | "sortez" | "sortir"
        )
}

/// "retirez-moi de votre liste", "me retirer de votre fichier", "supprimer mes données".
fn fr_remove(s: &S, i: usize) -> Option<Hit> {
    // "retirez-moi", "me retirer"; not "je me retire du processus" (withdrawing).
    let w = s.w(i);
    let me = (s.f(i, 1) == "moi" && w.ends_with("ez"))
        || (s.p(i, 1) == "me" && (w.ends_with("er") || w.ends_with("ez")));
    if me {
        // "retirez-moi de la shortlist pour Nantes" would need a list noun; accept plain.
        return hit("fr", i);
    }
    let mut j = i + 1;
    if s.w(j) == "toutes" || s.w(j) == "tous" {
        j += 1;
    }
    if matches!(s.w(j), "mes" | "mon") {
        let obj = s.f(j, 1);
        let data = matches!(
            obj,
            "donnees" | "coordonnees" | "informations" | "infos" | "coordonnes"
        );
        let address_from_list = matches!(obj, "adresse" | "email" | "mail" | "nom" | "contact")
            && s.find(j + 2, (j + 8).min(s.clause_end(j)), |w| {
                matches!(
                    w,
                    "liste" | "listes" | "fichier" | "fichiers" | "base" | "diffusion" | "mailing"
                )
            })
            .is_some();
        if data || address_from_list {
            return hit("fr", i);
        }
    }
    None
}

// ---- Spanish rules

fn es_contact_verb(w: &str) -> Option<Option<&'static str>> {
    Some(match w {
        "contacten" | "contactes" | "contacte" | "contacteis" | "escriban" | "escribas"
        | "escriba" | "escribais" | "envien" | "envies" | "envie" | "envieis" | "manden"
        | "mandes" | "mande" | "molesten" | "molestes" | "moleste" | "contactar"
        | "contactarme" | "escribirme" | "enviarme" | "mandarme" | "molestarme" | "escribir"
        | "enviar" | "mandar" | "ponerse" | "ponerte" | "ponganse" => None,
        "llamen" | "llames" | "llame" | "llameis" | "llamar" | "llamarme" => Some("phone"),
        _ => return None,
    })
}

fn es_qualifier(w: &str) -> bool {
    matches!(
        w,
        "antes"
            | "despues"
            | "hasta"
            | "durante"
            | "entre"
            | "manana"
            | "hoy"
            | "trabajo"
            | "oficina"
            | "mejor"
            | "esta"
            | "sino"
            | "tarde"
            | "noche"
            | "sin"
    )
}

/// "no me contacten más", "no me vuelvan a escribir", "no quiero recibir más correos",
/// "no quiero que me sigan escribiendo", "no me llamen más" (phone).
fn es_no(s: &S, i: usize) -> Option<Hit> {
    let end = s.clause_end(i);
    let mut j = i + 1;
    if matches!(s.w(j), "me" | "nos") {
        j += 1;
    }
    // "no (me) vuelvan a contactar(me)".
    if matches!(s.w(j), "vuelvan" | "vuelvas" | "vuelva" | "volvais") && s.f(j, 1) == "a" {
        j += 2;
    }
    // "no (me) sigan enviando / enviándome ofertas".
    if matches!(s.w(j), "sigan" | "sigas" | "siga" | "sigais") {
        let g = s.f(j, 1);
        let ch = ["envi", "escrib", "contact", "mand", "llam", "molest"]
            .iter()
            .find(|p| g.starts_with(*p))?;
        return Some(Hit {
            lang: Some("es"),
            scope: (*ch == "llam").then_some(Scope::Channel("phone")),
            at: i,
        });
    }
    let verb_at = j;
    let mut verb = es_contact_verb(s.w(j)).map(|ch| (j, ch));
    // "no quiero/deseo recibir (más) correos", "no quiero que me contacten".
    if verb.is_none()
        && matches!(
            s.w(j),
            "quiero" | "deseo" | "queremos" | "quisiera" | "deseamos"
        )
    {
        let hi = (j + 6).min(end);
        for k in j + 1..hi {
            let w = s.w(k);
            if w.starts_with("recib") {
                let obj = s
                    .find(k + 1, (k + 5).min(end), |w| {
                        matches!(
                            w,
                            "mas"
                                | "sus"
                                | "vuestros"
                                | "vuestras"
                                | "correos"
                                | "emails"
                                | "mensajes"
                                | "ofertas"
                                | "estos"
                                | "estas"
                        )
                    })
                    .is_some();
                if obj {
                    verb = Some((k, None));
                }
                break;
            }
            if let Some(ch) = es_contact_verb(w) {
                verb = Some((k, ch));
                break;
            }
            if w == "escribiendo" || w == "contactando" || w == "enviando" || w == "llamando" {
                verb = Some((k, (w == "llamando").then_some("phone")));
                break;
            }
            if !matches!(
                w,
                "que" | "me" | "nos" | "sigan" | "sigas" | "seguir" | "mas" | "volver"
            ) {
                break;
            }
        }
    }
    let (v, ch) = verb?;
    // "no envíen mi CV": the object must be me ("no me envíen") for send verbs.
    if v == verb_at
        && matches!(
            s.w(v),
            "envien" | "envies" | "envie" | "manden" | "mandes" | "mande"
        )
        && !matches!(s.p(v, 1), "me" | "nos")
    {
        return None;
    }
    if s.find(v + 1, (v + 7).min(end), es_qualifier).is_some() {
        return None;
    }
    Some(Hit {
        lang: Some("es"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "dejen de enviarme correos", "deje de contactarme", "dejen de llamarme" (phone).
fn es_dejar(s: &S, i: usize) -> Option<Hit> {
    if s.f(i, 1) != "de" {
        return None;
    }
    let ch = es_contact_verb(s.f(i, 2))?;
    if s.p(i, 1) == "no" {
        return None;
    }
    Some(Hit {
        lang: Some("es"),
        scope: ch.map(Scope::Channel),
        at: i,
    })
}

/// "darme de baja", "denme de baja", "¿cómo me doy de baja?", "solicito la baja", "BAJA";
/// not "estoy de baja (por maternidad)" or "me di de baja de LinkedIn".
fn es_baja(s: &S, i: usize) -> Option<Hit> {
    if s.alone(i) {
        return hit("es", i);
    }
    let p1 = s.p(i, 1);
    let p2 = s.p(i, 2);
    if p1 == "de" {
        match p2 {
            "dar" | "darme" | "darnos" | "denme" | "den" | "de" | "da" | "dame" | "doy"
            | "damos" | "dadme" | "darte" | "darse" => return hit("es", i),
            "di" | "dio" | "dimos" => {
                // Past: only ours ("de su lista") or "y sigo recibiendo".
                let ours = s.f(i, 1) == "de"
                    && s.has(i + 2, i + 4, &["su", "sus", "vuestra", "vuestras", "esta"]);
                let still = s.has(s.a, s.b, &["sigo", "todavia", "aun", "siguen"]);
                return (ours || still).then(|| hit("es", i))?;
            }
            _ => return None,
        }
    }
    if p1 == "la"
        && matches!(
            p2,
            "solicito"
                | "quiero"
                | "pido"
                | "solicitar"
                | "pedir"
                | "tramiten"
                | "tramitar"
                | "deseo"
                | "quisiera"
        )
    {
        return hit("es", i);
    }
    None
}

/// "elimínenme", "quítenme", "sáquenme", "bórrenme", "eliminadme" (+ "de su lista").
fn es_remove_me(w: &str) -> bool {
    let stem = ["elimin", "quit", "saq", "sac", "borr"]
        .iter()
        .any(|p| w.starts_with(p));
    stem && w.len() > 6
        && (w.ends_with("enme") || w.ends_with("adme") || w.ends_with("eme") || w.ends_with("ame"))
        && !matches!(w, "sacame" | "sacarme")
}

// ---- Italian rules

/// "non contattatemi più", "vi prego di non contattarmi più", "non scrivetemi più".
fn it_non(s: &S, i: usize) -> Option<Hit> {
    let end = (i + 4).min(s.clause_end(i));
    let v = s.find(i + 1, end, |w| {
        w.starts_with("contatt")
            || w.starts_with("scriv")
            || w.starts_with("chiam")
            || w.starts_with("invia")
            || w.starts_with("mand")
    })?;
    let more = s.has(v + 1, (v + 3).min(s.clause_end(i)), &["piu"]);
    let imperative = s.w(v).ends_with("temi") || s.w(v).ends_with("rmi");
    if !(more || imperative) {
        return None;
    }
    if s.w(v).starts_with("chiam") {
        channel("it", i, "phone")
    } else {
        hit("it", i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(body: &str) -> OptOutRequest {
        detect("Re: Senior Rust Engineer", body, false)
            .unwrap_or_else(|| panic!("expected an opt-out in {body:?}"))
    }

    fn no(body: &str) {
        if let Some(r) = detect("Re: Senior Rust Engineer", body, false) {
            panic!("false alarm on {body:?}: {r:?}");
        }
    }

    fn lang(body: &str) -> &'static str {
        yes(body).language
    }

    #[test]
    fn own_text_stops_at_attributions_and_signatures() {
        let cases = [
            "Thanks!\n\nOn Tue, 4 Mar 2025 at 09:14, Anna <a@x.com> wrote:\n> reply STOP to unsubscribe",
            "Danke!\n\nAm 04.03.2025 um 09:14 schrieb Anna Keller <a@x.com>:\n> abmelden",
            "Merci\n\nLe 04/03/2025 à 09:14, Anna <a@x.com> a écrit :\n> désinscrire",
            "Gracias\n\nEl mar, 4 mar 2025 a las 9:14, Anna (<a@x.com>) escribió:\n> baja",
            "Thanks\n\n-----Original Message-----\nFrom: Anna\nunsubscribe",
            "Thanks\n\n________________________________\nFrom: Anna\nSent: Monday\nunsubscribe",
            "Thanks\n\nFrom: Anna Keller <a@x.com>\nSent: Monday, 3 March\nTo: Tom\nSubject: Hi\n\nReply \"remove me\" to stop.",
            "Danke\n\nVon: Anna Keller <a@x.com>\nGesendet: Montag\nAn: Tom\n\nbitte keine weiteren E-Mails",
            "Merci\n\nDe : Anna\nEnvoyé : lundi\nÀ : Tom\n\nne plus me contacter",
            "Cheers\n--\nTom | To unsubscribe from my blog, email me",
            "Hi\n\nOn Wed, Jan 15, 2025 at 11:02 AM Anna Keller <\nanna@x.com> wrote:\nunsubscribe",
            "Hi\n\n---------- Forwarded message ---------\nFrom: Jobs\nUnsubscribe",
        ];
        for c in cases {
            let end = own_text_end(c);
            let own = &c[..end];
            assert!(
                !own.to_lowercase().contains("unsubscribe")
                    && !own.contains("STOP")
                    && !own.contains("remove")
                    && !own.contains("abmelden")
                    && !own.contains("keine weiteren")
                    && !own.contains("contacter")
                    && !own.contains("désinscrire")
                    && !own.contains("baja"),
                "own text of {c:?} is {own:?}"
            );
            assert_eq!(detect("Re: hi", c, false), None, "{c:?}");
        }
    }

    #[test]
    fn quoted_lines_are_skipped_but_interleaved_replies_count() {
        no("> Not interested? Reply STOP to unsubscribe.\n\nSounds great, Tuesday works.");
        yes(
            "> Would you be open to a chat?\n\nNo. Please remove me from your list.\n\n> Best, Anna",
        );
    }

    #[test]
    fn automated_is_never_an_opt_out() {
        assert_eq!(
            detect("Unsubscribe", "Please remove me from your list", true),
            None
        );
    }

    #[test]
    fn english_phrases() {
        for b in [
            "unsubscribe",
            "UNSUBSCRIBE",
            "Please unsubcribe me",
            "Remove me from your mailing list.",
            "Please take me off your list.",
            "Stop emailing me!",
            "please don't contact me again",
            "Not interested, please don't contact me.",
            "Do not email me.",
            "Leave me alone.",
            "I don't want to receive these emails.",
            "I no longer wish to be contacted.",
            "STOP",
            "Please stop.",
            "Opt me out.",
            "Please delete my personal data.",
            "Please refrain from contacting me.",
            "The unsubscribe link in your newsletter is broken, please remove me.",
        ] {
            let r = yes(b);
            assert_eq!(r.language, "en", "{b:?}");
            assert_eq!(r.scope, None, "{b:?}");
        }
    }

    #[test]
    fn english_near_misses() {
        for b in [
            "Not interested in this role, but keep me posted.",
            "Not right now, maybe in spring.",
            "Please remove my old address and use this one.",
            "I unsubscribed from LinkedIn so email is best.",
            "Can you stop by the office on Friday?",
            "Please don't call me before 10am.",
            "I'm not interested in relocating.",
            "Stop the process for the Berlin role, but I'm open to remote ones.",
            "Please don't hesitate to contact me.",
            "Do not hesitate to email me.",
            "Please don't contact my current employer.",
            "Remove me from consideration for the junior role.",
            "Don't stop sending me roles!",
            "I'll stop contacting the other recruiters.",
        ] {
            no(b);
        }
    }

    #[test]
    fn phone_and_topic_scopes() {
        assert_eq!(
            yes("Please don't call me anymore.").scope,
            Some(Scope::Channel("phone"))
        );
        assert_eq!(
            yes("Bitte rufen Sie mich nicht mehr an.").scope,
            Some(Scope::Channel("phone"))
        );
        assert_eq!(
            yes("Merci de ne plus m'appeler.").scope,
            Some(Scope::Channel("phone"))
        );
        assert_eq!(
            yes("Por favor no me llamen más.").scope,
            Some(Scope::Channel("phone"))
        );
        assert_eq!(
            yes("Please stop sending me sales roles.").scope,
            Some(Scope::Topic("sales roles".into()))
        );
        // A full opt-out later in the message wins over the narrower one.
        assert_eq!(
            yes("Don't call me. Actually, just remove me from your list.").scope,
            None
        );
        no("Don't call me tomorrow, I'm travelling.");
        no("Bitte rufen Sie mich nicht vor 18 Uhr an.");
        no("Merci de ne pas m'appeler avant 18h.");
        no("No me llames antes de las 10.");
    }

    #[test]
    fn german_phrases() {
        for b in [
            "Bitte keine weiteren E-Mails.",
            "bitte nicht mehr kontaktieren",
            "Entfernen Sie mich aus Ihrem Verteiler.",
            "Abmelden",
            "Kein Interesse, bitte melden Sie sich nicht mehr.",
            "Ich möchte keine Mails mehr erhalten.",
            "Kontaktieren Sie mich bitte nicht.",
            "Bitte löschen Sie meine Daten.",
        ] {
            assert_eq!(lang(b), "de", "{b:?}");
        }
        no("Kein Interesse an dieser Stelle, aber melden Sie sich gerne wieder.");
        no("Zögern Sie nicht, mich zu kontaktieren.");
        no("Bitte entfernen Sie meine alte Adresse.");
        no("Ich habe mich bei LinkedIn abgemeldet.");
    }

    #[test]
    fn french_phrases() {
        for b in [
            "Merci de ne plus me contacter.",
            "Ne me contactez plus.",
            "Je souhaite me désinscrire.",
            "desinscrire",
            "Désabonnez-moi.",
            "Retirez-moi de votre liste.",
            "Je ne souhaite plus recevoir vos offres.",
        ] {
            assert_eq!(lang(b), "fr", "{b:?}");
        }
        no("Pas intéressé par ce poste mais tenez-moi au courant.");
        no("N'hésitez pas à me contacter.");
        no("Je me suis désinscrit de LinkedIn.");
        no("Merci de supprimer mon ancienne adresse.");
    }

    #[test]
    fn spanish_phrases() {
        for b in [
            "Por favor no me contacten más.",
            "Quiero darme de baja.",
            "Elimínenme de su lista.",
            "eliminenme de su lista",
            "No me escriban más.",
            "Dejen de enviarme correos.",
            "BAJA",
        ] {
            assert_eq!(lang(b), "es", "{b:?}");
        }
        no("No me interesa este puesto pero manténganme informado.");
        no("No dude en contactarme.");
        no("Estoy de baja por maternidad hasta junio.");
        no("Me di de baja de LinkedIn.");
    }

    #[test]
    fn stop_verbs_in_other_languages() {
        assert_eq!(lang("Hören Sie bitte auf, mir E-Mails zu schicken."), "de");
        assert_eq!(lang("Arrêtez de m'envoyer des mails."), "fr");
        assert_eq!(
            lang("Je vous demande de cesser tout contact avec moi."),
            "fr"
        );
        assert_eq!(lang("No sigan enviándome ofertas."), "es");
        assert_eq!(lang("Bonjour, STOP. Merci."), "fr");
        no("Arrêtez-vous à notre stand au salon !");
        no("Bitte schicken Sie mir die Unterlagen.");
        no("No me escribas al correo del trabajo, mejor a mi correo personal.");
    }

    #[test]
    fn unsubscribing_someone_or_something_else() {
        yes("Stop emailing this address.");
        no("Is there a way to unsubscribe from the daily alerts but keep the weekly digest?");
        no("Can you unsubscribe my colleague? She left the company.");
        no("I'm trying to unsubscribe my old work address and keep this one.");
        no("I unsubscribed from your newsletter by accident, can you add me back?");
    }

    #[test]
    fn footers_in_own_text_do_not_count() {
        no(
            "Out of office until Monday. If you no longer wish to receive our emails, click here to unsubscribe.",
        );
        no("Wenn Sie keine weiteren E-Mails erhalten möchten, klicken Sie hier.");
        no("Out of office.\n\nManage your email preferences or unsubscribe: https://x.example/u");
    }

    #[test]
    fn subject_only_and_neutral_language() {
        let r = detect("Re: Unsubscribe", "", false).unwrap();
        assert_eq!(r.language, "en");
        let r = detect("STOP", "Bonjour, merci.", false).unwrap();
        assert_eq!(r.language, "fr");
        let r = yes("Pas intéressé. Stop.");
        assert_eq!(r.language, "fr");
    }

    #[test]
    fn evidence_is_the_sentence_sanitized_and_short() {
        let r = yes("Hi Anna,\n\nThanks. Please remove me from your list.\n\nTom");
        assert_eq!(r.evidence, "Please remove me from your list.");
        let long = format!(
            "{} please remove me from your list {}",
            "blah ".repeat(60),
            "and so on ".repeat(30)
        );
        let r = yes(&long);
        assert!(
            r.evidence.chars().count() <= EVIDENCE_MAX,
            "{:?}",
            r.evidence
        );
        assert!(r.evidence.contains("remove me"), "{:?}", r.evidence);
        let r = yes("Please \u{1b}[31mremove\u{1b}[0m me from your list.");
        assert!(!r.evidence.contains('\u{1b}'), "{:?}", r.evidence);
    }

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
