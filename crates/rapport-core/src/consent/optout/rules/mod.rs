//! The rules: a trigger word dispatches to a per-language check of its sentence. English,
//! German, French and Spanish have their own files; Italian, Dutch and Portuguese are few
//! enough to live here.

mod de;
mod en_contact;
mod en_unsubscribe;
mod es;
mod fr;

use super::Scope;
use super::sentence::S;
use de::{de_keine, de_nicht, de_remove, de_stop, de_unsubscribe, de_unsubscribed};
use en_contact::{
    contact_gerund, en_cease, en_do_not, en_no_more, en_rather_not, en_stop, en_want,
};
use en_unsubscribe::{
    en_delete, en_opt, en_remove, en_take_off, en_unsubscribe, en_unsubscribed, near_unsubscribe,
};
use es::{es_baja, es_dejar, es_no, es_remove_me};
use fr::{fr_ne, fr_past, fr_remove, fr_remove_verb, fr_stop, fr_unsubscribe, fr_unsubscribed};

pub(super) struct Hit {
    /// None: language-neutral ("STOP"); guessed from the text.
    pub(super) lang: Option<&'static str>,
    pub(super) scope: Option<Scope>,
    /// Trigger token.
    pub(super) at: usize,
}

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
pub(super) fn rule(s: &S, i: usize) -> Option<Hit> {
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
