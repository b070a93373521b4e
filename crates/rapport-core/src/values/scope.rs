//! What an opt-out covers: everything, one channel, or one topic.

use super::ParseValueError;
use crate::model::Channel;

/// What an opt-out (or a candidate's request to stop) covers. Stored and shown as "all",
/// "channel:<channel>" or "topic:<name>".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OptOutScope {
    /// No contact at all.
    All,
    /// No contact on this channel ("please don't call me": the phone).
    Channel(Channel),
    /// No mail about this topic (an interest, e.g. "sales roles").
    Topic(String),
}

const FORMS: &[&str] = &["all", "channel:<channel>", "topic:<name>"];

impl OptOutScope {
    /// Whether it stops email to the candidate altogether.
    pub fn stops_email(&self) -> bool {
        matches!(
            self,
            OptOutScope::All | OptOutScope::Channel(Channel::Email)
        )
    }

    /// Whether it stops a contact on `channel` about `topics`.
    pub fn covers(&self, channel: Channel, topics: &[String]) -> bool {
        match self {
            OptOutScope::All => true,
            OptOutScope::Channel(c) => *c == channel,
            OptOutScope::Topic(t) => topics.iter().any(|x| x.eq_ignore_ascii_case(t)),
        }
    }

    /// The topic, for a topic scope.
    pub fn topic(&self) -> Option<&str> {
        match self {
            OptOutScope::Topic(t) => Some(t),
            _ => None,
        }
    }
}

impl std::fmt::Display for OptOutScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptOutScope::All => f.write_str("all"),
            OptOutScope::Channel(c) => write!(f, "channel:{c}"),
            OptOutScope::Topic(t) => write!(f, "topic:{t}"),
        }
    }
}

impl std::str::FromStr for OptOutScope {
    type Err = ParseValueError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseValueError::new("opt-out scope", s, FORMS);
        if s == "all" {
            return Ok(OptOutScope::All);
        }
        if let Some(c) = s.strip_prefix("channel:") {
            // The channel's own error names the channels it could be.
            return Ok(OptOutScope::Channel(c.parse()?));
        }
        match s.strip_prefix("topic:") {
            Some(t) if !t.trim().is_empty() => Ok(OptOutScope::Topic(t.to_string())),
            _ => Err(bad()),
        }
    }
}

impl serde::Serialize for OptOutScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

super::sql_via_text!(OptOutScope);
