//! Recognising automated mail: out-of-office replies, bounces, lists and bulk mail.

use crate::model::ParsedMessage;

/// Subject prefixes of out-of-office replies and bounces (compared lower-cased).
const AUTO_SUBJECT_PREFIXES: &[&str] = &[
    "out of office",
    "automatic reply",
    "auto:",
    "autoreply",
    "auto-reply",
    "auto reply",
    "abwesenheitsnotiz",
    "automatische antwort",
    "réponse automatique",
    "respuesta automática",
    "risposta automatica",
    "automatisch antwoord",
    "autosvar",
    "undeliverable:",
    "undelivered mail returned to sender",
    "delivery status notification (failure)",
    "mail delivery failed",
    "returned mail:",
];

pub(super) fn is_automated(msg: &ParsedMessage, top_mime: Option<&str>) -> bool {
    let header = |name: &str| -> Option<String> {
        msg.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    // RFC 3834: any value but "no" (parameters and comments ignored).
    if let Some(v) = header("Auto-Submitted") {
        let kw = v.split([';', '(', ' ']).next().unwrap_or("");
        if kw != "no" {
            return true;
        }
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder"] {
        if let Some(v) = header(name)
            && !matches!(v.as_str(), "no" | "false" | "0")
        {
            return true;
        }
    }
    if let Some(v) = header("Precedence")
        && matches!(v.as_str(), "bulk" | "auto_reply" | "list" | "junk")
    {
        return true;
    }
    if ["List-Id", "List-Unsubscribe", "X-Failed-Recipients"]
        .iter()
        .any(|n| header(n).is_some())
    {
        return true;
    }
    if let Some(from) = &msg.from {
        let local = from.address.split('@').next().unwrap_or("");
        if matches!(local, "mailer-daemon" | "postmaster") {
            return true;
        }
    }
    if top_mime == Some("multipart/report") {
        return true;
    }
    let subject: String = msg
        .subject
        .chars()
        .take(64)
        .collect::<String>()
        .to_lowercase();
    AUTO_SUBJECT_PREFIXES.iter().any(|p| subject.starts_with(p))
}
