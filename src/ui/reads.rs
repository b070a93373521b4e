//! Everything the UI reads, as one trait. The app reads its `Store`; pure `update` tests hand
//! the state a fake that answers from memory, so keys, forms and selection are tested without
//! SQLite. Each method is the store's query of the same name.

use rapport_core::actions::share;
use rapport_core::consent::policy::{self, Verdict};
use rapport_core::mail_out::compose::Draft;
use rapport_core::model::Channel;
use rapport_core::responses::hours::Schedule;
use rapport_core::responses::report::{self, Clock, Period, Report, Target};
use rapport_core::store::{
    Assignment, ColleagueActivity, Conversation, DataRequest, InboxQuery, InboxRow, LedgerEntry,
    MessageView, Presence, Profile, Result, ShareRow, Snooze, Store, StoreError,
};

pub trait Reads {
    fn inbox_count(&self, q: &InboxQuery) -> Result<usize>;
    fn inbox_page(&self, q: &InboxQuery, offset: usize, limit: usize) -> Result<Vec<InboxRow>>;
    fn inbox_position(&self, q: &InboxQuery, candidate: i64) -> Result<Option<usize>>;
    fn conversation(&self, candidate: i64, limit: usize) -> Result<Conversation>;
    fn profile(&self, candidate: i64) -> Result<Option<Profile>>;
    fn ledger(&self, candidate: i64) -> Result<Vec<LedgerEntry>>;
    fn unacknowledged_suppressed_arrivals(&self) -> Result<i64>;
    /// Candidates' open requests for a copy or the erasure of their data, the one due first
    /// first.
    fn open_data_requests(&self) -> Result<Vec<DataRequest>>;
    /// The candidate's newest saved draft: (draft id, the message it answers, its text).
    fn latest_draft(&self, candidate: i64) -> Result<Option<(i64, Option<i64>, String)>>;
    /// A reply to `parent`, threaded under it (`when` dates the quote's attribution).
    fn reply_draft(&self, parent: &MessageView, when: &str) -> Result<Draft>;
    fn assignment(&self, candidate: i64) -> Result<Option<Assignment>>;
    fn snooze_of(&self, candidate: i64) -> Result<Option<Snooze>>;
    fn presence_of_others(&self, own: &str, now: i64) -> Result<Vec<Presence>>;
    /// Whether the candidate's wishes let an email to `to` about `topics` go now: the queue's
    /// own check, asked before an editor opens and in the review.
    fn send_verdict(
        &self,
        candidate: i64,
        to: &[String],
        topics: &[String],
        now: i64,
    ) -> Result<Verdict>;
    /// Colleagues' mail and logged contacts with the candidate since `since`.
    fn colleague_activity(
        &self,
        candidate: i64,
        since: i64,
        me: &str,
    ) -> Result<Vec<ColleagueActivity>>;
    /// Business hours and the response target the reports use.
    fn report_settings(&self) -> (Schedule, Target);
    fn report(
        &self,
        schedule: &Schedule,
        target: Target,
        clock: Clock,
        period: Period,
    ) -> Result<Report>;
    /// Every share, newest first.
    fn shares(&self) -> Result<Vec<ShareRow>>;
    /// A share's progress and what followed it (`actions::share::report`).
    fn share_report(&self, id: i64) -> Result<share::Report>;
}

impl Reads for Store {
    fn inbox_count(&self, q: &InboxQuery) -> Result<usize> {
        Store::inbox_count(self, q)
    }
    fn inbox_page(&self, q: &InboxQuery, offset: usize, limit: usize) -> Result<Vec<InboxRow>> {
        Store::inbox_page(self, q, offset, limit)
    }
    fn inbox_position(&self, q: &InboxQuery, candidate: i64) -> Result<Option<usize>> {
        Store::inbox_position(self, q, candidate)
    }
    fn conversation(&self, candidate: i64, limit: usize) -> Result<Conversation> {
        Store::conversation(self, candidate, limit)
    }
    fn profile(&self, candidate: i64) -> Result<Option<Profile>> {
        Store::profile(self, candidate)
    }
    fn ledger(&self, candidate: i64) -> Result<Vec<LedgerEntry>> {
        Store::ledger(self, candidate)
    }
    fn unacknowledged_suppressed_arrivals(&self) -> Result<i64> {
        Store::unacknowledged_suppressed_arrivals(self)
    }
    fn open_data_requests(&self) -> Result<Vec<DataRequest>> {
        Store::open_data_requests(self)
    }
    fn latest_draft(&self, candidate: i64) -> Result<Option<(i64, Option<i64>, String)>> {
        Store::latest_draft(self, candidate)
    }
    fn reply_draft(&self, parent: &MessageView, when: &str) -> Result<Draft> {
        rapport_core::actions::queue::reply_draft(self, parent, when)
    }
    fn assignment(&self, candidate: i64) -> Result<Option<Assignment>> {
        Store::assignment(self, candidate)
    }
    fn snooze_of(&self, candidate: i64) -> Result<Option<Snooze>> {
        Store::snooze_of(self, candidate)
    }
    fn presence_of_others(&self, own: &str, now: i64) -> Result<Vec<Presence>> {
        Store::presence_of_others(self, own, now)
    }
    fn send_verdict(
        &self,
        candidate: i64,
        to: &[String],
        topics: &[String],
        now: i64,
    ) -> Result<Verdict> {
        policy::check(self, Some(candidate), to, Channel::Email, topics, now)
    }
    fn colleague_activity(
        &self,
        candidate: i64,
        since: i64,
        me: &str,
    ) -> Result<Vec<ColleagueActivity>> {
        let root = Store::merged_root(self, candidate)?;
        Store::colleague_activity(self, root, since, me)
    }
    fn report_settings(&self) -> (Schedule, Target) {
        report::settings(None, self)
    }
    fn report(
        &self,
        schedule: &Schedule,
        target: Target,
        clock: Clock,
        period: Period,
    ) -> Result<Report> {
        report::from_store(self, schedule, target, clock, period)
    }
    fn shares(&self) -> Result<Vec<ShareRow>> {
        Store::shares(self)
    }
    fn share_report(&self, id: i64) -> Result<share::Report> {
        share::report(self, id).map_err(|e| StoreError::Invalid(e.to_string()))
    }
}
