//! The candidate's side of rapport, as far as core goes: the `[web]` settings, link tokens
//! (`token`), and what every message we send carries so the candidate can leave or state
//! their wishes (`unsubscribe`: the List-Unsubscribe headers and the footer). The HTTP server
//! is a front end on top of this.

pub mod token;
pub mod unsubscribe;

use std::collections::BTreeMap;

/// What a mail to the unsubscribe address (or a one-click unsubscribe) opts out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnsubscribeScope {
    /// All e-mail from us (`channel:email`).
    #[default]
    AllEmail,
    /// The topics of the message they unsubscribed from (all e-mail when it had none).
    Topic,
}

/// `[web]` as rapport uses it (defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSettings {
    /// Where the team's reverse proxy serves `rapport serve` ("https://talent.example.com",
    /// no trailing slash); None without a `[web]` section.
    pub base_url: Option<String>,
    /// Where `rapport serve` listens.
    pub listen: String,
    /// Whether mail carries web links (preference page, one-click unsubscribe). False: the
    /// mailto address only, and a footer without a link.
    pub links: bool,
    pub unsubscribe_scope: UnsubscribeScope,
    /// The team's footer texts by language ("en", "de", ...), replacing the built-in ones.
    pub footers: BTreeMap<String, String>,
    /// How long a retired link key still verifies.
    pub key_grace_days: u32,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8425";
pub const DEFAULT_KEY_GRACE_DAYS: u32 = 90;

impl Default for WebSettings {
    /// No `[web]` section: no web server, so no links; the unsubscribe address still works.
    fn default() -> Self {
        WebSettings {
            base_url: None,
            listen: DEFAULT_LISTEN.into(),
            links: false,
            unsubscribe_scope: UnsubscribeScope::AllEmail,
            footers: BTreeMap::new(),
            key_grace_days: DEFAULT_KEY_GRACE_DAYS,
        }
    }
}

impl WebSettings {
    /// The base URL when links are on.
    pub fn link_base(&self) -> Option<&str> {
        self.base_url.as_deref().filter(|_| self.links)
    }

    pub fn grace_secs(&self) -> i64 {
        i64::from(self.key_grace_days) * 86_400
    }
}
