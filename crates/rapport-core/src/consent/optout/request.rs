//! From tokens to an [`OptOutRequest`]: the first sentence a rule fires on, its evidence and
//! its language.

use super::fold::Doc;
use super::rules::{Hit, rule};
use super::sentence::S;
use super::{EVIDENCE_MAX, OptOutRequest};
use crate::sanitize::sanitize_line;

impl Doc<'_> {
    /// The first request to stop in this source (the hit and its sentence's token range): a
    /// full opt-out wins over a narrower one found earlier.
    pub(super) fn find(&self) -> Option<(Hit, usize, usize)> {
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
    pub(super) fn request(
        &self,
        (hit, a, b): (Hit, usize, usize),
        lang_from: &Doc,
    ) -> OptOutRequest {
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
