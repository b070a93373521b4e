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
    yes("> Would you be open to a chat?\n\nNo. Please remove me from your list.\n\n> Best, Anna");
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
