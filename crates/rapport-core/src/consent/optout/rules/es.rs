//! Spanish rules.

use super::{Hit, hit};
use crate::consent::optout::Scope;
use crate::consent::optout::sentence::S;

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
pub(super) fn es_no(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn es_dejar(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn es_baja(s: &S, i: usize) -> Option<Hit> {
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
pub(super) fn es_remove_me(w: &str) -> bool {
    let stem = ["elimin", "quit", "saq", "sac", "borr"]
        .iter()
        .any(|p| w.starts_with(p));
    stem && w.len() > 6
        && (w.ends_with("enme") || w.ends_with("adme") || w.ends_with("eme") || w.ends_with("ame"))
        && !matches!(w, "sacame" | "sacarme")
}
