//! The configuration file (TOML). Every error names the file, the line and the key.
//! Secrets are never stored here: passwords and tokens come from a command or the environment.

use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct ConfigError {
    pub file: String,
    /// 1-based; 0 when the error is about the file as a whole.
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Implicit TLS (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain connection upgraded with STARTTLS; never falls back to plaintext.
    Starttls,
    /// No encryption: refused unless the host is loopback.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    Login,
    Plain,
    Xoauth2,
}

/// Deserializes a fixed set of words so that a wrong value, of any type, is answered with
/// the words allowed (`expected one of "tls", "starttls", "none"`), not a Rust type name.
macro_rules! words {
    ($ty:ident { $($word:literal => $variant:ident),+ $(,)? }) => {
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        let words: &[&str] = &[$(concat!("\"", $word, "\"")),+];
                        write!(f, "one of {}", words.join(", "))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$ty, E> {
                        match v {
                            $($word => Ok($ty::$variant),)+
                            _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                        }
                    }
                }
                d.deserialize_any(V)
            }
        }
    };
}

words!(Security { "tls" => Tls, "starttls" => Starttls, "none" => None });
words!(Auth { "login" => Login, "plain" => Plain, "xoauth2" => Xoauth2 });
words!(UnsubscribeScope { "all-email" => AllEmail, "topic" => Topic });

use crate::web::UnsubscribeScope;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// The team's name, shown on outgoing mail ("Alice Moreau (Northwind Talent)").
    pub team: String,
    /// The shared mailbox's address: From of every reply.
    pub address: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub address: String,
    #[serde(default)]
    pub name: String,
    /// The OS user this recruiter logs in as on the shared box.
    #[serde(default)]
    pub user: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub host: Spanned<String>,
    pub port: Option<u16>,
    pub security: Spanned<Security>,
    pub username: String,
    pub password_command: Option<String>,
    pub password_env: Option<String>,
    pub ca_file: Option<Spanned<PathBuf>>,
    #[serde(default = "default_auth")]
    pub auth: Auth,
    pub oauth2_token_command: Option<String>,
    /// IMAP only: folders to sync (default INBOX and the \Sent folder).
    #[serde(default)]
    pub folders: Vec<String>,
    /// SMTP only: the largest message rapport queues, in bytes or as "25MB" / "10 MiB"
    /// (default [`DEFAULT_MAX_MESSAGE_SIZE`]).
    pub max_message_size: Option<Spanned<Size>>,
}

/// A size in the file: bytes, or a number with a unit ("25MB", "10 MiB", "500 KB").
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Size {
    Bytes(u64),
    Text(String),
}

/// What most providers accept (Gmail and Outlook take 25 MB or a little more).
pub const DEFAULT_MAX_MESSAGE_SIZE: u64 = 25_000_000;

impl Size {
    pub fn bytes(&self) -> Option<u64> {
        let s = match self {
            Size::Bytes(b) => return Some(*b),
            Size::Text(s) => s.trim(),
        };
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n: u64 = s[..split].parse().ok()?;
        let mult = match s[split..].trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" | "k" => 1_000,
            "kib" => 1 << 10,
            "mb" | "m" => 1_000_000,
            "mib" => 1 << 20,
            "gb" | "g" => 1_000_000_000,
            "gib" => 1 << 30,
            _ => return None,
        };
        n.checked_mul(mult)
    }
}

fn default_auth() -> Auth {
    Auth::Login
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub identity: Identity,
    /// The recruiters: their mail counts as outbound, they are never candidates.
    #[serde(default)]
    pub team: Vec<Member>,
    pub imap: Option<Spanned<Server>>,
    pub smtp: Option<Spanned<Server>>,
    /// `rapport erase` also deletes the person's messages from the IMAP mailbox.
    #[serde(default)]
    pub erase_on_server: bool,
    /// Reply snippets (default: the `templates` folder next to this file).
    #[serde(default)]
    pub templates_dir: Option<PathBuf>,
    /// Interest tags offered in the preference form (free tags are allowed too).
    #[serde(default)]
    pub interests: Vec<String>,
    /// Business hours and the response-time target, for reports.
    #[serde(default)]
    pub reports: Option<Spanned<Reports>>,
    /// Where attachments are saved and how they are opened.
    #[serde(default)]
    pub attachments: Attachments,
    /// Saved views: a name and a candidate query (`core::query`), e.g.
    /// `rust-due = "interest:rust channel:email due:yes"`; a keymap binds keys to them.
    #[serde(default)]
    pub views: std::collections::BTreeMap<String, Spanned<String>>,
    /// The candidate's pages and the unsubscribe links every message carries.
    #[serde(default)]
    pub web: Option<Spanned<Web>>,
    #[serde(skip)]
    pub path: PathBuf,
}

/// `[attachments]`: where a saved attachment goes, and the program that opens one.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    /// The download folder (default `$XDG_DOWNLOAD_DIR`, else `~/Downloads`).
    pub download_dir: Option<PathBuf>,
    /// Opens a saved file, mailcap style: `%s` is the file ("xdg-open %s" by default).
    pub open_command: Option<String>,
}

/// `[web]`: where the candidate's pages are served, and what mail carries.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Web {
    /// "https://talent.example.com": links are built on it (needed unless `links = false`).
    pub base_url: Option<Spanned<String>>,
    /// Where `rapport serve` listens (default 127.0.0.1:8425).
    pub listen: Option<Spanned<String>>,
    /// Whether mail carries web links (default true); false: the unsubscribe address only.
    pub links: Option<bool>,
    /// What a mail to the unsubscribe address opts out of: "all-email" (default) or "topic".
    pub unsubscribe_scope: Option<UnsubscribeScope>,
    /// How long a retired link key still verifies, in days (default 90).
    pub key_grace_days: Option<Spanned<i64>>,
    /// The footer per language (`en = "..."`), with `{page}` (the preference page) and
    /// `{address}` (the unsubscribe address) filled in.
    #[serde(default)]
    pub footer: std::collections::BTreeMap<String, Spanned<String>>,
}

impl Web {
    fn check(&self, whole: Range<usize>) -> Result<(), SpanError> {
        let links = self.links.unwrap_or(true);
        match &self.base_url {
            None if links => {
                return Err((
                    whole,
                    "[web] needs base_url (like \"https://talent.example.com\") for the links in every message; a team without a web server sets links = false".into(),
                ));
            }
            None => {}
            Some(u) => {
                let v = u.get_ref();
                let host = v
                    .strip_prefix("https://")
                    .or_else(|| {
                        v.strip_prefix("http://")
                            .filter(|h| is_loopback(host_of(h)))
                    })
                    .map(host_of);
                let ok = host.is_some_and(|h| !h.is_empty())
                    && !v.contains(['?', '#', ' ', '<', '>', '"', ','])
                    && v.chars().all(|c| c.is_ascii_graphic());
                if !ok {
                    return Err((
                        u.span(),
                        format!(
                            "web.base_url {v:?} is not an https URL like \"https://talent.example.com\" (http only for localhost)"
                        ),
                    ));
                }
            }
        }
        if let Some(l) = &self.listen
            && l.get_ref().parse::<std::net::SocketAddr>().is_err()
        {
            return Err((
                l.span(),
                format!(
                    "web.listen {:?} is not an address and port like \"127.0.0.1:8425\"",
                    l.get_ref()
                ),
            ));
        }
        if let Some(g) = &self.key_grace_days
            && !(0..=3650).contains(g.get_ref())
        {
            return Err((
                g.span(),
                "web.key_grace_days must be a number of days from 0 to 3650".into(),
            ));
        }
        for (lang, text) in &self.footer {
            let t = text.get_ref();
            let named = format!("web.footer.{lang}");
            if lang.len() < 2 || lang.len() > 3 || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err((
                    text.span(),
                    format!("{named}: {lang:?} is not a language code like \"en\" or \"de\""),
                ));
            }
            if t.trim().is_empty() || t.chars().any(|c| c.is_control() && c != '\n') {
                return Err((
                    text.span(),
                    format!("{named} must be plain text (no control characters)"),
                ));
            }
            if links && !t.contains("{page}") {
                return Err((
                    text.span(),
                    format!(
                        "{named} must contain {{page}}, where the link to the candidate's preference page goes"
                    ),
                ));
            }
            if !links && t.contains("{page}") {
                return Err((
                    text.span(),
                    format!(
                        "{named} contains {{page}} but links = false: there is no page to link to; use {{address}} (the unsubscribe address)"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The settings with defaults filled in.
    pub fn settings(&self) -> crate::web::WebSettings {
        let d = crate::web::WebSettings::default();
        crate::web::WebSettings {
            base_url: self
                .base_url
                .as_ref()
                .map(|u| u.get_ref().trim_end_matches('/').to_string()),
            listen: self
                .listen
                .as_ref()
                .map_or(d.listen, |l| l.get_ref().clone()),
            links: self.links.unwrap_or(true) && self.base_url.is_some(),
            unsubscribe_scope: self.unsubscribe_scope.unwrap_or_default(),
            footers: self
                .footer
                .iter()
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect(),
            key_grace_days: self
                .key_grace_days
                .as_ref()
                .map_or(d.key_grace_days, |g| *g.get_ref() as u32),
        }
    }
}

/// "host:port/path" → "host" ("[::1]" kept whole).
fn host_of(rest: &str) -> &str {
    let hostport = rest.split('/').next().unwrap_or("");
    if hostport.starts_with('[') {
        return hostport
            .split(']')
            .next()
            .map_or("", |h| &hostport[..h.len() + 1]);
    }
    hostport.split(':').next().unwrap_or("")
}

/// `[reports]`: the team's working week and the response-time target.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Reports {
    /// IANA zone ("Europe/Berlin"); default: the system's.
    pub timezone: Option<Spanned<String>>,
    /// Default Monday to Friday.
    pub working_days: Option<Spanned<Vec<String>>>,
    /// "09:00-17:00" by default.
    pub working_hours: Option<Spanned<String>>,
    /// Dates ("2026-12-25") with no business hours.
    #[serde(default)]
    pub holidays: Vec<Spanned<String>>,
    /// The response-time target, e.g. "24h", "2d", "90m" (default 24h).
    pub target: Option<Spanned<String>>,
    /// Whether the target counts "business" hours (default) or "calendar" time.
    pub target_clock: Option<Spanned<String>>,
}

/// Local parts that look like a box nobody reads: candidates must be able to answer.
const NO_REPLY: &[&str] = &[
    "noreply",
    "no-reply",
    "no_reply",
    "donotreply",
    "do-not-reply",
    "do_not_reply",
    "nereply",
    "mailer-daemon",
];

/// The dotted key ("imap.security") of the `key = value` line holding byte `at`, with the
/// table it is in; None when that line is not a key/value line.
fn key_at(src: &str, at: usize) -> Option<String> {
    let at = at.min(src.len());
    let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = src[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') || key.starts_with('#') {
        return None;
    }
    let table = src[..start].lines().rev().find_map(|l| {
        let l = l.trim();
        l.starts_with('[')
            .then(|| l.trim_matches(['[', ']']).trim().to_string())
    });
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key.to_string(),
    })
}

fn line_of(src: &str, span: Range<usize>) -> usize {
    src[..span.start.min(src.len())].matches('\n').count() + 1
}

/// Is `host` a loopback name or address (where `security = "none"` is allowed)?
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let src = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.display().to_string(),
            line: 0,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Config::parse(&path.display().to_string(), &src).map(|mut c| {
            c.path = path.to_owned();
            c
        })
    }

    pub fn parse(file: &str, src: &str) -> Result<Config, ConfigError> {
        let err = |span: Range<usize>, message: String| ConfigError {
            file: file.to_string(),
            line: line_of(src, span),
            message,
        };
        let cfg: Config = toml::from_str(src).map_err(|e| {
            let message = e.message().trim().replace('\n', " ");
            // serde names no key: the key is the one written on the offending line.
            let message = match e.span().and_then(|s| key_at(src, s.start)) {
                Some(k)
                    if !message.contains(&format!("`{}`", k.rsplit('.').next().unwrap_or(&k))) =>
                {
                    format!("{k}: {message}")
                }
                _ => message,
            };
            ConfigError {
                file: file.to_string(),
                line: e.span().map(|s| line_of(src, s)).unwrap_or(0),
                message,
            }
        })?;
        let addr = &cfg.identity.address;
        let a = addr.get_ref().trim().to_lowercase();
        let local = a.split('@').next().unwrap_or("");
        if !a.contains('@') {
            return Err(err(
                addr.span(),
                format!("identity.address {a:?} is not an email address"),
            ));
        }
        if NO_REPLY
            .iter()
            .any(|n| local.replace(['.', '+'], "-").contains(n) || local.contains(n))
        {
            return Err(err(
                addr.span(),
                format!(
                    "identity.address {a:?} looks like a no-reply box; candidates must be able to answer, \
                     so use the shared mailbox they can write back to"
                ),
            ));
        }
        for (name, server) in [("imap", &cfg.imap), ("smtp", &cfg.smtp)] {
            let Some(s) = server else { continue };
            let s = s.get_ref();
            if *s.security.get_ref() == Security::None && !is_loopback(s.host.get_ref()) {
                return Err(err(
                    s.security.span(),
                    format!(
                        "{name}.security = \"none\" is only allowed for loopback hosts (not {:?}): \
                         use \"tls\" or \"starttls\"",
                        s.host.get_ref()
                    ),
                ));
            }
            let sources = [
                s.password_command.is_some(),
                s.password_env.is_some(),
                s.oauth2_token_command.is_some(),
            ];
            if s.auth == Auth::Xoauth2 && s.oauth2_token_command.is_none() {
                return Err(err(
                    server.as_ref().unwrap().span(),
                    format!("{name}.auth = \"xoauth2\" needs {name}.oauth2_token_command"),
                ));
            }
            if s.auth != Auth::Xoauth2 && !sources[0] && !sources[1] {
                return Err(err(
                    server.as_ref().unwrap().span(),
                    format!(
                        "[{name}] needs password_command or password_env (passwords are never written in the file)"
                    ),
                ));
            }
            if let Some(m) = &s.max_message_size {
                if name != "smtp" {
                    return Err(err(
                        m.span(),
                        "imap.max_message_size: the size limit belongs in [smtp]".into(),
                    ));
                }
                if m.get_ref().bytes().is_none_or(|b| b == 0) {
                    return Err(err(
                        m.span(),
                        "smtp.max_message_size expects a size in bytes or like \"25MB\" or \"10 MiB\""
                            .into(),
                    ));
                }
            }
            if let Some(ca) = &s.ca_file
                && !ca.get_ref().exists()
            {
                return Err(err(
                    ca.span(),
                    format!("{name}.ca_file {} does not exist", ca.get_ref().display()),
                ));
            }
        }
        if let Some(r) = &cfg.reports {
            let r = r.get_ref();
            r.schedule().map_err(|(span, m)| err(span, m))?;
            r.target().map_err(|(span, m)| err(span, m))?;
        }
        for (name, q) in &cfg.views {
            if name.trim().is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(err(
                    q.span(),
                    format!(
                        "views: {name:?} is not a view name: use letters, digits and - (e.g. rust-due)"
                    ),
                ));
            }
            if let Err(e) = q.get_ref().parse::<crate::query::Query>() {
                return Err(err(q.span(), format!("views.{name}: {e}")));
            }
        }
        if let Some(w) = &cfg.web {
            // The table's own span may start before its header: name the `[web]` line.
            let mut at = 0;
            let header = src
                .split_inclusive('\n')
                .find_map(|l| {
                    let start = at;
                    at += l.len();
                    (l.trim() == "[web]").then_some(start..start + l.len())
                })
                .unwrap_or_else(|| w.span());
            w.get_ref()
                .check(header)
                .map_err(|(span, m)| err(span, m))?;
        }
        Ok(cfg)
    }

    /// The saved views, in the order the file has them: (name, query).
    pub fn views(&self) -> Vec<(String, String)> {
        let mut v: Vec<(&String, &Spanned<String>)> = self.views.iter().collect();
        v.sort_by_key(|(_, q)| q.span().start);
        v.into_iter()
            .map(|(n, q)| (n.clone(), q.get_ref().clone()))
            .collect()
    }

    /// The team's working week (the system zone, Monday to Friday 09:00-17:00 by default).
    pub fn schedule(&self) -> crate::responses::hours::Schedule {
        match &self.reports {
            Some(r) => r
                .get_ref()
                .schedule()
                .unwrap_or_else(|_| default_schedule()),
            None => default_schedule(),
        }
    }

    /// The response-time target (24 business hours by default).
    pub fn target(&self) -> crate::responses::report::Target {
        self.reports
            .as_ref()
            .and_then(|r| r.get_ref().target().ok())
            .unwrap_or_default()
    }

    /// The largest message rapport queues for sending.
    pub fn max_message_size(&self) -> u64 {
        self.smtp
            .as_ref()
            .and_then(|s| s.get_ref().max_message_size.as_ref())
            .and_then(|m| m.get_ref().bytes())
            .unwrap_or(DEFAULT_MAX_MESSAGE_SIZE)
    }

    /// `[web]` with its defaults (no section: no links, the unsubscribe address only).
    pub fn web(&self) -> crate::web::WebSettings {
        self.web
            .as_ref()
            .map(|w| w.get_ref().settings())
            .unwrap_or_default()
    }

    pub fn shared_address(&self) -> String {
        self.identity.address.get_ref().trim().to_lowercase()
    }
}

fn default_schedule() -> crate::responses::hours::Schedule {
    crate::responses::hours::Schedule::office(jiff::tz::TimeZone::system())
}

type SpanError = (Range<usize>, String);

impl Reports {
    /// Validated; errors carry the span of the offending value.
    pub fn schedule(&self) -> Result<crate::responses::hours::Schedule, SpanError> {
        use crate::responses::hours::Schedule;
        let mut s = match &self.timezone {
            Some(tz) => Schedule::office(jiff::tz::TimeZone::get(tz.get_ref()).map_err(|_| {
                (
                    tz.span(),
                    format!(
                        "reports.timezone {:?} is not a time zone name like \"Europe/Berlin\"",
                        tz.get_ref()
                    ),
                )
            })?),
            None => default_schedule(),
        };
        if let Some(days) = &self.working_days {
            s.working_days = [false; 7];
            for d in days.get_ref() {
                let i = Schedule::parse_day(d)
                    .map_err(|m| (days.span(), format!("reports.working_days: {m}")))?;
                s.working_days[i] = true;
            }
        }
        if let Some(h) = &self.working_hours {
            (s.open, s.close) = Schedule::parse_hours(h.get_ref())
                .map_err(|m| (h.span(), format!("reports.working_hours: {m}")))?;
        }
        for h in &self.holidays {
            let d: jiff::civil::Date = h.get_ref().parse().map_err(|_| {
                (
                    h.span(),
                    format!(
                        "reports.holidays: {:?} is not a date like \"2026-12-25\"",
                        h.get_ref()
                    ),
                )
            })?;
            s.holidays.insert(d);
        }
        Ok(s)
    }

    pub fn target(&self) -> Result<crate::responses::report::Target, SpanError> {
        use crate::responses::report::{Clock, Target};
        let mut t = Target::default();
        if let Some(v) = &self.target {
            t.secs = crate::timefmt::parse_duration(v.get_ref()).ok_or_else(|| {
                (
                    v.span(),
                    format!(
                        "reports.target {:?} is not a duration like \"24h\", \"2d\" or \"90m\"",
                        v.get_ref()
                    ),
                )
            })?;
        }
        if let Some(c) = &self.target_clock {
            t.clock = match c.get_ref().as_str() {
                "business" => Clock::Business,
                "calendar" => Clock::Calendar,
                other => {
                    return Err((
                        c.span(),
                        format!(
                            "reports.target_clock {other:?} must be \"business\" or \"calendar\""
                        ),
                    ));
                }
            };
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
[identity]
team = "Northwind Talent"
address = "talent@northwind.example"

[[team]]
address = "alice@northwind.example"
name = "Alice Moreau"

[imap]
host = "imap.northwind.example"
security = "tls"
username = "talent@northwind.example"
password_command = "pass show imap"
"#;

    #[test]
    fn a_valid_file_parses() {
        let c = Config::parse("c.toml", OK).unwrap();
        assert_eq!(c.shared_address(), "talent@northwind.example");
        assert_eq!(c.team.len(), 1);
        assert_eq!(c.imap.unwrap().get_ref().auth, Auth::Login);
    }

    #[test]
    fn a_no_reply_address_is_refused_with_its_line() {
        for bad in [
            "noreply@x.example",
            "no-reply@x.example",
            "do-not-reply@x.example",
            "DoNotReply@x.example",
        ] {
            let src = OK.replace(
                "talent@northwind.example\"\n\n[[team]]",
                &format!("{bad}\"\n\n[[team]]"),
            );
            let e = Config::parse("c.toml", &src).unwrap_err();
            assert_eq!(e.line, 4, "{bad}: {e}");
            assert!(
                e.to_string().starts_with("c.toml:4: identity.address"),
                "{e}"
            );
            assert!(e.message.contains("no-reply"), "{e}");
        }
    }

    #[test]
    fn an_unknown_key_names_the_line_and_the_key() {
        let src = OK.replace("username =", "usernme =");
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert_eq!(e.line, 13, "{e}");
        assert!(e.message.contains("usernme"), "{e}");
    }

    #[test]
    fn plaintext_is_only_for_loopback() {
        let src = OK.replace("security = \"tls\"", "security = \"none\"");
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert_eq!(e.line, 12);
        assert!(e.message.contains("loopback"), "{e}");
        let src = src.replace("imap.northwind.example", "127.0.0.1");
        assert!(Config::parse("c.toml", &src).is_ok());
    }

    #[test]
    fn a_bad_value_names_its_line() {
        let src = OK.replace("security = \"tls\"", "security = \"ssl\"");
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert_eq!(e.line, 12, "{e}");
        assert!(
            e.message.contains("ssl") || e.message.contains("variant"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_key_the_line_and_the_words_allowed() {
        let src = OK.replace("security = \"tls\"", "security = 5");
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert_eq!(e.line, 12, "{e}");
        assert!(
            e.to_string().starts_with("c.toml:12: imap.security: "),
            "{e}"
        );
        assert!(
            e.message
                .contains(r#"expected one of "tls", "starttls", "none""#),
            "{e}"
        );
        let src = OK.replace("security = \"tls\"", "security = \"ssl\"");
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert!(
            e.message.contains("imap.security") && e.message.contains("\"ssl\""),
            "{e}"
        );
    }

    #[test]
    fn a_duplicate_key_names_the_key_and_its_line() {
        let src = OK.replace(
            "username = \"talent@northwind.example\"\n",
            "username = \"talent@northwind.example\"\nusername = \"other\"\n",
        );
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert_eq!(e.line, 14, "{e}");
        assert!(e.message.contains("username"), "{e}");
        assert!(e.message.contains("duplicate"), "{e}");
    }

    #[test]
    fn a_size_limit_parses_and_a_bad_one_is_named() {
        let smtp = "\n[smtp]\nhost = \"smtp.x.example\"\nsecurity = \"tls\"\nusername = \"u\"\npassword_env = \"P\"\n";
        let c = Config::parse("c.toml", &format!("{OK}{smtp}")).unwrap();
        assert_eq!(c.max_message_size(), DEFAULT_MAX_MESSAGE_SIZE);
        for (v, bytes) in [
            ("\"10MB\"", 10_000_000),
            ("\"2 MiB\"", 2 << 20),
            ("5000", 5000),
        ] {
            let c =
                Config::parse("c.toml", &format!("{OK}{smtp}max_message_size = {v}\n")).unwrap();
            assert_eq!(c.max_message_size(), bytes, "{v}");
        }
        let e = Config::parse("c.toml", &format!("{OK}{smtp}max_message_size = \"big\"\n"))
            .unwrap_err();
        assert!(e.message.contains("smtp.max_message_size"), "{e}");
        assert_eq!(e.line, 21, "{e}");
    }

    #[test]
    fn views_keep_their_order_and_a_bad_query_names_its_line() {
        let src = format!(
            "{OK}\n[views]\nrust-due = \"interest:rust channel:email due:yes\"\nmine = \"assigned:me\"\n"
        );
        let c = Config::parse("c.toml", &src).unwrap();
        assert_eq!(
            c.views(),
            [
                (
                    "rust-due".to_string(),
                    "interest:rust channel:email due:yes".to_string()
                ),
                ("mine".to_string(), "assigned:me".to_string())
            ]
        );
        let bad = src.replace("interest:rust", "intrest:rust");
        let e = Config::parse("c.toml", &bad).unwrap_err();
        assert_eq!(e.line, 17, "{e}");
        assert!(
            e.to_string().starts_with(
                "c.toml:17: views.rust-due: unknown field \"intrest\" in \"intrest:rust\" (at 1)"
            ),
            "{e}"
        );
    }

    #[test]
    fn the_web_section_parses_with_defaults_and_errors_name_their_line() {
        assert_eq!(
            Config::parse("c.toml", OK).unwrap().web(),
            crate::web::WebSettings::default()
        );
        let web = "\n[web]\nbase_url = \"https://talent.example.com/\"\nunsubscribe_scope = \"topic\"\nkey_grace_days = 30\n\n[web.footer]\nde = \"Ihre Wünsche: {page}\"\n";
        let w = Config::parse("c.toml", &format!("{OK}{web}"))
            .unwrap()
            .web();
        assert_eq!(w.base_url.as_deref(), Some("https://talent.example.com"));
        assert!(w.links);
        assert_eq!(w.listen, "127.0.0.1:8425");
        assert_eq!(w.unsubscribe_scope, crate::web::UnsubscribeScope::Topic);
        assert_eq!(w.key_grace_days, 30);
        assert_eq!(w.footers["de"], "Ihre Wünsche: {page}");
        // Errors, each on its own line (OK ends on line 14; [web] is line 16).
        for (extra, line, words) in [
            ("[web]\nlisten = \"1.2.3.4:80\"\n", 16, "base_url"),
            ("[web]\nbase_url = \"ftp://x\"\n", 17, "web.base_url"),
            (
                "[web]\nbase_url = \"http://talent.example.com\"\n",
                17,
                "https",
            ),
            (
                "[web]\nlinks = false\nlisten = \"nowhere\"\n",
                18,
                "web.listen",
            ),
            (
                "[web]\nlinks = false\nunsubscribe_scope = \"some\"\n",
                18,
                "\"all-email\", \"topic\"",
            ),
            (
                "[web]\nlinks = false\n[web.footer]\nen = \"see {page}\"\n",
                19,
                "web.footer.en",
            ),
            (
                "[web]\nbase_url = \"https://x.example\"\n[web.footer]\nen = \"no link\"\n",
                19,
                "{page}",
            ),
        ] {
            let e = Config::parse("c.toml", &format!("{OK}\n{extra}")).unwrap_err();
            assert_eq!(e.line, line, "{extra}: {e}");
            assert!(e.message.contains(words), "{extra}: {e}");
        }
        // No web server: the unsubscribe address only.
        let w = Config::parse("c.toml", &format!("{OK}\n[web]\nlinks = false\n"))
            .unwrap()
            .web();
        assert!(!w.links && w.base_url.is_none());
        let w = Config::parse(
            "c.toml",
            &format!("{OK}\n[web]\nbase_url = \"http://localhost:8425\"\n"),
        )
        .unwrap()
        .web();
        assert_eq!(w.link_base(), Some("http://localhost:8425"));
    }

    #[test]
    fn a_password_source_is_required() {
        let src = OK.replace("password_command = \"pass show imap\"\n", "");
        let e = Config::parse("c.toml", &src).unwrap_err();
        assert!(
            e.message.contains("password_command or password_env"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod example {
    #[test]
    fn the_example_config_parses() {
        let src = include_str!("../../../config.example.toml");
        let c = super::Config::parse("config.example.toml", src).unwrap();
        assert_eq!(c.team.len(), 2);
        assert!(c.imap.is_some() && c.smtp.is_some());
    }
}
