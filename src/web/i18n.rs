//! The preference page's words in the candidate's language: English, German, French, Spanish.

/// One language's texts.
pub struct Texts {
    pub lang: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub contact: &'static str,
    pub contact_yes: &'static str,
    pub contact_no: &'static str,
    pub channels: &'static str,
    pub channels_hint: &'static str,
    pub preferred: &'static str,
    pub no_preference: &'static str,
    pub frequency: &'static str,
    /// weekly, biweekly, monthly, quarterly, only when they write.
    pub frequencies: [&'static str; 5],
    pub interests: &'static str,
    pub not_topics: &'static str,
    pub language: &'static str,
    pub note: &'static str,
    pub data: &'static str,
    pub want_copy: &'static str,
    pub want_erasure: &'static str,
    pub data_hint: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub unsubscribe: &'static str,
    pub unsubscribe_hint: &'static str,
    pub unsubscribe_button: &'static str,
    pub unsubscribed: &'static str,
    pub email_stopped: &'static str,
    /// "{what} asked on {at}; we answer by {due}".
    pub open_request: &'static str,
    pub copy: &'static str,
    pub erasure: &'static str,
    pub expired: &'static str,
    /// Channel names: email, phone, sms, linkedin.
    pub channel_names: [&'static str; 4],
}

pub const EN: Texts = Texts {
    lang: "en",
    title: "How you would like to hear from us",
    intro: "You decide whether, how, how often and about what we contact you. What you choose here applies at once.",
    contact: "May we contact you at all?",
    contact_yes: "Yes, as chosen below",
    contact_no: "No, please do not contact me",
    channels: "How may we contact you?",
    channels_hint: "Tick none to leave it to us.",
    preferred: "Which way do you prefer?",
    no_preference: "No preference",
    frequency: "How often at most?",
    frequencies: [
        "Weekly",
        "Every two weeks",
        "Monthly",
        "Every three months",
        "Only when I write to you",
    ],
    interests: "What would you like to hear about?",
    not_topics: "What should we never write to you about?",
    language: "Language",
    note: "Anything else you would like us to know?",
    data: "Your data",
    want_copy: "Send me a copy of the data you hold about me",
    want_erasure: "Erase my data",
    data_hint: "A member of the team answers within a month.",
    save: "Save my choices",
    saved: "Saved. Thank you: we will keep to it.",
    unsubscribe: "Stop email from us",
    unsubscribe_hint: "One click, and we send you no more email.",
    unsubscribe_button: "Unsubscribe from email",
    unsubscribed: "Done: you will get no more email from us. You can change this here at any time.",
    email_stopped: "You unsubscribed from email.",
    open_request: "You asked for {what} on {at}; we answer by {due}.",
    copy: "a copy of your data",
    erasure: "your data to be erased",
    expired: "This link is not valid (any more).",
    channel_names: ["Email", "Phone", "Text message (SMS)", "LinkedIn"],
};

pub const DE: Texts = Texts {
    lang: "de",
    title: "Wie Sie von uns hören möchten",
    intro: "Sie entscheiden, ob, wie, wie oft und worüber wir Sie kontaktieren. Ihre Auswahl gilt sofort.",
    contact: "Dürfen wir Sie überhaupt kontaktieren?",
    contact_yes: "Ja, wie unten gewählt",
    contact_no: "Nein, bitte kontaktieren Sie mich nicht",
    channels: "Wie dürfen wir Sie kontaktieren?",
    channels_hint: "Nichts angekreuzt: wir wählen.",
    preferred: "Welchen Weg bevorzugen Sie?",
    no_preference: "Keine Vorliebe",
    frequency: "Wie oft höchstens?",
    frequencies: [
        "Wöchentlich",
        "Alle zwei Wochen",
        "Monatlich",
        "Alle drei Monate",
        "Nur wenn ich Ihnen schreibe",
    ],
    interests: "Worüber möchten Sie hören?",
    not_topics: "Worüber sollen wir Ihnen nie schreiben?",
    language: "Sprache",
    note: "Möchten Sie uns noch etwas mitteilen?",
    data: "Ihre Daten",
    want_copy: "Schicken Sie mir eine Kopie meiner Daten",
    want_erasure: "Löschen Sie meine Daten",
    data_hint: "Jemand aus dem Team antwortet innerhalb eines Monats.",
    save: "Auswahl speichern",
    saved: "Gespeichert. Danke, wir halten uns daran.",
    unsubscribe: "Keine E-Mails mehr",
    unsubscribe_hint: "Ein Klick, und wir schicken Ihnen keine E-Mails mehr.",
    unsubscribe_button: "E-Mails abbestellen",
    unsubscribed: "Erledigt: Sie bekommen keine E-Mails mehr von uns. Sie können das hier jederzeit ändern.",
    email_stopped: "Sie haben E-Mails abbestellt.",
    open_request: "Sie haben am {at} {what} angefragt; wir antworten bis {due}.",
    copy: "eine Kopie Ihrer Daten",
    erasure: "die Löschung Ihrer Daten",
    expired: "Dieser Link ist nicht (mehr) gültig.",
    channel_names: ["E-Mail", "Telefon", "SMS", "LinkedIn"],
};

pub const FR: Texts = Texts {
    lang: "fr",
    title: "Comment vous souhaitez avoir de nos nouvelles",
    intro: "Vous décidez si, comment, à quelle fréquence et à quel sujet nous vous contactons. Votre choix s’applique immédiatement.",
    contact: "Pouvons-nous vous contacter ?",
    contact_yes: "Oui, comme choisi ci-dessous",
    contact_no: "Non, ne me contactez pas",
    channels: "Comment pouvons-nous vous contacter ?",
    channels_hint: "Rien de coché : nous choisissons.",
    preferred: "Quel moyen préférez-vous ?",
    no_preference: "Pas de préférence",
    frequency: "À quelle fréquence au plus ?",
    frequencies: [
        "Chaque semaine",
        "Toutes les deux semaines",
        "Chaque mois",
        "Tous les trois mois",
        "Seulement quand je vous écris",
    ],
    interests: "De quoi souhaitez-vous entendre parler ?",
    not_topics: "De quoi ne devons-nous jamais vous écrire ?",
    language: "Langue",
    note: "Autre chose à nous dire ?",
    data: "Vos données",
    want_copy: "Envoyez-moi une copie de mes données",
    want_erasure: "Effacez mes données",
    data_hint: "Un membre de l’équipe répond dans un délai d’un mois.",
    save: "Enregistrer mes choix",
    saved: "Enregistré. Merci, nous nous y tiendrons.",
    unsubscribe: "Ne plus recevoir d’e-mails",
    unsubscribe_hint: "Un clic, et nous ne vous envoyons plus d’e-mails.",
    unsubscribe_button: "Me désabonner des e-mails",
    unsubscribed: "C’est fait : vous ne recevrez plus d’e-mails de notre part. Vous pouvez changer cela ici à tout moment.",
    email_stopped: "Vous êtes désabonné des e-mails.",
    open_request: "Vous avez demandé {what} le {at} ; nous répondons d’ici le {due}.",
    copy: "une copie de vos données",
    erasure: "l’effacement de vos données",
    expired: "Ce lien n’est pas (ou plus) valide.",
    channel_names: ["E-mail", "Téléphone", "SMS", "LinkedIn"],
};

pub const ES: Texts = Texts {
    lang: "es",
    title: "Cómo quiere saber de nosotros",
    intro: "Usted decide si le contactamos, cómo, con qué frecuencia y sobre qué. Su elección se aplica al momento.",
    contact: "¿Podemos contactarle?",
    contact_yes: "Sí, como elijo abajo",
    contact_no: "No, por favor no me contacten",
    channels: "¿Cómo podemos contactarle?",
    channels_hint: "Sin marcar: lo elegimos nosotros.",
    preferred: "¿Qué medio prefiere?",
    no_preference: "Sin preferencia",
    frequency: "¿Con qué frecuencia como máximo?",
    frequencies: [
        "Semanal",
        "Cada dos semanas",
        "Mensual",
        "Cada tres meses",
        "Solo cuando yo les escriba",
    ],
    interests: "¿Sobre qué quiere saber?",
    not_topics: "¿Sobre qué no debemos escribirle nunca?",
    language: "Idioma",
    note: "¿Algo más que quiera decirnos?",
    data: "Sus datos",
    want_copy: "Envíenme una copia de mis datos",
    want_erasure: "Borren mis datos",
    data_hint: "Alguien del equipo responde en el plazo de un mes.",
    save: "Guardar mi elección",
    saved: "Guardado. Gracias, lo cumpliremos.",
    unsubscribe: "No recibir más correos",
    unsubscribe_hint: "Un clic y no le enviamos más correos.",
    unsubscribe_button: "Darme de baja del correo",
    unsubscribed: "Hecho: no recibirá más correos nuestros. Puede cambiarlo aquí en cualquier momento.",
    email_stopped: "Se ha dado de baja del correo.",
    open_request: "Pidió {what} el {at}; respondemos antes del {due}.",
    copy: "una copia de sus datos",
    erasure: "el borrado de sus datos",
    expired: "Este enlace no es válido (o ya no lo es).",
    channel_names: ["Correo electrónico", "Teléfono", "SMS", "LinkedIn"],
};

/// The languages offered, as (code, name in that language).
pub const LANGUAGES: [(&str, &str); 4] = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
];

/// The texts for a language code ("de", "de-AT", "fr_CH"…); English otherwise.
pub fn texts(code: Option<&str>) -> &'static Texts {
    let base = code
        .unwrap_or("en")
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>();
    match base.as_str() {
        "de" => &DE,
        "fr" => &FR,
        "es" => &ES,
        _ => &EN,
    }
}

/// The first language of an `Accept-Language` header that the page speaks (in the order the
/// browser lists them; weights are not needed for four languages).
pub fn from_accept_language(header: &str) -> Option<&'static str> {
    header.split(',').find_map(|part| {
        let code = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let base: String = code
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        LANGUAGES.iter().find(|(c, _)| *c == base).map(|(c, _)| *c)
    })
}
