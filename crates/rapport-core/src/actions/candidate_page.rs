//! The candidate's own voice: what their preference page shows and what saving it, the
//! one-click unsubscribe and their requests about their data do. Written once here; the web
//! server (`rapport serve`) only turns forms into these calls and their answers into HTML.
//!
//! Every change is recorded as theirs: source "the candidate, on their preference page",
//! legal basis "the candidate's own choice", actor [`ACTOR`].

use super::{Acting, preferences};
use crate::error::{Error, Result};
use crate::model::{Channel, Frequency, Preferences};
use crate::store::{ChangeMeta, Store};
use crate::values::{ChangeSource, DataRequestKind, LegalBasis, OptOutScope};

/// Who the ledger and audit name for what the candidate did on their page.
pub const ACTOR: &str = "the candidate (preference page)";

/// Where their data requests came from.
pub const VIA: &str = "preference-page";

/// A data request is due within a month (GDPR art. 12(3)); counted as 30 days.
pub const DUE_SECS: i64 = 30 * 86_400;

/// The channels a candidate can choose on the page, in the order shown.
pub const CHANNELS: [Channel; 4] = [
    Channel::Email,
    Channel::Phone,
    Channel::Sms,
    Channel::Linkedin,
];

/// What the page shows: their wishes as we hold them. Nothing else about them (no name, no
/// address, no message), so a forwarded link shows nobody's mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// False when they opted out of all contact or chose "none at all".
    pub contact: bool,
    /// Allowed channels; empty means "not said" (any).
    pub channels: Vec<Channel>,
    pub preferred: Option<Channel>,
    pub frequency: Option<Frequency>,
    /// Their interests.
    pub interests: Vec<String>,
    /// The interests offered: the team's list, then any of theirs not on it.
    pub offered: Vec<String>,
    /// Topics they do not want to hear about (active topic opt-outs).
    pub not_topics: Vec<String>,
    /// Email opted out (one-click unsubscribe, or by mail).
    pub email_stopped: bool,
    pub language: Option<String>,
    /// Their open requests: what, asked when, due when.
    pub open_requests: Vec<(DataRequestKind, i64, i64)>,
}

/// What they chose on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    pub contact: bool,
    pub channels: Vec<Channel>,
    pub preferred: Option<Channel>,
    pub frequency: Option<Frequency>,
    pub interests: Vec<String>,
    pub not_topics: Vec<String>,
    pub language: Option<String>,
    /// A note to the team, in their words.
    pub note: String,
    pub want_copy: bool,
    pub want_erasure: bool,
}

/// What saving changed, for the confirmation the page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Saved {
    /// The ledger fields that changed.
    pub changed: Vec<String>,
    /// Requests newly recorded.
    pub requested: Vec<DataRequestKind>,
    /// Queued mail cancelled because it no longer fits their wishes.
    pub cancelled: usize,
}

fn active_opt_outs(store: &Store, candidate: i64) -> Result<Vec<crate::store::OptOutView>> {
    let p = store
        .profile(candidate)?
        .ok_or_else(|| Error::NotFound(format!("there is no candidate {candidate}")))?;
    Ok(p.opt_outs
        .into_iter()
        .filter(|o| o.revoked_at.is_none())
        .collect())
}

/// The page for `candidate`, offering the team's `interests`.
pub fn page(store: &Store, candidate: i64, team_interests: &[String]) -> Result<Page> {
    let outs = active_opt_outs(store, candidate)?;
    let prefs = store.preferences(candidate)?.unwrap_or_default();
    let all = outs.iter().any(|o| o.scope == OptOutScope::All);
    let email_stopped = outs
        .iter()
        .any(|o| o.scope == OptOutScope::Channel(Channel::Email));
    let mut offered: Vec<String> = team_interests.iter().map(|t| t.to_lowercase()).collect();
    for i in &prefs.interests {
        if !offered.contains(i) {
            offered.push(i.clone());
        }
    }
    let mut channels = prefs.channels.clone();
    if email_stopped {
        channels.retain(|c| *c != Channel::Email);
        if channels.is_empty() {
            // "Any channel but email" is what an email opt-out leaves.
            channels = CHANNELS
                .iter()
                .copied()
                .filter(|c| *c != Channel::Email)
                .collect();
        }
    }
    Ok(Page {
        contact: !all && !prefs.no_channel,
        channels,
        preferred: prefs.preferred,
        frequency: prefs.frequency,
        interests: prefs.interests,
        offered,
        not_topics: outs
            .iter()
            .filter_map(|o| o.scope.topic().map(str::to_string))
            .collect(),
        email_stopped,
        language: prefs.language,
        open_requests: store
            .data_requests_of(candidate)?
            .into_iter()
            .filter(|r| r.resolved_at.is_none())
            .map(|r| (r.kind, r.at, r.due_at))
            .collect(),
    })
}

fn meta(at: i64, note: &str) -> ChangeMeta {
    ChangeMeta {
        actor: ACTOR.into(),
        at,
        source: ChangeSource::PreferencePage,
        source_message_id: None,
        legal_basis: Some(LegalBasis::OwnChoice),
        note: note.into(),
    }
}

/// Saves what they chose: preferences through the one validator, opt-outs recorded or ended,
/// queued mail their new wishes refuse cancelled, their note and requests recorded.
pub fn save(store: &mut Store, candidate: i64, c: Choices, at: i64) -> Result<Saved> {
    let before = store.ledger(candidate)?.len();
    let outs = active_opt_outs(store, candidate)?;
    let mut saved = Saved::default();
    let mut choices = c;
    // A preferred channel they did not tick is one they allow.
    if let Some(p) = choices.preferred
        && !choices.channels.is_empty()
        && !choices.channels.contains(&p)
    {
        choices.channels.push(p);
    }
    let all = outs.iter().find(|o| o.scope == OptOutScope::All);
    match (choices.contact, all) {
        (false, None) => {
            let scope = OptOutScope::All;
            store.record_opt_out(
                candidate,
                &scope,
                "chose no contact on their preference page",
                &meta(at, "no contact at all"),
            )?;
        }
        (true, Some(o)) => store.revoke_opt_out(o.id, &meta(at, "chose to hear from us again"))?,
        _ => {}
    }
    // An email opt-out ends when they tick email again; unticking it (with other channels
    // ticked) is a preference, and queued email is cancelled below.
    if let Some(o) = outs
        .iter()
        .find(|o| o.scope == OptOutScope::Channel(Channel::Email))
        && choices.contact
        && choices.channels.contains(&Channel::Email)
    {
        store.revoke_opt_out(o.id, &meta(at, "allowed email again"))?;
    }
    let old = store.preferences(candidate)?.unwrap_or_default();
    let prefs = Preferences {
        channels: choices.channels.clone(),
        preferred: choices.preferred,
        frequency: choices.frequency,
        interests: choices.interests.clone(),
        language: choices.language.clone(),
        timezone: old.timezone.clone(),
        no_channel: !choices.contact && old.no_channel,
    };
    preferences::set(
        store,
        candidate,
        preferences::Change {
            preferences: prefs,
            source: preferences::Source::PreferencePage,
            basis: LegalBasis::OwnChoice,
            note: String::new(),
        },
        &Acting::new(ACTOR, at),
    )?;
    if choices.contact
        && !choices.channels.is_empty()
        && !choices.channels.contains(&Channel::Email)
    {
        saved.cancelled += store.cancel_queued(
            candidate,
            &OptOutScope::Channel(Channel::Email),
            "cancelled: the candidate no longer allows email (preference page)",
            ACTOR,
        )?;
    }
    let wanted: Vec<String> = choices
        .not_topics
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    for t in &wanted {
        if !outs.iter().any(|o| o.scope.topic() == Some(t.as_str())) {
            store.record_opt_out(
                candidate,
                &OptOutScope::Topic(t.clone()),
                "does not want to hear about it (preference page)",
                &meta(at, ""),
            )?;
        }
    }
    for o in &outs {
        if let Some(t) = o.scope.topic()
            && !wanted.iter().any(|w| w == t)
        {
            store.revoke_opt_out(o.id, &meta(at, "wants to hear about it again"))?;
        }
    }
    let note = crate::sanitize::sanitize_text(choices.note.trim());
    if !note.is_empty() {
        let note: String = note.chars().take(2000).collect();
        store.add_ledger_note(candidate, "note-to-team", &note, &meta(at, ""))?;
    }
    for (want, kind) in [
        (choices.want_copy, DataRequestKind::Copy),
        (choices.want_erasure, DataRequestKind::Erasure),
    ] {
        if want {
            let (_, new) =
                store.add_data_request(candidate, kind, VIA, at, at + DUE_SECS, ACTOR)?;
            if new {
                saved.requested.push(kind);
            }
        }
    }
    saved.changed = store
        .ledger(candidate)?
        .into_iter()
        .skip(before)
        .map(|e| e.field)
        .collect();
    Ok(saved)
}

/// The one-click unsubscribe (RFC 8058): records the opt-out of `scope` unless one already
/// covers it. Idempotent; returns whether anything was recorded.
pub fn one_click(store: &mut Store, candidate: i64, scope: OptOutScope, at: i64) -> Result<bool> {
    let outs = active_opt_outs(store, candidate)?;
    let covered = outs
        .iter()
        .any(|o| o.scope == OptOutScope::All || o.scope == scope);
    if covered {
        return Ok(false);
    }
    store.record_opt_out(
        candidate,
        &scope,
        "one-click unsubscribe from a message we sent",
        &meta(at, "one-click unsubscribe"),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    fn choices() -> Choices {
        Choices {
            contact: true,
            channels: vec![Channel::Email],
            frequency: Some(Frequency::Quarterly),
            interests: vec!["rust".into()],
            language: Some("de".into()),
            ..Default::default()
        }
    }

    #[test]
    fn saving_records_the_candidates_own_choice_and_the_page_shows_it() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let s = save(&mut f.store, ada, choices(), T0).unwrap();
        assert!(s.changed.contains(&"frequency".to_string()), "{s:?}");
        let l = f.store.ledger(ada).unwrap();
        assert!(l.iter().all(|e| e.source == ChangeSource::PreferencePage
            && e.legal_basis == Some(LegalBasis::OwnChoice)
            && e.actor == ACTOR));
        let p = page(&f.store, ada, &["ml".into()]).unwrap();
        assert_eq!(p.frequency, Some(Frequency::Quarterly));
        assert_eq!(p.offered, vec!["ml", "rust"]);
        assert_eq!(p.language.as_deref(), Some("de"));
        // Saving the same again changes nothing.
        let again = save(&mut f.store, ada, choices(), T0 + 60).unwrap();
        assert!(again.changed.is_empty(), "{again:?}");
    }

    #[test]
    fn no_contact_then_contact_again_and_topics() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let mut c = choices();
        c.contact = false;
        c.not_topics = vec!["Sales".into()];
        save(&mut f.store, ada, c, T0).unwrap();
        let p = page(&f.store, ada, &[]).unwrap();
        assert!(!p.contact);
        assert_eq!(p.not_topics, vec!["sales"]);
        let mut c = choices();
        c.not_topics.clear();
        save(&mut f.store, ada, c, T0 + 60).unwrap();
        let p = page(&f.store, ada, &[]).unwrap();
        assert!(p.contact);
        assert!(p.not_topics.is_empty());
    }

    #[test]
    fn queued_mail_their_new_wishes_refuse_is_cancelled_at_once() {
        use crate::mail_out::outbox::{Outgoing, enqueue};
        use crate::values::OutboxState;
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let out = Outgoing {
            candidate_id: Some(ada),
            from: "talent@example.org".into(),
            to: vec!["ada@example.org".into()],
            message_id: "q1@example.org".into(),
            raw: b"Subject: hi\r\n\r\nhello\r\n".to_vec(),
            topics: vec![],
            created_by: "tess".into(),
            opened_at: None,
        };
        // The fixture's message asks not to be called: settled, so that email may go.
        crate::actions::optout::dismiss_request(&mut f.store, ada, &Acting::new("tess", T0))
            .unwrap();
        enqueue(&mut f.store, &out, None, T0).unwrap();
        let mut c = choices();
        c.channels = vec![Channel::Phone];
        let s = save(&mut f.store, ada, c, T0 + 60).unwrap();
        assert_eq!(s.cancelled, 1, "{s:?}");
        let states: Vec<OutboxState> = f.store.outbox().unwrap().iter().map(|e| e.state).collect();
        assert_eq!(states, vec![OutboxState::Cancelled]);
    }

    #[test]
    fn one_click_is_idempotent_and_requests_open_once() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let email = OptOutScope::Channel(Channel::Email);
        assert!(one_click(&mut f.store, ada, email.clone(), T0).unwrap());
        assert!(!one_click(&mut f.store, ada, email, T0 + 1).unwrap());
        assert!(page(&f.store, ada, &[]).unwrap().email_stopped);
        let mut c = choices();
        c.channels = vec![Channel::Phone];
        c.want_copy = true;
        let s = save(&mut f.store, ada, c.clone(), T0 + 2).unwrap();
        assert_eq!(s.requested, vec![DataRequestKind::Copy]);
        let s = save(&mut f.store, ada, c, T0 + 3).unwrap();
        assert!(s.requested.is_empty(), "asking twice is one request");
        let open = f.store.open_data_requests().unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].due_at, T0 + 2 + DUE_SECS);
    }
}
