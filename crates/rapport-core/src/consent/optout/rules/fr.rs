//! French rules.

use super::{Hit, hit};
use crate::consent::optout::Scope;
use crate::consent::optout::sentence::S;

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
pub(super) fn fr_ne(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn fr_stop(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn fr_past(s: &S, i: usize) -> bool {
    s.has(i.saturating_sub(3), i, &["suis", "ai", "sommes", "deja"])
}

/// Past-tense "désinscrit": only ours ("de votre liste") or "mais je reçois encore".
pub(super) fn fr_unsubscribed(s: &S, i: usize) -> Option<Hit> {
    let still = s.has(s.a, s.b, &["encore", "toujours", "pourtant"]);
    let ours = s.f(i, 1) == "de" && s.has(i + 2, i + 5, &["votre", "vos", "cette", "ce"]);
    (still || ours).then(|| hit("fr", i))?
}

/// "me désinscrire (de votre liste)", "désabonnez-moi"; not "de la newsletter de mon école".
pub(super) fn fr_unsubscribe(s: &S, i: usize) -> Option<Hit> {
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

pub(super) fn fr_remove_verb(w: &str) -> bool {
    (w.starts_with("retir") || w.starts_with("supprim") || w.starts_with("enlev"))
        || matches!(
            w,
            "rayez" | "rayer" | "effacez" | "effacer" | "sortez" | "sortir"
        )
}

/// "retirez-moi de votre liste", "me retirer de votre fichier", "supprimer mes données".
pub(super) fn fr_remove(s: &S, i: usize) -> Option<Hit> {
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
