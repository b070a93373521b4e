//! Where an outbox message is: its SMTP delivery and its copy in the Sent folder.

/// The SMTP side of an outbox message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Waiting for its (next) attempt.
    Queued,
    /// Being handed to the server now.
    Sending,
    /// The server accepted it.
    Sent,
    /// Refused for good (or out of attempts).
    Failed,
    /// The connection dropped during the data phase: it may or may not have been delivered.
    Unknown,
    /// Withdrawn by a recruiter or by an opt-out.
    Cancelled,
}

impl OutboxState {
    pub const ALL: [OutboxState; 6] = [
        OutboxState::Queued,
        OutboxState::Sending,
        OutboxState::Sent,
        OutboxState::Failed,
        OutboxState::Unknown,
        OutboxState::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Unknown => "unknown",
            OutboxState::Cancelled => "cancelled",
        }
    }
}

super::text_value!(OutboxState, "outbox state");

/// The copy of a sent message in the IMAP Sent folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SentCopyState {
    /// Still to be appended.
    Pending,
    /// Appended (or the server files it itself).
    Done,
    /// No IMAP Sent folder: the copy stays in rapport only.
    Local,
}

impl SentCopyState {
    pub const ALL: [SentCopyState; 3] = [
        SentCopyState::Pending,
        SentCopyState::Done,
        SentCopyState::Local,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            SentCopyState::Pending => "pending",
            SentCopyState::Done => "done",
            SentCopyState::Local => "local",
        }
    }
}

super::text_value!(SentCopyState, "Sent-copy state");
