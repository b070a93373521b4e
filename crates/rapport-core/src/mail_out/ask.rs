//! The question mail ("How would you like to hear from us?"): built in, in the candidate's
//! language (en, de, fr, es), with the five numbered questions of `consent::answers`. A team
//! replaces it with `ask-preferences.txt` (any language) or `ask-preferences.LANG.txt` (one
//! language, e.g. `ask-preferences.de.txt`) in its templates folder: an optional first line
//! `Subject: …`, then the body, with the snippets' placeholders (`{first_name}`,
//! `{recruiter}`, `{team}`). These files are not offered as snippets.

use super::templates::{self, Origin, Template, Vars};
use crate::consent::answers::questions;
use std::path::Path;

/// The file name (without `.LANG.txt` / `.txt`) a team's own version is read from.
pub const FILE_STEM: &str = "ask-preferences";

/// The question mail, ready to send: subject and body with the placeholders filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskMail {
    pub subject: String,
    pub body: String,
    /// The language it is written in ("en", "de", "fr", "es").
    pub language: String,
}

/// The language we ask in: theirs when it is one we write in, else English.
pub fn language(theirs: Option<&str>) -> &'static str {
    let l = theirs.unwrap_or("").trim().to_lowercase();
    let l = l.split(['-', '_']).next().unwrap_or("");
    questions::LANGUAGES
        .into_iter()
        .find(|x| *x == l)
        .unwrap_or("en")
}

fn built_in_text(lang: &str) -> String {
    let (subject, hello, intro, thanks) = match lang {
        "de" => (
            "Wie möchten Sie von uns hören?",
            "Hallo {first_name},",
            "wir fragen lieber, als zu raten: Wie möchten Sie von uns hören? Antworten Sie einfach auf diese Nachricht, in Ihren eigenen Worten oder mit den Nummern, und nur auf das, was Sie möchten.",
            "Vielen Dank!",
        ),
        "fr" => (
            "Comment souhaitez-vous avoir de nos nouvelles ?",
            "Bonjour {first_name},",
            "nous préférons vous demander plutôt que deviner : comment souhaitez-vous avoir de nos nouvelles ? Répondez simplement à ce message, avec vos propres mots ou les numéros, seulement aux questions que vous voulez.",
            "Merci beaucoup !",
        ),
        "es" => (
            "¿Cómo quiere saber de nosotros?",
            "Hola, {first_name}:",
            "preferimos preguntar a suponer: ¿cómo quiere saber de nosotros? Responda a este mensaje, con sus propias palabras o con los números, solo a lo que desee.",
            "¡Muchas gracias!",
        ),
        _ => (
            "How would you like to hear from us?",
            "Hello {first_name},",
            "we would rather ask than guess: how would you like to hear from us? Just reply to this message, in your own words or with the numbers, and answer only what you like.",
            "Thank you!",
        ),
    };
    let qs: Vec<String> = questions::questions(lang)
        .iter()
        .enumerate()
        .map(|(i, q)| format!("{}. {q}", i + 1))
        .collect();
    format!(
        "Subject: {subject}\n{hello}\n\n{intro}\n\n{}\n\n{thanks}\n{{recruiter}}\n{{team}}\n",
        qs.join("\n")
    )
}

/// Reads the team's file for `lang` (or the one for every language), else the built-in text.
fn text_for(dir: &Path, origin: Origin, lang: &str) -> std::io::Result<String> {
    for name in [
        format!("{FILE_STEM}.{lang}.txt"),
        format!("{FILE_STEM}.txt"),
    ] {
        let p = dir.join(&name);
        let read = match origin {
            Origin::User => std::fs::read(&p),
            Origin::DataDir => crate::shared_dir::read(&p),
        };
        match read {
            Ok(b) => return Ok(String::from_utf8_lossy(&b).into_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(built_in_text(lang))
}

/// The question mail in `lang` for someone called `vars.name`: the team's version from `dir`
/// when there is one, else the built-in one.
pub fn mail(dir: &Path, origin: Origin, lang: &str, vars: &Vars) -> std::io::Result<AskMail> {
    let lang = language(Some(lang));
    let text = text_for(dir, origin, lang)?;
    let (subject, body) = match text.split_once('\n') {
        Some((first, rest)) if first.to_ascii_lowercase().starts_with("subject:") => {
            (first[8..].trim().to_string(), rest.to_string())
        }
        _ => (built_in_subject(lang), text),
    };
    let t = Template {
        name: FILE_STEM.into(),
        tags: Vec::new(),
        body,
    };
    let body = templates::render(&t, vars);
    // "Hello ," when the name is unknown.
    let body = body.replace(" ,", ",").replace(", :", ":");
    Ok(AskMail {
        subject: crate::sanitize::sanitize_line(&subject),
        body,
        language: lang.to_string(),
    })
}

fn built_in_subject(lang: &str) -> String {
    built_in_text(lang)
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
        .to_string()
}

/// A snippet file that is the question mail, not a snippet.
pub fn is_ask_file(stem: &str) -> bool {
    stem == FILE_STEM || stem.starts_with(&format!("{FILE_STEM}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        Vars {
            name: "Jana Novak".into(),
            recruiter: "Tess Ortiz".into(),
            team: "Northwind Talent".into(),
        }
    }

    #[test]
    fn built_in_in_their_language_with_the_five_questions() {
        let d = tempfile::tempdir().unwrap();
        for lang in ["en", "de", "fr", "es"] {
            let m = mail(d.path(), Origin::User, lang, &vars()).unwrap();
            assert_eq!(m.language, lang);
            assert!(m.body.contains("Jana"), "{}", m.body);
            assert!(
                m.body.contains("Tess Ortiz\nNorthwind Talent"),
                "{}",
                m.body
            );
            for (i, q) in questions::questions(lang).iter().enumerate() {
                assert!(m.body.contains(&format!("{}. {q}", i + 1)), "{}", m.body);
            }
            assert!(!m.subject.is_empty());
            // Their reply quoting it is recognised as an answer.
            let quoted: String = m.body.lines().map(|l| format!("> {l}\n")).collect();
            assert!(crate::consent::answers::quotes_questions(&quoted));
            // The questions themselves propose nothing.
            assert!(crate::consent::answers::read(&quoted).is_empty());
        }
        assert_eq!(language(Some("pt")), "en");
        assert_eq!(language(Some("de-AT")), "de");
    }

    #[test]
    fn a_team_file_replaces_it_and_is_not_a_snippet() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(
            d.path().join("ask-preferences.de.txt"),
            "Subject: Kurze Frage\nHallo {first_name}, wie oft?\n",
        )
        .unwrap();
        std::fs::write(d.path().join("intro.txt"), "Hi {first_name}\n").unwrap();
        let m = mail(d.path(), Origin::User, "de", &vars()).unwrap();
        assert_eq!(m.subject, "Kurze Frage");
        assert_eq!(m.body, "Hallo Jana, wie oft?\n");
        // Other languages keep the built-in text.
        let en = mail(d.path(), Origin::User, "en", &vars()).unwrap();
        assert_eq!(en.subject, "How would you like to hear from us?");
        let snippets = templates::load(d.path(), Origin::User).unwrap();
        assert_eq!(snippets.len(), 1, "{snippets:?}");
        assert_eq!(snippets[0].name, "intro");
    }
}
