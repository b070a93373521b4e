//! The five questions of the question mail, in the languages we write in: the built-in
//! template uses them, and the reader recognises them (quoted or copied) in an answer.

/// The languages the questions are written in.
pub const LANGUAGES: [&str; 4] = ["en", "de", "fr", "es"];

/// The five questions in `language` ("en" for any other).
pub fn questions(language: &str) -> [&'static str; 5] {
    match language {
        "de" => [
            "Wie dürfen wir Sie kontaktieren? (E-Mail, Telefon, SMS, LinkedIn – oder gar nicht)",
            "Wie oft höchstens? (wöchentlich, alle zwei Wochen, monatlich, alle drei Monate oder nur, wenn Sie uns schreiben)",
            "Worüber möchten Sie von uns hören? (zum Beispiel: Rust, Go, Python, ML, Daten, Frontend, DevOps, Remote, Management)",
            "Gibt es etwas, worüber Sie nie etwas hören möchten?",
            "In welcher Sprache sollen wir Ihnen schreiben?",
        ],
        "fr" => [
            "Comment pouvons-nous vous contacter ? (e-mail, téléphone, SMS, LinkedIn — ou pas du tout)",
            "À quelle fréquence au maximum ? (chaque semaine, toutes les deux semaines, chaque mois, tous les trois mois, ou seulement quand vous nous écrivez)",
            "De quoi aimeriez-vous entendre parler ? (par exemple : Rust, Go, Python, ML, data, frontend, DevOps, télétravail, management)",
            "Y a-t-il des sujets dont vous ne voulez jamais entendre parler ?",
            "Dans quelle langue souhaitez-vous que nous vous écrivions ?",
        ],
        "es" => [
            "¿Cómo podemos contactarle? (correo electrónico, teléfono, SMS, LinkedIn, o de ninguna manera)",
            "¿Con qué frecuencia como máximo? (semanal, cada dos semanas, mensual, cada tres meses, o solo cuando usted nos escriba)",
            "¿Sobre qué le gustaría recibir noticias? (por ejemplo: Rust, Go, Python, ML, datos, frontend, DevOps, remoto, gestión)",
            "¿Hay algo sobre lo que nunca quiera saber?",
            "¿En qué idioma prefiere que le escribamos?",
        ],
        _ => [
            "How may we contact you? (email, phone, text message, LinkedIn — or not at all)",
            "How often at most? (weekly, every two weeks, monthly, every three months, or only when you write to us)",
            "What would you like to hear about? (for example: rust, go, python, ml, data, frontend, devops, remote, management)",
            "Anything you never want to hear about?",
            "Which language would you like us to write in?",
        ],
    }
}

/// A question as the reader looks for it: its words up to the question mark (folded and
/// joined by single spaces), and whether a parenthesis of examples follows.
pub(super) struct Head {
    pub number: u8,
    pub words: String,
    pub parenthesis: bool,
}

/// Every question in every language.
pub(super) fn heads() -> &'static [Head] {
    static HEADS: std::sync::LazyLock<Vec<Head>> = std::sync::LazyLock::new(|| {
        let mut v = Vec::new();
        for lang in LANGUAGES {
            for (i, q) in questions(lang).iter().enumerate() {
                let head = q.split('?').next().unwrap_or(q);
                v.push(Head {
                    number: i as u8 + 1,
                    words: super::words(&super::fold(head)).join(" "),
                    parenthesis: q.contains('('),
                });
            }
        }
        v
    });
    &HEADS
}
