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
    /// The candidate chose it themselves, on their preference page (`rapport serve`).
    PreferencePage,
    /// The candidate's mail to the unsubscribe address (see the change's source message),
    /// recorded at sync with no recruiter involved.
    UnsubscribeMail,
}

impl ChangeSource {
    pub const ALL: [ChangeSource; 6] = [
        ChangeSource::Recruiter,
        ChangeSource::Candidate,
        ChangeSource::Message,
        ChangeSource::CallNote,
        ChangeSource::PreferencePage,
        ChangeSource::UnsubscribeMail,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::Recruiter => "recruiter",
            ChangeSource::Candidate => "candidate",
            ChangeSource::Message => "message",
            ChangeSource::CallNote => "call-note",
            ChangeSource::PreferencePage => "preference-page",
            ChangeSource::UnsubscribeMail => "unsubscribe-mail",
        }
    }

    /// Who said so, in words, for a history line: the one wording the TUI and CLI show.
    pub fn who(self, actor: &str) -> String {
        match self {
            ChangeSource::Candidate => format!("candidate said so, recorded by {actor}"),
            ChangeSource::PreferencePage => "the candidate, on their preference page".into(),
            ChangeSource::UnsubscribeMail => {
                "the candidate, by mail to the unsubscribe address".into()
            }
            _ => actor.to_string(),
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
    /// What the candidate chose themselves (their preference page).
    OwnChoice,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 3] = [
        LegalBasis::Consent,
        LegalBasis::LegitimateInterest,
        LegalBasis::OwnChoice,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegitimateInterest => "legitimate-interest",
            LegalBasis::OwnChoice => "own-choice",
        }
    }
    /// In words, for forms and history.
    pub fn label(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::LegitimateInterest => "legitimate interest",
            LegalBasis::OwnChoice => "the candidate's own choice",
        }
    }
}

super::text_value!(LegalBasis, "legal basis");

/// What a candidate asked for about their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataRequestKind {
    /// A copy of everything we hold (GDPR art. 15).
    Copy,
    /// Erasure (GDPR art. 17).
    Erasure,
}

impl DataRequestKind {
    pub const ALL: [DataRequestKind; 2] = [DataRequestKind::Copy, DataRequestKind::Erasure];
    pub fn as_str(self) -> &'static str {
        match self {
            DataRequestKind::Copy => "copy",
            DataRequestKind::Erasure => "erasure",
        }
    }
    /// In words, for the inbox and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            DataRequestKind::Copy => "a copy of their data",
            DataRequestKind::Erasure => "erasure of their data",
        }
    }
}

super::text_value!(DataRequestKind, "data request");
