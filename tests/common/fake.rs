//! An in-memory answer to the UI's reads (`ui::reads::Reads`), for pure `update` tests: no
//! SQLite, no files. Tests change `people` between actions to play a colleague's write.

use rapport::ui::reads::Reads;
use rapport_core::consent::policy::Verdict;
use rapport_core::mail_out::compose::Draft;
use rapport_core::model::Direction;
use rapport_core::query::{Expr, Term};
use rapport_core::responses::hours::Schedule;
use rapport_core::responses::report::{Clock, Period, Report, Target};
use rapport_core::store::{
    Assignment, ColleagueActivity, Conversation, DataRequest, InboxFilter, InboxQuery, InboxRow,
    LedgerEntry, MessageView, Presence, Profile, Result, Snooze, StopRequest,
};
use rapport_core::values::OptOutScope;

/// One candidate as the UI sees them: their inbox row, conversation and profile.
#[derive(Debug, Clone)]
pub struct Person {
    pub row: InboxRow,
    pub conversation: Conversation,
    pub profile: Profile,
}

#[derive(Debug, Default)]
pub struct Fake {
    pub people: Vec<Person>,
    /// Drafts: (draft id, candidate, the message it answers, text).
    pub drafts: Vec<(i64, i64, Option<i64>, String)>,
    /// What the queue's check answers for a candidate (allowed when absent).
    pub verdicts: Vec<(i64, Verdict)>,
    /// Colleagues' activity by candidate.
    pub colleagues: Vec<(i64, ColleagueActivity)>,
    /// Candidates' open data requests, team-wide.
    pub requests: Vec<DataRequest>,
    /// Shares with their progress, newest first.
    pub shares: Vec<rapport_core::actions::share::Report>,
}

impl Person {
    /// A candidate `id` who wrote to us at `at` (seconds) and waits for a reply.
    pub fn waiting(id: i64, name: &str, at: i64) -> Person {
        let address = format!("{}@example.test", name.to_lowercase().replace(' ', "."));
        let message = MessageView {
            id: id * 100,
            message_id: format!("<m{id}@example.test>"),
            thread_id: id,
            parent_message_id: None,
            direction: Direction::Inbound,
            from_name: name.into(),
            from_addr: address.clone(),
            to: "jobs@northwind.test".into(),
            cc: String::new(),
            subject: format!("About the role, from {name}"),
            date: at,
            body: format!("Hello, this is {name}."),
            attachments: Vec::new(),
            automated: false,
            recruiter: None,
            delivery: None,
        };
        Person {
            row: InboxRow {
                id,
                name: name.into(),
                address: address.clone(),
                snippet: message.body.clone(),
                waiting_since: Some(at),
                last_activity: Some(at),
                last_direction: Some(Direction::Inbound),
                message_count: 1,
                opted_out: false,
                next_contact: None,
                suppressed: false,
                optout_request: false,
                assigned_to: None,
                snoozed_until: None,
                back_from_snooze: false,
            },
            conversation: Conversation {
                candidate_id: id,
                messages: vec![message],
                contacts: Vec::new(),
                older_omitted: 0,
                notes: Vec::new(),
                done: Vec::new(),
            },
            profile: Profile {
                id,
                name: name.into(),
                addresses: vec![address],
                preferences: None,
                opt_outs: Vec::new(),
                message_count: 1,
                last_inbound_at: Some(at),
                last_outbound_at: None,
                last_contact_at: None,
                waiting_since: Some(at),
                recent_contacts: Vec::new(),
                next_contact: None,
                suppressed: false,
                optout_request: None,
                answer_request: None,
            },
        }
    }

    /// Their newest message reads as a request to stop contact with `scope`.
    pub fn asking_to_stop(mut self, scope: OptOutScope) -> Person {
        let m = self.conversation.messages.last().expect("one message").id;
        self.row.optout_request = true;
        self.profile.optout_request = Some((
            m,
            StopRequest {
                evidence: "please stop".into(),
                scope,
            },
        ));
        self
    }

    /// Their newest message answers the question mail: `answer` as the core reads it
    /// (`1 email only 2 every three months 3 rust, remote`).
    pub fn answering(mut self, answer: &str) -> Person {
        let m = self.conversation.messages.last().expect("one message").id;
        let proposal = rapport_core::consent::answers::read(answer);
        self.profile.answer_request = Some((m, proposal));
        self
    }

    /// Their message carries these files: (name, type, size).
    pub fn with_attachments(mut self, files: &[(&str, &str, u64)]) -> Person {
        let m = self.conversation.messages.last_mut().expect("one message");
        m.attachments = files
            .iter()
            .map(|(name, mime, size)| rapport_core::model::Attachment {
                name: (*name).into(),
                mime: (*mime).into(),
                size: *size,
            })
            .collect();
        self
    }

    /// `who` answered at `at`: our message is in the conversation and they wait no more.
    pub fn answered(&mut self, who: &str, at: i64) {
        let first = self.conversation.messages[0].clone();
        let n = self.conversation.messages.len() as i64;
        self.conversation.messages.push(MessageView {
            id: first.id + n,
            message_id: format!("<r{}-{n}@northwind.test>", self.row.id),
            parent_message_id: Some(first.message_id.clone()),
            direction: Direction::Outbound,
            from_name: "Northwind Talent".into(),
            from_addr: "jobs@northwind.test".into(),
            to: first.from_addr.clone(),
            subject: format!("Re: {}", first.subject),
            date: at,
            body: "Thanks, let us talk.".into(),
            recruiter: Some(who.into()),
            ..first
        });
        self.row.waiting_since = None;
        self.row.last_direction = Some(Direction::Outbound);
        self.row.last_activity = Some(at);
        self.profile.waiting_since = None;
    }

    /// A further message of theirs at `at`.
    pub fn wrote_again(&mut self, at: i64, body: &str) {
        let first = self.conversation.messages[0].clone();
        let n = self.conversation.messages.len() as i64;
        self.conversation.messages.push(MessageView {
            id: first.id + n,
            message_id: format!("<m{}-{n}@example.test>", self.row.id),
            date: at,
            body: body.into(),
            ..first
        });
    }
}

impl Fake {
    pub fn new(people: Vec<Person>) -> Fake {
        Fake {
            people,
            ..Fake::default()
        }
    }

    pub fn person_mut(&mut self, id: i64) -> &mut Person {
        self.people.iter_mut().find(|p| p.row.id == id).unwrap()
    }

    /// The inbox's rules, reduced: the filter, a query whose words and phrases look at the name
    /// and address (any case) and whose fields hold for everyone;
    /// the longest wait first, then the newest activity.
    fn matching(&self, q: &InboxQuery) -> Vec<&Person> {
        let listed = |p: &Person| {
            let filtered = match q.filter {
                InboxFilter::Awaiting => p.row.waiting_since.is_some(),
                InboxFilter::OptedOut => p.row.opted_out,
                _ => true,
            };
            let searched = q.search.as_ref().is_none_or(|f| holds(&f.query.expr, p));
            (filtered && searched) || q.keep == Some(p.row.id)
        };
        let mut v: Vec<&Person> = self.people.iter().filter(|p| listed(p)).collect();
        v.sort_by_key(|p| (p.row.waiting_since.unwrap_or(i64::MAX), p.row.id));
        v
    }

    fn find(&self, id: i64) -> Option<&Person> {
        self.people.iter().find(|p| p.row.id == id)
    }
}

/// A query against one person, reduced: see [`Fake::matching`].
fn holds(e: &Expr, p: &Person) -> bool {
    match e {
        Expr::And(v) => v.iter().all(|e| holds(e, p)),
        Expr::Or(v) => v.iter().any(|e| holds(e, p)),
        Expr::Not(e) => !holds(e, p),
        Expr::Term(Term::Word(t) | Term::Phrase(t)) => {
            let t = t.to_lowercase();
            p.row.name.to_lowercase().contains(&t) || p.row.address.contains(&t)
        }
        Expr::Term(_) => true,
    }
}

impl Reads for Fake {
    fn inbox_count(&self, q: &InboxQuery) -> Result<usize> {
        Ok(self.matching(q).len())
    }
    fn inbox_page(&self, q: &InboxQuery, offset: usize, limit: usize) -> Result<Vec<InboxRow>> {
        Ok(self
            .matching(q)
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|p| p.row.clone())
            .collect())
    }
    fn inbox_position(&self, q: &InboxQuery, candidate: i64) -> Result<Option<usize>> {
        Ok(self.matching(q).iter().position(|p| p.row.id == candidate))
    }
    fn conversation(&self, candidate: i64, _limit: usize) -> Result<Conversation> {
        Ok(self
            .find(candidate)
            .map(|p| p.conversation.clone())
            .unwrap_or(Conversation {
                candidate_id: candidate,
                messages: Vec::new(),
                contacts: Vec::new(),
                older_omitted: 0,
                notes: Vec::new(),
                done: Vec::new(),
            }))
    }
    fn profile(&self, candidate: i64) -> Result<Option<Profile>> {
        Ok(self.find(candidate).map(|p| p.profile.clone()))
    }
    fn ledger(&self, _candidate: i64) -> Result<Vec<LedgerEntry>> {
        Ok(Vec::new())
    }
    fn unacknowledged_suppressed_arrivals(&self) -> Result<i64> {
        Ok(0)
    }
    fn open_data_requests(&self) -> Result<Vec<DataRequest>> {
        Ok(self.requests.clone())
    }
    fn latest_draft(&self, candidate: i64) -> Result<Option<(i64, Option<i64>, String)>> {
        Ok(self
            .drafts
            .iter()
            .rev()
            .find(|d| d.1 == candidate)
            .map(|d| (d.0, d.2, d.3.clone())))
    }
    fn reply_draft(&self, parent: &MessageView, when: &str) -> Result<Draft> {
        Ok(rapport_core::mail_out::compose::reply_draft(
            parent,
            &[],
            &[],
            when,
        ))
    }
    fn assignment(&self, _candidate: i64) -> Result<Option<Assignment>> {
        Ok(None)
    }
    fn snooze_of(&self, _candidate: i64) -> Result<Option<Snooze>> {
        Ok(None)
    }
    fn presence_of_others(&self, _own: &str, _now: i64) -> Result<Vec<Presence>> {
        Ok(Vec::new())
    }
    fn send_verdict(
        &self,
        candidate: i64,
        _to: &[String],
        _topics: &[String],
        _now: i64,
    ) -> Result<Verdict> {
        Ok(self
            .verdicts
            .iter()
            .find(|v| v.0 == candidate)
            .map_or(Verdict::Allowed, |v| v.1.clone()))
    }
    fn colleague_activity(
        &self,
        candidate: i64,
        since: i64,
        _me: &str,
    ) -> Result<Vec<ColleagueActivity>> {
        Ok(self
            .colleagues
            .iter()
            .filter(|c| c.0 == candidate && c.1.at >= since)
            .map(|c| c.1.clone())
            .collect())
    }
    fn report_settings(&self) -> (Schedule, Target) {
        (Schedule::demo(), Target::default())
    }
    fn report(&self, _: &Schedule, _: Target, _: Clock, _: Period) -> Result<Report> {
        Err(rapport_core::store::StoreError::Invalid(
            "no reports in the fake".into(),
        ))
    }
    fn shares(&self) -> Result<Vec<rapport_core::store::ShareRow>> {
        Ok(self.shares.iter().map(|r| r.share.clone()).collect())
    }
    fn share_report(&self, id: i64) -> Result<rapport_core::actions::share::Report> {
        self.shares
            .iter()
            .find(|r| r.share.id == id)
            .cloned()
            .ok_or_else(|| rapport_core::store::StoreError::Invalid(format!("no share {id}")))
    }
}
