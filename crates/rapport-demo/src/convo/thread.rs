//! Message kinds and the threads they make up.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum K {
    Outreach,
    CheckIn,
    FollowUp,
    AutoReply,
    Interested,
    AskQuestions,
    AnswerQuestions,
    ProposeTimes,
    ConfirmCall,
    AfterCall,
    SendCv,
    ThanksCv,
    InterviewInvite,
    PickSlot,
    ConfirmInterview,
    Debrief,
    FeedbackGood,
    FeedbackBad,
    Offer,
    OfferQuestion,
    OfferAnswer,
    Accept,
    Congrats,
    Disappointed,
    StayInTouch,
    NotNow,
    AckNotNow,
    Decline,
    AckDecline,
    NearMiss,
    AckNearMiss,
    Referral,
    AckReferral,
    OptOut,
    Application,
    AckApplication,
    AnswerApplication,
    ProposeCall,
    AcceptCallTime,
    CallBooked,
    Return,
    Nudge,
    NudgeLate,
}

impl K {
    pub(super) fn inbound(self) -> bool {
        use K::*;
        matches!(
            self,
            AutoReply
                | Interested
                | AskQuestions
                | ProposeTimes
                | SendCv
                | PickSlot
                | Debrief
                | OfferQuestion
                | Accept
                | Disappointed
                | NotNow
                | Decline
                | NearMiss
                | Referral
                | OptOut
                | Application
                | AnswerApplication
                | AcceptCallTime
                | Return
                | Nudge
                | NudgeLate
        )
    }
    pub(super) fn starts_thread(self) -> bool {
        matches!(self, K::Outreach | K::CheckIn | K::Application | K::Return)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Forced {
    Free,
    /// The two-address candidate's first thread: an engaged conversation.
    Engaged,
    NearMiss,
    /// Never replies (opt-out candidates before their request).
    Quiet,
}

/// A written message, remembered for replies and quotes.
#[derive(Clone)]
pub(super) struct Snap {
    pub(super) kind: K,
    pub(super) t: i64,
    pub(super) inbound: bool,
    pub(super) id: String,
    pub(super) text: String,
    /// The text with the history it quoted, as a reply would quote it (realistic sizes only;
    /// empty otherwise).
    pub(super) history: String,
    pub(super) from_name: String,
    pub(super) from_addr: String,
    pub(super) from_header: String,
    pub(super) subject: String,
}

pub(super) struct Pending {
    pub(super) t: i64,
    pub(super) automated: bool,
    pub(super) bytes: Vec<u8>,
    pub(super) snap: Snap,
}

pub(super) struct Thread {
    pub(super) base: String,
    pub(super) role: usize,
    pub(super) rec: usize,
    pub(super) own_addr: bool,
    pub(super) forced: Forced,
    pub(super) pending: Vec<Pending>,
    pub(super) committed: usize,
    pub(super) slots: Vec<i64>,
    pub(super) chosen: i64,
    pub(super) meeting: bool,
    pub(super) cv_sent: bool,
    pub(super) rounds: u32,
    pub(super) followed_up: bool,
    pub(super) auto_return: i64,
    pub(super) month: String,
}

impl Thread {
    /// The last message that is not automated: what a reply answers.
    pub(super) fn last(&self) -> Option<&Snap> {
        self.pending
            .iter()
            .rev()
            .find(|p| !p.automated)
            .map(|p| &p.snap)
    }
    pub(super) fn chain(&self) -> Vec<String> {
        self.pending
            .iter()
            .filter(|p| !p.automated)
            .map(|p| p.snap.id.clone())
            .collect()
    }
    pub(super) fn inbound_replies(&self) -> usize {
        self.pending
            .iter()
            .filter(|p| p.snap.inbound && !p.automated)
            .count()
    }
}
