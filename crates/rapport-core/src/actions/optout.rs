//! Opt-outs: recording one (by hand, or the request the candidate's message was detected to
//! make), dismissing a detected request that was not one, and ending opt-outs when the
//! candidate asks to hear from us again.

use super::Acting;
use crate::error::{Error, Result};
use crate::store::{ChangeMeta, Store};
use crate::values::{ChangeSource, LegalBasis, OptOutScope};

/// Where an opt-out came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The candidate's message (row id) asked.
    Message(i64),
    /// A recruiter's note of a call.
    CallNote,
    /// The candidate's mail (row id) to the unsubscribe address.
    UnsubscribeMail(i64),
}

/// The one reading of a scope as users type it: "all", "topic:<name>", "channel:<channel>"
/// or a bare channel ("email" means that channel); case and spaces do not matter.
pub fn scope(s: &str) -> Result<OptOutScope> {
    let s = s.trim().to_lowercase();
    if let Some(t) = s.strip_prefix("topic:")
        && t.trim().is_empty()
    {
        return Err(Error::Invalid("topic: needs a name, e.g. topic:ml".into()));
    }
    let bare = super::preferences::channel(&s).map(OptOutScope::Channel);
    bare.or_else(|_| s.parse::<OptOutScope>()).map_err(|_| {
        Error::Invalid(format!(
            "unknown scope {s:?}: use all, email, phone, sms, linkedin or topic:NAME"
        ))
    })
}

/// Records an opt-out; covered mail is refused from now on and queued mail cancelled.
/// Returns the scope as recorded.
pub fn record(
    store: &mut Store,
    candidate: i64,
    scope: OptOutScope,
    reason: &str,
    source: Source,
    who: &Acting,
) -> Result<OptOutScope> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Invalid("give a reason (what they asked)".into()));
    }
    let (source, message) = match source {
        Source::Message(m) => (ChangeSource::Message, Some(m)),
        Source::CallNote => (ChangeSource::CallNote, None),
        Source::UnsubscribeMail(m) => (ChangeSource::UnsubscribeMail, Some(m)),
    };
    let meta = ChangeMeta {
        actor: who.actor.clone(),
        at: who.at,
        source,
        source_message_id: message,
        legal_basis: None,
        note: reason.into(),
    };
    store.record_opt_out(candidate, &scope, reason, &meta)?;
    Ok(scope)
}

/// Records the opt-out the candidate's message asked for, with the scope ingest read from it
/// (nothing is detected again), that message as the source and their words as the reason.
/// Returns the scope they asked for.
pub fn accept_request(store: &mut Store, candidate: i64, who: &Acting) -> Result<OptOutScope> {
    let profile = store
        .profile(candidate)?
        .ok_or_else(|| Error::NotFound(format!("there is no candidate {candidate}")))?;
    let Some((message, request)) = profile.optout_request else {
        return Err(Error::NotFound(
            "no opt-out request is waiting on this candidate".into(),
        ));
    };
    let reason = if request.evidence.trim().is_empty() {
        "asked in their message".to_string()
    } else {
        request.evidence
    };
    record(
        store,
        candidate,
        request.scope,
        &reason,
        Source::Message(message),
        who,
    )
}

/// The detected request was not one: the banner goes (audited). False when none was waiting.
pub fn dismiss_request(store: &mut Store, candidate: i64, who: &Acting) -> Result<bool> {
    let waiting = store
        .profile(candidate)?
        .is_some_and(|p| p.optout_request.is_some());
    if waiting {
        store.dismiss_optout_request(candidate, &who.actor)?;
    }
    Ok(waiting)
}

/// Ends the candidate's active opt-outs (those of `only` scope, or all) because their own
/// message `message` asked to hear from us again. Returns the scopes that ended.
pub fn revoke(
    store: &mut Store,
    candidate: i64,
    message: i64,
    only: Option<&OptOutScope>,
    who: &Acting,
) -> Result<Vec<OptOutScope>> {
    let want = only;
    let p = store
        .profile(candidate)?
        .ok_or_else(|| Error::NotFound(format!("there is no candidate {candidate}")))?;
    let active: Vec<_> = p
        .opt_outs
        .iter()
        .filter(|o| o.revoked_at.is_none() && want.as_ref().is_none_or(|w| **w == o.scope))
        .collect();
    if active.is_empty() {
        return Err(Error::NotFound(format!(
            "{} has no active opt-out{}",
            p.name,
            want.map(|w| format!(" for {w}")).unwrap_or_default()
        )));
    }
    let mut ended = Vec::new();
    for o in active {
        let meta = ChangeMeta {
            actor: who.actor.clone(),
            at: who.at,
            source: ChangeSource::Candidate,
            source_message_id: Some(message),
            legal_basis: Some(LegalBasis::Consent),
            note: "the candidate asked to hear from us again".into(),
        };
        store.revoke_opt_out(o.id, &meta)?;
        ended.push(o.scope.clone());
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::fixture::{Fixture, T0};

    fn active(f: &Fixture, c: i64) -> Vec<String> {
        let p = f.store.profile(c).unwrap().unwrap();
        p.opt_outs
            .iter()
            .filter(|o| o.revoked_at.is_none())
            .map(|o| o.scope.to_string())
            .collect()
    }

    #[test]
    fn scopes_have_one_spelling() {
        assert_eq!(scope("ALL").unwrap().to_string(), "all");
        assert_eq!(scope("email").unwrap().to_string(), "channel:email");
        assert_eq!(scope("channel:sms").unwrap().to_string(), "channel:sms");
        assert_eq!(scope("topic:ML").unwrap().to_string(), "topic:ml");
        assert!(scope("topic:").is_err());
        assert!(scope("pigeon").is_err());
    }

    #[test]
    fn records_an_opt_out_and_refuses_one_without_a_reason() {
        let mut f = Fixture::new();
        let bob = f.candidate("bob@example.org");
        let who = Acting::new("alice", T0);
        assert!(matches!(
            record(
                &mut f.store,
                bob,
                OptOutScope::All,
                "  ",
                Source::CallNote,
                &who
            ),
            Err(Error::Invalid(_))
        ));
        assert!(active(&f, bob).is_empty());
        let s = record(
            &mut f.store,
            bob,
            scope("sms").unwrap(),
            "said so on a call",
            Source::CallNote,
            &who,
        );
        assert_eq!(s.unwrap().to_string(), "channel:sms");
        assert_eq!(active(&f, bob), vec!["channel:sms"]);
        let e = f.store.ledger(bob).unwrap();
        assert_eq!(e[0].field, "opt-out");
        assert_eq!(e[0].source.as_str(), "call-note");
    }

    #[test]
    fn accepting_a_detected_request_records_the_scope_they_asked_for() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let waiting = f.store.profile(ada).unwrap().unwrap().optout_request;
        let (msg, _) = waiting.expect("the fixture's \"don't call me\" is detected");
        let scope = accept_request(&mut f.store, ada, &Acting::new("alice", T0)).unwrap();
        assert_eq!(scope.to_string(), "channel:phone");
        let p = f.store.profile(ada).unwrap().unwrap();
        assert!(p.optout_request.is_none(), "the banner goes");
        let e = f.store.ledger(ada).unwrap();
        assert_eq!(e[0].source_message_id, Some(msg));
        // Nothing waits any more: a second accept says so.
        assert!(accept_request(&mut f.store, ada, &Acting::new("alice", T0)).is_err());
    }

    #[test]
    fn dismissing_a_request_records_no_opt_out() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        assert!(dismiss_request(&mut f.store, ada, &Acting::new("alice", T0)).unwrap());
        assert!(active(&f, ada).is_empty());
        assert!(
            f.store
                .profile(ada)
                .unwrap()
                .unwrap()
                .optout_request
                .is_none()
        );
        assert!(!dismiss_request(&mut f.store, ada, &Acting::new("alice", T0)).unwrap());
    }

    #[test]
    fn the_candidate_ends_their_opt_out_with_their_own_message() {
        let mut f = Fixture::new();
        let ada = f.candidate("ada@example.org");
        let who = Acting::new("alice", T0 - 3000);
        record(
            &mut f.store,
            ada,
            OptOutScope::All,
            "asked",
            Source::CallNote,
            &who,
        )
        .unwrap();
        let m2 = f.message("m2");
        let ended = revoke(&mut f.store, ada, m2, None, &Acting::new("alice", T0)).unwrap();
        assert_eq!(ended, vec![OptOutScope::All]);
        assert!(active(&f, ada).is_empty());
        assert!(revoke(&mut f.store, ada, m2, None, &Acting::new("alice", T0)).is_err());
    }
}
