//! German rules.

use super::{Hit, channel, hit};
use crate::consent::optout::Scope;
use crate::consent::optout::sentence::S;

/// "bitte keine weiteren E-Mails", "keine Mails mehr", "bitte keine Anfragen".
pub(super) fn de_keine(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn de_nicht(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn de_stop(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn de_unsubscribe(s: &S, i: usize) -> Option<Hit> {
    if s.has(i.saturating_sub(3), i, &["nicht", "kein"]) {
        return None;
    }
    hit("de", i)
}

/// "ich habe mich abgemeldet und bekomme trotzdem Mails" (yes) vs "bei LinkedIn abgemeldet".
pub(super) fn de_unsubscribed(s: &S, i: usize) -> Option<Hit> {
    let still = s.has(s.a, s.b, &["trotzdem", "dennoch", "weiterhin", "immer"]);
    still.then(|| hit("de", i))?
}

/// "entfernen Sie mich aus Ihrem Verteiler", "löschen Sie meine Daten", "streichen Sie mich
/// von Ihrer Liste", "nehmen Sie mich aus der Datenbank".
pub(super) fn de_remove(s: &S, i: usize) -> Option<Hit> {
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
