//! What a candidate's summary is derived from, and the rules that derive it. The summary
//! (waits, next contact) is rewritten inside the write transaction that changes their mail,
//! contacts or preferences, so it is never stale; the rules themselves belong to the layers
//! that own them (`responses::waits`, `consent::policy`) and are handed to the store when it
//! is opened (see `crate::derived`). The store reads the inputs and writes the results.

use crate::model::Frequency;

/// The computations the store applies to derive a candidate's summary.
#[derive(Clone, Copy)]
pub struct Rules {
    /// All waits of one candidate, oldest first.
    pub waits: fn(&[Inbound], &[Response]) -> Vec<Wait>,
    /// When the candidate may next be contacted.
    pub next_contact: fn(&NextContactInputs) -> Next,
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rules")
    }
}

/// What the next contact is worked out from, as the store holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextContactInputs {
    pub frequency: Option<Frequency>,
    /// They want no contact on any channel.
    pub no_channel: bool,
    /// Our last contact: mail that left or a logged outbound contact.
    pub last_outbound: Option<i64>,
    /// Their last human message or logged inbound contact.
    pub last_inbound: Option<i64>,
    /// Mail to them still in the outbox (queued, not yet sent): it counts against their
    /// frequency like mail that left, though it answers nothing yet.
    pub last_queued: Option<i64>,
    /// An opt-out of all contact is in force.
    pub opted_out_of_all: bool,
}

/// When the candidate may next be contacted, by their frequency preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Any time (no frequency recorded, or the interval has passed, or they wrote since).
    Now,
    /// Not before this time (unix seconds).
    After(i64),
    /// Only once they write first.
    WhenTheyWrite,
    /// They asked never to be contacted (frequency "never", or no channel at all).
    Never,
}

/// A human message from the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inbound {
    pub message: i64,
    pub at: i64,
}

/// Something that ends a candidate's wait: an answer, or closing it without one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub at: i64,
    pub kind: EndKind,
    /// The message or contact-log id.
    pub id: i64,
    /// Who is credited: a recruiter's address or name; `None` when unknown (the shared box).
    pub by: Option<String>,
}

/// How a wait ended. Mail and a call where we talked are responses; the other two close the
/// wait without one and are counted apart in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndKind {
    Mail,
    Talked,
    /// A recruiter marked it "done, no reply needed".
    Done,
    /// The candidate opted out of all contact while waiting.
    OptedOut,
}

impl EndKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EndKind::Mail => "mail",
            EndKind::Talked => "talked",
            EndKind::Done => "done",
            EndKind::OptedOut => "opted-out",
        }
    }
    pub fn parse(s: &str) -> EndKind {
        match s {
            "talked" => EndKind::Talked,
            "done" => EndKind::Done,
            "opted-out" => EndKind::OptedOut,
            _ => EndKind::Mail,
        }
    }
    /// We answered the candidate (mail or a call where we talked), as opposed to closing the
    /// wait without a reply.
    pub fn is_response(self) -> bool {
        matches!(self, EndKind::Mail | EndKind::Talked)
    }
}

/// One wait of a candidate for our response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wait {
    pub start_message: i64,
    pub started_at: i64,
    /// Started by the candidate's first message: a first response time.
    pub first: bool,
    /// `None` while they are still waiting.
    pub end: Option<Response>,
}
