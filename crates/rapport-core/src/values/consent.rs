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
}

impl ChangeSource {
    pub const ALL: [ChangeSource; 4] = [
        ChangeSource::Recruiter,
        ChangeSource::Candidate,
        ChangeSource::Message,
        ChangeSource::CallNote,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::Recruiter => "recruiter",
            ChangeSource::Candidate => "candidate",
            ChangeSource::Message => "message",
            ChangeSource::CallNote => "call-note",
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
