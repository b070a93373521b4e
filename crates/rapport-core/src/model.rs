//! Plain data types shared by the core and the UI.

use serde::Serialize;

/// Whether a message was written by the team (outbound) or to it (inbound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
    pub fn parse(s: &str) -> Direction {
        if s == "outbound" {
            Direction::Outbound
        } else {
            Direction::Inbound
        }
    }
}

/// One address with its (sanitized) display name. `address` is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

impl Mailbox {
    /// "Name <addr>" or just "addr".
    pub fn display(&self) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => format!("{n} <{}>", self.address),
            _ => self.address.clone(),
        }
    }
}

/// An attachment as listed in the conversation (never opened by rapport).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub size: u64,
}

/// A raw RFC 5322 message turned into what rapport stores. Every text field is already
/// sanitized for display (see `core::sanitize`).
#[derive(Debug, Clone, Default)]
pub struct ParsedMessage {
    /// Message-ID without angle brackets; `None` when the header is missing or unusable.
    pub message_id: Option<String>,
    /// In-Reply-To ids (without angle brackets), in header order.
    pub in_reply_to: Vec<String>,
    /// References ids (without angle brackets), in header order, duplicates and self removed.
    pub references: Vec<String>,
    pub from: Option<Mailbox>,
    pub sender: Option<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub subject: String,
    /// Date header as unix seconds; `None` when missing or unparseable.
    pub date: Option<i64>,
    /// The best text body: text/plain, else HTML rendered as text.
    pub body: String,
    pub body_was_html: bool,
    pub attachments: Vec<Attachment>,
    /// Auto-replies, bounces, bulk/list mail: they never start or stop a wait.
    pub automated: bool,
    /// `automated` only because of a `List-Unsubscribe` header, which all of our own mail
    /// carries: the store does not count that against mail from the team.
    pub list_unsubscribe_only: bool,
    /// Hex SHA-256 over what identifies the content (from, date, subject, body), used to tell
    /// a re-delivered copy (same id, same content) from a different message reusing an id.
    pub content_hash: String,
    /// The headers policy checks read (see `parse::headers::KEPT`), decoded leniently.
    pub headers: Vec<(String, String)>,
    /// Things that could not be read; the message is still stored.
    pub problems: Vec<String>,
}

/// A way to reach a candidate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Phone,
    Sms,
    Linkedin,
    /// A meeting in person or by video (contact log only).
    Meeting,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Email,
        Channel::Phone,
        Channel::Sms,
        Channel::Linkedin,
        Channel::Meeting,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Sms => "sms",
            Channel::Linkedin => "linkedin",
            Channel::Meeting => "meeting",
        }
    }
}

crate::values::text_value!(Channel, "channel");

/// How often a candidate agreed to hear from us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Frequency {
    Weekly,
    Biweekly,
    Monthly,
    Quarterly,
    /// Only answer when the candidate writes first.
    OnlyWhenTheyWrite,
    Never,
}

impl Frequency {
    pub const ALL: [Frequency; 6] = [
        Frequency::Weekly,
        Frequency::Biweekly,
        Frequency::Monthly,
        Frequency::Quarterly,
        Frequency::OnlyWhenTheyWrite,
        Frequency::Never,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Biweekly => "biweekly",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::OnlyWhenTheyWrite => "only-when-they-write",
            Frequency::Never => "never",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Weekly => "weekly",
            Frequency::Biweekly => "every two weeks",
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::OnlyWhenTheyWrite => "only when they write first",
            Frequency::Never => "never",
        }
    }
}

crate::values::text_value!(Frequency, "frequency");

/// Outcome of a logged (non-email) contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Talked,
    Voicemail,
    NoAnswer,
    /// A message sent or received on another channel (LinkedIn, SMS).
    Delivered,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Talked,
        Outcome::Voicemail,
        Outcome::NoAnswer,
        Outcome::Delivered,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Talked => "talked",
            Outcome::Voicemail => "voicemail",
            Outcome::NoAnswer => "no-answer",
            Outcome::Delivered => "delivered",
        }
    }
}

crate::values::text_value!(Outcome, "outcome");

/// What a candidate told us, as currently recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Preferences {
    /// Allowed channels; empty means "not recorded" unless `no_contact` is set.
    pub channels: Vec<Channel>,
    pub preferred: Option<Channel>,
    pub frequency: Option<Frequency>,
    pub interests: Vec<String>,
    pub language: Option<String>,
    pub timezone: Option<String>,
    /// The candidate wants no contact on any channel ("none at all").
    pub no_channel: bool,
}

/// A contact made outside email (a call, a meeting, a LinkedIn message).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactEntry {
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    /// Unix seconds.
    pub at: i64,
    pub note: String,
    pub recorded_by: String,
}
