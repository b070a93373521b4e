//! What a candidate's answer to the question mail proposes to change (`consent::answers`
//! reads it; the store keeps it as JSON until a recruiter accepts, edits or dismisses it).

use crate::model::{Channel, Frequency};

/// Proposed changes read from a candidate's answer. Everything not said stays "not said":
/// `None`, or an empty list.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Proposal {
    /// `Some(false)`: no contact at all; `Some(true)`: they say they are happy to hear from us.
    #[serde(default)]
    pub contact: Option<bool>,
    /// The channels they name as acceptable (never `Meeting`), sorted, once each.
    #[serde(default)]
    pub channels: Vec<Channel>,
    #[serde(default)]
    pub preferred: Option<Channel>,
    #[serde(default)]
    pub frequency: Option<Frequency>,
    /// Lower-case tags they want to hear about, sorted, once each.
    #[serde(default)]
    pub interests: Vec<String>,
    /// Lower-case tags they never want to hear about, sorted, once each.
    #[serde(default)]
    pub not_topics: Vec<String>,
    /// "en", "de", "fr" or "es", when they state a preference.
    #[serde(default)]
    pub language: Option<String>,
}

impl Proposal {
    /// Nothing was said that we could read.
    pub fn is_empty(&self) -> bool {
        self == &Proposal::default()
    }

    /// The JSON kept in the store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Reads the stored JSON; a malformed one is an error naming it.
    pub fn from_json(s: &str) -> Result<Proposal, super::ParseValueError> {
        serde_json::from_str(s)
            .map_err(|_| super::ParseValueError::new("answer proposal", s, &["a JSON object"]))
    }

    /// Sorts and dedups the lists; the preferred channel is among the allowed ones; "no
    /// contact" allows no channel.
    pub fn normalised(mut self) -> Proposal {
        self.channels.retain(|c| *c != Channel::Meeting);
        if self.preferred == Some(Channel::Meeting) {
            self.preferred = None;
        }
        if self.contact == Some(false) {
            self.channels.clear();
            self.preferred = None;
        }
        if let Some(p) = self.preferred
            && !self.channels.contains(&p)
        {
            self.channels.push(p);
        }
        self.channels.sort();
        self.channels.dedup();
        for v in [&mut self.interests, &mut self.not_topics] {
            for t in v.iter_mut() {
                *t = t.trim().to_lowercase();
            }
            v.retain(|t| !t.is_empty());
            v.sort();
            v.dedup();
        }
        // Said both ways: what they never want wins.
        let not = self.not_topics.clone();
        self.interests.retain(|t| !not.contains(t));
        self
    }
}

/// One line for the banner and the CLI: "email only · every three months · rust, remote".
impl std::fmt::Display for Proposal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        match self.contact {
            Some(false) => parts.push("no contact at all".into()),
            Some(true) if self.channels.is_empty() => parts.push("happy to be contacted".into()),
            _ => {}
        }
        if !self.channels.is_empty() {
            let names: Vec<&str> = self.channels.iter().map(|c| c.as_str()).collect();
            let mut s = if names.len() == 1 {
                format!("{} only", names[0])
            } else {
                names.join(" or ")
            };
            if let Some(p) = self.preferred
                && names.len() > 1
            {
                s.push_str(&format!(" ({} preferred)", p.as_str()));
            }
            parts.push(s);
        }
        if let Some(fr) = self.frequency {
            parts.push(match fr {
                Frequency::Quarterly => "every three months".into(),
                Frequency::Never => "never".into(),
                other => other.label().into(),
            });
        }
        if !self.interests.is_empty() {
            parts.push(self.interests.join(", "));
        }
        if !self.not_topics.is_empty() {
            parts.push(format!("nothing about {}", self.not_topics.join(", ")));
        }
        if let Some(l) = &self.language {
            parts.push(format!("in {}", language_name(l)));
        }
        if parts.is_empty() {
            return f.write_str("nothing we could read");
        }
        f.write_str(&parts.join(" · "))
    }
}

/// "de" → "German" (the four languages we write in; anything else as it is).
pub fn language_name(code: &str) -> &str {
    match code {
        "en" => "English",
        "de" => "German",
        "fr" => "French",
        "es" => "Spanish",
        other => other,
    }
}
