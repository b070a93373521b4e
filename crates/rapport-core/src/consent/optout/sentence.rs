//! A sentence view for the rules: words by position, clauses, and the footers mail programs
//! write.

use super::fold::Doc;

/// A sentence view: tokens `a..b` of `d`.
pub(super) struct S<'d, 'a> {
    pub(super) d: &'d Doc<'a>,
    pub(super) a: usize,
    pub(super) b: usize,
}

impl S<'_, '_> {
    /// Word at `i`, or "" outside the sentence.
    pub(super) fn w(&self, i: usize) -> &str {
        if i >= self.a && i < self.b {
            self.d.w(i)
        } else {
            ""
        }
    }
    /// Word `k` after `i`.
    pub(super) fn f(&self, i: usize, k: usize) -> &str {
        self.w(i + k)
    }
    /// Word `k` before `i`.
    pub(super) fn p(&self, i: usize, k: usize) -> &str {
        if i >= k { self.w(i - k) } else { "" }
    }
    pub(super) fn clause(&self, i: usize) -> u32 {
        self.d.toks[i].clause
    }
    /// Word `k` after `i` if still in the same clause.
    pub(super) fn fc(&self, i: usize, k: usize) -> &str {
        if i + k < self.b && self.clause(i + k) == self.clause(i) {
            self.w(i + k)
        } else {
            ""
        }
    }
    /// First index in `from..to` (clamped to the sentence) whose word satisfies `pred`.
    pub(super) fn find(
        &self,
        from: usize,
        to: usize,
        pred: impl Fn(&str) -> bool,
    ) -> Option<usize> {
        (from.max(self.a)..to.min(self.b)).find(|&j| pred(self.d.w(j)))
    }
    pub(super) fn has(&self, from: usize, to: usize, words: &[&str]) -> bool {
        self.find(from, to, |w| words.contains(&w)).is_some()
    }
    /// End of the clause containing `i` (exclusive).
    pub(super) fn clause_end(&self, i: usize) -> usize {
        let c = self.clause(i);
        let mut j = i;
        while j < self.b && self.clause(j) == c {
            j += 1;
        }
        j
    }
    /// The sentence consists of `i` plus politeness fillers only.
    pub(super) fn alone(&self, i: usize) -> bool {
        (self.a..self.b).all(|j| j == i || FILLERS.contains(&self.d.w(j)))
    }
    /// Footer written by a mail program or a mailing list, not by the candidate.
    pub(super) fn is_footer(&self) -> bool {
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
