//! What every message we send carries so the candidate can state their wishes or leave
//! (RFC 2369 `List-Unsubscribe`, RFC 8058 one-click, and a short footer in their language),
//! and how a mail to the unsubscribe address is recognised at ingest.
//!
//! The unsubscribe address is a plus address of the shared mailbox:
//! `LOCAL+u-TOKEN@DOMAIN`, the token in lower-case base32 (see `token`).

use super::WebSettings;
use super::token::Token;
use std::collections::HashSet;

/// The extension that marks the unsubscribe address (`talent+u-…@`).
pub const EXTENSION: &str = "u-";

/// A candidate's links, as one message carries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// `talent+u-TOKEN@example.com`
    pub mailto: String,
    /// `BASE_URL/u/TOKEN` (one-click, RFC 8058), when links are on.
    pub one_click: Option<String>,
    /// `BASE_URL/p/TOKEN` (the preference page), when links are on.
    pub page: Option<String>,
}

impl Links {
    pub fn new(web: &WebSettings, shared_address: &str, token: &Token) -> Links {
        let (local, domain) = shared_address
            .rsplit_once('@')
            .unwrap_or((shared_address, "invalid"));
        let base = web.link_base().map(|b| b.trim_end_matches('/'));
        Links {
            mailto: format!("{local}+{EXTENSION}{}@{domain}", token.mail()),
            one_click: base.map(|b| format!("{b}/u/{}", token.url())),
            page: base.map(|b| format!("{b}/p/{}", token.url())),
        }
    }

    /// The `List-Unsubscribe` value (RFC 2369: the mailto first, then the https URI), and the
    /// `List-Unsubscribe-Post` value when there is a one-click URI (RFC 8058).
    pub fn headers(&self) -> (String, Option<String>) {
        match &self.one_click {
            Some(u) => (
                format!("<mailto:{}>, <{u}>", self.mailto),
                Some("List-Unsubscribe=One-Click".into()),
            ),
            None => (format!("<mailto:{}>", self.mailto), None),
        }
    }

    /// The footer below the body, in `language` where rapport or the team has a text for it
    /// (English otherwise), after the "-- " signature separator.
    pub fn footer(&self, web: &WebSettings, language: Option<&str>) -> String {
        let lang = language
            .map(|l| {
                l.trim()
                    .split(['-', '_'])
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let with_link = self.page.is_some();
        let text = web
            .footers
            .get(&lang)
            .cloned()
            .or_else(|| builtin(&lang, with_link).map(str::to_string))
            .or_else(|| web.footers.get("en").cloned())
            .unwrap_or_else(|| builtin("en", with_link).unwrap_or_default().to_string());
        let text = text
            .replace("{page}", self.page.as_deref().unwrap_or(""))
            .replace("{address}", &self.mailto);
        format!("-- \n{}\n", text.trim_end())
    }
}

/// The languages with a built-in footer.
pub const LANGUAGES: [&str; 4] = ["en", "de", "fr", "es"];

/// rapport's own footer texts: with the preference-page link, or (no web server) with the
/// unsubscribe address. Neutral words in the link version: a reply quoting it must not read
/// as a request to stop (the opt-out detection skips signatures anyway).
pub fn builtin(lang: &str, with_link: bool) -> Option<&'static str> {
    Some(match (lang, with_link) {
        ("en", true) => "How and how often would you like to hear from us? Choose here: {page}",
        ("de", true) => "Wie und wie oft möchten Sie von uns hören? Hier wählen Sie: {page}",
        ("fr", true) => {
            "Comment et à quelle fréquence souhaitez-vous avoir de nos nouvelles ? Choisissez ici : {page}"
        }
        ("es", true) => "¿Cómo y con qué frecuencia quiere saber de nosotros? Elija aquí: {page}",
        ("en", false) => "To stop hearing from us, reply \"unsubscribe\" or write to {address}",
        ("de", false) => {
            "Möchten Sie nichts mehr von uns hören, antworten Sie \"abmelden\" oder schreiben Sie an {address}"
        }
        ("fr", false) => {
            "Pour ne plus recevoir nos messages, répondez \"désinscrire\" ou écrivez à {address}"
        }
        ("es", false) => {
            "Para no recibir más mensajes nuestros, responda \"baja\" o escriba a {address}"
        }
        _ => return None,
    })
}

/// The token of a mail sent to the unsubscribe address: the first of `addresses` that is a
/// `+u-` plus address of one of the team's addresses (`team`, lower case). Not verified.
pub fn token_in<'a>(
    addresses: impl IntoIterator<Item = &'a str>,
    team: &HashSet<String>,
) -> Option<String> {
    addresses.into_iter().find_map(|a| {
        let a = a.trim().trim_matches(['<', '>']);
        let (local, domain) = a.rsplit_once('@')?;
        let (base, ext) = local.split_once('+')?;
        let token = ext
            .strip_prefix(EXTENSION)
            .or_else(|| ext.strip_prefix("U-"))?;
        let ours = format!("{base}@{domain}").to_lowercase();
        (team.contains(&ours) && !token.is_empty() && token.len() <= 64)
            .then(|| token.to_ascii_lowercase())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(links: bool) -> WebSettings {
        WebSettings {
            base_url: Some("https://talent.example.com/".into()),
            links,
            ..WebSettings::default()
        }
    }

    fn token() -> Token {
        let d = tempfile::tempdir().unwrap();
        super::super::token::load_or_create(d.path(), 0)
            .unwrap()
            .sign(42, "n")
    }

    #[test]
    fn headers_name_the_mailto_first_and_one_click_only_with_links() {
        let t = token();
        let l = Links::new(&web(true), "talent@example.com", &t);
        let (lu, post) = l.headers();
        assert_eq!(
            lu,
            format!(
                "<mailto:talent+u-{}@example.com>, <https://talent.example.com/u/{}>",
                t.mail(),
                t.url()
            )
        );
        assert_eq!(post.as_deref(), Some("List-Unsubscribe=One-Click"));
        let l = Links::new(&web(false), "talent@example.com", &t);
        assert_eq!(l.headers(), (format!("<mailto:{}>", l.mailto), None));
        assert!(l.page.is_none());
        // The unsubscribe address stays within RFC 5321's 64 octets of local part.
        assert!(l.mailto.split('@').next().unwrap().len() <= 64);
    }

    #[test]
    fn the_footer_speaks_the_candidates_language_and_the_team_can_change_it() {
        let t = token();
        let w = web(true);
        let l = Links::new(&w, "talent@example.com", &t);
        let en = l.footer(&w, None);
        assert!(en.starts_with("-- \n"), "{en}");
        assert!(en.contains(l.page.as_deref().unwrap()), "{en}");
        assert!(l.footer(&w, Some("de-AT")).contains("Wie und wie oft"));
        assert!(l.footer(&w, Some("FR")).contains("Choisissez"));
        assert!(l.footer(&w, Some("es")).contains("Elija"));
        assert_eq!(l.footer(&w, Some("ja")), en);
        let mut custom = w.clone();
        custom
            .footers
            .insert("de".into(), "Ihre Wünsche: {page}".into());
        assert_eq!(
            l.footer(&custom, Some("de")),
            format!("-- \nIhre Wünsche: {}\n", l.page.as_deref().unwrap())
        );
        // Without links: no URL anywhere, the unsubscribe address instead.
        let w = web(false);
        let l = Links::new(&w, "talent@example.com", &t);
        let f = l.footer(&w, Some("en"));
        assert!(!f.contains("http"), "{f}");
        assert!(f.contains(&l.mailto) && f.contains("unsubscribe"), "{f}");
    }

    #[test]
    fn a_plus_address_of_the_shared_box_carries_the_token() {
        let team: HashSet<String> = ["talent@example.com".to_string()].into();
        assert_eq!(
            token_in(["jane@x.example", "talent+u-abc23@example.com"], &team),
            Some("abc23".into())
        );
        assert_eq!(
            token_in(["<TALENT+U-ABC23@EXAMPLE.COM>"], &team),
            Some("abc23".into())
        );
        assert_eq!(token_in(["talent+jobs@example.com"], &team), None);
        assert_eq!(token_in(["other+u-abc@example.com"], &team), None);
        assert_eq!(token_in(["talent+u-@example.com"], &team), None);
    }
}
