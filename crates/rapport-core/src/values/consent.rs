//! Who a preference or consent change came from, and on which legal basis we contact.

/// Who or what a change to a candidate's preferences or opt-outs came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeSource {
    /// A recruiter decided or entered it.
    Recruiter,
    /// The candidate said so (see the change's source message).
    Candidate,
    /// Recorded from the candidate's message (the opt-out banner, `--message`).
    Message,
    /// Written down from a call.
    CallNote,
    /// The candidate's mail to the unsubscribe address (see the change's source message),
    /// recorded at sync with no recruiter involved.
    UnsubscribeMail,
}

impl ChangeSource {
    pub const ALL: [ChangeSource; 5] = [
        ChangeSource::Recruiter,
        ChangeSource::Candidate,
        ChangeSource::Message,
        ChangeSource::CallNote,
        ChangeSource::UnsubscribeMail,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::Recruiter => "recruiter",
            ChangeSource::Candidate => "candidate",
            ChangeSource::Message => "message",
            ChangeSource::CallNote => "call-note",
            ChangeSource::UnsubscribeMail => "unsubscribe-mail",
        }
    }

    /// How history says the candidate said so themselves (None: someone else decided or
    /// wrote it down).
    pub fn said_by_candidate(self) -> Option<&'static str> {
        match self {
            ChangeSource::Candidate => Some("candidate said so"),
            ChangeSource::UnsubscribeMail => {
                Some("the candidate, by mail to the unsubscribe address")
            }
            _ => None,
        }
    }
}

super::text_value!(ChangeSource, "change source");

/// The GDPR basis on which a candidate is contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegalBasis {
    Consent,
    LegitimateInterest,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 2] = [LegalBasis::Consent, LegalBasis::LegitimateInterest];
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegitimateInterest => "legitimate-interest",
        }
    }
    /// In words, for forms and history.
    pub fn label(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegitimateInterest => "legitimate interest",
        }
    }
}

super::text_value!(LegalBasis, "legal basis");
