//! Development examples, written for the rules from the spec (ask-spec.md), not taken from
//! the labelled set.

use super::*;
use crate::model::Channel::*;
use crate::model::Frequency::*;

fn p(body: &str) -> Proposal {
    read(body)
}

fn tags(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn numbered_on_one_line() {
    let r = p("1 email only 2 every three months 3 rust, remote");
    assert_eq!(r.channels, vec![Email]);
    assert_eq!(r.frequency, Some(Quarterly));
    assert_eq!(r.interests, tags(&["remote", "rust"]));
    assert_eq!(r.contact, None);
    assert_eq!(r.language, None);
    assert_eq!(
        r.to_string(),
        "email only · every three months · remote, rust"
    );
}

#[test]
fn numbered_lines_with_quoted_questions_below() {
    let body = "Hi Tess,\n\n1. Email or phone, email preferred\n2. Once a month\n3. Go, Python and machine learning\n4. No crypto or gambling please\n5. German\n\nBest,\nAnna\n\nOn Mon, 2 Nov 2026 at 10:00, Tess <talent@x.example> wrote:\n> 1. How may we contact you? (email, phone, text message, LinkedIn — or not at all)\n> 2. How often at most?\n";
    let r = p(body);
    assert_eq!(r.channels, vec![Email, Phone]);
    assert_eq!(r.preferred, Some(Email));
    assert_eq!(r.frequency, Some(Monthly));
    assert_eq!(r.interests, tags(&["go", "ml", "python"]));
    assert_eq!(r.not_topics, tags(&["crypto", "gambling"]));
    assert_eq!(r.language, Some("de".into()));
    assert!(quotes_questions(body));
}

#[test]
fn answers_between_the_quoted_questions() {
    let body = "Am 2. Nov. 2026 schrieb Tess <talent@x.example>:\n> 1. Wie dürfen wir Sie kontaktieren? (E-Mail, Telefon, SMS, LinkedIn – oder gar nicht)\nLieber per Mail, keine Anrufe.\n> 2. Wie oft höchstens? (wöchentlich, alle zwei Wochen, monatlich, alle drei Monate oder nur, wenn Sie uns schreiben)\nAlle zwei Wochen\n> 3. Worüber möchten Sie von uns hören? (zum Beispiel: Rust, Go, Python, ML, Daten, Frontend, DevOps, Remote, Management)\nRust und Embedded\n> 4. Gibt es etwas, worüber Sie nie etwas hören möchten?\nVertrieb\n> 5. In welcher Sprache sollen wir Ihnen schreiben?\nDeutsch\n\nViele Grüße\nJonas\n";
    let r = p(body);
    assert_eq!(r.channels, vec![Email]);
    assert_eq!(r.preferred, Some(Email));
    assert_eq!(r.frequency, Some(Biweekly));
    assert_eq!(r.interests, tags(&["embedded", "rust"]));
    assert_eq!(r.not_topics, tags(&["sales"]));
    assert_eq!(r.language, Some("de".into()));
}

#[test]
fn free_sentences_in_english() {
    let r = p(
        "No calls please, email is fine. Not more than every 2-3 months. I'd love to hear about Rust and remote roles, but nothing about crypto.\n\nCheers,\nSam",
    );
    assert_eq!(r.channels, vec![Email]);
    assert_eq!(r.frequency, Some(Quarterly));
    assert_eq!(r.interests, tags(&["remote", "rust"]));
    assert_eq!(r.not_topics, tags(&["crypto"]));
    assert_eq!(r.language, None, "the language they write in is not a wish");
}

#[test]
fn anything_but_phone() {
    let r = p("1. anything but phone\n2. fortnightly");
    assert_eq!(r.channels, vec![Email, Sms, Linkedin]);
    assert_eq!(r.frequency, Some(Biweekly));
}

#[test]
fn not_at_all() {
    let r = p("1. not at all\n2. never\n\nThanks");
    assert_eq!(r.contact, Some(false));
    assert!(r.channels.is_empty());
    assert_eq!(r.frequency, Some(Never));
    assert_eq!(r.to_string(), "no contact at all · never");
}

#[test]
fn only_when_they_write() {
    assert_eq!(
        p("2) only if I reach out to you").frequency,
        Some(OnlyWhenTheyWrite)
    );
    assert_eq!(
        p("Bitte nur, wenn ich mich selbst melde.").frequency,
        Some(OnlyWhenTheyWrite)
    );
    assert_eq!(
        p("Seulement quand je vous écris.").frequency,
        Some(OnlyWhenTheyWrite)
    );
}

#[test]
fn french_free_text() {
    let r = p(
        "Bonjour,\n\nPar e-mail uniquement, une fois par mois maximum. Je m'intéresse au télétravail et à la data. Pas de postes commerciaux. Merci de m'écrire en français.\n\nCordialement,\nClaire",
    );
    assert_eq!(r.channels, vec![Email]);
    assert_eq!(r.frequency, Some(Monthly));
    assert!(r.interests.contains(&"remote".to_string()), "{r:?}");
    assert_eq!(r.not_topics, tags(&["sales"]));
    assert_eq!(r.language, Some("fr".into()));
}

#[test]
fn spanish_free_text() {
    let r = p(
        "Hola, prefiero LinkedIn, pero también correo. Cada tres meses está bien. Me interesan Python y la inteligencia artificial. Nada de apuestas. En español, por favor.",
    );
    assert_eq!(r.channels, vec![Email, Linkedin]);
    assert_eq!(r.preferred, Some(Linkedin));
    assert_eq!(r.frequency, Some(Quarterly));
    assert_eq!(r.interests, tags(&["ml", "python"]));
    assert_eq!(r.not_topics, tags(&["gambling"]));
    assert_eq!(r.language, Some("es".into()));
}

#[test]
fn only_some_questions_and_a_signature() {
    let r = p("3. Golang, k8s\n\n-- \nMax Mustermann\nSenior Engineer | Rust, Python\n");
    assert_eq!(r.interests, tags(&["devops", "go"]));
    assert!(r.channels.is_empty());
    assert_eq!(r.frequency, None);
}

#[test]
fn counts_are_not_answer_numbers() {
    let r = p("Email is fine, every 2 weeks at most.");
    assert_eq!(r.channels, vec![Email]);
    assert_eq!(r.frequency, Some(Biweekly));
}

#[test]
fn thanks_for_your_mail_is_not_a_channel() {
    let r = p("Thanks for your email! Happy to hear from you. Ideally LinkedIn.");
    assert_eq!(r.channels, vec![Linkedin]);
    assert_eq!(r.preferred, Some(Linkedin));
    assert_eq!(r.contact, Some(true));
}

#[test]
fn nothing_readable_is_empty() {
    assert!(p("Thanks, I'll think about it.").is_empty());
    assert!(p("").is_empty());
    assert!(p("> 1. How may we contact you? (email, phone, text message, LinkedIn — or not at all)\n> 2. How often at most?").is_empty());
}

#[test]
fn an_outlook_quote_of_the_questions_is_not_their_answer() {
    let body = "Email only please.\n\nFrom: Talent <talent@x.example>\nSent: Monday, 2 November 2026 10:00\nTo: Ana\nSubject: How would you like to hear from us?\n\n1. How may we contact you? (email, phone, text message, LinkedIn — or not at all)\n3. What would you like to hear about? (for example: rust, go, python, ml, data, frontend, devops, remote, management)\n";
    let r = p(body);
    assert_eq!(r.channels, vec![Email]);
    assert!(r.interests.is_empty(), "{r:?}");
}

#[test]
fn copied_question_with_the_answer_after_it() {
    let r = p(
        "1. How may we contact you? (email, phone, text message, LinkedIn — or not at all) LinkedIn\n5. Which language would you like us to write in? English",
    );
    assert_eq!(r.channels, vec![Linkedin]);
    assert_eq!(r.language, Some("en".into()));
}

#[test]
fn words_fold_and_split() {
    assert_eq!(
        words(&fold("E-Mail, don't l'anglais 2-3")),
        vec!["email", "dont", "l", "anglais", "2", "-", "3"]
    );
}

#[test]
fn proposals_round_trip_through_json() {
    let r = p("1 email only 2 monthly 3 rust");
    assert_eq!(Proposal::from_json(&r.to_json()).unwrap(), r);
    assert!(Proposal::from_json("nope").is_err());
}
